"""The events stream's liveness rule: a silent connection is noticed; resuming loses nothing.

A proxy in front of lab engine 2 goes silent (it holds every byte, closes
nothing): the stream has no read timeout, so only the monitor's ping notices.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from swarmnotes import dockerapi
from swarmnotes.go import leak
from swarmnotes.go.chan import Chan, Recv, after, select
from swarmnotes.lab import LABEL, Lab
from swarmnotes.swarm.cluster import EventsMonitor
from swarmnotes.swarm.cluster.event_monitor import MonitorStatistics

from .faults_helpers import SLACK, Freezer

pytestmark = pytest.mark.engine

LIVENESS = 1.0
TIMEOUT = 1.0


@pytest.fixture
def freezer(lab: Lab) -> Iterator[Freezer]:
    proxy = Freezer(str(lab.engine(2).socket))
    yield proxy
    proxy.close()


def test_a_silent_stream_is_noticed_and_resumed_without_loss(lab: Lab, freezer: Freezer) -> None:
    engine = lab.engine(2)
    got: list[dict[str, Any]] = []
    lock = threading.Lock()

    def handler(msg: dict[str, Any]) -> None:
        with lock:
            got.append(msg)

    def wait_count(n: int, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            with lock:
                if len(got) >= n:
                    return
            if time.monotonic() > deadline:
                pytest.fail(f"only {len(got)} of {n} events within {timeout:g} s")
            time.sleep(0.02)

    def volumes(prefix: str, n: int) -> None:
        with engine.api_client() as a:  # straight to the engine, not through the proxy
            for i in range(n):
                a.create_volume(name=f"{prefix}-{i}", labels=LABEL)
                a.remove_volume(f"{prefix}-{i}")

    api = dockerapi.api_client(freezer.url, timeout=TIMEOUT)
    monitor = EventsMonitor(api, handler, filters={"type": ["volume"]}, liveness=LIVENESS)
    with leak.check(timeout=10):
        ec = Chan()
        monitor.start(ec)
        volumes("live-a", 3)
        wait_count(6, 10)

        freezer.frozen.set()
        frozen_at = time.monotonic()
        volumes("live-b", 3)  # happen while the stream is silent
        index, err, _ = select(Recv(ec), Recv(after(LIVENESS * 2 + TIMEOUT + SLACK)))
        noticed = time.monotonic() - frozen_at
        assert index == 0, "the silent stream was not noticed"
        assert isinstance(err, dockerapi.EngineError)
        assert str(err) == (
            f"the Docker engine at {freezer.url} accepted the connection "
            f"but did not answer within {TIMEOUT:g} s"
        )
        assert noticed < LIVENESS * 2 + TIMEOUT + SLACK

        freezer.frozen.clear()
        ec = Chan()
        monitor.start(ec)  # resumes with since: the three pairs made while silent come now
        wait_count(12, 10)
        time.sleep(0.3)
        monitor.stop()
        assert ec.recv() == (None, True)
    api.close()

    names = [m["Actor"]["ID"] for m in got]
    expected = [f"live-{p}-{i}" for p in "ab" for i in range(3) for _ in (0, 1)]
    assert names == expected  # every event, once, in order
    stats = monitor.statistics()
    assert isinstance(stats, MonitorStatistics)
    assert (stats.runs, stats.delivered, stats.silent_ends, stats.resyncs) == (2, 12, 1, 0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stats.delivered = 0  # type: ignore[misc]
    assert any("ended: the Docker engine" in text for _, text in stats.history)
