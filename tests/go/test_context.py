"""Tests for swarmnotes.go.context, mirroring Go's context tests.

Go: src/context/x_test.go, context_test.go (the XTest* cases that look at
unexported fields) and afterfunc_test.go, at golang/go master (2025). Test
names keep the Go names, snake_cased.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

import swarmnotes.go.context as ctxmod
from swarmnotes.go.chan import Chan, Recv, after, go, select
from swarmnotes.go.context import (
    CancelCtx,
    Canceled,
    DeadlineExceeded,
    EmptyCtx,
    TimerCtx,
    ValueCtx,
    after_func,
    background,
    cause,
    parent_cancel_ctx,
    propagate_cancel,
    todo,
    with_cancel,
    with_cancel_cause,
    with_deadline,
    with_deadline_cause,
    with_timeout,
    with_timeout_cause,
    with_value,
    without_cancel,
)
from swarmnotes.go.sync import WaitGroup
from tests.helpers import WAIT, closed_within, is_ready, recv_within

SHORT = 0.001  # Go: shortDuration
VERY_LONG = 3600.0 * 1000  # Go: veryLongDuration


# -- custom contexts used by the Go tests ---------------------------------------


class OtherContext:
    """Go: otherContext{Context}: a foreign type passing every method on."""

    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx

    def deadline(self) -> float | None:
        return self.ctx.deadline()  # type: ignore[no-any-return]

    def done(self) -> Chan | None:
        return self.ctx.done()  # type: ignore[no-any-return]

    def err(self) -> BaseException | None:
        return self.ctx.err()  # type: ignore[no-any-return]

    def value(self, key: Any) -> Any:
        return self.ctx.value(key)


class MyDoneCtx(OtherContext):
    """Go: myDoneCtx: a new, never-closed done channel on every call."""

    def done(self) -> Chan | None:
        return Chan()


class CustomDoneContext(OtherContext):
    """Go: customDoneContext: the wrapped context plus its own done channel."""

    def __init__(self, ctx: Any, donec: Chan) -> None:
        super().__init__(ctx)
        self.donec = donec

    def done(self) -> Chan | None:
        return self.donec


class AfterFuncContext:
    """Go: afterFuncContext (afterfunc_test.go): a custom afterFuncer."""

    def __init__(self) -> None:
        self.mu = threading.Lock()
        self.after_funcs: dict[object, Any] = {}
        self._done: Chan | None = None
        self._err: BaseException | None = None

    def deadline(self) -> float | None:
        return None

    def done(self) -> Chan | None:
        with self.mu:
            if self._done is None:
                self._done = Chan()
            return self._done

    def err(self) -> BaseException | None:
        with self.mu:
            return self._err

    def value(self, key: Any) -> Any:
        return None

    def after_func(self, f: Any) -> Any:
        k = object()
        with self.mu:
            self.after_funcs[k] = f

        def stop() -> bool:
            with self.mu:
                return self.after_funcs.pop(k, None) is not None

        return stop

    def cancel(self, err: BaseException) -> None:
        with self.mu:
            if self._err is not None:
                return
            self._err = err
            funcs = list(self.after_funcs.values())
            self.after_funcs.clear()
        for f in funcs:
            go(f)


class CustomCauseContext:
    """Go: customCauseContext: a root custom context with no cancelCtx above."""

    def __init__(self) -> None:
        self.mu = threading.Lock()
        self._done = Chan()
        self._err: BaseException | None = None
        self.cancel_child: Any = None

    def deadline(self) -> float | None:
        return None

    def done(self) -> Chan | None:
        return self._done

    def err(self) -> BaseException | None:
        with self.mu:
            return self._err

    def value(self, key: Any) -> Any:
        return None

    def cancel(self) -> None:
        with self.mu:
            self._err = Canceled
            self._done.close()
            cancel_child = self.cancel_child
        if cancel_child is not None:
            cancel_child()


class CustomContext:
    """Go: customContext: done via after_func on the parent, or its own cancel."""

    def __init__(self, parent: Any) -> None:
        self.parent = parent
        self.donec = Chan()
        self.once = threading.Lock()
        self._err: BaseException | None = None

    def _finish(self, err: BaseException | None) -> None:
        if self.once.acquire(False):
            self._err = err
            self.donec.close()

    def deadline(self) -> float | None:
        return self.parent.deadline()  # type: ignore[no-any-return]

    def done(self) -> Chan | None:
        return self.donec

    def err(self) -> BaseException | None:
        if is_ready(self.donec):
            return self._err
        return None

    def value(self, key: Any) -> Any:
        return self.parent.value(key)


def new_custom_context(parent: Any) -> tuple[CustomContext, Any]:
    c = CustomContext(parent)
    after_func(parent, lambda: c._finish(parent.err()))
    return c, lambda: c._finish(Canceled)


def wait_done(c: Any) -> None:
    assert closed_within(c.done()), f"{c} not done within {WAIT}s"


# -- TestBackground, TestTODO ----------------------------------------------------


def test_background() -> None:
    c = background()
    assert isinstance(c, EmptyCtx)
    assert c.done() is None and c.err() is None and c.deadline() is None
    assert c.value("k") is None
    assert not is_ready(c.done())
    assert str(c) == "context.Background"
    assert background() is c


def test_todo() -> None:
    c = todo()
    assert c.done() is None
    assert str(c) == "context.TODO"
    assert todo() is c and c is not background()


# -- TestWithCancel, TestParentFinishesChild, TestChildFinishesFirst ----------


def test_with_cancel() -> None:
    c1, cancel = with_cancel(background())
    assert str(c1) == "context.Background.WithCancel"
    o = OtherContext(c1)
    c2, cancel2 = with_cancel(o)
    contexts: list[Any] = [c1, o, c2]
    for c in contexts:
        assert c.done() is not None
        assert c.err() is None
        assert not is_ready(c.done())
    assert c1.done() is c1.done()  # successive calls return the same channel
    cancel()  # should propagate synchronously
    for c in contexts:
        assert is_ready(c.done())
        assert c.err() is Canceled
    cancel()  # idempotent
    cancel2()


def test_parent_finishes_child() -> None:
    # Context tree: parent -> cancel_child; parent -> value_child -> timer_child;
    # parent -> after_func child.
    parent, cancel = with_cancel(background())
    cancel_child, stop1 = with_cancel(parent)
    value_child = with_value(parent, "key", "value")
    timer_child, stop2 = with_timeout(value_child, VERY_LONG)
    after_stop = after_func(parent, lambda: None)

    for c in (parent, cancel_child, timer_child, value_child):
        assert not is_ready(c.done())

    children = parent.children
    assert len(children) == 3
    assert cancel_child in children and timer_child in children
    after_children = [c for c in children if type(c).__name__ == "_AfterFuncCtx"]
    assert len(after_children) == 1
    assert isinstance(timer_child, TimerCtx)

    assert parent_cancel_ctx(cancel_child.parent) is parent
    assert parent_cancel_ctx(timer_child.parent) is parent
    assert parent_cancel_ctx(after_children[0].parent) is parent

    cancel()
    assert parent.children == {}  # Go: set to nil by the first cancel
    assert parent._children is None
    for c in (parent, cancel_child, value_child, timer_child):
        assert is_ready(c.done())
        assert c.err() is Canceled

    # A child of a canceled parent is born canceled.
    precanceled = with_value(parent, "key", "value")
    assert is_ready(precanceled.done())
    assert precanceled.err() is Canceled
    stop1()
    stop2()
    assert after_stop() is False  # f already started


def test_child_finishes_first() -> None:
    cancelable, stop = with_cancel(background())
    for parent in (background(), cancelable):
        child, cancel = with_cancel(parent)
        assert not is_ready(parent.done()) and not is_ready(child.done())
        pc = parent if isinstance(parent, CancelCtx) else None
        assert parent_cancel_ctx(child.parent) is pc
        if pc is not None:
            assert list(pc.children) == [child]
        cancel()
        if pc is not None:
            assert not pc.children  # the child removed itself
        assert is_ready(child.done())
        assert child.err() is Canceled
        assert not is_ready(parent.done())
        assert parent.err() is None
    stop()


def test_cancel_removes() -> None:
    def n_children(c: CancelCtx) -> int:
        return len(c.children)

    ctx, cancel_ctx = with_cancel(background())
    assert n_children(ctx) == 0
    _, cancel = with_cancel(ctx)
    assert n_children(ctx) == 1
    cancel()
    assert n_children(ctx) == 0

    _, cancel = with_timeout(ctx, 60 * 60)
    assert n_children(ctx) == 1
    cancel()
    assert n_children(ctx) == 0

    stop = after_func(ctx, lambda: None)
    assert n_children(ctx) == 1
    assert stop() is True
    assert n_children(ctx) == 0
    cancel_ctx()


# -- custom contexts: goroutines, propagation --------------------------------------


def test_custom_context_goroutines() -> None:
    # Go: XTestCustomContextGoroutines, counting watcher goroutines started.
    g = ctxmod._watchers_started

    def created() -> int:
        nonlocal g
        now = ctxmod._watchers_started
        n, g = now - g, now
        return n

    _, cancel0 = with_cancel(MyDoneCtx(background()))
    cancel0()
    assert created() == 1
    _, cancel0 = with_timeout(MyDoneCtx(background()), VERY_LONG)
    cancel0()
    assert created() == 1

    ctx1, cancel1 = with_cancel(background())
    assert created() == 0
    ctx2 = OtherContext(ctx1)  # passes done() and value() through
    ctx3, cancel3 = with_cancel(ctx2)
    assert created() == 0
    assert ctx3 in ctx1.children

    _, cancel3b = with_cancel(MyDoneCtx(ctx2))
    assert created() == 1  # ctx1 is not providing done(): must not be bypassed

    ctx4, cancel4 = with_timeout(ctx3, VERY_LONG)
    assert created() == 0
    ctx5, cancel5 = with_cancel(ctx4)
    assert created() == 0
    cancel5()
    assert created() == 0
    _, cancel6 = with_timeout(ctx5, VERY_LONG)
    assert created() == 0
    cancel6()
    cancel1()
    _, cancel7 = with_cancel(ctx5)  # child of a canceled context
    assert created() == 0
    for f in (cancel7, cancel4, cancel3b, cancel3):
        f()


def test_goroutines_counted_with_threading() -> None:
    # The same accounting through threading.active_count(): only the watcher
    # of a foreign done channel is a new thread (timers run on one thread,
    # started by the first timer: one now), and it ends once its child is done.
    after(0).recv()
    after(VERY_LONG)
    base = threading.active_count()
    ctx1, cancel1 = with_cancel(background())
    _, cancel2 = with_timeout(OtherContext(ctx1), VERY_LONG)
    assert threading.active_count() == base
    foreign, cancel3 = with_timeout(MyDoneCtx(ctx1), VERY_LONG)
    assert threading.active_count() == base + 1
    cancel3()
    for t in _goroutines():
        t.join(WAIT)
    assert threading.active_count() == base
    cancel2()
    cancel1()


def test_watcher_goroutine_ends_when_child_done() -> None:
    parent = MyDoneCtx(background())
    child, cancel = with_cancel(parent)
    watchers = [t for t in _goroutines() if t.name.endswith("propagate_cancel.<locals>.watch")]
    assert len(watchers) == 1
    cancel()
    watchers[0].join(WAIT)
    assert not watchers[0].is_alive()


def test_watcher_goroutine_cancels_child_of_foreign_parent() -> None:
    donec = Chan()
    foreign = CustomDoneContext(background(), donec)
    foreign_err: list[BaseException] = []

    class Foreign(CustomDoneContext):
        def err(self) -> BaseException | None:
            return foreign_err[0] if foreign_err else None

    parent = Foreign(background(), donec)
    child, cancel = with_cancel(parent)
    grandchild, _ = with_cancel(child)
    assert not is_ready(child.done())
    foreign_err.append(Canceled)
    donec.close()
    wait_done(child)
    assert child.err() is Canceled and grandchild.err() is Canceled
    cancel()
    del foreign


def test_custom_context_propagation() -> None:
    # Go: TestCustomContextPropagation: a wrapper with its own done channel.
    err = RuntimeError("TestCustomContextPropagation")
    donec = Chan()
    ctx1, cancel1 = with_cancel_cause(background())
    ctx2 = CustomDoneContext(ctx1, donec)
    ctx3, cancel3 = with_cancel(ctx2)
    cancel1(err)
    donec.close()
    wait_done(ctx3)
    assert ctx3.err() is Canceled
    assert cause(ctx3) is err
    cancel3()


def test_custom_context_after_func_cancel() -> None:
    ctx0 = AfterFuncContext()
    ctx1, cancel = with_cancel(ctx0)
    ctx0.cancel(Canceled)
    wait_done(ctx1)
    cancel()


def test_custom_context_after_func_timeout() -> None:
    ctx0 = AfterFuncContext()
    ctx1, cancel = with_timeout(ctx0, VERY_LONG)
    ctx0.cancel(Canceled)
    wait_done(ctx1)
    cancel()


def test_custom_context_after_func_after_func() -> None:
    ctx0 = AfterFuncContext()
    donec = Chan()
    stop = after_func(ctx0, donec.close)
    ctx0.cancel(Canceled)
    assert closed_within(donec)
    stop()


def test_custom_context_after_func_uses_no_watcher() -> None:
    g = ctxmod._watchers_started
    ctx0 = AfterFuncContext()
    _, cancel = with_cancel(ctx0)
    assert ctxmod._watchers_started == g
    cancel()


def test_custom_context_after_func_unregister_cancel() -> None:
    ctx0 = AfterFuncContext()
    _, cancel1 = with_cancel(ctx0)
    _, cancel2 = with_cancel(ctx0)
    assert len(ctx0.after_funcs) == 2
    cancel1()
    cancel2()
    assert len(ctx0.after_funcs) == 0


def test_custom_context_after_func_unregister_timeout() -> None:
    ctx0 = AfterFuncContext()
    _, cancel = with_timeout(ctx0, VERY_LONG)
    assert len(ctx0.after_funcs) == 1
    cancel()
    assert len(ctx0.after_funcs) == 0


def test_custom_context_after_func_unregister_after_func() -> None:
    ctx0 = AfterFuncContext()
    stop = after_func(ctx0, lambda: None)
    assert len(ctx0.after_funcs) == 1
    stop()
    assert len(ctx0.after_funcs) == 0


def test_custom_context_cause() -> None:
    # A custom context canceled on its own: err and cause are Canceled.
    ccc = CustomCauseContext()
    ccc.cancel()
    assert ccc.err() is Canceled and cause(ccc) is Canceled

    # A child with a cause; the custom parent is not canceled by it.
    ccc = CustomCauseContext()
    ctx, cause_func = with_cancel_cause(ccc)
    err = RuntimeError("TestCustomContextCause")
    cause_func(err)
    assert ctx.err() is Canceled and cause(ctx) is err
    assert ccc.err() is None and cause(ccc) is None
    ccc.cancel()
    assert ctx.err() is Canceled and cause(ctx) is err
    assert ccc.err() is Canceled and cause(ccc) is Canceled

    # Cancelling the custom context cancels the child it was told about.
    ccc = CustomCauseContext()
    ctx, cancel_func = with_cancel(ccc)
    ccc.cancel_child = cancel_func
    ccc.cancel()
    assert ctx.err() is Canceled and cause(ctx) is Canceled
    assert ccc.err() is Canceled and cause(ccc) is Canceled


# -- parent_cancel_ctx, propagate_cancel ---------------------------------------------


def test_parent_cancel_ctx_sees_through_value_wrappers() -> None:
    c, cancel = with_cancel(background())
    wrapped = OtherContext(with_value(OtherContext(c), "k", 1))
    assert parent_cancel_ctx(wrapped) is c
    assert parent_cancel_ctx(CustomDoneContext(c, Chan())) is None  # own done channel
    assert parent_cancel_ctx(background()) is None
    assert parent_cancel_ctx(without_cancel(c)) is None
    cancel()
    assert parent_cancel_ctx(c) is c  # done existed before cancel: still found


def test_parent_cancel_ctx_canceled_before_done_asked() -> None:
    c, cancel = with_cancel(background())
    cancel()
    # Nobody asked for done() before the cancel: the shared closed channel.
    assert c.done() is ctxmod._closedchan
    assert parent_cancel_ctx(c) is None


def test_propagate_cancel_registers_child() -> None:
    p, cancel = with_cancel(background())
    child = CancelCtx()
    propagate_cancel(p, child)
    assert child.parent is p
    assert list(p.children) == [child]
    cancel()
    assert child.err() is Canceled


# -- deadlines --------------------------------------------------------------------------


def check_deadline_exceeded(c: Any) -> None:
    wait_done(c)
    assert c.err() is DeadlineExceeded


def test_deadline() -> None:
    c, c1 = with_deadline(background(), time.monotonic() + SHORT)
    assert str(c).startswith("context.Background.WithDeadline(")
    check_deadline_exceeded(c)

    c, c2 = with_deadline(background(), time.monotonic() + SHORT)
    check_deadline_exceeded(OtherContext(c))

    c, c3 = with_deadline(background(), time.monotonic() + SHORT)
    c, c4 = with_deadline(OtherContext(c), time.monotonic() + VERY_LONG)
    check_deadline_exceeded(c)

    c, c5 = with_deadline(background(), time.monotonic() - SHORT)
    check_deadline_exceeded(c)
    c, c6 = with_deadline(background(), time.monotonic())
    check_deadline_exceeded(c)
    for f in (c1, c2, c3, c4, c5, c6):
        f()


def test_timeout() -> None:
    c, c1 = with_timeout(background(), SHORT)
    assert str(c).startswith("context.Background.WithDeadline(")
    check_deadline_exceeded(c)
    c, c2 = with_timeout(background(), SHORT)
    check_deadline_exceeded(OtherContext(c))
    c, c3 = with_timeout(background(), SHORT)
    c, c4 = with_timeout(OtherContext(c), VERY_LONG)
    check_deadline_exceeded(c)
    for f in (c1, c2, c3, c4):
        f()


def test_canceled_timeout() -> None:
    c, c1 = with_timeout(background(), 1.0)
    o = OtherContext(c)
    c, cancel = with_timeout(o, VERY_LONG)
    cancel()  # should propagate synchronously
    assert is_ready(c.done())
    assert c.err() is Canceled
    c1()


def test_deadline_values() -> None:
    d = time.monotonic() + 100
    c, cancel = with_deadline(background(), d)
    assert isinstance(c, TimerCtx) and c.deadline() == d
    # A later deadline under an earlier one is a plain WithCancel.
    later, cancel2 = with_deadline(c, d + 50)
    assert type(later) is CancelCtx and later.deadline() == d
    assert str(later).endswith(".WithCancel")
    # An equal deadline still builds a TimerCtx.
    same, cancel3 = with_deadline(c, d)
    assert isinstance(same, TimerCtx)
    assert with_value(c, "k", 1).deadline() == d
    assert OtherContext(c).deadline() == d
    for f in (cancel3, cancel2, cancel):
        f()


def test_deadline_under_canceled_parent_reports_canceled() -> None:
    parent, cancel = with_cancel(background())
    cancel()
    c, stop = with_deadline(parent, time.monotonic() - 1)
    assert c.err() is Canceled
    stop()


def test_timer_stopped_by_cancel() -> None:
    c, cancel = with_timeout(background(), VERY_LONG)
    assert isinstance(c, TimerCtx)
    timer = c._timer
    assert timer is not None
    cancel()
    assert c._timer is None and timer.cancelled


# -- values -----------------------------------------------------------------------------


class Key1:
    """Go: type key1 int (no String method)."""

    def __init__(self, n: int) -> None:
        self.n = n

    def __eq__(self, other: object) -> bool:
        return type(other) is Key1 and other.n == self.n

    def __hash__(self) -> int:
        return hash(self.n)


class Key2(Key1):
    """Go: type key2 int with a String method."""

    def __eq__(self, other: object) -> bool:
        return type(other) is Key2 and other.n == self.n

    def __hash__(self) -> int:
        return hash(self.n)

    def __str__(self) -> str:
        return f"test_context.Key2({self.n})"


k1 = Key1(1)
k2 = Key2(1)  # same number as k1, different type
k3 = Key2(3)  # same type as k2, different number


def test_values() -> None:
    def check(c: Any, v1: Any, v2: Any, v3: Any) -> None:
        assert (c.value(k1), c.value(k2), c.value(k3)) == (v1, v2, v3)

    check(background(), None, None, None)
    c1 = with_value(background(), k1, "c1k1")
    check(c1, "c1k1", None, None)
    assert str(c1) == "context.Background.WithValue(test_context.Key1, c1k1)"
    c2 = with_value(c1, k2, "c2k2")
    check(c2, "c1k1", "c2k2", None)
    assert str(c2) == (
        "context.Background.WithValue(test_context.Key1, c1k1)"
        ".WithValue(test_context.Key2(1), c2k2)"
    )
    c3 = with_value(c2, k3, "c3k3")
    check(c3, "c1k1", "c2k2", "c3k3")
    c4 = with_value(c3, k1, None)  # shadows
    check(c4, None, "c2k2", "c3k3")
    assert str(c4).endswith(".WithValue(test_context.Key1, <nil>)")
    assert isinstance(c4, ValueCtx)

    o1 = OtherContext(with_value(background(), k1, "c1k1"))
    check(o1, "c1k1", None, None)
    o2 = with_value(o1, k2, "o2k2")
    check(o2, "c1k1", "o2k2", None)
    o3 = OtherContext(c4)
    check(o3, None, "c2k2", "c3k3")
    o4 = with_value(o3, k3, None)
    check(o4, None, "c2k2", None)


def test_values_survive_cancel_and_pass_through_cancel_contexts() -> None:
    v = with_value(background(), "user", "gopher")
    c, cancel = with_cancel(v)
    t, cancel2 = with_timeout(c, VERY_LONG)
    cancel()
    assert t.value("user") == "gopher"
    assert with_value(background(), 1, "int").value(1.0) is None  # Go: type and value
    cancel2()


def test_with_value_checks_key() -> None:
    with pytest.raises(TypeError, match="key is not comparable"):
        with_value(background(), [1], "bar")
    with pytest.raises(ValueError, match="^nil key$"):
        with_value(background(), None, "bar")


def test_invalid_derived_fail() -> None:
    for make in (
        lambda: with_cancel(None),  # type: ignore[arg-type]
        lambda: with_cancel_cause(None),  # type: ignore[arg-type]
        lambda: with_deadline(None, time.monotonic() + 1),  # type: ignore[arg-type]
        lambda: with_timeout(None, 1),  # type: ignore[arg-type]
        lambda: with_value(None, "foo", "bar"),  # type: ignore[arg-type]
        lambda: without_cancel(None),  # type: ignore[arg-type]
    ):
        with pytest.raises(TypeError, match="cannot create context from nil parent"):
            make()


def test_deadline_exceeded_supports_timeout() -> None:
    assert isinstance(DeadlineExceeded, TimeoutError)
    assert DeadlineExceeded.timeout() is True
    assert str(DeadlineExceeded) == "context deadline exceeded"
    assert str(Canceled) == "context canceled"
    assert not isinstance(Canceled, TimeoutError)


# -- many goroutines ------------------------------------------------------------------


def test_simultaneous_cancels() -> None:
    root, cancel = with_cancel(background())
    m: dict[Any, Any] = {root: cancel}
    q: list[Any] = [root]
    while q and len(m) < 100:
        parent = q.pop(0)
        for _ in range(4):
            ctx, c = with_cancel(parent)
            m[ctx] = c
            q.append(ctx)
    wg = WaitGroup()
    wg.add(len(m))

    def run(c: Any) -> None:
        try:
            c()
        finally:
            wg.done()

    for c in m.values():
        go(run, c)
    for ctx in m:
        wait_done(ctx)
    assert wg.wait(WAIT)


def test_interlocked_cancels() -> None:
    parent, cancel_parent = with_cancel(background())
    child, cancel_child = with_cancel(parent)

    def f() -> None:
        parent.done().recv()
        cancel_child()

    t = go(f)
    cancel_parent()
    wait_done(child)
    t.join(WAIT)


@pytest.mark.parametrize("timeout", [False, True])
def test_layers(timeout: bool) -> None:
    import random

    r = random.Random(1)
    vals: list[object] = []
    cancels: list[Any] = []
    num_timers = 0
    ctx: Any = background()
    i = 0
    while i < 30 or num_timers == 0 or not cancels or not vals:
        i += 1
        k = r.randrange(3)
        if k == 0:
            v = object()
            ctx = with_value(ctx, v, v)
            vals.append(v)
        elif k == 1:
            ctx, c = with_cancel(ctx)
            cancels.append(c)
        else:
            ctx, c = with_timeout(ctx, SHORT if timeout else VERY_LONG)
            cancels.append(c)
            num_timers += 1
    if not timeout:
        assert not is_ready(ctx.done())
    assert str(ctx).startswith("context.Background.")
    for v in vals:
        assert ctx.value(v) is v
    if timeout:
        wait_done(ctx)
    else:
        r.choice(cancels)()
        assert is_ready(ctx.done())
    for v in vals:
        assert ctx.value(v) is v
    for c in cancels:
        c()


def test_deep_chain_cancel_has_no_recursion_limit() -> None:
    root, cancel = with_cancel(background())
    c: Any = root
    for _ in range(5000):
        c, _ = with_cancel(c)
    assert c.deadline() is None and c.value("x") is None
    cancel()
    assert c.err() is Canceled and is_ready(c.done())


def test_with_cancel_canceled_parent() -> None:
    parent, pcancel = with_cancel_cause(background())
    err = RuntimeError("Because!")
    pcancel(err)
    c, stop = with_cancel(parent)
    assert is_ready(c.done())
    assert c.err() is Canceled
    assert cause(c) is err
    stop()


def test_with_cancel_simultaneously_canceled_parent() -> None:
    for _ in range(100):
        parent, pcancel = with_cancel_cause(background())
        err = RuntimeError("Because!")
        t = go(pcancel, err)
        c, stop = with_cancel(parent)
        wait_done(c)
        assert c.err() is Canceled
        assert cause(c) is err
        stop()
        t.join(WAIT)


def test_context_err_done_race() -> None:
    # Go issue 75533: once err() is non-None, done() must be closed.
    for _ in range(10):
        ctx, cancel = with_cancel(background())
        donec = ctx.done()
        t = go(cancel)
        deadline = time.monotonic() + WAIT
        while ctx.err() is None and time.monotonic() < deadline:
            time.sleep(0)
        assert ctx.err() is not None
        assert is_ready(donec)
        t.join(WAIT)


def test_cancel_wakes_goroutines_parked_on_done() -> None:
    ctx, cancel = with_cancel(background())
    woke = Chan(3)

    def waiter() -> None:
        i, _, _ = select(Recv(ctx.done()), Recv(after(WAIT)))
        woke.send(i)

    threads = [go(waiter) for _ in range(3)]
    for _ in range(1000):
        if len(ctx.done()._recvq) == 3:
            break
        threads[0].join(0.005)
    cancel()
    for _ in range(3):
        assert recv_within(woke) == (0, True)


# -- Cause ------------------------------------------------------------------------------

PARENT_CAUSE = RuntimeError("parentCause")
CHILD_CAUSE = RuntimeError("childCause")
TOO_SLOW = RuntimeError("tooSlow")
FINISHED_EARLY = RuntimeError("finishedEarly")
FOREVER = 1e6


def _wc_parent_before_child() -> Any:
    ctx, cancel_parent = with_cancel_cause(background())
    ctx, cancel_child = with_cancel_cause(ctx)
    cancel_parent(PARENT_CAUSE)
    cancel_child(CHILD_CAUSE)
    return ctx


def _wc_parent_after_child() -> Any:
    ctx, cancel_parent = with_cancel_cause(background())
    ctx, cancel_child = with_cancel_cause(ctx)
    cancel_child(CHILD_CAUSE)
    cancel_parent(PARENT_CAUSE)
    return ctx


def _wc_parent_before_nil() -> Any:
    ctx, cancel_parent = with_cancel_cause(background())
    ctx, cancel_child = with_cancel(ctx)
    cancel_parent(PARENT_CAUSE)
    cancel_child()
    return ctx


def _wc_parent_after_nil() -> Any:
    ctx, cancel_parent = with_cancel_cause(background())
    ctx, cancel_child = with_cancel(ctx)
    cancel_child()
    cancel_parent(PARENT_CAUSE)
    return ctx


def _wc_child_after_nil() -> Any:
    ctx, cancel_parent = with_cancel(background())
    ctx, cancel_child = with_cancel_cause(ctx)
    cancel_parent()
    cancel_child(CHILD_CAUSE)
    return ctx


def _wc_child_before_nil() -> Any:
    ctx, cancel_parent = with_cancel(background())
    ctx, cancel_child = with_cancel_cause(ctx)
    cancel_child(CHILD_CAUSE)
    cancel_parent()
    return ctx


def _canceled(make: Any, *args: Any) -> Any:
    ctx, cancel = make(*args)
    cancel()
    return ctx


def _cause_canceled(c: Any) -> Any:
    ctx, cancel = with_cancel_cause(background())
    cancel(c)
    return ctx


def _timeout_cause_stacked(seconds: float) -> Any:
    ctx, cancel = with_cancel_cause(background())
    ctx, _ = with_timeout_cause(ctx, seconds, TOO_SLOW)
    cancel(FINISHED_EARLY)
    return ctx


def _without_cancel_canceled() -> Any:
    ctx, cancel = with_cancel_cause(background())
    ctx2 = without_cancel(ctx)
    cancel(FINISHED_EARLY)
    return ctx2


def _without_cancel_timeout() -> Any:
    ctx, cancel = with_timeout_cause(background(), 0, TOO_SLOW)
    ctx2 = without_cancel(ctx)
    cancel()
    return ctx2


def _custom_not_canceled_parent() -> Any:
    ctx, _ = with_cancel_cause(background())
    ctx2, cancel2 = new_custom_context(ctx)
    cancel2()
    return ctx2


def _custom_parent_canceled_before() -> Any:
    ctx, cancel1 = with_cancel_cause(background())
    ctx2, cancel2 = new_custom_context(ctx)
    cancel1(PARENT_CAUSE)
    wait_done(ctx2)  # the after_func goroutine closes it
    cancel2()
    return ctx2


def _custom_parent_canceled_after() -> Any:
    ctx, cancel1 = with_cancel_cause(background())
    ctx2, cancel2 = new_custom_context(ctx)
    cancel2()
    cancel1(PARENT_CAUSE)
    return ctx2


CAUSE_CASES = [
    ("Background", background, None, None),
    ("TODO", todo, None, None),
    ("WithCancel", lambda: _canceled(with_cancel, background()), Canceled, Canceled),
    ("WithCancelCause", lambda: _cause_canceled(PARENT_CAUSE), Canceled, PARENT_CAUSE),
    ("WithCancelCause nil", lambda: _cause_canceled(None), Canceled, Canceled),
    ("parent cause before child", _wc_parent_before_child, Canceled, PARENT_CAUSE),
    ("parent cause after child", _wc_parent_after_child, Canceled, CHILD_CAUSE),
    ("parent cause before nil", _wc_parent_before_nil, Canceled, PARENT_CAUSE),
    ("parent cause after nil", _wc_parent_after_nil, Canceled, Canceled),
    ("child cause after nil", _wc_child_after_nil, Canceled, Canceled),
    ("child cause before nil", _wc_child_before_nil, Canceled, CHILD_CAUSE),
    (
        "WithTimeout",
        lambda: _canceled(with_timeout, background(), 0),
        DeadlineExceeded,
        DeadlineExceeded,
    ),
    (
        "WithTimeout canceled",
        lambda: _canceled(with_timeout, background(), FOREVER),
        Canceled,
        Canceled,
    ),
    (
        "WithTimeoutCause",
        lambda: _canceled(with_timeout_cause, background(), 0, TOO_SLOW),
        DeadlineExceeded,
        TOO_SLOW,
    ),
    (
        "WithTimeoutCause canceled",
        lambda: _canceled(with_timeout_cause, background(), FOREVER, TOO_SLOW),
        Canceled,
        Canceled,
    ),
    ("WithTimeoutCause stacked", lambda: _timeout_cause_stacked(0), DeadlineExceeded, TOO_SLOW),
    (
        "WithTimeoutCause stacked canceled",
        lambda: _timeout_cause_stacked(FOREVER),
        Canceled,
        FINISHED_EARLY,
    ),
    ("WithoutCancel", lambda: without_cancel(background()), None, None),
    ("WithoutCancel canceled", _without_cancel_canceled, None, None),
    ("WithoutCancel timeout", _without_cancel_timeout, None, None),
    ("parent of custom context not canceled", _custom_not_canceled_parent, Canceled, Canceled),
    (
        "parent of custom context is canceled before",
        _custom_parent_canceled_before,
        Canceled,
        PARENT_CAUSE,
    ),
    # Go keeps this oddity: the custom child was canceled first, but cause()
    # cannot tell and reports the parent's cause.
    (
        "parent of custom context is canceled after",
        _custom_parent_canceled_after,
        Canceled,
        PARENT_CAUSE,
    ),
]


@pytest.mark.parametrize(
    ("make", "err", "want_cause"),
    [pytest.param(m, e, c, id=name) for name, m, e, c in CAUSE_CASES],
)
def test_cause(make: Any, err: Any, want_cause: Any) -> None:
    ctx = make()
    assert ctx.err() is err
    assert cause(ctx) is want_cause


def test_with_deadline_cause() -> None:
    err = RuntimeError("too late")
    c, cancel = with_deadline_cause(background(), time.monotonic() + SHORT, err)
    wait_done(c)
    assert c.err() is DeadlineExceeded and cause(c) is err
    cancel()


def test_cause_race() -> None:
    err = RuntimeError("TestCauseRace")
    ctx, cancel = with_cancel_cause(background())
    t = go(cancel, err)
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        got = cause(ctx)
        if got is not None:
            assert got is err
            break
        time.sleep(0)
    else:
        pytest.fail("cause never set")
    t.join(WAIT)


def test_without_cancel() -> None:
    ctx = without_cancel(with_value(background(), "key", "value"))
    assert ctx.deadline() is None and ctx.done() is None and ctx.err() is None
    assert ctx.value("key") == "value"
    assert str(ctx) == "context.Background.WithValue(key, value).WithoutCancel"
    # Children of it are never canceled by the original parent.
    parent, cancel = with_cancel(background())
    child, cancel_child = with_cancel(without_cancel(parent))
    cancel()
    assert child.err() is None
    cancel_child()


# -- AfterFunc ---------------------------------------------------------------------------


def test_after_func_called_after_cancel() -> None:
    ctx, cancel = with_cancel(background())
    donec = Chan()
    stop = after_func(ctx, donec.close)
    assert not is_ready(donec)
    cancel()
    assert closed_within(donec)
    assert stop() is False


def test_after_func_called_after_timeout() -> None:
    ctx, cancel = with_timeout(background(), SHORT)
    donec = Chan()
    after_func(ctx, donec.close)
    assert closed_within(donec)
    cancel()


def test_after_func_called_immediately() -> None:
    ctx, cancel = with_cancel(background())
    cancel()
    donec = Chan()
    after_func(ctx, donec.close)
    assert closed_within(donec)


def test_after_func_not_called_after_stop() -> None:
    ctx, cancel = with_cancel(background())
    donec = Chan()
    stop = after_func(ctx, donec.close)
    assert stop() is True
    cancel()
    assert not is_ready(donec)
    assert stop() is False


def test_after_func_called_asynchronously() -> None:
    # Cancel does not wait for f: f blocks until we read after cancel returns.
    ctx, cancel = with_cancel(background())
    donec = Chan()
    stop = after_func(ctx, lambda: donec.send(True))
    cancel()
    assert recv_within(donec) == (True, True)
    stop()


def test_after_func_on_background_never_runs_and_stop_is_true() -> None:
    stop = after_func(background(), lambda: None)
    assert stop() is True


def test_after_func_goroutine_named_after_f() -> None:
    ctx, cancel = with_cancel(background())
    release = Chan()

    def notify_shutdown() -> None:
        release.recv()

    after_func(ctx, notify_shutdown)
    cancel()
    names = [t.name for t in _goroutines()]
    assert any(n.endswith("notify_shutdown") for n in names)
    release.close()


# -- str / repr lineage -------------------------------------------------------------------


def test_string_lineage() -> None:
    c, cancel = with_cancel(background())
    v = with_value(c, "user", "gopher")
    t, cancel2 = with_timeout(v, VERY_LONG)
    assert str(t).startswith("context.Background.WithCancel.WithValue(user, gopher).WithDeadline(")
    c2, cancel3 = with_cancel(OtherContext(c))
    assert str(c2) == "test_context.OtherContext.WithCancel"
    assert repr(c) == "<CancelCtx context.Background.WithCancel active, 2 children>"
    cancel()
    assert repr(c) == "<CancelCtx context.Background.WithCancel canceled: context canceled>"
    for f in (cancel2, cancel3):
        f()


def test_cancel_of_large_tree_closes_every_done_channel() -> None:
    root, cancel = with_cancel(background())
    leaves = []
    for _ in range(20):
        mid, _ = with_cancel(root)
        for _ in range(50):
            leaf, _ = with_cancel(mid)
            leaf.done()
            leaves.append(leaf)
    cancel()
    assert all(leaf.err() is Canceled and is_ready(leaf.done()) for leaf in leaves)


def _goroutines() -> list[threading.Thread]:
    from swarmnotes.go import leak

    return leak.goroutines()
