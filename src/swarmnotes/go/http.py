"""Port of golang/go go1.19.8 src/net/http/client.go and src/net/url/url.go: a bounded client.

An HTTP client with a whole-request timeout, the idea of Go's
``http.Client{Timeout}`` (``Client.Timeout``, ``setRequestCancel``; and
``url.Error``). Go's zero ``Client`` and ``http.DefaultClient`` (what
``http.Get`` uses) have **no** timeout: a server that accepts the connection
and never answers keeps the caller waiting forever. Go's fix is a
``Timeout`` on the client, "a time limit for requests made by this Client",
covering the connection, any redirects and reading the response body; when
it passes, the request is canceled and the error says so.

This client is the same idea with the opposite default: ``Client()`` has a
finite timeout (``DEFAULT_TIMEOUT``); ``Client(timeout=None)`` (or ``0``, Go's
"no timeout") is the dangerous one, there to show the danger.

How the timeout is enforced, like Go: the request gets a context with a
deadline (:func:`swarmnotes.go.context.with_timeout`); the connect and every
read are bounded by the time left, and :func:`~swarmnotes.go.context.after_func`
shuts the socket down when the deadline passes, so even a server that
trickles one byte at a time cannot stretch the request. Only plain
``http://`` URLs (enough for the chapters).
"""

from __future__ import annotations

import http.client
import socket
import time
import urllib.parse
from dataclasses import dataclass, field
from typing import Any

from swarmnotes.go import context
from swarmnotes.go.errors import GoError

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_TIMEOUT",
    "Client",
    "ClientTimeoutError",
    "Response",
    "URLError",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds a ``Client()`` allows a whole request. Go: none (zero); we choose finite."""

DEFAULT_CONNECT_TIMEOUT = 30.0
"""Seconds allowed for the TCP connect. Go: DefaultTransport's net.Dialer{Timeout: 30s}."""


class URLError(GoError, OSError):
    """A failed request: the operation, the URL and the cause. Go: ``*url.Error``.

    ``str()`` is Go's: ``Get "http://host:port/": <cause>``.
    """

    def __init__(self, op: str, url: str, err: BaseException | str) -> None:
        self.op = op
        self.url = url
        self.err = err
        super().__init__(f'{op} "{url}": {err}')

    def __str__(self) -> str:
        return f'{self.op} "{self.url}": {self.err}'

    def timeout(self) -> bool:
        """Whether the request failed because a time limit passed. Go: Error.Timeout."""
        return isinstance(self.err, TimeoutError | socket.timeout)


class ClientTimeoutError(URLError, TimeoutError):
    """The client's ``timeout`` passed before the request finished.

    The message is Go 1.19's: ``Get "url": context deadline exceeded
    (Client.Timeout exceeded while awaiting headers)``. When the headers had
    arrived, Go's error comes from ``resp.Body.Read`` with the suffix
    ``(Client.Timeout or context cancellation while reading body)``; here the
    body is read inside ``get``, so that text follows the same ``Get "url":``.
    """

    def __init__(self, op: str, url: str, phase: str) -> None:
        super().__init__(op, url, context.DeadlineExceeded)
        self.phase = phase

    def __str__(self) -> str:
        if self.phase == "reading body":
            return (
                f"{super().__str__()} (Client.Timeout or context cancellation while reading body)"
            )
        return f"{super().__str__()} (Client.Timeout exceeded while {self.phase})"

    def timeout(self) -> bool:
        return True


@dataclass
class Response:
    """A complete response: the body was read within the client's timeout."""

    status: str  # Go: resp.Status, e.g. "200 OK"
    status_code: int
    headers: dict[str, str] = field(repr=False)
    body: bytes = field(repr=False)

    def __repr__(self) -> str:
        return f"<Response {self.status} body={len(self.body)} bytes>"


