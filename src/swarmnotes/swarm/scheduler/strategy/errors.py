"""The strategy package's errors, at their old path (docker/swarm v1.2.5 scheduler/strategy/).

The two sentinels live in ``strategy.py`` (Go declares them in strategy.go)
and the base, :class:`StrategyError`, in :mod:`swarmnotes.swarm.errors`; this
module keeps the old import path.
"""

from __future__ import annotations

from swarmnotes.swarm.errors import StrategyError
from swarmnotes.swarm.scheduler.strategy.strategy import ErrNoResourcesAvailable, ErrNotSupported

__all__ = ["StrategyError", "ErrNotSupported", "ErrNoResourcesAvailable"]
