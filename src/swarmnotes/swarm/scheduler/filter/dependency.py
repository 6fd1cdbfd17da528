"""Port of docker/swarm v1.2.5 scheduler/filter/dependency.go: co-schedule dependent containers.

A container that uses ``--volumes-from=X``, ``--link=X:alias`` or
``--net=container:X`` must land on the node where X is; X is looked up with
:meth:`Node.container` (ID, short ID, swarm ID, name, prefix).
"""

from __future__ import annotations

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["DependencyFilter"]


class DependencyFilter:
    """Only nodes holding every container the request depends on. Go: filter.DependencyFilter"""

    def name(self) -> str:
        return "dependency"

    def filter(self, config: ContainerConfig, nodes: list[Node], soft: bool) -> list[Node]:
        if not nodes:
            return []
        host_config = config.host_config

        # Volumes: "c0:ro" depends on c0.
        volumes = [v.split(":", 1)[0] for v in host_config.get("VolumesFrom") or []]
        # Links: "c1:alias" depends on c1.
        links = [link.split(":", 1)[0] for link in host_config.get("Links") or []]
        # --net=container:c2 depends on c2; other network modes do not count.
        net: list[str] = []
        network_mode = host_config.get("NetworkMode") or ""
        if network_mode.startswith("container:"):
            net.append(network_mode[len("container:") :])

        candidates = [
            node
            for node in nodes
            if self._check(volumes, node) and self._check(links, node) and self._check(net, node)
        ]
        if not candidates:
            raise FilterError(
                f"Unable to find a node fulfilling all dependencies: {self.string(config)}"
            )
        return candidates

    def get_filters(self, config: ContainerConfig) -> list[str]:
        """``--volumes-from=…``, ``--link=…`` and ``--net=…`` as given."""
        host_config = config.host_config
        dependencies: list[str] = []
        for volume in host_config.get("VolumesFrom") or []:
            dependencies.append(f"--volumes-from={volume}")
        for link in host_config.get("Links") or []:
            dependencies.append(f"--link={link}")
        network_mode = host_config.get("NetworkMode") or ""
        if network_mode.startswith("container:"):
            dependencies.append(f"--net={network_mode}")
        return dependencies

    def string(self, config: ContainerConfig) -> str:
        """The dependencies joined by spaces. Go: (*DependencyFilter).String"""
        return " ".join(self.get_filters(config))

    def _check(self, dependencies: list[str], node: Node) -> bool:
        """Every dependency is a container of the node. Go: check"""
        for dependency in dependencies:
            if node.container(dependency) is None:
                return False
        return True

    def __repr__(self) -> str:
        return "DependencyFilter()"
