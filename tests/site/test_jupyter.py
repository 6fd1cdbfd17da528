"""`make jupyter` as a reader uses it: a chapter run through JupyterLab's UI.

tools/jupyter.py is started as `make jupyter` starts it (on a free port), chapter
00 is opened with the token in the URL and run with Run > Run All Cells; every
cell must get an execution count and only the cells tagged raises-exception may
show an error. Ctrl+C (SIGINT) must then stop JupyterLab and its kernel, free
the port, and leave the lab as it was before (down if it was down, up if some
one else had it up). Needs the lab (root, docker.io) and Debian's chromium.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from jupyter_ui import (
    ROOT,
    JupyterRun,
    alive,
    descendants,
    free_port,
    open_chapter,
    port_is_free,
    run_all_cells,
)
from selenium import webdriver

from swarmnotes.lab import Lab

CHAPTER = "00-the-lab.ipynb"


def lab_state() -> list[tuple[str, str]]:
    """Each engine's name and state: [] when no lab is up."""
    return [(engine.name, engine.state()) for engine in Lab().engines]


@pytest.fixture
def runs() -> Iterator[list[JupyterRun]]:
    """The runs a test starts; any still going at the end is stopped, and a lab
    that was down before the test is down after it, whatever the test did."""
    lab_before = lab_state()
    started: list[JupyterRun] = []
    yield started
    for run in started:
        run.kill()
    if not lab_before and lab_state():
        Lab().down()


@pytest.mark.timeout(900)
def test_a_chapter_runs_in_jupyterlab_and_ctrl_c_stops_everything(
    browser: webdriver.Chrome, tmp_path: Path, runs: list[JupyterRun]
) -> None:
    chapter = ROOT / "notebooks" / CHAPTER
    stored = chapter.read_bytes()
    lab_before = lab_state()
    run = JupyterRun(free_port(), tmp_path / "first")
    runs.append(run)
    run.start()
    assert all(state == "running" for _, state in lab_state()) and len(lab_state()) == 3
    started = descendants(run.process.pid)  # type: ignore[union-attr]
    assert started, "tools/jupyter.py started no JupyterLab process"

    open_chapter(browser, run, CHAPTER)
    cells = run_all_cells(browser)
    assert len(cells) >= 5
    for cell in cells:
        assert cell.prompt == f"[{cell.execution_count}]:", cell
        expects_error = "raises-exception" in cell.tags
        assert ("error" in cell.output_types) == expects_error, (
            f"cell {cell.index}: outputs {cell.output_types}, tags {cell.tags}"
        )
    kernels = descendants(run.process.pid) - started  # type: ignore[union-attr]
    commands = [Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") for pid in kernels]
    # The chapter's kernel is this checkout's venv (its editable install is this
    # checkout's src/), whatever other "python3" kernel the machine has.
    venv_python = str(ROOT / ".venv" / "bin" / "python").encode()
    assert any(c[0] == venv_python and b"ipykernel_launcher" in c for c in commands), commands

    # `make jupyter` twice: the same port is refused before anything starts ...
    again = JupyterRun(run.port, tmp_path / "again")
    runs.append(again)
    again.start(wait=False)
    assert again.wait(60) == 2
    assert f"port {run.port} on 127.0.0.1 is already in use" in again.log()
    assert "bringing the lab up" not in again.log() and "reusing" not in again.log()
    # ... and on another port it reuses the lab, and leaves it up for the first one.
    second = JupyterRun(free_port(), tmp_path / "second")
    runs.append(second)
    second.start()
    assert "reusing the running lab" in second.log()
    assert second.interrupt() == 0
    assert "another `make jupyter`" in second.log(), second.log()
    assert all(state == "running" for _, state in lab_state())

    everything = started | descendants(run.process.pid)  # type: ignore[union-attr]
    assert run.interrupt() == 0, run.log()
    still_running = sorted(pid for pid in everything if alive(pid))
    assert not still_running, f"processes left running: {still_running}\n{run.log()}"
    assert port_is_free(run.port) and port_is_free(second.port)
    assert lab_state() == lab_before, run.log()
    assert chapter.read_bytes() == stored, "running the chapter in JupyterLab changed it on disk"


def test_a_taken_port_is_named_before_anything_starts(
    tmp_path: Path, runs: list[JupyterRun]
) -> None:
    lab_before = lab_state()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = JupyterRun(port, tmp_path)
        runs.append(run)
        run.start(wait=False)
        assert run.wait(60) == 2
    assert f"error: port {port} on 127.0.0.1 is already in use" in run.log(), run.log()
    assert f"JUPYTER_PORT={port + 1} make jupyter" in run.log()
    assert lab_state() == lab_before


@pytest.mark.parametrize("value", ["eighty", "0", "65536", "-1"])
def test_a_jupyter_port_that_is_no_port_is_refused(
    value: str, tmp_path: Path, runs: list[JupyterRun]
) -> None:
    run = JupyterRun(0, tmp_path)
    runs.append(run)
    run.start(wait=False, port_text=value)
    assert run.wait(60) == 2
    assert f"JUPYTER_PORT must be a port number from 1 to 65535, got '{value}'" in run.log()
