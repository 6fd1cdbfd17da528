"""Port of golang/go go1.21.0 src/context/context.go: cancellation, deadlines and values.

Go's ``context`` package, down a call tree (rules of the current master are
marked ``Go (tip)`` in place): the 2016 design the notes walk
through (the Context interface, ``emptyCtx`` behind Background/TODO,
``WithCancel`` = ``newCancelCtx`` + ``propagateCancel``, the ``children`` map
and the cascading ``cancel``, a watcher goroutine for foreign contexts),
with the rules of current Go (lazy ``done``, ``closedchan``, the
``cancelCtxKey`` lookup with the done-channel identity check, "Err non-nil
implies Done closed") and Go 1.21's additions (``Cause``,
``WithCancelCause``, ``With{Deadline,Timeout}Cause``, ``WithoutCancel``,
``AfterFunc`` and the ``afterFuncer`` hook). Semantics, cited:
``shared/reference/go-context-chan-pipelines.md`` section 1.

Contract sentences kept from Go:

* Successive calls to ``done()`` return the same channel; ``done()`` is
  ``None`` (a nil channel: never ready in a select) for a context that can
  never be canceled.
* Once ``err()`` is not None, ``done()`` is closed and ``err()`` never changes.
* A cancel function is idempotent and safe to call from any goroutine;
  it does not wait for the work to stop.
* Cancelling a context closes the done channel of every context derived from
  it through this module *before* the cancel function returns; only a child
  of a foreign (custom) context hears about it asynchronously, through a
  watcher goroutine.
* Contexts are safe for simultaneous use by multiple goroutines.

A *custom context* is any object with ``deadline()``, ``done()``, ``err()``
and ``value(key)`` (see :class:`Context`). If it also has
``after_func(f) -> stop`` (Go's ``afterFuncer``), children register through
that hook instead of a watcher goroutine.

Go: deadlines are ``time.Time``.
Python: deadlines are floats on the ``time.monotonic()`` clock.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Protocol, runtime_checkable

from swarmnotes.go import timers
from swarmnotes.go.chan import Chan, Recv, go, select
from swarmnotes.go.errors import GoError

__all__ = [
    "CancelCtx",
    "Canceled",
    "CanceledError",
    "Context",
    "DeadlineExceeded",
    "DeadlineExceededError",
    "EmptyCtx",
    "TimerCtx",
    "ValueCtx",
    "after_func",
    "background",
    "cause",
    "parent_cancel_ctx",
    "propagate_cancel",
    "todo",
    "with_cancel",
    "with_cancel_cause",
    "with_deadline",
    "with_deadline_cause",
    "with_timeout",
    "with_timeout_cause",
    "with_value",
    "without_cancel",
]


@runtime_checkable
class Context(Protocol):
    """What every context offers. Go: ``context.Context``.

    ``deadline()`` is the monotonic time by which work should stop (None: no
    deadline); ``done()`` is closed when work should stop (None: never);
    ``err()`` says why once ``done()`` is closed; ``value(key)`` looks a
    request-scoped value up, innermost first. Successive calls return the
    same results.
    """

    def deadline(self) -> float | None: ...
    def done(self) -> Chan | None: ...
    def err(self) -> BaseException | None: ...
    def value(self, key: Any) -> Any: ...


# ---------------------------------------------------------------------------
# Errors: two sentinel instances, compared with ``is`` (Go compares with ==).


class CanceledError(GoError):
    """The type of :data:`Canceled`."""


class DeadlineExceededError(GoError, TimeoutError):
    """The type of :data:`DeadlineExceeded` (Go: Timeout() and Temporary() are true)."""

    def timeout(self) -> bool:
        return True

    def temporary(self) -> bool:
        return True


#: ``ctx.err()`` when the context was canceled other than by its deadline.
Canceled = CanceledError("context canceled")
#: ``ctx.err()`` when the context's deadline passed.
DeadlineExceeded = DeadlineExceededError("context deadline exceeded")

CancelFunc = Callable[[], None]
CancelCauseFunc = Callable[..., None]

# &cancelCtxKey in Go: the private key a CancelCtx answers itself for, so
# parent_cancel_ctx can find the nearest CancelCtx through any wrapper that
# passes value() on.
_cancel_ctx_key = object()

# Go: every cancelCtx has its own mutex ``mu``.
# Python: one re-entrant lock guards the state of every context. The GIL runs
# one thread at a time anyway, so per-context locks buy no parallelism; one
# lock makes cancelling a whole subtree a single critical section with no
# per-node lock traffic (10,000 descendants in a few milliseconds), and the
# lock order problem (Go: parent lock, then child lock) disappears.
_mu = threading.RLock()

# Go: closedchan, a reusable closed channel stored as ``done`` by a cancel
# that runs before anyone asked for done(); saves one Chan per context.
_closedchan = Chan()
_closedchan.close()

# Go: the ``goroutines`` counter of context.go: watcher goroutines ever
# started, for the tests and the chapter.
_watchers_started = 0


# ---------------------------------------------------------------------------
# emptyCtx


class EmptyCtx:
    """Never canceled, no values, no deadline. Go: ``emptyCtx``.

    Two instances exist, :func:`background` and :func:`todo`; they differ
    only in their name (Go: backgroundCtx and todoCtx embed emptyCtx).
    """

    __slots__ = ("_name",)

    def __init__(self, name: str) -> None:
        self._name = name

    def deadline(self) -> float | None:
        return None

    def done(self) -> Chan | None:
        return None

    def err(self) -> BaseException | None:
        return None

    def value(self, key: Any) -> Any:
        return None

    def __str__(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<EmptyCtx {self._name}>"


_background = EmptyCtx("context.Background")
_todo = EmptyCtx("context.TODO")


def background() -> EmptyCtx:
    """The root of every context tree: never canceled, no values, no deadline.

    Go: context.Background
    """
    return _background


def todo() -> EmptyCtx:
    """Like :func:`background`, for code not yet plumbed for a context.

    Go: context.TODO
    """
    return _todo


# ---------------------------------------------------------------------------
# cancelCtx


class CancelCtx:
    """A context that can be canceled, and cancels its children with it.

    Go: ``cancelCtx``. Fields, as in Go (all guarded by the module lock):

    * ``_parent``: the parent context (Go: the embedded Context);
    * ``_done``: created lazily by the first ``done()``, closed by the first
      cancel (or set to the shared closed channel if nobody asked yet);
    * ``_children``: the cancelable contexts registered by
      :func:`propagate_cancel`, allocated on the first registration and set
      to None by the first cancel;
    * ``_err``, ``_cause``: set once, by the first cancel.
    """

    __slots__ = ("_parent", "_done", "_children", "_err", "_cause")

    def __init__(self) -> None:
        self._parent: Any = None
        self._done: Chan | None = None
        self._children: dict[CancelCtx, None] | None = None
        self._err: BaseException | None = None
        self._cause: BaseException | None = None

    # -- the Context interface ------------------------------------------------

    def deadline(self) -> float | None:
        return _deadline(self._parent)

    def done(self) -> Chan:
        d = self._done
        if d is not None:
            return d
        with _mu:
            if self._done is None:
                # Python: the done channel shares the module lock, so a cancel
                # (which holds it) closes done channels without more locking.
                self._done = Chan.sharing_lock(_mu)
            return self._done

    def err(self) -> BaseException | None:
        # Go (tip): Err waits for done to be closed before returning non-nil.
        # Python: cancel closes done before it stores err, so a non-None err
        # already implies a closed done channel.
        return self._err

    def value(self, key: Any) -> Any:
        if key is _cancel_ctx_key:
            return self
        return _value(self._parent, key)

    # -- teaching views -------------------------------------------------------

    @property
    def children(self) -> dict[CancelCtx, None]:
        """A snapshot of the registered children, in registration order.

        Go allocates the map on the first registration and sets it to nil on
        the first cancel; both read as an empty dict here (``len`` of a nil
        map is 0 in Go too).
        """
        with _mu:
            return {} if self._children is None else dict(self._children)

    @property
    def parent(self) -> Any:
        """The parent context (Go: the embedded Context field)."""
        return self._parent

    def __str__(self) -> str:
        return _context_name(self._parent) + ".WithCancel"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self} {self._state()}>"

    def _state(self) -> str:
        err = self._err
        if err is not None:
            return f"canceled: {err}"
        n = len(self._children or ())
        return f"active, {n} child{'ren' if n != 1 else ''}"

    # -- cancel -----------------------------------------------------------------

    def _cancel(
        self,
        remove_from_parent: bool,
        err: BaseException | None,
        cause: BaseException | None,
    ) -> None:
        """Close done, cancel every descendant, maybe leave the parent.

        Go: cancelCtx.cancel. The first cancel sets err and cause, closes
        done and cancels each child with the same err and cause; later
        calls do nothing (not even leave the parent).
        """
        if err is None:
            raise RuntimeError("context: internal error: missing cancel error")
        if cause is None:
            cause = err
        with _mu:
            if self._err is not None:
                return  # already canceled
            _cancel_tree(self, err, cause)
        if remove_from_parent:
            _remove_child(self._parent, self)

    def _canceled(self) -> None:
        """Called (lock held) right after this context was canceled; for subclasses."""


def _cancel_tree(root: CancelCtx, err: BaseException, cause: BaseException) -> None:
    """Cancel ``root`` and every registered descendant; the module lock is held.

    Go: cancelCtx.cancel recurses into each child (child.cancel(false, err,
    cause)). Python: an explicit stack instead of recursion (a chain of
    10,000 contexts would overflow Python's stack), and the per-node work
    inlined: this loop is the hot path of a big cancel.
    """
    stack: list[CancelCtx] = [root]
    pop = stack.pop
    extend = stack.extend
    closedchan = _closedchan
    close_done = Chan.close_holding_lock  # done shares the module lock (see done())
    while stack:
        c = pop()
        if c._err is not None:
            continue
        d = c._done
        if d is None:
            c._done = closedchan  # nobody asked for done(): no Chan needed
        else:
            close_done(d)
        c._cause = cause
        c._err = err  # after the close: err non-None implies done closed
        kids = c._children
        c._children = None
        if kids:
            extend(kids)
        if type(c) is not CancelCtx:
            c._canceled()


class TimerCtx(CancelCtx):
    """A CancelCtx with a deadline and a timer that cancels it then. Go: ``timerCtx``."""

    __slots__ = ("_deadline", "_timer")

    def __init__(self, deadline: float) -> None:
        super().__init__()
        self._deadline = deadline
        self._timer: timers.Timer | None = None  # guarded by the module lock

    def deadline(self) -> float | None:
        return self._deadline

    def __str__(self) -> str:
        remaining = self._deadline - time.monotonic()
        return (
            f"{_context_name(self._parent)}.WithDeadline("
            f"{self._deadline:.6f} [{_duration(remaining)}])"
        )

    def _cancel(
        self,
        remove_from_parent: bool,
        err: BaseException | None,
        cause: BaseException | None,
    ) -> None:
        # Go: timerCtx.cancel: cancel without removal, then remove from the
        # parent even if it was canceled before; _canceled stopped the timer.
        CancelCtx._cancel(self, False, err, cause)
        if remove_from_parent:
            _remove_child(self._parent, self)

    def _canceled(self) -> None:
        # Canceled (by its timer, its cancel function or an ancestor): the
        # timer is no longer needed. Go: c.timer.Stop(); c.timer = nil
        if self._timer is not None:
            self._timer.stop()
            self._timer = None


class _AfterFuncCtx(CancelCtx):
    """The child that :func:`after_func` registers. Go: ``afterFuncCtx``.

    Its once either starts ``f`` (on cancel) or prevents it (on stop).
    """

    __slots__ = ("_f", "_once_used")

    def __init__(self, f: Callable[[], Any]) -> None:
        super().__init__()
        self._f = f
        self._once_used = False

    def _once(self) -> bool:
        """Go: sync.Once.Do: True for the first caller only."""
        with _mu:
            if self._once_used:
                return False
            self._once_used = True
            return True

    def __str__(self) -> str:
        return _context_name(self._parent) + ".AfterFunc"

    def _cancel(
        self,
        remove_from_parent: bool,
        err: BaseException | None,
        cause: BaseException | None,
    ) -> None:
        # Go: afterFuncCtx.cancel: cancel without removal, remove if asked,
        # then the once starts f (done by _canceled when it canceled now).
        CancelCtx._cancel(self, False, err, cause)
        if remove_from_parent:
            _remove_child(self._parent, self)

    def _canceled(self) -> None:
        if self._once():
            go(self._f)  # Go: `go a.f()`: cancel never waits for f


class _StopCtx:
    """The parent of a child registered through a custom ``after_func`` hook.

    Go: ``stopCtx``: the parent plus the stop function that unregisters the
    child, so that removing the child calls ``stop()``.
    """

    __slots__ = ("ctx", "stop")

    def __init__(self, ctx: Any, stop: Callable[[], bool]) -> None:
        self.ctx = ctx
        self.stop = stop

    def deadline(self) -> float | None:
        return _deadline(self.ctx)

    def done(self) -> Chan | None:
        return self.ctx.done()  # type: ignore[no-any-return]

    def err(self) -> BaseException | None:
        return self.ctx.err()  # type: ignore[no-any-return]

    def value(self, key: Any) -> Any:
        return _value(self.ctx, key)

    def __str__(self) -> str:
        # Go prints the type, context.stopCtx; the parent's name reads better.
        return _context_name(self.ctx)


# ---------------------------------------------------------------------------
# valueCtx and withoutCancelCtx


class ValueCtx:
    """A context carrying one key/value pair. Go: ``valueCtx``."""

    __slots__ = ("_parent", "_key", "_val")

    def __init__(self, parent: Any, key: Any, val: Any) -> None:
        self._parent = parent
        self._key = key
        self._val = val

    def deadline(self) -> float | None:
        return _deadline(self._parent)

    def done(self) -> Chan | None:
        return self._parent.done()  # type: ignore[no-any-return]

    def err(self) -> BaseException | None:
        return self._parent.err()  # type: ignore[no-any-return]

    def value(self, key: Any) -> Any:
        if _same_key(self._key, key):
            return self._val
        return _value(self._parent, key)

    @property
    def parent(self) -> Any:
        return self._parent

    def __str__(self) -> str:
        return (
            f"{_context_name(self._parent)}.WithValue("
            f"{_stringify(self._key)}, {_stringify(self._val)})"
        )

    def __repr__(self) -> str:
        return f"<ValueCtx {self}>"


class _WithoutCancelCtx:
    """The parent's values, none of its cancellation. Go: ``withoutCancelCtx``."""

    __slots__ = ("_parent",)

    def __init__(self, parent: Any) -> None:
        self._parent = parent

    def deadline(self) -> float | None:
        return None

    def done(self) -> Chan | None:
        return None

    def err(self) -> BaseException | None:
        return None

    def value(self, key: Any) -> Any:
        return _value(self, key)

    def __str__(self) -> str:
        return _context_name(self._parent) + ".WithoutCancel"

    def __repr__(self) -> str:
        return f"<WithoutCancelCtx {self}>"


def _same_key(a: Any, b: Any) -> bool:
    # Go: keys are equal when both type and value are (key1(1) != key2(1)).
    return a is b or (type(a) is type(b) and bool(a == b))


def _value(c: Any, key: Any) -> Any:
    """Look ``key`` up from ``c`` outwards, without recursion. Go: ``value``."""
    while True:
        t = type(c)
        if t is ValueCtx:
            if _same_key(c._key, key):
                return c._val
            c = c._parent
        elif t is CancelCtx or t is TimerCtx or t is _AfterFuncCtx:
            if key is _cancel_ctx_key:
                return c
            c = c._parent
        elif t is _WithoutCancelCtx:
            if key is _cancel_ctx_key:
                return None  # so cause() of it is None
            c = c._parent
        elif t is _StopCtx:
            c = c.ctx
        elif t is EmptyCtx:
            return None
        else:
            return c.value(key)


def _deadline(c: Any) -> float | None:
    """The deadline of ``c``, walking our own types without recursion."""
    while True:
        t = type(c)
        if t is TimerCtx:
            return c._deadline  # type: ignore[no-any-return]
        if t is CancelCtx or t is _AfterFuncCtx or t is ValueCtx:
            c = c._parent
        elif t is _StopCtx:
            c = c.ctx
        elif t is EmptyCtx or t is _WithoutCancelCtx:
            return None
        else:
            return c.deadline()  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------
# Constructors


def _check_parent(parent: Any) -> None:
    if parent is None:
        # Go: panic("cannot create context from nil parent")
        raise TypeError("cannot create context from nil parent")


def with_cancel(parent: Context) -> tuple[CancelCtx, CancelFunc]:
    """A child of ``parent`` with a new done channel, and its cancel function.

    The child's done channel is closed when ``cancel()`` is called or when
    the parent's is closed, whichever happens first. ``cancel()`` is
    idempotent, safe from any goroutine, removes the child from its parent
    and cancels the child's own descendants. Go: context.WithCancel
    """
    c = _with_cancel(parent)

    def cancel() -> None:
        c._cancel(True, Canceled, None)

    return c, cancel


def with_cancel_cause(parent: Context) -> tuple[CancelCtx, CancelCauseFunc]:
    """Like :func:`with_cancel`; ``cancel(cause)`` also records why.

    ``cause(ctx)`` then returns that error (``err()`` is still Canceled);
    ``cancel()`` or ``cancel(None)`` records Canceled. A cancel after the
    first changes nothing. Go: context.WithCancelCause
    """
    c = _with_cancel(parent)

    def cancel(cause: BaseException | None = None) -> None:
        c._cancel(True, Canceled, cause)

    return c, cancel


def _with_cancel(parent: Any) -> CancelCtx:
    _check_parent(parent)
    c = CancelCtx()
    propagate_cancel(parent, c)
    return c


def cause(c: Context) -> BaseException | None:
    """Why ``c`` was canceled: the first cancellation of c or an ancestor.

    None while ``c`` is not canceled. If that cancellation passed a cause
    (``with_cancel_cause``, a ``*_cause`` deadline) it is returned, else the
    same as ``c.err()``. A custom context canceled on its own reports its
    ``err()``. Go: context.Cause
    """
    err = c.err()
    if err is None:
        return None
    cc = c.value(_cancel_ctx_key)
    if isinstance(cc, CancelCtx):
        with _mu:
            found = cc._cause
        if found is not None:
            return found
        # The nearest CancelCtx has no cause yet: c was canceled by a custom
        # context implementation.
    return err


def with_deadline(parent: Context, d: float) -> tuple[CancelCtx, CancelFunc]:
    """A child canceled (with DeadlineExceeded) at monotonic time ``d`` at the latest.

    If the parent's deadline is already earlier, this is :func:`with_cancel`
    (a plain CancelCtx). Go: context.WithDeadline
    """
    return with_deadline_cause(parent, d, None)


def with_deadline_cause(
    parent: Context, d: float, cause: BaseException | None
) -> tuple[CancelCtx, CancelFunc]:
    """Like :func:`with_deadline`; ``cause`` is recorded when the deadline passes.

    The returned cancel function does not set the cause.
    Go: context.WithDeadlineCause
    """
    _check_parent(parent)
    cur = parent.deadline()
    if cur is not None and cur < d:
        # The current deadline is already sooner than the new one.
        return with_cancel(parent)
    c = TimerCtx(d)
    propagate_cancel(parent, c)
    dur = d - time.monotonic()
    if dur <= 0:
        c._cancel(True, DeadlineExceeded, cause)  # the deadline has already passed

        def cancel_passed() -> None:
            c._cancel(False, Canceled, None)

        return c, cancel_passed
    with _mu:
        if c._err is None:
            c._timer = timers.schedule(dur, lambda: c._cancel(True, DeadlineExceeded, cause))

    def cancel() -> None:
        c._cancel(True, Canceled, None)

    return c, cancel


def with_timeout(parent: Context, seconds: float) -> tuple[CancelCtx, CancelFunc]:
    """``with_deadline(parent, time.monotonic() + seconds)``. Go: context.WithTimeout"""
    return with_deadline_cause(parent, time.monotonic() + seconds, None)


def with_timeout_cause(
    parent: Context, seconds: float, cause: BaseException | None
) -> tuple[CancelCtx, CancelFunc]:
    """``with_deadline_cause(parent, time.monotonic() + seconds, cause)``.

    Go: context.WithTimeoutCause
    """
    return with_deadline_cause(parent, time.monotonic() + seconds, cause)


def with_value(parent: Context, key: Any, val: Any) -> ValueCtx:
    """A child in which ``value(key)`` is ``val``. Go: context.WithValue

    ``key`` must not be None (ValueError "nil key") and must be hashable
    (TypeError "key is not comparable", Python's nearest analogue of Go's
    comparable). Use a private object or class as key, not a plain string.
    """
    _check_parent(parent)
    if key is None:
        raise ValueError("nil key")
    try:
        hash(key)
    except TypeError:
        raise TypeError("key is not comparable") from None
    return ValueCtx(parent, key, val)


def without_cancel(parent: Context) -> _WithoutCancelCtx:
    """A child with the parent's values that is never canceled.

    No deadline, ``done()`` None, ``err()`` None, ``cause()`` None.
    Go: context.WithoutCancel
    """
    _check_parent(parent)
    return _WithoutCancelCtx(parent)


def after_func(ctx: Context, f: Callable[[], Any]) -> Callable[[], bool]:
    """Run ``f`` in its own goroutine once ``ctx`` is done; return ``stop``.

    If ``ctx`` is already done, ``f`` starts at once. Several after_funcs on
    one context are independent. ``stop()`` unregisters ``f`` and returns
    True if that prevented ``f`` from running; False if ``f`` was already
    started or stopped. Neither cancel nor stop waits for ``f``.
    Go: context.AfterFunc
    """
    a = _AfterFuncCtx(f)
    propagate_cancel(ctx, a)

    def stop() -> bool:
        if not a._once():
            return False
        a._cancel(True, Canceled, None)
        return True

    return stop


# ---------------------------------------------------------------------------
# propagateCancel, parentCancelCtx, removeChild


def propagate_cancel(parent: Context, child: CancelCtx) -> None:
    """Make ``parent`` the parent of ``child`` and arrange for it to cancel it.

    Go: cancelCtx.propagateCancel. In order:

    a. ``parent.done()`` is None: the parent is never canceled; nothing to do.
    b. the parent is already done: cancel the child now with the parent's
       err and cause.
    c. a CancelCtx is found behind the parent (:func:`parent_cancel_ctx`):
       register the child in its ``children`` (or cancel it if that one is
       already canceled). No goroutine.
    d. the parent has ``after_func(f) -> stop`` (Go's afterFuncer): register
       the child's cancel through it. No goroutine.
    e. otherwise start a watcher goroutine that cancels the child when the
       parent's done closes, and ends when either is done.
    """
    _check_parent(parent)
    child._parent = parent

    done = parent.done()
    if done is None:
        return  # the parent is never canceled
    if done is _closedchan or select(Recv(done), default=True)[0] == 0:
        # The parent is already canceled.
        child._cancel(False, parent.err(), cause(parent))
        return

    p = parent_cancel_ctx(parent)
    if p is not None:
        with _mu:
            if p._err is not None:
                # The parent has already been canceled.
                child._cancel(False, p._err, p._cause)
            else:
                if p._children is None:
                    p._children = {}
                p._children[child] = None
        return

    hook = getattr(parent, "after_func", None)
    if callable(hook):
        # Go: the parent implements afterFuncer.
        def cancel_child() -> None:
            child._cancel(False, parent.err(), cause(parent))

        # Go holds the child's lock around this; Python: a custom hook might
        # call cancel_child at once, which takes that (non-reentrant) lock.
        stop = hook(cancel_child)
        child._parent = _StopCtx(parent, stop)
        return

    global _watchers_started
    _watchers_started += 1

    def watch() -> None:
        # Go: the goroutine propagateCancel starts for a foreign parent.
        i, _, _ = select(Recv(parent.done()), Recv(child.done()))
        if i == 0:
            child._cancel(False, parent.err(), cause(parent))

    go(watch)


def parent_cancel_ctx(parent: Context) -> CancelCtx | None:
    """The CancelCtx behind ``parent``, or None. Go: parentCancelCtx.

    Asks ``parent.value()`` for a private key that every CancelCtx answers
    with itself (so wrappers that pass ``value()`` on are seen through), and
    accepts the result only if its done channel is the very channel
    ``parent.done()`` returned: a wrapper with its own done channel must not
    be bypassed.
    """
    done = parent.done()
    if done is None or done is _closedchan:
        return None
    p = parent.value(_cancel_ctx_key)
    if not isinstance(p, CancelCtx):
        return None
    if p._done is not done:
        return None
    return p


def _remove_child(parent: Any, child: CancelCtx) -> None:
    """Unregister ``child`` from its parent. Go: removeChild."""
    if type(parent) is _StopCtx:
        parent.stop()
        return
    p = parent_cancel_ctx(parent)
    if p is None:
        return
    with _mu:
        if p._children is not None:
            p._children.pop(child, None)


# ---------------------------------------------------------------------------
# Names (Go: contextName, stringify, time.Duration.String)


def _has_own_str(v: Any) -> bool:
    return type(v).__str__ is not object.__str__


def _type_name(v: Any) -> str:
    t = type(v)
    module = t.__module__.rsplit(".", 1)[-1]
    if module == "builtins":
        return t.__qualname__
    return f"{module}.{t.__qualname__}"


def _context_name(c: Any) -> str:
    """Go: contextName: the context's String() if it has one, else its type."""
    if _has_own_str(c):
        return str(c)
    return _type_name(c)


def _stringify(v: Any) -> str:
    """Go: stringify: a Stringer prints itself, a string as is, nil as <nil>, else its type."""
    if v is None:
        return "<nil>"
    if isinstance(v, str):
        return v
    if type(v).__module__ != "builtins" and _has_own_str(v):
        return str(v)
    return _type_name(v)


def _duration(seconds: float) -> str:
    """A short Go-style duration: 1.5s, 250ms, -3ms."""
    if abs(seconds) >= 1:
        return f"{seconds:.6g}s"
    return f"{seconds * 1000:.6g}ms"
