"""A lab engine SIGKILLed mid-call and mid-stream: the sentence, the bound, and no lost event.

Engine 3 of the lab is killed (dockerd only, as a crash would) and started
again on the same data root; the fixture leaves every engine running.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import docker
import pytest

from swarmnotes.go import leak
from swarmnotes.go.chan import Chan, Recv, after, go, select
from swarmnotes.lab import BASE_IMAGE, LABEL, Lab, LabEngine, LabEngineError, remove_labelled
from swarmnotes.swarm.cluster import Engine, EngineOpts, EventsMonitor, format_since
from swarmnotes.swarm.errors import EngineConnectionError

from .faults_helpers import SLACK

pytestmark = pytest.mark.engine

VICTIM = 3  # the engine this module kills


@pytest.fixture
def victim(lab: Lab) -> Iterator[LabEngine]:
    engine = lab.engine(VICTIM)
    if engine.state() != "running":
        lab.start_engine(VICTIM)
    yield engine
    if engine.state() != "running":
        lab.start_engine(VICTIM)
    with engine.client() as client:
        remove_labelled(client)


def dead(url: str) -> set[str]:
    """What a call to a freshly killed dockerd may say: its socket file stays and refuses
    connections; now and then (seen here, cause not pinned down) the
    first call instead sees a connection closed before the answer."""
    return {
        f"cannot reach the Docker engine at {url}: connection refused",
        f"the Docker engine at {url} closed the connection before it answered",
    }


def wait_for(cond: Any, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


def test_lab_client_killed_mid_call(lab: Lab, victim: LabEngine) -> None:
    """A call in flight when dockerd dies ends at once, with the sentence."""
    with victim.api_client() as api:
        container = api.create_container(BASE_IMAGE, ["sleep", "60"], labels=LABEL)
        api.start(container)
        outcome: list[BaseException | None] = []

        def wait_container() -> None:
            try:
                api.wait(container)  # answers when the container exits: not for 60 s
                outcome.append(None)
            except Exception as exc:
                outcome.append(exc)

        caller = threading.Thread(target=wait_container, daemon=True)
        caller.start()
        time.sleep(0.5)  # the request is on the wire, its answer pending
        killed = time.monotonic()
        lab.kill_engine(VICTIM)
        caller.join(timeout=SLACK + 5)
        elapsed = time.monotonic() - killed
    assert not caller.is_alive(), "the call did not end when its engine died"
    assert elapsed < SLACK + 5
    (err,) = outcome
    assert isinstance(err, LabEngineError)
    assert str(err) == (
        f"the Docker engine at {victim.base_url} closed the connection before it answered"
    )


def test_engine_after_a_kill_says_so(lab: Lab, victim: LabEngine) -> None:
    """Classic Swarm's Engine, connected, then its dockerd killed: the next call says why."""
    engine = Engine(
        victim.base_url, opts=EngineOpts(refresh_min_interval=60, refresh_max_interval=60)
    )
    engine.request_timeout = 2.0
    with leak.check(timeout=10):  # the engine's monitor goroutines end with disconnect
        engine.connect()
        try:
            lab.kill_engine(VICTIM)
            start = time.monotonic()
            with pytest.raises(EngineConnectionError) as info:
                engine.refresh_containers(True)
            assert time.monotonic() - start < 2.0 + SLACK
            assert str(info.value) in dead(victim.base_url)
            assert engine.err_msg() == str(info.value)
        finally:
            engine.disconnect()


def test_events_monitor_loses_nothing_across_a_kill_and_restart(
    lab: Lab, victim: LabEngine
) -> None:
    """Killed mid-stream, restarted: every event the engine has is delivered exactly once.

    Counted against a since/until replay of the same engine: before the kill
    (the events of the first life) and after the restart (dockerd's replay
    ring does not survive a restart, so each life is replayed on its own).
    """
    filters = {"type": ["volume"]}  # (volume events carry no labels to filter on)
    got: list[dict[str, Any]] = []
    got_lock = threading.Lock()

    def handler(msg: dict[str, Any]) -> None:
        with got_lock:
            got.append(msg)

    def count() -> int:
        with got_lock:
            return len(got)

    api = victim.api_client(timeout=2.0)
    monitor = EventsMonitor(api, handler, filters=filters, liveness=1.0)
    quit_ = Chan()
    ends: list[BaseException | None] = []

    def keep_monitoring() -> None:
        # What Engine.start_monitor_events does, with a short back-off.
        while True:
            ec = Chan()
            monitor.start(ec)
            index, err, _ = select(Recv(ec), Recv(quit_))
            if index == 1:
                monitor.stop()
                ec.recv()
                return
            ends.append(err)
            if err is None:
                return
            index, _, _ = select(Recv(after(0.2)), Recv(quit_))
            if index == 1:
                return

    def volumes(prefix: str, n: int) -> None:
        with victim.api_client() as a:
            for i in range(n):
                a.create_volume(name=f"{prefix}-{i}", labels=LABEL)
                a.remove_volume(f"{prefix}-{i}")

    with leak.check(timeout=10):
        go(keep_monitoring)
        wait_for(lambda: monitor.statistics().runs >= 1, 5, "the first run")
        time.sleep(0.3)
        first_since = time.time_ns()
        volumes("faults-a", 5)
        wait_for(lambda: count() >= 10, 10, "the first ten events")
        with victim.api_client() as a:
            first_life = list(
                a.events(
                    since=format_since(first_since),
                    until=format_since(time.time_ns()),
                    filters=filters,
                    decode=True,
                )
            )
        lab.kill_engine(VICTIM)  # mid-stream
        wait_for(lambda: len(ends) >= 1, 5, "the stream's end")
        lab.start_engine(VICTIM)
        second_since = time.time_ns()
        volumes("faults-b", 5)
        wait_for(lambda: count() >= 20, 30, "the ten events after the restart")
        time.sleep(0.5)  # anything extra (a duplicate) would arrive now
        with victim.api_client() as a:
            second_life = list(
                a.events(
                    since=format_since(second_since),
                    until=format_since(time.time_ns()),
                    filters=filters,
                    decode=True,
                )
            )
        quit_.close()
    api.close()

    def keys(msgs: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [(m["timeNano"], m["Action"], m["Actor"]["ID"]) for m in msgs]

    assert len(first_life) == 10 and len(second_life) == 10
    assert keys(got) == keys(first_life) + keys(second_life)  # all, once, in order
    assert "EOF" in str(ends[0])
    stats = monitor.statistics()
    assert stats.delivered == 20 and stats.runs >= 2
    assert stats.resyncs >= 1  # the restart emptied the replay ring: said so


def test_docker_py_error_is_the_cause(lab: Lab, victim: LabEngine) -> None:
    """The sentence replaces urllib3's words, and keeps them as ``__cause__``."""
    lab.kill_engine(VICTIM)
    with pytest.raises(LabEngineError) as info:
        victim.client(timeout=2.0)
    assert str(info.value) in dead(victim.base_url)
    assert isinstance(info.value.__cause__, docker.errors.DockerException)


def test_chapter_helper_with_a_dead_engine(lab: Lab, victim: LabEngine) -> None:
    """The scheduling chapters' snapshot of the lab says which engine is down."""
    from swarmnotes.swarm.lab_nodes import lab_nodes

    lab.kill_engine(VICTIM)
    start = time.monotonic()
    with leak.check(timeout=5), pytest.raises(LabEngineError) as info:
        lab_nodes(lab)
    assert time.monotonic() - start < SLACK
    assert str(info.value) in dead(victim.base_url)
