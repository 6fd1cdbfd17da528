"""A tracer of channel sends and receives, for diagrams drawn from real runs.

Go has ``go tool trace`` (runtime/trace), which records every goroutine's
blocking and unblocking on channels. This is a much smaller thing for the
chapters: while a :class:`Tracer` is active, the pipeline stages of
:mod:`swarmnotes.go.pipeline` make :class:`TracedChan` channels, and every
completed send, receive, abandoned send (``done`` won the ``select``) and
close on them is recorded with the goroutine that did it. The recording
renders as a mermaid sequence diagram (:meth:`Tracer.mermaid`) or a
matplotlib timeline (:meth:`Tracer.timeline`), so a fan-out/fan-in diagram
shows what actually happened in that run, not what should happen.

Usage::

    with Tracer() as t:
        done = t.chan(label="done")
        out = merge(sq(gen(2, 3)), done=done)
        print(out.recv())
        done.close()
    print(t.mermaid())

Order: a send takes its sequence number *before* it can complete and a
receive after, so a value's send always comes before its receive in the
recording. Only one tracer is active at a time.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass
from typing import Any

from swarmnotes.go.chan import Chan, ClosedChannelError

__all__ = ["Event", "TracedChan", "Tracer", "active", "new_chan", "recorder"]


@dataclass(frozen=True)
class Event:
    """One channel operation: ``op`` is send, recv, abandon or close."""

    seq: int
    time: float  # time.monotonic() when the operation completed
    goroutine: str
    op: str
    chan: str
    value: Any = None

    def __str__(self) -> str:
        if self.op == "close":
            return f"{self.goroutine} close({self.chan})"
        return f"{self.goroutine} {self.op} {self.chan} {self.value!r}"


class TracedChan(Chan):
    """A ``Chan`` whose sends, receives and close are recorded by a tracer.

    Operations done by a ``select`` cannot be seen from the channel; the
    pipeline stages report their ``select`` sends themselves (through
    :func:`recorder`).
    """

    __slots__ = ("label", "tracer")

    def __init__(self, tracer: Tracer, cap: int = 0, label: str = "chan") -> None:
        super().__init__(cap)
        self.tracer = tracer
        self.label = label

    def __repr__(self) -> str:
        return super().__repr__().replace("<Chan", f"<TracedChan {self.label!r}", 1)

    def send(self, v: Any) -> None:
        seq = self.tracer.begin()
        super().send(v)
        self.tracer.end(seq, "send", self, v)

    def recv(self) -> tuple[Any, bool]:
        v, ok = super().recv()
        if ok:  # the (None, False) of a closed channel is no hand-off
            self.tracer.end(self.tracer.begin(), "recv", self, v)
        return v, ok

    def close(self) -> None:
        # Recorded before the close takes effect: whoever sees the channel
        # closed (a range loop ending, then the trace being read) must find
        # the close already in the recording.
        seq = self.tracer.begin()
        self.tracer.end(seq, "close", self, None)
        try:
            super().close()
        except ClosedChannelError:
            self.tracer.forget(seq)  # nothing was closed: Go panics here
            raise


def _short_name(thread: threading.Thread) -> str:
    """``sq.<locals>.sq_run`` -> ``sq``; ``merge.<locals>.output`` -> ``merge.output``."""
    if thread is threading.main_thread():
        return "main"
    parts = [p for p in thread.name.split(".") if p != "<locals>"]
    if len(parts) >= 2 and parts[-1].startswith(parts[0]):
        return parts[0]  # gen.gen_run, sq.sq_run
    return ".".join(parts[-2:]) if len(parts) >= 2 else parts[0]


class Tracer:
    """Records channel operations while active (``with Tracer() as t:``).

    ``events`` is the recording in sequence order. Goroutines are named after
    their function, numbered in the order they were first seen (``sq 1``,
    ``sq 2``); the caller of the ``with`` block is ``main``.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seq = itertools.count()
        self._events: list[Event] = []
        # Keyed by the Thread object, not its ident: Python reuses the ident of
        # a finished thread for the next one, which would merge two goroutines.
        self._goroutines: dict[threading.Thread, str] = {}
        self._counts: dict[str, int] = defaultdict(int)
        self._labels: dict[str, int] = defaultdict(int)

    def __repr__(self) -> str:
        state = "active" if _active is self else "inactive"
        return f"<Tracer {state} events={len(self._events)}>"

    # -- activation ---------------------------------------------------------

    def __enter__(self) -> Tracer:
        global _active
        with _active_lock:
            if _active is not None:
                raise RuntimeError("a Tracer is already active")
            _active = self
        self._goroutines[threading.current_thread()] = "main"
        return self

    def __exit__(self, *exc: object) -> None:
        global _active
        with _active_lock:
            _active = None

    # -- recording ------------------------------------------------------------

    def chan(self, cap: int = 0, label: str = "chan") -> TracedChan:
        """A traced channel; a label used twice gets a number (``sq1``, ``sq2``)."""
        with self._lock:
            self._labels[label] += 1
            n = self._labels[label]
        if label in ("gen", "merge", "done") and n == 1:
            return TracedChan(self, cap, label)
        return TracedChan(self, cap, f"{label}{n}")

    def begin(self) -> int:
        """Take the next sequence number (the moment an operation starts)."""
        return next(self._seq)

    def end(self, seq: int, op: str, ch: Chan, value: Any) -> None:
        """Record an operation that completed; ``seq`` came from :meth:`begin`."""
        label = ch.label if isinstance(ch, TracedChan) else "chan"
        thread = threading.current_thread()
        with self._lock:
            name = self._goroutines.get(thread)
            if name is None:
                short = _short_name(thread)
                self._counts[short] += 1
                name = f"{short} {self._counts[short]}"
                self._goroutines[thread] = name
            self._events.append(Event(seq, time.monotonic(), name, op, label, value))

    def forget(self, seq: int) -> None:
        """Drop the event recorded under ``seq`` (an operation that failed)."""
        with self._lock:
            self._events = [e for e in self._events if e.seq != seq]

    @property
    def events(self) -> list[Event]:
        with self._lock:
            return sorted(self._events, key=lambda e: e.seq)

    # -- rendering ------------------------------------------------------------

    def pairs(self) -> list[tuple[Event, Event]]:
        """Match each receive with the send of its value on the same channel.

        A channel is FIFO: the receive of value v takes the earliest send of
        v on that channel not yet taken.
        """
        pending: dict[tuple[str, Any], deque[Event]] = defaultdict(deque)
        out: list[tuple[Event, Event]] = []
        for e in self.events:
            key = (e.chan, repr(e.value))
            if e.op == "send":
                pending[key].append(e)
            elif e.op == "recv" and pending[key]:
                out.append((pending[key].popleft(), e))
        return out

    def mermaid(self) -> str:
        """A mermaid ``sequenceDiagram``: goroutines and channels as participants.

        ``g ->> c: v`` is a send of v by goroutine g on channel c,
        ``c ->> g: v`` a receive, ``g -x c: v (done)`` a send abandoned
        because ``done`` was closed, and a note marks each close.
        """
        events = self.events
        ids: dict[str, str] = {}
        lines = ["sequenceDiagram"]

        def pid(name: str, kind: str) -> str:
            if name not in ids:
                ids[name] = f"{kind}{len(ids)}"
                label = name if kind == "g" else f"chan {name}"
                lines.append(f"    participant {ids[name]} as {label}")
            return ids[name]

        # Declare participants in order of first appearance: goroutine, channel.
        for e in events:
            pid(e.goroutine, "g")
            pid(e.chan, "c")
        for e in events:
            g, c = ids[e.goroutine], ids[e.chan]
            if e.op == "send":
                lines.append(f"    {g}->>{c}: {e.value!r}")
            elif e.op == "recv":
                lines.append(f"    {c}->>{g}: {e.value!r}")
            elif e.op == "abandon":
                lines.append(f"    {g}-x{c}: {e.value!r} (done)")
            else:
                lines.append(f"    Note over {g},{c}: {e.goroutine} closes {e.chan}")
        return "\n".join(lines)

    def timeline(self, title: str = "") -> Any:
        """A matplotlib Figure: one lane per goroutine, arrows from send to receive.

        The x axis is the order of operations (sequence number rank), not
        wall time, so short runs stay readable.
        """
        import matplotlib.pyplot as plt

        events = self.events
        lanes: list[str] = []
        for e in events:
            if e.goroutine not in lanes:
                lanes.append(e.goroutine)
        y = {name: len(lanes) - 1 - i for i, name in enumerate(lanes)}
        x = {e.seq: i for i, e in enumerate(events)}
        fig, ax = plt.subplots(figsize=(max(6.0, 0.45 * len(events) + 2), 0.6 * len(lanes) + 1.2))
        markers = {"send": ">", "recv": "o", "abandon": "x", "close": "|"}
        colors = {"send": "tab:blue", "recv": "tab:green", "abandon": "tab:red", "close": "black"}
        for op in markers:
            pts = [(x[e.seq], y[e.goroutine]) for e in events if e.op == op]
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.scatter(xs, ys, marker=markers[op], color=colors[op], s=60, label=op, zorder=3)
        for e in events:
            text = f"close {e.chan}" if e.op == "close" else f"{e.chan}:{e.value!r}"
            ax.annotate(
                text,
                (x[e.seq], y[e.goroutine]),
                textcoords="offset points",
                xytext=(0, 7),
                ha="center",
                fontsize=7,
            )
        for s, r in self.pairs():
            ax.annotate(
                "",
                xy=(x[r.seq], y[r.goroutine]),
                xytext=(x[s.seq], y[s.goroutine]),
                arrowprops={"arrowstyle": "->", "color": "gray", "lw": 0.8},
            )
        ax.set_yticks(range(len(lanes)), list(reversed(lanes)))
        ax.set_ylim(-0.7, len(lanes) - 0.3)
        ax.set_xlabel("order of operations")
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
        if title:
            ax.set_title(title)
        fig.tight_layout()
        return fig


# The active tracer (global, not per thread: stages make channels in the
# caller's thread, but their goroutines record on them from other threads).
_active_lock = threading.Lock()
_active: Tracer | None = None


def active() -> Tracer | None:
    """The tracer inside whose ``with`` block we are, if any."""
    return _active


def new_chan(cap: int = 0, label: str = "chan") -> Chan:
    """A plain ``Chan``, or a traced one while a tracer is active."""
    tracer = _active
    if tracer is None:
        return Chan(cap)
    return tracer.chan(cap, label)


def recorder(ch: Chan) -> Tracer | None:
    """The tracer recording ``ch`` (None for a plain channel).

    The pipeline's per-value ``_send`` does not call this: it checks
    ``type(out) is TracedChan`` inline, so an untraced run never enters this
    module once its channels are made.
    """
    if type(ch) is TracedChan:
        return ch.tracer
    return None
