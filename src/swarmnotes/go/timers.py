"""Port of golang/go go1.19.8 src/runtime/time.go: the timers behind ``after`` and deadlines.

Timers play the role of the runtime's timer heap (``addtimer``, ``deltimer``):
one heap of callbacks run at monotonic times; a timer is not a goroutine, and
stopping one before it fires tells you so. :func:`swarmnotes.go.chan.after`
(``time.After``) and :mod:`swarmnotes.go.context`'s deadlines schedule here.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

__all__ = ["Timer", "schedule"]


class Timer:
    """One scheduled call; ``stop()`` prevents it. Go: the runtime's ``timer``."""

    __slots__ = ("when", "fn", "cancelled")

    def __init__(self, when: float, fn: Callable[[], Any]) -> None:
        self.when = when
        self.fn = fn
        self.cancelled = False

    def stop(self) -> bool:
        """Prevent the call; True if it had not run yet. Go: Timer.Stop."""
        was = not self.cancelled
        self.cancelled = True
        return was

    def __lt__(self, other: Timer) -> bool:
        return self.when < other.when


class _Timers:
    """One daemon thread running callbacks at monotonic times.

    Go: timers live in the runtime, not in goroutines, so ``time.After`` and
    context deadlines start no goroutine. Python: one shared thread (not a
    ``go()`` goroutine, so the leak checker does not count it), started by
    the first timer. Callbacks must be short: they run one after another on
    this thread.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._heap: list[tuple[float, int, Timer]] = []
        self._seq = itertools.count()
        self._thread: threading.Thread | None = None

    def _start_locked(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._loop, name="swarmnotes.timers", daemon=True
            )
            self._thread.start()

    def schedule(self, seconds: float, fn: Callable[[], Any]) -> Timer:
        h = Timer(time.monotonic() + seconds, fn)
        with self._cond:
            heapq.heappush(self._heap, (h.when, next(self._seq), h))
            self._start_locked()  # again after a fork, which keeps no threads
            if self._heap[0][2] is h:
                self._cond.notify()
        return h

    def _loop(self) -> None:
        while True:
            with self._cond:
                while True:
                    while self._heap and self._heap[0][2].cancelled:
                        heapq.heappop(self._heap)
                    if self._heap:
                        delay = self._heap[0][0] - time.monotonic()
                        if delay <= 0:
                            h = heapq.heappop(self._heap)[2]
                            break
                        self._cond.wait(min(delay, 60.0))
                    else:
                        self._cond.wait(60.0)
            if h.cancelled:
                continue
            h.cancelled = True  # it ran: a later stop() reports False
            try:
                h.fn()
            except Exception:
                traceback.print_exc()


_timers = _Timers()


def schedule(seconds: float, fn: Callable[[], Any]) -> Timer:
    """Call ``fn()`` on the timer thread after ``seconds``. Go: addtimer.

    The thread starts with the first timer (and again after a fork).
    """
    return _timers.schedule(seconds, fn)
