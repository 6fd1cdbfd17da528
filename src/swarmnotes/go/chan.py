"""Port of golang/go go1.19.8 src/runtime/chan.go and src/runtime/select.go: channels, select.

Go channels, ``select`` and ``time.After`` for Python threads: the behaviour of
Go's ``makechan``, ``chansend``, ``chanrecv``, ``closechan`` and ``selectgo``,
and, over the timers of :mod:`swarmnotes.go.timers`, ``src/time/sleep.go``
(``time.After``).
Goroutines (``go()``) live in :mod:`swarmnotes.go.proc` and are re-exported
here. Semantics are those of the Go spec: a nil channel (``None``)
is never ready, a closed channel drains its buffer and then yields
``(None, False)`` forever, ``select`` picks uniformly among ready cases.

How it is built, like Go's runtime:

* one lock per channel guards its buffer and its two wait queues;
* a blocked goroutine parks on a *waiter* (Go: ``sudog``) queued on the
  channel; a partner that arrives later hands the value straight to the
  waiter (or takes it from it) and wakes it: no buffer round trip, no
  condition variable, one wake-up per hand-off;
* when a partner is already waiting, send and receive allocate no waiter;
* a blocked ``select`` queues one waiter per case; all its waiters share a
  :class:`_Select` whose claim flag makes exactly one case fire.

Go: goroutines are cheap and preemptible.
Python: a goroutine is a daemon ``threading.Thread`` and the GIL runs one at
a time; a parked thread costs no CPU but a wake-up is an OS thread switch.
"""

from __future__ import annotations

import os
import random
import time
from _thread import allocate_lock
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from swarmnotes.go import timers
from swarmnotes.go.errors import GoError
from swarmnotes.go.proc import go

__all__ = [
    "Chan",
    "ClosedChannelError",
    "Recv",
    "Send",
    "after",
    "go",
    "select",
]


class ClosedChannelError(GoError, RuntimeError):
    """A send on, or a close of, a closed channel (Go panics with the same text)."""


# ---------------------------------------------------------------------------
# Waiters (Go: sudog)


class _Select:
    """State shared by the waiters of one blocked ``select`` (Go: g.selectDone).

    ``claim`` is taken (non-blocking) by whoever completes one of the cases;
    only the first taker wins, so exactly one case of the select fires.
    ``index`` is the case that fired. ``park`` is the one lock the select
    parks on, whichever case fires (see :class:`_Waiter`).
    """

    __slots__ = ("claim", "index", "park")

    def __init__(self) -> None:
        self.claim = allocate_lock()
        self.index = -1
        self.park = allocate_lock()
        self.park.acquire()


class _Waiter:
    """A parked goroutine on one channel's queue (Go: sudog).

    ``park`` is a lock created already held: the waiter blocks acquiring it
    and the partner releases it once the hand-off is done. ``value`` is the
    value to send (send waiter) or the value received (receive waiter);
    ``ok`` is Go's second receive result; ``closed`` tells a sender that the
    channel was closed under it.
    """

    __slots__ = ("park", "value", "ok", "closed", "sel", "index")

    def __init__(
        self,
        value: Any = None,
        sel: _Select | None = None,
        index: int = 0,
        park: Any = None,
    ) -> None:
        if park is None:
            park = allocate_lock()
            park.acquire()
        self.park = park
        self.value = value
        self.ok = False
        self.closed = False
        self.sel = sel
        self.index = index


# How long a blocked goroutine spins (yielding the CPU and the GIL) before it
# sleeps in the kernel. Go: the scheduler keeps a few Ms spinning for work.
# Python: waking a thread that sleeps on another core costs an inter-processor
# interrupt plus a GIL hand-off (tens of microseconds on a 2-core VM, measured
# with benchmarks/bench_chan.py); a partner usually answers well within
# 200 us, so a short spin turns most hand-offs into a cheap poll, and a
# goroutine that really waits long wastes at most 200 us of polling.
_SPIN_SECONDS = 200e-6
_monotonic = time.monotonic
_yield: Callable[[], Any] = getattr(os, "sched_yield", None) or (lambda: time.sleep(0))


def _wait(park: Any) -> None:
    """Block until ``park`` is released by a partner (Go: gopark)."""
    end = _monotonic() + _SPIN_SECONDS
    while True:
        _yield()  # releases the GIL, so the partner can run
        if park.acquire(False):
            return
        if _monotonic() >= end:
            break
    # Blocks like Go, forever if nobody comes; the acquire stays
    # interruptible by signals (Ctrl-C in a notebook).
    park.acquire()


def _claim(w: _Waiter) -> bool:
    """Win the right to complete ``w`` (always true for a plain send/recv)."""
    sel = w.sel
    if sel is None:
        return True
    # Go: sgp.g.selectDone.CompareAndSwap(0, 1)
    if sel.claim.acquire(False):
        sel.index = w.index
        return True
    return False


