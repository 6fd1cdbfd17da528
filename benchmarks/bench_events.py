"""Benchmark: classic Swarm's events monitor (swarmnotes port) against raw docker-py.

Two measurements on one lab engine, printed side by side:

1. **Throughput.**  256 volume events fill the daemon's replay ring; their
   exact first and last ``timeNano`` fix a ``since``/``until`` range that ends
   by itself. The same range is replayed by
   * raw docker-py: ``for msg in api.events(since, until, decode=True)``;
   * the monitor: ``EventsMonitor(api, handler, since=, until=)``, from
     ``start(ec)`` until the end arrives on ``ec`` (every message through the
     decoder goroutine, the backlog and the consumer to a counting handler).
   Each round runs both readers back to back (alternating which goes first);
   the medians and the median of the per-round ratios are reported.
   Target: the monitor at >= 80 % of raw docker-py.

2. **Latency** from an API call returning to the handler seeing its event:
   volume create and remove, one at a time, with the monitor and a raw
   docker-py reader thread listening at once. Negative values are real:
   dockerd publishes the event before it writes the HTTP response.
   Target: p99 < 5 ms on an idle machine.

Usage (the lab must be up; nothing is left behind)::

    PYTHONPATH=src python benchmarks/bench_events.py [--rounds 9] [--replays 10] [--pairs 200] \
        [--json PATH]
"""

from __future__ import annotations

import argparse
import os
import statistics
import threading
import time
from typing import Any

import benchjson
import docker

from swarmnotes.go.chan import Chan, Recv, after, select
from swarmnotes.lab import LABEL, Lab
from swarmnotes.swarm.cluster import EventsMonitor, format_since


def fill_ring(api: docker.APIClient) -> tuple[str, str, int]:
    """Make 256 volume events; return the exact since/until of exactly those."""
    t0 = time.time_ns()
    for i in range(128):
        api.create_volume(name=f"bench-ring-{i}", labels=LABEL)
        api.remove_volume(f"bench-ring-{i}")
    t1 = time.time_ns()
    events = list(api.events(since=format_since(t0), until=format_since(t1), decode=True))
    events = [e for e in events if e["Actor"]["ID"].startswith("bench-ring-")]
    return format_since(events[0]["timeNano"]), format_since(events[-1]["timeNano"]), len(events)


def raw_round(api: docker.APIClient, since: str, until: str, replays: int) -> tuple[int, float]:
    n = 0
    start = time.perf_counter()
    for _ in range(replays):
        for _msg in api.events(since=since, until=until, decode=True):
            n += 1
    return n, time.perf_counter() - start


def monitor_round(api: docker.APIClient, since: str, until: str, replays: int) -> tuple[int, float]:
    count = [0]

    def handler(msg: dict[str, Any]) -> None:
        count[0] += 1

    start = time.perf_counter()
    for _ in range(replays):
        monitor = EventsMonitor(api, handler, since=since, until=until)
        ec = Chan(1)
        monitor.start(ec)
        i, err, _ = select(Recv(ec), Recv(after(60)))
        if i == 1 or err is not None:
            raise RuntimeError(f"monitor replay did not end cleanly: {err!r}")
    return count[0], time.perf_counter() - start


