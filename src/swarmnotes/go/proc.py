"""Port of golang/go go1.19.8 src/runtime/proc.go: the ``go`` statement, as counted threads.

Goroutines, as threads the leak checker can count: what Go's runtime gives a
Go program (``newproc``: start a goroutine) and what Go leaves to tools such
as ``runtime.Stack`` and go.uber.org/goleak (a list of the live goroutines).
Every goroutine started with :func:`go` is registered, with a sequence
number, until its function returns; :mod:`swarmnotes.go.leak` reads that
registry through :func:`live_goroutines` and :func:`goroutine_mark`.

Go: goroutines are cheap, preemptible and scheduled by the runtime.
Python: a goroutine is a daemon ``threading.Thread``; the GIL runs one at a
time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

__all__ = ["go", "goroutine_mark", "live_goroutines"]

_goroutines_lock = threading.Lock()
_goroutines: dict[threading.Thread, int] = {}  # live go() threads -> start sequence
_goroutine_seq = 0  # sequence number of the latest go() call


def go(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> threading.Thread:
    """Start ``fn(*args, **kwargs)`` in a new goroutine. Go: ``go fn(args)``.

    The goroutine is a daemon thread named after the function
    (``fn.__qualname__``), so a leak report reads like a goroutine dump. It
    is registered for :mod:`swarmnotes.go.leak` until it returns.
    """
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None) or repr(fn)
    t = threading.Thread(target=_run, args=(fn, args, kwargs), name=name, daemon=True)
    global _goroutine_seq
    with _goroutines_lock:
        _goroutine_seq += 1
        _goroutines[t] = _goroutine_seq
    try:
        t.start()
    except BaseException:
        with _goroutines_lock:
            _goroutines.pop(t, None)
        raise
    return t


def _run(fn: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    try:
        fn(*args, **kwargs)
    finally:
        with _goroutines_lock:
            _goroutines.pop(threading.current_thread(), None)


def live_goroutines(since: int = 0) -> list[threading.Thread]:
    """Live ``go()`` threads started after sequence number ``since``, oldest first."""
    with _goroutines_lock:
        items = list(_goroutines.items())
    return [t for t, seq in sorted(items, key=lambda kv: kv[1]) if seq > since and t.is_alive()]


def goroutine_mark() -> int:
    """The sequence number of the latest ``go()`` call (where a leak check starts)."""
    with _goroutines_lock:
        return _goroutine_seq
