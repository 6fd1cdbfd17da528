"""Tests for swarmnotes.go.chan, after Go's runtime/chan_test.go and the spec.

Go names in the comments: TestChan, TestSelfSelect, TestSelectFairness,
TestNonblockRecvRace, TestMultiConsumer, TestSelectDuplicateChannel.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import pytest

from swarmnotes.go import leak
from swarmnotes.go.chan import Chan, ClosedChannelError, Recv, Send, after, go, select
from swarmnotes.go.sync import WaitGroup
from tests.helpers import WAIT, closed_within, is_ready, recv_within

# -- make, len, cap, repr ------------------------------------------------------


def test_make_cap_len() -> None:
    c = Chan(3)
    assert c.cap == 3 and len(c) == 0
    c.send(1)
    c.send(2)
    assert len(c) == 2
    assert repr(c) == "<Chan cap=3 len=2 open>"
    c.close()
    assert repr(c) == "<Chan cap=3 len=2 closed>"
    assert Chan().cap == 0


def test_negative_cap_raises() -> None:
    with pytest.raises(ValueError, match="makechan: size out of range"):
        Chan(-1)


# -- buffered and unbuffered semantics (TestChan) ------------------------------


@pytest.mark.parametrize("cap", [0, 1, 2, 16])
def test_fifo_through_one_sender(cap: int) -> None:
    c = Chan(cap)
    n = 200

    def sender() -> None:
        for i in range(n):
            c.send(i)
        c.close()

    go(sender)
    got = []
    for _ in range(n + 1):
        v, ok = recv_within(c)
        if not ok:
            break
        got.append(v)
    assert got == list(range(n))


def test_unbuffered_send_blocks_until_received() -> None:
    c = Chan()
    assert select(Send(c, 1), default=True)[0] == -1  # nobody receiving: not ready
    sent = Chan(1)

    def sender() -> None:
        c.send("x")
        sent.send(True)

    go(sender)
    assert not is_ready(sent)  # cannot have completed: nobody received yet
    assert recv_within(c) == ("x", True)
    assert recv_within(sent) == (True, True)


def test_buffered_send_does_not_block_until_full() -> None:
    c = Chan(2)
    assert select(Send(c, 1), default=True)[0] == 0
    assert select(Send(c, 2), default=True)[0] == 0
    assert select(Send(c, 3), default=True)[0] == -1  # full
    assert [c.recv(), c.recv()] == [(1, True), (2, True)]


def test_recv_from_full_buffer_moves_parked_sender_value_to_tail() -> None:
    # Go: chanrecv on a full buffer with a waiting sender keeps FIFO order.
    c = Chan(2)
    c.send(1)
    c.send(2)
    t = go(c.send, 3)
    # Wait (bounded) until the sender is parked on the full buffer.
    for _ in range(1000):
        if c._sendq:
            break
        t.join(0.005)
    assert c._sendq, "sender never parked"
    assert c.recv() == (1, True)
    t.join(WAIT)
    assert not t.is_alive()
    assert [c.recv(), c.recv()] == [(2, True), (3, True)]


def test_multi_consumer() -> None:
    # Go: TestMultiConsumer: every value is received exactly once.
    n, workers = 1000, 4
    q = Chan(8)
    out = Chan(8)
    wg = WaitGroup()
    wg.add(workers)

    def worker() -> None:
        try:
            for v in q:
                out.send(v)
        finally:
            wg.done()

    for _ in range(workers):
        go(worker)

    def closer() -> None:
        wg.wait(WAIT)
        out.close()

    go(closer)

    def producer() -> None:
        for i in range(n):
            q.send(i)
        q.close()

    go(producer)
    got = []
    while True:
        v, ok = recv_within(out)
        if not ok:
            break
        got.append(v)
    assert sorted(got) == list(range(n))


def test_range_drains_then_stops() -> None:
    c = Chan(3)
    for i in range(3):
        c.send(i)
    c.close()
    assert list(c) == [0, 1, 2]


# -- close ------------------------------------------------------------------------


def test_closed_channel_drains_buffer_then_zero_false_forever() -> None:
    c = Chan(2)
    c.send("a")
    c.send("b")
    c.close()
    assert c.recv() == ("a", True)
    assert c.recv() == ("b", True)
    for _ in range(3):
        assert c.recv() == (None, False)


def test_send_on_closed_channel_raises() -> None:
    c = Chan(1)
    c.close()
    with pytest.raises(ClosedChannelError, match="^send on closed channel$"):
        c.send(1)


def test_close_of_closed_channel_raises() -> None:
    c = Chan()
    c.close()
    with pytest.raises(ClosedChannelError, match="^close of closed channel$"):
        c.close()
    assert issubclass(ClosedChannelError, RuntimeError)


def test_close_wakes_every_blocked_receiver() -> None:
    c = Chan()
    results = Chan(3)

    def receiver() -> None:
        results.send(c.recv())

    threads = [go(receiver) for _ in range(3)]
    for _ in range(1000):
        if len(c._recvq) == 3:
            break
        threads[0].join(0.005)
    c.close()
    for _ in range(3):
        assert recv_within(results) == ((None, False), True)


def test_close_wakes_every_blocked_sender_which_raises() -> None:
    c = Chan()
    errors = Chan(3)

    def sender(i: int) -> None:
        try:
            c.send(i)
        except ClosedChannelError as exc:
            errors.send(str(exc))

    threads = [go(sender, i) for i in range(3)]
    for _ in range(1000):
        if len(c._sendq) == 3:
            break
        threads[0].join(0.005)
    c.close()
    for _ in range(3):
        assert recv_within(errors) == ("send on closed channel", True)


# -- select ------------------------------------------------------------------------


def test_select_default_when_nothing_ready() -> None:
    assert select(Recv(Chan()), Send(Chan(), 1), default=True) == (-1, None, False)


def test_select_nil_channel_never_ready() -> None:
    c = Chan(1)
    c.send(7)
    assert select(Recv(None), Send(None, 1), default=True) == (-1, None, False)
    assert select(Recv(None), Recv(c)) == (1, 7, True)


def test_select_recv_on_closed_channel_is_ready() -> None:
    c = Chan()
    c.close()
    assert select(Recv(Chan()), Recv(c)) == (1, None, False)


def test_select_send_on_closed_channel_raises() -> None:
    c = Chan(1)
    c.close()
    with pytest.raises(ClosedChannelError, match="send on closed channel"):
        select(Send(c, 1), Recv(None))


def test_select_send_case_result() -> None:
    c = Chan(1)
    i, _, _ = select(Send(c, "v"), Recv(Chan()))
    assert i == 0 and c.recv() == ("v", True)


def test_select_fairness_uniform_among_ready_cases() -> None:
    # Go: TestSelectFairness: the choice is uniform and independent of the
    # argument order. 3 ready cases, 3000 draws: each expected 1000; the
    # bounds are > 8 standard deviations (sd ~ 26), so this never flakes.
    n = 3000
    a, b = Chan(n), Chan(n)
    closed = Chan()
    closed.close()
    for i in range(n):
        a.send(i)
        b.send(i)
    counts = Counter(select(Recv(a), Recv(None), Recv(b), Recv(closed))[0] for _ in range(n))
    assert set(counts) == {0, 2, 3}
    for k in (0, 2, 3):
        assert 780 < counts[k] < 1220, counts


def test_blocked_select_woken_by_sender_and_dequeued_from_other_channels() -> None:
    a, b = Chan(), Chan()
    go(b.send, "hello")
    assert select(Recv(a), Recv(b)) == (1, "hello", True)
    # The waiter left on a's queue is removed (Go: selectgo pass 3).
    assert not a._recvq and not b._recvq


def test_blocked_select_send_taken_by_receiver() -> None:
    a = Chan()
    got = Chan(1)

    def receiver() -> None:
        got.send(a.recv())

    go(receiver)
    i, _, _ = select(Send(a, 42), Recv(after(WAIT)))
    assert i == 0
    assert recv_within(got) == ((42, True), True)


def _close_once_parked(ch: Chan, parked_on: Chan, seen: list[bool]) -> None:
    """Close ``ch`` once a select's send waiter is parked on ``parked_on``.

    Appends whether it was parked, so a test fails if the select finished
    without blocking (a sleep before the close would not tell).
    """
    deadline = time.monotonic() + WAIT
    while not parked_on._sendq and time.monotonic() < deadline:
        time.sleep(0.001)
    seen.append(bool(parked_on._sendq))
    ch.close()


def test_blocked_select_send_raises_when_closed() -> None:
    c = Chan()
    parked: list[bool] = []
    t = go(_close_once_parked, c, c, parked)
    with pytest.raises(ClosedChannelError):
        select(Send(c, 1), Recv(after(WAIT)))
    t.join(WAIT)
    assert parked == [True], "the select never blocked before the close"


def test_select_exactly_one_case_fires() -> None:
    # Two senders race to complete one blocked select: exactly one wins and
    # the other value stays available.
    a, b = Chan(), Chan()
    go(a.send, "a")
    go(b.send, "b")
    i, v, ok = select(Recv(a), Recv(b))
    assert ok and v == "ab"[i]
    other = b if i == 0 else a
    assert recv_within(other) == ("ba"[i], True)


def test_self_select() -> None:
    # Go: TestSelfSelect: a goroutine selecting send and receive on the same
    # channel never receives its own value.
    for cap in (0, 1):
        c = Chan(cap)
        wg = WaitGroup()
        wg.add(2)
        errors: list[str] = []

        def worker(
            p: int,
            c: Chan = c,
            wg: WaitGroup = wg,
            cap: int = cap,
            errors: list[str] = errors,
        ) -> None:
            try:
                for _ in range(200):
                    i, v, _ = select(Send(c, p), Recv(c))
                    if i == 1 and cap == 0 and v == p:
                        errors.append(f"self receive {p}")
            finally:
                wg.done()

        go(worker, 0)
        go(worker, 1)
        assert wg.wait(WAIT * 4)
        assert errors == []


def test_select_duplicate_channel() -> None:
    # Go: TestSelectDuplicateChannel: the same channel in two cases.
    c = Chan()
    d = Chan()
    go(c.send, 8)
    i, v, ok = select(Recv(c), Recv(c), Recv(d))
    assert i in (0, 1) and (v, ok) == (8, True)
    assert not c._recvq


def test_select_waiter_withdrawn_under_contention() -> None:
    # Many goroutines selecting on work and a shared done channel; closing
    # done wakes every one of them and no waiter stays queued.
    work, done = Chan(), Chan()
    received = Chan(1000)

    def worker() -> None:
        while True:
            i, v, _ = select(Recv(work), Recv(done))
            if i == 1:
                return
            received.send(v)

    threads = [go(worker) for _ in range(4)]
    for i in range(500):
        work.send(i)
    done.close()
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive()
    assert sorted(received.recv()[0] for _ in range(500)) == list(range(500))
    assert not work._recvq and not done._recvq


# -- after, go ------------------------------------------------------------------------


def test_after_delivers_one_value_then_nothing() -> None:
    ch = after(0.01)
    assert ch.cap == 1
    v, ok = recv_within(ch)
    assert ok and isinstance(v, float)
    assert not is_ready(ch)  # one value only; never closed


def test_after_zero_is_ready_at_once() -> None:
    assert is_ready(after(0))


def test_after_far_future_not_ready_and_starts_no_goroutine() -> None:
    with leak.check(timeout=0):
        ch = after(3600)
    assert not is_ready(ch)


def test_go_names_thread_after_function_and_is_daemon() -> None:
    release = Chan()

    def stage_one() -> None:
        release.recv()

    t = go(stage_one)
    assert isinstance(t, threading.Thread)
    assert t.daemon
    assert t.name == "test_go_names_thread_after_function_and_is_daemon.<locals>.stage_one"
    assert t in leak.goroutines()
    release.close()
    t.join(WAIT)
    assert t not in leak.goroutines()


def test_go_passes_args_and_kwargs() -> None:
    out = Chan(1)
    go(lambda a, b=0: out.send(a + b), 1, b=2)
    assert recv_within(out) == (3, True)


def test_closed_within_helper_sees_close() -> None:
    c = Chan()

    def close_soon() -> None:
        after(0.01).recv()
        c.close()

    go(close_soon)
    assert closed_within(c)


def test_select_over_channels_that_share_a_lock() -> None:
    # Context done channels share one lock; selects mixing them with plain
    # channels in different orders must not deadlock (locks are taken in the
    # order of the locks, not of the channels).
    from swarmnotes.go.context import background, with_cancel

    ctx1, cancel1 = with_cancel(background())
    ctx2, cancel2 = with_cancel(background())
    a, b = Chan(), Chan()
    got = Chan(400)

    def worker(first: Chan, second: Chan) -> None:
        while True:
            i, v, ok = select(Recv(ctx1.done()), Recv(first), Recv(ctx2.done()), Recv(second))
            if i in (0, 2):
                return
            got.send(v)

    threads = [go(worker, a, b), go(worker, b, a)]
    for i in range(200):
        select(Send(a, i), Send(b, i))
    cancel2()
    for t in threads:
        t.join(WAIT)
        assert not t.is_alive()
    assert sorted(got.recv()[0] for _ in range(200)) == list(range(200))
    cancel1()


# -- the two-case select of every pipeline stage (pass 1 peeks, _order) ----------


def test_two_ready_cases_are_chosen_about_evenly() -> None:
    # Two ready cases, 4000 draws: each expected 2000, sd ~ 32; the bounds
    # are > 9 standard deviations, so this never flakes. Both argument orders.
    n = 4000
    for first_is_send in (True, False):
        a, b = Chan(n), Chan(n)
        for i in range(n):
            b.send(i)
        counts: Counter[int] = Counter()
        for i in range(n):
            if first_is_send:
                counts[select(Send(a, i), Recv(b))[0]] += 1
            else:
                counts[select(Recv(b), Send(a, i))[0]] += 1
        assert set(counts) == {0, 1}
        assert 1700 < counts[0] < 2300, counts


def test_order_is_a_uniform_permutation() -> None:
    from swarmnotes.go.chan import _order

    assert list(_order(1)) == [0]
    seen2 = Counter(tuple(_order(2)) for _ in range(2000))
    assert set(seen2) == {(0, 1), (1, 0)}
    assert 800 < seen2[(0, 1)] < 1200, seen2
    seen3 = Counter(tuple(_order(3)) for _ in range(3000))
    assert len(seen3) == 6  # every permutation of three
    for k in seen3:
        assert 350 < seen3[k] < 650, seen3  # each expected 500, sd ~ 20
    assert sorted(_order(7)) == list(range(7))


def test_closed_done_wins_over_a_blocked_send() -> None:
    # The pipeline stages' select: out has no receiver, done is closed.
    out, done = Chan(), Chan()
    done.close()
    for _ in range(200):
        assert select(Send(out, 1), Recv(done)) == (1, None, False)
        assert select(Recv(done), Send(out, 1)) == (0, None, False)
    assert not out._sendq and not out._recvq


def test_done_closed_while_select_send_is_parked() -> None:
    out, done = Chan(), Chan()
    parked: list[bool] = []
    t = go(_close_once_parked, done, out, parked)
    assert select(Send(out, 1), Recv(done)) == (1, None, False)
    t.join(WAIT)
    assert parked == [True], "the select never blocked before done was closed"
    assert not out._sendq and not done._recvq  # pass 3 withdrew the send waiter
    assert select(Recv(out), default=True) == (-1, None, False)  # the value was not sent


def test_select_send_to_a_parked_receiver_is_a_direct_hand_off() -> None:
    out, done = Chan(), Chan()
    got = Chan(1)
    t = go(lambda: got.send(out.recv()))
    for _ in range(1000):  # bounded wait until the receiver is parked
        if out._recvq:
            break
        t.join(0.005)
    assert out._recvq, "receiver never parked"
    assert select(Send(out, "v"), Recv(done)) == (0, None, True)
    assert recv_within(got) == (("v", True), True)


def test_none_cases_with_one_live_case() -> None:
    c = Chan(1)
    assert select(Send(None, 1), Send(c, 2)) == (1, None, True)
    assert select(Send(c, 3), Recv(None), default=True) == (-1, None, False)  # full
    assert select(Recv(None), Recv(c)) == (1, 2, True)
    assert select(Recv(c), Send(None, 1), default=True) == (-1, None, False)  # empty
    c.close()
    assert select(Recv(None), Recv(c)) == (1, None, False)
    with pytest.raises(ClosedChannelError, match="send on closed channel"):
        select(Send(None, 1), Send(c, 1))


def test_two_case_select_pipeline_under_contention() -> None:
    # Four goroutines select-send into one unbuffered channel against done
    # (merge's shape) while the consumer reads; then done releases them.
    out, done = Chan(), Chan()
    wg = WaitGroup()
    sent = Chan(4)

    def producer(base: int) -> None:
        count = 0
        try:
            for i in range(base, base + 2000):
                i_case, _, _ = select(Send(out, i), Recv(done))
                if i_case == 1:
                    break
                count += 1
        finally:
            sent.send(count)
            wg.done()

    wg.add(4)
    for k in range(4):
        go(producer, k * 10_000)
    got = [recv_within(out)[0] for _ in range(5000)]
    done.close()
    assert wg.wait(WAIT * 4)
    counts = [recv_within(sent)[0] for _ in range(4)]
    assert sum(counts) == 5000 == len(set(got))
    assert not out._sendq and not out._recvq and not done._recvq


# -- the two hooks of swarmnotes.go.context -----------------------------------------


def test_sharing_lock_and_close_holding_lock() -> None:
    mu = threading.RLock()
    c = Chan.sharing_lock(mu)
    with mu:
        c.close_holding_lock()  # nobody parked: one store
    assert c.closed and c.recv() == (None, False)
    with mu, pytest.raises(ClosedChannelError, match="close of closed channel"):
        c.close_holding_lock()


def test_close_holding_lock_wakes_a_parked_receiver() -> None:
    mu = threading.RLock()
    c = Chan.sharing_lock(mu)
    got = Chan(1)
    t = go(lambda: got.send(c.recv()))
    deadline = time.monotonic() + WAIT
    while not c._recvq and time.monotonic() < deadline:
        time.sleep(0.001)
    assert c._recvq, "receiver never parked"
    with mu:
        c.close_holding_lock()
    assert recv_within(got) == ((None, False), True)
    t.join(WAIT)
