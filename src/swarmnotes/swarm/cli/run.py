"""Run ``swarmnotes manage`` as its own process, and the real ``docker`` CLI against it.

Not a port of a Go file: the set-up the manager's chapter, tests and
benchmark share. :class:`ManagerProcess` starts the command exactly as a
reader types it, waits (bounded) until it prints where it listens, and
stops it with SIGTERM, checking that it exited 0 and removed its socket.
:func:`docker` runs ``/usr/bin/docker -H <manager>`` with a timeout.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path

__all__ = ["DOCKER", "ManagerProcess", "docker"]

# Debian's docker.io CLI (20.10), the one the lab's engines come with; a
# docker CLI elsewhere on PATH (a newer release) only when that is missing.
DOCKER = os.environ.get("SWARMNOTES_DOCKER_CLI") or (
    "/usr/bin/docker"
    if os.access("/usr/bin/docker", os.X_OK)
    else shutil.which("docker") or "/usr/bin/docker"
)


class ManagerProcess:
    """``python -m swarmnotes manage -H unix://<socket> [flags]`` in a child process."""

    def __init__(self, *flags: str, socket_path: str | Path | None = None) -> None:
        if socket_path is None:
            # Short: a unix socket path is limited to 107 bytes.
            self._dir: str | None = tempfile.mkdtemp(prefix="swn-m-")
            socket_path = Path(self._dir) / "manage.sock"
        else:
            self._dir = None
        self.socket = Path(socket_path)
        self.host = "unix://" + str(self.socket)
        self.flags = list(flags)
        self.lines: list[str] = []  # what it printed on stdout
        self.proc: subprocess.Popen[str] | None = None
        self.stderr = ""  # what it printed on stderr, once stopped

    def __repr__(self) -> str:
        state = (
            "not started"
            if self.proc is None
            else ("running" if self.proc.poll() is None else f"exited {self.proc.returncode}")
        )
        return f"<ManagerProcess {self.host} {' '.join(self.flags)} ({state})>"

    def start(self, timeout: float = 90.0) -> ManagerProcess:
        """Start it; return once it says it listens, or raise with its output."""
        self._stderr = tempfile.TemporaryFile(mode="w+")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "swarmnotes", "manage", "-H", self.host, *self.flags],
            stdout=subprocess.PIPE,
            stderr=self._stderr,
            text=True,
        )
        # A thread reads stdout line by line (select() on a buffered pipe would
        # miss lines already read into the buffer); it ends with the process.
        lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(
            target=self._read, args=(lines,), name="ManagerProcess._read", daemon=True
        )
        self._reader.start()
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(
                    f"manage did not listen within {timeout:g} s: {self.read_stderr().strip()}"
                ) from None
            if line is None:  # it exited
                rc = self.proc.wait(timeout=10)
                raise RuntimeError(f"manage exited {rc}: {self.read_stderr().strip()}")
            if line.startswith("swarmnotes manage: listening on "):
                return self

    def _read(self, lines: queue.Queue[str | None]) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))
            lines.put(line)
        lines.put(None)

    def read_stderr(self) -> str:
        self._stderr.seek(0)
        return self._stderr.read()

    def stop(self, timeout: float = 30.0, sig: signal.Signals = signal.SIGTERM) -> int:
        """Send ``sig`` (SIGTERM; SIGINT is Ctrl+C), then wait; return the exit status.

        Raises if it did not stop in time or left its socket behind.
        """
        if self.proc is None:
            return 0
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
            raise RuntimeError(f"manage did not stop within {timeout:g} s") from None
        finally:
            self._reader.join(timeout=10)
            self.stderr = self.read_stderr()
            self._stderr.close()
        rc = self.proc.returncode
        left_socket = self.socket.exists()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        if left_socket:
            raise RuntimeError(f"manage left its socket {self.socket} behind")
        return rc

    def __enter__(self) -> ManagerProcess:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def docker(
    host: str, *args: str, timeout: float = 60.0, check: bool = False, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``docker -H host ARGS`` with a timeout; its output as text."""
    env = {k: v for k, v in os.environ.items() if k not in ("DOCKER_HOST", "DOCKER_CONTEXT")}
    return subprocess.run(
        [DOCKER, "-H", host, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=check,
        input=input,
        env=env,
    )


def docker_lines(host: str, *args: Sequence[str] | str, timeout: float = 60.0) -> list[str]:
    """The stdout lines of a docker command that must succeed."""
    result = docker(host, *[str(a) for a in args], timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(map(str, args))} failed: {result.stderr.strip()}")
    return result.stdout.splitlines()