# ---------------------------------------------------------------------------
# Channels


class Chan:
    """A Go channel: ``Chan()`` is unbuffered, ``Chan(n)`` has a buffer of n.

    Safe for concurrent use by any number of goroutines (threads).
    ``send`` blocks until a receiver takes the value (unbuffered) or there is
    room in the buffer; ``recv`` blocks until a value is available or the
    channel is closed. Go: ``make(chan T, n)``.
    """

    __slots__ = ("_lock", "_buf", "_cap", "_closed", "_recvq", "_sendq", "__weakref__")

    def __init__(self, cap: int = 0) -> None:
        if not isinstance(cap, int) or isinstance(cap, bool):
            raise TypeError(f"cap must be an int, not {type(cap).__name__}")
        if cap < 0:
            # Go: panic(plainError("makechan: size out of range"))
            raise ValueError("makechan: size out of range")
        self._lock = allocate_lock()
        self._buf: deque[Any] = deque()
        self._cap = cap
        self._closed = False
        self._recvq: deque[_Waiter] = deque()  # parked receivers, FIFO
        self._sendq: deque[_Waiter] = deque()  # parked senders, FIFO

    # -- introspection ------------------------------------------------------

    @property
    def cap(self) -> int:
        """The buffer size given at creation (Go: ``cap(ch)``)."""
        return self._cap

    def __len__(self) -> int:
        """Values buffered now (Go: ``len(ch)``)."""
        return len(self._buf)

    @property
    def closed(self) -> bool:
        """Whether ``close`` was called (Go has no such query; for teaching)."""
        return self._closed

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Chan cap={self._cap} len={len(self._buf)} {state}>"

    # -- the non-blocking halves, called with self._lock held --------------------

    def _try_send_locked(self, v: Any) -> bool:
        """Deliver ``v`` without blocking if possible. Go: chansend's fast paths."""
        if self._closed:
            raise ClosedChannelError("send on closed channel")
        recvq = self._recvq
        while recvq:
            w = recvq.popleft()
            if _claim(w):
                # Go: send() -> sendDirect: straight to the parked receiver.
                w.value = v
                w.ok = True
                w.park.release()
                return True
        if len(self._buf) < self._cap:
            self._buf.append(v)
            return True
        return False

    def _try_recv_locked(self) -> tuple[bool, Any, bool]:
        """Receive without blocking if possible: (ready, value, ok). Go: chanrecv."""
        buf = self._buf
        sendq = self._sendq
        if buf:
            v = buf.popleft()
            # Go: recv() on a full buffer takes the head and moves the parked
            # sender's value to the tail, so FIFO order is kept.
            while sendq:
                w = sendq.popleft()
                if _claim(w):
                    buf.append(w.value)
                    w.ok = True
                    w.park.release()
                    break
            return True, v, True
        while sendq:
            w = sendq.popleft()
            if _claim(w):
                # Unbuffered: take the value straight from the parked sender.
                v = w.value
                w.ok = True
                w.park.release()
                return True, v, True
        if self._closed:
            return True, None, False
        return False, None, False

    # -- blocking operations --------------------------------------------------

    def send(self, v: Any) -> None:
        """Send ``v``, blocking as Go does. Go: ``ch <- v``.

        Raises ClosedChannelError("send on closed channel") if the channel is
        closed, also when it is closed while this send is blocked.
        """
        lock = self._lock
        lock.acquire()
        try:
            if self._try_send_locked(v):
                return
            w = _Waiter(v)
            self._sendq.append(w)
        finally:
            lock.release()
        self._park(w, self._sendq)
        if w.closed:
            raise ClosedChannelError("send on closed channel")

    def recv(self) -> tuple[Any, bool]:
        """Receive ``(value, ok)``; ``(None, False)`` once closed and drained.

        Go: ``v, ok := <-ch``.
        """
        lock = self._lock
        lock.acquire()
        try:
            ready, v, ok = self._try_recv_locked()
            if ready:
                return v, ok
            w = _Waiter()
            self._recvq.append(w)
        finally:
            lock.release()
        self._park(w, self._recvq)
        return w.value, w.ok

    def _park(self, w: _Waiter, queue: deque[_Waiter]) -> None:
        try:
            _wait(w.park)
        except BaseException:
            # Python: interrupted while parked; withdraw the waiter so no
            # partner hands a value to a goroutine that is gone.
            with self._lock:
                try:
                    queue.remove(w)
                except ValueError:
                    pass
            raise

    def close(self) -> None:
        """Close the channel. Go: ``close(ch)``.

        Buffered values can still be received; then receives return
        ``(None, False)``. Every parked receiver wakes with ``(None, False)``;
        every parked sender wakes and raises ClosedChannelError. Closing a
        closed channel raises ClosedChannelError("close of closed channel").
        """
        wake: list[_Waiter] = []
        with self._lock:
            if self._closed:
                raise ClosedChannelError("close of closed channel")
            self._closed = True
            for w in self._recvq:
                if _claim(w):
                    w.value = None
                    w.ok = False
                    wake.append(w)
            for w in self._sendq:
                if _claim(w):
                    w.closed = True
                    wake.append(w)
            self._recvq.clear()
            self._sendq.clear()
        # Go: closechan readies the goroutines after unlocking.
        for w in wake:
            w.park.release()

    # -- the two hooks of swarmnotes.go.context ---------------------------------

    @classmethod
    def sharing_lock(cls, lock: Any) -> Chan:
        """An unbuffered channel guarded by ``lock`` instead of a lock of its own.

        For :mod:`swarmnotes.go.context`: a context's done channel shares the
        package's reentrant lock, so a cancel, which holds that lock, closes
        done channels with :meth:`close_holding_lock` and no more locking.
        ``lock`` must be reentrant. Go has no such thing: its cancelCtx
        closes done with ``close(d)`` while holding its own mutex.
        """
        ch = cls()
        ch._lock = lock
        return ch

    def close_holding_lock(self) -> None:
        """:meth:`close` for a caller that already holds this channel's lock.

        With nobody parked on the channel, closing is one store: the cheap
        case of a cancel that closes thousands of done channels.
        """
        if self._recvq or self._sendq or self._closed:
            self.close()  # re-enters the (reentrant) lock; wakes the parked, or raises
        else:
            self._closed = True

    def __iter__(self) -> Iterator[Any]:
        """Receive until closed and drained. Go: ``for v := range ch``."""
        recv = self.recv
        while True:
            v, ok = recv()
            if not ok:
                return
            yield v


