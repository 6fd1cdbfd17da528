"""Classic Swarm's cluster package (docker/swarm v1.2.5 cluster/ and cluster/swarm/).

This package holds the types the scheduler needs (:class:`Container`,
:class:`Containers`, :class:`Image`, :func:`parse_repository_tag`), kept in
their own submodules so that ``scheduler.node`` can import them without
importing the cluster itself (the cluster needs the scheduler: that would be
an import cycle).

The live side: :class:`Engine` (cluster/engine.go), its
:class:`EventsMonitor` (cluster/event_monitor.go), :class:`Event` and
:class:`EventHandlers` (cluster/event.go), :class:`Delayer`, and
:class:`Cluster` with :class:`PendingContainer` (cluster/swarm/cluster.go).
"""

from __future__ import annotations

from swarmnotes.swarm.cluster.cluster import Cluster, PendingContainer
from swarmnotes.swarm.cluster.container import Container, Containers
from swarmnotes.swarm.cluster.delayer import Delayer
from swarmnotes.swarm.cluster.engine import Engine, EngineOpts
from swarmnotes.swarm.cluster.errors import ClusterError
from swarmnotes.swarm.cluster.event_monitor import (
    EventsMonitor,
    LegacyEventsMonitor,
    format_since,
)
from swarmnotes.swarm.cluster.events import Event, EventHandlers
from swarmnotes.swarm.cluster.image import Image, parse_repository_tag

__all__ = [
    "Container",
    "Containers",
    "Image",
    "parse_repository_tag",
    # engine, events and cluster
    "Cluster",
    "ClusterError",
    "Delayer",
    "Engine",
    "EngineOpts",
    "Event",
    "EventHandlers",
    "EventsMonitor",
    "LegacyEventsMonitor",
    "PendingContainer",
    "format_since",
]
