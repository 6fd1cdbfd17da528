"""Port of docker/swarm v1.2.5 scheduler/strategy/random.go: any node, at random.

Random checks no resources and never fails: it shuffles the node list it is
given **in place** (Fisher-Yates) and returns that same list.
"""

from __future__ import annotations

import random
import time

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["RandomPlacementStrategy"]


class RandomPlacementStrategy:
    """Go: strategy.RandomPlacementStrategy"""

    def __init__(self) -> None:
        self._r: random.Random | None = None

    def initialize(self) -> None:
        """Seed a private generator with the current time. Go: Initialize"""
        self._r = random.Random(time.time_ns())

    def name(self) -> str:
        return "random"

    def rank_and_sort(self, config: ContainerConfig, nodes: list[Node]) -> list[Node]:
        """Shuffle ``nodes`` in place and return it."""
        if self._r is None:
            # Go: a nil source panics. Python: seed on first use instead.
            self.initialize()
        r = self._r
        assert r is not None
        for i in range(len(nodes) - 1, 0, -1):
            j = r.randrange(i + 1)  # Go: r.Intn(i + 1)
            nodes[i], nodes[j] = nodes[j], nodes[i]
        return nodes

    def __repr__(self) -> str:
        return "RandomPlacementStrategy()"
