"""Fixtures for the swarmkit tests: swarm-mode cleanup on the lab's engines.

Every engine test leaves the swarm on every engine when it ends, whatever
happened, and the module fixture asserts at the end that every lab engine is
out of swarm mode (LocalNodeState ``inactive``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import docker
import pytest

from swarmnotes.lab import Lab
from tests.helpers import MISSING_SOCKET, leave_all


@pytest.fixture
def unreachable() -> Iterator[docker.DockerClient]:
    """A client of an engine whose socket does not exist (version given: no probe)."""
    client = docker.DockerClient(base_url=MISSING_SOCKET, version="1.41")
    yield client
    client.close()


@pytest.fixture(scope="module")
def swarm_lab(lab: Lab) -> Iterator[Lab]:
    """The lab, out of swarm mode before and (asserted) after this module's tests."""
    leave_all(lab)
    yield lab
    states = leave_all(lab)
    assert set(states.values()) == {"inactive"}, states


@pytest.fixture
def clean_swarm(swarm_lab: Lab) -> Iterator[Lab]:
    """The lab; after the test, every engine is running and out of its swarm."""
    yield swarm_lab
    for engine in swarm_lab.engines:
        if engine.state() != "running":
            swarm_lab.start_engine(engine.index)
    leave_all(swarm_lab)


@pytest.fixture
def state_dir(tmp_path: Path) -> str:
    return str(tmp_path / "state")
