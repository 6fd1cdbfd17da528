"""benchmarks/report.py: the performance appendix's tables and readings, without Docker.

The readings are sentences computed from the recorded numbers; these tests
feed them other numbers and check that the sentence follows the data.
"""

from __future__ import annotations

import copy
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
import report  # noqa: E402


@pytest.fixture(scope="module")
def runs() -> dict[str, Any]:
    recorded = report.load_all()
    missing = [name for name, run in recorded.items() if run is None]
    assert not missing, f"benchmarks/results has no {missing}"
    return recorded


def test_every_table_and_reading_renders(runs: dict[str, Any]) -> None:
    pairs = [
        ("bench_chan", report.chan_table, report.chan_reading),
        ("bench_scheduler", report.scheduler_table, report.scheduler_reading),
        ("bench_events", report.events_tables, report.events_reading),
        ("bench_node", report.node_tables, report.node_reading),
        ("bench_pipeline", report.pipeline_tables, report.pipeline_reading),
    ]
    for name, table, reading in pairs:
        markdown = table(runs[name])
        assert markdown.startswith("| ") and "|---" in markdown, name
        sentence = reading(runs[name])
        assert sentence.endswith("."), (name, sentence)


def test_row_id_prefers_the_rows_own_id() -> None:
    assert report.row_id("bench_chan", {"name": "buffered cap 128 (items/s)"}) == "buffered"
    assert report.row_id("bench_chan", {"id": "x", "name": "buffered cap 128 (items/s)"}) == "x"
    assert report.row_id("bench_chan", {"name": "a row nobody knows"}) is None


def _md5(run: dict[str, Any], **best: float) -> dict[str, Any]:
    changed = copy.deepcopy(run)
    for row in changed["results"]["md5"]:
        rid = report.row_id("bench_pipeline", row)
        if rid in best:
            row["best"] = best[rid]
    return changed


def test_the_md5_reading_follows_the_order_of_the_modes(runs: dict[str, Any]) -> None:
    serial_first = _md5(runs["bench_pipeline"], serial=0.1, bounded=0.2, parallel=0.3)
    assert "serial is the fastest mode" in report.pipeline_reading(serial_first)
    bounded_first = _md5(runs["bench_pipeline"], serial=0.3, bounded=0.1, parallel=0.2)
    text = report.pipeline_reading(bounded_first)
    assert "the fastest mode is bounded (0.100 s), then parallel (0.200 s)" in text
    assert "serial is the fastest" not in text


def test_the_scheduler_reading_says_how_the_cost_grows(runs: dict[str, Any]) -> None:
    linear = copy.deepcopy(runs["bench_scheduler"])
    rows = sorted(linear["results"]["rows"], key=lambda r: r["n"])
    rows[-1]["spread_best_ms"] = rows[-2]["spread_best_ms"] * rows[-1]["n"] / rows[-2]["n"]
    assert "about in proportion" in report.scheduler_reading(linear)
    rows[-1]["spread_best_ms"] = rows[-2]["spread_best_ms"] * 3 * rows[-1]["n"] / rows[-2]["n"]
    assert "more than in proportion" in report.scheduler_reading(linear)


def test_the_events_reading_follows_the_ratio(runs: dict[str, Any]) -> None:
    slower = copy.deepcopy(runs["bench_events"])
    slower["results"]["throughput"]["ratio"] = 0.5
    assert "50% of raw docker-py's rate; the difference" in report.events_reading(slower)


def test_pygolang_is_a_column_where_it_was_measured(runs: dict[str, Any]) -> None:
    run = copy.deepcopy(runs["bench_chan"])
    run["results"]["pygolang"] = {
        "pygolang": "0.1",
        "pingpong_rt_per_s": 1e9,  # faster than every other Python peer
        "buffered_items_per_s": 1.0,  # slower than every other
    }
    header = report.chan_table(run).splitlines()[0]
    assert "| pygolang |" in header
    reading = report.chan_reading(run)
    assert "fastest Python peer for round trips in this run is pygolang" in reading
    assert "fastest Python peer for buffered items in this run is pygolang" not in reading
    del run["results"]["pygolang"]
    assert "pygolang" not in report.chan_table(run)
    assert "is pygolang" not in report.chan_reading(run)
