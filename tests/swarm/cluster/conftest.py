"""Fixtures for the classic Swarm cluster tests (engine, events monitor, cluster)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from swarmnotes.lab import Lab, LabEngine
from tests.swarm.cluster.proxy import UnixProxy


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
