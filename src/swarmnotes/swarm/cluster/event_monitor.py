"""Port of docker/swarm v1.2.5 cluster/event_monitor.go: ``EventsMonitor``.

The monitor reads an engine's ``GET /events`` stream and hands every message
to a handler, reporting how it ended on an error channel. Its shape is Go's:

* ``start(ec)`` opens the stream and starts two goroutines: a **decoder**
  that turns the body into messages, and a **consumer** that hands each
  message to ``handler`` and finally sends one value on ``ec``: ``None``
  after :meth:`stop`, or the error that ended the run (the end of the
  stream is ``EOFError("EOF")``, Go's ``io.EOF``);
* ``stop()`` ends the run.

:class:`EventsMonitor` keeps that shape but fixes what v1.2.5 loses, using
what was measured on dockerd 20.10 (``reference/docker-events.md``):

1. **The stream is never held up by the handler.**  Go's decoder hands each
   message over an unbuffered channel, so while the handler works (Swarm's
   inspects a container per event) nobody reads the socket. dockerd then
   buffers 1,024 events for that subscriber, waits 100 ms per further event
   and drops it. Here the decoder appends to an unbounded backlog that the
   consumer drains, so the socket is always read.
2. **Every end it did not ask for is an error.**  docker-py ends the
   iterator silently whether we closed the stream, ``until`` was reached,
   or the daemon stopped or crashed. The monitor remembers whether it
   closed the stream itself; any other end is reported as ``EOF`` (after the
   events already received are delivered), so the engine reconnects.
3. **It resumes where it stopped.**  It remembers the ``timeNano`` of the
   last event delivered and reopens with ``since="<seconds>.<nanoseconds>"``
   (the exact string: a float rounds, an int repeats a whole second).
   ``since`` is inclusive, so the daemon sends the last delivered event again;
   it is dropped.
4. **It knows when resuming cannot be trusted** and then calls
   ``on_resync`` (the engine does a full refresh). Before reopening, it asks
   for the boundary alone (``since=until=<last timeNano>``, a replay that
   ends at once). If the daemon still has that event, its 256-event replay
   ring reaches back far enough and the resumed stream misses nothing. If
   not, dockerd restarted (the ring does not survive a restart) or more than
   256 events went by, and events may be lost.
5. **A silent connection is noticed.**  docker-py reads the stream with no
   timeout (a quiet engine may send nothing for hours), so a connection to an
   engine that went away without closing it would be read forever. Before
   each run the monitor pings the engine (bounded by the client's timeout),
   and while a run's stream has been silent for ``liveness`` seconds
   (:data:`LIVENESS_INTERVAL`) it pings again; an engine that does not
   answer ends the run with one sentence naming it
   (:class:`~swarmnotes.dockerapi.EngineError`), and the next ``start``
   resumes with ``since``: nothing is lost.

:meth:`EventsMonitor.statistics` is a frozen snapshot of what the monitor
has done (messages received, delivered, duplicates dropped, resyncs, the
deepest read-ahead, runs, and a short history of each run's start and end).

:class:`LegacyEventsMonitor` is v1.2.5 as it was, unbuffered hand-off and
all, so that the chapter can show the difference.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import urllib3

from swarmnotes import dockerapi
from swarmnotes.go.chan import Chan, Recv, after, go, select

__all__ = [
    "LIVENESS_INTERVAL",
    "EventsMonitor",
    "LegacyEventsMonitor",
    "MonitorStatistics",
    "format_since",
]

# Seconds a stream may stay silent before the monitor asks whether the engine
# is still there (a ping, bounded by the client's own timeout). A quiet
# engine costs one ping per interval; a vanished one is noticed within
# LIVENESS_INTERVAL plus the ping's timeout.
LIVENESS_INTERVAL = 30.0

log = logging.getLogger("swarmnotes.swarm.cluster")

Handler = Callable[[dict[str, Any]], Any]


def format_since(time_nano: int) -> str:
    """``timeNano`` as the exact ``"<seconds>.<nanoseconds>"`` string ``since``/``until`` take.

    >>> format_since(1795753601017677362)
    '1795753601.017677362'
    """
    seconds, nanos = divmod(time_nano, 1_000_000_000)
    return f"{seconds}.{nanos:09d}"


class _Backlog:
    """The unbounded queue between the decoder and the consumer.

    Go: resultChan := make(chan decodingResult), unbuffered: the decoder
    waits for the handler. Python: put() never waits; the consumer takes
    everything queued at once (one wake-up per batch, not per event, which
    matters when every hand-off between threads costs a GIL switch).
    """

    __slots__ = ("_cond", "_items", "_end", "_ended", "_woken")

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.Lock())
        self._items: deque[dict[str, Any]] = deque()
        self._end: BaseException | None = None
        self._ended = False
        self._woken = False

    def put_many(self, items: list[dict[str, Any]]) -> None:
        with self._cond:
            was_empty = not self._items
            self._items.extend(items)
            if was_empty:
                self._cond.notify()

    def finish(self, end: BaseException | None) -> None:
        """The decoder is done: ``end`` is how the stream ended (None: as asked)."""
        with self._cond:
            self._end = end
            self._ended = True
            self._cond.notify()

    def wake(self) -> None:
        with self._cond:
            self._woken = True
            self._cond.notify()

    def take(self) -> tuple[list[dict[str, Any]], bool, BaseException | None]:
        """Wait for messages or the end; return (messages, ended, end error).

        Also returns (with no messages) when :meth:`wake` was called, so the
        consumer can see that it was stopped. No timeout is needed: the
        decoder always finishes (its stream ends or is closed by stop).
        """
        with self._cond:
            while not self._items and not self._ended and not self._woken:
                self._cond.wait()
            self._woken = False
            items = list(self._items)
            self._items.clear()
            return items, self._ended and not self._items, self._end

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True)
class MonitorStatistics:
    """What an :class:`EventsMonitor` has done, at one moment (a frozen copy)."""

    runs: int = 0  # calls of start()
    received: int = 0  # messages read from the daemon, over all runs
    delivered: int = 0  # messages handed to the handler, over all runs
    duplicates_dropped: int = 0  # boundary duplicates dropped on resume
    resyncs: int = 0  # times on_resync was called
    max_read_ahead: int = 0  # the most messages ever read but not yet delivered
    silent_ends: int = 0  # runs ended because the engine stopped answering
    # Each run's start and end: (time.monotonic(), text), the last 200.
    history: tuple[tuple[float, str], ...] = ()


@dataclass
class _Counters:
    """The monitor's own, mutable counts (under its lock); statistics() copies them."""

    received: int = 0
    delivered: int = 0
    duplicates_dropped: int = 0
    resyncs: int = 0
    max_read_ahead: int = 0
    silent_ends: int = 0


