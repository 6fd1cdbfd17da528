"""Tests for swarmnotes.go.leak: the checker catches Go's sqleak.go leak."""

from __future__ import annotations

import pytest

from swarmnotes.go import leak
from swarmnotes.go.chan import Chan, go
from tests.helpers import WAIT


def test_no_leak_passes() -> None:
    with leak.check(timeout=WAIT):
        t = go(lambda: None)
    assert not t.is_alive()


def test_leak_is_reported_by_function_name() -> None:
    # The pipelines article's leak: a sender stuck on an unbuffered channel
    # that nobody reads any more.
    out = Chan()

    def stuck_sender() -> None:
        out.send(1)
        out.send(2)

    with pytest.raises(leak.LeakError) as info:
        with leak.check(timeout=0.05):
            go(stuck_sender)
            assert out.recv() == (1, True)
    err = info.value
    assert isinstance(err, AssertionError)
    assert "1 leaked goroutine: " in str(err)
    assert "test_leak_is_reported_by_function_name.<locals>.stuck_sender" in str(err)
    assert [t.name for t in err.goroutines] == [
        "test_leak_is_reported_by_function_name.<locals>.stuck_sender"
    ]
    # Unblock it so this test itself does not leak.
    assert out.recv() == (2, True)
    err.goroutines[0].join(WAIT)


def test_only_goroutines_started_inside_are_checked() -> None:
    release = Chan()
    outside = go(release.recv)
    with leak.check(timeout=0):
        pass
    assert outside in leak.goroutines()
    release.close()
    outside.join(WAIT)


def test_waits_for_goroutines_that_are_finishing() -> None:
    done = Chan()

    def finishing() -> None:
        done.recv()

    with leak.check(timeout=WAIT):
        go(finishing)
        go(done.close)


def test_body_exception_propagates_unchanged() -> None:
    release = Chan()
    with pytest.raises(KeyError):
        with leak.check(timeout=0):
            go(release.recv)
            raise KeyError("x")
    release.close()
    for t in leak.goroutines():
        t.join(WAIT)
