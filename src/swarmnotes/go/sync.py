"""Port of golang/go go1.19.8 src/sync/waitgroup.go: ``sync.WaitGroup`` for Python threads.

The behaviour of Go's WaitGroup: a counter that ``add`` moves, ``done``
decrements and ``wait`` blocks on until it is zero. A negative counter is a
programming error (Go panics
"sync: negative WaitGroup counter"; Python raises ValueError).
"""

from __future__ import annotations

import threading

__all__ = ["WaitGroup"]


class WaitGroup:
    """Wait for a collection of goroutines to finish. Go: ``sync.WaitGroup``.

    The launcher calls ``add(n)`` before starting the goroutines (so ``wait``
    cannot miss them), each goroutine calls ``done()`` when it returns, and
    ``wait()`` blocks until the counter is back to zero. Safe for concurrent
    use.
    """

    __slots__ = ("_cond", "_count")

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._count = 0

    def add(self, n: int) -> None:
        """Add ``n`` (may be negative) to the counter; wake waiters at zero.

        Raises ValueError("sync: negative WaitGroup counter") if the counter
        would drop below zero (the counter is left unchanged). Go: WaitGroup.Add.
        """
        with self._cond:
            count = self._count + n
            if count < 0:
                raise ValueError("sync: negative WaitGroup counter")
            self._count = count
            if count == 0:
                self._cond.notify_all()

    def done(self) -> None:
        """Decrement the counter by one. Go: WaitGroup.Done."""
        self.add(-1)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the counter is zero. Go: WaitGroup.Wait.

        Python: ``timeout`` (seconds) bounds the wait, which Go's Wait cannot;
        returns False if it ran out with the counter still above zero.
        """
        with self._cond:
            return self._cond.wait_for(lambda: self._count == 0, timeout)

    def __repr__(self) -> str:
        return f"<WaitGroup count={self._count}>"
