"""Helpers every test directory shares; every wait in them is bounded.

``closed_within`` is the one both the go and the swarmkit tests use. It says
True only when the channel is *closed* (a receive returns ``ok`` False): a
value sent on the channel is not a close, and a "ready" or "done" channel that
carried a value instead would be a bug these tests must catch.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import docker
import pytest

from swarmnotes.go.chan import Chan, Recv, after, select
from swarmnotes.lab import Lab

__all__ = [
    "WAIT",
    "MISSING_SOCKET",
    "recv_within",
    "closed_within",
    "is_ready",
    "wait_for",
    "at_once",
    "swarm_state",
    "leave_all",
]

# Generous bound for anything that should happen "at once": a loaded 2-core
# CI machine can stall a thread for a second; a correct test never waits it.
WAIT = 5.0

# An engine that is not there: docker-py fails at once with a ConnectionError.
MISSING_SOCKET = "unix:///nonexistent/swarmnotes/docker.sock"


def recv_within(ch: Chan, timeout: float = WAIT) -> tuple[Any, bool]:
    """Receive from ch, failing the test if nothing arrives within timeout."""
    i, v, ok = select(Recv(ch), Recv(after(timeout)))
    if i == 1:
        pytest.fail(f"no value on {ch!r} within {timeout}s")
    return v, ok


def closed_within(ch: Chan | None, timeout: float = WAIT) -> bool:
    """True if ch is closed (a receive returns ok False) within timeout."""
    assert ch is not None
    i, _, ok = select(Recv(ch), Recv(after(timeout)))
    return i == 0 and not ok


def is_ready(ch: Chan | None) -> bool:
    """Go: select { case <-ch: return true; default: return false }."""
    i, _, _ = select(Recv(ch), default=True)
    return i == 0


def wait_for(cond: Callable[[], object], timeout: float, what: str) -> None:
    """docker-py's wait_on_condition: poll ``cond`` until true, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.02)


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


def swarm_state(client: docker.DockerClient) -> str:
    """The engine's swarm-mode LocalNodeState ("inactive", "active", ...)."""
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
