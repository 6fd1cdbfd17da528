"""Port of docker/swarm v1.2.5 scheduler/strategy/weighted_node.go: scoring nodes.

For each node, with the request's ``Memory`` (bytes) and ``CpuShares`` (CPUs):

1. skip it if its total is smaller than the request;
2. ``cpu_score = (used_cpus + cpus) * 100 // total_cpus`` and
   ``memory_score = (used_memory + memory) * 100 // total_memory``, each
   **100 when nothing is requested** (not 0);
3. keep it only if both scores are ``<= 100`` (exactly full is allowed);
4. ``weight = cpu_score + memory_score + healthiness_factor * health_indicator``.

Spread uses a factor of -10 and binpack +10: a healthy node (100) moves by
1000 points, more than any resource difference (0..200), so less healthy
nodes always rank last.
"""

from __future__ import annotations

from dataclasses import dataclass

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy.strategy import ErrNoResourcesAvailable

__all__ = ["WeightedNode", "weigh_nodes"]


@dataclass
class WeightedNode:
    """A node and its weight. Go: strategy.weightedNode"""

    node: Node
    weight: int


def weigh_nodes(
    config: ContainerConfig, nodes: list[Node], healthiness_factor: int
) -> list[WeightedNode]:
    """The nodes that can take the request, with their weights, in input order.

    Raises :class:`ErrNoResourcesAvailable` when none can (an empty input
    included). Go: strategy.weighNodes
    """
    memory = config.host_config.get("Memory") or 0
    cpus = config.host_config.get("CpuShares") or 0

    weighted_nodes: list[WeightedNode] = []
    for node in nodes:
        node_memory = node.total_memory
        node_cpus = node.total_cpus

        # Skip nodes that are smaller than the requested resources.
        if node_memory < memory or node_cpus < cpus:
            continue

        cpu_score = 100
        memory_score = 100
        # Go's int64 division; every value is >= 0 here, so // is the same.
        if cpus > 0:
            cpu_score = (node.used_cpus + cpus) * 100 // node_cpus
        if memory > 0:
            memory_score = (node.used_memory + memory) * 100 // node_memory

        if cpu_score <= 100 and memory_score <= 100:
            weighted_nodes.append(
                WeightedNode(
                    node=node,
                    weight=cpu_score + memory_score + healthiness_factor * node.health_indicator,
                )
            )

    if not weighted_nodes:
        raise ErrNoResourcesAvailable()
    return weighted_nodes
