"""Node without a live engine: every branch that needs no swarm, mirroring agent/node.go.

The engines here are "no engine" (``executor=None``) and an engine whose
socket does not exist, which docker-py reports at once as a ConnectionError:
a node on it starts, fails its first engine call and closes with that error.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import docker
import pytest
import requests

from swarmnotes.go import leak
from swarmnotes.go.chan import Chan
from swarmnotes.go.context import (
    Canceled,
    DeadlineExceeded,
    background,
    with_cancel,
    with_timeout,
)
from swarmnotes.swarmkit import node as node_module
from swarmnotes.swarmkit.node import (
    AgentError,
    AgentNotStartedError,
    AgentStartedError,
    AgentStoppedError,
    EngineCallError,
    EngineLeftSwarmError,
    EngineUnreachableError,
    Node,
    NodeConfig,
)
from tests.helpers import at_once, closed_within


def canceled_ctx():  # type: ignore[no-untyped-def]
    ctx, cancel = with_cancel(background())
    cancel()
    return ctx


def expired_ctx():  # type: ignore[no-untyped-def]
    ctx, _cancel = with_timeout(background(), 0)
    return ctx


def failed_node(client: docker.DockerClient, state_dir: str) -> Node:
    """A node started on an unreachable engine, waited until it has closed."""
    n = Node(NodeConfig(hostname="nowhere", state_dir=state_dir, executor=client))
    n.start(background())
    assert closed_within(n._closed, 10)
    return n


# -- errors -------------------------------------------------------------------


def test_errors_carry_gos_messages() -> None:
    assert str(AgentStartedError()) == "agent: already started"
    assert str(AgentNotStartedError()) == "agent: not started"
    assert str(AgentStoppedError()) == "agent: stopped"
    for cls in (
        AgentStartedError,
        AgentNotStartedError,
        AgentStoppedError,
        EngineUnreachableError,
        EngineLeftSwarmError,
    ):
        assert issubclass(cls, AgentError)
    assert issubclass(AgentError, RuntimeError)
    assert str(AgentStoppedError("other")) == "other"


def test_engine_errors_say_what_happened() -> None:
    last = ConnectionRefusedError(111, "Connection refused")
    err = EngineUnreachableError(3, last)
    assert str(err) == "engine unreachable: 3 heartbeats missed: [Errno 111] Connection refused"
    assert err.misses == 3
    left = EngineLeftSwarmError("error", "manager stopped")
    assert (str(left), left.state, left.reason) == (
        "engine's swarm node is error: manager stopped",
        "error",
        "manager stopped",
    )


# -- NodeConfig and NewNode ------------------------------------------------------------


def test_node_config_defaults_follow_go() -> None:
    cfg = NodeConfig(hostname="h")
    assert (cfg.listen_remote_api, cfg.heartbeat_tick, cfg.election_tick) == ("0.0.0.0:2377", 1, 3)
    assert cfg.join_addr is None and cfg.join_token is None and cfg.executor is None
    assert cfg.force_new_cluster is False and tuple(cfg.external_cas) == ()


@pytest.mark.parametrize(
    "field, value",
    [
        ("heartbeat_tick", 0),
        ("election_tick", 0),
        ("election_tick", 1.5),
        ("heartbeat_tick", 0.5),
        ("heartbeat_tick", True),
    ],
)
def test_node_config_rejects_bad_ticks(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        NodeConfig(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "listen, advertise, want",
    [
        ("172.30.0.11:2377", None, "172.30.0.11:2377"),
        ("0.0.0.0:2377", None, None),
        ("[::]:2377", None, None),
        ("0.0.0.0:2377", "10.1.2.3:2377", "10.1.2.3:2377"),
        ("eth0:2377", None, "eth0:2377"),
    ],
)
def test_advertise_address_comes_from_a_specified_listen_host(
    listen: str, advertise: str | None, want: str | None
) -> None:
    cfg = NodeConfig(listen_remote_api=listen, advertise_remote_api=advertise)
    assert node_module._advertise_addr(cfg) == want


def test_new_node_makes_the_state_dir_0700_and_does_no_engine_io(
    tmp_path: Path, unreachable: docker.DockerClient
) -> None:
    d = tmp_path / "a" / "b"
    n = Node(NodeConfig(state_dir=str(d), executor=unreachable))
    assert stat.S_IMODE(os.stat(d).st_mode) == 0o700
    assert n.state() == "new" and repr(n) == "<Node ? -: new>"
    assert n.remotes() == [] and n.node_id() == "" and n.role() == ""


def test_new_node_fails_when_the_state_dir_cannot_be_made(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(OSError):
        Node(NodeConfig(state_dir=str(tmp_path / "file" / "state")))


def test_new_node_reads_state_json_and_rejects_a_broken_one(tmp_path: Path) -> None:
    (tmp_path / "state.json").write_text('[{"NodeID": "n1", "Addr": "10.0.0.1:2377"}]')
    assert Node(NodeConfig(state_dir=str(tmp_path))).remotes() == [
        {"NodeID": "n1", "Addr": "10.0.0.1:2377"}
    ]
    (tmp_path / "state.json").write_text("{not json")
    with pytest.raises(ValueError):
        Node(NodeConfig(state_dir=str(tmp_path)))


# -- never started ------------------------------------------------------------


def test_ready_is_always_the_same_channel(state_dir: str) -> None:
    n = Node(NodeConfig(state_dir=state_dir))
    assert isinstance(n.ready(), Chan) and n.ready() is n.ready()
    assert not n.ready().closed


def test_stop_before_start_is_not_started(state_dir: str) -> None:
    n = Node(NodeConfig(state_dir=state_dir))
    with pytest.raises(AgentNotStartedError, match="^agent: not started$"):
        n.stop(background())


@pytest.mark.parametrize(
    "make_ctx, want", [(canceled_ctx, Canceled), (expired_ctx, DeadlineExceeded)]
)
def test_stop_before_start_with_a_done_ctx_raises_the_ctx_error(
    state_dir: str, make_ctx, want
) -> None:  # type: ignore[no-untyped-def]
    n = Node(NodeConfig(state_dir=state_dir))
    with pytest.raises(type(want)) as info:
        n.stop(make_ctx())
    assert info.value is want


def test_start_with_a_done_ctx_raises_and_leaves_the_node_unstarted(
    state_dir: str, unreachable: docker.DockerClient
) -> None:
    n = Node(NodeConfig(state_dir=state_dir, executor=unreachable))
    with pytest.raises(type(Canceled)) as info:
        n.start(canceled_ctx())
    assert info.value is Canceled
    assert n.state() == "new"
    with pytest.raises(AgentNotStartedError):
        n.stop(background())


def test_err_on_a_node_never_started_waits_for_the_ctx(state_dir: str) -> None:
    n = Node(NodeConfig(state_dir=state_dir))
    ctx, _ = with_timeout(background(), 0.05)
    assert n.err(ctx) is DeadlineExceeded
    assert n.err(canceled_ctx()) is Canceled


# -- a node that closes with an error on its own ----------------------------------


def test_unreachable_engine_closes_the_node_with_the_connection_error(
    state_dir: str, unreachable: docker.DockerClient
) -> None:
    n = failed_node(unreachable, state_dir)
    err = n.err(background())
    assert isinstance(err, requests.exceptions.ConnectionError)
    assert isinstance(err, EngineCallError) and isinstance(err, AgentError)
    assert str(err).startswith("swarm init: cannot reach the Docker engine at unix://")
    assert str(err).endswith(": no such socket")
    assert not n.ready().closed  # it never registered: ready stays open
    assert n.state() == "closed"
    assert repr(n) == "<Node nowhere manager: closed (EngineCallError)>"


def test_the_nodes_error_is_one_object_for_err_stop_and_start(
    state_dir: str, unreachable: docker.DockerClient
) -> None:
    n = failed_node(unreachable, state_dir)
    err = n.err(background())
    assert err is not None
    with pytest.raises(requests.exceptions.ConnectionError) as first:
        n.stop(background())
    with pytest.raises(requests.exceptions.ConnectionError) as second:
        n.stop(canceled_ctx())  # closed wins over a done ctx
    # Closed without a stop: start reports the node's error, not "stopped".
    with pytest.raises(requests.exceptions.ConnectionError) as third:
        n.start(background())
    assert first.value is err and second.value is err and third.value is err
    assert n.err(canceled_ctx()) is err  # closed wins over a done ctx
    assert not n._stopped.closed  # Go: Stop on a closed node does not close stopped


def test_concurrent_stops_agree_on_one_error_object(
    state_dir: str, unreachable: docker.DockerClient
) -> None:
    n = Node(NodeConfig(state_dir=state_dir, executor=unreachable))
    n.start(background())
    results = at_once(lambda: n.stop(with_timeout(background(), 10)[0]), 8, 15)
    assert len(results) == 8
    err = n.err(background())
    assert isinstance(err, requests.exceptions.ConnectionError)
    assert all(r is err for r in results), results


def test_no_executor_is_the_nodes_error(state_dir: str) -> None:
    n = Node(NodeConfig(state_dir=state_dir))
    n.start(background())
    err = n.err(with_timeout(background(), 10)[0])
    assert isinstance(err, ValueError) and "executor is None" in str(err)


def test_a_failed_node_leaks_no_goroutine(state_dir: str, unreachable: docker.DockerClient) -> None:
    with leak.check(timeout=5):
        n = failed_node(unreachable, state_dir)
        with pytest.raises(requests.exceptions.ConnectionError):
            n.stop(background())


def test_a_join_on_an_unreachable_engine_fails_the_same_way(
    state_dir: str, unreachable: docker.DockerClient
) -> None:
    n = Node(
        NodeConfig(
            state_dir=state_dir,
            executor=unreachable,
            join_addr="172.30.0.11:2377",
            join_token="SWMTKN-1-x",
        )
    )
    n.start(background())
    err = n.err(with_timeout(background(), 10)[0])
    assert isinstance(err, requests.exceptions.ConnectionError)
    assert n.role() == ""  # a join learns its role only from the engine


def test_concurrent_starts_launch_run_once(
    state_dir: str, unreachable: docker.DockerClient
) -> None:
    # Go: two Starts racing can both close(n.started) and panic; here one wins.
    n = Node(NodeConfig(state_dir=state_dir, executor=unreachable))
    outcomes = at_once(lambda: n.start(background()), 8, 10)
    err = n.err(with_timeout(background(), 10)[0])
    assert len(outcomes) == 8 and outcomes.count(None) == 1
    # The others found it running (already started) or already closed (its error).
    assert all(isinstance(o, AgentStartedError) or o is err for o in outcomes if o is not None)
