"""Bad Docker endpoints on 127.0.0.1, real sockets all, for the fault suite.

* ``missing``: a unix socket path that does not exist;
* ``closed``: a 127.0.0.1 port nobody listens on (bound, then closed);
* ``silent``: a server that accepts every connection and never answers;
* ``garbage``: a server that answers every request with HTTP that is not the
  Docker API (a 200 with an HTML body), or with no HTTP at all.

:func:`sentence` is what every entry point must say for each of them.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass, field

# The bound the suite gives every client that takes one, in seconds: small,
# so that the silent server costs one second per case.
BOUND = 1.0
# What a loaded two-core machine may add to a bound before a call returns.
SLACK = 3.0

ENDPOINTS = ["missing", "closed", "silent", "garbage", "not-http"]


@dataclass
class Server:
    """A TCP server on 127.0.0.1 that answers (or not) as ``mode`` says."""

    mode: str
    sock: socket.socket = field(default_factory=socket.socket)
    conns: list[socket.socket] = field(default_factory=list)
    thread: threading.Thread | None = None

    def start(self) -> Server:
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        # A plain thread, not go(): the leak checker looks at the code under test.
        self.thread = threading.Thread(target=self._serve, name=f"{self.mode}-server", daemon=True)
        self.thread.start()
        return self

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed by stop()
            self.conns.append(conn)
            if self.mode == "silent":
                continue  # keep it open, say nothing
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(5)
            while conn.recv(65536):
                if self.mode == "garbage":
                    body = b"<html><body>It works!</body></html>"
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                        b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body
                    )
                else:
                    conn.sendall(b"SSH-2.0-OpenSSH_9.2p1\r\n")
                    break
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        # Python: close() alone does not wake a thread blocked in accept().
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        for conn in self.conns:
            conn.close()
        if self.thread is not None:
            self.thread.join(timeout=5)


def closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"tcp://127.0.0.1:{port}"


def sentence(kind: str, url: str, bound: float = BOUND) -> str:
    """The one sentence an entry point must give for endpoint ``kind`` at ``url``."""
    if kind == "missing":
        return f"cannot reach the Docker engine at {url}: no such socket"
    if kind == "closed":
        return f"cannot reach the Docker engine at {url}: connection refused"
    if kind == "silent":
        return (
            f"the Docker engine at {url} accepted the connection but did not answer "
            f"within {bound:g} s"
        )
    return f"the Docker engine at {url} answered with something that is not the Docker API"


class Freezer:
    """A 127.0.0.1 TCP proxy to a unix socket that can go silent (``freeze``) and come back.

    While frozen it still accepts connections, but holds every byte in both
    directions: to a client, the engine behind it has stopped answering
    without closing anything, the way a vanished host looks.
    """

    def __init__(self, unix_path: str) -> None:
        self.unix_path = unix_path
        self.frozen = threading.Event()
        self.closed = threading.Event()
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.conns: list[socket.socket] = []
        threading.Thread(target=self._accept, name="freezer", daemon=True).start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.sock.getsockname()[1]}"

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX)
            upstream.connect(self.unix_path)
            self.conns += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(src, dst), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                while self.frozen.is_set() and not self.closed.is_set():
                    time.sleep(0.02)
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for conn in self.conns:
            conn.close()
