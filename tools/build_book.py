"""Build the book, both editions, with warnings as errors.

    python tools/build_book.py            # execute every chapter (the lab must be up)
    python tools/build_book.py --stored   # render the outputs stored in the notebooks

`make book` executes the chapters against the lab. `make test` renders the stored
outputs instead: nbval has just proved, in the same run, that the chapters
reproduce them, so executing them a second time would prove nothing more.

The English edition is built at the repository's root into _build/html. The Chinese
one (notebooks/zh/, book/zh/) is then built into _build/html/zh from a staging copy
laid out like the English book, so both editions have the same pages at the same
paths. Its code cells are the English ones (tools/editions.py checks that), so it is
not executed a second time: after an executing build its chapters show the outputs
the English chapters have just produced; with --stored, their own stored outputs,
which nbval verified as it verified the English ones.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUILD = ROOT / "_build"
STAGE = BUILD / "zh-src"  # the Chinese book's sources, laid out like the English book
ZH_OUT = BUILD / "zh"
# Where MyST-NB leaves each chapter as it rendered it (executed, in an executing build).
RENDERED = BUILD / "jupyter_execute" / "notebooks"

sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402  (a sibling script, not a package)


def jupyter_book(
    source: Path,
    config: Path | None = None,
    output: Path | None = None,
    env: dict[str, str] | None = None,
) -> int:
    command = [
        str(Path(sys.executable).parent / "jupyter-book"),
        "build",
        "--all",
        "--warningiserror",
        "--keep-going",
    ]
    if config is not None:
        command += ["--config", str(config)]
    if output is not None:
        command += ["--path-output", str(output)]
    # The chapters' kernel (python3) is the venv's, which has this checkout installed.
    return subprocess.run([*command, str(source)], cwd=ROOT, env=env).returncode


def root_config() -> dict[str, Any]:
    config: dict[str, Any] = yaml.safe_load((ROOT / "_config.yml").read_text())
    # Paths in a config file read from elsewhere are relative to that file: make them absolute.
    sphinx = config["sphinx"]
    for name, path in sphinx["local_extensions"].items():
        sphinx["local_extensions"][name] = str(ROOT / path)
    settings = sphinx["config"]
    for name in ("html_static_path", "html_extra_path"):
        settings[name] = [str(ROOT / path) for path in settings[name]]
    settings["html_favicon"] = str(ROOT / settings["html_favicon"])
    return config


def build_english(stored: bool) -> int:
    if not stored:
        return jupyter_book(ROOT)
    config = root_config()
    config["execute"]["execute_notebooks"] = "off"
    override = BUILD / "_config.stored.yml"
    override.parent.mkdir(exist_ok=True)
    override.write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    return jupyter_book(ROOT, config=override)


def zh_chapter(path: Path, stored: bool) -> dict[str, Any]:
    """A Chinese chapter as it is published: with this build's English outputs unless stored."""
    chapter = editions.read_notebook(path)
    if stored:
        return chapter
    rendered = editions.read_notebook(RENDERED / path.name)
    for cell, english in zip(chapter["cells"], rendered["cells"], strict=True):
        if cell["cell_type"] == "code":
            cell["outputs"] = english.get("outputs", [])
            cell["execution_count"] = english.get("execution_count")
    return chapter


def stage_chinese(stored: bool) -> None:
    shutil.rmtree(STAGE, ignore_errors=True)
    (STAGE / "book").mkdir(parents=True)
    (STAGE / "notebooks").mkdir()
    config = root_config()
    config["title"] = "swarmnotes 中文版"
    config["execute"]["execute_notebooks"] = "off"
    config["sphinx"]["config"]["language"] = "zh_CN"
    config["sphinx"]["config"]["swarmnotes_edition"] = "zh"
    (STAGE / "_config.yml").write_text(yaml.safe_dump(config, sort_keys=False, allow_unicode=True))
    shutil.copy(editions.ZH_BOOK / "_toc.yml", STAGE / "_toc.yml")
    for page in editions.english_pages():
        shutil.copy(editions.ZH_BOOK / page.name, STAGE / "book" / page.name)
    for english in editions.english_chapters():
        chapter = zh_chapter(editions.zh_path(english), stored)
        editions.write_notebook(STAGE / "notebooks" / english.name, chapter)
    # The chapters include the package's source by relative path (../src/...).
    (STAGE / "src").symlink_to(ROOT / "src", target_is_directory=True)


def build_chinese(stored: bool) -> int:
    drift = editions.structure_problems()
    if drift:
        print("the Chinese edition is out of step with the English one:", *drift, sep="\n  ")
        return 1
    for problem in editions.prose_problems():  # an older translation is published, and said
        print("warning: Chinese edition:", problem)
    stage_chinese(stored)
    # jieba, which splits Chinese text into words for the search index, caches its
    # dictionary in the temporary directory: keep that cache inside _build.
    temporary = BUILD / "tmp"
    temporary.mkdir(exist_ok=True)
    status = jupyter_book(STAGE, output=ZH_OUT, env={**os.environ, "TMPDIR": str(temporary)})
    if status == 0:
        target = BUILD / "html" / "zh"
        shutil.rmtree(target, ignore_errors=True)
        shutil.move(str(ZH_OUT / "_build" / "html"), str(target))
    return status


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--stored",
        action="store_true",
        help="render stored outputs instead of executing the chapters",
    )
    args = parser.parse_args()
    return build_english(args.stored) or build_chinese(args.stored)


if __name__ == "__main__":
    sys.exit(main())
