"""Guards the public surface of swarmnotes.swarm's config and scheduler (api/swarm.md)."""

from __future__ import annotations

import builtins
import inspect

import swarmnotes.swarm.cluster as cluster
import swarmnotes.swarm.config as config
import swarmnotes.swarm.scheduler as scheduler
import swarmnotes.swarm.scheduler.node as node
from swarmnotes.swarm.scheduler import filter, strategy


def test_names() -> None:
    for name in [
        "SWARM_LABEL_NAMESPACE",
        "ContainerConfig",
        "OldContainerConfig",
        "build_container_config",
        "consolidate_resource_fields",
    ]:
        assert hasattr(config, name)
    for name in ["Container", "Containers", "Image", "parse_repository_tag"]:
        assert hasattr(cluster, name)
    for name in ["Node", "new_node", "node_from_client"]:
        assert hasattr(node, name)
    for name in [
        "FilterError",
        "ErrNoHealthyNodeAvailable",
        "ErrNoNodeWithFreeSlotsAvailable",
        "ErrNotSupported",
        "Filter",
        "HealthFilter",
        "PortFilter",
        "SlotsFilter",
        "DependencyFilter",
        "AffinityFilter",
        "ConstraintFilter",
        "new",
        "list",
        "apply_filters",
        "list_all_filters",
        "EQ",
        "NOTEQ",
        "OPERATORS",
        "Expr",
        "parse_exprs",
    ]:
        assert hasattr(filter, name), name
    for name in [
        "StrategyError",
        "ErrNotSupported",
        "ErrNoResourcesAvailable",
        "PlacementStrategy",
        "SpreadPlacementStrategy",
        "BinpackPlacementStrategy",
        "RandomPlacementStrategy",
        "new",
        "list",
        "WeightedNode",
        "weigh_nodes",
    ]:
        assert hasattr(strategy, name), name
    for name in ["ErrNoNodeAvailable", "Scheduler", "new"]:
        assert hasattr(scheduler, name)


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
