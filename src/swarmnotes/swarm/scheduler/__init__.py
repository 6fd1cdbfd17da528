"""Classic Swarm's scheduler (docker/swarm v1.2.5 scheduler/).

* :mod:`~swarmnotes.swarm.scheduler.node`: the scheduler's view of an engine;
* :mod:`~swarmnotes.swarm.scheduler.filter`: the six filters;
* :mod:`~swarmnotes.swarm.scheduler.strategy`: spread, binpack, random;
* :mod:`~swarmnotes.swarm.scheduler.scheduler`: :class:`Scheduler`, soft then hard.

Careful: ``filter`` here is the filter package (it hides the builtin when
imported with ``from swarmnotes.swarm.scheduler import filter``).
"""

from __future__ import annotations

from swarmnotes.swarm.scheduler import filter, node, strategy
from swarmnotes.swarm.scheduler.scheduler import ErrNoNodeAvailable, Scheduler, new

__all__ = ["ErrNoNodeAvailable", "Scheduler", "new", "filter", "strategy", "node"]
