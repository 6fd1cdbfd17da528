"""Port of golang/go go1.19.8 src/runtime/debug.go: ``GOMAXPROCS`` and ``NumCPU``.

Go's ``runtime.GOMAXPROCS`` and ``runtime.NumCPU`` for a Python process.

Go: ``GOMAXPROCS(n)`` caps how many OS threads execute Go code at the same
time; goroutines beyond that wait for a turn. It returns the previous
setting, and ``n < 1`` only reads it. The default is ``NumCPU()``.

Python: the GIL already lets only one thread run Python code at a time, so a
program of goroutines behaves like a Go program at ``GOMAXPROCS(1)`` whatever
the setting. What the OS still decides is *where* the threads run. Spread
over several CPUs, every hand-off between two goroutines wakes a thread on
another core and passes the GIL across cores, which on a small VM costs tens
of microseconds; on one CPU the woken thread simply runs next.
``gomaxprocs(n)`` therefore pins every thread of the process, and every
thread started later, to ``n`` CPUs (Linux CPU affinity). Work that releases
the GIL (hashing large buffers, socket I/O, a subprocess) can still use more
CPUs at a larger setting; channel-heavy code is fastest at 1
(``benchmarks/bench_chan.py`` and ``bench_pipeline.py`` measure both).
"""

from __future__ import annotations

import os
import threading

__all__ = ["gomaxprocs", "num_cpu"]

_lock = threading.Lock()
_cpus: tuple[int, ...] = ()  # the CPUs the process could use at first call
_procs = 0  # the current setting; 0 until first read (Go: gomaxprocs)


def _start() -> None:
    """Read the CPUs this process may use, once (Go: ncpu, set at start-up)."""
    global _cpus, _procs
    if not _cpus:
        if not hasattr(os, "sched_setaffinity"):
            raise NotImplementedError("gomaxprocs needs Linux CPU affinity (os.sched_setaffinity)")
        _cpus = tuple(sorted(os.sched_getaffinity(0)))
        _procs = len(_cpus)


def num_cpu() -> int:
    """The number of CPUs this process could use when first asked. Go: ``runtime.NumCPU``."""
    with _lock:
        _start()
        return len(_cpus)


def gomaxprocs(n: int) -> int:
    """Set how many CPUs the process's threads may run on; return the previous setting.

    ``n < 1`` changes nothing and returns the current setting. A setting
    above ``num_cpu()`` is kept and reported, as Go does, but the threads
    can of course use only the CPUs there are. Go: ``runtime.GOMAXPROCS``.
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"gomaxprocs: n must be an int, not {type(n).__name__}")
    global _procs
    with _lock:
        _start()
        previous = _procs
        if n < 1:
            return previous
        cpus = set(_cpus[:n])
        # Python: CPU affinity belongs to each thread, and a new thread
        # inherits its creator's. Pin this thread first, so threads it starts
        # from now on are pinned, then every other thread; repeat until no
        # thread appeared meanwhile (one started by a thread not yet pinned).
        os.sched_setaffinity(0, cpus)
        pinned: set[int] = set()
        while True:
            tids = _thread_ids() - pinned
            if not tids:
                break
            for tid in tids:
                try:
                    os.sched_setaffinity(tid, cpus)
                except ProcessLookupError:
                    pass  # the thread ended meanwhile
            pinned |= tids
        _procs = n
        return previous


def _thread_ids() -> set[int]:
    """The kernel's ids of every thread of this process, from /proc."""
    return {int(name) for name in os.listdir("/proc/self/task")}
