"""Tables, plots and one-line readings of the committed benchmark results.

The performance appendix (notebooks/13-performance) is built from these
functions; they read ``benchmarks/results/bench_*.json`` (see benchjson.py)
and measure nothing.

    runs = report.load_all()
    report.show(report.chan_table(runs["bench_chan"]))
    report.chan_figure(runs["bench_chan"])

Rows are looked up by **row id**, never by the text a benchmark prints for
people, so that a benchmark can reword a row without breaking the page. A
row that carries an ``"id"`` uses it; result files written before the
benchmarks had ids are matched through ``LEGACY_IDS``, the one place that
knows their display names. Every sentence of interpretation is computed from
the numbers it reads (ratios, orderings), so it stays true when the
benchmarks are re-run and give other numbers.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
NAMES = ("bench_chan", "bench_scheduler", "bench_events", "bench_node", "bench_pipeline")

Run = dict[str, Any]
Row = dict[str, Any]

# Display name -> row id, for result files whose rows have no "id" yet.
LEGACY_IDS: dict[str, dict[str, str]] = {
    "bench_chan": {
        "unbuffered ping-pong (round trips/s)": "pingpong",
        "same, gomaxprocs(1) (round trips/s)": "pingpong_one_cpu",
        "buffered cap 128 (items/s)": "buffered",
        "same, gomaxprocs(1) (items/s)": "buffered_one_cpu",
        "cancel 10,000-descendant tree, lazy done (ms)": "tree_lazy",
        "cancel 10,000-descendant tree, every done (ms)": "tree_every",
    },
    "bench_pipeline": {
        "swarmnotes, with done": "done",
        "swarmnotes, with done, gomaxprocs(1)": "done_one_cpu",
        "swarmnotes, without done": "no_done",
        "queue.Queue, without done": "queue",
        "queue.Queue, without done, one CPU": "queue_one_cpu",
        "swarmnotes, done, buffers 64": "done_buffered",
        "Go (go run), with done": "go",
        "md5sum (coreutils)": "md5sum",
        "md5_all bounded": "bounded",
        "md5_all parallel": "parallel",
        "md5_all serial": "serial",
        "md5_all bounded, gomaxprocs(1)": "bounded_one_cpu",
        "md5_all parallel, gomaxprocs(1)": "parallel_one_cpu",
    },
    "bench_node": {
        "node: manager start to ready": "node_manager_up",
        "docker-py: swarm.init": "py_manager_up",
        "docker CLI: swarm init": "cli_manager_up",
        "node: worker start to ready": "node_worker_up",
        "docker-py: swarm.join (worker)": "py_worker_up",
        "docker CLI: swarm join (worker)": "cli_worker_up",
        "node: worker stop": "node_worker_stop",
        "docker-py: swarm.leave (worker)": "py_worker_stop",
        "docker CLI: swarm leave (worker)": "cli_worker_stop",
        "node: manager stop": "node_manager_stop",
        "docker-py: swarm.leave (manager)": "py_manager_stop",
        "docker CLI: swarm leave (manager)": "cli_manager_stop",
        "node: dead engine detected (err returns)": "node_dead_detected",
        "manager: node marked down": "manager_marks_down",
    },
}


# -- reading -----------------------------------------------------------------------------


def load(name: str, results: Path = RESULTS) -> Run | None:
    """One benchmark's recorded run, or None when it has not been recorded."""
    path = results / f"{name}.json"
    if not path.exists():
        return None
    run: Run = json.loads(path.read_text())
    return run


def load_all(results: Path = RESULTS) -> dict[str, Run | None]:
    return {name: load(name, results) for name in NAMES}


def row_id(bench: str, row: Row) -> str | None:
    """The row's id: its own ``"id"``, else the legacy id of its display name."""
    if "id" in row:
        return str(row["id"])
    return LEGACY_IDS.get(bench, {}).get(row.get("name", ""))


def by_id(bench: str, rows: Iterable[Row]) -> dict[str, Row]:
    """Rows keyed by id (rows without one are left out: they are still in the tables)."""
    out = {}
    for row in rows:
        rid = row_id(bench, row)
        if rid is not None:
            out[rid] = row
    return out


