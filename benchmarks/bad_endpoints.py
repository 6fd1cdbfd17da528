"""Bad Docker endpoints on 127.0.0.1, real sockets all: for bench_faults.py and tests/faults.

* ``missing``: a unix socket path that does not exist;
* ``closed``: a 127.0.0.1 port nobody listens on (bound, then closed);
* ``silent``: a server that accepts every connection and never answers;
* ``garbage``: a server that answers every request with HTTP that is not the
  Docker API (a 200 with an HTML body);
* ``not-http``: a server that answers with something that is not HTTP at all.

No Go file, and not part of the package: a fixture that the benchmark and the
fault suite share. It lives here because benchmarks do not import tests; the
tests import it by path (tests/faults/faults_helpers.py), as they import
report.py. Plain sockets and threads only, no pytest.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

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
    """``tcp://127.0.0.1:PORT`` of a port that was free a moment ago: nobody listens."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"tcp://127.0.0.1:{port}"


@contextlib.contextmanager
def bad_endpoint(kind: str, tmp: str) -> Iterator[str]:
    """The URL of one endpoint of ``ENDPOINTS``, served for as long as the block runs.

    ``tmp`` is a directory the ``missing`` socket path is made up in.
    """
    if kind == "missing":
        yield f"unix://{tmp}/nope.sock"
        return
    if kind == "closed":
        yield closed_port()
        return
    if kind not in ENDPOINTS:
        raise ValueError(f"kind: {kind!r} is none of {ENDPOINTS}")
    server = Server(kind).start()
    try:
        yield server.url
    finally:
        server.stop()
