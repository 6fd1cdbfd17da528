"""The errors of the strategy package (docker/swarm v1.2.5 scheduler/strategy/strategy.go).

# Go: two sentinel ``errors.New`` values.  Python: a base class and one
# subclass per sentinel, whose no-argument constructor carries Go's text.
"""

from __future__ import annotations

__all__ = ["StrategyError", "ErrNotSupported", "ErrNoResourcesAvailable"]


class StrategyError(Exception):
    """Any error raised by a placement strategy or by ``strategy.new``."""


class ErrNotSupported(StrategyError):
    """An unknown strategy name.  Go: strategy.ErrNotSupported"""

    def __init__(self, message: str = "strategy not supported") -> None:
        super().__init__(message)


class ErrNoResourcesAvailable(StrategyError):
    """No node is big enough, or the input was empty.  Go: strategy.ErrNoResourcesAvailable"""

    def __init__(self, message: str = "no resources available to schedule container") -> None:
        super().__init__(message)
