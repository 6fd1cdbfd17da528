"""Port of docker/swarm v1.2.5 scheduler/filter/health.go: only healthy nodes."""

from __future__ import annotations

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["ErrNoHealthyNodeAvailable", "HealthFilter"]


class ErrNoHealthyNodeAvailable(FilterError):
    """No node is healthy. Go: filter.ErrNoHealthyNodeAvailable"""

    message = "No healthy node available in the cluster"


class HealthFilter:
    """Keeps the nodes whose ``is_healthy()`` holds. Go: filter.HealthFilter

    Fails with :class:`ErrNoHealthyNodeAvailable` when none is left (also for
    an empty node list). ``soft`` is ignored.
    """

    def name(self) -> str:
        return "health"

    def filter(self, config: ContainerConfig, nodes: list[Node], soft: bool) -> list[Node]:
        result = [node for node in nodes if node.is_healthy()]
        if not result:
            raise ErrNoHealthyNodeAvailable()
        return result

    def get_filters(self, config: ContainerConfig) -> list[str]:
        """Nothing: health never adds a line to ApplyFilters' error message."""
        return []

    def __repr__(self) -> str:
        return "HealthFilter()"
