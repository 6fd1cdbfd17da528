"""The scheduler's Node (docker/swarm v1.2.5 scheduler/node/node.go; reference §1)."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.cluster import Container, Containers, Image
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler.node import Node

GiB = 1 << 30


def test_contract_example() -> None:
    node = Node(
        id="node-0-id",
        name="node-0-name",
        addr="node-0",
        labels={"group": "1"},
        total_memory=2 * GiB,
        total_cpus=2,
        health_indicator=100,
        containers=[
            Container(
                id="c0",
                names=["/web"],
                labels={"tier": "web"},
                config=ContainerConfig(),
                info={
                    "HostConfig": {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "80"}]}}
                },
            )
        ],
        images=[Image(id="image-0-id", repo_tags=["image-0:tag1"])],
    )
    assert isinstance(node.containers, Containers)
    assert node.container("web") is node.containers[0]
    assert node.is_healthy()
    assert repr(node) == (
        "<Node node-0-name [containers: 1, memory: 0.00/2.00 GiB, cpus: 0/2, health: 100]>"
    )


def test_defaults() -> None:
    node = Node()
    assert not node.is_healthy()
    assert node.labels == {} and node.containers == [] and node.images == []
    assert (node.used_memory, node.used_cpus, node.total_memory, node.total_cpus) == (0, 0, 0, 0)
    assert Node() != Node()  # identity


def test_labels_are_shared() -> None:
    labels = {"a": "1"}
    node = Node(labels=labels)
    labels["b"] = "2"
    assert node.labels == {"a": "1", "b": "2"}


def _container(memory: int, cpus: int) -> Container:
    return Container(config=build_container_config({}, {"Memory": memory, "CpuShares": cpus}))


def test_add_container_checks_only_against_total() -> None:
    node = Node(total_memory=2 * GiB, total_cpus=2)
    node.add_container(_container(2 * GiB, 0))
    node.add_container(_container(2 * GiB, 0))
    assert node.used_memory == 4 * GiB
    assert len(node.containers) == 2


def test_add_container_not_enough_resources() -> None:
    node = Node(total_memory=GiB, total_cpus=1)
    with pytest.raises(ValueError, match="^not enough resources$"):
        node.add_container(_container(2 * GiB, 0))
    with pytest.raises(ValueError, match="^not enough resources$"):
        node.add_container(_container(0, 2))
    assert node.containers == [] and node.used_memory == 0 and node.used_cpus == 0


def test_add_container_without_config() -> None:
    node = Node()
    node.add_container(Container(id="c1"))
    assert len(node.containers) == 1 and node.used_memory == 0


def test_health_indicator() -> None:
    assert Node(health_indicator=1).is_healthy()
    assert not Node(health_indicator=0).is_healthy()
