"""Engines share /run/swn for their exec roots; one leaving must not break another starting.

Regression: three engines starting at once each cleared their old exec root,
which removes /run/swn when it is empty, while another was between creating
/run/swn and its own directory in it (FileNotFoundError from `lab up`). No
Docker needed: the shared directory is redirected to a temporary one.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from swarmnotes.lab import engine as engine_module
from swarmnotes.lab.engine import LabEngine


def make(tmp_path: Path, index: int) -> LabEngine:
    return LabEngine(
        index=index,
        name=f"lab-{index}",
        address="",
        labels={},
        lab_dir=tmp_path / "lab",
        netns=f"swntest-{index}",
        veth="",
    )


def test_exec_roots_survive_a_neighbour_removing_the_shared_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path / "run-swn"
    monkeypatch.setattr(engine_module, "EXEC_ROOT_BASE", base)
    engines = [make(tmp_path, i) for i in (1, 2, 3)]
    for e in engines:
        e.dir.mkdir(parents=True)
    errors: list[BaseException] = []

    def churn(e: LabEngine) -> None:
        try:
            for _ in range(300):
                e._make_exec_root()
                assert e.exec_root.is_dir()
                e.remove_exec_root()
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=churn, args=(e,)) for e in engines]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert not base.exists(), "the last engine out removes the shared directory"
