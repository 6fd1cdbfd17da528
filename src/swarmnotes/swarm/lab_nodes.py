"""The lab's engines as classic Swarm scheduler nodes (chapters 06 to 10).

Not a port of a Go file: this is the set-up the scheduling chapters share, so
they can schedule on real engines before the cluster (``cluster/engine.go``,
``cluster/swarm/cluster.go``) is ported.  It plays the cluster's part in the
smallest way:

* :func:`lab_nodes` snapshots every engine as a :class:`Node`
  (the cluster's ``listNodes`` does this with ``new_node(engine)``);
* :func:`create_on` creates a scheduled container on the chosen node's
  engine, as ``Engine.CreateContainer`` does, labelled ``io.swarmnotes=1``;
* :func:`verify_on` checks that the engine really holds it;
* :func:`remove_all` removes what the chapter created.
"""

from __future__ import annotations

from typing import Any

import docker

from swarmnotes.lab import LABEL, Lab, LabEngine, remove_labelled
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.node import Node, create_container_on_client, node_from_client

__all__ = ["lab_nodes", "engine_of", "create_on", "verify_on", "remove_all"]


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