def node_samples(run: Run) -> dict[str, list[float]]:
    """bench_node's samples (seconds) keyed by row id."""
    results = run["results"]
    out = {}
    for key, values in results["samples_s"].items():
        rid = LEGACY_IDS["bench_node"].get(key, key)
        out[rid] = values
    return out


# -- formatting ---------------------------------------------------------------------------


def show(markdown: str) -> None:
    """Display Markdown in the notebook (a table renders as a table)."""
    from IPython.display import Markdown, display

    display(Markdown(markdown))


def table(
    header: Sequence[str], rows: Iterable[Sequence[object]], right: Sequence[int] = ()
) -> str:
    """A Markdown table; columns whose index is in ``right`` are right-aligned."""
    lines = [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---:" if i in right else "---" for i in range(len(header))) + "|",
    ]
    for row in rows:
        lines.append("| " + " | ".join(str(cell) for cell in row) + " |")
    return "\n".join(lines)


def si(value: float | None) -> str:
    """1.39M, 81.2k, 950: rates at a glance."""
    if value is None:
        return "n/a"
    if value >= 1e6:
        return f"{value / 1e6:.2f}M"
    if value >= 1e3:
        return f"{value / 1e3:.1f}k"
    return f"{value:.0f}"


def times(ratio: float) -> str:
    """A ratio as people say it: 1.3 times, 12 times."""
    if ratio < 1:
        return f"{ratio:.2f} times"
    return f"{ratio:.1f} times" if ratio < 10 else f"{ratio:.0f} times"


def _loads(values: Sequence[float]) -> str:
    return " / ".join(f"{x:.2f}" for x in values)


# -- the machine ----------------------------------------------------------------------------


def machine(runs: dict[str, Run | None]) -> str:
    """One paragraph on the machine, from the first recorded run's metadata."""
    meta = next(run["meta"] for run in runs.values() if run)
    return (
        f"Recorded on {meta['cpu_model']} with {meta['nproc']} usable CPUs of "
        f"{meta['cpu_count']}, Linux {meta['kernel']}; Python {meta['python']}, "
        f"{meta['go'] or 'no Go toolchain'}, {meta['dockerd'] or 'no dockerd'}."
    )


def runs_table(runs: dict[str, Run | None]) -> str:
    rows = []
    for name, run in runs.items():
        if run is None:
            rows.append((f"`{name}`", "not recorded", "", "", ""))
            continue
        meta = run["meta"]
        rows.append(
            (
                f"`{name}`",
                meta["date"],
                _loads(meta["load_before"]),
                _loads(meta["load_after"]),
                f"`{' '.join(meta['command'])}`",
            )
        )
    return table(
        ("benchmark", "recorded (UTC)", "load before (1 / 5 / 15 min)", "load after", "command"),
        rows,
    )


def load_reading(runs: dict[str, Run | None]) -> str:
    recorded = [run for run in runs.values() if run]
    cpus = recorded[0]["meta"]["nproc"]
    worst = max(max(r["meta"]["load_before"][0], r["meta"]["load_after"][0]) for r in recorded)
    if worst > cpus:
        verdict = (
            f"went up to {worst:.2f}, above the {cpus} CPUs: during part of the runs "
            "threads waited for a core, and those numbers are slower than the code alone"
        )
    else:
        verdict = (
            f"stayed at or below {worst:.2f}, under the {cpus} CPUs: no run had to wait "
            "long for a core"
        )
    return f"The 1-minute load average {verdict}."


# -- channels and context ---------------------------------------------------------------------


PYGOLANG_KEYS = {"pingpong": "pingpong_rt_per_s", "buffered": "buffered_items_per_s"}


def chan_values(run: Run) -> dict[str, dict[str, float | None]]:
    """Each row's values by column id, with pygolang's (measured in its own venv in the
    same run by tools/run-benchmarks.sh) added as one more column where it was measured."""
    results = run["results"]
    pygolang = results.get("pygolang") or {}
    out = {}
    for row in results["rows"]:
        values = dict(row["values"])
        if pygolang:
            key = PYGOLANG_KEYS.get(row_id("bench_chan", row) or "")
            values["pygolang"] = pygolang.get(key) if key else None
        out[row["name"]] = values
    return out


