"""`make jupyter`'s script run as a reader runs it, and a chapter run through its UI.

Used by test_jupyter.py and by benchmarks/bench_container.py (which times the
same UI run beside nbval's).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from chromium import load, wait_for
from selenium import webdriver
from selenium.webdriver.common.by import By

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
SCRIPT = ROOT / "tools" / "jupyter.py"

# The lab may have to start (three engines) before JupyterLab does.
START_TIMEOUT = 240.0
STOP_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (JupyterLab, its kernels)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            # The command name, in parentheses, may hold spaces: split after it.
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        children = {child for child, parent in parents.items() if parent in frontier}
        frontier = children - found
        found |= children
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@dataclass
class JupyterRun:
    """``tools/jupyter.py`` as a subprocess, with the settings a test needs.

    ``settings_dir`` holds JupyterLab settings for this run only: no autosave
    (the UI run must not rewrite the chapter on disk) and every cell in the page.
    """

    port: int
    settings_dir: Path
    token: str = field(default_factory=lambda: secrets.token_hex(16))
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)
    reader: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/lab?token={self.token}"

    def start(self, wait: bool = True, port_text: str | None = None) -> JupyterRun:
        """Start the script; ``port_text`` replaces JUPYTER_PORT (bad input)."""
        write_settings(self.settings_dir)
        port = str(self.port) if port_text is None else port_text
        env = dict(
            os.environ,
            JUPYTER_PORT=port,
            JUPYTER_TOKEN=self.token,
            JUPYTERLAB_SETTINGS_DIR=str(self.settings_dir / "user"),
            JUPYTERLAB_WORKSPACES_DIR=str(self.settings_dir / "workspaces"),
            JUPYTER_CONFIG_DIR=str(self.settings_dir / "config"),
        )
        env.pop("JUPYTER_IP", None)
        self.process = subprocess.Popen(
            [str(VENV_PYTHON), str(SCRIPT)],
            cwd=ROOT,
            env=env,
            text=True,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
        self.reader = threading.Thread(target=self._read, name="jupyter-output", daemon=True)
        self.reader.start()
        if wait:
            self.wait_for_output(self.url, START_TIMEOUT)
        return self

    def _read(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)

    def log(self) -> str:
        return "".join(self.output)

    def wait_for_output(self, text: str, timeout: float) -> None:
        assert self.process is not None
        deadline = time.monotonic() + timeout
        while text not in self.log():
            assert self.process.poll() is None or text in self.log(), (
                f"tools/jupyter.py exited ({self.process.returncode}) before printing "
                f"{text!r}:\n{self.log()}"
            )
            assert time.monotonic() < deadline, (
                f"tools/jupyter.py did not print {text!r} within {timeout:g} s:\n{self.log()}"
            )
            time.sleep(0.2)

    def wait(self, timeout: float) -> int:
        assert self.process is not None
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                f"tools/jupyter.py still running after {timeout:g} s:\n{self.log()}"
            ) from None
        if self.reader is not None:
            self.reader.join(timeout=10)  # the last lines it printed
        return status

    def interrupt(self) -> int:
        """Ctrl+C, as a reader stops it; returns the exit status."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
        return self.wait(STOP_TIMEOUT)

    def kill(self) -> None:
        """Clean-up after a failed test: Ctrl+C, then SIGKILL to all it started."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_TIMEOUT)
                return
            except subprocess.TimeoutExpired:
                pass
            for pid in descendants(self.process.pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            self.process.kill()
            self.process.wait(timeout=30)


def write_settings(directory: Path) -> None:
    user = directory / "user"
    (user / "@jupyterlab" / "docmanager-extension").mkdir(parents=True, exist_ok=True)
    (user / "@jupyterlab" / "notebook-extension").mkdir(parents=True, exist_ok=True)
    (user / "@jupyterlab" / "docmanager-extension" / "plugin.jupyterlab-settings").write_text(
        '{"autosave": false}\n'
    )
    (user / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
        '{"windowingMode": "none"}\n'
    )
    # The test reads the notebook's model through the app the page exposes.
    (directory / "config").mkdir(parents=True, exist_ok=True)
    (directory / "config" / "jupyter_server_config.json").write_text(
        '{"LabApp": {"expose_app_in_browser": true}}\n'
    )


@dataclass
class CellRun:
    index: int  # among the chapter's code cells, from 0 (nbval's numbering)
    execution_count: int | None
    output_types: list[str]  # "stream", "execute_result", "display_data", "error"
    tags: list[str]
    prompt: str  # what the page shows left of the cell, e.g. "[3]:"


# The open notebook's code cells, from JupyterLab's own model of it.
_CELLS_JS = """
const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
if (!panel || !panel.content || !panel.content.model) { return null; }
const prompts = [...panel.content.node.querySelectorAll('.jp-CodeCell .jp-InputPrompt')]
    .map(p => p.textContent.trim());
