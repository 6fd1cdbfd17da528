"""Fixtures for the classic Swarm cluster tests (engine, events monitor, cluster)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import docker
import pytest

from swarmnotes.lab import LABEL, Lab, LabEngine

from .proxy import UnixProxy


def wait_for(cond: Callable[[], object], timeout: float, what: str) -> None:
    """docker-py's wait_on_condition: poll ``cond`` until true, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


def volume_events(api: docker.APIClient, prefix: str, pairs: int) -> None:
    """Make ``2 * pairs`` events: create and remove labelled volumes."""
    for i in range(pairs):
        name = f"{prefix}-{i}"
        api.create_volume(name=name, labels=LABEL)
        api.remove_volume(name)


def real(messages: list[dict]) -> list[dict]:
    """The engine's own events (not swarm's engine_connect and friends)."""
    return [m for m in messages if m.get("Type") != "swarm"]


def key(m: dict) -> tuple:
    return (m["timeNano"], m["Type"], m["Action"], m["Actor"]["ID"])


@pytest.fixture
def api(engine: LabEngine) -> Iterator[docker.APIClient]:
    with engine.api_client() as client:
        yield client


@pytest.fixture
def proxy(engine: LabEngine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[UnixProxy]:
    # A short path: unix socket paths are limited to 107 bytes.
    d = Path(tmp_path_factory.mktemp("px", numbered=True))
    p = UnixProxy(engine.base_url, str(d / "e.sock"))
    p.allow()
    yield p
    p.close()


@pytest.fixture
def healthy_lab(lab: Lab) -> Iterator[Lab]:
    """The lab; afterwards every engine is running again (a test may kill one)."""
    yield lab
    for i, e in enumerate(lab.engines, start=1):
        if e.state() != "running":
            lab.start_engine(i)
