"""One lab engine: a private dockerd in its own network and UTS namespace.

The engine's files live under the lab directory: ``<name>.sock`` (the API
socket; no TCP listener), and ``<name>/`` with ``data`` (data root),
``daemon.json``, ``key.json`` (the engine's identity), ``dockerd.pid`` and
``dockerd.log``. The exec root (runtime state: the managed
containerd's sockets, network namespaces) is ``/run/swn/<netns>``, linked from
``<name>/run``: containerd's socket paths must stay under the 107-byte limit of
a unix socket path, which a lab in a deep directory would pass.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import docker

from swarmnotes import dockerapi
from swarmnotes.lab import host
from swarmnotes.lab.errors import LabEngineError, LabError

# A unix socket path must fit in sockaddr_un.sun_path (108 bytes with the NUL).
MAX_SOCKET_PATH = 107

# Short, so the sockets below it stay short (see the module docstring).
EXEC_ROOT_BASE = Path("/run/swn")

# dockerd waits up to 15 s for containers to stop; we allow a little more.
STOP_TIMEOUT = 20.0
START_TIMEOUT = 60.0

# Bound on each request of the clients the lab hands out (connect and each
# read). Longer than swarm's 10 s: importing the base image or removing a
# busy container takes seconds on a loaded machine.
CLIENT_TIMEOUT = 60.0


def process_alive(pid: int) -> bool:
    """True if ``pid`` runs and is not a zombie.

    Python: a killed orphan stays a zombie until init reaps it (lazily on these
    machines), and ``os.kill(pid, 0)`` still succeeds on a zombie.
    """
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            state = stat.read().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def wait_gone(pids: list[int], timeout: float) -> list[int]:
    """Wait until none of ``pids`` is alive; return those still alive at the deadline."""
    deadline = time.monotonic() + timeout
    alive = [pid for pid in pids if process_alive(pid)]
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [pid for pid in alive if process_alive(pid)]
    return alive


def _signal(pid: int, sig: signal.Signals) -> None:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


class APIClient(dockerapi.APIClient):
    """The lab's ``docker.APIClient``: an engine that does not answer raises LabEngineError."""

    error_type = LabEngineError


class DockerClient(dockerapi.DockerClient):
    """A ``docker.DockerClient`` that also works as ``with engine.client() as c:``.

    Python: docker-py's APIClient is a context manager but DockerClient is not;
    closing its connections at the end of a block keeps tests and chapters tidy
    (:class:`swarmnotes.dockerapi.DockerClient` adds that, and the address).
    """

    api_class = APIClient


def bounded_client(base_url: str, timeout: float = CLIENT_TIMEOUT) -> DockerClient:
    """A :class:`DockerClient` on ``base_url``, each request bounded; LabEngineError if silent."""
    # docker-py asks the engine for its API version here (one bounded call).
    with dockerapi.reported(base_url, timeout, LabEngineError):
        return DockerClient(base_url=base_url, timeout=timeout, version=None)


def bounded_api_client(base_url: str, timeout: float = CLIENT_TIMEOUT) -> docker.APIClient:
    """A ``docker.APIClient`` on ``base_url``, bounded as :func:`bounded_client`'s."""
    with dockerapi.reported(base_url, timeout, LabEngineError):
        return APIClient(base_url=base_url, timeout=timeout, version=None)


