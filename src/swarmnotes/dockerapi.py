"""Bounded Docker clients, and one sentence for each way an engine can fail to answer.

No Go file: this is the boundary between swarmnotes and docker-py, the place
where Go's code would hold an engine-api client. Go gives that client an
``http.Client`` with a timeout (classic Swarm: ``requestTimeout``, 10 s, in
docker/swarm v1.2.5 cluster/engine.go); ``http.DefaultClient`` has none, the
lesson of the no-timeout chapter. Every docker-py client the package makes
comes from here, so none waits on an engine without a bound:

* :func:`api_client` / :func:`docker_client` build a ``docker.APIClient`` /
  ``docker.DockerClient`` whose every request has ``timeout`` seconds to
  connect and for each read (default :data:`REQUEST_TIMEOUT`);
* :func:`explain` turns what docker-py, requests and urllib3 raise into one
  sentence naming the engine, or None when the engine did answer as the
  Docker API (a 404 or a conflict is the API's own answer, not a failure);
* :func:`reported` is the ``with`` block each package wraps its engine calls
  in, raising its own error type with that sentence;
* :func:`docker_events` is docker-py's ``APIClient.events()`` with a bounded
  connect (the no-timeout chapter shows why the unbounded one hangs).

The kinds of failure, recognised by exception type (never by the text):

========================  =================================================================
``"unreachable"``         no such socket, connection refused, no such host, permission denied
``"silent"``              accepted the connection but did not answer within the bound
``"closed"``              closed the connection (a killed engine) before a whole answer
``"not-docker"``          answered, but not with the Docker API (bad HTTP, not JSON)
========================  =================================================================
"""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import docker
import docker.types
import docker.utils
import requests
import urllib3

__all__ = [
    "APIClient",
    "DockerClient",
    "ENGINE_API_VERSION",
    "REQUEST_TIMEOUT",
    "EngineError",
    "api_client",
    "docker_client",
    "docker_events",
    "engine_url",
    "explain",
    "failure_kind",
    "is_connection_failure",
    "reported",
]

# Bound, in seconds, on connecting to an engine and on each read of its
# answer. Classic Swarm's requestTimeout; dockerd answers in milliseconds, so
# 10 s only ever ends a call to an engine that is not answering at all.
REQUEST_TIMEOUT = 10.0

# The API version a client speaks when it must not ask the engine first:
# Docker 20.10's, the lab's engine. Asking (docker-py's "auto") is one more
# call that can fail before the one the caller wanted.
ENGINE_API_VERSION = "1.41"


