"""tools/container-init.sh, the image's entry point, on a stand-in cgroup v2 root.

The real step needs a cgroup v2 host (Docker Desktop, Codespaces); this machine
is cgroup v1. What can be checked here: on a v2-shaped tree it creates the
/init group, moves the listed processes there and hands every controller down;
on a v1 tree it changes nothing; and it always runs the command it was given.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "tools" / "container-init.sh"


def run_init(cgroup: Path, *command: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, CONTAINER_INIT_CGROUP=str(cgroup))
    return subprocess.run(
        ["bash", str(SCRIPT), *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_on_cgroup_v2_it_moves_processes_and_enables_every_controller(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpuset cpu io memory pids\n")
    # A real cgroup.procs empties as processes leave; a plain file keeps its
    # lines, so the script's bounded retry loop runs to its end.
    (tmp_path / "cgroup.procs").write_text("1\n7\n")
    (tmp_path / "cgroup.subtree_control").write_text("")
    done = run_init(tmp_path, "echo", "started")
    assert done.returncode == 0, done.stderr
    assert done.stdout == "started\n"
    assert (tmp_path / "init").is_dir()
    # Each pid is written on its own (the kernel takes one per write): the last one stays.
    assert (tmp_path / "init" / "cgroup.procs").read_text() == "7\n"
    assert (tmp_path / "cgroup.subtree_control").read_text() == "+cpuset +cpu +io +memory +pids\n"


def test_on_cgroup_v1_it_only_runs_the_command(tmp_path: Path) -> None:
    (tmp_path / "memory").mkdir()
    done = run_init(tmp_path, "sh", "-c", "exit 3")
    assert done.returncode == 3
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memory"]


def test_a_second_start_leaves_the_tree_as_it_is(tmp_path: Path) -> None:
    (tmp_path / "cgroup.controllers").write_text("cpu memory\n")
    (tmp_path / "cgroup.procs").write_text("1\n")
    (tmp_path / "cgroup.subtree_control").write_text("+cpu +memory\n")
    (tmp_path / "init").mkdir()
    done = run_init(tmp_path, "true")
    assert done.returncode == 0
    assert not (tmp_path / "init" / "cgroup.procs").exists()