@dataclass
class LabEngine:
    """A handle on one lab engine (a "host" of the lab)."""

    index: int
    name: str
    address: str
    labels: dict[str, str]
    lab_dir: Path
    netns: str
    veth: str
    gateway: str = field(default="", repr=False)

    # -- paths -------------------------------------------------------------

    @property
    def dir(self) -> Path:
        return self.lab_dir / self.name

    @property
    def socket(self) -> Path:
        return self.lab_dir / f"{self.name}.sock"

    @property
    def base_url(self) -> str:
        return f"unix://{self.socket}"

    @property
    def exec_root(self) -> Path:
        return EXEC_ROOT_BASE / self.netns

    @property
    def pidfile(self) -> Path:
        return self.dir / "dockerd.pid"

    @property
    def logfile(self) -> Path:
        return self.dir / "dockerd.log"

    # -- clients -----------------------------------------------------------

    def client(self, timeout: float = CLIENT_TIMEOUT) -> DockerClient:
        """A docker-py client for this engine (the caller closes it).

        Every request is bounded by ``timeout`` seconds; an engine that does
        not answer raises :class:`LabEngineError`, one sentence.
        """
        return bounded_client(self.base_url, timeout)

    def api_client(self, timeout: float = CLIENT_TIMEOUT) -> docker.APIClient:
        """A low-level docker-py APIClient for this engine (the caller closes it)."""
        return bounded_api_client(self.base_url, timeout)

    # -- process -----------------------------------------------------------

    def pid(self) -> int | None:
        """The dockerd pid if that process is alive and really this engine's."""
        try:
            pid = int(self.pidfile.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        if not process_alive(pid):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except FileNotFoundError:
            return None
        # A recycled pid would belong to some other program.
        return pid if str(self.socket).encode() in cmdline else None

    def ping(self, timeout: float = 2.0) -> bool:
        """True if the engine answers ``GET /_ping`` on its socket."""
        if not self.socket.exists():
            return False
        try:
            api = dockerapi.api_client(self.base_url, timeout=timeout)
        except docker.errors.DockerException:
            return False
        try:
            return bool(api.ping())
        except Exception:  # any failure to answer means "not healthy"
            return False
        finally:
            api.close()

    def state(self) -> str:
        """ "running" (answers pings), "unresponsive" (process, no answer) or "dead"."""
        if self.pid() is None:
            return "dead"
        return "running" if self.ping() else "unresponsive"

    def start(self, timeout: float = START_TIMEOUT, extra_labels: Sequence[str] = ()) -> None:
        """Start dockerd inside this engine's namespaces and wait for its API.

        ``extra_labels`` are passed to this start only, as they are written
        (``--label=TEXT``), after the engine's own ``key=value`` labels: a test
        can give an engine an odd label, or one dockerd refuses.
        """
        if len(str(self.socket)) > MAX_SOCKET_PATH:
            raise LabError(
                f"lab directory path too long for a unix socket ({self.socket}); "
                "set SWARMNOTES_LAB_DIR to a shorter directory"
            )
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.socket.unlink(missing_ok=True)
        if self.pid() is not None:
            raise LabError(f"dockerd for {self.name} is already running")
        # dockerd (and its containerd) refuse to start while a pid file names a
        # live pid, and a crashed one stays a zombie until init reaps it. The
        # exec root is runtime state, like /var/run after a reboot: clear it.
        self.pidfile.unlink(missing_ok=True)
        self.remove_exec_root()
        self._make_exec_root()
        (self.dir / "run").symlink_to(self.exec_root)
        # dockerd 20.10 derives the engine ID (`docker info` ID) from a key file,
        # /etc/docker/key.json unless told otherwise: every engine would share
        # one ID, and classic Swarm tells engines apart by it. The key file's
        # path is a config-file field only ("deprecated-key-path").
        config = {"deprecated-key-path": str(self.dir / "key.json")}
        (self.dir / "daemon.json").write_text(json.dumps(config, indent=2) + "\n")
        args = [
            "dockerd",
            f"--config-file={self.dir / 'daemon.json'}",
            f"--data-root={self.dir / 'data'}",
            f"--exec-root={self.exec_root}",
            f"--pidfile={self.pidfile}",
            f"--host=unix://{self.socket}",
            f"--swarm-default-advertise-addr={self.address}",
        ]
        args += [f"--label={key}={value}" for key, value in sorted(self.labels.items())]
        args += [f"--label={label}" for label in extra_labels]
        # nsenter joins the engine's network namespace; unshare gives it a UTS
        # namespace whose hostname becomes the engine's name (docker info Name).
        cmd = [
            "nsenter",
            f"--net={host.NETNS_DIR}/{self.netns}",
            "unshare",
            "--uts",
            "--",
            "sh",
            "-c",
            'hostname "$0" && exec "$@"',
            self.name,
            *args,
        ]
        env = dict(os.environ)
        # There is no registry: swarm tasks must use the local image, not pull.
        env["DOCKER_SERVICE_PREFER_OFFLINE_IMAGE"] = "1"
        for variable in ("DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"):
            env.pop(variable, None)
        with open(self.logfile, "ab") as log:
            process = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise LabError(
                    f"dockerd for {self.name} exited with {process.returncode}:\n" + self.log_tail()
                )
            if self.ping(timeout=1.0):
                return
            time.sleep(0.1)
        _signal(process.pid, signal.SIGKILL)
        raise LabError(
            f"dockerd for {self.name} did not answer within {timeout:g} s:\n" + self.log_tail()
        )

    def log_tail(self, lines: int = 8) -> str:
        try:
            text = self.logfile.read_text(errors="replace")
        except FileNotFoundError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """SIGKILL dockerd only, as a crash would (containerd and shims live on)."""
        pid = self.pid()
        if pid is not None:
            _signal(pid, signal.SIGKILL)
            wait_gone([pid], 5.0)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop dockerd gracefully (SIGTERM), SIGKILL at the bound, then every
        process left in the engine's namespace (containerd, shims, proxies)."""
        pid = self.pid()
        if pid is not None:
            _signal(pid, signal.SIGTERM)
            if wait_gone([pid], timeout):
                _signal(pid, signal.SIGKILL)
                wait_gone([pid], 5.0)
        self.kill_leftovers()

    def kill_leftovers(self) -> None:
        """Kill whatever still runs in the engine's network namespace."""
        pids = host.netns_pids(self.netns)
        for pid in pids:
            _signal(pid, signal.SIGKILL)
        if wait_gone(pids, 10.0):
            raise LabError(f"processes in {self.netns} survived SIGKILL")
        host.unmount_all(str(self.exec_root))

    def _make_exec_root(self) -> None:
        """Create this engine's exec root under the shared /run/swn."""
        # Every engine (of this lab or another checkout's) removes /run/swn when
        # it leaves it empty, so it can vanish between creating it and creating
        # our directory in it (seen when three engines start at once): retry.
        # Once our directory exists, /run/swn is not empty and stays.
        for _ in range(10):
            try:
                EXEC_ROOT_BASE.mkdir(mode=0o755)
            except FileExistsError:
                pass  # (not exist_ok=True: pathlib re-checks, and may see it gone)
            try:
                self.exec_root.mkdir(mode=0o700)
                return
            except FileNotFoundError:
                continue
        raise LabError(f"could not create {self.exec_root}: {EXEC_ROOT_BASE} kept vanishing")

    def remove_exec_root(self) -> None:
        """Remove the exec root and its link (runtime state, like /run after a reboot)."""
        host.unmount_all(str(self.exec_root))
        shutil.rmtree(self.exec_root, ignore_errors=True)
        link = self.dir / "run"
        if link.is_symlink() or not link.exists():
            link.unlink(missing_ok=True)
        else:  # an exec root of an older layout, kept in the lab directory
            host.unmount_all(str(link))
            shutil.rmtree(link, ignore_errors=True)
        try:
            EXEC_ROOT_BASE.rmdir()  # only when no other engine uses it
        except OSError:
            pass

    def remove_all_containers(self) -> None:
        """Force-remove every container, so dockerd can stop at once."""
        try:
            api = self.api_client(timeout=15)
        except docker.errors.DockerException:
            return
        try:
            for container in api.containers(all=True, quiet=True):
                api.remove_container(container["Id"], force=True, v=True)
        except Exception:  # the engine is being torn down; a failure here is not fatal
            pass
        finally:
            api.close()
