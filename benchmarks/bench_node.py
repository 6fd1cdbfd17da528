"""How long the Node's lifecycle takes on real engines, beside swarm mode driven directly.

    PYTHONPATH=src .venv/bin/python benchmarks/bench_node.py [--reps 5] [--dead-reps 3] \
        [--json PATH]

Needs the lab (3 engines; started if not up, left up). Measures, per rep:

* Node (swarmnotes.swarmkit.node): manager start() to ready() closed on lab-1,
  worker start() to ready() on lab-2, stop() of each (the leave included);
* docker-py: ``swarm.init`` and ``swarm.join`` until the call returns (the
  engine answers once its node is ready), ``swarm.leave(force=True)``;
* docker CLI: ``docker -H unix://... swarm init / join / leave --force``,
  one process each (process start and API negotiation included);
* a dead engine: SIGKILL lab-3's dockerd under a ready worker Node, then the
  time until ``node.err`` returns (heartbeat_tick 1 s, election_tick 3), and
  beside it the time until the manager itself marks the node ``down``.

Prints a markdown table of median (min-max) seconds; ``--json PATH`` writes
the raw samples there (tools/run-benchmarks.sh: benchmarks/results/bench_node.json).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

import benchjson
import docker

from swarmnotes.go.chan import Recv, after, select
from swarmnotes.go.context import background, with_timeout
from swarmnotes.lab import Lab, LabEngine
from swarmnotes.swarmkit.node import Node, NodeConfig

DOCKER = "/usr/local/bin/docker"
BOUND = 60.0


def leave_all(lab: Lab) -> None:
    for engine in reversed(lab.engines):
        with engine.client() as c:
            if c.info()["Swarm"]["LocalNodeState"] != "inactive":
                c.swarm.leave(force=True)


def wait_ready(node: Node) -> None:
    index, _, _ = select(Recv(node.ready()), Recv(after(BOUND)))
    if index != 0:
        raise RuntimeError(f"not ready within {BOUND}s: {node!r} {node.err(background())!r}")


def stop(node: Node) -> float:
    t = time.monotonic()
    node.stop(with_timeout(background(), BOUND)[0])
    return time.monotonic() - t


def addr(engine: LabEngine) -> str:
    return f"{engine.address}:2377"


def bench_node(lab: Lab, reps: int, samples: dict[str, list[float]]) -> None:
    e1, e2 = lab.engine(1), lab.engine(2)
    c1, c2 = e1.client(), e2.client()
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as d:
            m = Node(
                NodeConfig(
                    hostname=e1.name, listen_remote_api=addr(e1), state_dir=f"{d}/m", executor=c1
                )
            )
            t = time.monotonic()
            m.start(background())
            wait_ready(m)
            samples["node: manager start to ready"].append(time.monotonic() - t)
            c1.swarm.reload()
            token = c1.swarm.attrs["JoinTokens"]["Worker"]
            w = Node(
                NodeConfig(
                    hostname=e2.name,
                    listen_remote_api=addr(e2),
                    join_addr=addr(e1),
                    join_token=token,
                    state_dir=f"{d}/w",
                    executor=c2,
                )
            )
            t = time.monotonic()
            w.start(background())
            wait_ready(w)
            samples["node: worker start to ready"].append(time.monotonic() - t)
            samples["node: worker stop"].append(stop(w))
            samples["node: manager stop"].append(stop(m))


def bench_docker_py(lab: Lab, reps: int, samples: dict[str, list[float]]) -> None:
    e1, e2 = lab.engine(1), lab.engine(2)
    c1, c2 = e1.client(), e2.client()
    for _ in range(reps):
        t = time.monotonic()
        c1.swarm.init(
            listen_addr=addr(e1), advertise_addr=addr(e1), heartbeat_tick=1, election_tick=3
        )
        samples["docker-py: swarm.init"].append(time.monotonic() - t)
        token = c1.swarm.attrs["JoinTokens"]["Worker"]
        t = time.monotonic()
        c2.swarm.join(
            remote_addrs=[addr(e1)], join_token=token, listen_addr=addr(e2), advertise_addr=addr(e2)
        )
        samples["docker-py: swarm.join (worker)"].append(time.monotonic() - t)
        t = time.monotonic()
        c2.swarm.leave(force=True)
        samples["docker-py: swarm.leave (worker)"].append(time.monotonic() - t)
        t = time.monotonic()
        c1.swarm.leave(force=True)
        samples["docker-py: swarm.leave (manager)"].append(time.monotonic() - t)


def cli(engine: LabEngine, *args: str) -> tuple[float, str]:
    t = time.monotonic()
    out = subprocess.run(
        [DOCKER, "-H", engine.base_url, *args],
        check=True,
        timeout=BOUND,
        capture_output=True,
        text=True,
    ).stdout
    return time.monotonic() - t, out


def bench_cli(lab: Lab, reps: int, samples: dict[str, list[float]]) -> None:
    e1, e2 = lab.engine(1), lab.engine(2)
    for _ in range(reps):
        took, _ = cli(e1, "swarm", "init", "--listen-addr", addr(e1), "--advertise-addr", addr(e1))
        samples["docker CLI: swarm init"].append(took)
        _, token = cli(e1, "swarm", "join-token", "-q", "worker")
        took, _ = cli(
            e2,
            "swarm",
            "join",
            "--token",
            token.strip(),
            "--listen-addr",
            addr(e2),
            "--advertise-addr",
            addr(e2),
            addr(e1),
        )
        samples["docker CLI: swarm join (worker)"].append(took)
        took, _ = cli(e2, "swarm", "leave", "--force")
        samples["docker CLI: swarm leave (worker)"].append(took)
        took, _ = cli(e1, "swarm", "leave", "--force")
        samples["docker CLI: swarm leave (manager)"].append(took)


def bench_dead_engine(lab: Lab, reps: int, samples: dict[str, list[float]]) -> None:
    e1, e3 = lab.engine(1), lab.engine(3)
    c1 = e1.client()
    for _ in range(reps):
        with tempfile.TemporaryDirectory() as d:
            m = Node(NodeConfig(listen_remote_api=addr(e1), state_dir=f"{d}/m", executor=c1))
            m.start(background())
            wait_ready(m)
            c1.swarm.reload()
            token = c1.swarm.attrs["JoinTokens"]["Worker"]
            c3 = e3.client()
            w = Node(
                NodeConfig(
                    listen_remote_api=addr(e3),
                    join_addr=addr(e1),
                    join_token=token,
                    state_dir=f"{d}/w",
                    executor=c3,
                )
            )
            w.start(background())
            wait_ready(w)
            node_id = w.node_id()
            lab.kill_engine(3)
            t = time.monotonic()
            err = w.err(with_timeout(background(), BOUND)[0])
            samples["node: dead engine detected (err returns)"].append(time.monotonic() - t)
            assert err is not None, "the node should close with an error"
            # The manager's own view: the dispatcher marks the node down once
            # its session heartbeats stop (period 5 s, with a grace factor).
            while time.monotonic() - t < BOUND:
                if c1.nodes.get(node_id).attrs["Status"]["State"] == "down":
                    samples["manager: node marked down"].append(time.monotonic() - t)
                    break
                time.sleep(0.1)
            lab.start_engine(3)
            c3.close()
            stop(m)
            leave_all(lab)


def summary(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})" if values else "-"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--dead-reps", type=int, default=3)
    parser.add_argument("--json", metavar="PATH", help="also write the numbers here (benchjson.py)")
    args = parser.parse_args(argv)
    load = benchjson.load_before()
    lab = Lab.up(engines=3)
    leave_all(lab)
    samples: dict[str, list[float]] = {}
    keys = [
        "node: manager start to ready",
        "docker-py: swarm.init",
        "docker CLI: swarm init",
        "node: worker start to ready",
        "docker-py: swarm.join (worker)",
        "docker CLI: swarm join (worker)",
        "node: worker stop",
        "docker-py: swarm.leave (worker)",
        "docker CLI: swarm leave (worker)",
        "node: manager stop",
        "docker-py: swarm.leave (manager)",
        "docker CLI: swarm leave (manager)",
        "node: dead engine detected (err returns)",
        "manager: node marked down",
    ]
    for k in keys:
        samples[k] = []
    try:
        # Interleave the drivers rep by rep, so machine load hits them alike.
        for _ in range(args.reps):
            bench_node(lab, 1, samples)
            bench_docker_py(lab, 1, samples)
            bench_cli(lab, 1, samples)
        bench_dead_engine(lab, args.dead_reps, samples)
    finally:
        for engine in lab.engines:
            if engine.state() != "running":
                lab.start_engine(engine.index)
        leave_all(lab)
    with lab.engine(1).client() as c:
        version = c.version()
    print(
        f"dockerd {version['Version']} (API {version['ApiVersion']}), docker-py "
        f"{docker.__version__}, Python {sys.version.split()[0]}; "
        f"{args.reps} reps ({args.dead_reps} for the dead engine); seconds, median (min-max)\n"
    )
    print("| measure | seconds |\n|---|---|")
    for k in keys:
        print(f"| {k} | {summary(samples[k])} |")
    benchjson.write(
        args.json,
        {
            "engine_version": version["Version"],
            "api_version": version["ApiVersion"],
            "docker_py": docker.__version__,
            "reps": args.reps,
            "dead_reps": args.dead_reps,
            "keys": keys,
            "samples_s": samples,
        },
        load,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
