"""Guards the public surface of swarmnotes.swarm's config and scheduler (api/swarm.md)."""

from __future__ import annotations

import builtins
import inspect

import swarmnotes.swarm.config as config
import swarmnotes.swarm.scheduler as scheduler
import swarmnotes.swarm.scheduler.node as node
from swarmnotes.swarm.scheduler import filter, strategy


def test_constants_and_sentinels() -> None:
    assert config.SWARM_LABEL_NAMESPACE == "com.docker.swarm"
    assert (filter.EQ, filter.NOTEQ, filter.OPERATORS) == (0, 1, ["==", "!="])
    assert str(filter.ErrNoHealthyNodeAvailable()) == "No healthy node available in the cluster"
    assert str(filter.ErrNoNodeWithFreeSlotsAvailable()) == (
        "No node with enough open slots available in the cluster"
    )
    assert str(filter.ErrNotSupported()) == "filter not supported"
    assert str(strategy.ErrNotSupported()) == "strategy not supported"
    assert str(strategy.ErrNoResourcesAvailable()) == "no resources available to schedule container"
    assert str(scheduler.ErrNoNodeAvailable()) == "No nodes available in the cluster"
    for cls in (
        filter.ErrNoHealthyNodeAvailable,
        filter.ErrNoNodeWithFreeSlotsAvailable,
        filter.ErrNotSupported,
    ):
        assert issubclass(cls, filter.FilterError)
    for cls2 in (strategy.ErrNotSupported, strategy.ErrNoResourcesAvailable):
        assert issubclass(cls2, strategy.StrategyError)


def test_list_does_not_leak_into_builtins() -> None:
    assert builtins.list is list
    assert inspect.isfunction(filter.list) and inspect.isfunction(strategy.list)


def test_node_signature() -> None:
    params = list(inspect.signature(node.Node).parameters)
    assert params == [
        "id",
        "ip",
        "addr",
        "name",
        "labels",
        "containers",
        "images",
        "used_memory",
        "used_cpus",
        "total_memory",
        "total_cpus",
        "health_indicator",
    ]
