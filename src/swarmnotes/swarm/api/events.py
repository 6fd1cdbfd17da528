"""Port of docker/swarm v1.2.5 api/events.go: ``/events`` merged from every engine.

The cluster hands every engine's events (and its own ``engine_connect``,
``engine_disconnect``, ``engine_reconnect``) to one :class:`EventsHandler`,
which writes each of them to every ``GET /events`` stream that is open,
with the engine named three ways: ``from`` gets ``" node:<name>"``,
``Actor.Attributes`` get ``node.name``, ``node.id``, ``node.addr`` and
``node.ip``, and a ``node`` object is added at the end.

Go: the handler writes to each client's http.ResponseWriter under a lock,
from the engine's goroutine. Python: engine events arrive on engine
threads, while the streams belong to the server's event loop, so each
stream is an asyncio.Queue that the handler fills with
loop.call_soon_threadsafe and the request's coroutine drains.
"""

from __future__ import annotations

import asyncio
import copy
import json
import threading
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from swarmnotes.swarm.cluster import Engine
    from swarmnotes.swarm.cluster.events import Event

__all__ = ["EventsHandler", "event_json"]


def event_json(message: dict[str, Any], engine: Engine) -> bytes:
    """One event as the manager writes it: the engine's JSON, the node named.

    Go: the body of eventsHandler.Handle
    """
    m = copy.deepcopy(message)
    if "from" in m or m.get("status"):
        m["from"] = str(m.get("from", "")) + " node:" + engine.name
    actor = m.setdefault("Actor", {})
    attributes = actor.get("Attributes") or {}
    attributes["node.name"] = engine.name
    attributes["node.id"] = engine.id
    attributes["node.addr"] = engine.addr
    attributes["node.ip"] = engine.ip
    actor["Attributes"] = attributes
    m["node"] = {"Name": engine.name, "Id": engine.id, "Addr": engine.addr, "Ip": engine.ip}
    # Go writes the objects back to back; the engine ends each with a newline,
    # and so does the port (the docker CLI's decoder reads either).
    return json.dumps(m, separators=(",", ":")).encode() + b"\n"


class EventsHandler:
    """The open ``/events`` streams; the cluster's event handler. Go: eventsHandler

    Safe for concurrent use: :meth:`handle` runs on engine threads, the
    rest on the server's event loop.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()  # Go: sync.RWMutex embedded
        # Go: ws (writers) and cs (close channels) keyed by remote address.
        # Python: one queue per stream, keyed by an id of the request.
        self._queues: dict[int, tuple[asyncio.AbstractEventLoop, asyncio.Queue[bytes]]] = {}
        self._next = 0

    def add(self) -> tuple[int, asyncio.Queue[bytes]]:
        """Open a stream; its events arrive on the returned queue. Go: Add"""
        queue: asyncio.Queue[bytes] = asyncio.Queue()
        loop = asyncio.get_running_loop()
        with self._lock:
            self._next += 1
            key = self._next
            self._queues[key] = (loop, queue)
        return key, queue

    def cleanup_handler(self, key: int) -> None:
        """Forget a stream. Go: cleanupHandler"""
        with self._lock:
            self._queues.pop(key, None)

    def handle(self, e: Event) -> None:
        """Write one event to every open stream. Go: (*eventsHandler).Handle"""
        if e.engine is None:
            return
        data = event_json(e.message, e.engine)
        with self._lock:
            targets = list(self._queues.values())
        for loop, queue in targets:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, data)
            except RuntimeError:
                pass  # that loop has closed: the server is shutting down

    def size(self) -> int:
        """How many streams are open (``/info``'s NEventsListener). Go: Size"""
        with self._lock:
            return len(self._queues)

    def __repr__(self) -> str:
        return f"<EventsHandler [listeners: {self.size()}]>"
