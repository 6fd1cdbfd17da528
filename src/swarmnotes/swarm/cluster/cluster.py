"""Port of docker/swarm v1.2.5 cluster/swarm/cluster.go: ``Cluster``, engines plus a scheduler.

The cluster holds the validated engines (by ID), schedules each new
container with the :class:`~swarmnotes.swarm.scheduler.Scheduler` on a
snapshot of every engine (:meth:`Cluster.list_nodes`) and creates it there.

**Pending containers.**  Creating a container takes a round trip to the
engine; until it is back, the engine's own state does not show the new
container. So, while it holds the scheduler lock, ``create_container``
records the choice in ``pending_containers`` and :meth:`Cluster.list_nodes`
adds those containers to their nodes: a second create in the meantime sees
the name as taken and the memory and CPUs as reserved.
"""
# Go: engines come and go through a discovery backend (a file, consul, a
# token) watched by a goroutine, and engines that fail validation are retried
# every 10 s. Python: :meth:`Cluster.add_engine` / :meth:`Cluster.remove_engine`,
# synchronous; an engine that fails to connect is not kept.

from __future__ import annotations

import re
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import docker

from swarmnotes.swarm.cluster.container import Container, Containers, _truncate_id
from swarmnotes.swarm.cluster.engine import Engine, EngineOpts
from swarmnotes.swarm.cluster.errors import ClusterError
from swarmnotes.swarm.cluster.events import Event, EventHandler, EventHandlers
from swarmnotes.swarm.cluster.image import Image
from swarmnotes.swarm.config import ContainerConfig

if TYPE_CHECKING:
    # The scheduler imports this package (its Node holds Containers): importing
    # it here at run time would be a cycle, so new_node is imported where used.
    from swarmnotes.swarm.scheduler import Scheduler
    from swarmnotes.swarm.scheduler.node import Node

__all__ = ["Cluster", "PendingContainer"]


@dataclass
class PendingContainer:
    """A container being created: scheduled on ``engine``, not yet reported by it.

    Go: swarm.pendingContainer
    """

    config: ContainerConfig
    name: str
    engine: Engine

    def to_container(self) -> Container:
        """The container as the scheduler should see it. Go: ToContainer

        Labels, config and engine are the pending ones; ``names`` is
        ``["/" + name]`` when a name was given. ``info`` carries an empty
        ``HostConfig``, so (in v1.2.5) the port filter does not see the
        pending container's port bindings.
        """
        container = Container(
            labels=self.config.get("Labels") or {},
            config=self.config,
            info={"HostConfig": {}},
            engine=self.engine,
        )
        if self.name:
            container.names = ["/" + self.name]
        return container


def _generate_random_id() -> str:
    """64 hex characters whose short form is not all digits. Go: stringid.GenerateRandomID"""
    while True:
        id = secrets.token_hex(32)
        # A short ID that parses as a number would be taken for one by the CLI.
        if not re.fullmatch(r"[0-9]+", _truncate_id(id)):
            return id


def _get_network(
    networks: list[tuple[dict[str, Any], Engine]], id_or_name: str
) -> tuple[dict[str, Any], Engine] | None:
    """The network named by ID, name, engine/name or ID prefix. Go: Networks.Get

    A name found on several engines with different IDs (``bridge``, ``none``)
    is ambiguous: None.
    """
    if not id_or_name:
        return None
    for network, engine in networks:
        if network.get("Id") == id_or_name or _truncate_id(network.get("Id", "")) == id_or_name:
            return network, engine
    candidates = [
        (network, engine)
        for network, engine in networks
        if id_or_name
        in (
            network.get("Name"),
            f"{engine.id}/{network.get('Name')}",
            f"{engine.name}/{network.get('Name')}",
        )
    ]
    unique = {network.get("Id") for network, _ in candidates}
    if len(unique) == 1:
        return candidates[0]
    if len(unique) > 1:
        return None
    for network, engine in networks:
        if network.get("Name") == "/" + id_or_name:
            return network, engine
    candidates = [(n, e) for n, e in networks if n.get("Id", "").startswith(id_or_name)]
    if len({n.get("Id") for n, _ in candidates}) == 1:
        return candidates[0]
    return None


