"""swarmnotes.go.runtime: gomaxprocs pins the process's threads like Go's GOMAXPROCS caps Ps."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator

import pytest

from swarmnotes.go import Chan, go, runtime
from tests.helpers import WAIT

ALL = frozenset(os.sched_getaffinity(0))  # the CPUs the tests started with


def affinities() -> set[frozenset[int]]:
    """The distinct CPU sets of the process's threads (one set: all agree)."""
    return {frozenset(os.sched_getaffinity(int(tid))) for tid in os.listdir("/proc/self/task")}


@pytest.fixture
def restore() -> Iterator[None]:
    before = runtime.gomaxprocs(0)
    yield
    runtime.gomaxprocs(before)
    assert affinities() == {ALL}


def test_default_is_num_cpu_and_zero_only_reads(restore: None) -> None:
    assert runtime.num_cpu() == len(ALL) >= 1
    assert runtime.gomaxprocs(0) == runtime.num_cpu()
    assert runtime.gomaxprocs(-3) == runtime.num_cpu()  # Go: n < 1 changes nothing


def test_one_pins_every_thread_old_and_new_and_restoring_unpins(restore: None) -> None:
    release = Chan()
    before_pin = go(release.recv)  # a goroutine already running when we pin
    assert runtime.gomaxprocs(1) == runtime.num_cpu()
    first = min(os.sched_getaffinity(0))
    assert affinities() == {frozenset({first})}

    seen: list[set[int]] = []
    later = threading.Thread(target=lambda: seen.append(os.sched_getaffinity(0)))
    later.start()
    later.join(WAIT)
    assert seen == [{first}], "a thread started after gomaxprocs(1) must inherit the pin"

    assert runtime.gomaxprocs(runtime.num_cpu()) == 1
    assert affinities() == {ALL}
    release.send(None)
    before_pin.join(WAIT)


def test_a_setting_above_num_cpu_is_kept_and_reported(restore: None) -> None:
    runtime.gomaxprocs(runtime.num_cpu() + 5)
    assert runtime.gomaxprocs(0) == runtime.num_cpu() + 5
    assert affinities() == {ALL}


@pytest.mark.parametrize("bad", ["1", 1.0, None, True])
def test_bad_n_is_a_type_error_naming_it(bad: object, restore: None) -> None:
    with pytest.raises(TypeError, match="gomaxprocs: n must be an int"):
        runtime.gomaxprocs(bad)  # type: ignore[arg-type]
    assert runtime.gomaxprocs(0) == runtime.num_cpu()
