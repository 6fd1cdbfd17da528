"""A machine that cannot run the lab: one sentence that names the container.

The no-namespaces case is real: the commands run as root with every capability
dropped (``setpriv``), as in an unprivileged container, so ``unshare --net``
fails. Each runs in its own lab directory, so the session's lab is untouched.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from swarmnotes.lab import CONTAINER_COMMAND, LabUnavailableError, host

ROOT = Path(__file__).resolve().parents[2]
NO_CAPS = ["setpriv", "--inh-caps=-all", "--bounding-set=-all"]


def no_caps_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, SWARMNOTES_LAB_DIR=str(tmp_path / "lab"))
    for name in ("DOCKER_HOST", "SWARMNOTES_DOCKER_HOST"):
        env.pop(name, None)
    return env


def test_not_root_names_root_and_the_container(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    with pytest.raises(LabUnavailableError) as caught:
        host.check_prerequisites()
    message = str(caught.value)
    assert "needs root" in message
    assert message.endswith(CONTAINER_COMMAND)
    assert "\n" not in message


def test_no_namespaces_is_one_sentence_from_the_cli(tmp_path: Path) -> None:
    done = subprocess.run(
        [*NO_CAPS, sys.executable, "-m", "swarmnotes", "lab", "up"],
        capture_output=True,
        text=True,
        timeout=60,
        env=no_caps_env(tmp_path),
    )
    assert done.returncode == 1, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr  # no traceback
    assert "cannot create network namespaces" in lines[0]
    assert lines[0].endswith(CONTAINER_COMMAND)
    assert not (tmp_path / "lab" / "lab.json").exists()


# Runs in a child without capabilities; its kernel inherits that, like a reader's
# Jupyter in a plain container. Prints the first cell's outputs as JSON.
RUN_ONE_CELL = """
import json, nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
    "from swarmnotes.lab import Lab\\nlab = Lab.up(engines=3)")])
try:
    NotebookClient(nb, timeout=120, startup_timeout=120, kernel_name="python3").execute()
except CellExecutionError:
    pass
print(json.dumps(nb.cells[0].outputs))
"""


def test_a_chapter_cell_shows_the_sentence_not_a_traceback(tmp_path: Path) -> None:
    done = subprocess.run(
        [*NO_CAPS, sys.executable, "-c", RUN_ONE_CELL],
        capture_output=True,
        text=True,
        timeout=180,
        env=no_caps_env(tmp_path),
    )
    assert done.returncode == 0, done.stderr[-2000:]
    (error,) = json.loads(done.stdout.strip().splitlines()[-1])
    assert error["ename"] == "LabUnavailableError"
    assert len(error["traceback"]) == 1
    assert "cannot create network namespaces" in error["traceback"][0]
    assert error["traceback"][0].endswith(CONTAINER_COMMAND)


def test_pytest_nbval_stops_before_the_first_kernel(tmp_path: Path) -> None:
    done = subprocess.run(
        [*NO_CAPS, sys.executable, "-m", "pytest", "--nbval", "notebooks/00-the-lab.ipynb"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=no_caps_env(tmp_path),
    )
    assert done.returncode == pytest.ExitCode.USAGE_ERROR, done.stdout[-2000:]
    assert "no tests ran" in done.stdout
    assert "cannot create network namespaces" in done.stdout
    assert CONTAINER_COMMAND in done.stdout
