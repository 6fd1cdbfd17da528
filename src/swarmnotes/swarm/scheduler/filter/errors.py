"""The filter package's errors, at their old import path (docker/swarm v1.2.5 scheduler/filter/).

Each sentinel now lives in the module of the Go file that declares it
(``health.py``, ``slots.py``, ``filter.py``) and the base, :class:`FilterError`,
in :mod:`swarmnotes.swarm.errors`; this module keeps the old import path.
"""

from __future__ import annotations

from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.filter.filter import ErrNotSupported
from swarmnotes.swarm.scheduler.filter.health import ErrNoHealthyNodeAvailable
from swarmnotes.swarm.scheduler.filter.slots import ErrNoNodeWithFreeSlotsAvailable

__all__ = [
    "FilterError",
    "ErrNoHealthyNodeAvailable",
    "ErrNoNodeWithFreeSlotsAvailable",
    "ErrNotSupported",
]
