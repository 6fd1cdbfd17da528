"""`make jupyter`: the lab up, JupyterLab on the chapters, Ctrl+C stops both.

    JUPYTER_PORT   the port (default 8888); a taken port is an error, never a silent move
    JUPYTER_IP     the address JupyterLab listens on (default 127.0.0.1; the container
                   image sets 0.0.0.0 so that `docker run -p` can reach it)
    JUPYTER_TOKEN  the login token (default: a new random one each run)

Order of work: check the port, bring the lab up (reusing a running one), start
JupyterLab in notebooks/ in its own session, wait until it answers, print the URL
to open. On SIGINT (Ctrl+C) or SIGTERM: stop JupyterLab (its kernels with it),
then bring the lab down, but only if this run started it and no other
`make jupyter` of this checkout still uses it. A lab someone else started (by
`swarmnotes lab up`, a pytest session, `make test`) is left as it was: it is
theirs, and their kernels or tests may be using it.
"""

from __future__ import annotations

import errno
import fcntl
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"

# How long JupyterLab may take to answer, and to stop, on a loaded 2-core machine.
START_TIMEOUT = 90.0
STOP_TIMEOUT = 30.0


def say(message: str) -> None:
    print(f"jupyter: {message}", file=sys.stderr, flush=True)


class Failure(Exception):
    """A reason to stop before JupyterLab runs; printed without a traceback."""


def port_from_env() -> int:
    text = os.environ.get("JUPYTER_PORT", "8888")
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise Failure(f"JUPYTER_PORT must be a port number from 1 to 65535, got {text!r}")
    return int(text)


def check_port_free(ip: str, port: int) -> None:
    """Fail naming the port if something already listens there."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        # The same option JupyterLab's own listener sets, so a port that only
        # has connections in TIME_WAIT counts as free, as it will for JupyterLab.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((ip, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise Failure(
                    f"port {port} on {ip} is already in use (another JupyterLab?): stop "
                    f"what listens there, or choose a free port: "
                    f"JUPYTER_PORT={port + 1} make jupyter"
                ) from None
            raise Failure(f"cannot listen on {ip}:{port}: {exc.strerror}") from None


# -- who uses the lab ------------------------------------------------------------
#
# Each running `make jupyter` of this checkout holds a file <lab dir>/jupyter/<pid>;
# the file "started-lab" says that one of them brought the lab up. The last one
# to leave brings the lab down if that file is there.


def users_dir(lab_dir: Path) -> Path:
    return lab_dir / "jupyter"


@contextmanager
def users_locked(lab_dir: Path) -> Iterator[Path]:
    directory = users_dir(lab_dir)
    directory.mkdir(parents=True, exist_ok=True)
    with open(directory / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield directory


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def live_users(directory: Path) -> list[int]:
    pids = []
    for entry in directory.iterdir():
        if entry.name.isdigit():
            if pid_alive(int(entry.name)):
                pids.append(int(entry.name))
            else:
                entry.unlink(missing_ok=True)  # left by a run that was killed
    return pids


def lab_is_up() -> bool:
    from swarmnotes.lab import Lab

    engines = Lab().engines
    return bool(engines) and all(engine.state() == "running" for engine in engines)


def join_lab() -> Path:
    """Bring the lab up (or reuse it) and register this run as one of its users."""
    from swarmnotes.lab import Lab, LabError, LabUnavailableError

    was_up = lab_is_up()
    say("reusing the running lab" if was_up else "bringing the lab up (3 engines)")
    try:
        lab = Lab.up(engines=3, progress=say)
    except LabUnavailableError as exc:
        raise Failure(str(exc)) from None  # one sentence that names the container
    except LabError as exc:
        raise Failure(f"the lab could not start: {exc}") from None
    with users_locked(lab.dir) as directory:
        if not was_up and not live_users(directory):
            (directory / "started-lab").touch()
        (directory / str(os.getpid())).touch()
    return lab.dir


def leave_lab(lab_dir: Path) -> None:
    """Unregister; the last user brings the lab down if one of them started it."""
    from swarmnotes.lab.lab import down

    with users_locked(lab_dir) as directory:
        (directory / str(os.getpid())).unlink(missing_ok=True)
        others = live_users(directory)
        ours = (directory / "started-lab").exists()
    if others:
        say(f"leaving the lab up: another `make jupyter` (pid {others[0]}) still uses it")
    elif ours:
        say("bringing the lab down")
        down(lab_dir, progress=say)
    else:
        (directory / "lock").unlink(missing_ok=True)
        directory.rmdir()
        say("leaving the lab up: it was running before `make jupyter` started")


# -- JupyterLab ------------------------------------------------------------------


def jupyter_command(ip: str, port: int, token: str) -> list[str]:
    command = [
        str(VENV_PYTHON),
        "-m",
        "jupyterlab",
        "--no-browser",
        f"--ServerApp.ip={ip}",
        f"--ServerApp.port={port}",
        # Without this, a port taken in the meantime makes JupyterLab quietly
        # pick another one, and the URL printed below would be wrong.
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={ROOT / 'notebooks'}",
        f"--IdentityProvider.token={token}",
    ]
    if os.geteuid() == 0:
        command.append("--allow-root")  # JupyterLab refuses to run as root without it
    return command


def kernel_env() -> dict[str, str]:
    """This environment, with the venv's kernels found first.

    Jupyter looks for kernels in JUPYTER_PATH, then in the user's own directory
    (~/.local/share/jupyter), and only then in the venv. A "python3" kernel of
    the user's own would shadow the venv's, and the chapters would import some
    other swarmnotes, or none: put the venv's first.
    """
    env = dict(os.environ)
    venv_data = str(ROOT / ".venv" / "share" / "jupyter")
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [venv_data, env.get("JUPYTER_PATH")]))
    return env


def wait_until_answering(process: subprocess.Popen[bytes], port: int, token: str) -> None:
    url = f"http://127.0.0.1:{port}/api/status?token={token}"
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if process.poll() is not None:
            raise Failure(
                f"JupyterLab exited with status {process.returncode} before it "
                "answered (its log is above)"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise Failure(f"JupyterLab did not answer on port {port} within {START_TIMEOUT:g} s")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM (JupyterLab then shuts its kernels down), SIGKILL after a bound."""
    if process.poll() is not None:
        return
    say("stopping JupyterLab")
    process.terminate()
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        say(f"JupyterLab did not stop within {STOP_TIMEOUT:g} s: killing it")
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT)


