"""Helpers for the swarmnotes.go tests: every wait is bounded."""

from __future__ import annotations

from typing import Any

import pytest

from swarmnotes.go.chan import Chan, Recv, after, select

# Generous bound for anything that should happen "at once": a loaded 2-core
# CI machine can stall a thread for a second; a correct test never waits it.
WAIT = 5.0


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
