"""nbval settings for the chapters (pytest --nbval notebooks/).

- stderr is not compared: engines and libraries warn in ways that say nothing
  about the chapter (the chapters print what a reader should look at to stdout).
- the kernel imports this checkout's ``src/`` (see below).
- nbval waits only 5 s for a cell's output messages after its reply; on a busy
  2-core CI machine that is too little, so give it 60 s.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

# nbval starts each chapter's kernel in notebooks/ with this process's
# environment: point it at this checkout's code, whatever the venv has installed.
_SRC = str(Path(__file__).resolve().parents[1] / "src")
if _SRC not in os.environ.get("PYTHONPATH", "").split(os.pathsep):
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [_SRC, *filter(None, [os.environ.get("PYTHONPATH")])])


def pytest_collectstart(collector: Any) -> None:
    # Only nbval's notebook collector has skip_compare (nbval#168).
    path = getattr(collector, "path", None)
    if path is not None and path.suffix == ".ipynb" and hasattr(collector, "skip_compare"):
        collector.skip_compare += ("stderr",)


def pytest_collection_modifyitems(items: list[Any]) -> None:
    for item in items:
        if hasattr(item, "output_timeout"):
            item.output_timeout = 60