class Client:
    """An HTTP client whose requests all finish within ``timeout`` seconds.

    ``timeout`` bounds the whole request: connect, send, headers and body
    (Go: ``Client.Timeout``). ``None`` or ``0`` means no limit, as Go's zero
    value does. ``connect_timeout`` bounds the TCP connect alone (Go: the
    transport's dialer timeout); it is what a stream that may stay silent
    for hours still needs. Safe for concurrent use (each request uses its
    own connection).
    """

    def __init__(
        self,
        timeout: float | None = DEFAULT_TIMEOUT,
        connect_timeout: float | None = DEFAULT_CONNECT_TIMEOUT,
    ) -> None:
        for name, value in (("timeout", timeout), ("connect_timeout", connect_timeout)):
            if value is not None and (not isinstance(value, int | float) or value < 0):
                raise ValueError(f"{name} must be None or a number >= 0, not {value!r}")
        self.timeout = timeout or None
        self.connect_timeout = connect_timeout or None

    def __repr__(self) -> str:
        return f"<Client timeout={self.timeout} connect_timeout={self.connect_timeout}>"

    def get(self, url: str, ctx: context.Context | None = None) -> Response:
        """GET ``url`` and read the whole body. Go: ``Client.Get``.

        ``ctx`` (optional) also bounds the request, as Go's
        ``NewRequestWithContext``: whichever of it and ``timeout`` ends first
        cancels the request. Raises ClientTimeoutError when the client's
        timeout passed, URLError for anything else (the cause in ``err``).
        """
        return self.do("GET", url, ctx)

    def do(self, method: str, url: str, ctx: context.Context | None = None) -> Response:
        """Send a request without a body and read the whole response. Go: ``Client.Do``."""
        op = method[:1].upper() + method[1:].lower()  # Go: "Get", "Post" in url.Error
        parts = urllib.parse.urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise URLError(op, url, f"unsupported protocol scheme {parts.scheme!r}")
        parent = ctx if ctx is not None else context.background()
        if self.timeout is not None:
            req_ctx, cancel = context.with_timeout(parent, self.timeout)
        else:
            req_ctx, cancel = context.with_cancel(parent)
        conn = http.client.HTTPConnection(parts.hostname, parts.port or 80)
        phase = "awaiting headers"

        opened: list[socket.socket] = []  # the connection's socket, once dialled

        def shut() -> None:
            # Go: the transport cancels the request and closes the connection.
            for sock in opened:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass  # already closed

        stop = context.after_func(req_ctx, shut)
        try:
            conn.timeout = _bound(self.connect_timeout, req_ctx)
            try:
                conn.connect()
            except OSError as exc:
                deadline = req_ctx.deadline()
                if req_ctx.err() is not None or (
                    deadline is not None and time.monotonic() >= deadline - _SLACK
                ):
                    raise  # the whole request's time is up: handled below
                # Go: *net.OpError, "dial tcp 10.0.0.1:80: connect: connection refused"
                # or, when the dialer's own timeout passes, "... : i/o timeout".
                address = f"{parts.hostname}:{parts.port or 80}"
                if isinstance(exc, socket.timeout):
                    cause: OSError = TimeoutError(f"dial tcp {address}: i/o timeout")
                else:
                    reason = (exc.strerror or str(exc)).lower()
                    cause = type(exc)(f"dial tcp {address}: connect: {reason}")
                raise URLError(op, url, cause) from exc
            sock = conn.sock
            opened.append(sock)
            if req_ctx.err() is not None:  # the deadline passed while dialling
                shut()
            sock.settimeout(_bound(None, req_ctx))
            target = parts.path or "/"
            if parts.query:
                target += "?" + parts.query
            conn.request(method, target)
            resp = conn.getresponse()
            phase = "reading body"
            # Python: with "Connection: close" the response owns the socket
            # now (conn.sock is None); it is the same socket object.
            sock.settimeout(_bound(None, req_ctx))
            body = resp.read()
            return Response(
                f"{resp.status} {resp.reason}", resp.status, dict(resp.getheaders()), body
            )
        except URLError:
            raise
        except (OSError, http.client.HTTPException) as exc:
            err = req_ctx.err()
            deadline = req_ctx.deadline()
            if (
                err is None
                and isinstance(exc, socket.timeout)
                and deadline is not None
                and time.monotonic() >= deadline - _SLACK
            ):
                # Python: the socket's own timeout (set to the time left) can
                # fire a moment before the context's timer; it is the deadline.
                err = context.DeadlineExceeded
            if (
                err is context.DeadlineExceeded
                and (ctx is None or ctx.err() is None)
                and (ctx is None or ctx.deadline() is None or ctx.deadline() != deadline)
            ):
                raise ClientTimeoutError(op, url, phase) from exc
            if err is not None:
                raise URLError(op, url, err) from exc
            raise URLError(op, url, exc) from exc
        finally:
            stop()
            cancel()
            conn.close()


# How early a socket timeout may fire before the deadline and still count as it.
_SLACK = 0.05


def _bound(limit: float | None, ctx: context.Context) -> float | None:
    """The smaller of ``limit`` and the time left until ``ctx``'s deadline."""
    deadline = ctx.deadline()
    if deadline is None:
        return limit
    left = max(deadline - time.monotonic(), 0.001)
    return left if limit is None else min(limit, left)


# docker_events (docker-py glue with no Go original) lives in
# swarmnotes/dockerapi.py; chapter 04 imports it from here, so it is
# re-exported, lazily: swarmnotes.go does not import docker.
def __getattr__(name: str) -> Any:
    if name == "docker_events":
        from swarmnotes.dockerapi import docker_events

        return docker_events
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
