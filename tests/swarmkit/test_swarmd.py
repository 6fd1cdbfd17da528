"""swarmd's main: flags, exit status, and a real SIGINT against a lab engine."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

import swarmnotes
from swarmnotes.go import leak
from swarmnotes.lab import Lab
from swarmnotes.swarmkit import swarmd
from swarmnotes.swarmkit.node import LEAVE_TIMEOUT
from tests.helpers import MISSING_SOCKET, swarm_state


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--bogus"], "unrecognized arguments: --bogus"),
        (["--heartbeat-tick", "0"], "argument --heartbeat-tick: must be from 1"),
        (["--election-tick", "three"], "argument --election-tick: not a whole number: 'three'"),
        (["--join-addr", "nohost"], "argument --join-addr: want HOST:PORT, got 'nohost'"),
        (["--listen-remote-api", "1.2.3.4:99999"], "argument --listen-remote-api: want HOST:PORT"),
        (["--log-level", "loud"], "argument -l/--log-level: invalid choice: 'loud'"),
        (["--external-ca", "url"], "argument --external-ca: want key=value pairs"),
        (["extra"], "unrecognized arguments: extra"),
    ],
)
def test_bad_flags_are_a_usage_error(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert swarmd.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: swarmd") and message in err


def test_help_and_version_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert swarmd.main(["--help"]) == 0
    out = capsys.readouterr().out
    for flag in (
        "--hostname",
        "--engine-addr",
        "--listen-remote-api",
        "--advertise-remote-api",
        "--join-addr",
        "--join-token",
        "--state-dir",
        "--heartbeat-tick",
        "--election-tick",
        "--force-new-cluster",
    ):
        assert flag in out
    assert swarmd.main(["--version"]) == 0
    assert "swarmkit v1.12.0" in capsys.readouterr().out


def test_defaults_are_swarmds() -> None:
    args = swarmd.build_parser().parse_args([])
    assert (args.state_dir, args.engine_addr, args.listen_remote_api) == (
        "./swarmkitstate",
        "unix:///var/run/docker.sock",
        "0.0.0.0:4242",
    )
    assert (args.heartbeat_tick, args.election_tick, args.force_new_cluster) == (1, 3, False)
    assert args.join_addr is None and args.join_token == "" and args.hostname == ""


def test_an_external_ca_flag_becomes_the_engines_spec() -> None:
    args = swarmd.build_parser().parse_args(
        ["--external-ca", "protocol=cfssl,url=https://ca.example:8888"]
    )
    assert args.external_ca == [
        {"Protocol": "cfssl", "URL": "https://ca.example:8888", "Options": {}}
    ]


def test_an_unreachable_engine_exits_one_with_the_error_logged(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with leak.check(timeout=5):  # main's goroutines and the node's end with it
        rc = swarmd.main(
            [
                "--engine-addr",
                MISSING_SOCKET,
                "-d",
                str(tmp_path / "s"),
                "--listen-remote-api",
                "127.0.0.1:4242",
            ]
        )
    assert rc == 1
    captured = capsys.readouterr()
    assert captured.out.startswith("Warning: Specifying a valid address with --listen-remote-api")
    assert "level=fatal" in captured.err
    # One sentence naming the engine, not urllib3's words.
    assert (
        f'msg="swarm init: cannot reach the Docker engine at {MISSING_SOCKET}: no such socket"'
    ) in captured.err
    assert "urllib3" not in captured.err and "Connection aborted" not in captured.err
    assert "node is ready" not in captured.err


def test_an_unmakeable_state_dir_exits_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "file").write_text("x")
    rc = swarmd.main(["--engine-addr", MISSING_SOCKET, "-d", str(tmp_path / "file" / "s")])
    assert rc == 1 and "level=fatal" in capsys.readouterr().err


def _swarmd(argv: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ)
    src = str(Path(swarmnotes.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH")) if p)
    return subprocess.Popen(
        [sys.executable, "-m", "swarmnotes.swarmkit.swarmd", *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _wait_for_line(stream: object, needle: str, timeout: float) -> list[str]:
    """Read lines until one contains ``needle`` (bounded); return the lines read."""
    lines: list[str] = []
    found = threading.Event()

    def reader() -> None:
        for line in stream:  # type: ignore[attr-defined]
            lines.append(line)
            if needle in line:
                found.set()
                return

    threading.Thread(target=reader, daemon=True).start()
    found.wait(timeout)
    return lines


@pytest.mark.engine
def test_sigint_stops_the_node_and_swarmd_exits_zero(clean_swarm: Lab, tmp_path: Path) -> None:
    engine = clean_swarm.engine(1)
    proc = _swarmd(
        [
            "--engine-addr",
            engine.base_url,
            "-d",
            str(tmp_path / "s"),
            "--listen-remote-api",
            f"{engine.address}:2377",
            "--hostname",
            engine.name,
        ]
    )
    try:
        lines = _wait_for_line(proc.stderr, "node is ready", 30)
        assert any('level=info msg="node is ready"' in line for line in lines), lines
        with engine.client() as client:
            assert swarm_state(client) == "active"
        proc.send_signal(signal.SIGINT)
        rc = proc.wait(LEAVE_TIMEOUT + 10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    assert rc == 0, proc.stderr.read() if proc.stderr else ""
    with engine.client() as client:
        assert swarm_state(client) == "inactive"


@pytest.mark.engine
def test_a_swarmd_worker_joins_and_a_dead_engine_exits_one(
    clean_swarm: Lab, tmp_path: Path
) -> None:
    manager, worker = clean_swarm.engine(1), clean_swarm.engine(2)
    with manager.client() as client:
        client.swarm.init(
            listen_addr=f"{manager.address}:2377", advertise_addr=f"{manager.address}:2377"
        )
        token = client.swarm.attrs["JoinTokens"]["Worker"]
    proc = _swarmd(
        [
            "--engine-addr",
            worker.base_url,
            "-d",
            str(tmp_path / "w"),
            "--listen-remote-api",
            f"{worker.address}:2377",
            "--join-addr",
            f"{manager.address}:2377",
            "--join-token",
            token,
        ]
    )
    try:
        lines = _wait_for_line(proc.stderr, "node is ready", 30)
        assert any("node is ready" in line for line in lines), lines
        clean_swarm.kill_engine(2)
        rc = proc.wait(20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
    rest = proc.stderr.read() if proc.stderr else ""
    assert rc == 1
    assert 'level=fatal msg="engine unreachable: 3 heartbeats missed' in rest
