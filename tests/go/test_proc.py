"""swarmnotes.go.proc: go() names and registers goroutines; the registry leak reads."""

from __future__ import annotations

from swarmnotes.go import chan, proc
from swarmnotes.go.chan import Chan
from tests.helpers import WAIT


def test_go_is_one_function_everywhere() -> None:
    import swarmnotes.go

    assert chan.go is proc.go is swarmnotes.go.go


def test_the_registry_holds_a_goroutine_until_it_returns() -> None:
    release = Chan()
    mark = proc.goroutine_mark()

    def parked() -> None:
        release.recv()

    t = proc.go(parked)
    assert proc.goroutine_mark() == mark + 1
    assert proc.live_goroutines(since=mark) == [t]
    assert t.name == "test_the_registry_holds_a_goroutine_until_it_returns.<locals>.parked"
    release.close()
    t.join(WAIT)
    assert proc.live_goroutines(since=mark) == []
