"""gen, sq, merge and md5_all, mirroring the Go blog's pipelines examples.

Each test names the example it checks (golang/blog content/pipelines/*.go).
No timing assertions here: speed is in benchmarks/bench_pipeline.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from types import FrameType

import pytest

from swarmnotes.go import Chan, leak, trace
from swarmnotes.go.pipeline import gen, md5_all, merge, sq

MODES = ["serial", "parallel", "bounded"]


def test_gen_sq_prints_4_then_9() -> None:
    # square.go: for n := range sq(gen(2, 3)) { fmt.Println(n) }
    with leak.check():
        assert list(sq(gen(2, 3))) == [4, 9]


def test_sq_composes() -> None:
    # square2.go: sq(sq(gen(2, 3))) -> 16, 81
    with leak.check():
        assert list(sq(sq(gen(2, 3)))) == [16, 81]


def test_fan_out_fan_in_delivers_every_value_once() -> None:
    # sqfan.go: two sq read one channel; merge gathers them in any order.
    with leak.check():
        inbound = gen(*range(200))
        out = merge(sq(inbound), sq(inbound))
        got = list(out)
    assert sorted(got) == [n * n for n in range(200)]
    assert out.closed


def test_merge_of_nothing_closes_at_once() -> None:
    with leak.check():
        assert list(merge()) == []


def test_gen_with_done_is_buffered_and_closed() -> None:
    # sqdone3.go: gen fills a buffer of len(nums) and closes; no goroutine.
    done = Chan()
    out = gen(1, 2, 3, done=done)
    assert out.cap == 3 and len(out) == 3 and out.closed
    assert list(out) == [1, 2, 3]


def test_stopping_early_without_done_leaks_the_stuck_senders() -> None:
    # sqleak.go: main takes one value and returns; the other sender blocks.
    with pytest.raises(leak.LeakError) as info:
        with leak.check(timeout=1.0):
            inbound = gen(2, 3)
            out = merge(sq(inbound), sq(inbound))
            first, ok = out.recv()
    assert ok and first in (4, 9)
    names = sorted(t.name for t in info.value.goroutines)
    assert "merge.<locals>.output" in names
    assert "merge.<locals>.close_when_done" in names
    # Rescue them (so this test leaves nothing behind): take the stranded value.
    with leak.check(timeout=2.0):
        second, ok = out.recv()
        assert ok and {first, second} == {4, 9}
        assert out.recv() == (None, False)
    assert not set(info.value.goroutines) & set(leak.goroutines())


def test_stopping_early_with_done_leaks_nothing() -> None:
    # sqdone3.go: close(done) releases every stage.
    with leak.check(timeout=2.0):
        done = Chan()
        inbound = gen(*range(1000), done=done)
        out = merge(sq(inbound, done=done), sq(inbound, done=done), done=done)
        first, ok = out.recv()
        assert ok and first in (0, 1)
        done.close()
    assert out.closed


def test_done_closed_before_the_pipeline_runs() -> None:
    with leak.check(timeout=2.0):
        done = Chan()
        done.close()
        out = merge(sq(gen(1, 2, 3, done=done), done=done), done=done)
        # Every stage returns at once; nothing (or at most what raced in) arrives.
        assert set(out) <= {1, 4, 9}


def test_stages_close_their_outbound_channels() -> None:
    with leak.check():
        out = sq(gen())
        assert out.recv() == (None, False)
        assert out.closed


def _calls_into_trace(run: Callable[[], object]) -> Counter[str]:
    """The functions of swarmnotes/go/trace.py that ``run()`` entered, counted.

    A profile hook in this thread and in every thread started meanwhile (the
    stages' goroutines) counts each Python call whose code is in trace.py.
    """
    calls: Counter[str] = Counter()
    lock = threading.Lock()

    def profile(frame: FrameType, event: str, arg: object) -> None:
        if event == "call" and frame.f_code.co_filename == trace.__file__:
            with lock:
                calls[frame.f_code.co_name] += 1

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        run()
    finally:
        sys.setprofile(None)
        threading.setprofile(None)
    return calls


@pytest.mark.parametrize("with_done", [False, True], ids=["sqfan", "sqdone3"])
def test_untraced_pipeline_never_calls_the_tracer_per_value(with_done: bool) -> None:
    # With no Tracer installed, the per-value send must not enter trace.py:
    # the only tracer code an untraced run may run is new_chan, once per stage.
    assert trace.active() is None

    def run(n: int) -> Callable[[], object]:
        def pipeline() -> None:
            done = Chan() if with_done else None
            inbound = gen(*range(n), done=done)
            assert sorted(merge(sq(inbound, done), sq(inbound, done), done=done)) == [
                i * i for i in range(n)
            ]
            if done is not None:
                done.close()

        return pipeline

    few, many = _calls_into_trace(run(5)), _calls_into_trace(run(500))
    assert set(many) <= {"new_chan"}, f"the hot path called into trace.py: {dict(many)}"
    assert many == few == Counter(new_chan=4)  # gen, two sq, merge


# -- md5_all -------------------------------------------------------------------


def md5sum(root: Path) -> dict[str, str]:
    """coreutils md5sum over every regular file, keyed by path relative to root."""
    files = sorted(
        os.path.relpath(os.path.join(d, f), root)
        for d, _, names in os.walk(root)
        for f in names
        if os.path.isfile(os.path.join(d, f)) and not os.path.islink(os.path.join(d, f))
    )
    out = subprocess.run(
        ["md5sum", "--zero", "--", *files], cwd=root, check=True, capture_output=True, timeout=60
    ).stdout
    sums = {}
    for line in out.split(b"\0"):
        if line:
            digest, name = line.split(b"  ", 1)
            sums[os.fsdecode(name)] = digest.decode()
    return sums


@pytest.mark.parametrize("mode", MODES)
def test_md5_all_equals_md5sum(tree: Path, mode: str) -> None:
    with leak.check(timeout=2.0):
        got = md5_all(tree, mode=mode)
    want = md5sum(tree)
    assert len(want) == 37
    assert got == want


@pytest.mark.parametrize("mode", MODES)
def test_md5_all_skips_what_is_not_a_regular_file(tree: Path, mode: str) -> None:
    got = md5_all(str(tree), mode=mode)
    assert "link-to-hello" not in got and "fifo" not in got
    assert not any(k.startswith("link-to-a") for k in got)
    assert "empty-dir" not in got
    assert got["empty.txt"] == "d41d8cd98f00b204e9800998ecf8427e"
    assert got[os.path.join("a", "b", "c", "ünïcödé-名前.txt")]


@pytest.mark.parametrize("mode", MODES)
def test_md5_all_missing_root_raises_oserror(tmp_path: Path, mode: str) -> None:
    with leak.check(timeout=2.0):
        with pytest.raises(OSError):
            md5_all(tmp_path / "no-such-dir", mode=mode)


@pytest.mark.parametrize("mode", MODES)
def test_md5_all_empty_tree(tmp_path: Path, mode: str) -> None:
    with leak.check(timeout=2.0):
        assert md5_all(tmp_path, mode=mode) == {}


def test_md5_all_bounded_with_one_worker(tree: Path) -> None:
    with leak.check(timeout=2.0):
        assert md5_all(tree, mode="bounded", workers=1) == md5_all(tree, mode="serial")


def test_md5_all_rejects_unknown_mode_and_bad_workers(tree: Path) -> None:
    with pytest.raises(ValueError, match="mode"):
        md5_all(tree, mode="fast")
    with pytest.raises(ValueError, match="workers"):
        md5_all(tree, mode="bounded", workers=0)


def test_public_signatures_match_the_contract() -> None:
    # DESIGN.md, swarmnotes.go.pipeline: external tests use exactly these.
    import inspect

    from swarmnotes.go import pipeline

    assert pipeline.__all__ == ["gen", "md5_all", "merge", "sq"]
    assert str(inspect.signature(gen)) == "(*nums: 'int', done: 'Chan | None' = None) -> 'Chan'"
    assert str(inspect.signature(sq)) == "(inbound: 'Chan', done: 'Chan | None' = None) -> 'Chan'"
    assert str(inspect.signature(merge)) == (
        "(*channels: 'Chan', done: 'Chan | None' = None) -> 'Chan'"
    )
    params = inspect.signature(md5_all).parameters
    assert list(params) == ["root", "mode", "workers"]
    assert params["mode"].default == "serial" and params["workers"].default == 20


# The read-error path needs a file its reader cannot open; root reads
# anything, so as root the check runs in a child process as user nobody.
_READ_ERROR_CHECK = """
import sys
from swarmnotes.go import leak
from swarmnotes.go.pipeline import md5_all
for mode in ("serial", "parallel", "bounded"):
    with leak.check(timeout=5.0):
        try:
            md5_all(sys.argv[1], mode=mode)
        except PermissionError as exc:
            print(mode, "PermissionError", exc.filename.endswith("secret.txt"))
        else:
            print(mode, "no error")
"""


def test_md5_all_raises_the_first_read_error_and_leaks_nothing() -> None:
    import shutil
    import stat as st
    import sys
    import tempfile

    base = Path(tempfile.mkdtemp(prefix="swn-md5-err-"))
    try:
        base.chmod(0o755)
        root = base / "tree"
        (root / "a").mkdir(parents=True)
        for i in range(50):
            (root / "a" / f"f{i:02d}.txt").write_bytes(b"x" * i)
        secret = root / "a" / "secret.txt"
        secret.write_bytes(b"no")
        secret.chmod(0)
        for d in (root, root / "a"):
            d.chmod(st.S_IRWXU | st.S_IRGRP | st.S_IXGRP | st.S_IROTH | st.S_IXOTH)
        for f in (root / "a").iterdir():
            if f != secret:
                f.chmod(0o644)
        src = str(Path(__file__).resolve().parents[2] / "src")
        cmd = [sys.executable, "-c", _READ_ERROR_CHECK, str(root)]
        if os.access(secret, os.R_OK):
            # Root (with CAP_DAC_OVERRIDE) reads a mode-0 file: read as nobody.
            if shutil.which("setpriv") is None:
                pytest.skip("running as root without setpriv: no unreadable file possible")
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
        env = {**os.environ, "PYTHONPATH": src}
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.split("\n")[:3] == [
            "serial PermissionError True",
            "parallel PermissionError True",
            "bounded PermissionError True",
        ]
    finally:
        shutil.rmtree(base)