class Cluster:
    """Classic Swarm's cluster: engines, a scheduler, pending containers. Go: swarm.Cluster

    Safe for concurrent use. Every engine event (and swarm's own
    ``engine_connect``/``engine_disconnect``/``engine_reconnect``) reaches
    :meth:`handle` and from there every registered handler.
    """

    def __init__(
        self,
        scheduler: Scheduler,
        engine_opts: EngineOpts | None = None,
        overcommit_ratio: float = 0.05,
        create_retry: int = 0,
    ) -> None:
        if overcommit_ratio <= -1:
            raise ValueError(
                f"swarm.overcommit should be larger than -1, {overcommit_ratio:f} is invalid"
            )
        if create_retry < 0:
            raise ValueError(f"swarm.createretry can not be negative, {create_retry} is invalid")
        # Go: sync.RWMutex embedded. Python: a reentrant lock.
        self._lock = threading.RLock()
        self._event_handlers = EventHandlers()
        self._engines: dict[str, Engine] = {}  # validated engines, by ID
        self._pending_engines: dict[str, Engine] = {}  # being validated, by address
        self._scheduler = scheduler
        self.pending_containers: dict[str, PendingContainer] = {}  # by swarm ID
        self._overcommit_ratio = overcommit_ratio
        self._engine_opts = engine_opts if engine_opts is not None else EngineOpts()
        self._create_retry = create_retry

    # -- events ---------------------------------------------------------------------

    def handle(self, event: Event) -> None:
        """Pass an engine's event to every registered handler. Go: (*Cluster).Handle"""
        self._event_handlers.handle(event)

    def register_event_handler(self, h: EventHandler) -> None:
        """Go: RegisterEventHandler (raises ClusterError "event handler already set")."""
        self._event_handlers.register_event_handler(h)

    def unregister_event_handler(self, h: EventHandler) -> None:
        """Go: UnregisterEventHandler"""
        self._event_handlers.unregister_event_handler(h)

    # -- engines ----------------------------------------------------------------------

    def _get_engine_by_addr(self, addr: str) -> Engine | None:
        with self._lock:
            if addr in self._pending_engines:
                return self._pending_engines[addr]
            for engine in self._engines.values():
                if engine.addr == addr:
                    return engine
        return None

    def add_engine(self, addr: str, tls_config: Any = None) -> Engine:
        """Connect to the engine at ``addr``, validate it and register it.

        Raises ``ClusterError`` if ``addr`` is already registered or its ID is
        already taken by another address; any connect error is raised as it is
        (the engine is then disconnected and forgotten).

        Go: addEngine + validatePendingEngine
        """
        if self._get_engine_by_addr(addr) is not None:
            raise ClusterError(f"engine {addr} is already registered")
        engine = Engine(addr, self._overcommit_ratio, self._engine_opts)
        engine.register_event_handler(self)
        with self._lock:
            self._pending_engines[addr] = engine

        # Go: this runs in its own goroutine; the connect is slow, so no lock yet.
        try:
            engine.connect(tls_config)
        except BaseException:
            with self._lock:
                self._pending_engines.pop(addr, None)
            engine.disconnect()
            raise

        with self._lock:
            if self._pending_engines.get(addr) is not engine:
                engine.disconnect()
                raise ClusterError(f"engine {addr} was removed while it was validated")
            old = self._engines.get(engine.id)
            if old is not None:
                del self._pending_engines[addr]
                engine.disconnect()
                raise ClusterError(
                    f"ID duplicated. {engine.id} shared by this node {addr} "
                    f"and another node {old.addr}"
                )
            # Validated: from pending to engines, healthy, refresh loop started.
            del self._pending_engines[addr]
            engine.validation_complete()
            self._engines[engine.id] = engine
        return engine

    def remove_engine(self, addr: str) -> None:
        """Disconnect the engine at ``addr`` and forget it (no error if unknown).

        Go: removeEngine
        """
        engine = self._get_engine_by_addr(addr)
        if engine is None:
            return
        with self._lock:
            engine.disconnect()
            if addr in self._pending_engines:
                del self._pending_engines[addr]
            else:
                self._engines.pop(engine.id, None)

    def list_engines(self) -> list[Engine]:
        """Validated engines, then pending ones. Go: listEngines"""
        with self._lock:
            return [*self._engines.values(), *self._pending_engines.values()]

    # -- scheduling ---------------------------------------------------------------------

    def list_nodes(self) -> list[Node]:
        """A scheduler snapshot of every validated engine, pending containers added.

        A pending container is added to its engine's node unless the engine
        already reports it (by swarm ID); an ``add_container`` error ("not
        enough resources") is ignored, as in Go.

        Go: (*Cluster).listNodes
        """
        # Go: engines in map order (random). Python: in the order they were added.
        from swarmnotes.swarm.scheduler.node import new_node  # see the imports

        with self._lock:
            out = []
            for e in self._engines.values():
                node = new_node(e)
                for pc in self.pending_containers.values():
                    if pc.engine.id == e.id and node.container(pc.config.swarm_id()) is None:
                        try:
                            node.add_container(pc.to_container())
                        except ValueError:
                            pass
                out.append(node)
            return out

    def _generate_unique_id(self) -> str:
        while True:
            id = _generate_random_id()
            if self.container(id) is None:
                return id

    def _check_name_uniqueness(self, name: str) -> bool:
        """No container, pending ones included, is called ``name``. Go: checkNameUniqueness"""
        if not name:
            return True
        with self._lock:
            for e in self._engines.values():
                for c in e.containers():
                    for cname in c.names:
                        if cname == name or cname == "/" + name:
                            return False
            for pc in self.pending_containers.values():
                if pc.name == name:
                    return False
        return True

    def create_container(
        self, config: ContainerConfig, name: str = "", auth_config: Any = None
    ) -> Container:
        """Schedule a new container on an engine and create it there.

        Go: (*Cluster).CreateContainer

        If the engine says the image is not found, and another engine has it,
        and no ``node==`` constraint pins the container, it is scheduled again
        with an ``image==<Image>`` affinity; then up to ``create_retry`` more
        attempts. ``config`` gets the swarm ID label (a new random ID when
        it has none).
        """
        try:
            return self._create_container(config, name, False, auth_config)
        except Exception as first:
            err: Exception = first
        retries = 0
        image_not_found = bool(re.search(r"image \S* not found", str(err))) or isinstance(
            err, docker.errors.ImageNotFound
        )
        if image_not_found and not config.have_node_constraint():
            # The image exists somewhere in the cluster: retry with an image affinity.
            if self.image(config.get("Image", "")) is not None:
                retries += 1
                try:
                    return self._create_container(config, name, True, auth_config)
                except Exception as again:
                    err = again
        while retries < self._create_retry:
            retries += 1
            try:
                return self._create_container(config, name, False, auth_config)
            except Exception as again:
                err = again
        raise err

    def _create_container(
        self, config: ContainerConfig, name: str, with_image_affinity: bool, auth_config: Any
    ) -> Container:
        """Go: (*Cluster).createContainer"""
        with self._scheduler:
            if not self._check_name_uniqueness(name):
                raise ClusterError(
                    f"Conflict: The name {name} is already assigned. You have to delete "
                    f"(or rename) that container to be able to assign {name} to a "
                    "container again."
                )

            swarm_id = config.swarm_id()
            if swarm_id == "":
                # Associate a swarm ID with the container we are creating.
                swarm_id = self._generate_unique_id()
                config.set_swarm_id(swarm_id)

            # A local-scope network lives on one engine: the container must go there.
            found = _get_network(
                self._networks_with_engines(), config.host_config.get("NetworkMode") or ""
            )
            if found is not None and found[0].get("Scope") == "local":
                network, engine_of_network = found
                if not config.have_node_constraint():
                    config.add_constraint("node==~" + engine_of_network.name)
                config.host_config["NetworkMode"] = network.get("Name")

            if with_image_affinity:
                config.add_affinity("image==" + config.get("Image", ""))
            try:
                nodes = self._scheduler.select_nodes_for_container(self.list_nodes(), config)
            finally:
                if with_image_affinity:
                    config.remove_affinity("image==" + config.get("Image", ""))

            n = nodes[0]
            with self._lock:
                engine = self._engines.get(n.id)
            if engine is None:
                raise ClusterError("error creating container")
            self.pending_containers[swarm_id] = PendingContainer(
                config=config, name=name, engine=engine
            )

        try:
            return engine.create_container(config, name, True, auth_config)
        finally:
            with self._scheduler:
                self.pending_containers.pop(swarm_id, None)

    def remove_container(
        self, container: Container, force: bool = False, volumes: bool = False
    ) -> None:
        """Go: (*Cluster).RemoveContainer"""
        if container.engine is None:
            raise ClusterError("container has no engine")
        container.engine.remove_container(container, force, volumes)

    def start_container(self, container: Container) -> None:
        """Go: (*Cluster).StartContainer"""
        if container.engine is None:
            raise ClusterError("container has no engine")
        container.engine.start_container(container.id)

    # -- the cluster's state ---------------------------------------------------------

    def containers(self) -> Containers:
        """Every container of every validated engine. Go: (*Cluster).Containers"""
        with self._lock:
            out = Containers()
            for e in self._engines.values():
                out.extend(e.containers())
            return out

    def container(self, id_or_name: str) -> Container | None:
        """Lookup by ID, swarm ID, name, ``engine/name`` or prefix. Go: (*Cluster).Container"""
        if not id_or_name:
            return None
        return self.containers().get(id_or_name)

    def images(self) -> list[Image]:
        """Go: (*Cluster).Images"""
        with self._lock:
            out: list[Image] = []
            for e in self._engines.values():
                out.extend(e.images())
            return out

    def image(self, id_or_name: str) -> Image | None:
        """The first engine's image matching ``id_or_name``. Go: (*Cluster).Image"""
        if not id_or_name:
            return None
        with self._lock:
            for e in self._engines.values():
                image = e.image(id_or_name)
                if image is not None:
                    return image
        return None

    def _networks_with_engines(self) -> list[tuple[dict[str, Any], Engine]]:
        with self._lock:
            return [(n, e) for e in self._engines.values() for n in e.networks()]

    def networks(self) -> list[dict[str, Any]]:
        """Go: (*Cluster).Networks"""
        return [n for n, _ in self._networks_with_engines()]

    def volumes(self) -> list[dict[str, Any]]:
        """Go: (*Cluster).Volumes"""
        with self._lock:
            return [v for e in self._engines.values() for v in e.volumes()]

    def total_memory(self) -> int:
        """Go: (*Cluster).TotalMemory"""
        with self._lock:
            return sum(e.total_memory() for e in self._engines.values())

    def total_cpus(self) -> int:
        """Go: (*Cluster).TotalCpus"""
        with self._lock:
            return sum(e.total_cpus() for e in self._engines.values())

    def close(self) -> None:
        """Disconnect every engine (Python: the end of the manager's process in Go)."""
        for engine in self.list_engines():
            self.remove_engine(engine.addr)

    def __repr__(self) -> str:
        with self._lock:
            engines = ", ".join(f"{e.name} {e.status()}" for e in self._engines.values())
            return (
                f"<Cluster [{engines}] pending containers: {len(self.pending_containers)}, "
                f"strategy: {self._scheduler.strategy()}>"
            )
