"""The flags of ``manage`` (docker/swarm v1.2.5 cli/flags.go, cli/manage.go), and a clean stop."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading

import pytest

from swarmnotes.go import leak
from swarmnotes.lab import Lab
from swarmnotes.swarm.cli import DEFAULT_FILTER_NUMBER, ManageError, Manager, parse_manage_args
from swarmnotes.swarm.cli.manage import parse_duration
from swarmnotes.swarm.cli.run import ManagerProcess, docker
from swarmnotes.swarm.scheduler import filter


def test_defaults() -> None:
    options = parse_manage_args([])
    assert options.strategy == "spread"
    assert options.filters == filter.list()
    assert DEFAULT_FILTER_NUMBER == 6
    assert options.engine_opts.refresh_min_interval == 30
    assert options.engine_opts.refresh_max_interval == 60
    assert options.engine_opts.failure_retry == 3
    assert len(options.hosts) == 1 and options.hosts[0].startswith("unix://")
    assert options.discovery == ""


def test_filter_flag_replaces_the_defaults() -> None:
    # Go: the values are appended to the defaults, and manage.go drops the defaults.
    options = parse_manage_args(["--filter", "health", "-f", "constraint"])
    assert options.filters == ["health", "constraint"]


@pytest.mark.parametrize(
    ("argv", "text"),
    [
        (["--strategy", "nosuch"], "strategy not supported"),
        (["--filter", "slots"], "filter not supported"),
        (
            ["--engine-refresh-min-interval", "0s"],
            "min refresh interval should be a positive number",
        ),
        (
            ["--engine-refresh-min-interval", "10s", "--engine-refresh-max-interval", "5s"],
            "max refresh interval cannot be less than min refresh interval",
        ),
        (
            ["--engine-refresh-retry", "5"],
            "--engine-refresh-retry is deprecated. Use --engine-failure-retry",
        ),
        (["--engine-failure-retry", "0"], "invalid failure retry count"),
        (["--heartbeat", "10ms"], "--heartbeat should be at least one second"),
        (["--engine-refresh-min-interval", "soon"], 'time: invalid duration "soon"'),
    ],
)
def test_fatal_errors_carry_go_text(argv: list[str], text: str) -> None:
    with pytest.raises(ManageError) as info:
        parse_manage_args(argv)
    assert str(info.value) == text


def test_binpacking_is_an_alias() -> None:
    assert parse_manage_args(["--strategy", "binpacking"]).strategy == "binpacking"


def test_parse_duration() -> None:
    assert parse_duration("1m30s") == 90
    assert parse_duration("500ms") == 0.5
    assert parse_duration("2h") == 7200


def test_command_prints_the_fatal_error_and_exits_1() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "swarmnotes", "manage", "--strategy", "x"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "FATA[0000] strategy not supported"


def test_unsupported_discovery() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "swarmnotes", "manage", "consul://x:8500"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == "FATA[0000] discovery service not supported"


@pytest.mark.engine
def test_manager_in_process_leaves_no_thread_and_no_socket(lab: Lab, tmp_path) -> None:
    sock = tmp_path / "m.sock"
    addrs = ",".join(e.base_url for e in lab.engines[:2])
    before = set(threading.enumerate())
    with leak.check(timeout=15):
        manager = Manager(
            parse_manage_args(
                [
                    "-H",
                    f"unix://{sock}",
                    "--filter",
                    "health",
                    "--filter",
                    "constraint",
                    f"nodes://{addrs}",
                ]
            )
        )
        manager.start()
        try:
            assert sock.exists() and (sock.stat().st_mode & 0o777) == 0o600
            info = docker(f"unix://{sock}", "info").stdout
            assert "Nodes: 2" in info
            assert "Filters: health, constraint" in info
        finally:
            manager.stop()
    assert not sock.exists()
    left = [t for t in set(threading.enumerate()) - before if t.is_alive()]
    assert left == [], left


@pytest.mark.engine
def test_tcp_listener_only_when_asked(lab: Lab) -> None:
    manager = Manager(
        parse_manage_args(["-H", "tcp://127.0.0.1:0", f"nodes://{lab.engine(1).base_url}"])
    )
    manager.start()
    try:
        [url] = manager.urls
        assert url.startswith("tcp://127.0.0.1:")
        version = docker(url, "version", "--format", "{{.Server.Version}}")
        assert version.stdout.strip() == "swarm/1.2.5"
    finally:
        manager.stop()


@pytest.mark.engine
def test_ctrl_c_stops_the_command_cleanly(lab: Lab) -> None:
    m = ManagerProcess(f"nodes://{lab.engine(1).base_url}").start()
    assert m.socket.exists()
    assert m.stop(sig=signal.SIGINT) == 0  # stop() also checks the socket is gone
    assert m.lines[-1] == "swarmnotes manage: stopping"
    assert m.stderr == ""
