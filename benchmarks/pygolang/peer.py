"""pygolang's channels in bench_chan's and bench_pipeline's shapes, as one peer.

    .venv-pygolang/bin/python benchmarks/pygolang/peer.py [--repeats 5] [--n 100000]

Run with an interpreter that has pygolang (``tools/run-benchmarks.sh`` builds
one from its PyPI package in ``.venv-pygolang``); bench_chan.py and
bench_pipeline.py start it as they start the Go peer and read the JSON it
prints:

* ``pingpong_rt_per_s``: two threads bounce a value over two unbuffered
  ``chan()``s (median of --repeats);
* ``buffered_items_per_s``: one producer, one consumer on ``chan(128)``
  (median);
* ``pipeline_items_per_s`` / ``pipeline_median_items_per_s``: the Go blog's
  gen -> 2 x sq -> merge with ``done`` (``sqdone3.go``), each send a
  ``select`` against ``done``, over --n ints (best and median of --repeats).

It imports nothing from swarmnotes: it runs in pygolang's own venv.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

from golang import chan, go, select, sync

PINGPONG_N = 20_000
BUFFERED_N = 200_000


def pingpong(n: int = PINGPONG_N) -> float:
    a, b = chan(), chan()
    done = chan()

    def echo() -> None:
        for _ in range(n):
            a.send(b.recv())
        done.close()

    go(echo)
    start = time.perf_counter()
    for i in range(n):
        b.send(i)
        a.recv()
    elapsed = time.perf_counter() - start
    done.recv()
    return n / elapsed


def buffered(n: int = BUFFERED_N) -> float:
    c = chan(128)
    stop = object()

    def producer() -> None:
        for i in range(n):
            c.send(i)
        c.send(stop)

    go(producer)
    start = time.perf_counter()
    recv = c.recv
    while recv() is not stop:
        pass
    return n / (time.perf_counter() - start)


def pipeline(n: int) -> float:
    """sqdone3.go: gen -> 2 x sq -> merge, every send a select against done."""
    start = time.perf_counter()
    done = chan()

    def gen(nums: range) -> chan:
        out = chan(len(nums))  # sqdone3.go's gen: buffered, no goroutine
        for x in nums:
            out.send(x)
        out.close()
        return out

    def sq(inbound: chan) -> chan:
        out = chan()

        def run() -> None:
            try:
                while True:
                    v, ok = inbound.recv_()
                    if not ok:
                        return
                    index, _ = select((out.send, v * v), done.recv)
                    if index == 1:
                        return
            finally:
                out.close()

        go(run)
        return out

    def merge(*cs: chan) -> chan:
        out = chan()
        wg = sync.WaitGroup()

        def output(c: chan) -> None:
            try:
                while True:
                    v, ok = c.recv_()
                    if not ok:
                        return
                    index, _ = select((out.send, v), done.recv)
                    if index == 1:
                        return
            finally:
                wg.done()

        wg.add(len(cs))
        for c in cs:
            go(output, c)

        def close_when_done() -> None:
            wg.wait()
            out.close()

        go(close_when_done)
        return out

    inbound = gen(range(n))
    out = merge(sq(inbound), sq(inbound))
    count = 0
    while True:
        _, ok = out.recv_()
        if not ok:
            break
        count += 1
    done.close()
    assert count == n
    return n / (time.perf_counter() - start)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5)
    ap.add_argument("--n", type=int, default=100_000, help="ints through the pipeline")
    ap.add_argument("--only", choices=["chan", "pipeline"], help="run one part")
    args = ap.parse_args(argv)
    import golang

    out: dict[str, object] = {"pygolang": getattr(golang, "__version__", "?")}
    if args.only in (None, "chan"):
        out["pingpong_rt_per_s"] = statistics.median(pingpong() for _ in range(args.repeats))
        out["buffered_items_per_s"] = statistics.median(buffered() for _ in range(args.repeats))
    if args.only in (None, "pipeline"):
        runs = [pipeline(args.n) for _ in range(args.repeats)]
        out["pipeline_items_per_s"] = max(runs)
        out["pipeline_median_items_per_s"] = statistics.median(runs)
    json.dump(out, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
