"""What the fault suite checks against: the bad endpoints, their sentences, the bounds.

The bad endpoints themselves (``missing``, ``closed``, ``silent``, ``garbage``,
``not-http``: real sockets on 127.0.0.1) are benchmarks/bad_endpoints.py, which
bench_faults.py uses too; this module imports them by path (benchmarks do not
import tests). :func:`sentence` is what every entry point must say for each of
them; :class:`Freezer` is an engine that goes silent and comes back.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import threading
import time
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
if str(BENCHMARKS) not in sys.path:
    sys.path.append(str(BENCHMARKS))
from bad_endpoints import ENDPOINTS, Server, bad_endpoint  # noqa: E402

__all__ = [
    "BOUND",
    "ENDPOINTS",
    "SLACK",
    "Freezer",
    "Server",
    "bad_endpoint",
    "sentence",
]

# The bound the suite gives every client that takes one, in seconds: small,
# so that the silent server costs one second per case.
BOUND = 1.0
# What a loaded two-core machine may add to a bound before a call returns.
SLACK = 3.0


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
