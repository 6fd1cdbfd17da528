"""Helpers shared by the swarmkit tests (bounded waits, swarm-mode cleanup)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import docker

from swarmnotes.go.chan import Chan, Recv, after, select
from swarmnotes.lab import Lab

# An engine that is not there: docker-py fails at once with a ConnectionError.
MISSING_SOCKET = "unix:///nonexistent/swarmnotes/docker.sock"


def closed_within(ch: Chan, seconds: float) -> bool:
    """True if ``ch`` is closed within ``seconds`` (a bounded wait)."""
    index, _, _ = select(Recv(ch), Recv(after(seconds)))
    return index == 0


def swarm_state(client: docker.DockerClient) -> str:
    return str(client.info()["Swarm"]["LocalNodeState"])


def leave_all(lab: Lab) -> dict[str, str]:
    """Force every engine out of its swarm (workers first); return each final state."""
    states = {}
    for engine in reversed(lab.engines):
        with engine.client(timeout=30) as client:
            if swarm_state(client) != "inactive":
                client.swarm.leave(force=True)
            states[engine.name] = swarm_state(client)
    return states


def at_once(call: Callable[[], object], n: int, timeout: float) -> list[object]:
    """Run ``call`` on ``n`` threads released together; each one's value or exception.

    Waits at most ``timeout`` for the threads; the list is shorter if some hung.
    """
    outcomes: list[object] = []
    lock = threading.Lock()
    gate = threading.Barrier(n)

    def one() -> None:
        gate.wait(timeout)
        try:
            outcome: object = call()
        except BaseException as exc:  # the outcome under test
            outcome = exc
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + timeout
    for t in threads:
        t.join(max(0.0, deadline - time.monotonic()))
    return outcomes
