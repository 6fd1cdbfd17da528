"""Mirrors docker/swarm v1.2.5 scheduler/filter/port_test.go, plus reference §3.2's corners."""

from __future__ import annotations

from typing import Any

import pytest

from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.filter import FilterError, PortFilter
from swarmnotes.swarm.scheduler.node import Node


def make_binding(ip: str, port: str) -> dict[str, Any]:
    return {f"{port}/tcp": [{"HostIp": ip, "HostPort": port}]}


def _nodes(first: int = 0) -> list[Node]:
    return [
        Node(id=f"node-{i}-id", name=f"node-{i}-name", addr=f"node-{i}")
        for i in range(first, first + 3)
    ]


def _config(bindings: dict[str, Any]) -> ContainerConfig:
    return ContainerConfig({}, {"PortBindings": bindings})


def _container(bindings: dict[str, Any]) -> Container:
    return Container(id="c1", info={"HostConfig": {"PortBindings": bindings}})


def test_port_filter_no_conflicts() -> None:
    p = PortFilter()
    nodes = _nodes()
    # Request no ports.
    assert p.filter(_config({}), nodes, True) == nodes
    # Request port 80: no other containers, nothing filtered.
    config = _config(make_binding("", "80"))
    assert p.filter(config, nodes, True) == nodes
    # A container taking a different port (4242).
    nodes[0].add_container(_container(make_binding("", "4242")))
    assert p.filter(config, nodes, True) == nodes


def test_port_filter_simple() -> None:
    p = PortFilter()
    nodes = _nodes()
    nodes[0].add_container(_container(make_binding("", "80")))
    result = p.filter(_config(make_binding("", "80")), nodes, True)
    assert nodes[0] not in result


def test_port_filter_different_interfaces() -> None:
    p = PortFilter()
    nodes = _nodes()
    # Port 80 on every interface of nodes[0].
    nodes[0].add_container(_container(make_binding("", "80")))
    result = p.filter(_config(make_binding("127.0.0.1", "80")), nodes, True)
    assert nodes[0] not in result

    # Port 4242 on the local interface of nodes[1].
    nodes[1].add_container(_container(make_binding("127.0.0.1", "4242")))
    result = p.filter(_config(make_binding("127.0.0.1", "4242")), nodes, True)
    assert nodes[1] not in result
    result = p.filter(_config(make_binding("0.0.0.0", "4242")), nodes, True)
    assert nodes[1] not in result
    result = p.filter(_config(make_binding("", "4242")), nodes, True)
    assert nodes[1] not in result
    # A different interface is free.
    result = p.filter(_config(make_binding("192.168.1.1", "4242")), nodes, True)
    assert nodes[1] in result


def test_port_filter_random_assignment() -> None:
    p = PortFilter()
    nodes = _nodes()
    # -p 80: no host port requested, 1234 given at random.
    container = Container(
        id="c1",
        info={
            "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": ""}]}},
            "NetworkSettings": {"Ports": {"80/tcp": [{"HostIp": "127.0.0.1", "HostPort": "1234"}]}},
        },
    )
    nodes[0].add_container(container)
    assert p.filter(_config(make_binding("", "80")), nodes, True) == nodes
    result = p.filter(_config(make_binding("", "1234")), nodes, True)
    assert nodes[0] not in result


def test_port_filter_for_host_mode() -> None:
    p = PortFilter()
    nodes = _nodes(1)
    container = Container(
        id="c1",
        info={"Config": {"ExposedPorts": {"80": {}}}, "HostConfig": {"NetworkMode": "host"}},
    )
    nodes[0].add_container(container)
    config = ContainerConfig({"ExposedPorts": {"80": {}}}, {"NetworkMode": "host"})
    result = p.filter(config, nodes, True)
    assert len(result) == 2
    assert nodes[0] not in result


def test_protocol_and_container_port_are_not_compared() -> None:
    node = Node(id="n")
    node.add_container(
        Container(
            info={
                "HostConfig": {
                    "PortBindings": {"9/udp": [{"HostIp": "10.0.0.1", "HostPort": "8080"}]}
                }
            }
        )
    )
    with pytest.raises(FilterError) as info:
        PortFilter().filter(_config(make_binding("", "8080")), [node], True)
    assert str(info.value) == "unable to find a node with port 8080 available"


def test_null_port_lists_and_missing_maps() -> None:
    node = Node(id="n")
    node.add_container(Container(info={"NetworkSettings": {"Ports": {"80/tcp": None}}}))
    node.add_container(Container(info={}))
    assert PortFilter().filter(_config(make_binding("", "80")), [node], True) == [node]


def test_host_mode_error_and_get_filters() -> None:
    node = Node(id="n")
    node.add_container(
        Container(
            info={"Config": {"ExposedPorts": {"80/tcp": {}}}, "HostConfig": {"NetworkMode": "host"}}
        )
    )
    config = ContainerConfig({"ExposedPorts": {"80/tcp": {}}}, {"NetworkMode": "host"})
    with pytest.raises(FilterError) as info:
        PortFilter().filter(config, [node], True)
    assert str(info.value) == "unable to find a node with port 80/tcp available in the Host mode"
    assert PortFilter().get_filters(config) == ["port 80/tcp (Host mode)"]
    assert PortFilter().get_filters(_config(make_binding("", "80"))) == ["port 80 (Bridge mode)"]


def test_a_new_info_is_read_again() -> None:
    # The port filter decodes a container's port maps once per info object;
    # an engine refresh assigns a new info dict, which must be seen.
    node = Node(id="n")
    container = _container(make_binding("", "80"))
    node.add_container(container)
    config = _config(make_binding("", "80"))
    with pytest.raises(FilterError):
        PortFilter().filter(config, [node], True)
    container.info = {"HostConfig": {"PortBindings": make_binding("", "81")}}
    assert PortFilter().filter(config, [node], True) == [node]
