"""Runs pygolang, the peer that lives in its own venv, and returns its numbers.

pygolang (PyPI ``pygolang``, channels and goroutines in C++ behind a Python
API) cannot share this project's venv: it builds only with Cython < 3 and
pulls gevent. ``tools/run-benchmarks.sh`` builds it in ``.venv-pygolang``;
``SWARMNOTES_PYGOLANG_PYTHON`` names another interpreter that has it. The
peer script, ``benchmarks/pygolang/peer.py``, runs in that interpreter during
the same benchmark run, as the Go peer does with ``go run``.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_PYTHON = HERE.parent / ".venv-pygolang" / "bin" / "python"


def interpreter() -> Path | None:
    """The Python that has pygolang, or None when there is none."""
    configured = os.environ.get("SWARMNOTES_PYGOLANG_PYTHON")
    path = Path(configured) if configured else DEFAULT_PYTHON
    return path if path.exists() else None


def run(*args: str, timeout: float = 600) -> dict[str, Any] | str:
    """The peer's JSON numbers, or why there are none (a sentence for the table)."""
    python = interpreter()
    if python is None:
        return (
            "no pygolang interpreter (tools/run-benchmarks.sh builds .venv-pygolang; "
            "or set SWARMNOTES_PYGOLANG_PYTHON)"
        )
    try:
        done = subprocess.run(
            [str(python), str(HERE / "pygolang" / "peer.py"), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except subprocess.TimeoutExpired:
        return f"pygolang peer timed out after {timeout:g} s"
    if done.returncode != 0:
        return f"pygolang peer failed: {done.stderr.strip()[-200:]}"
    numbers: dict[str, Any] = json.loads(done.stdout)
    return numbers
