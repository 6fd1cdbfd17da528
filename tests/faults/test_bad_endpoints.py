"""Every entry point that talks to an engine, against every bad endpoint: a bound, one sentence.

Each case checks three things: the call ends within its bound (plus the
slack a loaded machine needs), the error is the one sentence naming the
engine (faults_helpers.sentence), and no goroutine is left running
(swarmnotes.go.leak.check). Engine-free: 127.0.0.1 only.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from swarmnotes import dockerapi
from swarmnotes.go import leak
from swarmnotes.go.chan import Chan, Recv, after, select
from swarmnotes.go.context import background, with_cancel, with_timeout
from swarmnotes.lab.engine import bounded_api_client, bounded_client
from swarmnotes.lab.errors import LabEngineError, LabError
from swarmnotes.lab.external import ExternalEngine, single_engine
from swarmnotes.swarm.cluster import Cluster, Engine, EventsMonitor
from swarmnotes.swarm.errors import ClusterError, EngineConnectionError
from swarmnotes.swarm.scheduler import Scheduler
from swarmnotes.swarm.scheduler.strategy import SpreadPlacementStrategy
from swarmnotes.swarmkit import swarmd
from swarmnotes.swarmkit.errors import EngineCallError, SwarmKitError
from swarmnotes.swarmkit.node import Node, NodeConfig

from .faults_helpers import BOUND, SLACK, sentence


def within_bound(fn: Callable[[], Any], bound: float = BOUND) -> tuple[Any, BaseException | None]:
    """Run ``fn`` inside a leak check; return (value, exception); fail if it took too long."""
    value: Any = None
    error: BaseException | None = None
    with leak.check(timeout=5):
        start = time.monotonic()
        try:
            value = fn()
        except Exception as exc:
            error = exc
        elapsed = time.monotonic() - start
    assert elapsed < bound + SLACK, f"took {elapsed:.1f} s, bound {bound:g} s"
    return value, error


# -- SwarmKit ---------------------------------------------------------------------


def test_swarmd(
    endpoint: tuple[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kind, url = endpoint
    rc, error = within_bound(
        lambda: swarmd.main(
            [
                "--engine-addr",
                url,
                "-d",
                str(tmp_path / "state"),
                "--listen-remote-api",
                "127.0.0.1:4242",
                "--engine-timeout",
                str(BOUND),
            ]
        )
    )
    assert error is None and rc == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "level=fatal" in err, err
    assert sentence(kind, url) in err


def test_node(endpoint: tuple[str, str], tmp_path: Path) -> None:
    kind, url = endpoint
    executor = dockerapi.docker_client(url, timeout=BOUND)  # API version pinned: no I/O yet
    node = Node(
        NodeConfig(
            state_dir=str(tmp_path / "state"), executor=executor, listen_remote_api="127.0.0.1:4242"
        )
    )
    ctx, cancel = with_cancel(background())

    def run() -> BaseException | None:
        node.start(ctx)
        wait, stop_waiting = with_timeout(background(), BOUND + SLACK)
        try:
            return node.err(wait)
        finally:
            stop_waiting()

    try:
        err, raised = within_bound(run)
    finally:
        cancel()
        executor.close()
    assert raised is None
    assert isinstance(err, EngineCallError) and isinstance(err, SwarmKitError)
    assert str(err) == "swarm init: " + sentence(kind, url)
    assert err.addr == url and err.__cause__ is not None


# -- classic Swarm --------------------------------------------------------------


def test_engine_connect(endpoint: tuple[str, str]) -> None:
    kind, url = endpoint
    engine = Engine(url)
    engine.request_timeout = BOUND
    _, err = within_bound(engine.connect)
    engine.disconnect()
    assert isinstance(err, EngineConnectionError) and isinstance(err, ClusterError)
    assert str(err) == sentence(kind, url)
    assert engine.status() == "Disconnected"


def test_cluster_add_engine(endpoint: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    kind, url = endpoint
    monkeypatch.setattr(Engine, "request_timeout", BOUND)
    cluster = Cluster(Scheduler(SpreadPlacementStrategy(), []))
    _, err = within_bound(lambda: cluster.add_engine(url))
    assert isinstance(err, EngineConnectionError)
    assert str(err) == sentence(kind, url)
    assert cluster.list_nodes() == []


def test_events_monitor(endpoint: tuple[str, str]) -> None:
    kind, url = endpoint
    cli = dockerapi.api_client(url, timeout=BOUND)

    def run() -> Any:
        monitor = EventsMonitor(cli, lambda msg: None)
        ec = Chan()
        monitor.start(ec)  # returns at once; the end comes on ec
        index, err, _ = select(Recv(ec), Recv(after(BOUND + SLACK)))
        assert index == 0, "nothing came on ec"
        return err

    err, raised = within_bound(run)
    cli.close()
    assert raised is None
    assert isinstance(err, dockerapi.EngineError)
    assert str(err) == sentence(kind, url)


# -- the lab's clients and the external engine -------------------------------------


@pytest.mark.parametrize("make", [bounded_client, bounded_api_client], ids=["client", "api_client"])
def test_lab_clients(endpoint: tuple[str, str], make: Callable[..., Any]) -> None:
    # The lab's clients ask the engine for its API version as they are made.
    kind, url = endpoint
    _, err = within_bound(lambda: make(url, timeout=BOUND))
    assert isinstance(err, LabEngineError) and isinstance(err, LabError)
    assert str(err) == sentence(kind, url)


def test_external_engine(endpoint: tuple[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    kind, url = endpoint
    monkeypatch.setenv("DOCKER_HOST", url)
    monkeypatch.delenv("SWARMNOTES_DOCKER_HOST", raising=False)
    _, err = within_bound(lambda: single_engine(timeout=BOUND))
    assert isinstance(err, LabEngineError)
    assert str(err) == sentence(kind, url)
    _, err = within_bound(lambda: ExternalEngine(url).client(timeout=BOUND))
    assert str(err) == sentence(kind, url)


# -- the command line: one line, no traceback -----------------------------------------


@pytest.mark.parametrize("command", ["swarmd", "lab-env"])
def test_cli_prints_one_line(endpoint: tuple[str, str], tmp_path: Path, command: str) -> None:
    kind, url = endpoint
    if command == "swarmd":
        argv = [
            "swarmd",
            "--engine-addr",
            url,
            "-d",
            str(tmp_path / "s"),
            "--listen-remote-api",
            "127.0.0.1:4242",
            "--engine-timeout",
            str(BOUND),
        ]
        env = dict(os.environ)
    else:
        # A chapter's one engine is DOCKER_HOST's: `lab status` does not use it, so
        # drive single_engine() through python -c, as a chapter's first cell does.
        argv = []
        env = dict(os.environ, DOCKER_HOST=url)
    if argv:
        cmd = [sys.executable, "-m", "swarmnotes", *argv]
    else:
        cmd = [
            sys.executable,
            "-c",
            "import sys; from swarmnotes import cli\n"
            "from swarmnotes.lab.external import single_engine\n"
            f"try:\n    single_engine(timeout={BOUND!r})\n"
            "except cli.PACKAGE_ERRORS as e:\n    print(e, file=sys.stderr); sys.exit(1)\n",
        ]
    start = time.monotonic()
    done = subprocess.run(
        cmd,
        capture_output=True,
        text=True,
        timeout=BOUND + SLACK + 20,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    elapsed = time.monotonic() - start
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.count("\n") == 1 and sentence(kind, url) in done.stderr, done.stderr
    # A new interpreter imports docker-py first: allow for it on top of the bound.
    assert elapsed < BOUND + SLACK + 10
