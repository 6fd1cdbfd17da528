"""Mirrors docker/swarm v1.2.5 scheduler/strategy/spread_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy import ErrNoResourcesAvailable, SpreadPlacementStrategy
from tests.swarm.scheduler.strategy_helpers import (
    GiB,
    create_config,
    create_container,
    create_node,
    select_top_node,
)


def test_spread_place_different_node_size() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node("node-0", 64, 21), create_node("node-1", 128, 42)]
    for i in range(60):
        config = create_config(0, 0)
        node = select_top_node(s, config, nodes)
        node.add_container(create_container(f"c{i}", config))
    assert len(nodes[0].containers) == 30
    assert len(nodes[1].containers) == 30


def test_spread_place_different_node_size_cpus() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node("node-0", 64, 21), create_node("node-1", 128, 42)]
    for i in range(60):
        config = create_config(0, 1)
        node = select_top_node(s, config, nodes)
        node.add_container(create_container(f"c{i}", config))
    assert len(nodes[0].containers) == 20
    assert len(nodes[1].containers) == 40


def test_spread_place_equal_weight() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node(f"node-{i}", 4, 0) for i in range(2)]
    config = create_config(2, 0)
    nodes[0].add_container(create_container("c1", config))
    assert nodes[0].used_memory == 2 * GiB
    config = create_config(1, 0)
    nodes[1].add_container(create_container("c2", config))
    nodes[1].add_container(create_container("c3", config))
    assert nodes[1].used_memory == 2 * GiB

    config = create_config(1, 0)
    node = select_top_node(s, config, nodes)
    node.add_container(create_container("c4", config))
    assert node.used_memory == 3 * GiB
    # The node with the fewest containers got it.
    assert node.id == nodes[0].id
    assert len(nodes[0].containers) == len(nodes[1].containers)


def test_spread_place_container_memory() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node(f"node-{i}", 2, 0) for i in range(2)]
    config = create_config(1, 0)
    node1 = select_top_node(s, config, nodes)
    node1.add_container(create_container("c1", config))
    assert node1.used_memory == GiB
    config = create_config(1, 0)
    node2 = select_top_node(s, config, nodes)
    node2.add_container(create_container("c2", config))
    assert node2.used_memory == GiB
    assert node1.id != node2.id
    assert len(node1.containers) == len(node2.containers)


def test_spread_place_container_cpu() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node(f"node-{i}", 0, 2) for i in range(2)]
    config = create_config(0, 1)
    node1 = select_top_node(s, config, nodes)
    node1.add_container(create_container("c1", config))
    assert node1.used_cpus == 1
    config = create_config(0, 1)
    node2 = select_top_node(s, config, nodes)
    node2.add_container(create_container("c2", config))
    assert node2.used_cpus == 1
    assert node1.id != node2.id
    assert len(node1.containers) == len(node2.containers)


def test_spread_place_container_huge() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node(f"node-{i}", 1, 1) for i in range(100)]
    for i in range(100):
        node = select_top_node(s, create_config(0, 1), nodes)
        node.add_container(create_container(f"c{i}", create_config(0, 1)))
    with pytest.raises(ErrNoResourcesAvailable):
        s.rank_and_sort(create_config(0, 1), nodes)
    for i in range(100, 200):
        node = select_top_node(s, create_config(1, 0), nodes)
        node.add_container(create_container(f"c{i}", create_config(1, 0)))
    with pytest.raises(ErrNoResourcesAvailable):
        s.rank_and_sort(create_config(1, 0), nodes)


def test_spread_place_container_overcommit() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node("node-1", 100, 1)]
    config = create_config(0, 0)
    for gib in (90, 100, 105):
        config.host_config["Memory"] = gib * GiB
        assert select_top_node(s, config, nodes) is nodes[0]
    config.host_config["Memory"] = 106 * GiB
    with pytest.raises(ErrNoResourcesAvailable) as info:
        s.rank_and_sort(config, nodes)
    assert str(info.value) == "no resources available to schedule container"


def test_spread_complex_placement() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node(f"node-{i}", 4, 4) for i in range(2)]
    config = create_config(2, 0)
    node1 = select_top_node(s, config, nodes)
    node1.add_container(create_container("c1", config))
    config = create_config(3, 0)
    node2 = select_top_node(s, config, nodes)
    node2.add_container(create_container("c2", config))
    assert node1.id != node2.id
    config = create_config(1, 0)
    node3 = select_top_node(s, config, nodes)
    node3.add_container(create_container("c3", config))
    assert node1.id == node3.id


def test_spread_ties_keep_input_order_and_health_ranks_last() -> None:
    s = SpreadPlacementStrategy()
    nodes = [create_node(f"node-{i}", 2, 2) for i in range(6)]
    assert s.rank_and_sort(create_config(0, 0), nodes) == nodes
    nodes[0].health_indicator = 50
    assert s.rank_and_sort(create_config(0, 0), nodes)[-1] is nodes[0]
    with pytest.raises(ErrNoResourcesAvailable):
        s.rank_and_sort(create_config(0, 0), [])
    assert s.rank_and_sort(create_config(0, 0), [Node(health_indicator=100)])  # no initialize()
