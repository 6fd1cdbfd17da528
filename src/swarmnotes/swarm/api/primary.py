"""Port of docker/swarm v1.2.5 api/primary.go: the route table and the primary's router.

:data:`ROUTES` is Go's ``routes`` map, method -> route -> handler, with the
same gorilla/mux patterns (``{name:.*}`` matches anything, slashes too).
Each route is served both bare and under a ``/v1.xx`` prefix. Routes of
Go's table whose handler is not ported answer as
``notImplementedHandler`` does (501 "Not supported in clustering mode.");
a request that matches no route gets gorilla/mux's own answer, 404
"404 page not found". No request ever gets a traceback: an unexpected
error is answered 500 with its text, and logged.

Go: gorilla/mux, one route object per pattern and method. Python: one
aiohttp catch-all route and a small matcher over the same table, so the
table reads as Go's does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from swarmnotes.swarm.api import handlers as h
from swarmnotes.swarm.api.events import EventsHandler
from swarmnotes.swarm.api.utils import http_error

if TYPE_CHECKING:
    from swarmnotes.swarm.cluster import Cluster, Engine
    from swarmnotes.swarm.scheduler import Scheduler

log = logging.getLogger("swarmnotes.swarm.api")

__all__ = ["ROUTES", "Context", "new_primary"]

Handler = Callable[["Context", web.Request], Awaitable[web.StreamResponse]]


@dataclass
class Context:
    """What every handler gets. Go: api.context

    ``engine_session`` keeps one aiohttp client per engine, made on the
    server's event loop and closed with the app.

    Go: context.apiVersion is written by every request (a data race).
    Python: the version prefix is read from each request's match.
    """

    cluster: Cluster
    scheduler: Scheduler
    events_handler: EventsHandler
    debug: bool = False
    tls_config: Any = None
    dial_timeout: float = 10.0  # Go: the engine's 10 s dial timeout
    _sessions: dict[str, aiohttp.ClientSession] = field(default_factory=dict)
    api_versions: dict[str, str] = field(default_factory=dict)  # each engine's own, by addr

    def engine_session(self, engine: Engine) -> aiohttp.ClientSession:
        """The HTTP client for ``engine``. Go: (*Engine).HTTPClientAndScheme"""
        session = self._sessions.get(engine.addr)
        if session is None or session.closed:
            connector: aiohttp.BaseConnector
            if engine.addr.startswith("unix://"):
                connector = aiohttp.UnixConnector(path=engine.addr.removeprefix("unix://"))
            else:
                connector = aiohttp.TCPConnector()
            # No total timeout: logs -f, wait and events last as long as the
            # client wants; connecting is bounded.
            timeout = aiohttp.ClientTimeout(total=None, sock_connect=self.dial_timeout)
            # The client's own headers go to the engine as they are; aiohttp
            # must not add an Accept-Encoding of its own, or the engine
            # gzips what the docker CLI never asked to be gzipped.
            session = aiohttp.ClientSession(
                connector=connector,
                timeout=timeout,
                auto_decompress=False,
                skip_auto_headers=("Accept-Encoding", "User-Agent"),
            )
            self._sessions[engine.addr] = session
        return session

    def engine_url(self, engine: Engine, path: str) -> str:
        if engine.addr.startswith("unix://"):
            return "http://docker" + path
        return "http://" + engine.addr.removeprefix("tcp://") + path

    async def close(self) -> None:
        for session in self._sessions.values():
            await session.close()
        self._sessions.clear()


CONTEXT = web.AppKey("context", Context)  # the app's Context, for whoever holds the app

NI = h.not_implemented_handler  # a Go route whose handler is not ported here

ROUTES: dict[str, dict[str, Handler]] = {
    "HEAD": {
        "/containers/{name:.*}/archive": h.proxy_container,
    },
    "GET": {
        "/_ping": h.ping,
        "/events": h.get_events,
        "/info": h.get_info,
        "/version": h.get_version,
        "/images/json": h.get_images_json,
        "/images/viz": h.not_implemented_handler,
        "/images/search": NI,
        "/images/get": NI,
        "/images/{name:.*}/get": NI,
        "/images/{name:.*}/history": h.proxy_image,
        "/images/{name:.*}/json": h.proxy_image,
        "/containers/ps": h.get_containers_json,
        "/containers/json": h.get_containers_json,
        "/containers/{name:.*}/archive": h.proxy_container,
        "/containers/{name:.*}/export": h.proxy_container,
        "/containers/{name:.*}/changes": h.proxy_container,
        "/containers/{name:.*}/json": h.get_container_json,
        "/containers/{name:.*}/top": h.proxy_container,
        "/containers/{name:.*}/logs": h.proxy_container,
        "/containers/{name:.*}/stats": h.proxy_container,
        "/containers/{name:.*}/attach/ws": NI,
        "/exec/{execid:.*}/json": h.proxy_container,
        "/networks": NI,
        "/networks/{networkid:.*}": NI,
        "/volumes": NI,
        "/volumes/{volumename:.*}": NI,
    },
    "POST": {
        "/auth": NI,
        "/commit": NI,
        "/build": NI,
        "/images/create": NI,
        "/images/load": NI,
        "/images/{name:.*}/push": NI,
        "/images/{name:.*}/tag": NI,
        "/containers/create": h.post_containers_create,
        "/containers/{name:.*}/kill": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/pause": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/unpause": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/rename": NI,
        "/containers/{name:.*}/restart": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/start": h.post_containers_start,
        "/containers/{name:.*}/stop": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/update": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/wait": h.proxy_container_and_force_refresh,
        "/containers/{name:.*}/resize": h.proxy_container,
        "/containers/{name:.*}/attach": h.proxy_hijack,
        "/containers/{name:.*}/copy": h.proxy_container,
        "/containers/{name:.*}/exec": h.post_containers_exec,
        "/exec/{execid:.*}/start": h.post_exec_start,
        "/exec/{execid:.*}/resize": h.proxy_container,
        "/networks/create": NI,
        "/networks/{networkid:.*}/connect": NI,
        "/networks/{networkid:.*}/disconnect": NI,
        "/volumes/create": NI,
    },
    "PUT": {
        "/containers/{name:.*}/archive": h.proxy_container,
    },
    "DELETE": {
        "/containers/{name:.*}": h.delete_containers,
        "/images/{name:.*}": NI,
        "/networks/{networkid:.*}": NI,
        "/volumes/{name:.*}": NI,
    },
}

_VERSION = r"(?:/v(?P<version>[0-9]+.[0-9]+))?"


def _compile(route: str) -> re.Pattern[str]:
    """A gorilla/mux pattern as a regexp: ``{name:.*}`` -> ``(?P<name>.*)``."""
    out = ""
    pos = 0
    for m in re.finditer(r"\{(\w+):([^}]*)\}", route):
        out += re.escape(route[pos : m.start()]) + f"(?P<{m.group(1)}>{m.group(2)})"
        pos = m.end()
    out += re.escape(route[pos:])
    return re.compile("^" + _VERSION + out + "$")


# Go: mux tries the routes in the order they were added, and Go's map order
# is random; two patterns can match one path (".../json" and "{name:.*}"),
# so the port tries the longer literal routes first, as a reader would expect.
_TABLE: list[tuple[str, re.Pattern[str], Handler]] = sorted(
    (
        (method, _compile(route), fn)
        for method, routes in ROUTES.items()
        for route, fn in routes.items()
    ),
    key=lambda row: -len(row[1].pattern.replace("(?P<name>.*)", "")),
)


def match(method: str, path: str) -> tuple[Handler, dict[str, str]] | None:
    """The handler and the route's variables for a request, or None."""
    for route_method, pattern, fn in _TABLE:
        if route_method != method:
            continue
        m = pattern.match(path)
        if m is not None:
            return fn, {k: v for k, v in m.groupdict().items() if v is not None}
    return None


