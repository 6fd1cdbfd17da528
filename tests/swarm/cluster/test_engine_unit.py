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
    # docker-py's shape: requests' ConnectionError wrapping the OS error.
    refused = requests.exceptions.ConnectionError(ConnectionRefusedError(111, "Connection refused"))
    indicators = []
    for _ in range(3):
        indicators.append(e.health_indicator())
        e.check_connection_err(refused)
    assert indicators == [100, 67, 34]
    assert (e.status(), e.health_indicator()) == ("Unhealthy", 0)
    assert e.err_msg() == "cannot reach the Docker engine at tcp://addr: connection refused"
    e.check_connection_err(None)
    assert (e.status(), e.health_indicator(), e.err_msg()) == ("Healthy", 100, "")


def test_other_errors_are_ignored() -> None:
    e = Engine("addr")
    e._set_state(STATE_HEALTHY)
    e.check_connection_err(ValueError("No such container: x"))
    assert e._get_failure_count() == 0 and e.health_indicator() == 100
    # Recognised by type, never by text: Go's words in some other error do not count.
    e.check_connection_err(RuntimeError("Cannot connect to the docker engine endpoint"))
    assert e._get_failure_count() == 0
    e.check_connection_err(requests.exceptions.ReadTimeout("Read timed out."))
    assert e._get_failure_count() == 1
    assert e.err_msg() == (
        "the Docker engine at tcp://addr accepted the connection but did not answer within 10 s"
    )


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
    assert (msg["Type"], msg["from"], msg["status"], seen[0].engine) == (
        "swarm",
        "swarm",
        "engine_disconnect",
        e,
    )


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
    assert (c.names, c.labels, c.config, c.engine, c.info) == (
        ["/web"],
        {"a": "b"},
        config,
        e,
        {"HostConfig": {}},
    )
    assert PendingContainer(ContainerConfig(), "", e).to_container().names == []


def test_format_since_is_exact() -> None:
    assert format_since(1795753601017677362) == "1795753601.017677362"
    assert format_since(1795753601000000001) == "1795753601.000000001"


def test_cpus_round_trip_through_shares() -> None:
    # Go: TestUsedCpus (there through a mocked engine): every container size on
    # every host size comes back as the same number of CPUs.
    from swarmnotes.swarm.cluster.engine import cpus_to_shares, shares_to_cpus

    for host in (1, 2, 4, 8, 10, 12, 16, 20, 32, 36, 40, 48):
        for cpus in (1, 2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47):
            if cpus <= host:
                assert shares_to_cpus(cpus_to_shares(cpus, host), host) == cpus
    assert cpus_to_shares(1, 2) == 512 and cpus_to_shares(0, 2) == 0


def test_version_compare_and_client_version() -> None:
    from swarmnotes.swarm.cluster.engine import _version_less_than

    assert _version_less_than("1.7.1", "1.8.0")
    assert not _version_less_than("20.10.24+dfsg1", "1.8.0")
    assert not _version_less_than("1.8", "1.8.0")
    e = Engine("addr")
    for server, pinned in (
        ("1.8.3", "1.20"),
        ("1.9.1", "1.21"),
        ("1.10.0", "1.22"),
        ("1.11.2", "1.23"),
        ("1.12.0", "1.24"),
        ("20.10.24", "1.24"),
    ):
        e._update_client_version_from_server(server)
        assert e.api_version == pinned


def test_time_to_validate() -> None:
    e = Engine("addr")
    assert not e.time_to_validate()  # just created
    e._updated_at -= 31.5  # 2**0 + 30 s ago
    assert e.time_to_validate()
    e._set_state(STATE_HEALTHY)
    assert not e.time_to_validate()  # only pending engines are validated


def test_shift_rfc3339() -> None:
    from swarmnotes.swarm.cluster.engine import _shift_rfc3339

    assert _shift_rfc3339("2016-06-06T01:41:38.090313266Z", 0) == "2016-06-06T01:41:38.090313266Z"
    assert _shift_rfc3339("2016-06-06T01:41:38.090313266Z", 3.5) == "2016-06-06T01:41:41.590313Z"


def _engine_with(name: str, *containers: Container) -> Engine:
    e = Engine(name + ":2375")
    e.id, e.name, e.memory, e.cpus = name + "-id", name, 4 * GiB, 4
    e._set_state(STATE_HEALTHY)
    for c in containers:
        c.engine = e
        e.add_container(c)
    return e


def test_container_lookup() -> None:
    # Go: cluster/swarm TestContainerLookup
    from swarmnotes.swarm.cluster import Cluster
    from swarmnotes.swarm.scheduler import Scheduler, strategy

    c = Cluster(Scheduler(strategy.SpreadPlacementStrategy(), []))
    c1 = Container(
        id="container1-id",
        names=["/container1-name1", "/container1-name2"],
        config=build_container_config({"Labels": {"com.docker.swarm.id": "swarm1-id"}}),
    )
    c2 = Container(
        id="container2-id",
        names=["/con"],
        config=build_container_config({"Labels": {"com.docker.swarm.id": "swarm2-id"}}),
    )
    n = _engine_with("test-engine", c1, c2)
    c._engines[n.id] = n

    assert len(c.containers()) == 2
    assert c.container("invalid-id") is None and c.container("") is None
    assert c.container("container1-id") is c1
    assert c.container("container1-") is c1
    assert c.container("container") is None
    assert c.container("container1-name1") is c1 and c.container("container1-name2") is c1
    assert c.container("test-engine/container1-name1") is c1
    assert c.container("test-engine/container1-name2") is c1
    assert c.container("swarm1-id") is c1 and c.container("swarm1-") is c1
    assert c.container("swarm") is None
    assert c.container("con") is c2  # a name wins over an ID prefix


def test_list_nodes_adds_pending_containers() -> None:
    from swarmnotes.swarm.cluster import Cluster
    from swarmnotes.swarm.scheduler import Scheduler, strategy

    c = Cluster(Scheduler(strategy.SpreadPlacementStrategy(), []))
    e1 = _engine_with(
        "e1",
        Container(id="running", names=["/a"], config=build_container_config({}, {"Memory": GiB})),
    )
    e2 = _engine_with("e2")
    c._engines = {e1.id: e1, e2.id: e2}
    pending = build_container_config({}, {"Memory": 2 * GiB, "CpuShares": 1})
    pending.set_swarm_id("swarm-pending")
    c.pending_containers["swarm-pending"] = PendingContainer(pending, "web", e1)
    too_big = build_container_config({}, {"Memory": 64 * GiB})
    too_big.set_swarm_id("swarm-big")
    c.pending_containers["swarm-big"] = PendingContainer(too_big, "big", e2)  # error ignored

    n1, n2 = c.list_nodes()
    assert (n1.name, len(n1.containers), n1.used_memory, n1.used_cpus) == ("e1", 2, 3 * GiB, 1)
    assert n1.container("web") is not None and n1.container("swarm-pending") is not None
    assert (n2.name, len(n2.containers), n2.used_memory) == ("e2", 0, 0)
    assert (n1.health_indicator, n1.total_memory) == (100, 4 * GiB + 4 * GiB * 5 // 100)
    # once the engine reports it (by swarm ID), the pending copy is not added again
    reported = Container(id="new", names=["/web"], config=pending)
    reported.engine = e1
    e1.add_container(reported)
    assert len(c.list_nodes()[0].containers) == 2
