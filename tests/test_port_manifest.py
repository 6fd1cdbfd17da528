"""Keep the port manifest (book/port-manifest.md) true.

The page has one ``###`` section per ported Go file, whose heading names the
upstream repository and the tag (or commit) the port follows, and a table
``| Go | Python | Note |``. Each Python cell is either one backticked dotted
path (``swarmnotes.go.context.with_cancel``) or ``not ported: <reason>``.

These tests check, without Docker:

* the page parses: every section names a repository and a tag, every table
  sits in a section and has the three columns, every row says something;
* every dotted path resolves: the longest importable module prefix is
  imported and the rest looked up attribute by attribute (an attribute set on
  instances, such as ``Engine.id``, counts when the class declares or
  assigns it); one failure lists every row that does not resolve;
* the other way round, for a few modules: every public name of the module
  appears on the page, so a new function cannot be left out of it; and for
  the big Go types (``Engine``, ``Cluster``, the nodes...), every public
  method;
* the Go files the book ports each have their section.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import re
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

PAGE = Path(__file__).resolve().parents[1] / "book" / "port-manifest.md"

# A section heading names one of these repositories, then a tag (v1.2.5,
# go1.21.0) or, for the blog (which has no tags), a commit.
REPOSITORIES = ("golang/go", "golang/blog", "docker/swarm", "moby/swarmkit")
HEADING_REF = re.compile(
    r"(?P<repo>" + "|".join(re.escape(r) for r in REPOSITORIES) + r")\s+"
    r"(?P<ref>v\d+\.\d+\.\d+|go\d+\.\d+(?:\.\d+)?|[0-9a-f]{7,40})\b"
)
PYTHON_PATH = re.compile(r"`(?P<path>swarmnotes(?:\.[A-Za-z_]\w*)*)`")
NOT_PORTED = re.compile(r"not ported: \S")

# Modules whose every public name must appear on the page.
COVERED_MODULES = (
    "swarmnotes.go.context",
    "swarmnotes.go.chan",
    "swarmnotes.go.sync",
    "swarmnotes.go.runtime",
    "swarmnotes.swarm.config",
    "swarmnotes.swarm.scheduler",
    "swarmnotes.swarm.scheduler.node",
    "swarmnotes.swarm.scheduler.filter",
    "swarmnotes.swarm.scheduler.strategy",
    # On branches node, engine and pipe until they are merged:
    "swarmnotes.go.leak",
    "swarmnotes.go.pipeline",
    "swarmnotes.go.http",
    "swarmnotes.go.trace",
    "swarmnotes.swarm.cluster",
    "swarmnotes.swarm.cluster.engine",
    "swarmnotes.swarm.cluster.events",
    "swarmnotes.swarm.cluster.event_monitor",
    "swarmnotes.swarmkit",
    "swarmnotes.swarmkit.node",
    "swarmnotes.swarmkit.swarmd",
)

# Classes whose every public method (and property) must appear on the page:
# the big Go types, whose methods change most.
COVERED_CLASSES = (
    "swarmnotes.go.chan.Chan",
    "swarmnotes.go.sync.WaitGroup",
    "swarmnotes.swarm.config.ContainerConfig",
    "swarmnotes.swarm.cluster.Container",
    "swarmnotes.swarm.cluster.Containers",
    "swarmnotes.swarm.cluster.Image",
    "swarmnotes.swarm.scheduler.node.Node",
    "swarmnotes.swarm.scheduler.Scheduler",
    # On branches node and engine until they are merged:
    "swarmnotes.swarm.cluster.Delayer",
    "swarmnotes.swarm.cluster.Engine",
    "swarmnotes.swarm.cluster.EventHandlers",
    "swarmnotes.swarm.cluster.EventsMonitor",
    "swarmnotes.swarm.cluster.Cluster",
    "swarmnotes.swarmkit.node.Node",
)

# Go files the book ports: each must have a section (the path as it appears
# in the heading, after the tag).
EXPECTED_FILES = (
    ("golang/go", "src/context/context.go"),
    ("docker/swarm", "cluster/config.go"),
    ("docker/swarm", "cluster/container.go"),
    ("docker/swarm", "cluster/image.go"),
    ("docker/swarm", "cluster/engine.go"),
    ("docker/swarm", "cluster/event_monitor.go"),
    ("docker/swarm", "cluster/event.go"),
    ("docker/swarm", "cluster/swarm/cluster.go"),
    ("docker/swarm", "scheduler/node/node.go"),
    ("docker/swarm", "scheduler/filter/affinity.go"),
    ("docker/swarm", "scheduler/filter/constraint.go"),
    ("docker/swarm", "scheduler/filter/dependency.go"),
    ("docker/swarm", "scheduler/filter/expr.go"),
    ("docker/swarm", "scheduler/filter/filter.go"),
    ("docker/swarm", "scheduler/filter/health.go"),
    ("docker/swarm", "scheduler/filter/port.go"),
    ("docker/swarm", "scheduler/filter/slots.go"),
    ("docker/swarm", "scheduler/strategy/binpack.go"),
    ("docker/swarm", "scheduler/strategy/random.go"),
    ("docker/swarm", "scheduler/strategy/spread.go"),
    ("docker/swarm", "scheduler/strategy/strategy.go"),
    ("docker/swarm", "scheduler/strategy/weighted_node.go"),
    ("docker/swarm", "scheduler/scheduler.go"),
    ("moby/swarmkit", "agent/node.go"),
    ("moby/swarmkit", "cmd/swarmd/main.go"),
    ("golang/go", "src/net/http/client.go"),
    ("golang/blog", "content/pipelines/sqdone3.go"),
    ("golang/blog", "content/pipelines/bounded.go"),
)


@dataclass
class Row:
    line: int  # 1-based line number in the page
    go: str
    python: str
    note: str


@dataclass
class Section:
    line: int
    heading: str
    repo: str | None
    ref: str | None
    rows: list[Row] = dataclasses.field(default_factory=list)
    modules: list[tuple[int, str]] = dataclasses.field(default_factory=list)


def _cells(line: str) -> list[str]:
    inner = line.strip()
    inner = inner[1:-1] if inner.endswith("|") else inner[1:]
    return [c.strip() for c in re.split(r"(?<!\\)\|", inner)]


def parse(text: str) -> tuple[list[Section], list[str]]:
    """The page's sections and rows, and the problems found while parsing."""
    sections: list[Section] = []
    problems: list[str] = []
    current: Section | None = None
    in_fence = False
    table_line = 0  # 1-based number of the table's current line (0: not in a table)
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if not stripped.startswith("|"):
            table_line = 0
            if line.startswith("### "):
                heading = line[4:].strip()
                m = HEADING_REF.search(heading)
                current = Section(number, heading, m and m["repo"], m and m["ref"])
                sections.append(current)
            elif line.startswith(("# ", "## ")):
                current = None  # a title or a group heading: no table belongs to it
            elif current is not None and line.startswith("Python module"):
                # "Python module: `swarmnotes.go.context`": checked like a row.
                for m in PYTHON_PATH.finditer(line):
                    current.modules.append((number, m["path"]))
            continue
        table_line += 1
        cells = _cells(stripped)
        where = f"line {number}"
        if current is None:
            problems.append(f"{where}: a table outside a ### section")
            continue
        if table_line == 1:
            if cells != ["Go", "Python", "Note"]:
                problems.append(f"{where}: table header is {cells}, want ['Go', 'Python', 'Note']")
            continue
        if table_line == 2:
            if not all(re.fullmatch(r":?-{3,}:?", c) for c in cells) or len(cells) != 3:
                problems.append(f"{where}: not a table separator row")
            continue
        if len(cells) != 3:
            problems.append(f"{where}: {len(cells)} cells, want 3: {stripped}")
            continue
        current.rows.append(Row(number, *cells))
    return sections, problems


