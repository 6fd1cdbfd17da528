"""Mirrors docker/swarm v1.2.5 scheduler/filter/constraint_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler.filter import ConstraintFilter, FilterError
from swarmnotes.swarm.scheduler.node import Node


def fixtures() -> list[Node]:
    return [
        Node(
            id="node-0-id",
            name="node-0-name",
            addr="node-0",
            labels={"name": "node0", "group": "1", "region": "us-west"},
        ),
        Node(
            id="node-1-id",
            name="node-1-name",
            addr="node-1",
            labels={"name": "node1", "group": "1", "region": "us-east"},
        ),
        Node(
            id="node-2-id",
            name="node-2-name",
            addr="node-2",
            labels={"name": "node2", "group": "2", "region": "eu"},
        ),
        Node(id="node-3-id", name="node-3-name", addr="node-3"),
    ]


def _env(*entries: str) -> ContainerConfig:
    return build_container_config({"Env": list(entries)})


def test_constraint_filter() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    assert f.filter(ContainerConfig(), nodes, True) == nodes
    with pytest.raises(FilterError) as info:
        f.filter(_env("constraint:does_not_exist==true"), nodes, True)
    assert str(info.value) == (
        "unable to find a node that satisfies the constraint does_not_exist==true"
    )
    assert f.filter(_env("constraint:name==node1"), nodes, True) == [nodes[1]]
    result = f.filter(_env("constraint:group==1"), nodes, True)
    assert len(result) == 2 and nodes[2] not in result
    # Node pinning by id and by name.
    assert f.filter(_env("constraint:node==node-2-id"), nodes, True) == [nodes[2]]
    assert f.filter(_env("constraint:node==node-1-name"), nodes, True) == [nodes[1]]
    # Logical AND.
    assert f.filter(_env("constraint:name==node0", "constraint:group==1"), nodes, True) == [
        nodes[0]
    ]
    # Matching.
    with pytest.raises(FilterError):
        f.filter(_env("constraint:region==us"), nodes, True)
    assert len(f.filter(_env("constraint:region==us*"), nodes, True)) == 2
    assert len(f.filter(_env("constraint:region==*us*"), nodes, True)) == 2


def test_constraint_not_expr() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    assert len(f.filter(_env("constraint:name!=node0"), nodes, True)) == 3
    assert len(f.filter(_env("constraint:name!=does_not_exist"), nodes, True)) == 4
    assert len(f.filter(_env("constraint:name!=n*"), nodes, True)) == 1
    assert len(f.filter(_env("constraint:region!=us*"), nodes, True)) == 2


def test_constraint_regexp() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    assert len(f.filter(_env(r"constraint:name==/node\d/"), nodes, True)) == 3
    assert len(f.filter(_env("constraint:name==/node[12]/"), nodes, True)) == 2
    assert len(f.filter(_env("constraint:name!=/node[12]/"), nodes, True)) == 2
    assert len(f.filter(_env("constraint:node!=/node-[01]-id/"), nodes, True)) == 2


def test_filter_regexp_case_insensitive() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    nodes[3].labels = {"name": "aBcDeF", "group": "2", "region": "eu"}
    with pytest.raises(FilterError):
        f.filter(_env("constraint:name==/abcdef/"), nodes, True)
    result = f.filter(_env("constraint:name==/(?i)abcdef/"), nodes, True)
    assert result == [nodes[3]]
    assert result[0].labels["name"] == "aBcDeF"
    assert len(f.filter(_env("constraint:name!=/(?i)abc*/"), nodes, True)) == 3


def test_filter_equals() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    assert len(f.filter(_env("constraint:name==node0"), nodes, True)) == 1
    assert len(f.filter(_env("constraint:region==us*"), nodes, True)) == 2
    assert f.filter(_env("constraint:node==node-1-name"), nodes, True) == [nodes[1]]


def test_unsupported_operators() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    with pytest.raises(FilterError, match="^One of operator ==, != is expected$"):
        f.filter(_env("constraint:name=node0"), nodes, True)
    with pytest.raises(FilterError, match="^One of operator ==, != is expected$"):
        f.filter(_env("constraint:name=!node0"), nodes, True)


def test_filter_soft_constraint() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    assert f.filter(_env("constraint:node==~node-1-name"), nodes, True) == [nodes[1]]
    assert len(f.filter(_env("constraint:name!=~/(?i)abc*/"), nodes, True)) == 4
    assert len(f.filter(_env("constraint:region!=~us*"), nodes, True)) == 2
    assert len(f.filter(_env("constraint:region!=~can*"), nodes, True)) == 4
    with pytest.raises(FilterError):
        f.filter(_env("constraint:region==~us~"), nodes, True)


def test_soft_constraints_skipped_when_not_soft() -> None:
    f = ConstraintFilter()
    nodes = fixtures()
    assert f.filter(_env("constraint:region==~mars"), nodes, False) == nodes
    with pytest.raises(FilterError):
        f.filter(_env("constraint:region==~mars"), nodes, True)


def test_get_filters_has_no_soft_marker() -> None:
    config = _env("constraint:group==~1", "constraint:node!=x")
    assert ConstraintFilter().get_filters(config) == ["group==1", "node!=x"]
