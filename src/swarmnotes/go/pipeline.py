"""Port of golang/blog 9aa2e114 content/pipelines/: gen, sq, merge and the three MD5All programs.

The examples of the Go blog article "Go Concurrency Patterns: Pipelines and
cancellation" (Sameer Ajmani, 2014): ``sqfan.go``, ``sqleak.go``,
``sqdone3.go``, ``serial.go``, ``parallel.go``, ``bounded.go`` (``sqdone3.go``
and ``parallel.go`` as of 204a024d / 26209f9d).

A *stage* receives values from inbound channels, does some work and sends
values on outbound channels. The article's two rules, which every stage here
follows:

* a stage closes its outbound channels when all its sends are done;
* a stage keeps receiving from inbound channels until they are closed or the
  senders are unblocked (here: by closing the shared ``done`` channel).

``done`` is optional everywhere. Without it the stages are the article's
first versions (``sqfan.go``): correct when the consumer reads everything, but
a consumer that stops early strands senders forever (``sqleak.go``). With it
they are the final versions (``sqdone3.go``): every send is a ``select``
between the outbound send and a receive on ``done``, and closing ``done``
releases every goroutine. Every goroutine is started with ``go()``, so
:func:`swarmnotes.go.leak.check` sees the difference.

Go: ``<-chan int`` / ``chan<- int`` direction types.
Python: one ``Chan`` type; the direction is in the docstrings.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterator
from typing import Any

from swarmnotes.go import trace
from swarmnotes.go.chan import Chan, Recv, Send, go, select
from swarmnotes.go.sync import WaitGroup

__all__ = ["gen", "md5_all", "merge", "sq"]

# ---------------------------------------------------------------------------
# Helpers shared by the stages


def _send(out: Chan, v: Any, done: Chan | None) -> bool:
    """Send ``v`` on ``out`` unless ``done`` is closed first; False if abandoned.

    Go::

        select {
        case out <- v:
        case <-done:
            return
        }

    With ``done`` None (a nil channel, never ready) this is a plain send.
    """
    # Only a Tracer makes TracedChans, so an untraced run pays this one type
    # check per value and never calls into the tracer.
    if type(out) is trace.TracedChan:
        return _traced_send(out.tracer, out, v, done)
    if done is None:
        out.send(v)
        return True
    # Go: select picks at random among ready cases; when done is already
    # closed we return at once (one of the outcomes Go allows), which saves
    # a select on the hot path of an abandoned pipeline.
    if done.closed:
        return False
    index, _, _ = select(Send(out, v), Recv(done))
    return index == 0


def _traced_send(rec: trace.Tracer, out: Chan, v: Any, done: Chan | None) -> bool:
    """``_send`` on a traced channel, recording the send or its abandonment.

    The sequence number is taken before the send can complete, so the
    diagram shows a send before the receive that took its value; an
    abandoned send is recorded when it gives up (after done's close).
    """
    seq = rec.begin()
    if done is None:
        Chan.send(out, v)  # the plain send, not TracedChan.send: one record
        rec.end(seq, "send", out, v)
        return True
    index, _, _ = select(Send(out, v), Recv(done))
    if index == 0:
        rec.end(seq, "send", out, v)
        return True
    rec.end(rec.begin(), "abandon", out, v)
    return False


def _new_chan(cap: int, label: str) -> Chan:
    """A stage's outbound channel (a traced one while a tracer is active)."""
    return trace.new_chan(cap, label)


# ---------------------------------------------------------------------------
# gen, sq, merge


def gen(*nums: int, done: Chan | None = None) -> Chan:
    """Send ``nums`` on the returned channel, then close it. Go: ``gen``.

    Without ``done`` this is ``sqfan.go``'s gen: a goroutine sends each number
    on an unbuffered channel, so it blocks until a receiver takes it. With
    ``done`` it is ``sqdone3.go``'s gen: the channel gets a buffer of
    ``len(nums)``, the numbers go in at once and it is closed; no goroutine
    is needed and ``done`` can be ignored, because those sends cannot block.
    """
    if done is not None:
        out = _new_chan(len(nums), "gen")
        for n in nums:
            _send(out, n, None)  # cannot block: the buffer holds every value
        out.close()
        return out

    out = _new_chan(0, "gen")

    def gen_run() -> None:
        for n in nums:
            _send(out, n, None)
        out.close()

    go(gen_run)
    return out


def sq(inbound: Chan, done: Chan | None = None) -> Chan:
    """Square every value of ``inbound`` onto the returned channel. Go: ``sq``.

    Receives until ``inbound`` is closed (or ``done`` is), then closes the
    returned channel on every return path (Go: ``defer close(out)``). Input
    and output types match, so stages compose: ``sq(sq(gen(2, 3)))`` gives
    16 and 81. Several ``sq`` reading one channel is fan-out.
    """
    out = _new_chan(0, "sq")

    def sq_run() -> None:
        try:
            for n in inbound:
                if not _send(out, n * n, done):
                    return
        finally:
            out.close()

    go(sq_run)
    return out


def merge(*channels: Chan, done: Chan | None = None) -> Chan:
    """Copy every value of ``channels`` onto one returned channel. Go: ``merge``.

    Fan-in: one ``output`` goroutine per input channel copies values until
    its input (or ``done``) is closed, and a ``WaitGroup`` counts them; one
    more goroutine closes the returned channel once they have all returned.
    It is started after ``wg.add`` (so it cannot see a zero counter too
    early), and the close comes after every send because a send on a closed
    channel raises. Values from different inputs arrive in no fixed order.
    With ``done``, an output goroutine need not drain its input once ``done``
    is closed: its upstream sender watches ``done`` too.
    """
    wg = WaitGroup()
    out = _new_chan(0, "merge")

    def output(c: Chan) -> None:
        try:
            for n in c:
                if not _send(out, n, done):
                    return
        finally:
            wg.done()  # Go: defer wg.Done()

    wg.add(len(channels))
    for c in channels:
        go(output, c)

    def close_when_done() -> None:
        # Go: wg.Wait() has no timeout; neither does this: it ends when the
        # output goroutines end, which done (or the inputs closing) ensures.
        wg.wait()
        out.close()

    go(close_when_done)
    return out


# ---------------------------------------------------------------------------
# MD5All: serial.go, parallel.go, bounded.go


class _WalkCanceled(Exception):
    """The walk stopped because ``done`` was closed (Go: errors.New("walk canceled"))."""


def _regular_files(root: str) -> Iterator[str]:
    """Yield the regular files under ``root`` in lexical order. Go: filepath.Walk.

    Like Go's Walk: symbolic links are reported, not followed (and, not
    being regular files, skipped); each directory's names are sorted; the
    first error (a missing root included) is raised as OSError.

    Go: Walk calls os.Lstat on every name.
    Python: os.scandir gives each entry's type from the directory listing
    itself (lstat only where the file system does not say), which saves a
    system call per file.
    """
    info = os.lstat(root)
    if stat.S_ISREG(info.st_mode):
        yield root
        return
    if not stat.S_ISDIR(info.st_mode):
        return
    with os.scandir(root) as it:
        entries = sorted(it, key=lambda entry: entry.name)
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _regular_files(entry.path)
        elif entry.is_file(follow_symlinks=False):
            yield entry.path


def _digest(path: str) -> str:
    """The hex MD5 of a file's contents. Go: md5.Sum(ioutil.ReadFile(path)).

    Reads the whole file, as Go does. Python: the read and the hashing
    release the GIL, so digesters in several threads really run in parallel.
    """
    with open(path, "rb", buffering=0) as f:
        data = f.read()
    return hashlib.md5(data).hexdigest()


def _rel(path: str, root: str, prefix: str) -> str:
    """``os.path.relpath(path, root)`` for a path the walk built from ``root``.

    The walk joins names onto ``root``, so stripping ``prefix``
    (``os.path.join(root, "")``) gives the same answer as relpath without its
    two abspath calls per file.
    """
    if path.startswith(prefix) and path != prefix:
        return path[len(prefix) :]
    return os.path.relpath(path, root)


def _serial(root: str) -> dict[str, str]:
    # serial.go: walk, digest each regular file, stop at the first error.
    m: dict[str, str] = {}
    prefix = os.path.join(root, "")
    for path in _regular_files(root):
        m[_rel(path, root, prefix)] = _digest(path)
    return m


class _Result:
    """A digest or the error that prevented it. Go: ``type result struct``."""

    __slots__ = ("path", "sum", "err")

    def __init__(self, path: str, sum: str, err: OSError | None) -> None:
        self.path = path
        self.sum = sum
        self.err = err


def _read_sum(path: str) -> _Result:
    try:
        return _Result(path, _digest(path), None)
    except OSError as exc:
        # Go returns err as a value; the consumer decides what to do with it.
        return _Result(path, "", exc)


def _sum_files(done: Chan, root: str) -> tuple[Chan, Chan]:
    """parallel.go's sumFiles: one goroutine per regular file.

    Returns the results channel and a one-slot error channel that receives
    the walk's outcome (None or the exception). The walk stops early once
    ``done`` is closed, and the results channel is closed after every file
    goroutine has returned.
    """
    c = Chan()
    errc = Chan(1)

    def sum_files_walk() -> None:
        wg = WaitGroup()
        err: BaseException | None = None
        try:
            for path in _regular_files(root):
                wg.add(1)

                def sum_file(path: str) -> None:
                    try:
                        _send(c, _read_sum(path), done)
                    finally:
                        wg.done()

                go(sum_file, path)
                # Go: abort the walk if done is closed (a select with default).
                if done.closed:
                    raise _WalkCanceled("walk canceled")
        except (OSError, _WalkCanceled) as exc:
            err = exc

        def close_results() -> None:
            wg.wait()
            c.close()

        go(close_results)
        errc.send(err)  # never blocks: errc has a one-slot buffer

    go(sum_files_walk)
    return c, errc


def _walk_files(done: Chan, root: str, buffer: int) -> tuple[Chan, Chan]:
    """bounded.go's walkFiles: a goroutine sends each regular file's path.

    Go's bounded.go skips only directories here (a symlink would be read);
    the port keeps the regular-file test of the other two versions so that
    all three return the same map.
    """
    paths = Chan(buffer)  # Go: unbuffered (see _bounded for why not here)
    errc = Chan(1)

    def walk_files() -> None:
        err: BaseException | None = None
        try:
            for path in _regular_files(root):
                if not _send(paths, path, done):
                    raise _WalkCanceled("walk canceled")
        except (OSError, _WalkCanceled) as exc:
            err = exc
        finally:
            paths.close()  # Go: defer close(paths)
        errc.send(err)

    go(walk_files)
    return paths, errc


def _digester(done: Chan, paths: Chan, c: Chan) -> None:
    """Digest paths until ``paths`` or ``done`` is closed. Go: ``digester``."""
    for path in paths:
        if not _send(c, _read_sum(path), done):
            return


def _collect(root: str, c: Chan, errc: Chan) -> dict[str, str]:
    # The consumer: return on the first read error (the caller's finally
    # closes done, releasing the other goroutines), then check the walk error
    # last, since the walker may still be blocked sending until c is drained.
    m: dict[str, str] = {}
    prefix = os.path.join(root, "")
    for r in c:
        if r.err is not None:
            raise r.err
        m[_rel(r.path, root, prefix)] = r.sum
    err, _ = errc.recv()
    if err is not None:
        raise err
    return m


def _parallel(root: str) -> dict[str, str]:
    done = Chan()
    try:
        c, errc = _sum_files(done, root)
        return _collect(root, c, errc)
    finally:
        done.close()  # Go: defer close(done)


def _bounded(root: str, workers: int) -> dict[str, str]:
    done = Chan()
    try:
        # Go: paths and c are unbuffered.
        # Python: a goroutine is a thread, and parking one costs an OS wake-up
        # (tens of microseconds, a goroutine's costs well under one), so the
        # channels get a buffer of `workers`: the walker and the digesters
        # run ahead of a slow partner instead of parking at every hand-off.
        # The bound is unchanged: at most `workers` files are read at once.
        paths, errc = _walk_files(done, root, workers)
        c = Chan(workers)
        wg = WaitGroup()
        wg.add(workers)

        def digester_run() -> None:
            try:
                _digester(done, paths, c)
            finally:
                wg.done()

        for _ in range(workers):
            go(digester_run)

        def close_results() -> None:
            wg.wait()
            c.close()

        go(close_results)
        return _collect(root, c, errc)
    finally:
        done.close()


def md5_all(
    root: str | os.PathLike[str], mode: str = "serial", workers: int = 20
) -> dict[str, str]:
    """Map each regular file under ``root`` to its MD5 hex digest. Go: ``MD5All``.

    Keys are ``os.path.relpath(path, root)``; values are what ``md5sum``
    prints. ``mode`` picks the article's version:

    * ``"serial"`` (serial.go): walk and digest one file after another;
    * ``"parallel"`` (parallel.go): one goroutine per file;
    * ``"bounded"`` (bounded.go): a walker, ``workers`` digesters (20 in
      the article) and the consumer, so memory stays bounded.

    The first error (a missing root, an unreadable file) is raised as
    OSError. In the concurrent modes ``md5_all`` closes its ``done`` channel
    on the way out, so every goroutine it started returns soon after, without
    ``md5_all`` waiting for in-flight reads (as in Go).
    """
    root = os.fspath(root)
    if mode == "serial":
        return _serial(root)
    if mode == "parallel":
        return _parallel(root)
    if mode == "bounded":
        if not isinstance(workers, int) or workers < 1:
            raise ValueError(f"workers must be a positive int, not {workers!r}")
        return _bounded(root, workers)
    raise ValueError(f'mode must be "serial", "parallel" or "bounded", not {mode!r}')
