"""Keep the Chinese edition in step with the English one.

    python tools/editions.py check                   # what is out of step (exit 1 if anything)
    python tools/editions.py sync                    # copy English code cells and outputs into zh
    python tools/editions.py template NOTEBOOK       # the markdown cells of a chapter, to translate
    python tools/editions.py apply NOTEBOOK FILE     # a translated template becomes notebooks/zh/
    python tools/editions.py stamp PATH [PATH ...]   # mark translations as current

The English chapters are ``notebooks/NN-*.ipynb``; the Chinese ones are
``notebooks/zh/NN-*.ipynb``, cell for cell: the same cells in the same order,
every code cell identical (source, tags and outputs), every markdown cell a
translation. A translated markdown cell records, in its metadata, a hash of the
English cell it translates (``swarmnotes.en``), so a change to the English text
shows up as a stale translation instead of going unnoticed. The other pages are
``book/zh/*.md`` beside ``book/*.md``; each names, in a comment on its first
line, the git blob of the English file it translates, so ``git diff OLD NEW``
shows what changed since.
"""

from __future__ import annotations

import argparse
import copy
import difflib
import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
ZH_NOTEBOOKS = NOTEBOOKS / "zh"
BOOK = ROOT / "book"
ZH_BOOK = BOOK / "zh"

CELL_MARK = re.compile(r"^<!-- swarmnotes cell (\d+) -->$", re.M)
PAGE_STAMP = re.compile(r"^% translates (\S+) at blob ([0-9a-f]{40})\n")
CJK = re.compile(r"[\u4e00-\u9fff]")
# Prose left in English: three words in a row outside code, roles and links.
ENGLISH_PROSE = re.compile(r"\b[A-Za-z]{2,}\s+[A-Za-z]{2,}\s+[A-Za-z]{2,}\b")
CODE_OR_MARKUP = re.compile(r"```.*?```|`[^`]*`|\{[a-z]+\}|\([^)]*\)|<[^>]*>|:[a-z-]+:.*", re.S)

Notebook = dict[str, Any]
Cell = dict[str, Any]


def source(cell: Cell) -> str:
    text = cell["source"]
    return text if isinstance(text, str) else "".join(text)


def cell_hash(text: str) -> str:
    return hashlib.sha1(text.encode()).hexdigest()[:12]


