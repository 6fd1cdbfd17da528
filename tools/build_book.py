"""Build the book with warnings as errors.

    python tools/build_book.py            # execute every chapter (the lab must be up)
    python tools/build_book.py --stored   # render the outputs stored in the notebooks

`make book` executes the chapters against the lab. `make test` renders the stored
outputs instead: nbval has just proved, in the same run, that the chapters
reproduce them, so executing them a second time would prove nothing more.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stored", action="store_true",
                        help="render stored outputs instead of executing the chapters")
    args = parser.parse_args()
    command = [str(Path(sys.executable).parent / "jupyter-book"), "build", "--all",
               "--warningiserror", "--keep-going"]
    if args.stored:
        config = yaml.safe_load((ROOT / "_config.yml").read_text())
        config["execute"]["execute_notebooks"] = "off"
        # Paths in a --config file are read relative to that file: make them absolute.
        for name, path in config["sphinx"]["local_extensions"].items():
            config["sphinx"]["local_extensions"][name] = str(ROOT / path)
        override = ROOT / "_build" / "_config.stored.yml"
        override.parent.mkdir(exist_ok=True)
        override.write_text(yaml.safe_dump(config, sort_keys=False))
        command += ["--config", str(override)]
    # The chapters' kernel (python3) is the venv's, which has this checkout installed.
    return subprocess.run([*command, str(ROOT)], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main())