def chan_table(run: Run) -> str:
    results = run["results"]
    columns = list(results["columns"])
    if results.get("pygolang"):
        columns.insert(columns.index("Go") if "Go" in columns else len(columns), "pygolang")
    values_of = chan_values(run)
    rows = []
    for row in results["rows"]:
        cells = []
        for column in columns:
            value = values_of[row["name"]].get(column)
            if value is None:
                cells.append("n/a")
            elif row["unit"] == "ms":
                cells.append(f"{value:.2f}")
            else:
                cells.append(si(value))
        rows.append((row["name"], *cells))
    return table(("benchmark", *columns), rows, right=range(1, len(columns) + 1))


def chan_reading(run: Run) -> str:
    rows = by_id("bench_chan", run["results"]["rows"])
    ping = rows["pingpong"]["values"]
    ping1 = rows["pingpong_one_cpu"]["values"]
    buf = rows["buffered"]["values"]
    tree = max(
        rows["tree_lazy"]["values"]["swarmnotes"], rows["tree_every"]["values"]["swarmnotes"]
    )
    parts = [
        "On every CPU the swarmnotes channel makes "
        f"{times(ping['swarmnotes'] / ping['queue.Queue'])} the round trips of the "
        "`queue.Queue` channel and moves "
        f"{times(buf['swarmnotes'] / buf['queue.Queue'])} its buffered items.",
    ]
    pinned = ping1["swarmnotes"] / ping["swarmnotes"]
    if pinned > 1:
        parts.append(
            f"Pinned to one CPU it makes {times(pinned)} as many round trips as on "
            "every CPU: a hand-off between threads on two cores costs far more than "
            "the Python around it, and the GIL lets only one of them run Python "
            "anyway."
        )
    else:
        parts.append(
            f"Pinned to one CPU it makes {pinned:.2f} times the round trips it makes "
            "on every CPU: on this machine the second core pays for its hand-offs."
        )
    values = chan_values(run)
    for label, row in (("round trips", rows["pingpong"]), ("buffered items", rows["buffered"])):
        measured = {name: value for name, value in values[row["name"]].items() if value}
        port = measured.pop("swarmnotes")
        measured.pop("Go", None)
        fastest = max(measured, key=lambda name: measured[name])
        parts.append(
            f"The fastest Python peer for {label} in this run is {fastest}: the port makes "
            f"{times(port / measured[fastest])} its {label}."
        )
    go = ping.get("Go")
    if go:
        parts.append(
            f"Go's own channel is {times(go / ping['swarmnotes'])} faster still, and "
            f"cancelling a tree of 10,000 contexts takes the port {tree:.2f} ms at worst."
        )
    return " ".join(parts)


def chan_figure(run: Run) -> Any:
    import matplotlib.pyplot as plt

    rows = by_id("bench_chan", run["results"]["rows"])
    columns = run["results"]["columns"]
    fig, axes = plt.subplots(1, 3, figsize=(13, 4.8))
    for ax, rid, title in (
        (axes[0], "pingpong", "unbuffered ping-pong, round trips/s"),
        (axes[1], "buffered", "buffered cap 128, items/s"),
    ):
        values = rows[rid]["values"]
        pinned = rows[f"{rid}_one_cpu"]["values"]
        bars = [(c, values[c]) for c in columns if values.get(c) is not None]
        for c in columns:
            if pinned.get(c) is not None:
                bars.append((f"{c}\none CPU", pinned[c]))
        ax.bar(
            [b[0] for b in bars],
            [b[1] for b in bars],
            color=[
                "tab:red" if b[0] == "Go" else "lightsteelblue" if "one CPU" in b[0] else "tab:blue"
                for b in bars
            ],
        )
        for i, (_, v) in enumerate(bars):
            ax.annotate(si(v), (i, v), ha="center", va="bottom", fontsize=8)
        ax.set_yscale("log")
        ax.set_ylim(top=3 * max(b[1] for b in bars))
        ax.set_title(title, fontsize=10)
        ax.tick_params(axis="x", labelrotation=45, labelsize=8)
    kinds = [("tree_lazy", "lazy done"), ("tree_every", "every done")]
    x = range(len(kinds))
    ours = [rows[k]["values"]["swarmnotes"] for k, _ in kinds]
    axes[2].bar([i - 0.2 for i in x], ours, width=0.4, label="swarmnotes", color="tab:blue")
    go = [rows[k]["values"].get("Go") for k, _ in kinds]
    if None not in go:
        axes[2].bar([i + 0.2 for i in x], go, width=0.4, label="Go", color="tab:red")
    axes[2].set_xticks(list(x), [label for _, label in kinds])
    axes[2].set_ylabel("ms until every done channel is closed")
    axes[2].set_title("cancel a 10,000-descendant context tree", fontsize=10)
    axes[2].legend(fontsize=8)
    fig.tight_layout()
    return fig


