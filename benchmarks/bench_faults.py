"""Benchmark: time from a call to its clear error, per entry point and bad endpoint.

Every entry point that talks to a Docker engine (swarmd, the SwarmKit Node,
classic Swarm's Engine and Cluster, the EventsMonitor's stream, the lab's
clients, the external engine through DOCKER_HOST) is pointed at five bad
endpoints on 127.0.0.1 (no lab needed; they are bad_endpoints.py, which the
fault suite in tests/faults uses too):

* ``missing``: a unix socket path that does not exist;
* ``closed``: a port nobody listens on;
* ``silent``: a server that accepts and never answers;
* ``garbage``: an HTTP server that is not the Docker API (200, HTML);
* ``not-http``: a server that answers with something that is not HTTP.

Each cell is the median time, over ``--repeats`` calls, from the call to the
error with its one sentence (the script checks the sentence names the
endpoint). Every entry point gets the same bound, ``--bound`` seconds (the
default 10 s is classic Swarm's requestTimeout and the package's
``dockerapi.REQUEST_TIMEOUT``): the silent column is that bound plus what it
takes to notice; every other column should be milliseconds.

Usage::

    .venv/bin/python benchmarks/bench_faults.py [--bound 10] [--repeats 5] [--json PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import benchjson
from bad_endpoints import ENDPOINTS, bad_endpoint

from swarmnotes import dockerapi
from swarmnotes.go.chan import Chan, Recv, after, select
from swarmnotes.go.context import background, with_cancel, with_timeout
from swarmnotes.lab.engine import bounded_api_client, bounded_client
from swarmnotes.lab.external import single_engine
from swarmnotes.swarm.cluster import Cluster, Engine, EventsMonitor
from swarmnotes.swarm.scheduler import Scheduler
from swarmnotes.swarm.scheduler.strategy import SpreadPlacementStrategy
from swarmnotes.swarmkit import swarmd
from swarmnotes.swarmkit.node import Node, NodeConfig

# -- the entry points: each returns the error's text ------------------------------


def via_swarmd(url: str, bound: float, tmp: str) -> str:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        rc = swarmd.main(
            [
                "--engine-addr",
                url,
                "-d",
                os.path.join(tmp, "swarmd"),
                "--listen-remote-api",
                "127.0.0.1:4242",
                "--engine-timeout",
                str(bound),
            ]
        )
    assert rc == 1
    return err.getvalue()


def via_node(url: str, bound: float, tmp: str) -> str:
    executor = dockerapi.docker_client(url, timeout=bound)
    node = Node(
        NodeConfig(
            state_dir=os.path.join(tmp, "node"),
            executor=executor,
            listen_remote_api="127.0.0.1:4242",
        )
    )
    ctx, cancel = with_cancel(background())
    wait, stop_waiting = with_timeout(background(), bound + 30)
    try:
        node.start(ctx)
        return str(node.err(wait))
    finally:
        stop_waiting()
        cancel()
        executor.close()


def via_engine(url: str, bound: float, tmp: str) -> str:
    engine = Engine(url)
    engine.request_timeout = bound
    try:
        engine.connect()
    except Exception as exc:
        return str(exc)
    finally:
        engine.disconnect()
    raise AssertionError("connected to a bad endpoint")


def via_cluster(url: str, bound: float, tmp: str) -> str:
    Engine.request_timeout = bound  # the class default, which Cluster's engines use
    try:
        Cluster(Scheduler(SpreadPlacementStrategy(), [])).add_engine(url)
    except Exception as exc:
        return str(exc)
    finally:
        Engine.request_timeout = dockerapi.REQUEST_TIMEOUT
    raise AssertionError("added a bad endpoint")


def via_events(url: str, bound: float, tmp: str) -> str:
    api = dockerapi.api_client(url, timeout=bound)
    try:
        ec = Chan()
        EventsMonitor(api, lambda msg: None).start(ec)
        index, err, _ = select(Recv(ec), Recv(after(bound + 30)))
        assert index == 0
        return str(err)
    finally:
        api.close()


def via_lab(make: Callable[..., Any]) -> Callable[[str, float, str], str]:
    """The lab's client factory ``make`` (it asks the engine for its API version)."""

    def call(url: str, bound: float, tmp: str) -> str:
        try:
            make(url, timeout=bound).close()
        except Exception as exc:
            return str(exc)
        raise AssertionError("a client for a bad endpoint")

    return call


def via_docker_host(url: str, bound: float, tmp: str) -> str:
    saved = {k: os.environ.get(k) for k in ("DOCKER_HOST", "SWARMNOTES_DOCKER_HOST")}
    os.environ["DOCKER_HOST"] = url
    os.environ.pop("SWARMNOTES_DOCKER_HOST", None)
    try:
        single_engine(timeout=bound)
    except Exception as exc:
        return str(exc)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    raise AssertionError("a chapter engine at a bad endpoint")


ENTRY_POINTS: list[tuple[str, Callable[[str, float, str], str]]] = [
    ("swarmd (in-process main)", via_swarmd),
    ("SwarmKit Node: start to err", via_node),
    ("classic Engine.connect", via_engine),
    ("classic Cluster.add_engine", via_cluster),
    ("EventsMonitor.start to ec", via_events),
    ("lab engine.client()", via_lab(bounded_client)),
    ("lab engine.api_client()", via_lab(bounded_api_client)),
    ("DOCKER_HOST single_engine()", via_docker_host),
]


def measure(bound: float, repeats: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-faults-") as tmp:
        for name, call in ENTRY_POINTS:
            results[name] = {}
            for kind in ENDPOINTS:
                times = []
                for _ in range(repeats if kind != "silent" else 1):
                    with bad_endpoint(kind, tmp) as url:
                        start = time.perf_counter()
                        text = call(url, bound, tmp)
                        times.append(time.perf_counter() - start)
                    assert url in text, f"{name}, {kind}: the error does not name {url}: {text}"
                results[name][kind] = statistics.median(times)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--bound",
        type=float,
        default=dockerapi.REQUEST_TIMEOUT,
        help="seconds given to every entry point (default: %(default)s)",
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=5,
        help="calls per fast cell; the silent column runs once (default 5)",
    )
    parser.add_argument("--json", metavar="PATH", help="also write the numbers here (benchjson.py)")
    args = parser.parse_args()
    load = benchjson.load_before()
    results = measure(args.bound, args.repeats)
    print(
        f"Time from the call to its one-sentence error, median of {args.repeats} calls "
        f"(silent: one call); every entry point bounded at {args.bound:g} s."
    )
    print()
    print("| entry point | " + " | ".join(ENDPOINTS) + " |")
    print("|---|" + "---|" * len(ENDPOINTS))
    for name, row in results.items():
        cells = []
        for kind in ENDPOINTS:
            seconds = row[kind]
            cells.append(f"{seconds:.2f} s" if seconds >= 1 else f"{seconds * 1000:.1f} ms")
        print(f"| {name} | " + " | ".join(cells) + " |")
    print()
    print(f"load average before: {load[0]:.2f}, after: {os.getloadavg()[0]:.2f}")
    benchjson.write(
        args.json, {"bound": args.bound, "repeats": args.repeats, "seconds": results}, load
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
