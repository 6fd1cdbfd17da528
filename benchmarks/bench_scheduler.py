"""Benchmark: Scheduler.select_nodes_for_container with the six default filters.

N in {10, 100, 1000} nodes with 20 containers each. The container to place
carries a constraint (``region==us-*``), an affinity
(``container!=frontend*``), a published port (8080) and a memory/CPU request,
so every filter and the strategy do real work. Prints milliseconds per call
for spread and binpack.

Swarm v1.2.5 itself (Go 1.19) takes about 2.9 ms, 27 ms and 350 ms per call on
this kind of machine: its affinity filter recompiles the glob's regexp for
every container name. The port compiles each pattern once per ``match`` call
(Python's ``re`` cache then makes later compiles a dictionary lookup).

Run:  PYTHONPATH=src python benchmarks/bench_scheduler.py [--min-time 1.0] [--json PATH]
"""

from __future__ import annotations

import argparse
import statistics
import time

import benchjson

from swarmnotes.swarm.cluster import Container, Image
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler import Scheduler, filter, strategy
from swarmnotes.swarm.scheduler.node import Node

MiB = 1 << 20
GiB = 1 << 30
REGIONS = ["us-east", "us-west", "eu-west", "ap-south"]
CONTAINERS_PER_NODE = 20


def make_nodes(n: int) -> list[Node]:
    """N healthy nodes, 8 GiB / 8 CPUs each, with 20 containers publishing ports.

    Every 10th node runs a "frontend" container (the affinity excludes it)
    and every 7th already publishes 8080 (the port filter excludes it).
    """
    nodes: list[Node] = []
    for i in range(n):
        node = Node(
            id=f"node-{i}-id",
            name=f"node-{i}",
            addr=f"10.0.{i // 250}.{i % 250}:2375",
            labels={"region": REGIONS[i % len(REGIONS)], "storage": "ssd" if i % 2 else "hdd"},
            total_memory=8 * GiB,
            total_cpus=8,
            health_indicator=100,
            images=[Image(id=f"sha256:{i:064x}", repo_tags=["swarmnotes/busybox:latest"])],
        )
        for j in range(CONTAINERS_PER_NODE):
            name = "frontend" if (j == 0 and i % 10 == 0) else f"app-{i}-{j}"
            host_port = "8080" if (j == 1 and i % 7 == 0) else str(10000 + j)
            bindings = {"80/tcp": [{"HostIp": "", "HostPort": host_port}]}
            config = build_container_config(
                {"Image": "swarmnotes/busybox", "Labels": {"tier": "app"}},
                {"Memory": 64 * MiB, "CpuShares": 0, "PortBindings": bindings},
            )
            node.add_container(
                Container(
                    id=f"{i:08x}{j:056x}",
                    names=["/" + name],
                    labels={"tier": "app"},
                    config=config,
                    info={
                        "HostConfig": {"PortBindings": bindings},
                        "NetworkSettings": {
                            "Ports": {"80/tcp": [{"HostIp": "0.0.0.0", "HostPort": host_port}]}
                        },
                    },
                )
            )
        nodes.append(node)
    return nodes


def make_config() -> ContainerConfig:
    return build_container_config(
        {
            "Image": "swarmnotes/busybox",
            "Env": ["constraint:region==us-*", "affinity:container!=frontend*"],
            "ExposedPorts": {"8080/tcp": {}},
        },
        {
            "PortBindings": {"8080/tcp": [{"HostIp": "", "HostPort": "8080"}]},
            "Memory": 256 * MiB,
            "CpuShares": 1,
        },
    )


def time_per_call(
    scheduler: Scheduler, nodes: list[Node], config: ContainerConfig, min_time: float
) -> tuple[float, float]:
    """(best, median) milliseconds per call, calling for at least min_time seconds.

    The best time is what the code costs on a quiet machine; the median shows
    how much a busy one (the 2 shared cores this was measured on) adds.
    """
    # Warm up, and check the answer is sane.
    chosen = scheduler.select_nodes_for_container(nodes, config)
    assert chosen and chosen[0].labels["region"].startswith("us-")
    samples: list[float] = []
    deadline = time.perf_counter() + min_time
    while time.perf_counter() < deadline or len(samples) < 5:
        start = time.perf_counter()
        scheduler.select_nodes_for_container(nodes, config)
        samples.append((time.perf_counter() - start) * 1000)
    return min(samples), statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-time", type=float, default=1.0, help="seconds per measurement")
    parser.add_argument("--sizes", default="10,100,1000")
    parser.add_argument("--json", metavar="PATH", help="also write the numbers here (benchjson.py)")
    args = parser.parse_args(argv)
    load = benchjson.load_before()
    rows = []

    config = make_config()
    sizes = [int(s) for s in args.sizes.split(",")]
    print("ms per select_nodes_for_container call (six filters): best / median;")
    print("cold = the first call on new containers (the port filter decodes their ports)")
    print(f"{'N':>6} {'spread':>17} {'binpack':>17} {'cold':>7} {'accepted':>9}")
    for n in sizes:
        nodes = make_nodes(n)
        s = Scheduler(strategy.new("spread"), filter.new(filter.list()))
        start = time.perf_counter()
        accepted = len(s.select_nodes_for_container(nodes, config))
        cold = (time.perf_counter() - start) * 1000
        cells = []
        row: dict[str, float] = {"n": n, "cold_ms": cold, "accepted": accepted}
        for name in ("spread", "binpack"):
            s = Scheduler(strategy.new(name), filter.new(filter.list()))
            best, median = time_per_call(s, nodes, config, args.min_time)
            cells.append(f"{best:7.2f} / {median:7.2f}")
            row[f"{name}_best_ms"], row[f"{name}_median_ms"] = best, median
        print(f"{n:>6} {cells[0]:>17} {cells[1]:>17} {cold:>7.2f} {accepted:>9}")
        rows.append(row)
    benchjson.write(
        args.json,
        {"min_time_s": args.min_time, "containers_per_node": CONTAINERS_PER_NODE, "rows": rows},
        load,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
