"""A unix-socket forwarder in front of a lab engine, to cut connections for real.

Not a mock: every byte goes to and from the real dockerd. ``cut()`` closes the
connections going through it (the client sees its stream end, as on a network
drop); ``refuse()`` stops listening (new connections fail, as if the engine were
down) until ``allow()``.
"""

from __future__ import annotations

import os
import socket
import threading


class UnixProxy:
    def __init__(self, target: str, path: str) -> None:
        self.target = target.removeprefix("unix://")
        self.path = path
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.accepted = 0

    @property
    def base_url(self) -> str:
        return "unix://" + self.path

    def allow(self) -> None:
        """Listen (again)."""
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        if os.path.exists(self.path):
            os.unlink(self.path)
        listener.bind(self.path)
        listener.listen(64)
        listener.settimeout(0.2)
        with self._lock:
            self._listener = listener
        threading.Thread(
            target=self._accept, args=(listener,), daemon=True, name="UnixProxy._accept"
        ).start()

    def refuse(self) -> None:
        """Stop listening: new connections fail (the socket file is gone)."""
        with self._lock:
            listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if os.path.exists(self.path):
            os.unlink(self.path)

    def cut(self) -> None:
        """Close every connection going through the proxy now."""
        with self._lock:
            conns, self._conns = self._conns, []
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()

    def close(self) -> None:
        self.refuse()
        self.cut()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            with self._lock:
                if self._listener is not listener:
                    return
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                upstream.connect(self.target)
            except OSError:
                client.close()
                upstream.close()
                continue
            client.settimeout(None)
            with self._lock:
                self._conns += [client, upstream]
                self.accepted += 1
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(
                    target=self._pump, args=(a, b), daemon=True, name="UnixProxy._pump"
                ).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
