"""The registry, the weighting and random (scheduler/strategy/strategy.go,
weighted_node.go, random.go; reference §8)."""

from __future__ import annotations

import builtins

import pytest

from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.scheduler import strategy
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy import (
    BinpackPlacementStrategy,
    ErrNoResourcesAvailable,
    ErrNotSupported,
    RandomPlacementStrategy,
    SpreadPlacementStrategy,
    StrategyError,
    WeightedNode,
    weigh_nodes,
)
from tests.swarm.scheduler.strategy_helpers import GiB, create_config


def test_list_and_new() -> None:
    assert strategy.list() == ["spread", "binpack", "random"]
    assert isinstance(strategy.new("spread"), SpreadPlacementStrategy)
    assert isinstance(strategy.new("binpack"), BinpackPlacementStrategy)
    assert strategy.new("binpacking") is strategy.new("binpack")
    assert isinstance(strategy.new("random"), RandomPlacementStrategy)
    with pytest.raises(ErrNotSupported) as info:
        strategy.new("roundrobin")
    assert str(info.value) == "strategy not supported"
    assert isinstance(info.value, StrategyError)


def _node(used_memory: int = 0, health: int = 100) -> Node:
    return Node(
        total_memory=2 * GiB, total_cpus=2, used_memory=used_memory, health_indicator=health
    )


@pytest.mark.parametrize(
    ("request_gib", "used", "health", "spread", "binpack"),
    [
        (0, 0, 100, -800, 1200),
        (1, 0, 100, -850, 1150),
        (1, GiB, 100, -800, 1200),
        (0, 0, 50, -300, 700),
    ],
)
def test_weights(request_gib: int, used: int, health: int, spread: int, binpack: int) -> None:
    config = create_config(request_gib, 0)
    node = _node(used, health)
    assert weigh_nodes(config, [node], -10) == [WeightedNode(node, spread)]
    assert weigh_nodes(config, [node], 10) == [WeightedNode(node, binpack)]


def test_weigh_nodes_skips_and_keeps_input_order() -> None:
    small = Node(total_memory=GiB, total_cpus=1, health_indicator=100)
    full = Node(total_memory=2 * GiB, total_cpus=2, used_memory=2 * GiB, health_indicator=100)
    ok = _node()
    result = weigh_nodes(create_config(1, 0), [ok, small, full], -10)
    assert [wn.node for wn in result] == [ok, small]
    with pytest.raises(ErrNoResourcesAvailable):
        weigh_nodes(create_config(3, 0), [ok, small], -10)
    with pytest.raises(ErrNoResourcesAvailable):
        weigh_nodes(create_config(0, 0), [], -10)


def test_weigh_nodes_exactly_full_is_allowed() -> None:
    node = Node(total_memory=2 * GiB, total_cpus=2, used_cpus=1, health_indicator=100)
    assert weigh_nodes(create_config(0, 1), [node], 10)[0].weight == 100 + 100 + 1000
    assert (
        weigh_nodes(create_config(0, 0), [Node()], 10)[0].weight == 200
    )  # zero totals, no request


def test_random_shuffles_in_place_and_never_fails() -> None:
    s = RandomPlacementStrategy()
    s.initialize()
    nodes = [Node(id=str(i)) for i in range(20)]  # no resources, unhealthy: random does not care
    before = builtins.list(nodes)
    result = s.rank_and_sort(create_config(100, 100), nodes)
    assert result is nodes
    assert sorted(n.id for n in result) == sorted(n.id for n in before)
    assert s.rank_and_sort(create_config(0, 0), []) == []


def test_random_orders_vary() -> None:
    s = strategy.new("random")
    nodes = [Node(id=str(i), containers=[Container()]) for i in range(8)]
    orders = {tuple(n.id for n in s.rank_and_sort(create_config(0, 0), nodes)) for _ in range(50)}
    assert len(orders) > 1


def test_random_without_initialize() -> None:
    nodes = [Node(id="a"), Node(id="b")]
    assert len(RandomPlacementStrategy().rank_and_sort(create_config(0, 0), nodes)) == 2
