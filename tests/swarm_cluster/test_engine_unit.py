"""Engine-free tests of cluster/engine.go, event.go and the delayer, mirroring engine_test.go.

Objects are built directly (no Docker API): health, failure counting,
overcommit, handlers, pending containers.
"""

from __future__ import annotations

import requests

from swarmnotes.go.chan import Chan
from swarmnotes.swarm.cluster import (
    ClusterError,
    Container,
    Delayer,
    Engine,
    EngineOpts,
    Event,
    EventHandlers,
    PendingContainer,
    format_since,
)
from swarmnotes.swarm.cluster.engine import STATE_HEALTHY, STATE_UNHEALTHY
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler.node import new_node

GiB = 1 << 30


def test_delayer_range() -> None:
    d = Delayer(2.0, 3.0)
    for factor in (0, 1, 4):
        for _ in range(50):
            delay = d.delay(factor)
            assert 2.0 * (1 + factor) <= delay < 2.0 * (1 + factor) + 1.0


def test_delayer_zero_range_and_wait() -> None:
    d = Delayer(0.0, 0.0)  # Go: Int63n(0) would panic; the range test avoids it
    assert d.delay(5) == 0.0
    ch = d.wait(0)
    assert isinstance(ch, Chan)
    value, ok = ch.recv()
    assert ok and isinstance(value, float)


def test_new_engine_is_pending_and_empty() -> None:
    e = Engine("127.0.0.1:2375")
    assert (e.status(), e.is_healthy(), e.health_indicator()) == ("Pending", False, 0)
    assert (e.id, e.ip, e.name, e.version, e.cpus, e.memory) == ("", "", "", "", 0, 0)
    assert e.containers() == [] and e.images() == [] and e.networks() == []


def test_engine_total_memory_and_cpus() -> None:
    # Go: TestTotalMemory / TestTotalCpus
    e = Engine("addr", 0.05, EngineOpts())
    e.memory, e.cpus = 1024, 2
    assert e.total_memory() == 1024 + 1024 * 5 // 100
    assert e.total_cpus() == 2  # 2 + 10/100 truncates to 2
    e = Engine("addr", 0.0)
    e.memory, e.cpus = 1024, 2
    assert (e.total_memory(), e.total_cpus()) == (1024, 2)
    e = Engine("addr", -0.5)  # Go truncates toward zero
    e.memory, e.cpus = 3, 3
    assert (e.total_memory(), e.total_cpus()) == (2, 2)


def test_health_indicator_and_failure_count() -> None:
    # Go: TestEngineFailureCount / TestHealthINdicator
    e = Engine("addr", opts=EngineOpts(failure_retry=3))
    e._set_state(STATE_HEALTHY)
    refused = requests.exceptions.ConnectionError("Connection refused")
    indicators = []
    for _ in range(3):
        indicators.append(e.health_indicator())
        e.check_connection_err(refused)
    assert indicators == [100, 67, 34]
    assert (e.status(), e.health_indicator()) == ("Unhealthy", 0)
    assert e.err_msg() == "Connection refused"
    e.check_connection_err(None)
    assert (e.status(), e.health_indicator(), e.err_msg()) == ("Healthy", 100, "")


def test_other_errors_are_ignored() -> None:
    e = Engine("addr")
    e._set_state(STATE_HEALTHY)
    e.check_connection_err(ValueError("No such container: x"))
    assert e._get_failure_count() == 0 and e.health_indicator() == 100
    e.check_connection_err(RuntimeError("Cannot connect to the docker engine endpoint"))
    assert e._get_failure_count() == 1


def test_swarm_events_are_emitted() -> None:
    e = Engine("addr", opts=EngineOpts(failure_retry=1))
    e.name = "e1"
    seen: list[Event] = []
    e.register_event_handler(seen.append)
    e._set_state(STATE_HEALTHY)
    e.check_connection_err(requests.exceptions.ConnectionError("refused"))
    assert e._state == STATE_UNHEALTHY
    e.check_connection_err(None)
    assert [ev.action for ev in seen] == ["engine_disconnect", "engine_reconnect"]
    msg = seen[0].message
    assert (msg["Type"], msg["from"], msg["status"], seen[0].engine) == ("swarm", "swarm",
                                                                         "engine_disconnect", e)


def test_register_event_handler_twice() -> None:
    e = Engine("addr")
    e.register_event_handler(lambda ev: None)
    try:
        e.register_event_handler(lambda ev: None)
    except ClusterError as err:
        assert str(err) == "event handler already set"
    else:
        raise AssertionError("expected ClusterError")


def test_event_handlers() -> None:
    handlers = EventHandlers()
    got: list[str] = []

    class H:
        def handle(self, event: Event) -> None:
            got.append("object " + event.action)

    def broken(event: Event) -> None:
        raise RuntimeError("handler failed")  # logged, the others still run

    h = H()
    for each in (h, broken, lambda ev: got.append("function " + ev.action)):
        handlers.register_event_handler(each)
    try:
        handlers.register_event_handler(h)
    except ClusterError as err:
        assert str(err) == "event handler already set"
    handlers.handle(Event({"Type": "container", "Action": "start"}))
    assert got == ["object start", "function start"]
    handlers.unregister_event_handler(h)
    handlers.unregister_event_handler(h)  # no error
    assert len(handlers) == 2


def test_add_container_and_used_resources() -> None:
    e = Engine("addr")
    e.memory, e.cpus = 4 * GiB, 4
    c = Container(id="c1", config=build_container_config({}, {"Memory": GiB, "CpuShares": 2}))
    e.add_container(c)
    try:
        e.add_container(c)
    except ClusterError as err:
        assert str(err) == "container already exists"
    assert (e.used_memory(), e.used_cpus()) == (GiB, 2)
    node = new_node(e)
    assert (node.used_memory, node.used_cpus, node.total_cpus) == (GiB, 2, 4)
    e._remove_container(c)
    try:
        e._remove_container(c)
    except ClusterError as err:
        assert str(err) == "container not found"


def test_pending_container_to_container() -> None:
    # Go: pendingContainer.ToContainer
    e = Engine("addr")
    config = build_container_config({"Labels": {"a": "b"}}, {"Memory": GiB})
    pc = PendingContainer(config=config, name="web", engine=e)
    c = pc.to_container()
    assert (c.names, c.labels, c.config, c.engine, c.info) == (["/web"], {"a": "b"}, config, e,
                                                                {"HostConfig": {}})
    assert PendingContainer(ContainerConfig(), "", e).to_container().names == []


def test_format_since_is_exact() -> None:
    assert format_since(1795753601017677362) == "1795753601.017677362"
    assert format_since(1795753601000000001) == "1795753601.000000001"