@pytest.fixture(scope="module")
def page() -> tuple[list[Section], list[str]]:
    return parse(PAGE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def resolved(page: tuple[list[Section], list[str]]) -> dict[str, Any]:
    """Every dotted path of the page: its object, or the exception resolving raised."""
    paths = {p for _, r in _rows(page[0]) if (p := _path_of(r)) is not None}
    paths |= {p for s in page[0] for _, p in s.modules}
    out: dict[str, Any] = {}
    for path in sorted(paths):
        try:
            out[path] = resolve(path)
        except Exception as exc:  # every failure is listed, whatever it is
            out[path] = _Failure(exc)
    return out


class _Failure:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc

    def __str__(self) -> str:
        return f"{type(self.exc).__name__}: {self.exc}"


def _rows(sections: list[Section]) -> list[tuple[Section, Row]]:
    return [(s, r) for s in sections for r in s.rows]


def _path_of(row: Row) -> str | None:
    m = PYTHON_PATH.fullmatch(row.python)
    return m["path"] if m else None


# ---------------------------------------------------------------------------
# Resolving a dotted path


class _InstanceAttribute:
    """Stands for an attribute that exists on instances only (set in __init__)."""

    def __init__(self, cls: type, name: str) -> None:
        self.cls = cls
        self.name = name


def _declares(cls: type, name: str) -> bool:
    """Whether instances of ``cls`` have attribute ``name`` (class-level getattr failed)."""
    if dataclasses.is_dataclass(cls) and name in {f.name for f in dataclasses.fields(cls)}:
        return True
    pattern = re.compile(r"\bself\." + re.escape(name) + r"\s*(?::[^=\n]+)?=(?!=)")
    for klass in cls.__mro__:
        if klass is object:
            continue
        slots = klass.__dict__.get("__slots__", ())
        if name in ((slots,) if isinstance(slots, str) else slots):
            return True
        if name in klass.__dict__.get("__annotations__", {}):
            return True
        try:
            source = inspect.getsource(klass)
        except (OSError, TypeError):
            continue
        if pattern.search(source):
            return True
    return False


def resolve(path: str) -> Any:
    """The object a dotted path names; raises with the reason when there is none."""
    parts = path.split(".")
    obj: Any = None
    for i in range(len(parts), 0, -1):
        name = ".".join(parts[:i])
        try:
            obj = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            # Only "this very module does not exist" means: try a shorter
            # prefix. A module that exists but fails to import is an error.
            if exc.name is not None and (name == exc.name or name.startswith(exc.name + ".")):
                continue
            raise
        break
    else:
        raise LookupError(f"no importable module in {path!r}")
    for attr in parts[i:]:
        if isinstance(obj, _InstanceAttribute):
            raise LookupError(
                f"{obj.cls.__qualname__}.{obj.name} is an instance attribute; "
                f"cannot look {attr!r} up on it"
            )
        try:
            obj = getattr(obj, attr)
            continue
        except AttributeError:
            pass
        if inspect.isclass(obj) and _declares(obj, attr):
            obj = _InstanceAttribute(obj, attr)
            continue
        owner = obj.__name__ if isinstance(obj, types.ModuleType) else repr(obj)
        raise LookupError(f"{owner} has no attribute {attr!r}")
    return obj


# ---------------------------------------------------------------------------
# The tests


def test_page_parses(page: tuple[list[Section], list[str]]) -> None:
    sections, problems = page
    assert sections, f"{PAGE} has no ### sections"
    for s in sections:
        if s.repo is None:
            problems.append(
                f"line {s.line}: section {s.heading!r} names no repository and tag "
                f"(want one of {REPOSITORIES} followed by a tag or commit)"
            )
        if not s.rows:
            problems.append(f"line {s.line}: section {s.heading!r} has no table rows")
    assert not problems, "\n".join(problems)


def test_every_row_is_a_name_or_not_ported(page: tuple[list[Section], list[str]]) -> None:
    bad = [
        f"line {r.line} [{s.heading}] Go {r.go}: Python cell {r.python!r} is neither one "
        "backticked swarmnotes.* path nor 'not ported: <reason>'"
        for s, r in _rows(page[0])
        if _path_of(r) is None and not NOT_PORTED.match(r.python)
    ]
    bad += [f"line {r.line} [{s.heading}]: empty Go cell" for s, r in _rows(page[0]) if not r.go]
    assert not bad, f"{len(bad)} bad rows:\n" + "\n".join(bad)


def test_every_python_name_resolves(
    page: tuple[list[Section], list[str]], resolved: dict[str, Any]
) -> None:
    failures = []
    for s, r in _rows(page[0]):
        path = _path_of(r)
        if path is not None and isinstance(resolved[path], _Failure):
            failures.append(f"line {r.line} [{s.heading}] Go {r.go} -> {path}: {resolved[path]}")
    for s in page[0]:
        for line, path in s.modules:
            if isinstance(resolved[path], _Failure):
                failures.append(f"line {line} [{s.heading}] module {path}: {resolved[path]}")
    assert not failures, f"{len(failures)} rows do not resolve:\n" + "\n".join(failures)


def _public_names(module: types.ModuleType) -> list[str]:
    """``__all__``, else the public functions and classes defined in the module."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return [n for n in names if not isinstance(getattr(module, n), types.ModuleType)]
    return [
        n
        for n, v in vars(module).items()
        if not n.startswith("_")
        and (inspect.isfunction(v) or inspect.isclass(v))
        and v.__module__ == module.__name__
    ]


@pytest.mark.parametrize("module_name", COVERED_MODULES)
def test_every_public_name_is_on_the_page(resolved: dict[str, Any], module_name: str) -> None:
    module = importlib.import_module(module_name)
    # Paths that do not resolve are reported by test_every_python_name_resolves.
    objects = [o for o in resolved.values() if not isinstance(o, _Failure)]
    missing = []
    for name in _public_names(module):
        full = f"{module_name}.{name}"
        if any(p == full or p.startswith(full + ".") for p in resolved):
            continue
        value = getattr(module, name)
        # Named through another module (the package re-export, or the defining
        # module): the same class or function counts.
        if (inspect.isclass(value) or inspect.isfunction(value)) and any(
            o is value for o in objects
        ):
            continue
        missing.append(full)
    assert not missing, (
        f"{PAGE.name} does not mention these public names of {module_name}: {missing}"
    )


@pytest.mark.parametrize("class_path", COVERED_CLASSES)
def test_every_public_method_is_on_the_page(resolved: dict[str, Any], class_path: str) -> None:
    cls = resolve(class_path)
    # The paths that name this class (a re-export, or the defining module).
    prefixes = [p for p, o in resolved.items() if o is cls]
    assert prefixes, f"{PAGE.name} does not mention the class {class_path}"
    missing = [
        f"{class_path}.{name}"
        for name, value in vars(cls).items()
        if not name.startswith("_")
        and (callable(value) or isinstance(value, property | staticmethod | classmethod))
        and not any(f"{p}.{name}" in resolved for p in prefixes)
    ]
    assert not missing, f"{PAGE.name} does not mention these methods: {missing}"


def test_each_ported_go_file_has_a_section(page: tuple[list[Section], list[str]]) -> None:
    have = {(s.repo, s.heading.rsplit(" ", 1)[-1]) for s in page[0]}
    missing = [f"{repo} {path}" for repo, path in EXPECTED_FILES if (repo, path) not in have]
    assert not missing, f"no section for: {missing}"


def test_resolve_rejects_what_does_not_exist() -> None:
    # The checker itself must be able to fail.
    with pytest.raises(LookupError):
        resolve("swarmnotes.go.context.with_cancel_and_forget")
    with pytest.raises(LookupError):
        resolve("swarmnotes.swarm.scheduler.node.Node.no_such_field")
    assert (
        resolve("swarmnotes.go.context.with_cancel")
        is importlib.import_module("swarmnotes.go.context").with_cancel
    )
    assert isinstance(
        resolve("swarmnotes.swarm.scheduler.node.Node.total_memory"), _InstanceAttribute
    )


CODE = re.compile(r"`[^`]+`")


def _table_rows(text: str) -> list[list[str]]:
    """Every body row of every table on a page (header and separator rows left out)."""
    rows, table_line = [], 0
    for line in text.splitlines():
        if not line.strip().startswith("|"):
            table_line = 0
            continue
        table_line += 1
        if table_line > 2:
            rows.append(_cells(line))
    return rows


def test_the_chinese_page_maps_the_same_names() -> None:
    # The Chinese edition's manifest translates the prose, also in Go cells ("`select`
    # statement"); its backticked Go names and its Python paths must be the English page's,
    # row for row, or it lists a port that is not there.
    chinese = PAGE.parent / "zh" / PAGE.name
    english_rows = _table_rows(PAGE.read_text(encoding="utf-8"))
    chinese_rows = _table_rows(chinese.read_text(encoding="utf-8"))
    assert len(chinese_rows) == len(english_rows), (len(chinese_rows), len(english_rows))
    drift = []
    for en, zh in zip(english_rows, chinese_rows, strict=True):
        path = PYTHON_PATH.fullmatch(en[1])
        names_differ = sorted(CODE.findall(en[0])) != sorted(CODE.findall(zh[0]))
        if names_differ or (path is not None and zh[1] != en[1]):
            drift.append(f"English {en[:2]}, Chinese {zh[:2]}")
        elif path is None and PYTHON_PATH.fullmatch(zh[1]):
            drift.append(f"English {en[:2]} is not ported, Chinese names {zh[1]}")
    assert not drift, "\n".join(drift)
    modules = {m["path"] for m in PYTHON_PATH.finditer(PAGE.read_text(encoding="utf-8"))}
    assert modules == {m["path"] for m in PYTHON_PATH.finditer(chinese.read_text(encoding="utf-8"))}
