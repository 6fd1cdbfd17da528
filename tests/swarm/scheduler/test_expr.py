"""Mirrors docker/swarm v1.2.5 scheduler/filter/expr_test.go, plus reference §4's corners."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.scheduler.filter import EQ, NOTEQ, OPERATORS, Expr, FilterError, parse_exprs


def test_parse_exprs() -> None:
    # Cannot use the leading digit for key
    with pytest.raises(FilterError):
        parse_exprs(["1node"])
    # Cannot use space in key
    with pytest.raises(FilterError):
        parse_exprs(["node ==node1"])
    # Cannot use * in key
    with pytest.raises(FilterError):
        parse_exprs(["no*de==node1"])
    # Cannot use $ in key
    with pytest.raises(FilterError):
        parse_exprs(["no$de==node1"])

    # Allow CAPS in key
    exprs = parse_exprs(["NoDe==node1"])
    assert (exprs[0].key, exprs[0].value) == ("NoDe", "node1")
    # Allow dot in key
    exprs = parse_exprs(["no.de==node1"])
    assert (exprs[0].key, exprs[0].value) == ("no.de", "node1")
    # Allow leading underscore
    exprs = parse_exprs(["_node==_node1"])
    assert (exprs[0].key, exprs[0].value) == ("_node", "_node1")
    # Allow globbing
    exprs = parse_exprs(["node==*node*"])
    assert (exprs[0].key, exprs[0].value) == ("node", "*node*")
    # Allow regexp in value
    exprs = parse_exprs(["node==/(?i)^[a-b]+c*(n|b)$/"])
    assert (exprs[0].key, exprs[0].value) == ("node", "/(?i)^[a-b]+c*(n|b)$/")
    # Allow space in value
    exprs = parse_exprs(["node==node 1"])
    assert (exprs[0].key, exprs[0].value) == ("node", "node 1")


def test_match() -> None:
    e = Expr(operator=EQ, value="foo")
    assert e.match("foo")
    assert not e.match("bar")
    assert e.match("foo", "bar")

    e = Expr(operator=NOTEQ, value="foo")
    assert not e.match("foo")
    assert e.match("bar")
    assert not e.match("foo", "bar")
    assert not e.match("bar", "foo")

    e = Expr(operator=EQ, value="f*o")
    assert e.match("foo")
    assert e.match("fuo")
    assert e.match("foo", "fuo", "bar")

    e = Expr(operator=NOTEQ, value="f*o")
    assert not e.match("foo")
    assert not e.match("fuo")
    assert not e.match("foo", "fuo", "bar")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("a==b", "Key 'a' is invalid"),
        ("a!==b", "Key 'a!' is invalid"),
        ("ab\n==c", "Key 'ab\n' is invalid"),
        ("name=node0", "One of operator ==, != is expected"),
        ("name=!node0", "One of operator ==, != is expected"),
        ("node==", "Value '' is invalid"),
        ("region==~us~", "Value '~us~' is invalid"),
        ("ab==c==d", "Value 'c==d' is invalid"),
        ("ab==c,d", "Value 'c,d' is invalid"),
        ("ab==c@d", "Value 'c@d' is invalid"),
        ("ab==é", "Value 'é' is invalid"),
        ("ab==c\v", "Value 'c\v' is invalid"),  # Go's \s has no \v
    ],
)
def test_parse_errors(entry: str, message: str) -> None:
    with pytest.raises(FilterError) as info:
        parse_exprs([entry])
    assert str(info.value) == message


def test_parse_first_error_wins_and_empty_list() -> None:
    assert parse_exprs([]) == []
    with pytest.raises(FilterError, match="^Key 'a' is invalid$"):
        parse_exprs(["ok==1", "a==b", "c"])


def test_parse_fields() -> None:
    assert parse_exprs(["ab===c"]) == [Expr("ab", EQ, "=c", False)]
    assert parse_exprs(["ab==~c"]) == [Expr("ab", EQ, "c", True)]
    assert parse_exprs(["ab!=~c"]) == [Expr("ab", NOTEQ, "c", True)]
    assert parse_exprs(["ab==!~c"]) == [Expr("ab", EQ, "!~c", False)]
    # "==" is tried before "!=" and splits at its first occurrence.
    with pytest.raises(FilterError, match="^Key .ab!=c. is invalid$"):
        parse_exprs(["ab!=c==d"])
    assert OPERATORS == ["==", "!="]


def test_key_needs_two_characters_but_allows_go_case_folds() -> None:
    assert parse_exprs(["\u212aa==b"])[0].key == "\u212aa"  # Kelvin sign folds to k in Go
    with pytest.raises(FilterError):
        parse_exprs(["\u0130a==b"])  # dotted I does not fold to i in Go


def test_glob_escapes_nothing_else() -> None:
    assert Expr(value="node.1").match("nodeX1")
    assert Expr(value="a+b").match("aab")
    assert not Expr(value="a+b").match("a+b")
    assert not Expr(value="FOO").match("foo")
    assert not Expr(value="foo").match("foo\n")  # Go's $ is the very end


def test_regexp_is_unanchored() -> None:
    assert Expr(value="/node/").match("mynode1")
    assert not Expr(value="/abc/").match("ABC")
    assert Expr(value="/(?i)abc/").match("xABCx")
    assert not Expr(value=r"/\d/").match("\u0661")  # Go's \d is ASCII only


def test_bad_regexp() -> None:
    assert not Expr(operator=EQ, value="/[/").match("x")
    assert Expr(operator=NOTEQ, value="/[/").match("x")
    assert Expr(value="/").match("anything")  # Go panics; here the empty regexp


def test_no_values() -> None:
    assert not Expr(operator=EQ, value="*").match()
    assert Expr(operator=NOTEQ, value="*").match()
