"""The reader's other paths, timed: the container beside the host, JupyterLab beside nbval.

    .venv/bin/python benchmarks/bench_container.py [--parts host,container,jupyter]
        [--reps 3] [--chapter 00-the-lab.ipynb] [--json PATH]

Parts (all by default, in this order, in one run so that the machine's load hits
every column alike):

* ``host``: ``make test`` on this machine, wall time (set-up check, lab up, every
  stage of tools/run-tests.sh, lab down).
* ``container``: ``tools/container-test.sh`` from nothing (CONTAINER_TEST_FRESH=1):
  debootstrap of the base, ``docker import``, the cold ``docker build`` of the
  Dockerfile, JupyterLab answering in the container, chapters 00 and 05 under
  nbval inside, and then ``docker run --rm --privileged IMAGE make test``, the
  README's command, wall time.
* ``jupyter``: one chapter (default 00-the-lab) run ``--reps`` times through
  JupyterLab's UI (Run > Run All Cells, from the click until every cell has an
  execution count and the kernel is idle; a fresh kernel each time, already
  started), beside ``pytest --nbval`` on the same chapter (the whole process:
  pytest's start and the kernel's start included, a few seconds of it).

Needs root, the lab's prerequisites and chromium (`make setup`). A ``host`` or
``container`` part runs the whole suite, about ten to twenty minutes each on
two cores: they are not part of tools/run-benchmarks.sh's usual few minutes.
Prints a markdown table; ``--json PATH`` writes the samples and the run's context.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import benchjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "site"))

from chromium import new_driver  # noqa: E402
from jupyter_ui import JupyterRun, free_port, open_chapter, run_all_cells  # noqa: E402

PARTS = ("host", "container", "jupyter")
# The whole suite may take long on a loaded machine; a bound, not a target.
SUITE_TIMEOUT = 3600.0


def wall(
    command: list[str], env: dict[str, str] | None = None, timeout: float = SUITE_TIMEOUT
) -> float:
    """Seconds ``command`` took; raises if it fails (a failed run is no number)."""
    start = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=timeout)
    return time.monotonic() - start


def host_make_test() -> dict[str, float]:
    return {"make test (host)": wall(["make", "test"])}


def container(times_file: Path) -> dict[str, float]:
    env = dict(
        os.environ,
        CONTAINER_TEST_FRESH="1",
        CONTAINER_TEST_MAKE_TEST="1",
        CONTAINER_TEST_TIMES=str(times_file),
    )
    total = wall(["bash", "tools/container-test.sh"], env=env)
    steps = {}
    for line in times_file.read_text().splitlines():
        step, seconds = line.split()
        steps[step] = float(seconds)
    return {
        "debootstrap (base)": steps["debootstrap"],
        "docker import (base)": steps["import"],
        "docker build (cold)": steps["build"],
        "JupyterLab answers in the container": steps["jupyter-answers"],
        "nbval 00+05 in the container": steps["inside"],
        "docker run ... make test": steps["make-test"],
        "make container-test, all of it": total,
    }


def delete_sessions(run: JupyterRun) -> None:
    """Shut down every kernel session, so the next open starts a fresh kernel."""
    base = f"http://127.0.0.1:{run.port}/api/sessions"
    with urllib.request.urlopen(f"{base}?token={run.token}", timeout=10) as response:
        sessions = json.load(response)
    for session in sessions:
        request = urllib.request.Request(
            f"{base}/{session['id']}?token={run.token}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=30).close()


def jupyter(chapter: str, reps: int) -> dict[str, list[float]]:
    ui: list[float] = []
    nbval: list[float] = []
    with tempfile.TemporaryDirectory(prefix="bench-jupyter-") as tmp:
        run = JupyterRun(free_port(), Path(tmp)).start()
        driver = new_driver()
        try:
            for _ in range(reps):
                delete_sessions(run)
                open_chapter(driver, run, chapter)
                start = time.monotonic()
                cells = run_all_cells(driver)
                ui.append(time.monotonic() - start)
                errors = [
                    c.index
                    for c in cells
                    if ("error" in c.output_types) != ("raises-exception" in c.tags)
                ]
                if errors:
                    raise RuntimeError(f"{chapter}: unexpected errors in cells {errors}")
        finally:
            driver.quit()
            run.interrupt()
        # The lab was up before JupyterLab started, so it is still up: nbval reuses it.
        for _ in range(reps):
            nbval.append(
                wall(
                    [
                        str(ROOT / ".venv" / "bin" / "pytest"),
                        "-q",
                        "--nbval",
                        f"notebooks/{chapter}",
                    ],
                    timeout=900,
                )
            )
    return {
        f"{chapter} in JupyterLab (Run All Cells)": ui,
        f"{chapter} under pytest --nbval": nbval,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--parts", default=",".join(PARTS), help=f"comma-separated, from {', '.join(PARTS)}"
    )
    parser.add_argument("--reps", type=int, default=3, help="JupyterLab and nbval runs")
    parser.add_argument("--chapter", default="00-the-lab.ipynb")
    parser.add_argument("--json", help="write the samples here")
    args = parser.parse_args()
    parts = [part.strip() for part in args.parts.split(",") if part.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}: choose from {', '.join(PARTS)}")
    if args.reps < 1:
        parser.error(f"--reps must be at least 1, got {args.reps}")
    if not (ROOT / "notebooks" / args.chapter).is_file():
        parser.error(f"no chapter notebooks/{args.chapter}")

    load = benchjson.load_before()
    samples: dict[str, list[float]] = {}
    if "host" in parts:
        samples.update({k: [v] for k, v in host_make_test().items()})
    if "container" in parts:
        with tempfile.TemporaryDirectory(prefix="bench-container-") as tmp:
            samples.update({k: [v] for k, v in container(Path(tmp) / "times").items()})
    if "jupyter" in parts:
        # The lab is up before either side runs, so that neither pays for starting it.
        swarmnotes = str(ROOT / ".venv" / "bin" / "swarmnotes")
        # `lab status` exits 0 when no lab is up ("no lab is up in ..."): ask the lab.
        from swarmnotes.lab import Lab

        lab_was_up = bool(Lab().engines)
        subprocess.run([swarmnotes, "lab", "up"], cwd=ROOT, check=True, timeout=300)
        try:
            samples.update(jupyter(args.chapter, args.reps))
        finally:
            if not lab_was_up:
                subprocess.run([swarmnotes, "lab", "down"], cwd=ROOT, check=False, timeout=300)

    print(
        f"load average before: {' '.join(f'{v:.2f}' for v in load)}; "
        f"after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}\n"
    )
    print("| what | median s | min-max s | runs |")
    print("|---|---|---|---|")
    for name, values in samples.items():
        print(
            f"| {name} | {statistics.median(values):.1f} | "
            f"{min(values):.1f}-{max(values):.1f} | {len(values)} |"
        )
    if args.json:
        benchjson.write(
            args.json, {"parts": parts, "chapter": args.chapter, "samples_s": samples}, load
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
