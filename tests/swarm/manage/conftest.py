"""Fixtures for ``swarmnotes manage``: the real command, the real docker CLI, the lab.

Every container a test makes through the manager carries ``io.swarmnotes=1``
and a name from :func:`names`; the ``clean`` fixture removes them from
every engine afterwards, whether the test passed or not.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable, Iterator

import pytest

from swarmnotes.lab import Lab, remove_labelled
from swarmnotes.swarm.cli.run import DOCKER, ManagerProcess, docker

# Short intervals so that a killed engine is noticed within seconds.
FAST = (
    "--engine-refresh-min-interval",
    "1s",
    "--engine-refresh-max-interval",
    "2s",
    "--engine-failure-retry",
    "1",
)
IMAGE = "swarmnotes/busybox:latest"

_seq = itertools.count()


def wait_for(cond: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``cond`` until true, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.1)


def names(n: int = 1) -> list[str]:
    """Fresh container names, unique in this test session."""
    return [f"mgr-{os.getpid() % 1000}-{next(_seq)}" for _ in range(n)]


def run_d(host: str, name: str, *args: str, cmd: tuple[str, ...] = ("sleep", "120")) -> str:
    """``docker run -d --label io.swarmnotes=1 --name NAME ARGS IMAGE CMD``: the node it went to."""
    result = docker(
        host, "run", "-d", "--label", "io.swarmnotes=1", "--name", name, *args, IMAGE, *cmd
    )
    assert result.returncode == 0, result.stderr
    return node_of(host, name)


def node_of(host: str, name: str) -> str:
    result = docker(host, "inspect", "-f", "{{.Node.Name}}", name)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def _clean_lab(lab: Lab) -> None:
    for engine in lab.engines:
        if engine.state() == "running":
            with engine.client() as client:
                remove_labelled(client)


@pytest.fixture(scope="session")
def docker_cli() -> str:
    if not os.access(DOCKER, os.X_OK):
        pytest.fail(f"the docker CLI is needed at {DOCKER} (Debian's docker.io)", pytrace=False)
    return DOCKER


@pytest.fixture
def clean(lab: Lab) -> Iterator[Lab]:
    """An empty lab before and after the test (labelled objects removed)."""
    _clean_lab(lab)
    yield lab
    for i, engine in enumerate(lab.engines, start=1):
        if engine.state() != "running":
            lab.start_engine(i)
    _clean_lab(lab)


@pytest.fixture(scope="module")
def manager(lab: Lab, docker_cli: str) -> Iterator[ManagerProcess]:
    """One manager over the lab, default strategy and filters, fast engine refresh."""
    m = ManagerProcess(*FAST).start()
    yield m
    assert m.stop() == 0, m.stderr


@pytest.fixture
def start_manager(lab: Lab, docker_cli: str) -> Iterator[Callable[..., ManagerProcess]]:
    """Start a manager with the given flags; each is stopped (and checked) at the end."""
    started: list[ManagerProcess] = []

    def start(*flags: str) -> ManagerProcess:
        m = ManagerProcess(*flags).start()
        started.append(m)
        return m

    yield start
    for m in started:
        assert m.stop() == 0, m.stderr