class _Run:
    """One ``start``: its stream, backlog, stop channel and what it has seen."""

    def __init__(self, number: int) -> None:
        self.number = number
        self.stop_chan = Chan()  # Go: em.stopChan, closed by Stop
        self.stopped = False  # set (under the monitor's lock) before stop_chan closes
        self.stream: Any = None  # docker-py CancellableStream, once open
        self.backlog = _Backlog()
        self.decoded = Chan()  # closed when the decoder has finished
        self.chunks = 0  # chunks read so far: the liveness watch compares it
        self.dead: BaseException | None = None  # why the liveness watch cut the stream
        # Resume bookkeeping: drop replayed copies of the boundary (the last
        # event delivered before this run); resync first if it was gone.
        self.check_boundary = False
        self.resync = False

    def close_stream(self) -> None:
        stream = self.stream
        if stream is not None:
            try:
                stream.close()
            except Exception:  # closing a dead connection: nothing left to close
                pass


def _chunks(stream: Any) -> Iterator[bytes]:
    """The body of a docker-py events stream (``decode=False``), chunk by chunk.

    Python: docker-py reads each HTTP chunk with two calls of urllib3's
    read(); urllib3's own read_chunked() is about 1.6 times faster on a
    replay (measured, benchmarks/bench_events.py). Like docker-py's
    CancellableStream, a connection that breaks (closed by stop(), or by a
    dying daemon) simply ends the iteration; the monitor decides what that
    end means.
    """
    response = getattr(stream, "_response", None)
    raw = getattr(response, "raw", None)
    if raw is None or not getattr(raw, "chunked", False) or not hasattr(raw, "read_chunked"):
        yield from stream  # not docker-py's stream, or an error response
        return
    try:
        yield from raw.read_chunked(decode_content=False)
    except (urllib3.exceptions.ProtocolError, OSError):
        return


