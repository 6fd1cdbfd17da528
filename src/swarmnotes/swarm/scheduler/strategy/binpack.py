"""Port of docker/swarm v1.2.5 scheduler/strategy/binpack.go: the most packed node first."""

from __future__ import annotations

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy.weighted_node import weigh_nodes

__all__ = ["BinpackPlacementStrategy"]


class BinpackPlacementStrategy:
    """Highest weight first; on equal weight, **more** containers first.

    Go: strategy.BinpackPlacementStrategy
    """

    def initialize(self) -> None:
        """Nothing to set up."""

    def name(self) -> str:
        return "binpack"

    def rank_and_sort(self, config: ContainerConfig, nodes: list[Node]) -> list[Node]:
        """Raises ErrNoResourcesAvailable when no node can take the request."""
        # A healthy node *raises* its weight (factor +10), so it comes first.
        health_factor = 10
        weighted_nodes = weigh_nodes(config, nodes, health_factor)

        # Go: sort.Sort(sort.Reverse(...)), unstable. Python: a stable sort
        # on the negated key, so ties keep the input order.
        weighted_nodes.sort(key=lambda wn: (-wn.weight, -len(wn.node.containers)))
        return [wn.node for wn in weighted_nodes]

    def __repr__(self) -> str:
        return "BinpackPlacementStrategy()"
