"""``swarmnotes manage`` driven by the real docker CLI over the three lab engines.

Mirrors what docker/swarm v1.2.5's integration tests (test/integration/api/)
check with the docker client: placement by constraint, affinity and
strategy, the port filter, node-prefixed names, logs, events, removal,
attach, a failing engine, and the errors of bad requests.
"""

from __future__ import annotations

import http.client
import json
import socket
import time

import pytest

from swarmnotes.lab import Lab
from swarmnotes.swarm.cli.run import ManagerProcess, docker

from .conftest import FAST, IMAGE, names, run_d, wait_for

pytestmark = pytest.mark.engine


class UnixHTTPConnection(http.client.HTTPConnection):
    """http.client over the manager's unix socket, for requests the CLI will not send."""

    def __init__(self, path: str, timeout: float = 30.0) -> None:
        super().__init__("localhost", timeout=timeout)
        self._path = path

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self._path)


def request(
    m: ManagerProcess, method: str, path: str, body: bytes | None = None
) -> tuple[int, str]:
    conn = UnixHTTPConnection(str(m.socket))
    try:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        conn.request(method, path, body=body, headers=headers)
        resp = conn.getresponse()
        return resp.status, resp.read().decode()
    finally:
        conn.close()


def test_constraint_places_on_the_matching_engine(manager: ManagerProcess, clean: Lab) -> None:
    [name] = names()
    assert run_d(manager.host, name, "-e", "constraint:region==us-west") == "lab-2"
    # The constraint travels in swarm's label, as in v1.2.5.
    labels = docker(
        manager.host,
        "inspect",
        "-f",
        '{{index .Config.Labels "com.docker.swarm.constraints"}}',
        name,
    )
    assert labels.stdout.strip() == '["region==us-west"]'


def test_constraint_from_a_label(manager: ManagerProcess, clean: Lab) -> None:
    [name] = names()
    node = run_d(manager.host, name, "--label", 'com.docker.swarm.constraints=["node==lab-3"]')
    assert node == "lab-3"


def test_spread_puts_three_containers_on_three_engines(start_manager, clean: Lab) -> None:
    m = start_manager("--strategy", "spread", *FAST)
    placed = [run_d(m.host, name) for name in names(3)]
    assert sorted(placed) == ["lab-1", "lab-2", "lab-3"]


def test_binpack_puts_three_containers_on_one_engine(start_manager, clean: Lab) -> None:
    m = start_manager("--strategy", "binpack", *FAST)
    placed = [run_d(m.host, name) for name in names(3)]
    assert len(set(placed)) == 1, placed


def test_affinity_lands_beside_the_named_container(manager: ManagerProcess, clean: Lab) -> None:
    web, db = names(2)
    first = run_d(manager.host, web, "-e", "constraint:node==lab-3")
    assert first == "lab-3"
    assert run_d(manager.host, db, "-e", f"affinity:container=={web}") == "lab-3"


def test_port_conflict_is_refused(manager: ManagerProcess, clean: Lab) -> None:
    a, b = names(2)
    assert run_d(manager.host, a, "-p", "18080:80", "-e", "constraint:node==lab-1") == "lab-1"
    result = docker(
        manager.host,
        "run",
        "-d",
        "--label",
        "io.swarmnotes=1",
        "--name",
        b,
        "-p",
        "18080:80",
        "-e",
        "constraint:node==lab-1",
        IMAGE,
        "sleep",
        "60",
    )
    assert result.returncode != 0
    assert "Unable to find a node that satisfies the following conditions" in result.stderr
    assert "[port 18080 (Bridge mode)]" in result.stderr
    # Without the constraint, the port filter sends it elsewhere.
    assert run_d(manager.host, b, "-p", "18080:80") in ("lab-2", "lab-3")


def test_ps_lists_every_engines_containers_with_the_node_prefix(
    manager: ManagerProcess, clean: Lab
) -> None:
    made = {}
    for i, name in enumerate(names(3), start=1):
        assert run_d(manager.host, name, "-e", f"constraint:node==lab-{i}") == f"lab-{i}"
        made[name] = f"lab-{i}"
    # One more, made on lab-2 directly: the manager learns of it from the events.
    direct = names()[0]
    with clean.engine(2).client() as client:
        client.containers.run(
            IMAGE, ["sleep", "120"], name=direct, detach=True, labels={"io.swarmnotes": "1"}
        )
    made[direct] = "lab-2"

    def listed() -> set[str]:
        out = docker(manager.host, "ps", "--format", "{{.Names}}")
        return set(out.stdout.split())

    wanted = {f"{node}/{name}" for name, node in made.items()}
    wait_for(lambda: wanted <= listed(), 15, f"docker ps to list {sorted(wanted)}")


