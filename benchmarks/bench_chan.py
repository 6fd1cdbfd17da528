"""swarmnotes.go channels and context against their peers, side by side, in one run.

    PYTHONPATH=src python benchmarks/bench_chan.py [--repeats 5] [--no-go] [--json PATH]

Rows (each the median of --repeats runs):

* unbuffered ping-pong: two goroutines bounce a value over two unbuffered
  channels; round trips per second; once more with both threads pinned to
  one CPU (``swarmnotes.go.runtime.gomaxprocs(1)``), which takes the
  cross-core wake-up out of each hand-off and leaves the Python cost of the
  channel itself;
* buffered cap 128: one producer, one consumer; items per second; once
  more with both pinned to one CPU;
* cancel of a context tree with 10,000 descendants (a root, 100 children,
  99 grandchildren each): milliseconds until cancel() returns, when every
  descendant's done channel is closed; "lazy" when nobody asked for done()
  (Go stores its shared closed channel), "every done" when each was asked.

Columns:

* swarmnotes: ``swarmnotes.go.chan.Chan`` and ``swarmnotes.go.context``;
* queue.Queue: the minimal thread channel, ``send = put``, ``recv = get`` on
  ``queue.Queue(max(cap, 1))``;
* asyncio: ``asyncio.Queue`` between two tasks of one event loop (no threads);
* aiochannel: ``aiochannel.Channel`` (skipped if the package is missing);
* Go: ``benchmarks/go/main.go`` with ``go run``, when ``go`` is on PATH.

pygolang (C++ channels behind a Python API, built in its own venv: see
``pygolang_peer.py``) runs the same ping-pong and buffered loops in the same
run; its numbers are printed below the table with the ratio of swarmnotes to
the fastest Python peer, and kept under ``"pygolang"`` in the JSON.

The speed targets (issue 3): ping-pong and buffered at least 2x the
queue.Queue channel; the 10,000-descendant cancel under 5 ms. Timings are
wall clock on a shared machine: run it twice before trusting a digit.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import benchjson
import pygolang_peer

from swarmnotes.go import runtime
from swarmnotes.go.chan import Chan
from swarmnotes.go.context import background, with_cancel

HERE = Path(__file__).resolve().parent
PINGPONG_N = 20_000
BUFFERED_N = 200_000


# -- thread channels -------------------------------------------------------------


class QueueChan:
    """The minimal queue.Queue channel the targets are measured against."""

    def __init__(self, cap: int = 0) -> None:
        self.q: queue.Queue[Any] = queue.Queue(max(cap, 1))
        self.send = self.q.put
        self.get = self.q.get

    def recv(self) -> tuple[Any, bool]:
        return self.get(), True


def thread_pingpong(make: Callable[[], Any], n: int = PINGPONG_N, one_cpu: bool = False) -> float:
    a, b = make(), make()
    # gomaxprocs(1) pins this thread and the echo thread it starts to one CPU.
    previous = runtime.gomaxprocs(1) if one_cpu else 0

    def echo() -> None:
        for _ in range(n):
            v, _ = b.recv()
            a.send(v)

    t = threading.Thread(target=echo, daemon=True)
    t.start()
    start = time.perf_counter()
    for i in range(n):
        b.send(i)
        a.recv()
    elapsed = time.perf_counter() - start
    t.join(60)
    if one_cpu:
        runtime.gomaxprocs(previous)
    return n / elapsed


def thread_buffered(
    make: Callable[[int], Any], n: int = BUFFERED_N, one_cpu: bool = False
) -> float:
    c = make(128)
    stop = object()
    previous = runtime.gomaxprocs(1) if one_cpu else 0

    def producer() -> None:
        for i in range(n):
            c.send(i)
        c.send(stop)

    t = threading.Thread(target=producer, daemon=True)
    t.start()
    start = time.perf_counter()
    recv = c.recv
    while recv()[0] is not stop:
        pass
    elapsed = time.perf_counter() - start
    t.join(60)
    if one_cpu:
        runtime.gomaxprocs(previous)
    return n / elapsed


# -- asyncio and aiochannel ----------------------------------------------------------


def asyncio_pingpong(n: int = PINGPONG_N) -> float:
    async def main() -> float:
        a: asyncio.Queue[int] = asyncio.Queue(1)
        b: asyncio.Queue[int] = asyncio.Queue(1)

        async def echo() -> None:
            for _ in range(n):
                await a.put(await b.get())

        task = asyncio.create_task(echo())
        start = time.perf_counter()
        for i in range(n):
            await b.put(i)
            await a.get()
        elapsed = time.perf_counter() - start
        await task
        return n / elapsed

    return asyncio.run(main())


def asyncio_buffered(n: int = BUFFERED_N) -> float:
    async def main() -> float:
        c: asyncio.Queue[int | None] = asyncio.Queue(128)

        async def producer() -> None:
            for i in range(n):
                await c.put(i)
            await c.put(None)

        task = asyncio.create_task(producer())
        start = time.perf_counter()
        while await c.get() is not None:
            pass
        elapsed = time.perf_counter() - start
        await task
        return n / elapsed

    return asyncio.run(main())


def aiochannel_pingpong(n: int = PINGPONG_N) -> float:
    from aiochannel import Channel

    async def main() -> float:
        a: Any = Channel(1)
        b: Any = Channel(1)

        async def echo() -> None:
            for _ in range(n):
                await a.put(await b.get())

        task = asyncio.create_task(echo())
        start = time.perf_counter()
        for i in range(n):
            await b.put(i)
            await a.get()
        elapsed = time.perf_counter() - start
        await task
        return n / elapsed

    return asyncio.run(main())


def aiochannel_buffered(n: int = BUFFERED_N) -> float:
    from aiochannel import Channel

    async def main() -> float:
        c: Any = Channel(128)

        async def producer() -> None:
            for i in range(n):
                await c.put(i)
            c.close()

        task = asyncio.create_task(producer())
        start = time.perf_counter()
        async for _ in c:
            pass
        elapsed = time.perf_counter() - start
        await task
        return n / elapsed

    return asyncio.run(main())


# -- context tree -----------------------------------------------------------------------


def cancel_tree(eager: bool) -> float:
    root, cancel = with_cancel(background())
    descendants = []
    for _ in range(100):
        mid, _ = with_cancel(root)
        descendants.append(mid)
        for _ in range(99):
            leaf, _ = with_cancel(mid)
            descendants.append(leaf)
    if eager:
        for c in descendants:
            c.done()
    gc.collect()  # building 10,000 contexts queued garbage collections; not ours to time
    start = time.perf_counter()
    cancel()
    elapsed = time.perf_counter() - start
    for c in descendants:  # every done channel is closed once cancel returned
        assert c.err() is not None and c.done().closed
    return elapsed * 1000


# -- Go ------------------------------------------------------------------------------------


def run_go() -> dict[str, float] | str:
    go = shutil.which("go")
    if go is None:
        return "go not on PATH"
    try:
        out = subprocess.run(
            [go, "run", "main.go"],
            cwd=HERE / "go",
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "GO111MODULE": "on"},
        )
    except subprocess.TimeoutExpired:
        return "go run timed out"
    if out.returncode != 0:
        return f"go run failed: {out.stderr.strip()[:200]}"
    return json.loads(out.stdout)  # type: ignore[no-any-return]


# -- table ----------------------------------------------------------------------------------


def median_of(repeats: int, f: Callable[[], float]) -> float:
    return statistics.median(f() for _ in range(repeats))


def fmt(v: float | None, unit: str) -> str:
    if v is None:
        return "n/a"
    if unit == "ms":
        return f"{v:.2f}"
    if v >= 1e6:
        return f"{v / 1e6:.2f}M"
    if v >= 1e3:
        return f"{v / 1e3:.1f}k"
    return f"{v:.0f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--no-go", action="store_true", help="skip the Go column")
    ap.add_argument("--no-pygolang", action="store_true", help="skip the pygolang peer")
    ap.add_argument("--json", metavar="PATH", help="also write the numbers here (benchjson.py)")
    args = ap.parse_args(argv)
    load = benchjson.load_before()
    r = args.repeats

    try:
        import aiochannel  # noqa: F401

        have_aiochannel = True
    except ImportError:
        have_aiochannel = False

    go_result: dict[str, float] | str = "skipped (--no-go)" if args.no_go else run_go()
    go_numbers = go_result if isinstance(go_result, dict) else {}
    pyg_result: dict[str, Any] | str = (
        "skipped (--no-pygolang)"
        if args.no_pygolang
        else pygolang_peer.run("--only", "chan", "--repeats", str(r))
    )

    Row = tuple[str, str, list[float | None]]

    def thread_rows(
        name: str, unit: str, bench: Callable[..., float], peers: list[float | None]
    ) -> list[Row]:
        """Two rows: the thread channels on every CPU beside ``peers``, then pinned."""
        return [
            (
                name,
                "rate",
                [median_of(r, lambda: bench(Chan)), median_of(r, lambda: bench(QueueChan)), *peers],
            ),
            (
                f"  same, gomaxprocs(1) ({unit})",
                "rate",
                [
                    median_of(r, lambda: bench(Chan, one_cpu=True)),
                    median_of(r, lambda: bench(QueueChan, one_cpu=True)),
                    None,
                    None,
                    None,
                ],
            ),
        ]

    rows: list[Row] = []
    rows += thread_rows(
        "unbuffered ping-pong (round trips/s)",
        "round trips/s",
        thread_pingpong,
        [
            median_of(r, asyncio_pingpong),
            median_of(r, aiochannel_pingpong) if have_aiochannel else None,
            go_numbers.get("pingpong_rt_per_s"),
        ],
    )
    rows += thread_rows(
        "buffered cap 128 (items/s)",
        "items/s",
        thread_buffered,
        [
            median_of(r, asyncio_buffered),
            median_of(r, aiochannel_buffered) if have_aiochannel else None,
            go_numbers.get("buffered_items_per_s"),
        ],
    )
    for how, every_done in (("lazy done", False), ("every done", True)):
        rows.append(
            (
                f"cancel 10,000-descendant tree, {how} (ms)",
                "ms",
                [
                    median_of(max(r, 11), functools.partial(cancel_tree, every_done)),
                    None,
                    None,
                    None,
                    go_numbers.get(f"cancel_tree_ms_{'eager' if every_done else 'lazy'}"),
                ],
            )
        )

    print(
        f"# bench_chan: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.2f}, median of {r} runs ({max(r, 11)} for the tree)"
    )
    if not have_aiochannel:
        print("# aiochannel: not installed (pip install aiochannel) - column skipped")
    if not go_numbers:
        print(f"# Go: {go_result}")
    head = ["swarmnotes", "queue.Queue", "asyncio", "aiochannel", "Go", "sn/queue", "sn/Go"]
    print(f"| {'benchmark':<48} | " + " | ".join(f"{h:>11}" for h in head) + " |")
    print(f"|{'-' * 50}|" + "|".join("-" * 13 for _ in head) + "|")
    for name, unit, vals in rows:
        sn, q, _, _, g = vals
        if unit == "rate":
            vs_queue = f"{sn / q:.2f}x" if sn and q else "n/a"
            vs_go = f"{sn / g:.4f}x" if sn and g else "n/a"
        else:
            vs_queue = "n/a"
            vs_go = f"{sn / g:.1f}x slower" if sn and g else "n/a"
        cells = [fmt(v, unit) for v in vals] + [vs_queue, vs_go]
        print(f"| {name:<48} | " + " | ".join(f"{c:>11}" for c in cells) + " |")

    print()
    if isinstance(pyg_result, dict):
        print(
            f"pygolang {pyg_result['pygolang']} (same run, own venv): "
            f"ping-pong {fmt(pyg_result['pingpong_rt_per_s'], 'rate')} round trips/s, "
            f"buffered {fmt(pyg_result['buffered_items_per_s'], 'rate')} items/s"
        )
        for label, row, key in (
            ("ping-pong", rows[0], "pingpong_rt_per_s"),
            ("buffered ", rows[2], "buffered_items_per_s"),
        ):
            peers = {
                "queue.Queue": row[2][1],
                "asyncio": row[2][2],
                "aiochannel": row[2][3],
                "pygolang": pyg_result[key],
            }
            fastest = max((name for name in peers if peers[name]), key=lambda k: peers[k] or 0)
            sn = row[2][0]
            best = peers[fastest]
            assert sn and best
            print(f"{label}: swarmnotes / fastest Python peer ({fastest}) = {sn / best:.2f}x")
    else:
        print(f"# pygolang: {pyg_result}")

    ping, _, buf, _, lazy, eager = (row[2][0] for row in rows)
    ping_q, buf_q = rows[0][2][1], rows[2][2][1]
    assert ping and buf and lazy and eager and ping_q and buf_q
    print()
    print(
        f"target ping-pong >= 2x queue.Queue: {ping / ping_q:.2f}x "
        f"{'OK' if ping >= 2 * ping_q else 'MISSED'}"
    )
    ping1, ping1_q = rows[1][2][0], rows[1][2][1]
    assert ping1 and ping1_q
    print(
        f"        at gomaxprocs(1) (both sides): {ping1 / ping1_q:.2f}x "
        f"{'OK' if ping1 >= 2 * ping1_q else 'MISSED'}"
    )
    print(
        f"target buffered  >= 2x queue.Queue: {buf / buf_q:.2f}x "
        f"{'OK' if buf >= 2 * buf_q else 'MISSED'}"
    )
    buf1, buf1_q = rows[3][2][0], rows[3][2][1]
    assert buf1 and buf1_q
    print(
        f"        at gomaxprocs(1) (both sides): {buf1 / buf1_q:.2f}x "
        f"{'OK' if buf1 >= 2 * buf1_q else 'MISSED'}"
    )
    print(
        f"target tree cancel < 5 ms: lazy {lazy:.2f} ms, every done {eager:.2f} ms "
        f"{'OK' if max(lazy, eager) < 5 else 'MISSED'}"
    )
    columns = ["swarmnotes", "queue.Queue", "asyncio", "aiochannel", "Go"]
    benchjson.write(
        args.json,
        {
            "repeats": r,
            "tree_repeats": max(r, 11),
            "go": go_result,
            "pygolang": pyg_result,
            "columns": columns,
            "rows": [
                {
                    "name": name.strip(),
                    "unit": "ms" if unit == "ms" else "per_s",
                    "values": dict(zip(columns, vals, strict=True)),
                }
                for name, unit, vals in rows
            ],
        },
        load,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
