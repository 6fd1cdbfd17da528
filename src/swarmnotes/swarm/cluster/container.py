"""Port of docker/swarm v1.2.5 cluster/container.go: a container on an engine.

:class:`Container` pairs the engine's view of a container (its list entry and
its inspect JSON) with swarm's view (:class:`~swarmnotes.swarm.config.ContainerConfig`,
where ``CpuShares`` counts CPUs). :class:`Containers` is a list with Go's
five-step ``Get``, the lookup behind ``docker start NAME``, the dependency
filter and the scheduler's ``Node.container``.

``StateString``/``FullStateString`` (``docker ps`` formatting) are not
ported: the scheduler does not use them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from swarmnotes.swarm.config import ContainerConfig

if TYPE_CHECKING:  # the cluster's Engine (cluster/engine.go) is written separately
    from swarmnotes.swarm.cluster.engine import Engine

__all__ = ["Container", "Containers"]

_SHORT_LEN = 12


def _truncate_id(id: str) -> str:
    """Drop everything up to the first ``:`` (``sha256:``), keep 12 characters.

    Go: stringid.TruncateID (docker/docker pkg/stringid, vendored by swarm v1.2.5)
    """
    _, sep, rest = id.partition(":")
    if sep:
        id = rest
    return id[:_SHORT_LEN]


@dataclass(eq=False)
class Container:
    """A container: the engine's list entry and inspect JSON, swarm's config, its engine.

    ``eq=False``: containers compare by identity, like Go's ``*Container``.

    * ``names`` carry the leading ``/`` exactly as the Engine API gives them;
    * ``config`` is swarm's view of the create config (``CpuShares`` in CPUs),
      ``None`` when unknown;
    * ``info`` is ``GET /containers/{id}/json`` (Engine API JSON);
    * ``summary`` is the ``GET /containers/json`` entry (Image, State, Ports...).
    """

    # Go: Container embeds engine-api's types.Container (ID, Names, Labels,
    # ...). Python: the fields the scheduler reads are attributes and the
    # whole list entry is kept in ``summary``.

    id: str = ""
    names: list[str] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)
    config: ContainerConfig | None = None
    info: dict[str, Any] = field(default_factory=dict)
    engine: Engine | None = None
    summary: dict[str, Any] = field(default_factory=dict)
    # The port filter's decoding of ``info``'s port maps, with the info dict
    # it was made from (see filter/port.py's _host_ports). Python only: not
    # a constructor argument, not in repr or comparisons.
    port_filter_cache: tuple[dict[str, Any], dict[str, list[str]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def refresh(self) -> Container | None:
        """Re-read this container from its engine (``None`` if it is gone).

        Go: (*Container).Refresh, which calls ``Engine.refreshContainer(ID, true)``.
        """
        if self.engine is None:
            # Go: a nil Engine dereference panics.
            raise RuntimeError("container has no engine")
        refreshed: Container | None = self.engine._refresh_container(self.id, True)
        return refreshed

    def __repr__(self) -> str:
        where = f" on {self.engine.name}" if self.engine is not None else ""
        return f"<Container {_truncate_id(self.id)} {self.names}{where}>"


def _swarm_id(container: Container) -> str:
    # Go dereferences container.Config here; a missing config means "no swarm ID".
    if container.config is None:
        return ""
    return container.config.swarm_id()


class Containers(list):  # type: ignore[type-arg]
    """A list of :class:`Container` with Go's lookup. Go: cluster.Containers"""

    def get(self, id_or_name: str) -> Container | None:
        """The container named by ``id_or_name``, or ``None``.

        The five steps, in order (the first one that decides wins):

        1. an empty string gives ``None``;
        2. the first container whose ID, or truncated ID, equals it;
        3. the first container whose swarm ID, or truncated swarm ID, equals it;
        4. names: a container is a candidate if one of its names equals the
           string or ``"/" + string``, or if engine ID + name or engine name +
           name does (``lab-1/web``). One candidate is returned; **two or
           more give None** (ambiguous) without going on;
        5. prefixes: every container whose ID starts with the string, then
           **again** every one whose swarm ID does; returned only if that list
           holds exactly one entry (a container matching both ways counts
           twice, so it gives ``None``).

        Go: Containers.Get
        """
        if not id_or_name:
            return None

        # Match exact or short container ID.
        for container in self:
            if container.id == id_or_name or _truncate_id(container.id) == id_or_name:
                return container

        # Match exact or short swarm ID.
        for container in self:
            swarm_id = _swarm_id(container)
            if swarm_id == id_or_name or _truncate_id(swarm_id) == id_or_name:
                return container

        # Match name, /name or engine/name.
        candidates: list[Container] = []
        for container in self:
            found = False
            engine = container.engine
            for name in container.names:
                if name == id_or_name or name == "/" + id_or_name:
                    found = True
                # Go dereferences container.Engine; no engine means no engine prefix.
                elif engine is not None and (
                    engine.id + name == id_or_name or engine.name + name == id_or_name
                ):
                    found = True
            if found:
                candidates.append(container)

        if len(candidates) == 1:
            return candidates[0]
        if len(candidates) > 1:
            return None

        # Match container ID prefix, then swarm ID prefix (into the same list).
        for container in self:
            if container.id.startswith(id_or_name):
                candidates.append(container)
        for container in self:
            if _swarm_id(container).startswith(id_or_name):
                candidates.append(container)

        if len(candidates) == 1:
            return candidates[0]
        return None
