"""Mirrors docker/swarm v1.2.5 scheduler/filter/health_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.filter import ErrNoHealthyNodeAvailable, HealthFilter
from swarmnotes.swarm.scheduler.node import Node


def _nodes(h0: int, h1: int) -> list[Node]:
    return [
        Node(id="node-0-id", name="node-0-name", health_indicator=h0),
        Node(id="node-1-id", name="node-1-name", health_indicator=h1),
    ]


def test_healthy_filter() -> None:
    f = HealthFilter()
    assert f.name() == "health"

    nodes_all_health = _nodes(100, 100)
    assert f.filter(ContainerConfig(), nodes_all_health, True) == nodes_all_health

    nodes_part_health = _nodes(0, 100)
    result = f.filter(ContainerConfig(), nodes_part_health, True)
    assert result == [nodes_part_health[1]]

    with pytest.raises(ErrNoHealthyNodeAvailable):
        f.filter(ContainerConfig(), _nodes(0, 0), True)
    assert f.get_filters(ContainerConfig()) == []
