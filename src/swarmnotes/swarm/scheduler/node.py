"""Port of docker/swarm v1.2.5 scheduler/node/node.go: the scheduler's view of an engine.

A :class:`Node` is a **snapshot**: the cluster builds one per engine for every
scheduling decision (``Cluster.listNodes`` calls :func:`new_node`), adds the
containers that are still being created, and lets the filters and strategies
read it. Nothing here talks to an engine.

Resource accounting, in the units swarm uses (memory in bytes, CPUs as a
count, not cgroup shares):

* ``total_memory`` / ``total_cpus`` already include the overcommit ratio;
* ``used_memory`` / ``used_cpus`` sum the requests of **all** containers,
  stopped ones included (a stopped container keeps its reservation);
* :meth:`Node.add_container` checks the new container **alone** against the
  total, not against what is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from swarmnotes.swarm.cluster.container import Container, Containers, _truncate_id
from swarmnotes.swarm.cluster.image import Image

if TYPE_CHECKING:
    from swarmnotes.swarm.cluster.engine import Engine

__all__ = ["Node", "new_node"]

GiB = 1 << 30


class Node:
    """The scheduler's node: identity, labels, containers, images and resources.

    Every attribute is a plain, writable attribute (Go: exported struct
    fields). ``health_indicator`` is 0..100 and 0, the default, means
    unhealthy. Nodes compare by identity, like Go's ``*Node``.

    ``labels`` is kept as the very dict passed in (Go's ``NewNode`` shares the
    engine's label map too); ``containers`` becomes a new :class:`Containers`
    list.
    """

    def __init__(
        self,
        id: str = "",
        ip: str = "",
        addr: str = "",
        name: str = "",
        labels: dict[str, str] | None = None,
        containers: list[Container] | None = None,
        images: list[Image] | None = None,
        used_memory: int = 0,
        used_cpus: int = 0,
        total_memory: int = 0,
        total_cpus: int = 0,
        health_indicator: int = 0,
    ) -> None:
        self.id = id
        self.ip = ip
        self.addr = addr
        self.name = name
        self.labels: dict[str, str] = labels if labels is not None else {}
        self.containers: Containers = Containers(containers or [])
        self.images: list[Image] = list(images or [])
        self.used_memory = used_memory
        self.used_cpus = used_cpus
        self.total_memory = total_memory
        self.total_cpus = total_cpus
        self.health_indicator = health_indicator

    def is_healthy(self) -> bool:
        """True when ``health_indicator > 0``. Go: (*Node).IsHealthy"""
        return self.health_indicator > 0

    def container(self, id_or_name: str) -> Container | None:
        """The container named by ID, swarm ID, name or prefix. Go: (*Node).Container

        Delegates to :meth:`Containers.get` and its five steps.
        """
        return self.containers.get(id_or_name)

    def add_container(self, container: Container) -> None:
        """Add a container to this snapshot, with its resources if it has a config.

        Raises ``ValueError("not enough resources")`` when the container's own
        ``Memory`` or ``CpuShares`` exceeds the node's **total**; what is
        already used is not considered (two 2 GiB containers both fit on a
        2 GiB node, leaving used at 4 GiB). A container without a config is
        appended with no accounting.

        Go: (*Node).AddContainer
        """
        if container.config is not None:
            memory = container.config.host_config.get("Memory") or 0
            cpus = container.config.host_config.get("CpuShares") or 0
            if self.total_memory - memory < 0 or self.total_cpus - cpus < 0:
                raise ValueError("not enough resources")
            self.used_memory += memory
            self.used_cpus += cpus
        self.containers.append(container)

    def __repr__(self) -> str:
        return (
            f"<Node {self.name or _truncate_id(self.id)} [containers: {len(self.containers)}, "
            f"memory: {self.used_memory / GiB:.2f}/{self.total_memory / GiB:.2f} GiB, "
            f"cpus: {self.used_cpus}/{self.total_cpus}, health: {self.health_indicator}]>"
        )


def new_node(engine: Engine) -> Node:
    """Snapshot an engine for the scheduler. Go: node.NewNode

    Shares the engine's label dict (as Go shares the map); the container and
    image lists are the engine's current ones.
    """
    return Node(
        id=engine.id,
        ip=engine.ip,
        addr=engine.addr,
        name=engine.name,
        labels=engine.labels,
        containers=engine.containers(),
        images=engine.images(),
        used_memory=engine.used_memory(),
        used_cpus=engine.used_cpus(),
        total_memory=engine.total_memory(),
        total_cpus=engine.total_cpus(),
        health_indicator=engine.health_indicator(),
    )


# The chapters' helpers that snapshot a lab engine live in swarm/lab_nodes.py;
# they are re-exported here, lazily (lab_nodes imports this module), because
# chapters 06 and 10 and older code import them from here.
_MOVED_TO_LAB_NODES = ("node_from_client", "create_container_on_client")


def __getattr__(name: str) -> Any:
    if name in _MOVED_TO_LAB_NODES:
        from swarmnotes.swarm import lab_nodes

        return getattr(lab_nodes, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