def main() -> int:
    stopping = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stopping.set()

    # Installed first, so a Ctrl+C while the lab comes up still cleans up.
    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    ip = os.environ.get("JUPYTER_IP", "127.0.0.1")
    token = os.environ.get("JUPYTER_TOKEN") or secrets.token_hex(24)
    try:
        port = port_from_env()
        check_port_free(ip, port)
        if not VENV_PYTHON.is_file():
            raise Failure(f"no {VENV_PYTHON}: run `make setup` first")
        lab_dir = join_lab()
    except Failure as exc:
        say(f"error: {exc}")
        return 2
    process: subprocess.Popen[bytes] | None = None
    status = 0
    try:
        if stopping.is_set():
            return 130
        # A session of its own: Ctrl+C in the terminal reaches this script only,
        # and JupyterLab gets one SIGTERM (its SIGINT handler would ask "y/n").
        process = subprocess.Popen(
            jupyter_command(ip, port, token),
            cwd=ROOT / "notebooks",
            env=kernel_env(),
            start_new_session=True,
            stdin=subprocess.DEVNULL,
        )
        wait_until_answering(process, port, token)
        host = "127.0.0.1" if ip in ("0.0.0.0", "") else ip
        print(
            f"\nJupyterLab is running the chapters. Open:\n\n"
            f"    http://{host}:{port}/lab?token={token}\n\n"
            f"Ctrl+C stops JupyterLab (and the lab, if this command started it).\n",
            flush=True,
        )
        while not stopping.is_set() and process.poll() is None:
            stopping.wait(0.5)
        if process.poll() is not None and not stopping.is_set():
            say(f"JupyterLab exited with status {process.returncode}")
            status = 1
    except Failure as exc:
        say(f"error: {exc}")
        status = 2
    finally:
        if process is not None:
            stop(process)
        leave_lab(lab_dir)
    return status


if __name__ == "__main__":
    sys.exit(main())
