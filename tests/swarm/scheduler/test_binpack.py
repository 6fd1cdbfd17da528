"""Mirrors docker/swarm v1.2.5 scheduler/strategy/binpack_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.scheduler import strategy
from swarmnotes.swarm.scheduler.strategy import BinpackPlacementStrategy, ErrNoResourcesAvailable
from tests.swarm.scheduler.strategy_helpers import (
    GiB,
    create_config,
    create_container,
    create_node,
    select_top_node,
)


def test_place_equal_weight() -> None:
    s = BinpackPlacementStrategy()
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
    # The node with the most containers got it.
    assert node.id == nodes[1].id
    assert len(nodes[0].containers) != len(nodes[1].containers)


def test_place_container_memory() -> None:
    s = BinpackPlacementStrategy()
    nodes = [create_node(f"node-{i}", 2, 0) for i in range(2)]
    config = create_config(1, 0)
    node1 = select_top_node(s, config, nodes)
    node1.add_container(create_container("c1", config))
    assert node1.used_memory == GiB
    config = create_config(1, 0)
    node2 = select_top_node(s, config, nodes)
    node2.add_container(create_container("c2", config))
    assert node2.used_memory == 2 * GiB
    assert node1.id == node2.id
    assert len(node1.containers) == len(node2.containers)


def test_place_container_cpu() -> None:
    s = BinpackPlacementStrategy()
    nodes = [create_node(f"node-{i}", 0, 2) for i in range(2)]
    config = create_config(0, 1)
    node1 = select_top_node(s, config, nodes)
    node1.add_container(create_container("c1", config))
    assert node1.used_cpus == 1
    config = create_config(0, 1)
    node2 = select_top_node(s, config, nodes)
    node2.add_container(create_container("c2", config))
    assert node2.used_cpus == 2
    assert node1.id == node2.id


def test_place_container_huge() -> None:
    s = BinpackPlacementStrategy()
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


def test_place_container_overcommit() -> None:
    s = strategy.new("binpacking")
    assert s.name() == "binpack"
    nodes = [create_node("node-1", 100, 1)]
    config = create_config(0, 0)
    for gib in (90, 100, 105):
        config.host_config["Memory"] = gib * GiB
        assert select_top_node(s, config, nodes) is nodes[0]
    config.host_config["Memory"] = 106 * GiB
    with pytest.raises(ErrNoResourcesAvailable):
        s.rank_and_sort(config, nodes)


def test_place_container_demo() -> None:
    s = BinpackPlacementStrategy()
    nodes = [create_node(f"node-{i}", 2, 4) for i in range(3)]

    # A 10G container: the cluster is full.
    with pytest.raises(ErrNoResourcesAvailable):
        s.rank_and_sort(create_config(10, 0), nodes)

    config = create_config(1, 0)
    node1 = select_top_node(s, config, nodes)
    node1.add_container(create_container("c1", config))
    config = create_config(1, 0)
    node1bis = select_top_node(s, config, nodes)
    node1bis.add_container(create_container("c2", config))
    assert node1.id == node1bis.id

    config = create_config(2, 0)
    node2 = select_top_node(s, config, nodes)
    node2.add_container(create_container("c3", config))
    assert node1.id != node2.id

    config = create_config(1, 0)
    node3 = select_top_node(s, config, nodes)
    node3.add_container(create_container("c4", config))
    assert node1.id != node3.id and node2.id != node3.id

    config = create_config(1, 0)
    node3bis = select_top_node(s, config, nodes)
    node3bis.add_container(create_container("c5", config))
    assert node3.id == node3bis.id

    with pytest.raises(ErrNoResourcesAvailable):
        s.rank_and_sort(create_config(1, 0), nodes)

    # Remove the container in the middle.
    node2.containers.clear()
    node2.used_memory = 0
    node2.used_cpus = 0

    config = create_config(1, 0)
    node2bis = select_top_node(s, config, nodes)
    node2bis.add_container(create_container("c6", config))
    assert node2.id == node2bis.id


def test_complex_placement() -> None:
    s = BinpackPlacementStrategy()
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
    assert node2.id == node3.id


def test_binpack_ties_keep_input_order() -> None:
    s = BinpackPlacementStrategy()
    nodes = [create_node(f"node-{i}", 2, 2) for i in range(6)]
    assert s.rank_and_sort(create_config(0, 0), nodes) == nodes
