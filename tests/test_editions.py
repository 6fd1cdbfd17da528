"""The Chinese edition stays in step with the English one (tools/editions.py).

The first test is the one that guards the book: every Chinese chapter has the
English chapter's cells, code cells identical, and no translation is missing or
older than the English text. The others check the tool on small notebooks of
their own, so that a broken check cannot pass the first test by finding nothing.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import editions  # noqa: E402


def test_the_editions_are_in_step() -> None:
    problems = editions.problems()
    assert not problems, (
        "the Chinese edition is out of step (see README, "
        "'Keeping the editions in step'):\n" + "\n".join(problems)
    )


def test_every_english_chapter_has_a_chinese_one() -> None:
    english = [p.name for p in editions.english_chapters()]
    chinese = sorted(p.name for p in editions.ZH_NOTEBOOKS.glob("*.ipynb"))
    assert len(english) >= 16 and chinese == english


def test_emphasis_renders_in_every_chinese_cell() -> None:
    # CommonMark opens `**` only where it is not preceded by a letter and followed by
    # punctuation: written between a Chinese character and a {term} role it prints as
    # two literal asterisks. A space on the outer side of the markers fixes it.
    md = MarkdownIt("commonmark").enable("table")
    problems = []
    pages = [
        (p, editions.read_notebook(p)["cells"])
        for p in sorted(editions.ZH_NOTEBOOKS.glob("*.ipynb"))
    ]
    for path, cells in pages:
        for index, cell in enumerate(cells):
            if cell["cell_type"] != "markdown":
                continue
            html = re.sub(
                r"<code>.*?</code>|<pre>.*?</pre>", "", md.render(editions.source(cell)), flags=re.S
            )
            for stray in re.findall(r".{0,12}(?:\*\*|(?<![*\w])\*(?=\{term\})).{0,12}", html):
                problems.append(f"{path.relative_to(ROOT)}, cell {index}: {stray!r}")
    assert not problems, "emphasis markers that render as text:\n" + "\n".join(problems)


# --- the tool itself, on notebooks made here ------------------------------


def markdown(text: str) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": {}, "source": text}


def code(text: str, output: str = "") -> dict[str, Any]:
    outputs = [{"name": "stdout", "output_type": "stream", "text": output}] if output else []
    return {
        "cell_type": "code",
        "execution_count": 1,
        "metadata": {},
        "outputs": outputs,
        "source": text,
    }


def notebook(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"cells": list(cells), "metadata": {}, "nbformat": 4, "nbformat_minor": 5}


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty book laid out like the real one, which the tool then works on."""
    (tmp_path / "notebooks" / "zh").mkdir(parents=True)
    (tmp_path / "book" / "zh").mkdir(parents=True)
    toc = (
        "format: jb-book\nroot: book/intro\nparts:\n  - caption: One\n"
        "    chapters:\n      - file: notebooks/01-one\n"
    )
    (tmp_path / "_toc.yml").write_text(toc)
    (tmp_path / "book" / "zh" / "_toc.yml").write_text(toc.replace("One", "一"))
    (tmp_path / "book" / "intro.md").write_text("# Intro\n\nThe book in one line.\n")
    monkeypatch.setattr(editions, "ROOT", tmp_path)
    monkeypatch.setattr(editions, "NOTEBOOKS", tmp_path / "notebooks")
    monkeypatch.setattr(editions, "ZH_NOTEBOOKS", tmp_path / "notebooks" / "zh")
    monkeypatch.setattr(editions, "BOOK", tmp_path / "book")
    monkeypatch.setattr(editions, "ZH_BOOK", tmp_path / "book" / "zh")
    return tmp_path


def write(path: Path, nb: dict[str, Any]) -> Path:
    editions.write_notebook(path, nb)
    return path


def translate(book: Path, chapter: Path, texts: dict[int, str]) -> None:
    template = book / "t.md"
    template.write_text("".join(f"<!-- swarmnotes cell {i} -->\n{t}\n" for i, t in texts.items()))
    editions.apply(chapter, template)


@pytest.fixture
def chapter(book: Path) -> Path:
    english = write(
        book / "notebooks" / "01-one.ipynb",
        notebook(
            markdown("# Channels\n\nA channel joins two goroutines."),
            code("print(1)", "1\n"),
            markdown("Closing a channel wakes every receiver."),
        ),
    )
    translate(
        book,
        english,
        {0: "# Channel\n\nchannel 连接两个 goroutine。", 2: "关闭 channel 会唤醒所有接收者。"},
    )
    (book / "book" / "zh" / "intro.md").write_text("# 简介\n\n一句话介绍本书。\n")
    editions.stamp(book / "book" / "zh" / "intro.md")
    return english