# -- the scheduler -----------------------------------------------------------------------------


def scheduler_table(run: Run) -> str:
    rows = [
        (
            r["n"],
            f"{r['spread_best_ms']:.2f}",
            f"{r['spread_median_ms']:.2f}",
            f"{r['binpack_best_ms']:.2f}",
            f"{r['binpack_median_ms']:.2f}",
            f"{r['cold_ms']:.1f}",
            r["accepted"],
        )
        for r in run["results"]["rows"]
    ]
    return table(
        (
            "nodes",
            "spread best",
            "spread median",
            "binpack best",
            "binpack median",
            "first call",
            "nodes accepted",
        ),
        rows,
        right=range(7),
    )


def scheduler_reading(run: Run) -> str:
    rows = sorted(run["results"]["rows"], key=lambda r: r["n"])
    small, big = rows[-2], rows[-1]
    growth = big["spread_best_ms"] / small["spread_best_ms"]
    nodes = big["n"] / small["n"]
    median_growth = big["spread_median_ms"] / small["spread_median_ms"]
    if 0.7 * nodes <= growth <= 1.5 * nodes:
        shape = (
            f"about in proportion to the {nodes:.0f} times as many nodes, as one pass "
            "over every node per filter should"
        )
    else:
        shape = (
            f"{'more' if growth > nodes else 'less'} than in proportion to the "
            f"{nodes:.0f} times as many nodes (a cost linear in the nodes would grow "
            f"{nodes:.0f} times)"
        )
    cold = big["cold_ms"] / big["spread_best_ms"]
    return (
        f"From {small['n']} to {big['n']} nodes the best call grows {times(growth)}, "
        f"{shape}; the median, which a busy machine inflates, grows {times(median_growth)}. "
        f"The first call on new containers costs {times(cold)} a warm one: it decodes every "
        "container's port maps once, and later calls reuse them."
    )


