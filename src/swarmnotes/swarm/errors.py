"""The one base of classic Swarm's errors, and the bases of its packages (docker/swarm v1.2.5).

Go: every failure is a value of the ``error`` interface: sentinels made
with ``errors.New`` in the file that returns them, others with
``fmt.Errorf``. Python: one base, :class:`SwarmError`, so a caller (the
scheduler's second attempt, the CLI) can catch "any swarm error" the way
Go tests ``err != nil``; under it one base per Go package (cluster,
filter, strategy), each with Go's text as ``str()``. The sentinels are
subclasses declared next to the code that raises them, each setting
``message`` to Go's text (see SwarmError).
"""

from __future__ import annotations

from swarmnotes.dockerapi import EngineError

__all__ = ["ClusterError", "EngineConnectionError", "FilterError", "StrategyError", "SwarmError"]


class SwarmError(Exception):
    """Any error of the classic Swarm port; ``str()`` is Go's error text.

    A sentinel (Go's ``var ErrX = errors.New("...")``) is a subclass that sets
    ``message`` to Go's text: ``ErrX()`` carries it, ``ErrX("other")`` may
    say more. The one spelling of a Go error in the package.
    """

    message = ""

    def __init__(self, *args: object) -> None:
        if not args and self.message:
            args = (self.message,)
        super().__init__(*args)


class ClusterError(SwarmError):
    """An error of the cluster package (cluster/, cluster/swarm/).

    A Docker engine that cannot be reached, stays silent or answers
    something else than the Docker API is one too, with the sentence of
    :func:`swarmnotes.dockerapi.explain`.
    """


class EngineConnectionError(ClusterError, EngineError):
    """An engine of the cluster could not be reached, stayed silent, or is not the Docker API.

    ``str()`` is the sentence of :func:`swarmnotes.dockerapi.explain`;
    ``__cause__`` is docker-py's error. Also an
    :class:`~swarmnotes.dockerapi.EngineError` (so a ``requests``
    ConnectionError, as docker-py's own errors are).
    """


class FilterError(SwarmError):
    """Any error raised by a filter, by ``parse_exprs`` or by ``apply_filters``."""


class StrategyError(SwarmError):
    """Any error raised by a placement strategy or by ``strategy.new``."""
