"""Fixtures shared by every test: the lab, and a registry of what a test made.

The lab is brought up once per session. If this session started it, it also
brings it down at the end; a lab that was already up (as under `make test`) is
left for whoever started it. A test that needs the lab and cannot get one
fails with the reason: it never silently skips.

Every test that uses the ``lab`` fixture, directly or through another fixture
(``engine``, ``swarm_lab``, ...), in any directory below this one, is marked
``engine`` at collection, so ``pytest -m "not engine" tests/`` runs what needs
neither root nor Docker. A test that makes a lab of its own marks itself.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from swarmnotes.lab import Lab, LabEngine, LabError, Registry, count_labelled


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "lab" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.engine)


@pytest.fixture(scope="session")
def lab() -> Iterator[Lab]:
    engines_before = Lab().engines
    was_up = bool(engines_before) and all(e.state() == "running" for e in engines_before)
    try:
        the_lab = Lab.up(engines=3)
    except LabError as exc:
        pytest.fail(
            f"the Docker lab could not start: {exc}\n"
            "Engine tests need root and Debian's docker.io: run `make test`.",
            pytrace=False,
        )
    yield the_lab
    leftovers = {}
    for engine in the_lab.engines:
        with engine.client() as client:
            count = count_labelled(client)
        if count:
            leftovers[engine.name] = count
    if not was_up:
        the_lab.down()
    assert not leftovers, f"tests left labelled objects behind: {leftovers}"


@pytest.fixture
def engine(lab: Lab) -> LabEngine:
    """Lab engine 1."""
    return lab.engine(1)


@pytest.fixture
def registry() -> Iterator[Registry]:
    """Track what a test creates; it is removed when the test ends."""
    reg = Registry()
    yield reg
    reg.cleanup()