def scheduler_figure(run: Run) -> Any:
    import matplotlib.pyplot as plt

    rows = sorted(run["results"]["rows"], key=lambda r: r["n"])
    ns = [r["n"] for r in rows]
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for name, color in (("spread", "tab:blue"), ("binpack", "tab:green")):
        ax.plot(
            ns, [r[f"{name}_median_ms"] for r in rows], "o-", color=color, label=f"{name}, median"
        )
        ax.plot(
            ns,
            [r[f"{name}_best_ms"] for r in rows],
            "v:",
            color=color,
            alpha=0.6,
            label=f"{name}, best",
        )
    ax.plot(ns, [r["cold_ms"] for r in rows], "s--", color="grey", label="first call")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(f"nodes ({run['results']['containers_per_node']} containers each)")
    ax.set_ylabel("ms per select_nodes_for_container call")
    ax.set_title("six filters and a strategy, one decision", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return fig


# -- the events monitor ------------------------------------------------------------------------


def events_tables(run: Run) -> str:
    ev = run["results"]
    tp, lat = ev["throughput"], ev["latency_ms"]
    throughput = table(
        ("reader", "events/s (median of rounds)", "slowest round", "fastest round"),
        [
            (
                label,
                f"{tp[key]:,.0f}",
                f"{min(tp[key + '_all']):,.0f}",
                f"{max(tp[key + '_all']):,.0f}",
            )
            for key, label in (("raw", "raw docker-py"), ("monitor", "swarmnotes EventsMonitor"))
        ],
        right=(1, 2, 3),
    )
    latency = table(
        ("listener", "p50 ms", "p99 ms", "min ms", "max ms"),
        [
            (label, *(f"{lat[key][q]:.2f}" for q in ("p50", "p99", "min", "max")))
            for key, label in (
                ("monitor", "swarmnotes EventsMonitor"),
                ("raw", "raw docker-py thread"),
            )
        ],
        right=(1, 2, 3, 4),
    )
    return f"{throughput}\n\n{latency}"


def events_reading(run: Run) -> str:
    ev = run["results"]
    ratio = ev["throughput"]["ratio"]
    lat = ev["latency_ms"]
    if ratio >= 1:
        speed = (
            f"The monitor delivers {ratio:.0%} of raw docker-py's rate: it is not slower "
            "than the bare decoding loop, since it reads the socket in raw chunks and hands "
            "messages over in batches."
        )
    else:
        speed = (
            f"The monitor delivers {ratio:.0%} of raw docker-py's rate; the difference is "
            "the cost of the hand-off to the handler and of the resume bookkeeping."
        )
    return (
        f"{speed} Its handler sees an event {lat['monitor']['p50']:.2f} ms after the API call "
        f"returns in the median case and {lat['monitor']['p99']:.2f} ms at the 99th "
        "percentile; negative values are real, since dockerd publishes an event before it "
        "writes the HTTP response."
    )


def events_figure(run: Run) -> Any:
    import matplotlib.pyplot as plt

    ev = run["results"]
    tp, lat = ev["throughput"], ev["latency_ms"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.2))
    rounds = range(1, len(tp["raw_all"]) + 1)
    left.plot(rounds, tp["raw_all"], "o-", color="tab:orange", label="raw docker-py")
    left.plot(rounds, tp["monitor_all"], "o-", color="tab:blue", label="EventsMonitor")
    left.set_ylim(bottom=0)
    left.set_xlabel("round")
    left.set_ylabel("events/s")
    left.set_title("the same replayed range, round by round", fontsize=10)
    left.legend(fontsize=8)
    for key, color, label in (
        ("monitor", "tab:blue", "EventsMonitor handler"),
        ("raw", "tab:orange", "raw docker-py thread"),
    ):
        ordered = sorted(lat[key]["samples"])
        ys = [ordered[round(p / 100 * (len(ordered) - 1))] for p in range(100)]
        right.plot(range(100), ys, color=color, label=label)
    right.set_xlabel("percentile (the maximum left out)")
    right.set_ylabel("ms from the API call returning to the event")
    right.set_title("latency percentiles", fontsize=10)
    right.legend(fontsize=8)
    fig.tight_layout()
    return fig


# -- the swarmd Node ----------------------------------------------------------------------------

NODE_OPS = (  # (operation, Node, docker-py, docker CLI): row ids
    ("manager up", "node_manager_up", "py_manager_up", "cli_manager_up"),
    ("worker up", "node_worker_up", "py_worker_up", "cli_worker_up"),
    ("worker leaves", "node_worker_stop", "py_worker_stop", "cli_worker_stop"),
    ("manager leaves", "node_manager_stop", "py_manager_stop", "cli_manager_stop"),
)


def node_tables(run: Run) -> str:
    samples = node_samples(run)
    names = {v: k for k, v in LEGACY_IDS["bench_node"].items()}
    seconds = table(
        ("measure", "median s", "min s", "max s"),
        [
            (names.get(rid, rid), f"{statistics.median(v):.2f}", f"{min(v):.2f}", f"{max(v):.2f}")
            for rid, v in samples.items()
        ],
        right=(1, 2, 3),
    )
    ratios = []
    for op, node, py, cli in NODE_OPS:
        ratios.append(
            (
                op,
                f"{statistics.median(samples[node]) / statistics.median(samples[py]):.2f}",
                f"{min(samples[node]) / min(samples[py]):.2f}",
                f"{statistics.median(samples[node]) / statistics.median(samples[cli]):.2f}",
                f"{min(samples[node]) / min(samples[cli]):.2f}",
            )
        )
    ratio_table = table(
        (
            "the Node's time divided by",
            "docker-py, medians",
            "docker-py, fastest",
            "docker CLI, medians",
            "docker CLI, fastest",
        ),
        ratios,
        right=(1, 2, 3, 4),
    )
    return f"{seconds}\n\n{ratio_table}"


