"""Port of docker/swarm v1.2.5 scheduler/node/node.go: the scheduler's view of an engine.

A :class:`Node` is a **snapshot**: the cluster builds one per engine for every
scheduling decision (``Cluster.listNodes`` calls :func:`new_node`), adds the
containers that are still being created, and lets the filters and strategies
read it.  Nothing here talks to an engine.

Resource accounting, in the units swarm uses (memory in bytes, CPUs as a
count, not cgroup shares):

* ``total_memory`` / ``total_cpus`` already include the overcommit ratio;
* ``used_memory`` / ``used_cpus`` sum the requests of **all** containers,
  stopped ones included (a stopped container keeps its reservation);
* :meth:`Node.add_container` checks the new container **alone** against the
  total, not against what is left.

Until the cluster's ``Engine`` exists, :func:`node_from_client` builds the
same snapshot straight from a docker-py client (see its docstring).
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from swarmnotes.swarm.cluster.container import Container, Containers, _truncate_id
from swarmnotes.swarm.cluster.engine import _go_quo, cpus_to_shares, shares_to_cpus
from swarmnotes.swarm.cluster.image import Image
from swarmnotes.swarm.config import ContainerConfig, build_container_config

if TYPE_CHECKING:
    import docker

    from swarmnotes.swarm.cluster.engine import Engine

__all__ = [
    "Node",
    "new_node",
    "node_from_client",
    "container_from_inspect",
    "create_container_on_client",
]

GiB = 1 << 30


class Node:
    """The scheduler's node: identity, labels, containers, images and resources.

    Every attribute is a plain, writable attribute (Go: exported struct
    fields).  ``health_indicator`` is 0..100 and 0, the default, means
    unhealthy.  Nodes compare by identity, like Go's ``*Node``.

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
        """True when ``health_indicator > 0``.  Go: (*Node).IsHealthy"""
        return self.health_indicator > 0

    def container(self, id_or_name: str) -> Container | None:
        """The container named by ID, swarm ID, name or prefix.  Go: (*Node).Container

        Delegates to :meth:`Containers.get` and its five steps.
        """
        return self.containers.get(id_or_name)

    def add_container(self, container: Container) -> None:
        """Add a container to this snapshot, with its resources if it has a config.

        Raises ``ValueError("not enough resources")`` when the container's own
        ``Memory`` or ``CpuShares`` exceeds the node's **total**; what is
        already used is not considered (two 2 GiB containers both fit on a
        2 GiB node, leaving used at 4 GiB).  A container without a config is
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
    """Snapshot an engine for the scheduler.  Go: node.NewNode

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


# ---------------------------------------------------------------------------
# Stand-ins for the cluster's Engine: the scheduler chapters (06-10) snapshot
# a real engine as a Node without building an Engine.  They follow the Engine
# code of v1.2.5 step by step (updateSpecs, RefreshContainers/updateContainer,
# RefreshImages, TotalMemory/TotalCpus, CreateContainer) but keep no state;
# the CPU-share and overcommit arithmetic is cluster/engine.py's own.
# ---------------------------------------------------------------------------


def _engine_labels(info: dict[str, Any]) -> dict[str, str]:
    """The node labels ``Engine.updateSpecs`` derives from ``docker info``."""
    labels: dict[str, str] = {}
    for label_key, info_key in (
        ("storagedriver", "Driver"),
        ("executiondriver", "ExecutionDriver"),
        ("kernelversion", "KernelVersion"),
        ("operatingsystem", "OperatingSystem"),
    ):
        if info.get(info_key):
            labels[label_key] = info[info_key]
    for label in info.get("Labels") or []:
        key, sep, value = label.partition("=")
        if not sep:
            raise ValueError(
                f"Engine (ID: {info.get('ID', '')}) contains an invalid label ({label}) "
                'not formatted as "key=value".'
            )
        # "node" always means the node's name or ID in a constraint: skipped.
        if key == "node" or key in labels:
            continue
        labels[key] = value
    return labels


def _with_overcommit(value: int, overcommit_ratio: float) -> int:
    """``value + value*ratio/100`` as ``Engine.TotalMemory``/``TotalCpus`` compute it."""
    ratio = int(overcommit_ratio * 100)  # Go: int64(overcommitRatio * 100)
    return value + _go_quo(value * ratio, 100)


