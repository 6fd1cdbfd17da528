"""Port of docker/swarm v1.2.5 scheduler/strategy/strategy.go: interface, registry, errors.

The two sentinels Go declares in strategy.go live here. The strategies
import them (weighted_node.go returns ErrNoResourcesAvailable), so this
module imports the strategies only when the registry is first used.
"""

from __future__ import annotations

import builtins
from typing import Protocol

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import StrategyError
from swarmnotes.swarm.scheduler.node import Node

# Careful: list() below hides the builtin; the code uses builtins.list.
__all__ = ["ErrNoResourcesAvailable", "ErrNotSupported", "PlacementStrategy", "new", "list"]


class ErrNotSupported(StrategyError):
    """An unknown strategy name. Go: strategy.ErrNotSupported"""

    message = "strategy not supported"


class ErrNoResourcesAvailable(StrategyError):
    """No node is big enough, or the input was empty. Go: strategy.ErrNoResourcesAvailable"""

    message = "no resources available to schedule container"


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


# The registry: one shared instance each, in Go's init() order, made on first use.
_strategies: builtins.list[PlacementStrategy] = []


def _registry() -> builtins.list[PlacementStrategy]:
    # Go: each strategy file adds itself in init(). Python: they import this
    # module for its errors, so it imports them here, not at the top.
    if not _strategies:
        from swarmnotes.swarm.scheduler.strategy.binpack import BinpackPlacementStrategy
        from swarmnotes.swarm.scheduler.strategy.random import RandomPlacementStrategy
        from swarmnotes.swarm.scheduler.strategy.spread import SpreadPlacementStrategy

        _strategies.extend(
            [SpreadPlacementStrategy(), BinpackPlacementStrategy(), RandomPlacementStrategy()]
        )
    return _strategies


def new(name: str) -> PlacementStrategy:
    """The shared strategy called ``name``, initialized. Go: strategy.New

    ``"binpacking"`` is an old alias of ``"binpack"``. Raises
    :class:`ErrNotSupported` for any other unknown name.
    """
    if name == "binpacking":  # compatibility alias kept by Go
        name = "binpack"
    for s in _registry():
        if s.name() == name:
            s.initialize()
            return s
    raise ErrNotSupported()


def list() -> builtins.list[str]:  # noqa: A001 - Go's strategy.List
    """``["spread", "binpack", "random"]``: the first one is the default. Go: strategy.List"""
    return [s.name() for s in _registry()]
