"""Mirrors docker/swarm v1.2.5 scheduler/filter/affinity_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.cluster import Container, Image
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler.filter import AffinityFilter, FilterError
from swarmnotes.swarm.scheduler.node import Node


def _nodes() -> list[Node]:
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
        ),
        Node(id="node-2-id", name="node-2-name", addr="node-2"),
    ]


def _env(*entries: str) -> ContainerConfig:
    return build_container_config({"Env": list(entries)})


def test_affinity_filter() -> None:
    f = AffinityFilter()
    nodes = _nodes()

    # Without constraints we should get the unfiltered list of nodes back.
    assert f.filter(ContainerConfig(), nodes, True) == nodes
    # A constraint that cannot be fulfilled.
    with pytest.raises(FilterError) as info:
        f.filter(_env("affinity:container==does_not_exist"), nodes, True)
    assert str(info.value) == (
        "unable to find a node that satisfies the affinity container==does_not_exist"
    )
    # Only a single node.
    assert f.filter(_env("affinity:container==container-n0*"), nodes, True) == [nodes[0]]
    # A subset of nodes.
    result = f.filter(_env("affinity:container==container-*"), nodes, True)
    assert len(result) == 2 and nodes[2] not in result
    # By id.
    assert f.filter(_env("affinity:container==container-n0-0-id"), nodes, True) == [nodes[0]]
    result = f.filter(_env("affinity:container!=container-n0-0-id"), nodes, True)
    assert len(result) == 2 and nodes[0] not in result
    result = f.filter(_env("affinity:container!=container-n0-1-id"), nodes, True)
    assert len(result) == 2 and nodes[0] not in result
    # By name.
    assert f.filter(_env("affinity:container==container-n1-0-name"), nodes, True) == [nodes[1]]
    result = f.filter(_env("affinity:container!=container-n1-0-name"), nodes, True)
    assert len(result) == 2 and nodes[1] not in result
    result = f.filter(_env("affinity:container!=container-n1-1-name"), nodes, True)
    assert len(result) == 2 and nodes[1] not in result
    # Conflicting.
    with pytest.raises(FilterError):
        f.filter(
            _env(
                "affinity:container!=container-n1-1-name", "affinity:container==container-n1-1-name"
            ),
            nodes,
            True,
        )
    # Images by id and by name.
    assert f.filter(_env("affinity:image==image-0-id"), nodes, True) == [nodes[0]]
    assert f.filter(_env("affinity:image==image-0:tag3"), nodes, True) == [nodes[1]]
    assert len(f.filter(_env("affinity:image!=image-0:tag3"), nodes, True)) == 2
    assert f.filter(_env("affinity:image==image-1"), nodes, True) == [nodes[1]]
    assert len(f.filter(_env("affinity:image!=image-1"), nodes, True)) == 2
    # Chained.
    result = f.filter(
        _env("affinity:container!=container-n0-1-id", "affinity:container!=container-n1-1-id"),
        nodes,
        True,
    )
    assert result == [nodes[2]]
    with pytest.raises(FilterError):
        f.filter(
            _env("affinity:container==container-n0-1-id", "affinity:container==container-n1-1-id"),
            nodes,
            True,
        )

    # Soft affinities.
    assert len(f.filter(_env("affinity:image==~image-0:tag3"), nodes, True)) == 1
    with pytest.raises(FilterError, match="^Value '~ima~ge-0:tag3' is invalid$"):
        f.filter(_env("affinity:image==~ima~ge-0:tag3"), nodes, True)
    with pytest.raises(FilterError):
        f.filter(_env("affinity:image==~image-1:tag3"), nodes, True)
    assert len(f.filter(_env("affinity:image==~image-1:tag3"), nodes, False)) == 3
    assert len(f.filter(_env("affinity:image==~image-*"), nodes, True)) == 2
    assert f.filter(_env("affinity:image!=~image-*"), nodes, True) == [nodes[2]]
    assert len(f.filter(_env("affinity:image==~/image-\\d*/"), nodes, True)) == 2

    # "=" and "=!" are not operators any more.
    with pytest.raises(FilterError):
        f.filter(_env("affinity:image=image-0:tag3"), nodes, True)
    with pytest.raises(FilterError):
        f.filter(_env("affinity:image=!image-0:tag3"), nodes, True)


def test_affinity_filter_labels() -> None:
    f = AffinityFilter()
    nodes = [
        Node(
            id="node-0-id",
            name="node-0-name",
            containers=[Container(id="container-n0-id", names=["/container-n0-name"])],
            images=[Image(id="image-0-id", repo_tags=["image-0:tag0"])],
        ),
        Node(
            id="node-1-id",
            name="node-1-name",
            containers=[Container(id="container-n1-id", names=["/container-n1-name"])],
            images=[Image(id="image-1-id", repo_tags=["image-1:tag1"])],
        ),
    ]
    assert f.filter(_env("affinity:image==image-1"), nodes, True) == [nodes[1]]
    assert f.filter(_env("affinity:image!=image-1"), nodes, True) == [nodes[0]]
    labelled = build_container_config(
        {"Labels": {"com.docker.swarm.affinities": '["image==image-1"]'}}
    )
    assert f.filter(labelled, nodes, True) == [nodes[1]]
    labelled = build_container_config(
        {"Labels": {"com.docker.swarm.affinities": '["image!=image-1"]'}}
    )
    assert f.filter(labelled, nodes, True) == [nodes[0]]


def test_container_labels_and_unnamed_containers() -> None:
    f = AffinityFilter()
    web = Node(id="a", containers=[Container(id="c1", names=["/w"], labels={"tier": "web"})])
    unnamed = Node(id="b", containers=[Container(id="c2")])
    empty = Node(id="c")
    nodes = [web, unnamed, empty]
    assert f.filter(_env("affinity:tier==web"), nodes, True) == [web]
    # A node without containers has no values: == fails, != holds.
    assert f.filter(_env("affinity:tier!=web"), nodes, True) == [unnamed, empty]
    # A container with no name contributes nothing, not even its ID.
    with pytest.raises(FilterError):
        f.filter(_env("affinity:container==c2"), nodes, True)
    # Only the first name counts.
    two_names = Node(id="d", containers=[Container(id="c3", names=["/first", "/second"])])
    with pytest.raises(FilterError):
        f.filter(_env("affinity:container==second"), [two_names], True)


def test_get_filters() -> None:
    config = _env("affinity:container!=~frontend*", "affinity:image==redis")
    assert AffinityFilter().get_filters(config) == [
        "container!=frontend* (soft=true)",
        "image==redis (soft=false)",
    ]
    with pytest.raises(FilterError):
        AffinityFilter().get_filters(_env("affinity:x==y"))
