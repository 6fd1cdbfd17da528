"""Port of docker/swarm v1.2.5 scheduler/filter/port.go: a published host port must be free.

* **Host network mode** (``HostConfig.NetworkMode == "host"``): for every key
  of the request's ``ExposedPorts`` (compared as written, ``"80/tcp"`` or
  ``"80"``), a node is dropped when one of its host-mode containers exposes
  the same key. Port bindings play no part.
* **Any other mode**: for every binding of the request's
  ``HostConfig.PortBindings``, a node is dropped when one of its containers,
  running or stopped, has a binding with the same ``HostPort`` in its
  requested bindings (``Info.HostConfig.PortBindings``) or its actual ones
  (``Info.NetworkSettings.Ports``, which also shows ports chosen at random)
  and the host IPs overlap. Protocol and container port are not compared.
"""

from __future__ import annotations

from typing import Any

from swarmnotes.swarm.cluster.container import Container
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["PortFilter"]

PortBinding = dict[str, str]  # {"HostIp": ..., "HostPort": ...}
PortMap = dict[str, Any]  # {"80/tcp": [PortBinding, ...] or None}


def _binds_all_interfaces(binding: PortBinding) -> bool:
    """``""`` and ``"0.0.0.0"`` mean every interface. Go: bindsAllInterfaces"""
    return _all_interfaces(binding.get("HostIp", ""))


def _all_interfaces(host_ip: str) -> bool:
    return host_ip in ("0.0.0.0", "")


def _host_ports(c: Container) -> dict[str, list[str]]:
    """Every host port the container binds, with the host IPs it binds it on.

    Read from ``Info.HostConfig.PortBindings`` (the requested mapping) and
    ``Info.NetworkSettings.Ports`` (the actual one); a missing map, a ``null``
    binding list (an exposed but unpublished port) and an empty ``HostPort``
    (no explicit host port) contribute nothing.
    """
    # Go: Info is a typed struct, decoded from JSON once when the engine
    # refreshes the container, so the filter's nested loops over its maps
    # cost almost nothing. Python: info is the raw JSON dict, and walking it
    # for every container on every scheduling call was most of the filter
    # time at 1000 nodes. So it is decoded once per info object and kept on
    # the container (its ``port_filter_cache``); an engine refresh assigns a
    # new info dict, which is decoded again. (Mutating a scheduled
    # container's info in place is not seen: replace it instead.)
    cached = c.port_filter_cache
    if cached is not None and cached[0] is c.info:
        host_ports: dict[str, list[str]] = cached[1]
        return host_ports

    host_ports = {}
    for part, key in (("HostConfig", "PortBindings"), ("NetworkSettings", "Ports")):
        port_map: PortMap = (c.info.get(part) or {}).get(key) or {}
        for bindings in port_map.values():
            for b in bindings or []:  # the engine reports unpublished ports as null
                host_port = b.get("HostPort", "")
                if host_port == "":
                    continue
                host_ports.setdefault(host_port, []).append(b.get("HostIp", ""))
    c.port_filter_cache = (c.info, host_ports)
    return host_ports


class PortFilter:
    """Only nodes where the requested host ports are free. Go: filter.PortFilter"""

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
        """A host-mode container on the node exposes the same port key. Go: portAlreadyExposed"""
        for c in node.containers:
            host_config = c.info.get("HostConfig")
            if host_config is not None and host_config.get("NetworkMode") == "host":
                # Go reads c.Info.Config.ExposedPorts (a nil Config panics there).
                for port in (c.info.get("Config") or {}).get("ExposedPorts") or {}:
                    if port == requested_port:
                        return True
        return False

    def _port_already_in_use(self, node: Node, requested: PortBinding) -> bool:
        """Some container on the node binds the requested host port. Go: portAlreadyInUse

        Both of a container's maps count: ``HostConfig.PortBindings`` holds
        what was asked for (it survives a stop, when the actual ports are
        gone) and ``NetworkSettings.Ports`` what was given (it shows the host
        port that ``-p 80`` picked at random). :func:`_host_ports` reads both.
        """
        requested_port = requested.get("HostPort", "")
        for c in node.containers:
            # Bindings without an explicit host port are not in _host_ports,
            # so a request without one ("-p 80") never conflicts.
            host_ips = _host_ports(c).get(requested_port)
            if host_ips is not None and self._compare(requested, host_ips):
                return True
        return False

    def _compare(self, requested: PortBinding, host_ips: list[str]) -> bool:
        """The same host port is bound on these IPs: do the interfaces overlap?

        They do when an IP equals the requested one, or when either side binds
        every interface. Go: (*PortFilter).compare
        """
        for host_ip in host_ips:
            if (
                requested.get("HostIp", "") == host_ip
                or _binds_all_interfaces(requested)
                or _all_interfaces(host_ip)
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
