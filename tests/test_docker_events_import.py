"""docker_events moved to swarmnotes.dockerapi; the old import path still works."""

from __future__ import annotations

import subprocess
import sys


def test_docker_events_is_importable_from_both_places() -> None:
    from swarmnotes.dockerapi import docker_events
    from swarmnotes.go.http import docker_events as old

    assert old is docker_events


def test_swarmnotes_go_does_not_import_docker() -> None:
    code = (
        "import sys, swarmnotes.go, swarmnotes.go.http, swarmnotes.go.context, "
        "swarmnotes.go.pipeline; print('docker' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"
