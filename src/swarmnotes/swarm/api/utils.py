"""Port of docker/swarm v1.2.5 api/utils.go: errors, proxying and hijacking.

Three ways a request reaches an engine:

* :func:`http_error` answers it here, as Go's ``http.Error`` does: the
  message as ``text/plain`` and a newline;
* :func:`proxy` / :func:`proxy_async` send it on to the container's engine
  and stream the engine's answer back (logs, wait, stop...);
* :func:`hijack` splices the client's connection to the engine's, byte for
  byte, for ``POST /containers/{id}/attach`` (``docker run`` without ``-d``).

**Hijacking with aiohttp.**  Go's handler takes the raw connection from
``http.Hijacker``, writes the request to a fresh connection to the engine
and copies bytes both ways until one side ends. The manager never reads the
engine's answer: the client reads the engine's own ``101 Switching
Protocols`` (or its 404) from the spliced stream. The port does the same
with two public asyncio hooks and no HTTP parsing of its own:

1. the connection to the engine is an asyncio transport the manager opens
   (``loop.create_unix_connection`` / ``create_connection``) with a
   :class:`_Splice` protocol; the request is written to it with
   :func:`_request_head` (serialising, not parsing);
2. the client's transport is taken over from aiohttp with
   ``transport.set_protocol(...)``: from then on its bytes go to the other
   :class:`_Splice`, not to aiohttp's request parser;
3. a half-close travels on (``write_eof``): the docker CLI closes its
   writing side at once when it has no stdin to send, and still reads the
   output, so a protocol must keep the transport open on EOF
   (aiohttp's own server protocol would close it);
4. when both directions are done, both transports close, and aiohttp's
   protocol gets its ``connection_lost`` so its bookkeeping ends as for
   any other closed connection.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

if TYPE_CHECKING:
    from swarmnotes.swarm.api.primary import Context
    from swarmnotes.swarm.cluster import Container, Engine

log = logging.getLogger("swarmnotes.swarm.api")

__all__ = [
    "bool_value",
    "get_container_from_vars",
    "hijack",
    "http_error",
    "int_value_or_zero",
    "proxy",
    "proxy_async",
]

# Headers that belong to one hop, not to the message (RFC 9110 §7.6.1), and
# the framing ones aiohttp sets itself for the copy it writes.
_HOP_HEADERS = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "content-length",
    "host",
}


class RequestError(Exception):
    """A handler's error answer: ``http_error(text, status)`` raised from deep inside."""

    def __init__(self, text: str, status: int) -> None:
        super().__init__(text)
        self.status = status


def http_error(err: str, status: int) -> web.Response:
    """Go's ``httpError``: log it and answer ``err`` as plain text. Go: httpError"""
    log.debug("HTTP error %d: %s", status, err)
    # Go: http.Error writes the text and a newline, with nosniff.
    return web.Response(
        status=status,
        text=err + "\n",
        content_type="text/plain",
        charset="utf-8",
        headers={"X-Content-Type-Options": "nosniff"},
    )


def bool_value(request: web.Request, k: str) -> bool:
    """Empty, ``0``, ``no``, ``false`` and ``none`` are false. Go: boolValue"""
    s = request.query.get(k, "").strip().lower()
    return s not in ("", "0", "no", "false", "none")


def int_value_or_zero(request: web.Request, k: str) -> int:
    """Go: intValueOrZero"""
    try:
        return int(request.query.get(k, ""))
    except ValueError:
        return 0


def get_container_from_vars(
    c: Context, match_info: dict[str, str]
) -> tuple[str, Container | None, str]:
    """The container a route names, and an error text ("" when none).

    A known container on an unhealthy engine comes back with an error too,
    so the caller can answer 500 rather than 404. Go: getContainerFromVars
    """
    if "name" in match_info:
        name = match_info["name"]
        container = c.cluster.container(name)
        if container is not None:
            engine = container.engine
            if engine is not None and not engine.is_healthy():
                return (
                    name,
                    container,
                    f"Container {name} running on unhealthy node {engine.name}",
                )
            return name, container, ""
        return name, None, f"No such container: {name}"
    if "execid" in match_info:
        exec_id = match_info["execid"]
        for container in c.cluster.containers():
            if exec_id in (container.info.get("ExecIDs") or []):
                return "", container, ""
        return "", None, f"Exec {exec_id} not found"
    return "", None, "Not found"


