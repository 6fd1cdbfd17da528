"""The lab's engines as classic Swarm scheduler nodes (chapters 06 to 10).

Not a port of a Go file: this is the set-up the scheduling chapters share, so
they can schedule on real engines without building the whole cluster
(``cluster/swarm/cluster.go``, chapter 12). It plays the cluster's part in
the smallest way:

* :func:`node_from_client` connects the cluster's ``Engine`` to one engine,
  takes ``new_node(engine)`` and disconnects; :func:`lab_nodes` does it for
  every lab engine (the cluster's ``listNodes`` does the same with engines it
  keeps connected);
* :func:`create_container_on_client` sends a config to an engine as
  ``Engine.CreateContainer`` does (CPUs converted to cgroup shares);
* :func:`create_on` creates a scheduled container on the chosen node's
  engine that way, labelled ``io.swarmnotes=1``;
* :func:`verify_on` checks that the engine really holds it;
* :func:`remove_all` removes what the chapter created.
"""

from __future__ import annotations

import copy
from typing import Any

import docker

from swarmnotes.lab import LABEL, Lab, LabEngine, remove_labelled
from swarmnotes.swarm.cluster.engine import Engine, cpus_to_shares
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node, new_node

__all__ = [
    "node_from_client",
    "create_container_on_client",
    "lab_nodes",
    "engine_of",
    "create_on",
    "verify_on",
    "remove_all",
]


def node_from_client(
    client: docker.DockerClient,
    addr: str | None = None,
    ip: str = "",
    overcommit_ratio: float = 0.05,
) -> Node:
    """Snapshot a real engine as a :class:`Node`, through the cluster's ``Engine``.

    An :class:`Engine` is connected on the client's API connection (its specs,
    labels, every container inspected, its images), validated as the cluster
    validates a new engine (so ``health_indicator`` is 100), snapshotted with
    :func:`new_node` and disconnected again. Its errors are the Engine's: a
    label that is not ``key=value`` raises ``ClusterError``.

    ``addr`` defaults to the client's base URL; ``ip`` to ``""``. The
    disconnect closes the client's pooled connections; docker-py opens new
    ones on the client's next call.

    The Engine is thrown away, so the snapshot's containers and images do not
    point back at it (``engine`` is ``None``), unlike the cluster's nodes:
    the ``engine-name/container`` form of :meth:`Containers.get` does not apply.
    """
    engine = Engine(addr if addr is not None else client.api.base_url, overcommit_ratio)
    try:
        engine.connect_with_client(client.api)
        engine.ip = ip
        engine.validation_complete()
        node = new_node(engine)
    finally:
        engine.disconnect()
    for container in node.containers:
        container.engine = None
    for image in node.images:
        image.engine = None
    return node


def create_container_on_client(
    client: docker.DockerClient, config: ContainerConfig, name: str = ""
) -> str:
    """Create ``config`` on a real engine the way ``Engine.CreateContainer`` sends it.

    The config is copied and its ``CpuShares`` converted from CPUs to cgroup
    shares, ``ceil(cpus * 1024 / NCPU)``; then the body goes to dockerd as it
    is. Nothing is pulled. Returns the new container's ID.
    """
    api = client.api
    ncpu = int(api.info().get("NCPU") or 1)
    docker_config = copy.deepcopy(config)
    cpus = docker_config.host_config.get("CpuShares") or 0
    docker_config.host_config["CpuShares"] = cpus_to_shares(cpus, ncpu)
    created = api.create_container_from_config(dict(docker_config), name or None)
    container_id: str = created["Id"]
    return container_id


def lab_nodes(lab: Lab) -> list[Node]:
    """A fresh snapshot of every lab engine, in engine order."""
    nodes = []
    for engine in lab.engines:
        with engine.client() as client:
            nodes.append(node_from_client(client, addr=engine.base_url, ip=engine.address))
    return nodes


def engine_of(lab: Lab, node: Node) -> LabEngine:
    """The lab engine a node stands for (matched by name, which each engine has its own of)."""
    for engine in lab.engines:
        if engine.name == node.name:
            return engine
    raise ValueError(f"no lab engine named {node.name!r}")


def create_on(
    lab: Lab, node: Node, config: ContainerConfig, name: str = "", start: bool = False
) -> str:
    """Create (and optionally start) ``config`` on ``node``'s engine; return the ID.

    The config is labelled ``io.swarmnotes=1`` first (in a copy), so the
    chapter's clean-up finds it.
    """
    labelled = ContainerConfig(config)
    labelled["Labels"] = dict(labelled.get("Labels") or {}, **LABEL)
    with engine_of(lab, node).client() as client:
        container_id = create_container_on_client(client, labelled, name)
        if start:
            client.api.start(container_id)
    return container_id


def verify_on(lab: Lab, node: Node, container_id: str) -> dict[str, Any]:
    """Inspect the container on ``node``'s engine; raise if it is not there."""
    with engine_of(lab, node).client() as client:
        try:
            info: dict[str, Any] = client.api.inspect_container(container_id)
        except docker.errors.NotFound as exc:
            raise AssertionError(f"{container_id[:12]} is not on {node.name}") from exc
    assert info["Config"]["Labels"].get("io.swarmnotes") == "1"
    return info


def remove_all(lab: Lab) -> dict[str, int]:
    """Remove every labelled object from every engine; how many containers went, per engine."""
    removed = {}
    for engine in lab.engines:
        with engine.client() as client:
            removed[engine.name] = remove_labelled(client)["containers"]
    return removed