def blob_id(data: bytes) -> str:
    """The id git gives a file with these bytes (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_notebook(path: Path) -> Notebook:
    nb: Notebook = json.loads(path.read_text(encoding="utf-8"))
    return nb


def write_notebook(path: Path, nb: Notebook) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    # The layout Jupyter writes, so a save from JupyterLab changes no bytes.
    path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def english_chapters() -> list[Path]:
    return sorted(NOTEBOOKS.glob("[0-9][0-9]-*.ipynb"))


def zh_path(english: Path) -> Path:
    return ZH_NOTEBOOKS / english.name


def stamp_of(cell: Cell) -> str | None:
    stamp = cell.get("metadata", {}).get("swarmnotes", {}).get("en")
    return stamp if isinstance(stamp, str) else None


def translated(english_cell: Cell, text: str) -> Cell:
    cell = copy.deepcopy(english_cell)
    cell["source"] = text
    marks = cell.setdefault("metadata", {}).setdefault("swarmnotes", {})
    marks["en"] = cell_hash(source(english_cell))
    return cell


def comparable(cell: Cell) -> Cell:
    """A code cell without what changes on every run but says nothing (timings)."""
    metadata = {k: v for k, v in cell.get("metadata", {}).items() if k != "execution"}
    return {"source": source(cell), "metadata": metadata, "outputs": cell.get("outputs", [])}


def looks_untranslated(text: str) -> bool:
    prose = CODE_OR_MARKUP.sub(" ", text)
    return not CJK.search(text) and bool(ENGLISH_PROSE.search(prose))


# --- check ----------------------------------------------------------------


def notebook_problems(english: Path) -> tuple[list[str], list[str]]:
    """What is out of step in one chapter: (its structure and code, its prose)."""
    zh = zh_path(english)
    name = zh.relative_to(ROOT)
    if not zh.exists():
        return [f"{name}: missing (the Chinese edition of {english.relative_to(ROOT)})"], []
    en_cells = read_notebook(english)["cells"]
    zh_cells = read_notebook(zh)["cells"]
    if [c["cell_type"] for c in en_cells] != [c["cell_type"] for c in zh_cells]:
        return [
            f"{name}: its cells are not the English chapter's cells in the same order "
            f"({len(zh_cells)} cells, English {len(en_cells)}); run tools/editions.py sync"
        ], []
    structure, prose = [], []
    for index, (en, cell) in enumerate(zip(en_cells, zh_cells, strict=True)):
        where = f"{name}, cell {index}"
        if en["cell_type"] == "code":
            if comparable(en) != comparable(cell):
                structure.append(
                    f"{where}: code cell differs from the English one; run tools/editions.py sync"
                )
            continue
        stamp = stamp_of(cell)
        if stamp is None:
            prose.append(f"{where}: not translated yet")
        elif stamp != cell_hash(source(en)):
            prose.append(
                f"{where}: the English cell changed since it was translated; "
                "update the translation, then tools/editions.py stamp"
            )
        elif looks_untranslated(source(cell)):
            prose.append(f"{where}: still reads as English")
    return structure, prose


def toc_files(toc: dict[str, Any]) -> list[str]:
    files = [toc["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            files.append(entry["file"])
            walk(entry.get("sections", []))

    for part in toc.get("parts", []):
        walk(part["chapters"])
    return files


def english_pages() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [ROOT / f"{f}.md" for f in toc_files(toc) if f.startswith("book/")]


def page_problems(english: Path) -> list[str]:
    zh = ZH_BOOK / english.name
    name = zh.relative_to(ROOT)
    text = zh.read_text(encoding="utf-8")
    stamp = PAGE_STAMP.match(text)
    current = blob_id(english.read_bytes())
    if stamp is None:
        return [
            f"{name}: its first line must be '% translates "
            f"{english.relative_to(ROOT)} at blob <id>'; tools/editions.py stamp writes it"
        ]
    if stamp.group(2) != current:
        return [
            f"{name}: {english.relative_to(ROOT)} changed since it was translated "
            f"(git diff {stamp.group(2)[:10]} {current[:10]}); update it, then stamp"
        ]
    if not CJK.search(text):
        return [f"{name}: has no Chinese text"]
    return []


def toc_problems() -> list[str]:
    zh_toc = ZH_BOOK / "_toc.yml"
    if not zh_toc.exists():
        return [f"{zh_toc.relative_to(ROOT)}: missing"]
    english = toc_files(yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")))
    chinese = toc_files(yaml.safe_load(zh_toc.read_text(encoding="utf-8")))
    if english != chinese:
        return [
            f"{zh_toc.relative_to(ROOT)}: lists {chinese}, the English table of contents {english}"
        ]
    return []


def structure_problems() -> list[str]:
    """What would make the Chinese chapters show code or outputs the English ones do not."""
    found = toc_problems()
    for english in english_chapters():
        found += notebook_problems(english)[0]
    for zh in sorted(ZH_NOTEBOOKS.glob("*.ipynb")):
        if not (NOTEBOOKS / zh.name).exists():
            found.append(f"{zh.relative_to(ROOT)}: no English chapter of that name")
    for page in english_pages():
        if not (ZH_BOOK / page.name).exists():
            found.append(
                f"{(ZH_BOOK / page.name).relative_to(ROOT)}: missing "
                f"(the Chinese edition of {page.relative_to(ROOT)})"
            )
    return found


def prose_problems() -> list[str]:
    """Translations that are missing or older than the English text they translate."""
    found = []
    for english in english_chapters():
        found += notebook_problems(english)[1]
    for page in english_pages():
        if (ZH_BOOK / page.name).exists():
            found += page_problems(page)
    return found


def problems() -> list[str]:
    return structure_problems() + prose_problems()


# --- sync -----------------------------------------------------------------


def cell_key(cell: Cell, english: bool) -> tuple[str, str]:
    if cell["cell_type"] == "code":
        return ("code", source(cell))
    return ("markdown", cell_hash(source(cell)) if english else (stamp_of(cell) or ""))


def synced(en_cells: list[Cell], zh_cells: list[Cell]) -> list[Cell]:
    """The zh cells lined up with the English ones: code from English, translations kept.

    A markdown cell whose English original changed keeps its old translation (and its old
    stamp, so ``check`` reports it as stale); a new English cell comes in untranslated.
    """
    matcher = difflib.SequenceMatcher(
        None,
        [cell_key(c, True) for c in en_cells],
        [cell_key(c, False) for c in zh_cells],
        autojunk=False,
    )
    result: list[Cell] = []
    for op, a0, a1, b0, b1 in matcher.get_opcodes():
        if op == "equal":
            for en, zh in zip(en_cells[a0:a1], zh_cells[b0:b1], strict=True):
                result.append(copy.deepcopy(en) if en["cell_type"] == "code" else zh)
            continue
        old_markdown = [c for c in zh_cells[b0:b1] if c["cell_type"] == "markdown"]
        for en in en_cells[a0:a1]:
            if en["cell_type"] == "markdown" and old_markdown:
                result.append(old_markdown.pop(0))
            else:  # code, or a new English cell left untranslated until someone does it
                result.append(copy.deepcopy(en))
    return result


def sync() -> list[str]:
    changed = []
    for english in english_chapters():
        zh = zh_path(english)
        if not zh.exists():
            continue
        en_nb, zh_nb = read_notebook(english), read_notebook(zh)
        cells = synced(en_nb["cells"], zh_nb["cells"])
        if cells != zh_nb["cells"] or zh_nb["metadata"] != en_nb["metadata"]:
            zh_nb["cells"], zh_nb["metadata"] = cells, copy.deepcopy(en_nb["metadata"])
            write_notebook(zh, zh_nb)
            changed.append(str(zh.relative_to(ROOT)))
    return changed


# --- template, apply, stamp ------------------------------------------------


def template(english: Path) -> str:
    parts = []
    for index, cell in enumerate(read_notebook(english)["cells"]):
        if cell["cell_type"] == "markdown":
            parts.append(f"<!-- swarmnotes cell {index} -->\n{source(cell).rstrip()}\n")
    return "\n".join(parts)


def parse_template(text: str) -> dict[int, str]:
    marks = list(CELL_MARK.finditer(text))
    cells = {}
    for mark, following in zip(marks, [*marks[1:], None], strict=True):
        end = following.start() if following else len(text)
        index = int(mark.group(1))
        if index in cells:
            raise SystemExit(f"cell {index} appears twice in the translation")
        cells[index] = text[mark.end() : end].strip("\n")
    return cells


def apply(english: Path, translation: Path) -> Path:
    nb = read_notebook(english)
    cells = parse_template(translation.read_text(encoding="utf-8"))
    wanted = {i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "markdown"}
    if set(cells) != wanted:
        missing, extra = sorted(wanted - set(cells)), sorted(set(cells) - wanted)
        raise SystemExit(f"{translation}: markdown cells missing {missing}, not markdown {extra}")
    nb["cells"] = [translated(c, cells[i]) if i in cells else c for i, c in enumerate(nb["cells"])]
    target = zh_path(english)
    write_notebook(target, nb)
    return target


def stamp(path: Path) -> None:
    path = path.resolve()
    if path.suffix == ".ipynb":
        en_cells = read_notebook(NOTEBOOKS / path.name)["cells"]
        nb = read_notebook(path)
        if [c["cell_type"] for c in en_cells] != [c["cell_type"] for c in nb["cells"]]:
            raise SystemExit(f"{path}: cells do not line up with the English chapter; sync first")
        nb["cells"] = [
            translated(en, source(c)) if c["cell_type"] == "markdown" else c
            for en, c in zip(en_cells, nb["cells"], strict=True)
        ]
        write_notebook(path, nb)
        return
    english = BOOK / path.name
    text = PAGE_STAMP.sub("", path.read_text(encoding="utf-8"), count=1)
    line = f"% translates {english.relative_to(ROOT)} at blob {blob_id(english.read_bytes())}\n"
    path.write_text(line + text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("check")
    commands.add_parser("sync")
    commands.add_parser("template").add_argument("notebook", type=Path)
    apply_parser = commands.add_parser("apply")
    apply_parser.add_argument("notebook", type=Path)
    apply_parser.add_argument("translation", type=Path)
    commands.add_parser("stamp").add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args()
    if args.command == "check":
        found = problems()
        print("\n".join(found) if found else "the editions are in step")
        return 1 if found else 0
    if args.command == "sync":
        for name in sync():
            print("synced", name)
        return 0
    if args.command == "template":
        sys.stdout.write(template(args.notebook.resolve()))
        return 0
    if args.command == "apply":
        print("wrote", apply(args.notebook.resolve(), args.translation).relative_to(ROOT))
        return 0
    for path in args.paths:
        stamp(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
