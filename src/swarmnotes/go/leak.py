"""A goroutine-leak checker for goroutines started with ``go()``.

Go has no built-in leak check; Go projects use a test helper that compares
the goroutine dump (``runtime.Stack`` / ``pprof.Lookup("goroutine")``) before
and after a test (the idea of go.uber.org/goleak; the context tests count
goroutines the same way with ``runtime.NumGoroutine``). Here every goroutine
is a thread started by :func:`swarmnotes.go.proc.go` (also importable from
``swarmnotes.go`` and ``swarmnotes.go.chan``), registered until its function
returns and named after the function, so the report reads like a goroutine
dump: ``gen.<locals>.run``, ``merge.<locals>.output``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from swarmnotes.go.errors import GoError
from swarmnotes.go.proc import goroutine_mark, live_goroutines

__all__ = ["LeakError", "check", "goroutines"]


class LeakError(GoError, AssertionError):
    """Goroutines started inside a :func:`check` block were still running.

    ``goroutines`` holds the threads; the message names each one.
    """

    def __init__(self, goroutines: list[threading.Thread]) -> None:
        self.goroutines = goroutines
        names = ", ".join(t.name for t in goroutines)
        n = len(goroutines)
        super().__init__(f"{n} leaked goroutine{'s' if n != 1 else ''}: {names}")


def goroutines() -> list[threading.Thread]:
    """The live threads started by ``go()``, oldest first."""
    return live_goroutines()


@contextmanager
def check(timeout: float = 1.0) -> Iterator[None]:
    """Fail if goroutines started inside the block outlive it.

    At exit, waits up to ``timeout`` seconds for every goroutine started
    inside the block (directly or by another goroutine) to return, then
    raises LeakError naming the ones still alive. If the block itself raised,
    that exception propagates unchanged (a leak after a failure is noise).
    """
    mark = goroutine_mark()
    yield
    deadline = time.monotonic() + timeout
    while True:
        alive = live_goroutines(since=mark)
        if not alive:
            return
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise LeakError(alive)
        # Join the oldest one for a slice of the remaining time: no busy loop.
        alive[0].join(min(remaining, 0.05))
