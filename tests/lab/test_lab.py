"""The lab: separate hosts, idempotent up, complete down, replaced engines.

Tests that bring labs up and down use their own lab directory (so their own
bridge, subnet and namespaces) and never disturb the session's lab.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from swarmnotes.lab import BASE_IMAGE, LABEL, Lab, LabError, Registry, host
from swarmnotes.lab.engine import process_alive


@pytest.fixture
def own_lab(tmp_path: Path) -> Iterator[Lab]:
    """A private two-engine lab in a temporary directory, always removed."""
    try:
        yield Lab.up(engines=2, lab_dir=tmp_path / "lab")
    finally:
        Lab(tmp_path / "lab").down()


def lab_pids(lab_dir: Path) -> list[int]:
    """Live (non-zombie) processes whose command line names ``lab_dir``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if str(lab_dir).encode() in cmdline and process_alive(int(entry)):
            found.append(int(entry))
    return found


def run_in(engine, registry: Registry, command: str, **kwargs):
    client = engine.client()
    container = registry.track(
        client.containers.run(
            BASE_IMAGE, ["sh", "-c", command], labels=LABEL, detach=True, **kwargs
        )
    )
    return client, container


def test_engines_are_separate_hosts(lab: Lab, registry: Registry) -> None:
    names, addresses = [], []
    for engine in lab.engines:
        client, container = run_in(engine, registry, "ip -4 -o addr show eth0", network_mode="host")
        assert container.wait(timeout=30)["StatusCode"] == 0
        info = client.info()
        names.append(info["Name"])
        addresses.append(engine.address)
        # The engine's own eth0 carries the engine's lab address: its own netns.
        assert f"inet {engine.address}/24" in container.logs().decode()
        assert sorted(info["Labels"]) == sorted(f"{k}={v}" for k, v in engine.labels.items())
        client.close()
    assert names == ["lab-1", "lab-2", "lab-3"]
    ids = set()
    for engine in lab.engines:
        with engine.client() as client:
            ids.add(client.info()["ID"])
    assert len(ids) == 3, "engines share an engine ID (key.json)"
    assert len(set(addresses)) == 3
    assert len({str(sorted(e.labels.items())) for e in lab.engines}) == 3


def test_container_is_seen_only_by_its_engine(lab: Lab, registry: Registry) -> None:
    client2, container = run_in(lab.engine(2), registry, "sleep 30")
    for engine in lab.engines:
        with engine.client() as client:
            ids = [c.id for c in client.containers.list(all=True)]
        assert (container.id in ids) == (engine.index == 2), engine.name
    client2.close()


def test_two_engines_publish_the_same_port(lab: Lab, registry: Registry) -> None:
    for engine in lab.engines[:2]:
        run_in(
            engine,
            registry,
            f"while true; do echo {engine.name} | nc -l -p 80; done",
            ports={"80/tcp": 18080},
        )
    for engine in lab.engines[:2]:
        deadline = time.monotonic() + 20
        while True:
            try:
                with socket.create_connection((engine.address, 18080), timeout=5) as conn:
                    reply = conn.recv(64)
                if reply:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"no answer from {engine.name}:18080"
            time.sleep(0.2)
        assert reply.decode().strip() == engine.name


@pytest.mark.engine  # makes a lab of its own
def test_up_twice_is_idempotent(own_lab: Lab) -> None:
    pids = [engine.pid() for engine in own_lab.engines]
    again = Lab.up(engines=2, lab_dir=own_lab.dir)
    assert [engine.pid() for engine in again.engines] == pids
    assert [engine.address for engine in again.engines] == [e.address for e in own_lab.engines]
    assert [row.state for row in again.status()] == ["running", "running"]