# ---------------------------------------------------------------------------
# select


class Recv:
    """A receive case for :func:`select`. Go: ``case v, ok := <-ch:``."""

    __slots__ = ("ch",)

    def __init__(self, ch: Chan | None) -> None:
        self.ch = ch

    def __repr__(self) -> str:
        return f"Recv({self.ch!r})"


class Send:
    """A send case for :func:`select`. Go: ``case ch <- v:``."""

    __slots__ = ("ch", "value")

    def __init__(self, ch: Chan | None, value: Any) -> None:
        self.ch = ch
        self.value = value

    def __repr__(self) -> str:
        return f"Send({self.ch!r}, {self.value!r})"


_Case = Recv | Send

# The two orders of a two-case select, drawn with one random bit: the common
# shape (a send or receive against a done channel) allocates no list.
_ORDERS_OF_TWO = ((0, 1), (1, 0))


def _order(n: int) -> Sequence[int]:
    """A uniformly random permutation of range(n). Go: selectgo's pollorder.

    Go shuffles with one fastrandn call per case; one and two cases, by far
    the most common shapes, need no shuffle: two cases take one of two
    constant orders on one random bit.
    """
    if n == 2:
        return _ORDERS_OF_TWO[random.getrandbits(1)]
    if n == 1:
        return (0,)
    order = list(range(n))
    random.shuffle(order)
    return order


def _block() -> None:
    # Go: select {} (or only nil channels) blocks the goroutine forever.
    # Python: wait on a private lock nobody releases; stays interruptible.
    lock = allocate_lock()
    lock.acquire()
    while True:
        lock.acquire(timeout=3600)


def _sellock(cases: tuple[_Case, ...]) -> list[Any]:
    """Acquire the lock of every channel of ``cases`` once; return them in order.

    Go: sellock, which locks the channels in address order so that two
    selects over the same channels cannot deadlock. Python: channels may
    share a lock (context done channels do), so each distinct lock is taken
    once, in the order of the locks' ids.
    """
    locks: list[Any] = []
    for case in cases:
        ch = case.ch
        if ch is not None and ch._lock not in locks:
            locks.append(ch._lock)
    if len(locks) > 1:
        locks.sort(key=id)
    for lock in locks:
        lock.acquire()
    return locks