def test_logs_and_rm_f(manager: ManagerProcess, clean: Lab) -> None:
    [name] = names()
    node = run_d(manager.host, name, cmd=("sh", "-c", "echo hello-from-$HOSTNAME; sleep 120"))
    wait_for(
        lambda: "hello-from-" in docker(manager.host, "logs", name).stdout,
        15,
        "the container's output in docker logs",
    )
    removed = docker(manager.host, "rm", "-f", name)
    assert removed.returncode == 0, removed.stderr
    assert name not in docker(manager.host, "ps", "-a", "--format", "{{.Names}}").stdout
    index = int(node.removeprefix("lab-"))
    with clean.engine(index).client() as client:
        assert name not in [c.name for c in client.containers.list(all=True)]


def test_events_since_names_the_node(manager: ManagerProcess, clean: Lab) -> None:
    since = time.time() - 1
    [name] = names()
    node = run_d(manager.host, name, "-e", "constraint:node==lab-3")
    assert node == "lab-3"
    until = time.time() + 1
    result = docker(
        manager.host,
        "events",
        "--since",
        f"{since:.3f}",
        "--until",
        f"{until:.3f}",
        "--format",
        "{{json .}}",
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    created = [
        e
        for e in events
        if e.get("Action") == "create" and e["Actor"]["Attributes"].get("name") == name
    ]
    assert created, result.stdout[-2000:]
    assert created[0]["Actor"]["Attributes"]["node.name"] == "lab-3"
    assert created[0]["from"].endswith(" node:lab-3")


def test_events_filter(manager: ManagerProcess, clean: Lab) -> None:
    since = time.time() - 1
    [name] = names()
    run_d(manager.host, name)
    until = time.time() + 1
    result = docker(
        manager.host,
        "events",
        "--since",
        f"{since:.3f}",
        "--until",
        f"{until:.3f}",
        "--filter",
        f"container={name}",
        "--filter",
        "event=start",
        "--format",
        "{{.Action}} {{.Actor.Attributes.name}}",
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"start {name}"]


def test_run_attached_prints_and_removes(manager: ManagerProcess, clean: Lab) -> None:
    result = docker(
        manager.host, "run", "--rm", "--label", "io.swarmnotes=1", IMAGE, "echo", "hi", timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "hi\n"
    # --rm: gone from every engine.
    for engine in clean.engines:
        with engine.client() as client:
            assert client.containers.list(all=True, filters={"label": "io.swarmnotes=1"}) == []


def test_run_attached_exit_status_and_stdin(manager: ManagerProcess, clean: Lab) -> None:
    result = docker(
        manager.host,
        "run",
        "--rm",
        "-i",
        "--label",
        "io.swarmnotes=1",
        IMAGE,
        "sh",
        "-c",
        "read line; echo got-$line; exit 3",
        input="ping\n",
        timeout=60,
    )
    assert result.stdout == "got-ping\n"
    assert result.returncode == 3


def test_stop_restart_kill_wait(manager: ManagerProcess, clean: Lab) -> None:
    [name] = names()
    run_d(manager.host, name)
    for verb in ("stop", "restart", "kill"):
        result = docker(manager.host, verb, name, timeout=60)
        assert result.returncode == 0, (verb, result.stderr)
    waited = docker(manager.host, "wait", name, timeout=60)
    assert waited.stdout.strip() == "137"
    state = docker(manager.host, "inspect", "-f", "{{.State.Status}}", name)
    assert state.stdout.strip() == "exited"


def test_killed_engine_is_unhealthy_and_not_chosen(manager: ManagerProcess, clean: Lab) -> None:
    clean.kill_engine(3)
    try:

        def lab3_status() -> str:
            info = docker(manager.host, "info", timeout=30).stdout
            lines = info.splitlines()
            for i, line in enumerate(lines):
                if line.strip().startswith("lab-3:"):
                    return lines[i + 2].split(":", 1)[1].strip()
            return ""

        wait_for(lambda: lab3_status() == "Unhealthy", 30, "docker info to say lab-3 Unhealthy")
        placed = [run_d(manager.host, name) for name in names(4)]
        assert "lab-3" not in placed
        assert set(placed) == {"lab-1", "lab-2"}
    finally:
        clean.start_engine(3)
    wait_for(lambda: lab3_status() == "Healthy", 60, "lab-3 to be Healthy again")


def test_bad_json_is_refused_with_go_text(manager: ManagerProcess) -> None:
    status, text = request(manager, "POST", "/v1.41/containers/create", b"{not json")
    assert status == 400
    assert text == "invalid character 'n' looking for beginning of object key string\n"
    status, text = request(manager, "POST", "/containers/create", b"")
    assert (status, text) == (400, "unexpected EOF\n")


def test_unknown_filter_is_refused(manager: ManagerProcess) -> None:
    result = docker(manager.host, "ps", "--filter", "colour=blue")
    assert result.returncode != 0
    assert "Invalid filter 'colour'" in result.stderr
    status, text = request(manager, "GET", "/containers/json?filters=%7Bbad")
    assert status == 400
    assert text.startswith("invalid character 'b'")


def test_bad_constraint_is_refused(manager: ManagerProcess, clean: Lab) -> None:
    [name] = names()
    result = docker(
        manager.host,
        "run",
        "-d",
        "--label",
        "io.swarmnotes=1",
        "--name",
        name,
        "-e",
        "constraint:region=us-west",
        IMAGE,
        "true",
    )
    assert result.returncode != 0
    assert "Unable to find a node that satisfies the following conditions" in result.stderr
    body = json.dumps(
        {"Image": IMAGE, "Env": ["constraint:region=us-west"], "Labels": {"io.swarmnotes": "1"}}
    ).encode()
    status, text = request(manager, "POST", "/containers/create", body)
    assert status == 400
    assert text.startswith("Unable to find a node that satisfies the following conditions")


def test_no_node_fits(manager: ManagerProcess, clean: Lab) -> None:
    result = docker(
        manager.host,
        "run",
        "-d",
        "--label",
        "io.swarmnotes=1",
        "-e",
        "constraint:region==mars",
        IMAGE,
        "true",
    )
    assert result.returncode != 0
    assert (
        "Error response from daemon: Unable to find a node that satisfies the following "
        "conditions \n[available container slots]\n[region==mars]"
    ) in result.stderr


def test_unknown_and_unsupported_endpoints(manager: ManagerProcess) -> None:
    assert request(manager, "GET", "/v1.41/no/such/thing") == (404, "404 page not found\n")
    assert request(manager, "POST", "/v1.41/networks/create", b"{}") == (
        501,
        "Not supported in clustering mode.\n",
    )
    status, text = request(manager, "GET", "/containers/no-such-box/json")
    assert (status, text) == (404, "No such container: no-such-box\n")


def test_ping_version_and_info(manager: ManagerProcess) -> None:
    status, text = request(manager, "GET", "/_ping")
    assert (status, text) == (200, "OK")
    version = docker(manager.host, "version", "--format", "{{.Server.Version}}")
    assert version.stdout.strip() == "swarm/1.2.5"
    info = docker(manager.host, "info").stdout
    assert "Strategy: spread" in info
    assert "Filters: health, port, containerslots, dependency, affinity, constraint" in info
    assert "Nodes: 3" in info
    for i in (1, 2, 3):
        assert f" lab-{i}: unix://" in info
    assert "└ Reserved CPUs: " in info
    assert "region=us-west" in info


def test_name_conflict(manager: ManagerProcess, clean: Lab) -> None:
    [name] = names()
    run_d(manager.host, name)
    again = docker(
        manager.host, "run", "-d", "--label", "io.swarmnotes=1", "--name", name, IMAGE, "true"
    )
    assert again.returncode != 0
    assert f"Conflict: The name {name} is already assigned." in again.stderr


def test_cpu_and_memory_requests_are_honoured(manager: ManagerProcess, clean: Lab) -> None:
    # Swarm counts -c in CPUs: a container asking for all of an engine's CPUs fills it.
    with clean.engine(1).client() as client:
        ncpu = int(client.info()["NCPU"])
    placed = [run_d(manager.host, name, "-c", str(ncpu)) for name in names(3)]
    assert sorted(placed) == ["lab-1", "lab-2", "lab-3"]
    info = docker(manager.host, "info").stdout
    assert info.count(f"└ Reserved CPUs: {ncpu} / ") == 3  # of ncpu plus the 5 % overcommit
    full = docker(
        manager.host, "run", "-d", "--label", "io.swarmnotes=1", "-c", str(ncpu), IMAGE, "true"
    )
    assert full.returncode != 0
    assert "no resources available to schedule container" in full.stderr
    huge = docker(
        manager.host, "run", "-d", "--label", "io.swarmnotes=1", "-m", "100t", IMAGE, "true"
    )
    assert huge.returncode != 0
    assert "no resources available to schedule container" in huge.stderr


def test_exec_and_cp(manager: ManagerProcess, clean: Lab, tmp_path) -> None:
    [name] = names()
    run_d(manager.host, name)
    result = docker(manager.host, "exec", name, "sh", "-c", "echo in-$((6*7)); exit 4")
    assert (result.stdout, result.returncode) == ("in-42\n", 4)
    assert docker(manager.host, "exec", "-d", name, "touch", "/tmp/detached").returncode == 0
    wait_for(
        lambda: docker(manager.host, "exec", name, "test", "-e", "/tmp/detached").returncode == 0,
        15,
        "the detached exec's file",
    )
    # docker cp: HEAD, GET and PUT of /containers/{id}/archive through the manager.
    source = tmp_path / "in.txt"
    source.write_text("copied through the manager\n")
    assert docker(manager.host, "cp", str(source), f"{name}:/tmp/in.txt").returncode == 0
    back = tmp_path / "back.txt"
    result = docker(manager.host, "cp", f"{name}:/tmp/in.txt", str(back))
    assert result.returncode == 0, result.stderr
    assert back.read_text() == "copied through the manager\n"
