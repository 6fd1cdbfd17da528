"""``docker run -d`` through ``swarmnotes manage`` against the same command straight to one engine.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_manage.py [--runs 40] [--json PATH]

Needs the lab (3 engines; started if not up, left up). The manager runs in
this process (``swarmnotes.swarm.cli.Manager``, spread, the six default
filters, over the three engines) on a unix socket; every sample is one
``docker -H ... run -d --label io.swarmnotes=1 IMAGE true`` process of
Debian's docker CLI, run alternately through the manager and straight to
lab-1's socket, so machine load hits both columns alike. Reported:

* containers/s (runs / the column's summed wall time) and p50/p99 latency
  of one ``docker run -d`` process, per column;
* the scheduling decision inside the manager, per create: the cluster's
  node snapshot (``Cluster.list_nodes``) plus
  ``Scheduler.select_nodes_for_container``, timed by wrapping both on the
  running manager; its share of the through-the-manager latency.

Every container made is removed at the end (from every engine).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import benchjson

from swarmnotes.lab import Lab, remove_labelled
from swarmnotes.swarm.cli import Manager, parse_manage_args
from swarmnotes.swarm.cli.run import DOCKER, docker

IMAGE = "swarmnotes/busybox:latest"


def percentile(samples: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    ordered = sorted(samples)
    rank = max(1, round(q / 100 * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def run_d(host: str) -> float:
    t = time.perf_counter()
    result = docker(host, "run", "-d", "--label", "io.swarmnotes=1", IMAGE, "true", timeout=120)
    elapsed = time.perf_counter() - t
    if result.returncode != 0:
        raise RuntimeError(f"docker run -d via {host} failed: {result.stderr.strip()}")
    return elapsed


class Timed:
    """Wrap a bound method; keep how long each call took."""

    def __init__(self, fn: Any) -> None:
        self.fn = fn
        self.samples: list[float] = []

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return self.fn(*args, **kwargs)
        finally:
            self.samples.append(time.perf_counter() - t)


def clean(lab: Lab) -> None:
    for engine in lab.engines:
        with engine.client() as client:
            remove_labelled(client)


def main() -> int:
    load = benchjson.load_before()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=40, help="docker run -d per column")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers here (benchjson.py)")
    args = parser.parse_args()
    if args.runs < 2:
        parser.error("--runs must be at least 2")

    lab = Lab.up(engines=3)
    clean(lab)
    sock_dir = tempfile.mkdtemp(prefix="swn-b-")
    sock = Path(sock_dir) / "manage.sock"
    nodes = ",".join(e.base_url for e in lab.engines)
    manager = Manager(parse_manage_args(["-H", f"unix://{sock}", f"nodes://{nodes}"]))
    manager.start()
    list_nodes = Timed(manager.cluster.list_nodes)
    select = Timed(manager.scheduler.select_nodes_for_container)
    manager.cluster.list_nodes = list_nodes  # type: ignore[method-assign]
    manager.scheduler.select_nodes_for_container = select  # type: ignore[method-assign]
    direct_host = lab.engine(1).base_url
    via: list[float] = []
    direct: list[float] = []
    try:
        # One warm-up each (page cache, first connections), not counted.
        run_d(manager.urls[0])
        run_d(direct_host)
        list_nodes.samples.clear()
        select.samples.clear()
        for _ in range(args.runs):
            via.append(run_d(manager.urls[0]))
            direct.append(run_d(direct_host))
    finally:
        manager.stop()
        shutil.rmtree(sock_dir, ignore_errors=True)
        clean(lab)

    # list_nodes is also called by nothing else during a create: one call each.
    decisions = [a + b for a, b in zip(list_nodes.samples, select.samples, strict=False)]
    rows = []
    for name, samples in (("through swarmnotes manage", via), ("straight to lab-1", direct)):
        rows.append(
            {
                "column": name,
                "containers_per_s": len(samples) / sum(samples),
                "p50_ms": percentile(samples, 50) * 1000,
                "p99_ms": percentile(samples, 99) * 1000,
            }
        )
    decision_ms = statistics.mean(decisions) * 1000
    share = statistics.mean(decisions) / statistics.mean(via)
    overhead_ms = (statistics.median(via) - statistics.median(direct)) * 1000

    print(
        f"docker run -d ({DOCKER}), {args.runs} runs per column, 3 engines, spread, "
        "six default filters"
    )
    print()
    print("| column | containers/s | p50 ms | p99 ms |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['column']} | {row['containers_per_s']:.2f} | {row['p50_ms']:.0f} | "
            f"{row['p99_ms']:.0f} |"
        )
    print()
    print(f"manager's extra time per docker run -d (p50 difference): {overhead_ms:.0f} ms")
    print(
        f"scheduling decision (list_nodes + select_nodes_for_container), mean over "
        f"{len(decisions)} creates: {decision_ms:.2f} ms "
        f"(p99 {percentile(decisions, 99) * 1000:.2f} ms), "
        f"{share * 100:.2f} % of a docker run -d through the manager"
    )
    benchjson.write(
        args.json,
        {
            "runs": args.runs,
            "columns": rows,
            "via_samples_s": via,
            "direct_samples_s": direct,
            "decision_samples_s": decisions,
            "decision_mean_ms": decision_ms,
            "decision_share": share,
            "overhead_p50_ms": overhead_ms,
        },
        load,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
