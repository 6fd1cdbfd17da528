"""Port of docker/swarm v1.2.5 scheduler/strategy/strategy.go: the interface and the registry."""

from __future__ import annotations

import builtins
from typing import Protocol

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy.binpack import BinpackPlacementStrategy
from swarmnotes.swarm.scheduler.strategy.errors import ErrNotSupported
from swarmnotes.swarm.scheduler.strategy.random import RandomPlacementStrategy
from swarmnotes.swarm.scheduler.strategy.spread import SpreadPlacementStrategy

# Careful: list() below hides the builtin; the code uses builtins.list.
__all__ = ["PlacementStrategy", "new", "list"]


class PlacementStrategy(Protocol):
    """Go: strategy.PlacementStrategy"""

    def name(self) -> str:
        """The name ``--strategy`` takes."""
        ...

    def initialize(self) -> None:
        """Any set-up the strategy needs (random seeds its generator)."""
        ...

    def rank_and_sort(
        self, config: ContainerConfig, nodes: builtins.list[Node]
    ) -> builtins.list[Node]:
        """The nodes, best first; raises a StrategyError when none can take the container."""
        ...


# The registry: one shared instance each, in Go's init() order.
_strategies: builtins.list[PlacementStrategy] = [
    SpreadPlacementStrategy(),
    BinpackPlacementStrategy(),
    RandomPlacementStrategy(),
]


def new(name: str) -> PlacementStrategy:
    """The shared strategy called ``name``, initialized.  Go: strategy.New

    ``"binpacking"`` is an old alias of ``"binpack"``.  Raises
    :class:`ErrNotSupported` for any other unknown name.
    """
    if name == "binpacking":  # compatibility alias kept by Go
        name = "binpack"
    for s in _strategies:
        if s.name() == name:
            s.initialize()
            return s
    raise ErrNotSupported()


def list() -> builtins.list[str]:  # noqa: A001 - Go's strategy.List
    """``["spread", "binpack", "random"]``: the first one is the default.  Go: strategy.List"""
    return [s.name() for s in _strategies]