def _engine_path(request: web.Request, name: str, container_id: str) -> str:
    """The request's path and query, with the first ``name`` made the full ID."""
    path = request.rel_url.path
    if name:
        # Go: r.URL.Path = strings.Replace(r.URL.Path, name, container.ID, 1)
        path = path.replace(name, container_id, 1)
    query = request.rel_url.raw_query_string
    return path + ("?" + query if query else "")


async def proxy_async(
    c: Context,
    engine: Engine,
    request: web.Request,
    path: str,
    callback: Callable[[], Awaitable[None]] | None = None,
) -> web.StreamResponse:
    """Send the request to ``engine`` and stream its answer back. Go: proxyAsync

    ``callback`` runs after the engine's answer has been copied (Go: the
    force-refresh of ``proxyContainerAndForceRefresh``). Connection errors
    raise ``aiohttp.ClientError``/``OSError``, for the caller to report.
    """
    session = c.engine_session(engine)
    headers = {k: v for k, v in request.headers.items() if k.lower() not in _HOP_HEADERS}
    body = await request.read() if request.body_exists else None
    async with session.request(
        request.method,
        c.engine_url(engine, path),
        headers=headers,
        data=body,
        allow_redirects=False,
    ) as resp:
        if request.method == "HEAD" or resp.status in (204, 304):
            # No body, and none may be framed (a chunked terminator after a
            # HEAD answer would be read as the start of the next one).
            bodyless = web.Response(status=resp.status, reason=resp.reason)
            for k, v in resp.headers.items():
                if k.lower() not in _HOP_HEADERS:
                    bodyless.headers.add(k, v)
            await bodyless.prepare(request)
            await bodyless.write_eof()
            if callback is not None:
                await callback()
            return bodyless
        out = web.StreamResponse(status=resp.status, reason=resp.reason)
        for k, v in resp.headers.items():
            if k.lower() not in _HOP_HEADERS:
                out.headers.add(k, v)
        await out.prepare(request)
        # Go: io.Copy(NewWriteFlusher(w), resp.Body): each chunk is flushed, so
        # `docker logs -f` and `docker wait` see bytes as the engine sends them.
        async for chunk in resp.content.iter_any():
            await out.write(chunk)
        await out.write_eof()
    if callback is not None:
        await callback()
    return out


async def proxy(c: Context, engine: Engine, request: web.Request, path: str) -> web.StreamResponse:
    """Go: proxy"""
    return await proxy_async(c, engine, request, path, None)


def _request_head(request: web.Request, path: str, host: str) -> bytes:
    """The request line and headers, as HTTP/1.1 writes them (Go: r.Write)."""
    lines = [f"{request.method} {path} HTTP/1.1", f"Host: {host}"]
    for k, v in request.headers.items():
        if k.lower() not in ("host", "content-length", "transfer-encoding"):
            lines.append(f"{k}: {v}")
    return ("\r\n".join(lines) + "\r\n").encode("latin-1")


