"""Mirrors docker/swarm v1.2.5 scheduler/scheduler_test.go, plus reference §7."""

from __future__ import annotations

import threading

import pytest

from swarmnotes.swarm.config import build_container_config
from swarmnotes.swarm.scheduler import ErrNoNodeAvailable, Scheduler, filter, new, strategy
from swarmnotes.swarm.scheduler.filter import ErrNoHealthyNodeAvailable, FilterError
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy import ErrNoResourcesAvailable

GiB = 1024 * 1024 * 1024


def _nodes() -> list[Node]:
    return [
        Node(
            id="node-0-id",
            name="node-0-name",
            addr="node-0",
            total_memory=GiB,
            total_cpus=1,
            labels={"group": "1"},
        ),
        Node(
            id="node-1-id",
            name="node-1-name",
            addr="node-1",
            total_memory=GiB,
            total_cpus=2,
            labels={"group": "2"},
        ),
    ]


def test_select_nodes_for_container() -> None:
    s = Scheduler(strategy.SpreadPlacementStrategy(), [filter.ConstraintFilter()])
    config = build_container_config(
        {"Env": ["constraint:group==~1"]}, {"Memory": GiB, "CpuShares": 2}
    )
    # The soft constraint picks node-0, too small for 2 CPUs; the hard pass drops it.
    candidates = s.select_nodes_for_container(_nodes(), config)
    assert len(candidates) == 1
    assert candidates[0].id == "node-1-id"


def test_soft_constraint_wins_when_it_can() -> None:
    s = Scheduler(strategy.SpreadPlacementStrategy(), [filter.ConstraintFilter()])
    config = build_container_config({"Env": ["constraint:group==~1"]})
    assert [n.id for n in s.select_nodes_for_container(_nodes(), config)] == ["node-0-id"]
    config = build_container_config({"Env": ["constraint:group==~9"]})
    assert len(s.select_nodes_for_container(_nodes(), config)) == 2


def test_second_pass_error_propagates() -> None:
    s = new(strategy.new("spread"), filter.new(filter.list()))
    # Every node unhealthy: both passes fail in the health filter.
    with pytest.raises(ErrNoHealthyNodeAvailable):
        s.select_nodes_for_container(_nodes(), build_container_config())
    healthy = _nodes()
    for node in healthy:
        node.health_indicator = 100
    # A hard constraint nobody meets.
    with pytest.raises(FilterError) as info:
        s.select_nodes_for_container(
            healthy, build_container_config({"Env": ["constraint:group==3"]})
        )
    assert str(info.value) == (
        "Unable to find a node that satisfies the following conditions "
        "\n[available container slots]\n[group==3]"
    )
    # Too big for every node.
    with pytest.raises(ErrNoResourcesAvailable):
        s.select_nodes_for_container(healthy, build_container_config({}, {"Memory": 2 * GiB}))


def test_no_node_available() -> None:
    s = Scheduler(strategy.SpreadPlacementStrategy(), [filter.ConstraintFilter()])
    with pytest.raises(ErrNoNodeAvailable) as info:
        s.select_nodes_for_container([], build_container_config())
    assert str(info.value) == "No nodes available in the cluster"


def test_names_and_lock() -> None:
    s = Scheduler(strategy.new("spread"), filter.new(filter.list()))
    assert s.strategy() == "spread"
    assert s.filters() == "health, port, containerslots, dependency, affinity, constraint"
    assert repr(s) == (
        "<Scheduler strategy=spread filters=[health, port, containerslots, dependency, "
        "affinity, constraint]>"
    )
    s.lock()
    got = threading.Event()

    def other() -> None:
        with s:
            got.set()

    t = threading.Thread(target=other, daemon=True)
    t.start()
    assert not got.wait(0.1)  # held by us
    s.unlock()
    assert got.wait(5)
    t.join(5)