def throughput(api: docker.APIClient, rounds: int, replays: int) -> dict[str, Any]:
    since, until, n = fill_ring(api)
    raw_rates: list[float] = []
    mon_rates: list[float] = []
    for r in range(rounds):
        # alternate which goes first, so neither always gets the warmer cache
        order = [("raw", raw_round), ("monitor", monitor_round)]
        if r % 2:
            order.reverse()
        for name, fn in order:
            got, seconds = fn(api, since, until, replays)
            if got != n * replays:
                raise RuntimeError(f"{name}: {got} events, expected {n * replays}")
            (raw_rates if name == "raw" else mon_rates).append(got / seconds)
    # Load on a shared machine drifts: compare each round's pair, run back to back.
    ratios = [m / r for m, r in zip(mon_rates, raw_rates, strict=True)]
    return {
        "ratio": statistics.median(ratios),
        "events_per_replay": n,
        "events_per_round": n * replays,
        "raw": statistics.median(raw_rates),
        "monitor": statistics.median(mon_rates),
        "raw_all": raw_rates,
        "monitor_all": mon_rates,
    }


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def latency(api: docker.APIClient, base_url: str, pairs: int) -> dict[str, list[float]]:
    seen_monitor: dict[tuple[str, str], float] = {}
    seen_raw: dict[tuple[str, str], float] = {}

    def on_monitor(msg: dict[str, Any]) -> None:
        seen_monitor[(msg["Action"], msg["Actor"]["ID"])] = time.monotonic()

    filters = {"type": ["volume"]}
    monitor = EventsMonitor(api, on_monitor, filters=filters)
    ec = Chan(1)
    monitor.start(ec)

    raw_api = docker.APIClient(base_url=base_url)
    stream = raw_api.events(filters=filters, decode=True)

    def raw_reader() -> None:
        for msg in stream:
            seen_raw[(msg["Action"], msg["Actor"]["ID"])] = time.monotonic()

    reader = threading.Thread(target=raw_reader, daemon=True)
    reader.start()
    time.sleep(0.3)  # both subscribed

    returned: dict[tuple[str, str], float] = {}
    for i in range(pairs):
        name = f"bench-lat-{i}"
        api.create_volume(name=name, labels=LABEL)
        returned[("create", name)] = time.monotonic()
        time.sleep(0.002)
        api.remove_volume(name)
        returned[("destroy", name)] = time.monotonic()
        time.sleep(0.002)

    deadline = time.monotonic() + 10
    while (len(seen_monitor) < len(returned) or len(seen_raw) < len(returned)) and (
        time.monotonic() < deadline
    ):
        time.sleep(0.01)
    monitor.stop()
    select(Recv(ec), Recv(after(5)))
    stream.close()
    reader.join(5)
    raw_api.close()
    out: dict[str, list[float]] = {"monitor": [], "raw": []}
    for k, t in returned.items():
        out["monitor"].append((seen_monitor[k] - t) * 1000)
        out["raw"].append((seen_raw[k] - t) * 1000)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--replays", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers here (benchjson.py)")
    args = parser.parse_args()
    load = benchjson.load_before()

    lab = Lab.up(engines=3)
    engine = lab.engine(1)
    with engine.api_client() as api:
        info = api.info()
        version = api.version()
        print(
            f"engine: {engine.name}, dockerd {version['Version']} (API {version['ApiVersion']}), "
            f"{info['NCPU']} CPUs; docker-py {docker.__version__}; "
            f"load average {os.getloadavg()[0]:.2f}"
        )
        tp = throughput(api, args.rounds, args.replays)
        lat = latency(api, engine.base_url, args.pairs)
        print(f"load average after: {os.getloadavg()[0]:.2f}")

    ratio = tp["ratio"]
    print()
    print(
        f"Throughput: the same {tp['events_per_replay']}-event since/until range replayed "
        f"{args.replays} times per round, {args.rounds} rounds, median round"
    )
    print()
    print("| reader | events/s (median) | min..max over rounds |")
    print("|---|---|---|")
    print(
        f"| raw docker-py `events(since, until, decode=True)` | {tp['raw']:,.0f} | "
        f"{min(tp['raw_all']):,.0f}..{max(tp['raw_all']):,.0f} |"
    )
    print(
        f"| swarmnotes `EventsMonitor` to a handler | {tp['monitor']:,.0f} | "
        f"{min(tp['monitor_all']):,.0f}..{max(tp['monitor_all']):,.0f} |"
    )
    print(
        f"| monitor / raw, median of the rounds' ratios | {ratio:.0%} (target >= 80%) | "
        f"{min(m / r for m, r in zip(tp['monitor_all'], tp['raw_all'], strict=True)):.0%}.."
        f"{max(m / r for m, r in zip(tp['monitor_all'], tp['raw_all'], strict=True)):.0%} |"
    )
    print()
    print(
        f"Latency: API call returned -> event seen, {len(lat['monitor'])} volume "
        "create/remove calls, ms"
    )
    print()
    print("| listener | p50 | p99 | min | max |")
    print("|---|---|---|---|---|")
    for name, label in (
        ("monitor", "swarmnotes `EventsMonitor` handler"),
        ("raw", "raw docker-py reader thread"),
    ):
        values = lat[name]
        print(
            f"| {label} | {percentile(values, 50):.2f} | {percentile(values, 99):.2f} | "
            f"{min(values):.2f} | {max(values):.2f} |"
        )
    p99 = percentile(lat["monitor"], 99)
    print()
    print(
        f"targets: throughput {'met' if ratio >= 0.8 else 'MISSED'}, "
        f"p99 < 5 ms {'met' if p99 < 5 else 'MISSED'}"
    )
    benchjson.write(
        args.json,
        {
            "engine": engine.name,
            "engine_version": version["Version"],
            "api_version": version["ApiVersion"],
            "docker_py": docker.__version__,
            "rounds": args.rounds,
            "replays": args.replays,
            "pairs": args.pairs,
            "throughput": tp,
            "latency_ms": {
                name: {
                    "p50": percentile(v, 50),
                    "p99": percentile(v, 99),
                    "min": min(v),
                    "max": max(v),
                    "samples": v,
                }
                for name, v in lat.items()
            },
        },
        load,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
