"""The events monitor on a real engine (cluster/event_monitor.go, Engine.StartMonitorEvents).

Every count is checked against the daemon's own ``since``/``until`` replay of
the same period: the monitor must deliver each event exactly once, in order.
"""

from __future__ import annotations

import threading
import time

import docker
import pytest

from swarmnotes.go.chan import Chan, ClosedChannelError, Recv, after, select
from swarmnotes.go.leak import LeakError, check
from swarmnotes.lab import Lab, LabEngine
from swarmnotes.swarm.cluster import (
    Engine,
    EngineOpts,
    EventsMonitor,
    LegacyEventsMonitor,
    format_since,
)
from tests.helpers import wait_for
from tests.swarm.cluster.helpers import key, real, volume_events
from tests.swarm.cluster.proxy import UnixProxy

pytestmark = pytest.mark.engine


def recv(ch: Chan, timeout: float) -> object:
    i, value, _ = select(Recv(ch), Recv(after(timeout)))
    if i == 1:
        pytest.fail(f"nothing on the channel within {timeout:g} s")
    return value


def replay(api: docker.APIClient, since: int, until: int) -> list[dict]:
    return list(api.events(since=format_since(since), until=format_since(until), decode=True))


def test_start_stop(api: docker.APIClient) -> None:
    got: list[dict] = []
    monitor = EventsMonitor(api, got.append)
    monitor.stop()  # never started: a no-op
    ec = Chan(1)
    with check(timeout=5.0):  # stop leaves no goroutine behind (Go's decoder leaks)
        t0 = time.time_ns()
        monitor.start(ec)
        volume_events(api, "mon-ss", 3)
        wait_for(lambda: len(got) == 6, 10, "6 volume events")
        monitor.stop()
        assert recv(ec, 5) is None
        monitor.stop()  # idempotent
    assert [(m["Type"], m["Action"]) for m in got] == [
        ("volume", "create"),
        ("volume", "destroy"),
    ] * 3
    mine = [m for m in replay(api, t0, time.time_ns()) if m["Actor"]["ID"].startswith("mon-ss")]
    assert got == mine
    assert repr(monitor) == (
        "<EventsMonitor stopped [delivered: 6, duplicates dropped: 0, resyncs: 0]>"
    )


def test_handler_error_ends_the_run(api: docker.APIClient) -> None:
    def handler(msg: dict) -> None:
        raise RuntimeError("handler says stop")

    monitor = EventsMonitor(api, handler)
    ec = Chan()  # unbuffered, as in Go
    monitor.start(ec)
    volume_events(api, "mon-err", 1)
    err = recv(ec, 10)
    assert isinstance(err, RuntimeError) and str(err) == "handler says stop"
    assert monitor.delivered == 1


def test_open_error_is_sent_without_blocking_start(tmp_path) -> None:
    # Go v1.2.5 sends this error synchronously inside Start: with an unbuffered
    # channel and no receiver yet, Start never returns.
    cli = docker.APIClient(base_url=f"unix://{tmp_path}/none.sock", version="1.41", timeout=2)
    monitor = EventsMonitor(cli, lambda m: None)
    ec = Chan()
    monitor.start(ec)  # returns
    err = recv(ec, 5)
    assert isinstance(err, Exception)
    assert str(err) == (
        f"cannot reach the Docker engine at unix://{tmp_path}/none.sock: no such socket"
    )


def test_unrequested_end_is_eof_and_resume_loses_nothing(
    api: docker.APIClient, proxy: UnixProxy
) -> None:
    """The connection drops, 30 events happen meanwhile, the monitor resumes: exactly once."""
    got: list[dict] = []
    resyncs: list[int] = []
    cli = docker.APIClient(base_url=proxy.base_url, timeout=10)
    monitor = EventsMonitor(cli, got.append, on_resync=lambda: resyncs.append(1))
    ec = Chan(1)
    t0 = time.time_ns()
    monitor.start(ec)
    volume_events(api, "mon-cut-a", 5)
    wait_for(lambda: len(got) == 10, 10, "the first 10 events")

    proxy.refuse()
    proxy.cut()
    err = recv(ec, 10)
    assert isinstance(err, EOFError) and str(err) == "EOF"  # docker-py ended silently
    volume_events(api, "mon-cut-b", 15)  # while the monitor is disconnected
    proxy.allow()
    monitor.start(ec)
    assert monitor.resume_since() == format_since(got[-1]["timeNano"])
    volume_events(api, "mon-cut-c", 5)
    wait_for(lambda: len(got) == 50, 10, "all 50 events")
    monitor.stop()
    assert recv(ec, 5) is None

    expected = [
        m for m in replay(api, t0, time.time_ns()) if m["Actor"]["ID"].startswith("mon-cut")
    ]
    assert len(expected) == 50
    assert got == expected  # all of them, in order, none twice
    assert (monitor.duplicates_dropped, monitor.resyncs, resyncs) == (1, 0, [])


