"""Port of docker/swarm v1.2.5 api/server.go and api/server_unix.go: the listeners.

``Server(hosts)`` serves one handler on every host: ``unix:///path``
(``newUnixListener``: any old socket file is removed first, the socket is
made under umask 0777 and then opened to its owner only, mode 0600) or
``tcp://host:port`` (a bare ``host:port`` is TCP too).

Go: ListenAndServe blocks until a listener fails. Python: start() opens
every listener on the event loop and returns; stop() closes them, waits
for open requests up to a bound and removes the unix socket files, so a
stopped manager leaves nothing behind.
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass, field

from aiohttp import web

log = logging.getLogger("swarmnotes.swarm.api")

__all__ = ["DEFAULT_DOCKER_PORT", "Listener", "Server", "parse_host"]

DEFAULT_DOCKER_PORT = ":2375"  # Go: DefaultDockerPort


class ServerError(Exception):
    """A listener could not be opened; the text is Go's."""


def parse_host(host: str) -> tuple[str, str]:
    """``unix:///p`` -> ("unix", "/p"); ``tcp://a:1`` and ``a:1`` -> ("tcp", "a:1")."""
    proto, sep, addr = host.partition("://")
    if not sep:
        return "tcp", host
    return proto, addr


def _new_listener(proto: str, addr: str) -> socket.socket:
    """Go: newListener"""
    if proto == "tcp":
        host, sep, port = addr.rpartition(":")
        if not sep or not port.isdigit():
            raise ServerError(f"listen tcp {addr}: address {addr}: missing port in address")
        sock = socket.socket(socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), int(port)))
        except OSError as exc:
            sock.close()
            text = f"listen tcp {addr}: bind: {exc.strerror.lower() if exc.strerror else exc}"
            if "address already in use" in text and DEFAULT_DOCKER_PORT in addr:
                text += ": is Docker already running on this machine? Try using a different port"
            raise ServerError(text) from exc
        return sock
    raise ServerError(f"unsupported protocol: {proto!r}")


def _new_unix_listener(addr: str) -> socket.socket:
    """Go: newUnixListener"""
    try:
        os.unlink(addr)
    except FileNotFoundError:
        pass
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # No way to give the mode to bind: create it with no rights, then chmod,
    # so nobody can connect between the two.
    mask = os.umask(0o777)
    try:
        sock.bind(addr)
    except OSError as exc:
        sock.close()
        raise ServerError(f"listen unix {addr}: bind: {exc.strerror or exc}") from exc
    finally:
        os.umask(mask)
    os.chmod(addr, 0o600)  # only usable by the user who started the manager
    return sock


@dataclass
class Listener:
    proto: str
    addr: str
    sock: socket.socket


@dataclass
class Server:
    """The manager's listeners. Go: api.Server"""

    hosts: list[str]
    tls_config: object = None
    shutdown_timeout: float = 5.0
    listeners: list[Listener] = field(default_factory=list)
    _runner: web.AppRunner | None = None

    async def start(self, app: web.Application) -> None:
        """Open every listener and serve ``app`` on them. Go: ListenAndServe

        Raises ``ServerError`` (and opens nothing) when a host cannot be used.
        """
        if self.tls_config is not None:
            raise ServerError("TLS is not supported by this port")
        try:
            for host in self.hosts:
                proto, addr = parse_host(host)
                sock = _new_unix_listener(addr) if proto == "unix" else _new_listener(proto, addr)
                self.listeners.append(Listener(proto, addr, sock))
        except BaseException:
            self._close_sockets()
            raise
        # Python: no access log; the manager prints what it does itself.
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=self.shutdown_timeout)
        await self._runner.setup()
        for listener in self.listeners:
            log.info("Listening for HTTP proto=%s addr=%s", listener.proto, listener.addr)
            await web.SockSite(self._runner, listener.sock).start()

    def urls(self) -> list[str]:
        """Where it listens, as ``unix:///path`` / ``tcp://host:port`` (the real port)."""
        out = []
        for listener in self.listeners:
            if listener.proto == "unix":
                out.append("unix://" + listener.addr)
            else:
                host, port = listener.sock.getsockname()[:2]
                out.append(f"tcp://{host}:{port}")
        return out

    async def stop(self) -> None:
        """Close the listeners and open connections; remove the socket files."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._close_sockets()

    def _close_sockets(self) -> None:
        for listener in self.listeners:
            listener.sock.close()
            if listener.proto == "unix":
                try:
                    os.unlink(listener.addr)
                except FileNotFoundError:
                    pass
        self.listeners.clear()
