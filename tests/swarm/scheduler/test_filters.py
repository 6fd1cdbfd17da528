"""Mirrors docker/swarm v1.2.5 scheduler/filter/filters_test.go, plus reference §2's messages."""

from __future__ import annotations

import builtins

import pytest

from swarmnotes.swarm.cluster import Container, Image
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler import filter
from swarmnotes.swarm.scheduler.filter import (
    ErrNoHealthyNodeAvailable,
    ErrNotSupported,
    FilterError,
    apply_filters,
    list_all_filters,
)
from swarmnotes.swarm.scheduler.node import Node

NAMES = ["health", "port", "containerslots", "dependency", "affinity", "constraint"]
PREFIX = "Unable to find a node that satisfies the following conditions "


def _nodes() -> builtins.list[Node]:
    return [
        Node(
            id="node-0-id",
            name="node-0-name",
            addr="node-0",
            containers=[
                Container(id="container-n0-0-id", names=["/container-n0-0-name"]),
                Container(id="container-n0-1-id", names=["/container-n0-1-name"]),
            ],
            images=[Image(id="image-0-id", repo_tags=["image-0:tag1", "image-0:tag2"])],
            health_indicator=100,
        ),
        Node(
            id="node-1-id",
            name="node-1-name",
            addr="node-1",
            containers=[
                Container(id="container-n1-0-id", names=["/container-n1-0-name"]),
                Container(id="container-n1-1-id", names=["/container-n1-1-name"]),
            ],
            images=[
                Image(id="image-1-id", repo_tags=["image-1:tag1", "image-0:tag3", "image-1:tag2"])
            ],
            health_indicator=0,
        ),
    ]


def test_apply_filters() -> None:
    filters = filter.new(filter.list())
    nodes = _nodes()
    # Soft affinity: enforced with soft=True (and unsatisfiable on the healthy node).
    config = build_container_config({"Env": ["affinity:image==~image-0:tag3"]})
    with pytest.raises(FilterError) as info:
        apply_filters(filters, config, nodes, True)
    assert str(info.value) == (
        PREFIX + "\n[available container slots]\n[image==image-0:tag3 (soft=true)]"
    )
    assert str(info.value.__cause__) == (
        "unable to find a node that satisfies the affinity image==image-0:tag3"
    )
    result = apply_filters(filters, config, nodes, False)
    assert result == [nodes[0]]


def test_list_and_new() -> None:
    assert filter.list() == NAMES
    filters = filter.new(["constraint", "health"])
    assert [f.name() for f in filters] == ["constraint", "health"]
    assert filter.new(["health"])[0] is filter.new(["health"])[0]  # shared instances
    assert filter.new([]) == []
    with pytest.raises(ErrNotSupported) as info:
        filter.new(["health", "slots"])
    assert str(info.value) == "filter not supported"


def test_health_error_is_kept() -> None:
    filters = filter.new(NAMES)
    with pytest.raises(ErrNoHealthyNodeAvailable) as info:
        apply_filters(filters, ContainerConfig(), [], True)
    assert str(info.value) == "No healthy node available in the cluster"


def test_port_and_dependency_message() -> None:
    filters = filter.new(NAMES)
    node = Node(id="n", name="n", health_indicator=100)
    config = build_container_config(
        {},
        {
            "PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]},
            "VolumesFrom": ["data:ro"],
        },
    )
    with pytest.raises(FilterError) as info:
        apply_filters(filters, config, [node], True)
    assert str(info.value) == (
        PREFIX
        + "\n[port 8080 (Bridge mode)]\n[available container slots]\n[--volumes-from=data:ro]"
    )


def test_invalid_constraint_key_is_skipped_in_the_message() -> None:
    filters = filter.new(NAMES)
    node = Node(id="n", name="n", health_indicator=100)
    config = build_container_config({"Env": ["constraint:a==b"]})
    with pytest.raises(FilterError) as info:
        apply_filters(filters, config, [node], True)
    assert str(info.value) == PREFIX + "\n[available container slots]"
    assert str(info.value.__cause__) == "Key 'a' is invalid"


def test_list_all_filters_stops_at_the_failing_filter() -> None:
    filters = filter.new(NAMES)
    config = build_container_config({"Env": ["constraint:zone==a", "affinity:container!=x"]})
    assert list_all_filters(filters, config, "containerslots") == "\n[available container slots]"
    assert list_all_filters(filters, config, "constraint") == (
        "\n[available container slots]\n[container!=x (soft=false)]\n[zone==a]"
    )


def test_apply_filters_returns_a_new_list() -> None:
    nodes = _nodes()
    result = apply_filters([], ContainerConfig(), nodes, True)
    assert result == nodes and result is not nodes