class EventsMonitor:
    """Monitor an engine's events: start/stop with an error channel. Go: cluster.EventsMonitor

    ``cli`` is a ``docker.APIClient`` (anything with its ``events(since=,
    until=, filters=, decode=False)``). ``handler(msg)`` gets each message,
    the Engine API event JSON as a dict; it raises to stop the monitor (the
    exception is sent on ``ec``). Messages are delivered in the daemon's
    order, one at a time, each exactly once across :meth:`stop`/:meth:`start`
    and reconnects, as long as the daemon can still replay them.

    Beyond Go (keyword-only): ``since``/``until``/``filters`` for the first
    run (a run that reaches ``until`` ends with ``None``, the end that was
    asked for; docker-py cannot tell that end from a daemon that died first,
    so ``until`` is for replays of the past); ``on_resync()`` is called in
    the consumer, before any further message, when a resumed stream may have
    missed events; ``liveness``, the seconds of silence after which the
    engine is pinged (None: never; the ping before each run stays).

    ``start`` on a running monitor stops the current run first, so two
    streams never feed one handler. ``stop`` is idempotent and a no-op
    before the first ``start``. Safe to start/stop from any goroutine.
    """

    def __init__(
        self,
        cli: Any,
        handler: Handler,
        *,
        since: str | None = None,
        until: str | None = None,
        filters: dict[str, Any] | None = None,
        on_resync: Callable[[], Any] | None = None,
        liveness: float | None = LIVENESS_INTERVAL,
    ) -> None:
        if liveness is not None and not liveness > 0:
            raise ValueError(f"liveness must be a number of seconds > 0 or None, got {liveness!r}")
        self._cli = cli
        self._liveness = liveness
        self._handler = handler
        self._since = since
        self._until = until
        self._filters = filters
        self._on_resync = on_resync
        self._lock = threading.Lock()  # guards _run and the counters
        # Held while messages are delivered; guards the resume point.
        self._deliver = threading.Lock()
        self._run: _Run | None = None
        self._runs = 0
        self._stop_chan: Chan | None = None  # Go: stopChan of the current run
        # The resume point: timeNano of the last delivered message, and the
        # messages delivered with that very timeNano (the inclusive boundary).
        self._last_time_nano: int | None = None
        self._at_last: list[dict[str, Any]] = []
        self._counts = _Counters()
        self._history: deque[tuple[float, str]] = deque(maxlen=200)

    def _note(self, run: _Run, text: str) -> None:
        self._history.append((time.monotonic(), f"run {run.number}: {text}"))

    # -- what it has done ------------------------------------------------------

    def statistics(self) -> MonitorStatistics:
        """A frozen snapshot of the counts and the recent history."""
        with self._lock:
            c = self._counts
            return MonitorStatistics(
                runs=self._runs,
                received=c.received,
                delivered=c.delivered,
                duplicates_dropped=c.duplicates_dropped,
                resyncs=c.resyncs,
                max_read_ahead=c.max_read_ahead,
                silent_ends=c.silent_ends,
                history=tuple(self._history),
            )

    # The counts under their old names, read-only: statistics() is the API.
    @property
    def received(self) -> int:
        return self._counts.received

    @property
    def delivered(self) -> int:
        return self._counts.delivered

    @property
    def duplicates_dropped(self) -> int:
        return self._counts.duplicates_dropped

    @property
    def resyncs(self) -> int:
        return self._counts.resyncs

    @property
    def max_read_ahead(self) -> int:
        return self._counts.max_read_ahead

    @property
    def history(self) -> tuple[tuple[float, str], ...]:
        return tuple(self._history)

    # -- the resume point ------------------------------------------------------

    @property
    def last_time_nano(self) -> int | None:
        """``timeNano`` of the last message delivered (None before the first)."""
        return self._last_time_nano

    def resume_since(self) -> str | None:
        """The ``since`` the next :meth:`start` will use."""
        if self._last_time_nano is None:
            return self._since
        return format_since(self._last_time_nano)

    # -- Go's API ------------------------------------------------------------------

    def start(self, ec: Chan) -> None:
        """Open the stream and start the decoder and the consumer. Go: (*EventsMonitor).Start

        Exactly one value is sent on ``ec`` per call: ``None`` after
        :meth:`stop` (or once ``until`` is reached), else the error that
        ended this run.
        """
        with self._lock:
            previous = self._run
            self._runs += 1
            run = _Run(self._runs)
            self._run = run
            self._stop_chan = run.stop_chan
        if previous is not None:
            self._stop_run(previous)
        # A previous consumer finishes the message it is handling, then sees
        # its stop: only then is the resume point final.
        with self._deliver:
            since = self.resume_since()
            boundary = self._last_time_nano
            at_boundary = list(self._at_last)
        run.check_boundary = boundary is not None
        self._note(run, f"start since={since}")

        try:
            # Python only: is the engine there at all? docker-py opens the
            # stream with no timeout, so ask first with a bounded call.
            self._ping()
            if boundary is not None:
                # Python only: does the daemon still have the boundary event?
                probe = self._cli.events(
                    since=since, until=since, filters=self._filters, decode=True
                )
                replayed = list(probe)
                run.resync = not any(msg in at_boundary for msg in replayed)
            stream = self._cli.events(
                since=since, until=self._until, filters=self._filters, decode=False
            )
        except Exception as err:
            self._note(run, f"open failed: {err}")
            # Go: `ec <- err` right here, on an unbuffered channel whose
            # receiver StartMonitorEvents only starts after Start returns: a
            # deadlock (fixed in v1.2.6). Python: sent from a goroutine, so
            # start() never blocks, whoever receives.
            go(ec.send, err)
            return

        with self._lock:
            run.stream = stream
            stopped = run.stopped
        if stopped:  # stop() came while we were opening
            run.close_stream()
        go(self._decode, run)
        go(self._consume, run, ec)
        if self._liveness is not None:
            go(self._watch, run, self._liveness)

    def _ping(self) -> None:
        """Ask the engine for ``/_ping``, bounded by the client's timeout; raise the sentence."""
        ping = getattr(self._cli, "ping", None)
        if ping is None:
            return  # not docker-py's client: nothing to ask
        timeout = getattr(self._cli, "timeout", None)
        url = dockerapi.engine_url(self._cli)
        with dockerapi.reported(url, timeout):
            answered = ping()
        if answered is False:  # docker-py: the body was not "OK"
            raise dockerapi.EngineError(
                f"the Docker engine at {url} answered with something that is not the Docker API",
                url,
                "not-docker",
            )

    def _watch(self, run: _Run, interval: float) -> None:
        """While the stream is silent, ping the engine every ``interval``; cut a dead stream.

        Ends with the run (the decoder closes ``decoded``). An engine that
        does not answer the ping ends the run with the ping's sentence.
        """
        seen = -1
        while True:
            index, _, _ = select(Recv(run.decoded), Recv(after(interval)))
            if index == 0:
                return
            if run.chunks != seen:
                seen = run.chunks  # data came: the connection is alive
                continue
            try:
                self._ping()
            except Exception as err:
                with self._lock:
                    self._counts.silent_ends += 1
                run.dead = err
                run.close_stream()
                return

    def stop(self) -> None:
        """End the current run; its consumer sends ``None`` on ``ec``. Go: (*EventsMonitor).Stop

        Go: closes stopChan; a second Stop panics (close of closed channel).
        Python: idempotent. Go leaves the decoder blocked on its next send
        (a leaked goroutine); here closing the stream ends it.
        """
        with self._lock:
            run = self._run
        if run is not None:
            self._stop_run(run)

    def _stop_run(self, run: _Run) -> None:
        with self._lock:
            if run.stopped:
                return
            run.stopped = True
        run.stop_chan.close()
        run.close_stream()
        run.backlog.wake()

    # -- the two goroutines ------------------------------------------------------

    def _decode(self, run: _Run) -> None:
        """Read the body, split it into JSON lines, queue the messages; never wait.

        Go: json.NewDecoder(body).Decode in a loop. Python: the raw HTTP
        chunks, split on the newline dockerd writes after every object
        (cheaper than docker-py's own json_stream decoding).
        """
        end: BaseException | None = None
        pending = b""
        try:
            for chunk in _chunks(run.stream):
                run.chunks += 1
                pending += chunk
                if b"\n" not in chunk:
                    continue
                lines = pending.split(b"\n")
                pending = lines.pop()
                messages = [json.loads(line) for line in lines if line.strip()]
                if messages:
                    run.backlog.put_many(messages)
                    with self._lock:
                        counts = self._counts
                        counts.received += len(messages)
                        ahead = counts.received - counts.delivered
                        if ahead > counts.max_read_ahead:
                            counts.max_read_ahead = ahead
            # docker-py ends the iterator silently on every kind of end.
            if pending.strip():
                end = EOFError("unexpected EOF")  # Go: io.ErrUnexpectedEOF
            elif run.stopped or self._until is not None:
                end = None  # the end we asked for
            else:
                end = EOFError("EOF")  # Go: io.EOF
        except Exception as err:  # a broken body: docker-py errors, bad JSON
            end = None if run.stopped else err
        if run.dead is not None and not run.stopped:
            end = run.dead  # the liveness watch cut a silent stream
        run.backlog.finish(end)
        run.decoded.close()

    def _consume(self, run: _Run, ec: Chan) -> None:
        """Hand each message to the handler; report the end on ``ec``."""
        try:
            result = self._consume_run(run)
        finally:
            run.close_stream()  # Go: defer responseBody.Close()
        self._note(run, "stopped" if result is None else f"ended: {result}")
        ec.send(result)

    def _consume_run(self, run: _Run) -> BaseException | None:
        if run.resync and not run.stopped:
            # The daemon no longer has the boundary event: a restart emptied
            # its replay ring, or it went past it. Events may be lost.
            with self._deliver:
                self._resync()
        while True:
            messages, ended, end = run.backlog.take()
            if messages:
                # One lock round per batch, not per message: this is the hot path.
                with self._deliver:
                    for msg in messages:
                        if run.stopped:  # Go: case <-em.stopChan: ec <- nil
                            return None
                        if run.check_boundary:
                            # `since` is inclusive: the daemon sends the boundary again.
                            if self._is_boundary_duplicate(msg):
                                self._counts.duplicates_dropped += 1
                                continue
                            run.check_boundary = False
                        # The resume point moves before the handler runs: a
                        # handler that fails is not given the same message again.
                        time_nano = msg.get("timeNano", 0)
                        if time_nano != self._last_time_nano:
                            self._last_time_nano = time_nano
                            self._at_last = [msg]
                        else:
                            self._at_last.append(msg)
                        self._counts.delivered += 1
                        try:
                            self._handler(msg)
                        except Exception as err:  # Go: if err := em.handler(msg); err != nil
                            return err
            if run.stopped:
                return None
            if ended:
                return end

    def _is_boundary_duplicate(self, msg: dict[str, Any]) -> bool:
        if int(msg.get("timeNano", 0)) != self._last_time_nano:
            return False
        if msg in self._at_last:
            return True
        return False

    def _resync(self) -> None:
        self._counts.resyncs += 1
        log.info("events monitor: resuming cannot prove no event was lost; resyncing")
        if self._on_resync is not None:
            self._on_resync()

    def __repr__(self) -> str:
        with self._lock:
            run = self._run
        if run is None:
            state = "never started"
        elif run.stopped:
            state = "stopped"
        else:
            state = f"run {run.number}"
        return (
            f"<EventsMonitor {state} [delivered: {self.delivered}, "
            f"duplicates dropped: {self.duplicates_dropped}, resyncs: {self.resyncs}]>"
        )