def select(*cases: _Case, default: bool = False) -> tuple[int, Any, bool]:
    """Go's ``select`` statement over ``Recv``/``Send`` cases.

    Returns ``(index, value, ok)``: the index of the case that ran, and for a
    ``Recv`` case the received value and ok flag (``(None, False)`` on a
    closed channel); for a ``Send`` case ``(None, True)``. If several cases
    are ready one is chosen uniformly at random, independent of the order of
    the arguments. A case whose channel is ``None`` is never ready. With
    ``default=True`` and no case ready, returns ``(-1, None, False)`` at once;
    without it, blocks until one case can run (forever if all channels are
    ``None``). A chosen ``Send`` on a closed channel raises
    ClosedChannelError. Go: ``runtime.selectgo``.
    """
    # Go drops the nil cases and shuffles the others. Python: shuffle every
    # case and skip the None ones while polling: the live cases still come
    # in a uniformly random order, and nothing is allocated for them.
    order = _order(len(cases))

    # Pass 1 (Go: pass 1 of selectgo): poll in random order and run the
    # first ready case, each channel under its own lock. Go holds every lock
    # at once here; polling one at a time is equivalent for a non-blocking
    # poll and cheaper. A blocking select first peeks at each channel
    # without its lock and skips the ones that cannot be ready (Go's
    # chansend/chanrecv do the same for a non-blocking send or receive):
    # a stale peek only sends the case on to pass 2, which polls every case
    # again with all the locks held, so nothing is missed.
    live = 0
    for i in order:
        case = cases[i]
        ch = case.ch
        if ch is None:
            continue
        live += 1
        if type(case) is Send:
            if not (default or ch._recvq or len(ch._buf) < ch._cap or ch._closed):
                continue  # no receiver, no room, open: not ready now
            # Python: acquire/release with try/finally costs half a ``with``.
            lock = ch._lock
            lock.acquire()
            try:
                sent = ch._try_send_locked(case.value)
            finally:
                lock.release()
            if sent:
                return i, None, True
        else:
            if not (default or ch._buf or ch._sendq or ch._closed):
                continue  # nothing buffered, no sender, open: not ready now
            lock = ch._lock
            lock.acquire()
            try:
                ready, v, ok = ch._try_recv_locked()
            finally:
                lock.release()
            if ready:
                return i, v, ok
    if default:
        return -1, None, False
    if not live:
        _block()

    # Pass 2: lock every channel (Go: sellock), poll again (something may
    # have arrived since the peek), else queue a waiter per case.
    held = _sellock(cases)
    try:
        for i in order:
            case = cases[i]
            ch = case.ch
            if ch is None:
                continue
            if type(case) is Send:
                if ch._try_send_locked(case.value):
                    return i, None, True
            else:
                ready, v, ok = ch._try_recv_locked()
                if ready:
                    return i, v, ok
        sel = _Select()
        park = sel.park
        waiters: list[_Waiter] = []
        for i in order:
            case = cases[i]
            ch = case.ch
            if ch is None:
                continue
            if type(case) is Send:
                w = _Waiter(case.value, sel, i, park)
                ch._sendq.append(w)
            else:
                w = _Waiter(None, sel, i, park)
                ch._recvq.append(w)
            waiters.append(w)
    finally:
        for lock in reversed(held):
            lock.release()

    # Park once (Go: gopark): the waiters share the select's park lock, so a
    # single acquire waits for whichever case fires; only the partner that
    # won the claim releases it, exactly once.
    try:
        _wait(park)
    except BaseException:
        # Python: interrupted (Ctrl-C). Take the claim ourselves so that no
        # case fires any more, then withdraw every waiter.
        if sel.claim.acquire(False):
            sel.index = -1
        _dequeue(cases, waiters, sel.index)
        raise

    # Pass 3 (Go: pass 3 of selectgo): dequeue the waiters that did not fire.
    index = sel.index
    fired = _dequeue(cases, waiters, index)
    assert fired is not None
    if type(cases[index]) is Send:
        if fired.closed:
            raise ClosedChannelError("send on closed channel")
        return index, None, True
    return index, fired.value, fired.ok


def _dequeue(cases: tuple[_Case, ...], waiters: list[_Waiter], fired: int) -> _Waiter | None:
    """Remove every waiter but the one of case ``fired``; return that one."""
    winner = None
    for w in waiters:
        if w.index == fired:
            winner = w
            continue
        case = cases[w.index]
        ch = case.ch
        assert ch is not None
        queue = ch._sendq if type(case) is Send else ch._recvq
        lock = ch._lock
        lock.acquire()
        try:
            queue.remove(w)
        except ValueError:
            pass  # a partner popped it already and lost the claim
        finally:
            lock.release()
    return winner


# ---------------------------------------------------------------------------
# time.After (the timers behind it: swarmnotes.go.timers)


def after(seconds: float) -> Chan:
    """A channel that receives the time (``time.monotonic()``) once, after ``seconds``.

    The channel has a one-slot buffer, so the timer never blocks on a slow
    receiver; no goroutine is started. Go: ``time.After(d)``.
    """
    ch = Chan(1)
    if seconds <= 0:
        ch.send(time.monotonic())
    else:
        timers.schedule(seconds, lambda: ch.send(time.monotonic()))
    return ch
