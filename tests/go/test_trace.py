"""The channel tracer records what a pipeline run did, and renders it."""

from __future__ import annotations

import matplotlib
import pytest

from swarmnotes.go import Chan, leak
from swarmnotes.go.chan import ClosedChannelError
from swarmnotes.go.pipeline import gen, merge, sq
from swarmnotes.go.trace import TracedChan, Tracer, active

matplotlib.use("Agg")


def test_every_value_is_sent_then_received_once() -> None:
    with leak.check(), Tracer() as t:
        got = list(sq(gen(2, 3)))
    assert got == [4, 9]
    ops = [(e.goroutine, e.op, e.chan, e.value) for e in t.events]
    # The interleaving varies from run to run; the set of operations does not.
    assert sorted(ops, key=repr) == sorted(
        [
            ("gen 1", "send", "gen", 2),
            ("sq 1", "recv", "gen", 2),
            ("sq 1", "send", "sq1", 4),
            ("main", "recv", "sq1", 4),
            ("gen 1", "send", "gen", 3),
            ("sq 1", "recv", "gen", 3),
            ("sq 1", "send", "sq1", 9),
            ("main", "recv", "sq1", 9),
            ("gen 1", "close", "gen", None),
            ("sq 1", "close", "sq1", None),
        ],
        key=repr,
    )
    pairs = t.pairs()
    assert sorted((s.chan, s.value, r.goroutine) for s, r in pairs) == [
        ("gen", 2, "sq 1"),
        ("gen", 3, "sq 1"),
        ("sq1", 4, "main"),
        ("sq1", 9, "main"),
    ]
    for s, r in pairs:
        assert s.seq < r.seq


def test_fan_out_and_fan_in_show_two_sq_and_two_outputs() -> None:
    with leak.check(timeout=2.0), Tracer() as t:
        inbound = gen(*range(20))
        out = merge(sq(inbound), sq(inbound))
        assert sorted(out) == [n * n for n in range(20)]
    goroutines = {e.goroutine for e in t.events}
    assert {"gen 1", "main", "merge.output 1", "merge.output 2"} <= goroutines
    # Each value crosses gen -> sq -> merge -> main: four hops, three pairs.
    assert len(t.pairs()) == 3 * 20
    assert {e.chan for e in t.events} == {"gen", "sq1", "sq2", "merge"}


def test_abandoned_sends_are_recorded_after_done_closes() -> None:
    with leak.check(timeout=2.0), Tracer() as t:
        done = t.chan(label="done")
        inbound = gen(*range(10), done=done)
        out = merge(sq(inbound, done), sq(inbound, done), done=done)
        out.recv()
        done.close()
    events = t.events
    close_done = next(e for e in events if e.op == "close" and e.chan == "done")
    assert close_done.goroutine == "main"
    abandoned = [e for e in events if e.op == "abandon"]
    assert abandoned, "some sender must have given up on done"
    assert all(e.seq > close_done.seq for e in abandoned)


def test_mermaid_and_timeline_render() -> None:
    with Tracer() as t:
        assert list(sq(gen(2, 3))) == [4, 9]
    text = t.mermaid()
    assert text.splitlines()[0] == "sequenceDiagram"
    assert "participant g0 as gen 1" in text
    assert "->>" in text and "closes gen" in text
    fig = t.timeline(title="sq(gen(2, 3))")
    assert [tick.get_text() for tick in fig.axes[0].get_yticklabels()] == ["main", "sq 1", "gen 1"]
    import matplotlib.pyplot as plt

    plt.close(fig)


def test_only_one_tracer_at_a_time_and_plain_chans_outside() -> None:
    with Tracer() as t:
        assert active() is t
        assert isinstance(t.chan(), TracedChan)
        with pytest.raises(RuntimeError, match="already active"):
            with Tracer():
                pass
    assert active() is None
    plain = gen(1)
    assert type(plain) is Chan
    assert list(plain) == [1]  # drained: its goroutine ends (the leak check would say)
    assert repr(t) == "<Tracer inactive events=0>"


def test_the_close_is_recorded_before_a_receiver_sees_it() -> None:
    # list(out) ends when merge closes out; the trace read right after must
    # already hold that close (it once lost the race about 1 time in 10).
    for _ in range(30):
        with leak.check(timeout=5), Tracer() as t:
            inbound = gen(2, 3, 4, 5)
            assert sorted(merge(sq(inbound), sq(inbound))) == [4, 9, 16, 25]
            closes = [e for e in t.events if e.op == "close"]
        assert len(closes) == 4
        assert "merge.close_when_done" in {e.goroutine.rsplit(" ", 1)[0] for e in closes}


def test_a_second_close_raises_and_is_not_recorded() -> None:
    with Tracer() as t:
        ch = TracedChan(t, label="c")
        ch.close()
        with pytest.raises(ClosedChannelError):
            ch.close()
    assert [e.op for e in t.events] == ["close"]
