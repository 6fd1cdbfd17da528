"""Port of docker/swarm v1.2.5 cluster/event.go: ``Event`` and ``EventHandlers``.

An :class:`Event` is one Engine API event message (the JSON object of
``GET /events``: ``Type``, ``Action``, ``Actor``, ``time``, ``timeNano`` and,
for containers and images, the legacy ``status``/``id``/``from``) together
with the :class:`~swarmnotes.swarm.cluster.engine.Engine` it came from.
Swarm's own events (``engine_connect``, ``engine_disconnect``,
``engine_reconnect``) have the same shape with ``Type`` and ``from`` equal to
``"swarm"``.

:class:`EventHandlers` is the cluster's set of handlers: every event goes to
each of them, and a handler's error is logged, not propagated.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from swarmnotes.swarm.cluster.engine import Engine

from swarmnotes.swarm.cluster.errors import ClusterError

__all__ = ["Event", "EventHandler", "EventHandlers", "call_handler"]

log = logging.getLogger("swarmnotes.swarm.cluster")
# A library logs, the application decides where to: without this, Python's
# last-resort handler would print warnings and errors on stderr.
log.addHandler(logging.NullHandler())


@dataclass(eq=False)
class Event:
    """An engine event and its engine. Go: cluster.Event"""

    # Go: Event embeds events.Message, so ``e.Type`` works directly.
    # Python: the message stays the wire JSON dict, ``event.message``; the
    # properties below read the fields a handler usually needs.

    message: dict[str, Any] = field(default_factory=dict)
    engine: Engine | None = None

    @property
    def type(self) -> str:
        return str(self.message.get("Type", ""))

    @property
    def action(self) -> str:
        return str(self.message.get("Action") or self.message.get("status", ""))

    @property
    def actor_id(self) -> str:
        actor = self.message.get("Actor") or {}
        return str(actor.get("ID") or self.message.get("id", ""))

    @property
    def time_nano(self) -> int:
        return int(self.message.get("timeNano", 0))

    def __repr__(self) -> str:
        where = f" on {self.engine.name}" if self.engine is not None else ""
        return f"<Event {self.type} {self.action} {self.actor_id[:12]}{where}>"


class _Handles(Protocol):
    def handle(self, event: Event) -> None: ...


# Go: EventHandler is an interface { Handle(*Event) error }.  Python: an object
# with a handle(event) method, or simply a function of the event.
EventHandler = _Handles | Callable[[Event], Any]


def call_handler(handler: EventHandler, event: Event) -> None:
    """Hand ``event`` to ``handler``: its ``handle`` method, or the callable itself."""
    handle = getattr(handler, "handle", None)
    if handle is not None:
        handle(event)
    else:
        handler(event)  # type: ignore[operator]


class EventHandlers:
    """A set of event handlers. Go: cluster.EventHandlers

    Safe for concurrent use. Go: a map, so handlers run in random order.
    Python: a dict, so they run in registration order.
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._event_handlers: dict[int, EventHandler] = {}

    def handle(self, e: Event) -> None:
        """Give ``e`` to every handler; log (do not raise) their errors. Go: Handle"""
        with self._lock:
            handlers = list(self._event_handlers.values())
        for h in handlers:
            try:
                call_handler(h, e)
            except Exception as exc:  # Go: log.Error(err), then the next handler
                log.error("%s", exc)

    def register_event_handler(self, h: EventHandler) -> None:
        """Add ``h``; raises ``ClusterError("event handler already set")`` if it is there.

        Go: RegisterEventHandler
        """
        with self._lock:
            if id(h) in self._event_handlers:
                raise ClusterError("event handler already set")
            self._event_handlers[id(h)] = h

    def unregister_event_handler(self, h: EventHandler) -> None:
        """Remove ``h`` (no error if absent). Go: UnregisterEventHandler"""
        with self._lock:
            self._event_handlers.pop(id(h), None)

    def __len__(self) -> int:
        with self._lock:
            return len(self._event_handlers)

    def __repr__(self) -> str:
        return f"<EventHandlers [{len(self)} handlers]>"
