"""The Client with a timeout, against real servers: local sockets and a lab container.

No mock: each test starts a real TCP server (a thread on 127.0.0.1, or busybox
nc in a lab container) that answers, stays silent, or trickles.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from swarmnotes.go import context, leak
from swarmnotes.go.http import DEFAULT_TIMEOUT, Client, ClientTimeoutError, URLError
from swarmnotes.lab import BASE_IMAGE, LABEL, LabEngine, Registry


class Server:
    """A TCP server on 127.0.0.1 whose handler gets each accepted socket."""

    def __init__(self, handler) -> None:  # type: ignore[no-untyped-def]
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        self.conns: list[socket.socket] = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.conns.append(conn)
            threading.Thread(target=self.handler, args=(conn,), daemon=True).start()

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() (Linux)
        except OSError:
            pass
        self.sock.close()
        for c in self.conns:
            c.close()
        self.thread.join(5)


def _read_request(conn: socket.socket) -> None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            return
        data += chunk


def ok_handler(conn: socket.socket) -> None:
    _read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello")
    conn.close()


def silent_handler(conn: socket.socket) -> None:
    _read_request(conn)  # then never answer


def trickle_handler(conn: socket.socket) -> None:
    _read_request(conn)
    try:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n")
        for _ in range(1000):  # one byte every 50 ms: each read is quick, the body slow
            conn.sendall(b"x")
            time.sleep(0.05)
    except OSError:
        return


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[Server]:
    s = Server(request.param)
    yield s
    s.close()


def test_default_timeout_is_finite() -> None:
    c = Client()
    assert c.timeout == DEFAULT_TIMEOUT and 0 < DEFAULT_TIMEOUT < float("inf")
    assert repr(Client(timeout=0)) == "<Client timeout=None connect_timeout=30.0>"
    with pytest.raises(ValueError, match="timeout"):
        Client(timeout=-1)


@pytest.mark.parametrize("server", [ok_handler], indirect=True)
def test_get_reads_the_response(server: Server) -> None:
    with leak.check(timeout=2.0):
        resp = Client(timeout=5).get(server.url)
    assert (resp.status, resp.status_code, resp.body) == ("200 OK", 200, b"hello")
    assert repr(resp) == "<Response 200 OK body=5 bytes>"


@pytest.mark.parametrize("server", [silent_handler], indirect=True)
def test_silent_server_times_out_awaiting_headers(server: Server) -> None:
    with leak.check(timeout=2.0):
        with pytest.raises(ClientTimeoutError) as info:
            Client(timeout=0.5).get(server.url)
    err = info.value
    assert str(err) == (
        f'Get "{server.url}": context deadline exceeded '
        "(Client.Timeout exceeded while awaiting headers)"
    )
    assert err.timeout() and isinstance(err, TimeoutError) and isinstance(err, URLError)
    assert err.err is context.DeadlineExceeded


@pytest.mark.parametrize("server", [trickle_handler], indirect=True)
def test_trickling_body_cannot_stretch_the_request(server: Server) -> None:
    with leak.check(timeout=2.0):
        with pytest.raises(ClientTimeoutError, match="while reading body"):
            Client(timeout=0.6).get(server.url)


@pytest.mark.parametrize("server", [silent_handler], indirect=True)
def test_a_context_also_cancels_the_request(server: Server) -> None:
    ctx, cancel = context.with_cancel(context.background())
    stop = context.after_func(context.with_timeout(ctx, 0.3)[0], cancel)
    with pytest.raises(URLError) as info:
        Client(timeout=10).get(server.url, ctx=ctx)
    stop()
    assert not isinstance(info.value, ClientTimeoutError)
    assert info.value.err is context.Canceled
    assert str(info.value) == f'Get "{server.url}": context canceled'


def test_connection_refused_reads_like_go() -> None:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nobody listens there now
    url = f"http://127.0.0.1:{port}/"
    with pytest.raises(URLError) as info:
        Client(timeout=5).get(url)
    assert str(info.value) == (
        f'Get "{url}": dial tcp 127.0.0.1:{port}: connect: connection refused'
    )
    assert isinstance(info.value.err, ConnectionRefusedError)
    assert not info.value.timeout()


def test_unsupported_scheme() -> None:
    with pytest.raises(URLError, match="unsupported protocol scheme 'https'"):
        Client().get("https://example.invalid/")


@pytest.mark.engine
def test_silent_nc_container_on_the_lab(engine: LabEngine, registry: Registry) -> None:
    # The chapter's server: busybox nc accepts and runs `sleep`, which never writes.
    port = 18090
    with engine.client() as client:
        registry.track(
            client.containers.run(
                BASE_IMAGE,
                ["nc", "-ll", "-p", "8080", "-e", "sleep", "3600"],
                detach=True,
                labels=LABEL,
                name="swn-test-silent",
                ports={"8080/tcp": (engine.address, port)},
            )
        )
    url = f"http://{engine.address}:{port}/"
    deadline = time.monotonic() + 30
    while True:  # wait until the published port accepts (bounded)
        try:
            socket.create_connection((engine.address, port), timeout=1).close()
            break
        except OSError:
            assert time.monotonic() < deadline, "the nc container never listened"
            time.sleep(0.1)
    with leak.check(timeout=2.0):
        with pytest.raises(ClientTimeoutError, match="awaiting headers"):
            Client(timeout=1.0).get(url)


@pytest.mark.engine
def test_connect_timeout_on_an_absent_host(engine: LabEngine) -> None:
    # Nobody answers ARP for .97 on the lab bridge: the kernel gives up after
    # about 3 s, so a 0.5 s dialer timeout fires first, like Go's net.Dialer.
    absent = ".".join(engine.address.split(".")[:3]) + ".97"
    url = f"http://{absent}:80/"
    with pytest.raises(URLError) as info:
        Client(timeout=10, connect_timeout=0.5).get(url)
    assert not isinstance(info.value, ClientTimeoutError)
    assert str(info.value) == f'Get "{url}": dial tcp {absent}:80: i/o timeout'
    assert info.value.timeout()