def new_primary(
    cluster: Cluster, scheduler: Scheduler, tls_config: Any = None, debug: bool = False
) -> web.Application:
    """The manager's API as an aiohttp app. Go: NewPrimary

    Registers the events handler with the cluster (and unregisters it when
    the app shuts down).
    """
    events_handler = EventsHandler()
    cluster.register_event_handler(events_handler)
    context = Context(
        cluster=cluster,
        scheduler=scheduler,
        events_handler=events_handler,
        debug=debug,
        tls_config=tls_config,
    )

    async def dispatch(request: web.Request) -> web.StreamResponse:
        found = match(request.method, request.path)
        if found is None:
            # Go: gorilla/mux's NotFoundHandler.
            return http_error("404 page not found", 404)
        fn, variables = found
        request.match_info.update(variables)  # type: ignore[attr-defined]
        log.debug("HTTP request received: %s %s", request.method, request.path_qs)
        try:
            return await fn(context, request)
        except ConnectionResetError:
            # The client went away mid-answer (Ctrl+C on `docker logs -f`,
            # `docker events`): nothing to answer, nothing to report.
            log.debug("client gone: %s %s", request.method, request.path)
            return web.Response(status=204)
        except web.HTTPException:
            raise
        except Exception as exc:  # answered, never a traceback to the client
            log.exception("%s %s", request.method, request.path)
            return http_error(str(exc) or type(exc).__name__, 500)

    async def on_cleanup(app: web.Application) -> None:
        cluster.unregister_event_handler(events_handler)
        await context.close()

    app = web.Application(client_max_size=64 * 1024 * 1024)
    app[CONTEXT] = context
    app.router.add_route("*", "/{tail:.*}", dispatch)
    app.on_cleanup.append(on_cleanup)
    return app