def node_reading(run: Run) -> str:
    samples = node_samples(run)
    fastest = [min(samples[node]) / min(samples[py]) for _, node, py, _ in NODE_OPS]
    dead = statistics.median(samples["node_dead_detected"])
    down = statistics.median(samples["manager_marks_down"])
    cost = (
        f"On the fastest runs the Node takes between {min(fastest):.2f} and "
        f"{max(fastest):.2f} times what docker-py takes for the same swarm operation"
    )
    if max(fastest) <= 1.5:
        cost += ": it costs what the engine costs."
    else:
        cost += ": the slowest of them is where the Node's own waiting shows."
    if down > dead:
        watch = (
            f" What it adds is the dead engine: the Node reports it after {dead:.2f} s, "
            f"while the manager marks that node down only after {down:.2f} s, "
            f"{times(down / dead)} later."
        )
    else:
        watch = (
            f" The Node reports a dead engine after {dead:.2f} s, the manager marks that "
            f"node down after {down:.2f} s."
        )
    return cost + watch


def node_figure(run: Run) -> Any:
    import matplotlib.pyplot as plt

    samples = node_samples(run)
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4), gridspec_kw={"width_ratios": [3, 1]})
    width = 0.27
    drivers = (("Node", "tab:blue"), ("docker-py", "tab:orange"), ("docker CLI", "tab:green"))
    for i, (driver, color) in enumerate(drivers):
        keys = [ops[i + 1] for ops in NODE_OPS]
        meds = [statistics.median(samples[k]) for k in keys]
        err = [
            [m - min(samples[k]) for m, k in zip(meds, keys, strict=True)],
            [max(samples[k]) - m for m, k in zip(meds, keys, strict=True)],
        ]
        left.bar(
            [j + (i - 1) * width for j in range(len(NODE_OPS))],
            meds,
            width,
            yerr=err,
            capsize=3,
            color=color,
            label=f"{driver} (median, min to max)",
        )
    left.set_xticks(range(len(NODE_OPS)), [op for op, *_ in NODE_OPS])
    left.set_ylabel("seconds")
    left.set_title("the Node beside swarm mode driven directly", fontsize=10)
    left.legend(fontsize=8)
    keys = ["node_dead_detected", "manager_marks_down"]
    meds = [statistics.median(samples[k]) for k in keys]
    err = [
        [m - min(samples[k]) for m, k in zip(meds, keys, strict=True)],
        [max(samples[k]) - m for m, k in zip(meds, keys, strict=True)],
    ]
    right.bar(
        ["Node err()", "manager: down"], meds, yerr=err, capsize=3, color=["tab:blue", "tab:grey"]
    )
    right.set_ylabel("seconds after SIGKILL")
    right.set_title("a worker's engine dies", fontsize=10)
    fig.tight_layout()
    return fig


# -- pipelines and md5_all ----------------------------------------------------------------------


def pipeline_tables(run: Run) -> str:
    pr = run["results"]
    base = by_id("bench_pipeline", pr["pipeline"])["done"]["best"]
    rows = []
    for row in pr["pipeline"]:
        cpu = row.get("cpu_us_per_item")
        if row["best"] is None:
            rows.append((row["name"], "n/a", "n/a", "n/a", "-"))
            continue
        rows.append(
            (
                row["name"],
                f"{row['best']:,.0f}",
                f"{row['median']:,.0f}",
                f"{row['best'] / base:.2f}",
                f"{cpu:.1f}" if cpu is not None else "-",
            )
        )
    pipeline = table(
        (
            "pipeline",
            "items/s, best",
            "items/s, median",
            "best vs swarmnotes with done",
            "CPU µs per item",
        ),
        rows,
        right=(1, 2, 3, 4),
    )
    ref = by_id("bench_pipeline", pr["md5"])["md5sum"]["best"]
    md5 = table(
        ("hasher", "seconds, best", "seconds, median", "best vs md5sum"),
        [
            (row["name"], f"{row['best']:.3f}", f"{row['median']:.3f}", f"{row['best'] / ref:.2f}")
            for row in pr["md5"]
        ],
        right=(1, 2, 3),
    )
    return f"{pipeline}\n\n{md5}"


