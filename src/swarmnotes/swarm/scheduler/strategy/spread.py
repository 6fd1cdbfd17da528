"""Port of docker/swarm v1.2.5 scheduler/strategy/spread.go: the least loaded node first."""

from __future__ import annotations

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy.weighted_node import weigh_nodes

__all__ = ["SpreadPlacementStrategy"]


class SpreadPlacementStrategy:
    """Lowest weight first; on equal weight, fewer containers first.

    Go: strategy.SpreadPlacementStrategy. Needs no ``initialize()``.
    """

    def initialize(self) -> None:
        """Nothing to set up."""

    def name(self) -> str:
        return "spread"

    def rank_and_sort(self, config: ContainerConfig, nodes: list[Node]) -> list[Node]:
        """Raises ErrNoResourcesAvailable when no node can take the request."""
        # A healthy node *lowers* its weight (factor -10), so it comes first.
        health_factor = -10
        weighted_nodes = weigh_nodes(config, nodes, health_factor)

        # Go: sort.Sort, which is not stable: tied nodes (same weight and
        # container count) come out in an order that depends on the Go
        # version once there are more than 6 of them. Python: a stable sort,
        # so ties keep the input order.
        weighted_nodes.sort(key=lambda wn: (wn.weight, len(wn.node.containers)))
        return [wn.node for wn in weighted_nodes]

    def __repr__(self) -> str:
        return "SpreadPlacementStrategy()"
