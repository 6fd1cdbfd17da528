"""Node on the lab's real engines: the branches that need a live swarm.

A manager on lab-1, workers on lab-2 and lab-3. Every test leaves every
engine out of swarm mode (the ``clean_swarm`` fixture), and the module ends
by asserting it (``swarm_lab``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import docker
import pytest

from swarmnotes.go import leak
from swarmnotes.go.chan import Recv, after, go, select
from swarmnotes.go.context import (
    Canceled,
    DeadlineExceeded,
    background,
    with_cancel,
    with_timeout,
)
from swarmnotes.lab import Lab, LabEngine
from swarmnotes.swarmkit.node import (
    LEAVE_TIMEOUT,
    AgentStartedError,
    AgentStoppedError,
    EngineLeftSwarmError,
    EngineUnreachableError,
    Node,
    NodeConfig,
)
from tests.helpers import at_once, closed_within, swarm_state

pytestmark = pytest.mark.engine

READY_BOUND = 20.0  # init/join take ~0.6 s; a busy 2-core machine gets room
STOP_BOUND = LEAVE_TIMEOUT + 5


def stop_ctx():  # type: ignore[no-untyped-def]
    return with_timeout(background(), STOP_BOUND)[0]


def manager_config(
    engine: LabEngine, client: docker.DockerClient, state_dir: Path, **kw: Any
) -> NodeConfig:
    return NodeConfig(
        hostname=engine.name,
        listen_remote_api=f"{engine.address}:2377",
        state_dir=str(state_dir / engine.name),
        executor=client,
        **kw,
    )


def worker_config(
    engine: LabEngine, client: docker.DockerClient, state_dir: Path, manager: LabEngine, token: str
) -> NodeConfig:
    return NodeConfig(
        hostname=engine.name,
        listen_remote_api=f"{engine.address}:2377",
        join_addr=f"{manager.address}:2377",
        join_token=token,
        state_dir=str(state_dir / engine.name),
        executor=client,
    )


def join_tokens(client: docker.DockerClient) -> dict[str, str]:
    client.swarm.reload()
    return dict(client.swarm.attrs["JoinTokens"])


@pytest.fixture
def clients(clean_swarm: Lab) -> Iterator[list[docker.DockerClient]]:
    made = [engine.client(timeout=30) for engine in clean_swarm.engines]
    yield made
    for c in made:
        c.close()


@pytest.fixture
def manager(clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path) -> Iterator[Node]:
    """A ready manager node on lab-1."""
    n = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path))
    n.start(background())
    assert closed_within(n.ready(), READY_BOUND), n
    yield n
    try:
        n.stop(stop_ctx())
    except Exception:
        pass  # the test may have ended it with an error on purpose


def test_manager_starts_ready_and_stops_out_of_swarm_mode(
    manager: Node, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    info = clients[0].info()["Swarm"]
    assert (info["LocalNodeState"], info["ControlAvailable"]) == ("active", True)
    assert manager.role() == "manager" and manager.node_id() == info["NodeID"]
    assert repr(manager) == "<Node lab-1 manager: ready>"
    # The new swarm carries the node's raft ticks.
    raft = clients[0].swarm.attrs["Spec"]["Raft"]
    assert (raft["HeartbeatTick"], raft["ElectionTick"]) == (1, 3)
    # state.json remembers the managers, as Go's persistentRemotes does.
    saved = json.loads((tmp_path / "lab-1" / "state.json").read_text())
    assert saved == [{"NodeID": info["NodeID"], "Addr": f"{info['NodeAddr']}:2377"}]
    manager.stop(stop_ctx())  # returns None, or raises
    assert manager.err(background()) is None
    assert swarm_state(clients[0]) == "inactive"
    assert repr(manager) == "<Node lab-1 manager: closed (ok)>"


def test_start_on_a_running_node_is_already_started(manager: Node) -> None:
    with pytest.raises(AgentStartedError, match="^agent: already started$"):
        manager.start(background())


def test_start_on_a_running_node_with_a_done_ctx_raises_the_ctx_error(manager: Node) -> None:
    ctx, cancel = with_cancel(background())
    cancel()
    with pytest.raises(type(Canceled)) as info:
        manager.start(ctx)
    assert info.value is Canceled
    assert manager.state() == "ready"


def test_stop_with_a_done_ctx_does_not_stop_the_node(
    manager: Node, clients: list[docker.DockerClient]
) -> None:
    ctx, cancel = with_cancel(background())
    cancel()
    with pytest.raises(type(Canceled)):
        manager.stop(ctx)
    assert manager.state() == "ready" and not manager._stopped.closed
    assert swarm_state(clients[0]) == "active"


def test_stop_whose_ctx_ends_first_then_a_second_stop_waits_for_closed(
    manager: Node, clients: list[docker.DockerClient]
) -> None:
    # The first stop closes `stopped`; its ctx is canceled as soon as it has
    # (by a goroutine watching `stopped`), long before the leave is done.
    ctx, cancel = with_cancel(background())

    def cancel_once_stopped() -> None:
        select(Recv(manager._stopped), Recv(after(STOP_BOUND)))
        cancel()

    go(cancel_once_stopped)
    with pytest.raises(type(Canceled)):
        manager.stop(ctx)
    assert manager._stopped.closed
    # Started and stopped: start says "stopped" (checked before closed).
    with pytest.raises(AgentStoppedError, match="^agent: stopped$"):
        manager.start(background())
    # The second stop lands in "stopped is closed: wait for closed or ctx".
    manager.stop(stop_ctx())  # returns None, or raises
    assert swarm_state(clients[0]) == "inactive"
    with pytest.raises(AgentStoppedError):
        manager.start(background())


def test_canceling_the_start_ctx_stops_the_node_cleanly(
    clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    n = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path))
    ctx, cancel = with_cancel(background())
    n.start(ctx)
    assert closed_within(n.ready(), READY_BOUND)
    cancel()
    assert n.err(stop_ctx()) is None  # Go: context.Canceled is filtered out
    assert swarm_state(clients[0]) == "inactive"
    # Closed with no stop and no error: start answers "stopped".
    with pytest.raises(AgentStoppedError):
        n.start(background())


def test_a_start_ctx_deadline_is_the_nodes_error(
    clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    n = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path))
    ctx, _ = with_timeout(background(), 3)
    n.start(ctx)
    assert closed_within(n.ready(), READY_BOUND)
    # Go filters only context.Canceled; DeadlineExceeded stays the error.
    assert n.err(stop_ctx()) is DeadlineExceeded
    assert swarm_state(clients[0]) == "inactive"


def test_stop_during_init_closes_with_context_canceled(
    clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    n = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path))
    n.start(background())
    # Go: stopped while waiting for its certificate, the node closes with
    # the ctx error; the init that was under way is undone.
    with pytest.raises(type(Canceled)) as info:
        n.stop(stop_ctx())
    assert info.value is Canceled and n.err(background()) is Canceled
    assert not n.ready().closed
    assert swarm_state(clients[0]) == "inactive"


def test_init_on_an_engine_already_in_a_swarm_is_the_engines_error(
    manager: Node, clients: list[docker.DockerClient], tmp_path: Path, clean_swarm: Lab
) -> None:
    second = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path / "again"))
    second.start(background())
    err = second.err(stop_ctx())
    assert isinstance(err, docker.errors.APIError)
    assert "already part of a swarm" in str(err)
    assert manager.state() == "ready"


def test_a_bad_join_token_is_the_engines_error(
    manager: Node, clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    w = Node(
        worker_config(
            clean_swarm.engine(2),
            clients[1],
            tmp_path,
            clean_swarm.engine(1),
            "SWMTKN-1-not-a-token",
        )
    )
    w.start(background())
    err = w.err(stop_ctx())
    assert isinstance(err, docker.errors.APIError) and "invalid join token" in str(err)
    assert swarm_state(clients[1]) == "inactive"


def test_workers_join_and_concurrent_stops_agree(
    manager: Node, clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    token = join_tokens(clients[0])["Worker"]
    workers = [
        Node(
            worker_config(
                clean_swarm.engine(i), clients[i - 1], tmp_path, clean_swarm.engine(1), token
            )
        )
        for i in (2, 3)
    ]
    for w in workers:
        w.start(background())
    for w in workers:
        assert closed_within(w.ready(), READY_BOUND), w
        assert w.role() == "worker"
    names = sorted(n.attrs["Description"]["Hostname"] for n in clients[0].nodes.list())
    assert names == ["lab-1", "lab-2", "lab-3"]
    assert [repr(w) for w in workers] == [
        "<Node lab-2 worker: ready>",
        "<Node lab-3 worker: ready>",
    ]
    # Six threads stop one worker at once: one closes `stopped`, all agree.
    outcomes = at_once(lambda: workers[0].stop(stop_ctx()), 6, STOP_BOUND + 5)
    assert outcomes == [None] * 6
    assert swarm_state(clients[1]) == "inactive"
    workers[1].stop(stop_ctx())  # returns None, or raises


def test_a_killed_engine_closes_its_node_within_the_bound(
    manager: Node, clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    token = join_tokens(clients[0])["Worker"]
    w = Node(
        worker_config(clean_swarm.engine(3), clients[2], tmp_path, clean_swarm.engine(1), token)
    )
    w.start(background())
    assert closed_within(w.ready(), READY_BOUND)
    clean_swarm.kill_engine(3)
    # election_tick (3) missed heartbeats of heartbeat_tick (1 s), plus the
    # heartbeat in flight, plus room for a busy machine.
    err = w.err(with_timeout(background(), 3 * 1 + 1 + 5)[0])
    assert isinstance(err, EngineUnreachableError), err
    assert err.misses == 3 and err.__cause__ is not None
    # Concurrent stops after the fact agree on that one object.
    seen = []
    for _ in range(3):
        with pytest.raises(EngineUnreachableError) as info:
            w.stop(stop_ctx())
        seen.append(info.value)
    assert all(e is err for e in seen)
    # The engine comes back with its swarm state (same data root); the
    # fixture takes it out of swarm mode.
    clean_swarm.start_engine(3)


def test_leaving_behind_the_nodes_back_closes_it_with_an_error(
    manager: Node, clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    token = join_tokens(clients[0])["Worker"]
    w = Node(
        worker_config(clean_swarm.engine(2), clients[1], tmp_path, clean_swarm.engine(1), token)
    )
    w.start(background())
    assert closed_within(w.ready(), READY_BOUND)
    clients[1].swarm.leave(force=True)  # `docker swarm leave` behind the node's back
    err = w.err(with_timeout(background(), 10)[0])
    assert isinstance(err, EngineLeftSwarmError) and err.state == "inactive"


def test_a_manager_token_makes_a_manager(
    manager: Node, clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    token = join_tokens(clients[0])["Manager"]
    m2 = Node(
        worker_config(clean_swarm.engine(2), clients[1], tmp_path, clean_swarm.engine(1), token)
    )
    m2.start(background())
    assert closed_within(m2.ready(), READY_BOUND)
    assert m2.role() == "manager" and clients[1].info()["Swarm"]["ControlAvailable"]
    m2.stop(stop_ctx())  # returns None, or raises


def test_a_stopped_node_leaks_no_goroutine(
    clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    with leak.check(timeout=5):
        n = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path))
        n.start(background())
        assert closed_within(n.ready(), READY_BOUND)
        n.stop(stop_ctx())  # returns None, or raises
    assert (tmp_path / "lab-1" / "state.json").is_file()


def test_force_new_cluster_initialises_like_init(
    clean_swarm: Lab, clients: list[docker.DockerClient], tmp_path: Path
) -> None:
    n = Node(manager_config(clean_swarm.engine(1), clients[0], tmp_path, force_new_cluster=True))
    n.start(background())
    assert closed_within(n.ready(), READY_BOUND), n.err(with_timeout(background(), 1)[0])
    assert n.role() == "manager" and swarm_state(clients[0]) == "active"
    n.stop(stop_ctx())  # returns None, or raises