class LegacyEventsMonitor:
    """docker/swarm v1.2.5's EventsMonitor exactly as it was, for comparison.

    * ``start`` sends an open error on ``ec`` **synchronously** (with an
      unbuffered ``ec`` and no receiver yet, that blocks forever, as in Go);
    * the decoder hands each message over an **unbuffered** channel, so the
      socket is not read while the handler runs;
    * after ``stop`` the decoder stays blocked on its next send (a goroutine
      leak, visible with :func:`swarmnotes.go.leak.check`);
    * no ``since``: a reconnect starts from "now".

    Go: cluster.EventsMonitor at v1.2.5
    """

    def __init__(self, cli: Any, handler: Handler) -> None:
        self._cli = cli
        self._handler = handler
        self._stop_chan: Chan | None = None

    def start(self, ec: Chan) -> None:
        self._stop_chan = stop_chan = Chan()
        try:
            body = self._cli.events(decode=True)
        except Exception as err:
            ec.send(err)
            return
        result_chan = Chan()

        def decode() -> None:
            it: Iterator[dict[str, Any]] = iter(body)
            while True:
                try:
                    result: tuple[Any, BaseException | None] = (next(it), None)
                except StopIteration:
                    result = (None, EOFError("EOF"))
                except Exception as err:
                    result = (None, err)
                result_chan.send(result)
                if result[1] is not None:
                    break
            result_chan.close()

        def consume() -> None:
            try:
                while True:
                    i, value, _ = select(Recv(stop_chan), Recv(result_chan))
                    if i == 0:
                        ec.send(None)
                        return
                    msg, err = value
                    if err is not None:
                        ec.send(err)
                        return
                    try:
                        self._handler(msg)
                    except Exception as herr:
                        ec.send(herr)
                        return
            finally:
                body.close()

        go(decode)
        go(consume)

    def stop(self) -> None:
        if self._stop_chan is None:
            return
        self._stop_chan.close()  # a second stop raises, as Go panics
