"""The ``--json PATH`` file every benchmark script can write: its numbers plus the run's context.

    load = benchjson.load_before()          # first thing in main()
    ...measure and print as before...
    benchjson.write(args.json, {...numbers...}, load)

A number without its context is hard to trust on a shared 2-core machine, so
the file also records when and how the script ran, which Python, Go and
dockerd it ran with, how many CPUs it could use, and the load average before
and after. ``tools/run-benchmarks.sh`` writes these files to
``benchmarks/results/``; the performance appendix (notebooks/13-performance)
reads them back without measuring anything itself.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any


def load_before() -> list[float]:
    """The 1, 5 and 15 minute load averages, taken before measuring."""
    return list(os.getloadavg())


def _version(*command: str) -> str | None:
    """First line of ``command``'s output, or None when the tool is not installed."""
    if shutil.which(command[0]) is None:
        return None
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    lines = (out.stdout or out.stderr).strip().splitlines()
    return lines[0] if lines else None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def metadata(load: list[float]) -> dict[str, Any]:
    """Where, when and how this run happened; ``load`` is what load_before() returned."""
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "command": [Path(sys.executable).name, *sys.argv],
        "python": platform.python_version(),
        "go": _version("go", "version"),
        "dockerd": _version("dockerd", "--version"),
        "nproc": len(os.sched_getaffinity(0)),
        "cpu_count": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "kernel": platform.release(),
        "load_before": load,
        "load_after": list(os.getloadavg()),
    }


def write(path: str | None, results: dict[str, Any], load: list[float]) -> None:
    """Write ``{"meta": ..., "results": ...}`` to ``path`` (nothing when path is None)."""
    if path is None:
        return
    out = Path(path)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"meta": metadata(load), "results": results}, indent=1) + "\n")
