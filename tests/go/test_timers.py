"""swarmnotes.go.timers: one timer thread, started by the first timer; stop() tells."""

from __future__ import annotations

import subprocess
import sys
import threading

from swarmnotes.go import timers
from swarmnotes.go.chan import Chan
from tests.helpers import WAIT, recv_within

_LAZY_CHECK = """
import threading
import swarmnotes.go, swarmnotes.go.context, swarmnotes.go.pipeline
names = lambda: sorted(t.name for t in threading.enumerate())
print(names())
from swarmnotes.go.chan import after
after(0.001).recv()
print(names())
"""


def test_the_timer_thread_starts_with_the_first_timer() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _LAZY_CHECK], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    before, after = done.stdout.splitlines()
    assert before == "['MainThread']"
    assert after == "['MainThread', 'swarmnotes.timers']"


def test_schedule_runs_on_the_timer_thread_and_stop_reports_it_ran() -> None:
    ran = Chan(1)
    t = timers.schedule(0.01, lambda: ran.send(threading.current_thread().name))
    assert recv_within(ran, WAIT) == ("swarmnotes.timers", True)
    assert t.stop() is False  # it had run


def test_a_stopped_timer_never_runs() -> None:
    ran = Chan(1)
    t = timers.schedule(0.05, lambda: ran.send("ran"))
    assert t.stop() is True
    # A later timer runs; the heap dropped the stopped one on the way.
    later = Chan(1)
    timers.schedule(0.1, lambda: later.send("later"))
    assert recv_within(later, WAIT) == ("later", True)
    assert len(ran) == 0
