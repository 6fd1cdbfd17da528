"""Tests for swarmnotes.go.sync, after Go's sync/waitgroup_test.go."""

from __future__ import annotations

import pytest

from swarmnotes.go.chan import Chan, go
from swarmnotes.go.sync import WaitGroup
from tests.helpers import WAIT, is_ready, recv_within


def test_waitgroup() -> None:
    # Go: TestWaitGroup: wait returns only after every done.
    n = 8
    wg1, wg2 = WaitGroup(), WaitGroup()
    wg1.add(n)
    wg2.add(n)
    exited = Chan(n)

    def worker() -> None:
        wg1.done()
        wg2.wait(WAIT)
        exited.send(True)

    for _ in range(n):
        go(worker)
    assert wg1.wait(WAIT)
    assert not is_ready(exited)  # all are blocked on wg2
    for _ in range(n):
        wg2.done()
    for _ in range(n):
        assert recv_within(exited) == (True, True)


def test_wait_on_zero_counter_returns_at_once() -> None:
    assert WaitGroup().wait(0) is True


def test_wait_timeout_reports_false() -> None:
    wg = WaitGroup()
    wg.add(1)
    assert wg.wait(0.01) is False
    wg.done()
    assert wg.wait(0) is True


def test_negative_counter_raises() -> None:
    # Go: TestWaitGroupMisuse: panics "sync: negative WaitGroup counter".
    wg = WaitGroup()
    wg.add(1)
    wg.done()
    with pytest.raises(ValueError, match="^sync: negative WaitGroup counter$"):
        wg.done()
    with pytest.raises(ValueError):
        wg.add(-2)
    assert repr(wg) == "<WaitGroup count=0>"