def test_a_translated_book_is_in_step(chapter: Path) -> None:
    assert editions.problems() == []


def test_a_changed_english_code_cell_is_drift_until_synced(book: Path, chapter: Path) -> None:
    nb = editions.read_notebook(chapter)
    nb["cells"][1] = code("print(2)", "2\n")
    write(chapter, nb)
    assert editions.structure_problems() == [
        "notebooks/zh/01-one.ipynb, cell 1: code cell differs from the English one; "
        "run tools/editions.py sync"
    ]
    assert editions.sync() == ["notebooks/zh/01-one.ipynb"]
    assert editions.problems() == []
    zh = editions.read_notebook(editions.zh_path(chapter))
    assert zh["cells"][1]["outputs"][0]["text"] == "2\n"
    assert "唤醒" in editions.source(zh["cells"][2])  # the translations survive


def test_a_changed_english_paragraph_makes_its_translation_stale(chapter: Path) -> None:
    nb = editions.read_notebook(chapter)
    nb["cells"][2] = markdown("Closing a channel wakes every receiver at once.")
    write(chapter, nb)
    assert editions.structure_problems() == []  # still publishable
    [problem] = editions.prose_problems()
    assert problem.startswith("notebooks/zh/01-one.ipynb, cell 2: the English cell changed")
    editions.stamp(editions.zh_path(chapter))
    assert editions.problems() == []


def test_a_new_english_cell_comes_in_untranslated(chapter: Path) -> None:
    nb = editions.read_notebook(chapter)
    nb["cells"][2:2] = [markdown("Now a second example."), code("print(3)", "3\n")]
    write(chapter, nb)
    assert "in the same order" in editions.structure_problems()[0]
    editions.sync()
    assert editions.structure_problems() == []
    assert editions.prose_problems() == ["notebooks/zh/01-one.ipynb, cell 2: not translated yet"]
    zh = editions.read_notebook(editions.zh_path(chapter))
    assert [editions.source(c) for c in zh["cells"]][2:4] == ["Now a second example.", "print(3)"]
    assert "唤醒" in editions.source(zh["cells"][4])


def test_a_translation_left_in_english_is_found(book: Path, chapter: Path) -> None:
    translate(
        book,
        chapter,
        {0: "# Channels\n\nA channel joins two goroutines.", 2: "关闭 channel 会唤醒所有接收者。"},
    )
    assert editions.prose_problems() == [
        "notebooks/zh/01-one.ipynb, cell 0: still reads as English"
    ]


def test_apply_names_the_cells_a_translation_lacks(book: Path, chapter: Path) -> None:
    template = book / "t.md"
    template.write_text("<!-- swarmnotes cell 0 -->\n# 标题\n")
    with pytest.raises(SystemExit, match=r"markdown cells missing \[2\], not markdown \[\]"):
        editions.apply(chapter, template)


def test_a_page_records_the_git_blob_it_translates(book: Path, chapter: Path) -> None:
    english = book / "book" / "intro.md"
    first = (book / "book" / "zh" / "intro.md").read_text().splitlines()[0]
    blob = subprocess.run(
        ["git", "hash-object", str(english)], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert first == f"% translates book/intro.md at blob {blob}"
    english.write_text("# Intro\n\nThe book, in one line.\n")
    [problem] = editions.prose_problems()
    assert problem.startswith("book/zh/intro.md: book/intro.md changed since it was translated")


def test_the_tables_of_contents_must_list_the_same_files(book: Path, chapter: Path) -> None:
    toc = book / "book" / "zh" / "_toc.yml"
    toc.write_text(toc.read_text().replace("notebooks/01-one", "notebooks/02-two"))
    assert editions.toc_problems()[0].startswith(
        "book/zh/_toc.yml: lists ['book/intro', 'notebooks/02-two']"
    )


def test_the_command_line_check_says_what_the_test_says() -> None:
    # The command a maintainer types, on the real tree: its exit status is the verdict.
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "editions.py"), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = editions.problems()
    assert result.returncode == (1 if found else 0), result.stderr
    assert result.stdout.strip() == ("\n".join(found) if found else "the editions are in step")