def container_from_inspect(info: dict[str, Any], summary: dict[str, Any], ncpu: int) -> Container:
    """Build a :class:`Container` from ``GET /containers/{id}/json`` and its list entry.

    As ``Engine.updateContainer`` does: swarm's config is rebuilt with
    :func:`build_container_config` from the inspect JSON, and ``CpuShares``
    is converted from cgroup shares back to CPUs (``shares * NCPU / 1024``).
    """
    networking_config = {"EndpointsConfig": (info.get("NetworkSettings") or {}).get("Networks")}
    config = build_container_config(
        info.get("Config") or {}, info.get("HostConfig") or {}, networking_config
    )
    shares = config.host_config.get("CpuShares") or 0
    config.host_config["CpuShares"] = shares_to_cpus(shares, ncpu)
    return Container(
        id=info.get("Id", summary.get("Id", "")),
        names=list(summary.get("Names") or []),
        labels=dict(summary.get("Labels") or {}),
        config=config,
        info=info,
        summary=summary,
    )


def node_from_client(
    client: docker.DockerClient,
    addr: str | None = None,
    ip: str = "",
    overcommit_ratio: float = 0.05,
) -> Node:
    """Snapshot a real engine as a :class:`Node`, straight from a docker-py client.

    A stand-in for the cluster's ``new_node(engine)`` until ``Engine`` exists:

    * ``id``, ``name`` and ``labels`` come from ``docker info`` (the labels as
      ``Engine.updateSpecs`` builds them: storagedriver, kernelversion,
      operatingsystem, then the engine's own ``key=value`` labels);
    * ``containers`` are **all** containers (stopped ones too), each
      inspected, with swarm's config and ``CpuShares`` in CPUs;
    * ``images`` are all images;
    * ``total_memory`` / ``total_cpus`` are ``MemTotal`` / ``NCPU`` plus the
      overcommit, ``used_*`` the sum of the containers' requests;
    * ``health_indicator`` is 100: the engine just answered.

    ``addr`` defaults to the client's base URL; ``ip`` to ``""``.  The
    containers' ``engine`` is ``None`` (there is no Engine object yet), so the
    ``engine-name/container`` form of :meth:`Containers.get` does not apply.
    """
    api = client.api
    info = api.info()
    ncpu = int(info.get("NCPU") or 0)
    mem_total = int(info.get("MemTotal") or 0)
    if ncpu == 0 or mem_total == 0:
        raise ValueError(
            f"cannot get resources for this engine, make sure {addr or api.base_url} "
            "is a Docker Engine, not a Swarm manager"
        )

    containers: list[Container] = []
    used_memory = 0
    used_cpus = 0
    for summary in api.containers(all=True):
        inspected = api.inspect_container(summary["Id"])
        container = container_from_inspect(inspected, summary, ncpu)
        assert container.config is not None
        used_memory += container.config.host_config.get("Memory") or 0
        used_cpus += container.config.host_config.get("CpuShares") or 0
        containers.append(container)

    images: list[Image] = []
    for entry in api.images(all=True):
        images.append(
            Image(
                id=entry.get("Id", ""),
                repo_tags=list(entry.get("RepoTags") or []),
                repo_digests=list(entry.get("RepoDigests") or []),
                summary=entry,
            )
        )

    return Node(
        id=info.get("ID", ""),
        ip=ip,
        addr=addr if addr is not None else api.base_url,
        name=info.get("Name", ""),
        labels=_engine_labels(info),
        containers=containers,
        images=images,
        used_memory=used_memory,
        used_cpus=used_cpus,
        total_memory=_with_overcommit(mem_total, overcommit_ratio),
        total_cpus=_with_overcommit(ncpu, overcommit_ratio),
        health_indicator=100,
    )


def create_container_on_client(
    client: docker.DockerClient, config: ContainerConfig, name: str = ""
) -> str:
    """Create ``config`` on a real engine the way ``Engine.CreateContainer`` sends it.

    A stand-in until the cluster's ``Engine`` exists.  The config is copied
    and its ``CpuShares`` converted from CPUs to cgroup shares,
    ``ceil(cpus * 1024 / NCPU)``; then the body goes to dockerd as it is.
    Nothing is pulled.  Returns the new container's ID.
    """
    api = client.api
    ncpu = int(api.info().get("NCPU") or 1)
    docker_config = copy.deepcopy(config)
    cpus = docker_config.host_config.get("CpuShares") or 0
    docker_config.host_config["CpuShares"] = cpus_to_shares(cpus, ncpu)
    created = api.create_container_from_config(dict(docker_config), name or None)
    container_id: str = created["Id"]
    return container_id