def pipeline_reading(run: Run) -> str:
    pr = run["results"]
    pipe = by_id("bench_pipeline", pr["pipeline"])
    pinned = pipe["done_one_cpu"]["best"] / pipe["done"]["best"]
    buffered = pipe["done_buffered"]["best"] / pipe["done"]["best"]
    first = (
        f"Pinned to one CPU the pipeline with `done` moves {times(pinned)} the items it "
        f"moves on every CPU, and buffers of 64 between the stages, {times(buffered)}"
    )
    if pinned > 1 and buffered > 1:
        first += (
            ": each unbuffered hand-off is a thread switch, and fewer, cheaper switches "
            "are what the pipeline needs."
        )
    else:
        first += "."
    if pipe.get("go", {}).get("best"):
        go = pipe["go"]["best"] / pipe["done"]["best"]
        first += f" Go runs the same pipeline {times(go)} faster."
    md5 = by_id("bench_pipeline", pr["md5"])
    serial, bounded, parallel = (md5[k]["best"] for k in ("serial", "bounded", "parallel"))
    order = sorted(
        (("serial", serial), ("bounded", bounded), ("parallel", parallel)), key=lambda kv: kv[1]
    )
    if order[0][0] == "serial":
        second = (
            f"For md5, serial is the fastest mode ({serial:.3f} s, against "
            f"{bounded:.3f} s bounded and {parallel:.3f} s parallel): the hashing is C "
            "code over small files already in the page cache, and CPython runs one thread "
            "of Python at a time, so the threads have little to overlap and each hand-off "
            "between them is pure cost. Parallel, which starts a goroutine per file, pays "
            "that cost most."
        )
    else:
        second = (
            f"For md5 the fastest mode is {order[0][0]} ({order[0][1]:.3f} s), then "
            f"{order[1][0]} ({order[1][1]:.3f} s) and {order[2][0]} "
            f"({order[2][1]:.3f} s): here the threads overlapped enough reading and "
            "hashing to pay for their hand-offs."
        )
    return f"{first} {second}"


def pipeline_figure(run: Run) -> Any:
    import matplotlib.pyplot as plt

    pr = run["results"]
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    measured = [r for r in pr["pipeline"] if r["best"] is not None]
    left.bar(
        [r["name"].replace(", ", ",\n") for r in measured],
        [r["best"] for r in measured],
        color=["tab:red" if row_id("bench_pipeline", r) == "go" else "tab:blue" for r in measured],
    )
    for i, r in enumerate(measured):
        left.annotate(si(r["best"]), (i, r["best"]), ha="center", va="bottom", fontsize=7)
    left.set_yscale("log")
    left.set_ylim(top=5 * max(r["best"] for r in measured))
    left.set_ylabel("items/s (best)")
    left.set_title("gen -> 2 x sq -> merge", fontsize=10)
    left.tick_params(axis="x", labelrotation=60, labelsize=7)
    right.bar(
        [r["name"].replace(", ", ",\n") for r in pr["md5"]],
        [r["best"] for r in pr["md5"]],
        color=[
            "tab:grey" if row_id("bench_pipeline", r) == "md5sum" else "tab:blue" for r in pr["md5"]
        ],
    )
    right.set_ylabel("seconds (best)")
    right.set_title(f"md5 of {pr['tree']['files']:,} files", fontsize=10)
    right.tick_params(axis="x", labelrotation=30, labelsize=8)
    fig.tight_layout()
    return fig