def test_slow_handler_burst_of_500_loses_none(api: docker.APIClient) -> None:
    """A handler far slower than the daemon: the socket is still read at once.

    The handler is held on its first event until the whole burst has been made,
    so the decoder must read all 500 events while the handler is stuck (whatever
    the machine's load), and then every one still reaches the handler, in order.
    """
    got: list[dict] = []
    release = threading.Event()

    def slow(msg: dict) -> None:
        release.wait(60)  # bounded: a broken test must not hang CI
        time.sleep(0.001)
        got.append(msg)

    monitor = EventsMonitor(api, slow, filters={"type": ["volume"]})
    ec = Chan(1)
    t0 = time.time_ns()
    monitor.start(ec)
    volume_events(api, "mon-burst", 250)
    t1 = time.time_ns()
    try:
        # The decoder read ahead of the blocked handler instead of leaving
        # events in the daemon (which drops them for a stalled reader).
        wait_for(
            lambda: monitor.max_read_ahead >= 499,
            30,
            "the decoder to read the burst while the handler is blocked",
        )
        assert got == []
    finally:
        release.set()
    wait_for(lambda: len(got) >= 500, 30, "500 events through the slow handler")
    monitor.stop()
    assert recv(ec, 5) is None
    # The daemon replays only its last 256 events, so the reference is the
    # sequence the loop made: create, destroy, for each of the 250 volumes.
    expected = [(action, f"mon-burst-{i}") for i in range(250) for action in ("create", "destroy")]
    assert [(m["Action"], m["Actor"]["ID"]) for m in got] == expected
    assert len({key(m) for m in got}) == 500
    tail = [m for m in replay(api, t0, t1) if m["Actor"]["ID"].startswith("mon-burst")]
    assert len(tail) == 256 and got[-256:] == tail


def test_engine_restarts_monitor_at_once_on_eof(engine: LabEngine, proxy: UnixProxy) -> None:
    e = Engine(proxy.base_url, opts=EngineOpts(30.0, 30.0, 3))  # back-off would be 30 s
    try:
        e.connect()
        monitor = e._events_monitor
        assert monitor is not None
        wait_for(lambda: any("start" in h for _, h in monitor.history), 5, "the first run")
        proxy.cut()  # EOF: no back-off
        wait_for(
            lambda: any(h.startswith("run 2: start") for _, h in monitor.history),
            10,
            "the monitor restarted after EOF",
        )
        texts = [h for _, h in monitor.history]
        assert texts[:2] == [texts[0], "run 1: ended: EOF"]
        assert texts[0].startswith("run 1: start")
    finally:
        e.disconnect()


def test_engine_backs_off_after_an_error(engine: LabEngine, proxy: UnixProxy) -> None:
    e = Engine(proxy.base_url, opts=EngineOpts(1.0, 1.2, 3))
    try:
        e.connect()
        monitor = e._events_monitor
        assert monitor is not None
        proxy.refuse()
        proxy.cut()  # EOF, then the immediate restart fails: back-off from then on
        wait_for(
            lambda: sum("open failed" in h for _, h in monitor.history) >= 2,
            15,
            "two failed reopen attempts",
        )
        proxy.allow()
        wait_for(
            lambda: (
                "ended" not in monitor.history[-1][1]
                and "open failed" not in monitor.history[-1][1]
                and "start" in monitor.history[-1][1]
                and time.monotonic() - monitor.history[-1][0] > 0.3
            ),
            15,
            "a good run again",
        )
        history = list(monitor.history)
        texts = [h for _, h in history]
        assert texts[1] == "run 1: ended: EOF"
        assert texts[2].startswith("run 2: start") and texts[3].startswith("run 2: open failed")
        # EOF: restarted at once. An error: restarted after the delayer's back-off
        # (refresh_min_interval * (1 + failures) + random, here at least 1 s).
        failures = [t for t, h in history if "open failed" in h]
        starts = [t for t, h in history if "start" in h]
        for failed_at in failures:
            next_start = min(t for t in starts if t > failed_at)
            assert next_start - failed_at >= 1.0
    finally:
        e.disconnect()


