"""Helpers shared by the strategy tests (Go: binpack_test.go's createNode & co).

Imported by name: pytest puts this test directory on sys.path (no __init__.py).
"""

from __future__ import annotations

from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarm.scheduler.strategy import PlacementStrategy

GiB = 1024 * 1024 * 1024


def create_node(id: str, memory: int, cpus: int) -> Node:
    """Go's createNode: memory in GiB plus 5 % overcommit, truncated before scaling."""
    oc = 0.05
    memory = int(float(memory) + float(memory) * oc)
    return Node(
        id=id, ip=id, addr=id, total_memory=memory * GiB, total_cpus=cpus, health_indicator=100
    )


def create_config(memory: int, cpus: int) -> ContainerConfig:
    return build_container_config({}, {"Memory": memory * GiB, "CpuShares": cpus}, {})


def create_container(id: str, config: ContainerConfig) -> Container:
    return Container(id=id, config=config, info={"Config": dict(config)})


def select_top_node(s: PlacementStrategy, config: ContainerConfig, nodes: list[Node]) -> Node:
    return s.rank_and_sort(config, nodes)[0]