const cells = [];
const model = panel.content.model.cells;
for (let i = 0; i < model.length; i++) {
  const cell = model.get(i);
  if (cell.type !== 'code') { continue; }
  const types = [];
  for (let j = 0; j < cell.outputs.length; j++) { types.push(cell.outputs.get(j).type); }
  cells.push({count: cell.executionCount, types: types,
              tags: cell.getMetadata('tags') || [], prompt: prompts[cells.length] || ''});
}
const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
return {cells: cells, kernel: kernel ? kernel.status : 'none'};
"""


def notebook_state(driver: webdriver.Chrome) -> tuple[list[CellRun], str] | None:
    state = driver.execute_script(_CELLS_JS)
    if state is None:
        return None
    cells = [
        CellRun(i, c["count"], list(c["types"]), list(c["tags"]), c["prompt"])
        for i, c in enumerate(state["cells"])
    ]
    return cells, str(state["kernel"])


def open_chapter(driver: webdriver.Chrome, run: JupyterRun, chapter: str) -> None:
    """Open ``chapter`` in JupyterLab and wait until its kernel is idle."""
    load(driver, f"http://127.0.0.1:{run.port}/lab/tree/{chapter}?token={run.token}&reset")
    deadline = time.monotonic() + 120
    while True:
        state = notebook_state(driver)
        if state is not None and state[0] and state[1] == "idle":
            return
        assert time.monotonic() < deadline, f"{chapter} did not open with an idle kernel"
        time.sleep(0.2)


# The Run menu's "Run All Cells" entry, found by the label a reader clicks.
_FIND_RUN_ALL_JS = """
const item = [...document.querySelectorAll('.lm-Menu-item')].find(
    e => e.querySelector('.lm-Menu-itemLabel').textContent.trim() === 'Run All Cells');
"""


def run_all_cells(driver: webdriver.Chrome, timeout: float = 300) -> list[CellRun]:
    """Run > Run All Cells from the menu bar; wait until every cell has run."""
    menus = driver.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
    run_menu = [menu for menu in menus if menu.text.strip() == "Run"]
    assert run_menu, f"no Run menu in {[menu.text for menu in menus]}"
    run_menu[0].click()
    wait_for(driver, _FIND_RUN_ALL_JS + "return !!item;", "Run All Cells in the Run menu")
    driver.execute_script(_FIND_RUN_ALL_JS + "item.scrollIntoView();")
    item = driver.execute_script(_FIND_RUN_ALL_JS + "return item;")
    item.click()
    deadline = time.monotonic() + timeout
    while True:
        state = notebook_state(driver)
        assert state is not None, "the notebook closed"
        cells, kernel = state
        if kernel == "idle" and all(cell.execution_count is not None for cell in cells):
            return cells
        if time.monotonic() > deadline:
            missing = [cell.index for cell in cells if cell.execution_count is None]
            raise AssertionError(
                f"after {timeout:g} s cells {missing} had not run (kernel {kernel})"
            )
        time.sleep(0.25)
