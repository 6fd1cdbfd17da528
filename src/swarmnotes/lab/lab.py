"""The embedded Docker lab: a small cluster of private dockerd engines.

``Lab.up(engines=3)`` starts (or reuses) N engines, each a separate "host" with
its own network namespace, hostname, address, labels and socket under the lab
directory, and imports the base image on each. ``down()`` removes everything
the lab made. The lab's state is ``<lab dir>/lab.json``; every operation holds
``<lab dir>/lock`` so two processes never build the same lab at once.

The lab directory is ``$SWARMNOTES_LAB_DIR``, else ``.lab`` at the project root
(this checkout), else ``.lab`` in the current directory. Names on the host
(bridge, namespaces, veths) carry a short hash of that directory, and each lab
takes the first free 172.30.N.0/24, so labs of two checkouts do not collide.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from swarmnotes.lab import host
from swarmnotes.lab.engine import LabEngine
from swarmnotes.lab.errors import LabError
from swarmnotes.lab.image import ensure_base_image

DEFAULT_ENGINES = 3
MAX_ENGINES = 8

# Engine labels, so the constraint chapters have something real to filter on.
ENGINE_LABELS: list[dict[str, str]] = [
    {"region": "us-east", "zone": "us-east-1a", "storage": "ssd"},
    {"region": "us-west", "zone": "us-west-2a", "storage": "hdd"},
    {"region": "eu-west", "zone": "eu-west-1a", "storage": "ssd"},
    {"region": "us-east", "zone": "us-east-1b", "storage": "hdd"},
    {"region": "us-west", "zone": "us-west-2b", "storage": "ssd"},
    {"region": "eu-west", "zone": "eu-west-1b", "storage": "hdd"},
    {"region": "us-east", "zone": "us-east-1c", "storage": "ssd"},
    {"region": "us-west", "zone": "us-west-2c", "storage": "hdd"},
]

Progress = Callable[[str], None]


def _quiet(message: str) -> None:
    pass


def default_lab_dir() -> Path:
    """Where the lab lives (see the module docstring)."""
    configured = os.environ.get("SWARMNOTES_LAB_DIR")
    if configured:
        return Path(configured).resolve()
    # src/swarmnotes/lab/lab.py -> the checkout's root, for an editable install.
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "src" / "swarmnotes").is_dir():
        return root / ".lab"
    return Path.cwd().resolve() / ".lab"


@dataclass
class EngineStatus:
    """One row of ``swarmnotes lab status``."""

    name: str
    address: str
    socket: str
    labels: dict[str, str]
    containers: int | None
    state: str


class Lab:
    """A handle on the lab in one directory; ``Lab.up()`` makes one."""

    def __init__(self, lab_dir: Path | None = None) -> None:
        self.dir = Path(lab_dir) if lab_dir is not None else default_lab_dir()
        digest = hashlib.sha1(str(self.dir).encode()).hexdigest()[:4]
        self.id = digest
        self.bridge = f"swn{digest}"
        self.prefix = ""  # "172.30.N", chosen on the first up
        self.engines: list[LabEngine] = []
        self._load()

    def __repr__(self) -> str:
        names = ", ".join(engine.name for engine in self.engines)
        return f"<Lab {self.dir} [{len(self.engines)} engines: {names}]>"

    # -- state -------------------------------------------------------------

    @property
    def _state_file(self) -> Path:
        return self.dir / "lab.json"

    def _load(self) -> None:
        try:
            state = json.loads(self._state_file.read_text())
        except FileNotFoundError:
            return
        self.prefix = state["prefix"]
        self.engines = [self._make_engine(i) for i in range(1, state["engines"] + 1)]

    def _save(self) -> None:
        state = {
            "id": self.id,
            "prefix": self.prefix,
            "bridge": self.bridge,
            "engines": len(self.engines),
        }
        self._state_file.write_text(json.dumps(state, indent=2) + "\n")

    def _make_engine(self, index: int) -> LabEngine:
        return LabEngine(
            index=index,
            name=f"lab-{index}",
            address=f"{self.prefix}.{10 + index}",
            labels=dict(ENGINE_LABELS[index - 1]),
            lab_dir=self.dir,
            netns=f"{self.bridge}-{index}",
            veth=f"{self.bridge}v{index}",
            gateway=self.gateway,
        )

    @property
    def gateway(self) -> str:
        """The host's own address on the lab bridge."""
        return f"{self.prefix}.1"

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        with open(self.dir / "lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    @staticmethod
    @contextmanager
    def _host_locked() -> Iterator[None]:
        # Serialises subnet choice and bridge creation across the labs of
        # different checkouts: a lock on the /run directory itself, so no lock
        # file is left behind.
        lock = os.open("/run", os.O_RDONLY)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            yield
        finally:
            os.close(lock)

    def _choose_prefix(self) -> str:
        used = host.used_ipv4_prefixes()
        for third in range(256):
            candidate = f"172.30.{third}"
            if candidate not in used:
                return candidate
        raise LabError("no free 172.30.N.0/24 subnet for the lab bridge")

    # -- the public operations ----------------------------------------------

    @classmethod
    def up(
        cls,
        engines: int | None = None,
        lab_dir: Path | None = None,
        progress: Progress = _quiet,
        timeout: float = 120.0,
    ) -> Lab:
        """Start the lab with ``engines`` engines, or reuse it; return its handle.

        Idempotent: healthy engines are reused, dead ones replaced, extra ones
        removed. ``engines=None`` keeps the running count (3 for a new lab).
        """
        lab = cls(lab_dir)
        with lab._locked():
            lab._load()
            lab._up(engines, progress, timeout)
        return lab

    def _up(self, engines: int | None, progress: Progress, timeout: float) -> None:
        if engines is None:
            engines = len(self.engines) or DEFAULT_ENGINES
        if not isinstance(engines, int) or not 1 <= engines <= MAX_ENGINES:
            raise LabError(
                f"engines must be a whole number from 1 to {MAX_ENGINES}, got {engines!r}"
            )
        host.check_prerequisites()
        with self._host_locked():
            if not self.prefix or not host.link_exists(self.bridge):
                if not self.prefix or self.prefix in host.used_ipv4_prefixes():
                    self.prefix = self._choose_prefix()
                progress(f"lab: bridge {self.bridge} at {self.gateway}/24")
            host.create_bridge(self.bridge, self.gateway)
        for extra in self.engines[engines:]:
            progress(f"lab: removing {extra.name}")
            self._remove_engine(extra)
        self.engines = [self._make_engine(i) for i in range(1, engines + 1)]
        self._save()
        deadline = time.monotonic() + timeout

        def bring_up(engine: LabEngine) -> None:
            state = engine.state()
            if state == "running":
                progress(f"lab: {engine.name} at {engine.address} is running (reused)")
            else:
                progress(f"lab: starting {engine.name} at {engine.address} ({state} before)")
                self._replace(engine, deadline, progress)
            with engine.api_client() as api:
                if ensure_base_image(api):
                    progress(f"lab: imported the base image on {engine.name}")

        with ThreadPoolExecutor(max_workers=engines) as pool:
            for future in [pool.submit(bring_up, engine) for engine in self.engines]:
                future.result()
        progress(f"lab: {engines} engine(s) up")

    def _replace(
        self,
        engine: LabEngine,
        deadline: float,
        progress: Progress = _quiet,
        extra_labels: Sequence[str] = (),
    ) -> None:
        """Start an engine from whatever state it is in (dead, hung or new)."""
        engine.stop(timeout=5.0)
        host.create_host(engine.netns, engine.veth, self.bridge, engine.address, self.gateway)
        try:
            engine.start(timeout=max(5.0, deadline - time.monotonic()), extra_labels=extra_labels)
        except LabError as exc:
            if extra_labels:
                # dockerd refused the labels (or they broke it): wiping the
                # data root would not help, and would lose the base image.
                raise
            # A data root a crash left broken: start that engine from scratch.
            progress(f"lab: {engine.name} failed to start ({exc}); starting it afresh")
            engine.stop(timeout=5.0)
            host.unmount_all(str(engine.dir))
            shutil.rmtree(engine.dir, ignore_errors=True)
            engine.start(timeout=max(5.0, deadline - time.monotonic()))

    def _remove_engine(self, engine: LabEngine) -> None:
        engine.remove_all_containers()
        engine.stop()
        engine.remove_exec_root()
        host.unmount_all(str(engine.dir))
        host.delete_host(engine.netns, engine.veth)
        shutil.rmtree(engine.dir, ignore_errors=True)
        engine.socket.unlink(missing_ok=True)

    def down(self, progress: Progress = _quiet) -> None:
        """Remove everything the lab made: processes, namespaces, links, rules, files."""
        if not self.dir.exists():
            return
        with self._locked():
            self._load()
            engines = self.engines or [self._make_engine(i) for i in range(1, MAX_ENGINES + 1)]
            with ThreadPoolExecutor(max_workers=len(engines)) as pool:
                for engine in engines:
                    progress(f"lab: stopping {engine.name}")
                for future in [pool.submit(self._remove_engine, e) for e in engines]:
                    future.result()
            # Engines beyond the recorded count, left by an interrupted run.
            for index in range(len(engines) + 1, MAX_ENGINES + 1):
                stray = self._make_engine(index)
                if host.netns_exists(stray.netns) or host.link_exists(stray.veth):
                    self._remove_engine(stray)
            host.delete_bridge(self.bridge)
            self.engines = []
            host.unmount_all(str(self.dir))
        shutil.rmtree(self.dir, ignore_errors=True)
        progress("lab: down")

    def status(self) -> list[EngineStatus]:
        """One row per engine: name, address, socket, labels, containers, state."""
        rows = []
        for engine in self.engines:
            state = engine.state()
            containers = None
            if state == "running":
                with engine.api_client(timeout=10) as api:
                    containers = len(api.containers(all=True, quiet=True))
            rows.append(
                EngineStatus(
                    engine.name,
                    engine.address,
                    str(engine.socket),
                    engine.labels,
                    containers,
                    state,
                )
            )
        return rows

    def engine(self, index: int) -> LabEngine:
        """The engine numbered ``index`` (1-based, as in its name ``lab-<index>``)."""
        if not 1 <= index <= len(self.engines):
            raise LabError(f"no engine {index}: the lab has {len(self.engines)} engine(s)")
        return self.engines[index - 1]

    # -- failures, for the chapters that show them --------------------------

    def kill_engine(self, index: int) -> None:
        """SIGKILL engine ``index``'s dockerd, as a crash would."""
        self.engine(index).kill()

    def stop_engine(self, index: int) -> None:
        """Stop engine ``index`` gracefully (its namespace and data stay)."""
        self.engine(index).stop()

    def start_engine(
        self, index: int, timeout: float = 60.0, extra_labels: Sequence[str] = ()
    ) -> None:
        """Start engine ``index`` again on its data root (after kill or stop).

        ``extra_labels`` (``"key=value"`` strings) hold for this start only;
        see :meth:`LabEngine.start`.
        """
        engine = self.engine(index)
        with self._locked():
            self._replace(engine, time.monotonic() + timeout, extra_labels=extra_labels)

    def restart_engine(self, index: int, timeout: float = 60.0) -> None:
        """Stop, then start engine ``index`` (the same data root, so the same state)."""
        self.stop_engine(index)
        self.start_engine(index, timeout)


def down(lab_dir: Path | None = None, progress: Progress = _quiet) -> None:
    """Bring the lab in ``lab_dir`` (default: this checkout's) down."""
    Lab(lab_dir).down(progress)
