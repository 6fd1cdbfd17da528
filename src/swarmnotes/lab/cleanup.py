"""Cleaning up what tests and chapters create on the lab's engines.

Every object a chapter or test creates carries ``LABEL`` (``io.swarmnotes=1``),
so whatever a failed run left behind can still be found and removed. A
``Registry`` additionally remembers what one test made, and removes it in
reverse order (docker-py's integration tests keep such lists too).
"""

from __future__ import annotations

from typing import Any

import docker

LABEL_KEY = "io.swarmnotes"
LABEL = {LABEL_KEY: "1"}
LABEL_FILTER = {"label": f"{LABEL_KEY}=1"}


def _is_manager(client: docker.DockerClient) -> bool:
    swarm = client.info().get("Swarm", {})
    return bool(swarm.get("ControlAvailable"))


def remove_labelled(client: docker.DockerClient) -> dict[str, int]:
    """Remove every service, container, network and volume labelled ``LABEL``.

    Returns how many of each kind were removed.
    """
    removed = {"services": 0, "containers": 0, "networks": 0, "volumes": 0}
    if _is_manager(client):
        for service in client.services.list(filters=LABEL_FILTER):
            service.remove()
            removed["services"] += 1
    for container in client.containers.list(all=True, filters=LABEL_FILTER):
        container.remove(force=True, v=True)
        removed["containers"] += 1
    for network in client.networks.list(filters=LABEL_FILTER):
        network.remove()
        removed["networks"] += 1
    for volume in client.volumes.list(filters=LABEL_FILTER):
        volume.remove(force=True)
        removed["volumes"] += 1
    return removed


def count_labelled(client: docker.DockerClient) -> int:
    """How many labelled containers, networks and volumes an engine still has."""
    return (
        len(client.containers.list(all=True, filters=LABEL_FILTER))
        + len(client.networks.list(filters=LABEL_FILTER))
        + len(client.volumes.list(filters=LABEL_FILTER))
    )


class Registry:
    """What one test or chapter created; ``cleanup()`` removes it, newest first."""

    def __init__(self) -> None:
        self._objects: list[Any] = []

    def __repr__(self) -> str:
        return f"<Registry [{len(self._objects)} objects]>"

    def track(self, obj: Any) -> Any:
        """Remember a docker-py Container, Service, Network or Volume; return it."""
        self._objects.append(obj)
        return obj

    def cleanup(self) -> None:
        """Remove every tracked object that still exists; raise the first failure."""
        first_error: Exception | None = None
        while self._objects:
            obj = self._objects.pop()
            try:
                if isinstance(obj, docker.models.containers.Container):
                    obj.remove(force=True, v=True)
                elif isinstance(obj, docker.models.volumes.Volume):
                    obj.remove(force=True)
                else:
                    obj.remove()
            except docker.errors.NotFound:
                continue
            except Exception as exc:  # keep removing the rest, then report
                first_error = first_error or exc
        if first_error is not None:
            raise first_error
