"""Mirrors docker/swarm v1.2.5 scheduler/filter/dependency_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.filter import DependencyFilter, FilterError
from swarmnotes.swarm.scheduler.node import Node


def _node(i: int, *ids: str) -> Node:
    return Node(
        id=f"node-{i}-id",
        name=f"node-{i}-name",
        addr=f"node-{i}",
        containers=[Container(id=cid, config=ContainerConfig()) for cid in ids],
    )


def _config(**host_config: object) -> ContainerConfig:
    return ContainerConfig({}, dict(host_config))


def test_dependency_filter_simple() -> None:
    f = DependencyFilter()
    nodes = [_node(0, "c0"), _node(1, "c1"), _node(2, "c2")]

    # No dependencies - make sure we don't filter anything out.
    assert f.filter(ContainerConfig(), nodes, True) == nodes
    # volumes-from.
    assert f.filter(_config(VolumesFrom=["c0"]), nodes, True) == [nodes[0]]
    # volumes-from:rw
    assert f.filter(_config(VolumesFrom=["c0:rw"]), nodes, True) == [nodes[0]]
    # volumes-from:ro
    assert f.filter(_config(VolumesFrom=["c0:ro"]), nodes, True) == [nodes[0]]
    # link.
    assert f.filter(_config(Links=["c1:foobar"]), nodes, True) == [nodes[1]]
    # net.
    assert f.filter(_config(NetworkMode="container:c2"), nodes, True) == [nodes[2]]
    # net not prefixed by "container:" should be ignored.
    assert f.filter(_config(NetworkMode="bridge"), nodes, True) == nodes


def test_dependency_filter_multi() -> None:
    f = DependencyFilter()
    nodes = [_node(0, "c0", "c1"), _node(1, "c2"), _node(2)]
    assert f.filter(_config(VolumesFrom=["c0"]), nodes, True) == [nodes[0]]
    assert f.filter(_config(VolumesFrom=["c1"]), nodes, True) == [nodes[0]]
    assert f.filter(_config(VolumesFrom=["c0", "c1"]), nodes, True) == [nodes[0]]
    with pytest.raises(FilterError) as info:
        f.filter(_config(VolumesFrom=["c0", "c2"]), nodes, True)
    assert str(info.value) == (
        "Unable to find a node fulfilling all dependencies: --volumes-from=c0 --volumes-from=c2"
    )


def test_dependency_filter_chaining() -> None:
    f = DependencyFilter()
    nodes = [_node(0, "c0", "c1"), _node(1, "c2"), _node(2)]
    config = _config(VolumesFrom=["c0"], Links=["c1"], NetworkMode="container:c1")
    assert f.filter(config, nodes, True) == [nodes[0]]
    config = _config(VolumesFrom=["c0"], Links=["c2"], NetworkMode="container:c1")
    with pytest.raises(FilterError):
        f.filter(config, nodes, True)
    assert f.get_filters(config) == ["--volumes-from=c0", "--link=c2", "--net=container:c1"]


def test_dependency_by_name_and_empty_input() -> None:
    f = DependencyFilter()
    node = Node(id="n", containers=[Container(id="abc", names=["/db"])])
    assert f.filter(_config(Links=["db:database"]), [node], True) == [node]
    assert f.filter(_config(Links=["nope"]), [], True) == []