def test_restart_of_dockerd_under_the_engine(healthy_lab: Lab) -> None:
    """dockerd restarts: every event still comes exactly once, and a full refresh follows."""
    le = healthy_lab.engine(1)
    e = Engine(le.base_url, opts=EngineOpts(0.2, 0.4, 3))
    got: list[dict] = []
    e.register_event_handler(lambda ev: got.append(ev.message))
    api = le.api_client()
    try:
        e.connect()
        e.validation_complete()
        t0 = time.time_ns()
        volume_events(api, "mon-rs-a", 10)
        wait_for(lambda: len(real(got)) == 20, 10, "20 events before the restart")
        before = replay(api, t0, time.time_ns())
        healthy_lab.restart_engine(1)
        t1 = time.time_ns()
        volume_events(api, "mon-rs-b", 10)
        wait_for(lambda: len(real(got)) >= 40, 20, "20 more events after the restart")
        after_ = replay(api, t1, time.time_ns())
        mine = [m for m in real(got) if m["Actor"]["ID"].startswith("mon-rs")]
        expected = [m for m in before + after_ if m["Actor"]["ID"].startswith("mon-rs")]
        assert len(expected) == 40
        assert [key(m) for m in mine] == [key(m) for m in expected]
        assert e._events_monitor is not None and e._events_monitor.resyncs >= 1
        wait_for(e.is_healthy, 10, "the engine healthy again")
    finally:
        e.disconnect()
        api.close()


def test_unreachable_engine_fails_connect_within_timeout(lab: Lab) -> None:
    # An address on the lab bridge that nobody has: no answer at all.
    prefix = lab.engine(1).address.rsplit(".", 1)[0]
    e = Engine(f"{prefix}.99:2375")
    e.request_timeout = 2.0
    t = time.monotonic()
    with pytest.raises(Exception) as info:
        e.connect()
    assert time.monotonic() - t < e.request_timeout + 3.0
    assert e.status() == "Pending" and e.ip == f"{prefix}.99"
    assert "99" in str(info.value)


def test_refused_engine_fails_connect_at_once(lab: Lab) -> None:
    e = Engine(f"{lab.engine(1).address}:2375")  # an engine, but no TCP listener
    t = time.monotonic()
    with pytest.raises(Exception) as info:
        e.connect()
    assert time.monotonic() - t < 5.0
    assert "onnection refused" in str(info.value)


def test_events_are_read_while_the_handler_blocks(api: docker.APIClient) -> None:
    """Go's unbuffered hand-off leaves events in the daemon while the handler works."""
    gate = threading.Event()
    got: list[dict] = []

    def blocked(msg: dict) -> None:
        gate.wait(10)
        got.append(msg)

    monitor = EventsMonitor(api, blocked, filters={"type": ["volume"]})
    ec = Chan(1)
    monitor.start(ec)
    volume_events(api, "mon-gate", 20)
    # The handler holds the first message; the other 39 were read anyway.
    wait_for(lambda: monitor.received == 40, 10, "40 events read")
    assert monitor.delivered == 1 and got == []
    gate.set()
    wait_for(lambda: len(got) == 40, 10, "all 40 handled")
    monitor.stop()
    assert recv(ec, 5) is None


def test_legacy_monitor_leaks_its_decoder(api: docker.APIClient) -> None:
    """v1.2.5 as it was: after Stop, the decoder blocks forever on its next send."""
    got: list[dict] = []
    legacy = LegacyEventsMonitor(api, got.append)
    with pytest.raises(LeakError, match=r"1 leaked goroutine: LegacyEventsMonitor\.start"):
        with check(timeout=1.0):
            ec = Chan(1)
            legacy.start(ec)
            volume_events(api, "mon-legacy", 1)
            wait_for(lambda: len(got) == 2, 10, "2 events through the legacy monitor")
            legacy.stop()
            assert recv(ec, 5) is None
    with pytest.raises(ClosedChannelError):
        legacy.stop()  # Go: close of closed channel panics
