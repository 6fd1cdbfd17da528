"""Port of docker/swarm v1.2.5 cluster/engine.go: ``delayer``, a random delay in a range.

The engine's refresh loop and the events monitor's restart both wait on a
``delayer``: a fixed part that grows with a back-off factor, plus a random
part, so that a fleet of engines does not refresh (or reconnect) in lock step.

    wait = range_min * (1 + backoff_factor) + uniform[0, range_max - range_min)
"""

from __future__ import annotations

import random
import threading
import time

from swarmnotes.go.chan import Chan, after

__all__ = ["Delayer"]


class Delayer:
    """A random delay within ``[range_min, range_max)`` seconds, scaled by a back-off.

    Safe for concurrent use (Go guards its ``rand.Rand`` with a mutex; so do we).

    Go: cluster.delayer (newDelayer, Wait)
    """

    def __init__(self, range_min: float, range_max: float) -> None:
        if range_min < 0 or range_max < 0:
            raise ValueError("range_min and range_max must not be negative")
        self.range_min = range_min
        self.range_max = range_max
        # Go: rand.New(rand.NewSource(time.Now().UTC().UnixNano()))
        self._r = random.Random(time.time_ns())
        self._l = threading.Lock()

    def delay(self, backoff_factor: int) -> float:
        """The delay, in seconds, that :meth:`wait` would use for ``backoff_factor``."""
        with self._l:
            wait_period = self.range_min * (1 + backoff_factor)
            delta = self.range_max - self.range_min
            if delta > 0:
                # Go: d.r.Int63n(delta) on nanoseconds; it panics on 0, hence the test.
                wait_period += self._r.random() * delta
            return wait_period

    def wait(self, backoff_factor: int) -> Chan:
        """A channel that receives once the delay has passed. Go: (*delayer).Wait

        Like Go's ``time.After``: a one-slot channel and no goroutine.
        """
        return after(self.delay(backoff_factor))

    def __repr__(self) -> str:
        return f"<Delayer {self.range_min:g}s..{self.range_max:g}s>"
