"""Port of docker/swarm v1.2.5 scheduler/filter/expr.go: the constraint/affinity language.

An expression is ``<key><op><value>`` with ``op`` one of ``==`` and ``!=``.
A value starting with ``~`` makes the expression *soft* (the scheduler's
first pass enforces it, the second ignores it). A value written between
slashes, ``/.../``, is a regular expression searched anywhere in the text;
any other value looks like a glob but is a regular expression too: each ``*``
becomes ``.*``, the whole is anchored as ``^...$``, and ``.``, ``[...]``,
``?``, ``+`` and ``|`` keep their regexp meaning.

Corners worth knowing (all as in Go):

* ``==`` is looked for first, then ``!=``; the entry splits at the first
  occurrence. A lone ``=`` or ``=!`` is not an operator.
* A key is a letter or ``_`` followed by at least one of
  ``[a-z0-9-_.]`` (case-insensitive): **one-character keys are invalid**.
* The value allows one leading ``=``, ``!`` or ``/``, an optional ``~``,
  then letters, digits and ``: - _ space . * / ( ) ? + [ ] \\ ^ $ |``.
  ``,`` ``@`` ``#`` ``{`` ``}`` and a second ``~`` are rejected.
* Globs escape nothing else: ``node.1`` matches ``nodeX1``.
* ``!=`` means "none of the values match"; a regexp that does not compile
  counts as no match (so ``!=/[/`` accepts every node).
"""
# Go: regexp is RE2. Python: ``re`` with ``re.ASCII`` (Go's ``\\d``, ``\\w``,
# ``\\s`` are ASCII-only). Patterns that use syntax only one of the two
# accepts (Go's ``\\z``, a ``(?i)`` in the middle of a pattern) behave
# differently; the values swarm's docs and tests use mean the same in both.

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from swarmnotes.swarm.errors import FilterError

__all__ = ["EQ", "NOTEQ", "OPERATORS", "Expr", "parse_exprs"]

log = logging.getLogger(__name__)

EQ = 0
"""The ``==`` operator (index into OPERATORS). Go: filter.EQ"""
NOTEQ = 1
"""The ``!=`` operator. Go: filter.NOTEQ"""
OPERATORS = ["==", "!="]
"""Tried in this order. Go: filter.OPERATORS"""

# Go validates with `^(?i)[a-z_][a-z0-9\-_.]+$`. Under (?i) Go's case folding
# also lets in U+017F (long s, folds to s) and U+212A (Kelvin sign, folds to
# k); they are spelled out here. fullmatch stands for Go's ^...$: Python's `$`
# would also accept a trailing "\n".
_KEY_RE = re.compile(r"[A-Za-z_\u017f\u212a][A-Za-z0-9\-_.\u017f\u212a]+")

# Go: `^(?i)[=!\/]?(~)?[a-z0-9:\-_\s\.\*/\(\)\?\+\[\]\\\^\$\|]+$`.
# Go's \s is exactly [\t\n\f\r ].
_VALUE_RE = re.compile(r"[=!/]?(~)?[A-Za-z0-9:\-_\t\n\f\r \.\*/\(\)\?\+\[\]\\\^\$\|\u017f\u212a]+")


@dataclass
class Expr:
    """One parsed expression. Go: filter.expr (unexported there)."""

    key: str = ""
    operator: int = EQ
    value: str = ""
    is_soft: bool = False
    # The compiled pattern's search, with the value it was compiled from (see
    # _search). Python only: not a constructor argument, not in repr or
    # comparisons.
    _compiled: tuple[str, Callable[[str], object] | None] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def _search(self) -> Callable[[str], object] | None:
        """The compiled pattern's ``search``, or None if it does not compile."""
        # Go (v1.2.5): regexp.MatchString(pattern, what) compiles the pattern
        # again for every value, which made the affinity filter cost ~350 ms at
        # 1000 nodes of 20 containers. Python: compiled once per expression
        # (kept, with the value it came from, in a field outside init, repr
        # and equality); parse_exprs makes new expressions on every filter
        # call, so that is once per pattern per call.
        compiled = self._compiled
        if compiled is None or compiled[0] != self.value:
            try:
                search: Callable[[str], object] | None = re.compile(
                    self._pattern(), re.ASCII
                ).search
            except re.error as exc:
                # Go logs the error and counts it as no match.
                log.error("%s", exc)
                search = None
            compiled = (self.value, search)
            self._compiled = compiled
        return compiled[1]

    def _pattern(self) -> str:
        """The regular expression this value stands for."""
        value = self.value
        if value[:1] == "/" and value[-1:] == "/":
            # /regexp/, searched unanchored. Go: a value of exactly "/" panics
            # (slice [1:0]); Python: it is the empty regexp.
            return value[1:-1]
        # Glob: ub*t* -> ^ub.*t.*$ , nothing else escaped.
        # Go's `$` (no (?m)) is Python's `\Z`.
        return "^" + value.replace("*", ".*") + r"\Z"

    def match(self, *whats: str) -> bool:
        """True if ``==`` and any of ``whats`` matches, or ``!=`` and none does.

        With no ``whats`` nothing matches (``==`` false, ``!=`` true).
        Go: (*expr).Match
        """
        matched = False
        if whats:
            search = self._search()
            if search is not None:
                # True at the first value that matches, as Go's loop breaks.
                matched = any(map(search, whats))

        if self.operator == EQ:
            return matched
        if self.operator == NOTEQ:
            return not matched
        return False

    def __str__(self) -> str:
        return f"{self.key}{OPERATORS[self.operator]}{self.value}"


def parse_exprs(exprs: list[str]) -> list[Expr]:
    """Parse constraint or affinity entries; raise on the first bad one.

    Errors (``FilterError``, Go's texts): ``One of operator ==, != is
    expected``, ``Key '<key>' is invalid``, ``Value '<value>' is invalid``.
    The stored value has every leading ``~`` removed; ``is_soft`` is true iff
    the raw value starts with ``~``.

    Go: filter.parseExprs
    """
    out: list[Expr] = []
    for entry in exprs:
        found = False
        for operator, op in enumerate(OPERATORS):
            if op in entry:
                key, value = entry.split(op, 1)
                if not _KEY_RE.fullmatch(key):
                    raise FilterError(f"Key '{key}' is invalid")
                if not _VALUE_RE.fullmatch(value):
                    raise FilterError(f"Value '{value}' is invalid")
                out.append(
                    Expr(
                        key=key,
                        operator=operator,
                        value=value.lstrip("~"),
                        is_soft=value[0] == "~",
                    )
                )
                found = True
                break  # one operator per entry
        if not found:
            raise FilterError("One of operator ==, != is expected")
    return out