class EngineError(requests.exceptions.ConnectionError):
    """An engine could not be reached or did not answer; ``str()`` is the whole sentence.

    ``addr`` is the engine's address as given, ``kind`` one of the kinds in
    the module docstring. Each package raises a subclass of its own base and
    of this one (see :func:`reported`), with docker-py's error as
    ``__cause__``; being a ``requests`` ConnectionError (an ``OSError``), it
    is caught wherever docker-py's own connection errors were.
    """

    addr = ""
    kind = ""
    response = None
    request = None

    def __init__(self, message: str, addr: str = "", kind: str = "") -> None:
        super().__init__(message)
        self.addr = addr
        self.kind = kind

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and everything it wraps: ``__cause__``, ``__context__``, urllib3's
    ``reason``, exceptions passed as arguments (requests wraps urllib3 so)."""
    seen: set[int] = set()
    todo = [exc]
    while todo:
        current = todo.pop(0)
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        inner = [current.__cause__, current.__context__, getattr(current, "reason", None)]
        inner.extend(a for a in current.args if isinstance(a, BaseException))
        todo.extend(x for x in inner if isinstance(x, BaseException))


def failure_kind(exc: BaseException) -> str | None:
    """Which way the engine failed, from the exception types ``exc`` wraps; None if it answered.

    The first match wins, in this order: a read that timed out ("silent"),
    a connect that failed ("unreachable"), a connection that ended early
    ("closed"), an answer that was not the Docker API ("not-docker").
    """
    if isinstance(exc, EngineError):
        return exc.kind or None
    chain = list(_causes(exc))

    def has(*types: type[BaseException]) -> bool:
        return any(isinstance(e, types) for e in chain)

    if has(requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError):
        return "unreachable"
    if has(requests.exceptions.ReadTimeout, urllib3.exceptions.ReadTimeoutError, TimeoutError):
        return "silent"
    if has(
        FileNotFoundError,
        ConnectionRefusedError,
        PermissionError,
        socket.gaierror,
        urllib3.exceptions.NewConnectionError,
    ):
        return "unreachable"
    # RemoteDisconnected is also a BadStatusLine: test it before HTTPException.
    if has(
        http.client.RemoteDisconnected,
        ConnectionResetError,
        ConnectionAbortedError,
        BrokenPipeError,
        http.client.IncompleteRead,
        urllib3.exceptions.IncompleteRead,
    ):
        return "closed"
    if has(http.client.HTTPException, json.JSONDecodeError, requests.exceptions.InvalidJSONError):
        return "not-docker"
    if has(requests.exceptions.ChunkedEncodingError, urllib3.exceptions.ProtocolError):
        return "closed"  # the body ended early ("Response ended prematurely")
    if isinstance(exc, docker.errors.DockerException) and has(KeyError):
        return "not-docker"  # the version probe found JSON, but no ApiVersion in it
    if has(requests.exceptions.ConnectionError):
        return "unreachable"  # a transport failure of some other shape
    return None


def is_connection_failure(exc: BaseException) -> bool:
    """Whether ``exc`` says the engine could not be talked to at all (not "it said no").

    Go: classic Swarm's checks for dockerclient.ErrConnectionRefused and
    engine-api's ErrConnectionFailed. Python: by exception type; an answer
    that is not the Docker API does not count (the engine may be up behind
    the wrong port).
    """
    return failure_kind(exc) in ("unreachable", "silent", "closed")


def _reason(exc: BaseException) -> str:
    chain = list(_causes(exc))
    for types, text in (
        ((FileNotFoundError,), "no such socket"),
        ((ConnectionRefusedError,), "connection refused"),
        ((PermissionError,), "permission denied"),
        ((socket.gaierror,), "no such host"),
        (
            (requests.exceptions.ConnectTimeout, urllib3.exceptions.ConnectTimeoutError),
            "no answer to the connection",
        ),
    ):
        if any(isinstance(e, types) for e in chain):
            return text
    return "the connection failed"


def explain(addr: str, exc: BaseException, timeout: float | None = REQUEST_TIMEOUT) -> str | None:
    """The sentence for ``exc``, raised by a call to the engine at ``addr``; None if it answered.

    ``timeout`` is the bound the call had (for "did not answer within").

    >>> explain("unix:///tmp/nope.sock", FileNotFoundError(2, "No such file or directory"))
    'cannot reach the Docker engine at unix:///tmp/nope.sock: no such socket'
    """
    kind = failure_kind(exc)
    if kind is None:
        return None
    if isinstance(exc, EngineError):
        return str(exc)
    if kind == "unreachable":
        return f"cannot reach the Docker engine at {addr}: {_reason(exc)}"
    if kind == "silent":
        bound = "" if timeout is None else f" within {timeout:g} s"
        return f"the Docker engine at {addr} accepted the connection but did not answer{bound}"
    if kind == "closed":
        return f"the Docker engine at {addr} closed the connection before it answered"
    return f"the Docker engine at {addr} answered with something that is not the Docker API"


@contextmanager
def reported(
    addr: str,
    timeout: float | None = REQUEST_TIMEOUT,
    error: type[Exception] = EngineError,
    what: str = "",
) -> Iterator[None]:
    """Run engine calls; re-raise a failure to answer as ``error(sentence)`` from the original.

    ``what`` (say ``"swarm init"``) goes in front of the sentence. Errors
    that are the engine's answer (docker's APIError with a Docker status)
    pass through unchanged.
    """
    try:
        yield
    except Exception as exc:
        sentence = explain(addr, exc, timeout)
        if sentence is None:
            raise
        if what:
            sentence = f"{what}: {sentence}"
        raised = error(sentence)
        if isinstance(raised, EngineError):
            raised.addr, raised.kind = addr, failure_kind(exc) or ""
        raise raised from exc


class APIClient(docker.APIClient):
    """``docker.APIClient`` that names its engine in every failure to answer.

    It remembers the address it was given (``engine_url``: docker-py keeps
    only ``http+docker://localhost`` for a unix socket), and each request
    that gets no answer raises ``error_type`` (:class:`EngineError`, or a
    package's subclass) with the sentence, from requests' error. An answer
    that is not JSON is found later, where docker-py decodes it: the
    packages' own :func:`reported` blocks catch that.
    """

    error_type: type[EngineError] = EngineError

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        self.engine_url: str = base_url
        super().__init__(base_url=base_url, **kwargs)

    def request(
        self,
        method: str | bytes,
        url: str | bytes,  # type: ignore[override]
        *args: Any,
        **kwargs: Any,
    ) -> requests.Response:
        try:
            return super().request(method, url, *args, **kwargs)
        except requests.exceptions.RequestException as exc:
            timeout = kwargs.get("timeout", self.timeout)
            bound = timeout if isinstance(timeout, int | float) else self.timeout
            sentence = explain(self.engine_url, exc, bound)
            if sentence is None:
                raise
            error = self.error_type(sentence)
            error.addr, error.kind = self.engine_url, failure_kind(exc) or ""
            raise error from exc


class DockerClient(docker.DockerClient):
    """``docker.DockerClient`` on an :class:`APIClient`; also ``with client: ...``."""

    api_class: type[APIClient] = APIClient

    def __init__(self, base_url: str, **kwargs: Any) -> None:
        # docker.DockerClient.__init__ does only this, with docker-py's APIClient.
        self.api = self.api_class(base_url=base_url, **kwargs)

    @property
    def engine_url(self) -> str:
        return self.api.engine_url

    def __enter__(self) -> DockerClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def engine_url(client: Any) -> str:
    """The address of the engine ``client`` (a docker-py APIClient or DockerClient) talks to.

    The address given to :func:`api_client` / :func:`docker_client`; for a
    client made elsewhere, rebuilt from docker-py's base URL and unix socket
    adapter (``unix:///path``, ``tcp://host:port``).
    """
    api = getattr(client, "api", client)
    known = getattr(api, "engine_url", None)
    if isinstance(known, str):
        return known
    base = str(getattr(api, "base_url", ""))
    if base.startswith("http+docker://"):
        for adapter in getattr(api, "adapters", {}).values():
            path = getattr(adapter, "socket_path", None)
            if isinstance(path, str):
                return "unix://" + path
        return base
    for scheme in ("http://", "https://"):
        if base.startswith(scheme):
            return "tcp://" + base.removeprefix(scheme)
    return base


def _timeout_of(value: float | None) -> float:
    if value is None or not value > 0:
        raise ValueError(f"timeout must be a number of seconds > 0, got {value!r}")
    return float(value)


def api_client(
    base_url: str,
    timeout: float = REQUEST_TIMEOUT,
    version: str | None = ENGINE_API_VERSION,
    **kwargs: Any,
) -> docker.APIClient:
    """A ``docker.APIClient`` on ``base_url`` whose every request is bounded by ``timeout``.

    ``version=None`` asks the engine for its API version (docker-py's
    "auto"), a call that can fail: it raises :class:`EngineError`.
    Streams (``events``, ``logs``) are bounded by the caller's own rule:
    docker-py reads them without a timeout.
    """
    bound = _timeout_of(timeout)
    with reported(base_url, bound):
        return APIClient(base_url=base_url, timeout=bound, version=version or "auto", **kwargs)


def docker_client(
    base_url: str,
    timeout: float = REQUEST_TIMEOUT,
    version: str | None = ENGINE_API_VERSION,
    **kwargs: Any,
) -> docker.DockerClient:
    """A ``docker.DockerClient`` on ``base_url``, bounded as :func:`api_client`'s."""
    bound = _timeout_of(timeout)
    with reported(base_url, bound):
        return DockerClient(base_url=base_url, timeout=bound, version=version or "auto", **kwargs)


def docker_events(
    api: Any,
    connect_timeout: float = 5.0,
    decode: bool = True,
    filters: dict[str, Any] | None = None,
    header_timeout: float = REQUEST_TIMEOUT,
) -> Any:
    """An engine's ``GET /events`` stream: connect and answer bounded, reads unbounded.

    docker-py's ``APIClient.events()`` sends its request with
    ``timeout=None`` so that a quiet engine (no events for minutes) does not
    break the stream with a read timeout, which is right; but ``None`` also
    drops every other bound: an unreachable TCP engine keeps the caller
    waiting for as long as the kernel retries its SYNs, and one that accepts
    the connection and never answers keeps it waiting forever. This sends the
    same request with ``connect_timeout`` to connect and ``header_timeout`` for
    the engine's answer (the status line and headers, which a live engine sends
    at once), then lifts the read timeout for the stream itself, as docker-py
    does for its other streams. It returns docker-py's ``CancellableStream``
    (``close()`` it when done); a bound that passes raises requests'
    ``ConnectTimeout`` or ``ReadTimeout``. ``api`` is a ``docker.APIClient``.

    Python: uses docker-py 7's private ``_get``, ``_url``, ``_stream_helper``
    (the calls its own ``events()`` makes) and ``_get_raw_response_socket`` /
    ``_disable_socket_timeout`` (what its ``logs`` stream uses).
    """
    params = {"filters": docker.utils.convert_filters(filters) if filters else None}
    response = api._get(
        api._url("/events"), params=params, stream=True, timeout=(connect_timeout, header_timeout)
    )
    api._raise_for_status(response)
    # The answer has come: from here on, silence is a quiet engine, not a dead one.
    api._disable_socket_timeout(api._get_raw_response_socket(response))
    return docker.types.CancellableStream(api._stream_helper(response, decode=decode), response)
