"""Port of docker/swarm v1.2.5 scheduler/filter/port.go: a published host port must be free.

* **Host network mode** (``HostConfig.NetworkMode == "host"``): for every key
  of the request's ``ExposedPorts`` (compared as written, ``"80/tcp"`` or
  ``"80"``), a node is dropped when one of its host-mode containers exposes
  the same key.  Port bindings play no part.
* **Any other mode**: for every binding of the request's
  ``HostConfig.PortBindings``, a node is dropped when one of its containers,
  running or stopped, has a binding with the same ``HostPort`` in its
  requested bindings (``Info.HostConfig.PortBindings``) or its actual ones
  (``Info.NetworkSettings.Ports``, which also shows ports chosen at random)
  and the host IPs overlap.  Protocol and container port are not compared.
"""

from __future__ import annotations

from typing import Any

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.filter.errors import FilterError
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["PortFilter"]

PortBinding = dict[str, str]  # {"HostIp": ..., "HostPort": ...}
PortMap = dict[str, Any]  # {"80/tcp": [PortBinding, ...] or None}


def _binds_all_interfaces(binding: PortBinding) -> bool:
    """``""`` and ``"0.0.0.0"`` mean every interface.  Go: bindsAllInterfaces"""
    return binding.get("HostIp", "") in ("0.0.0.0", "")


class PortFilter:
    """Only nodes where the requested host ports are free.  Go: filter.PortFilter"""

    def name(self) -> str:
        return "port"

    def filter(self, config: ContainerConfig, nodes: list[Node], soft: bool) -> list[Node]:
        if config.host_config.get("NetworkMode") == "host":
            return self._filter_host(config, nodes)
        return self._filter_bridge(config, nodes)

    def _filter_host(self, config: ContainerConfig, nodes: list[Node]) -> list[Node]:
        nodes = [*nodes]
        for port in config.get("ExposedPorts") or {}:
            candidates = [node for node in nodes if not self._port_already_exposed(node, port)]
            if not candidates:
                raise FilterError(
                    f"unable to find a node with port {port} available in the Host mode"
                )
            nodes = candidates
        return nodes

    def _filter_bridge(self, config: ContainerConfig, nodes: list[Node]) -> list[Node]:
        nodes = [*nodes]
        for bindings in (config.host_config.get("PortBindings") or {}).values():
            for binding in bindings or []:
                candidates = [
                    node for node in nodes if not self._port_already_in_use(node, binding)
                ]
                if not candidates:
                    raise FilterError(
                        f"unable to find a node with port {binding.get('HostPort', '')} available"
                    )
                nodes = candidates
        return nodes

    def _port_already_exposed(self, node: Node, requested_port: str) -> bool:
        """A host-mode container on the node exposes the same port key.  Go: portAlreadyExposed"""
        for c in node.containers:
            host_config = c.info.get("HostConfig")
            if host_config is not None and host_config.get("NetworkMode") == "host":
                # Go reads c.Info.Config.ExposedPorts (a nil Config panics there).
                for port in (c.info.get("Config") or {}).get("ExposedPorts") or {}:
                    if port == requested_port:
                        return True
        return False

    def _port_already_in_use(self, node: Node, requested: PortBinding) -> bool:
        """Some container on the node binds the requested host port.  Go: portAlreadyInUse

        Both maps are checked: ``HostConfig.PortBindings`` holds what was
        asked for (it survives a stop, when the actual ports are gone), and
        ``NetworkSettings.Ports`` what was given (it shows the host port that
        ``-p 80`` picked at random).
        """
        for c in node.containers:
            host_config = c.info.get("HostConfig")
            network_settings = c.info.get("NetworkSettings")
            if (
                host_config is not None
                and self._compare(requested, host_config.get("PortBindings"))
            ) or (
                network_settings is not None
                and self._compare(requested, network_settings.get("Ports"))
            ):
                return True
        return False

    def _compare(self, requested: PortBinding, bindings: PortMap | None) -> bool:
        """Go: (*PortFilter).compare"""
        requested_port = requested.get("HostPort", "")
        for binding in (bindings or {}).values():
            for b in binding or []:  # the engine reports unpublished ports as null
                host_port = b.get("HostPort", "")
                if host_port == "":
                    # No explicit host port: nothing to conflict with.
                    continue
                if host_port == requested_port:
                    # Same host port: a conflict if the IPs are the same or
                    # either side binds every interface.
                    if (
                        requested.get("HostIp", "") == b.get("HostIp", "")
                        or _binds_all_interfaces(requested)
                        or _binds_all_interfaces(b)
                    ):
                        return True
        return False

    def get_filters(self, config: ContainerConfig) -> list[str]:
        """``port <key> (Host mode)`` per exposed port, else ``port <HostPort> (Bridge mode)``."""
        all_port_constraints: list[str] = []
        if config.host_config.get("NetworkMode") == "host":
            for port in config.get("ExposedPorts") or {}:
                all_port_constraints.append(f"port {port} (Host mode)")
            return all_port_constraints

        for bindings in (config.host_config.get("PortBindings") or {}).values():
            for binding in bindings or []:
                all_port_constraints.append(f"port {binding.get('HostPort', '')} (Bridge mode)")
        return all_port_constraints

    def __repr__(self) -> str:
        return "PortFilter()"
