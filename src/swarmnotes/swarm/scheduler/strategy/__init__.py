"""Classic Swarm's placement strategies (docker/swarm v1.2.5 scheduler/strategy/).

One module per Go file: ``strategy.py`` (interface, registry), ``weighted_node.py``
(the scoring shared by spread and binpack), ``spread.py``, ``binpack.py`` and
``random.py``. The sentinel errors are in ``strategy.py``, as in Go; the base,
``StrategyError``, is in ``swarmnotes.swarm.errors`` (``errors.py`` keeps the
old import path).

Careful: ``list`` here is Go's ``strategy.List``.
"""

from __future__ import annotations

from swarmnotes.swarm.errors import StrategyError
from swarmnotes.swarm.scheduler.strategy.binpack import BinpackPlacementStrategy
from swarmnotes.swarm.scheduler.strategy.random import RandomPlacementStrategy
from swarmnotes.swarm.scheduler.strategy.spread import SpreadPlacementStrategy
from swarmnotes.swarm.scheduler.strategy.strategy import (
    ErrNoResourcesAvailable,
    ErrNotSupported,
    PlacementStrategy,
    list,
    new,
)
from swarmnotes.swarm.scheduler.strategy.weighted_node import WeightedNode, weigh_nodes

__all__ = [
    "StrategyError",
    "ErrNotSupported",
    "ErrNoResourcesAvailable",
    "PlacementStrategy",
    "SpreadPlacementStrategy",
    "BinpackPlacementStrategy",
    "RandomPlacementStrategy",
    "new",
    "list",
    "WeightedNode",
    "weigh_nodes",
]