class _Splice(asyncio.Protocol):
    """One side of the spliced connection: what it receives goes to ``peer``.

    Go: two goroutines each io.Copy one way, then CloseWrite. Python: two
    protocols on the event loop, each writing into the other's transport.
    """

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.peer: asyncio.Transport | None = None
        loop = asyncio.get_running_loop()
        self.eof: asyncio.Future[None] = loop.create_future()  # this side sent EOF or went
        self.lost: asyncio.Future[None] = loop.create_future()  # this side's connection went
        self._pending: list[bytes] = []

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        if self.peer is None:
            self._pending.append(data)  # the peer is being wired up
        elif not self.peer.is_closing():
            self.peer.write(data)

    def connect(self, peer: asyncio.Transport) -> None:
        self.peer = peer
        for data in self._pending:
            peer.write(data)
        self._pending.clear()

    def eof_received(self) -> bool:
        # Go: CloseWrite on the other connection; keep reading the other way.
        if self.peer is not None and not self.peer.is_closing() and self.peer.can_write_eof():
            self.peer.write_eof()
        if not self.eof.done():
            self.eof.set_result(None)
        return True  # keep the transport open: the other direction may go on

    def connection_lost(self, exc: BaseException | None) -> None:
        for future in (self.eof, self.lost):
            if not future.done():
                future.set_result(None)


async def _open_engine(c: Context, engine: Engine, protocol: _Splice) -> str:
    """Connect ``protocol`` to the engine; return the Host header to send."""
    loop = asyncio.get_running_loop()
    addr = engine.addr
    if addr.startswith("unix://"):
        await asyncio.wait_for(
            loop.create_unix_connection(lambda: protocol, addr.removeprefix("unix://")),
            c.dial_timeout,
        )
        return "docker"
    hostport = addr.removeprefix("tcp://")
    host, _, port = hostport.rpartition(":")
    await asyncio.wait_for(
        loop.create_connection(lambda: protocol, host.strip("[]"), int(port)), c.dial_timeout
    )
    return hostport


async def hijack(c: Context, engine: Engine, request: web.Request, path: str) -> web.StreamResponse:
    """Splice the client's connection to the engine's. Go: hijack

    Returns once both directions have ended (or either connection is lost);
    both connections are closed by then. A failure to reach the engine
    raises before anything was taken over, so the caller can still answer
    with an error.
    """
    body = await request.read() if request.body_exists else b""
    to_engine = _Splice()
    host = await _open_engine(c, engine, to_engine)
    assert to_engine.transport is not None
    engine_transport = to_engine.transport

    client_transport = request.transport
    if client_transport is None or client_transport.is_closing():
        engine_transport.close()
        raise ConnectionResetError("the client went away")
    assert isinstance(client_transport, asyncio.Transport)
    aiohttp_protocol = client_transport.get_protocol()
    from_client = _Splice()
    # The take-over: the client's bytes now reach from_client, not aiohttp.
    client_transport.set_protocol(from_client)
    from_client.connection_made(client_transport)
    from_client.connect(engine_transport)
    to_engine.connect(client_transport)

    engine_transport.write(
        _request_head(request, path, host) + f"Content-Length: {len(body)}\r\n\r\n".encode() + body
    )
    try:
        # Go: when the engine's side ends first, close the client's at once;
        # when the client's ends first, wait for the engine's.
        await asyncio.wait([to_engine.eof, from_client.lost], return_when=asyncio.FIRST_COMPLETED)
    finally:
        engine_transport.close()
        client_transport.close()
        # Hand the end back to aiohttp, as if it had seen the connection close.
        aiohttp_protocol.connection_lost(None)
    # aiohttp writes nothing more on a closed transport; this object only
    # gives its access log a status.
    return web.Response(status=101)


def node_json(engine: Engine) -> dict[str, Any]:
    """``json.Marshal(engine)``: the exported fields of Go's cluster.Engine."""
    return {
        "ID": engine.id,
        "IP": engine.ip,
        "Addr": engine.addr,
        "Name": engine.name,
        "Cpus": engine.cpus,
        "Memory": engine.memory,
        "Labels": dict(engine.labels),
    }


def client_error_text(err: BaseException) -> str:
    """The text Go would print for an error talking to an engine."""
    if isinstance(err, aiohttp.ClientConnectorError):
        return str(err.os_error) or str(err)
    if isinstance(err, asyncio.TimeoutError):
        return "i/o timeout"
    return str(err) or type(err).__name__