@pytest.mark.engine  # makes a lab of its own
def test_killed_engine_is_reported_dead_and_replaced(own_lab: Lab) -> None:
    old_pid = own_lab.engine(2).pid()
    own_lab.kill_engine(2)
    states = {row.name: row.state for row in own_lab.status()}
    assert states == {"lab-1": "running", "lab-2": "dead"}
    again = Lab.up(lab_dir=own_lab.dir)
    assert [row.state for row in again.status()] == ["running", "running"]
    assert again.engine(2).pid() not in (None, old_pid)
    with again.engine(2).client() as client:
        assert client.images.get(BASE_IMAGE).tags == [BASE_IMAGE]


@pytest.mark.engine  # makes a lab of its own
def test_down_leaves_nothing(tmp_path: Path) -> None:
    lab_dir = tmp_path / "lab"
    lab = Lab.up(engines=2, lab_dir=lab_dir)
    with lab.engine(1).client() as client:
        client.containers.run(BASE_IMAGE, ["sleep", "300"], labels=LABEL, detach=True)
    bridge, netns = lab.bridge, [e.netns for e in lab.engines]
    veths = [e.veth for e in lab.engines]
    assert lab_pids(lab_dir)
    lab.down()
    deadline = time.monotonic() + 10
    while lab_pids(lab_dir) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert lab_pids(lab_dir) == []
    assert not any(host.netns_exists(name) for name in netns)
    assert not any(host.link_exists(name) for name in [bridge, *veths])
    assert not any(bridge in rule for rule in host.lab_forward_rules())
    assert host.mounts_under(str(lab_dir)) == []
    assert not lab_dir.exists()
    assert not any(Path("/run/swn").glob(f"{bridge}-*"))


def test_bad_engine_counts_are_refused(tmp_path: Path) -> None:
    for bad in (0, 99, -1):
        with pytest.raises(LabError, match="engines must be a whole number from 1 to 8"):
            Lab.up(engines=bad, lab_dir=tmp_path / "lab")
    assert not (tmp_path / "lab" / "lab.json").exists()


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "swarmnotes", *args], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["lab", "up", "--engines", "0"], "argument --engines: must be from 1 to 8, got 0"),
        (["lab", "up", "--engines", "99"], "argument --engines: must be from 1 to 8, got 99"),
        (["lab", "up", "--engines", "two"], "argument --engines: not a whole number: 'two'"),
        (["lab", "sideways"], "invalid choice: 'sideways'"),
        (["lab"], "the following arguments are required"),
    ],
)
def test_cli_bad_input_gives_a_clear_error(args: list[str], message: str) -> None:
    done = cli(*args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_cli_status_and_env(lab: Lab) -> None:
    status = cli("lab", "status")
    assert status.returncode == 0, status.stderr
    lines = status.stdout.splitlines()
    assert lines[0].split() == ["NAME", "ADDRESS", "SOCKET", "LABELS", "CONTAINERS", "STATE"]
    for engine, line in zip(lab.engines, lines[1:], strict=True):
        assert line.split()[:3] == [engine.name, engine.address, str(engine.socket)]
        assert line.split()[-1] == "running"
    env = cli("lab", "env", "--engine", "2")
    assert env.stdout.strip() == f"export DOCKER_HOST={lab.engine(2).base_url}"
    bad = cli("lab", "env", "--engine", "7")
    assert bad.returncode == 1
    assert "no engine 7: the lab has 3 engine(s)" in bad.stderr


def test_single_engine_follows_docker_host(lab: Lab, monkeypatch: pytest.MonkeyPatch) -> None:
    from swarmnotes.lab import single_engine

    monkeypatch.delenv("SWARMNOTES_DOCKER_HOST", raising=False)
    monkeypatch.setenv("DOCKER_HOST", lab.engine(2).base_url)
    assert single_engine().name == "lab-2"
    monkeypatch.setenv("SWARMNOTES_DOCKER_HOST", lab.engine(3).base_url)
    assert single_engine().name == "lab-3"
    monkeypatch.delenv("SWARMNOTES_DOCKER_HOST")
    monkeypatch.delenv("DOCKER_HOST")
    assert single_engine().name == "lab-1"
