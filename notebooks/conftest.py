"""How the chapters run as tests: ``pytest --nbval notebooks/``, typed just so.

pytest reads this file by itself whenever it collects anything under notebooks/,
so a reader needs no flags beyond ``--nbval``:

- outputs are compared after ``nbval-sanitize.cfg`` (beside this file) replaces
  what changes from run to run: IDs, times, durations, the lab's /24;
- each chapter runs in a kernel of the Python that runs pytest (the venv's), so
  it imports the package this checkout installed;
- stderr is not compared: engines and libraries warn in ways that say nothing
  about the chapter (the chapters print what a reader should look at to stdout);
- nbval waits 5 s for a cell's output messages after its reply; a busy 2-core
  machine needs more, so it waits 60 s; a cell may run for 300 s.

The lab: the chapters start it themselves (``Lab.up()``). A lab this run
started is brought down at the end; one that was up before is left as it was.
Either way the run fails if any engine still holds an object labelled
``io.swarmnotes=1``. A machine that cannot run the lab stops the run at once
with one sentence that says what to do instead.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from swarmnotes.lab import Lab, LabError, count_labelled
from swarmnotes.lab.external import ExternalEngine, configured_host
from swarmnotes.lab.host import check_prerequisites

SANITIZE = Path(__file__).with_name("nbval-sanitize.cfg")
CELL_TIMEOUT = 300  # seconds a cell may run
KERNEL_STARTUP_TIMEOUT = 120  # seconds; a cold kernel on a busy machine is slow
OUTPUT_TIMEOUT = 60  # seconds nbval waits for a cell's output after its reply

# nbval's own defaults, to tell a value the reader gave from one nobody gave.
_NBVAL_DEFAULT_CELL_TIMEOUT = 2000
_NBVAL_DEFAULT_STARTUP_TIMEOUT = 60


def _nbval_on(config: pytest.Config) -> bool:
    return bool(config.getoption("nbval", False) or config.getoption("nbval_lax", False))


def pytest_configure(config: pytest.Config) -> None:
    if not _nbval_on(config):
        return
    option = config.option
    # Flags given on the command line win; these are the defaults.
    if option.nbval_sanitize_with is None:
        option.nbval_sanitize_with = str(SANITIZE)
    if not option.nbval_current_env and option.nbval_kernel_name is None:
        option.nbval_current_env = True
    if int(option.nbval_cell_timeout) == _NBVAL_DEFAULT_CELL_TIMEOUT:
        option.nbval_cell_timeout = CELL_TIMEOUT
    if int(option.nbval_kernel_startup_timeout) == _NBVAL_DEFAULT_STARTUP_TIMEOUT:
        option.nbval_kernel_startup_timeout = KERNEL_STARTUP_TIMEOUT
    config.stash[_LAB_WAS_UP] = _lab_running()


_LAB_WAS_UP = pytest.StashKey[bool]()


def _lab_running() -> bool:
    engines = Lab().engines
    return bool(engines) and all(engine.state() == "running" for engine in engines)


def pytest_collectstart(collector: Any) -> None:
    # Only nbval's notebook collector has skip_compare (nbval#168).
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = OUTPUT_TIMEOUT


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if not _nbval_on(config) or config.stash[_LAB_WAS_UP] or configured_host():
        return
    if not any(str(item.path).endswith(".ipynb") for item in session.items):
        return
    # Fail before the first kernel starts, with the sentence a chapter would show.
    try:
        check_prerequisites()
    except LabError as exc:
        pytest.exit(str(exc), returncode=pytest.ExitCode.USAGE_ERROR)


def _leftovers() -> dict[str, int]:
    """Labelled objects still on the lab's engines (and on DOCKER_HOST's)."""
    found: dict[str, int] = {}
    engines: list[Any] = [e for e in Lab().engines if e.state() == "running"]
    host = configured_host()
    if host:
        engines.append(ExternalEngine(host))
    for engine in engines:
        with engine.client() as client:
            count = count_labelled(client)
        if count:
            found[getattr(engine, "name", host)] = count
    return found


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not _nbval_on(config) or _LAB_WAS_UP not in config.stash:
        return
    leftovers = _leftovers()
    if not config.stash[_LAB_WAS_UP] and Lab().engines:
        Lab().down()  # this run started it
    if leftovers:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"chapters left labelled objects behind: {leftovers}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
