"""Fuzzed input: every parser a user's text reaches either works or raises its documented error.

Engine-free. Each target names the error it may raise and checks what a
success must look like, so that "no exception" is not the only assertion.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from swarmnotes import cli
from swarmnotes.lab import MAX_ENGINES
from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.config import SWARM_LABEL_NAMESPACE, ContainerConfig, build_container_config
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.filter import (
    AffinityFilter,
    ConstraintFilter,
    Expr,
    PortFilter,
    parse_exprs,
)
from swarmnotes.swarm.scheduler.node import Node
from swarmnotes.swarmkit import swarmd

# A hang fails the test: two minutes for the ci profile's 300 examples per
# target (they take seconds), an hour for the long profile's 20,000.
pytestmark = pytest.mark.timeout(3600 if os.environ.get("HYPOTHESIS_PROFILE") == "long" else 120)

GO_EXPR_ERRORS = re.compile(
    r"One of operator ==, != is expected|Key '.*' is invalid|Value '.*' is invalid", re.S
)

# Text that reaches the parsers: mostly the characters the grammar cares
# about, so that hypothesis finds the corners, plus any unicode.
GRAMMAR = "abcz_.-019=!~/*?()[]^$|\\+:, @#{}"
expr_text = st.one_of(
    st.text(alphabet=GRAMMAR, max_size=20),
    st.text(max_size=20),
    st.builds(
        lambda k, op, v: k + op + v,
        st.text(alphabet="abz_.-09", max_size=6),
        st.sampled_from(["==", "!=", "=", "=!"]),
        st.text(alphabet=GRAMMAR, max_size=10),
    ),
)


def a_node() -> Node:
    return Node(
        id="n1",
        name="node-1",
        addr="n1",
        labels={"zone": "a1", "storage": "ssd"},
        containers=[
            Container(id="c1", names=["/web"], labels={"tier": "web"}, config=ContainerConfig())
        ],
        total_memory=1 << 30,
        total_cpus=2,
        health_indicator=100,
    )


# -- constraints and affinities ---------------------------------------------------


@given(st.lists(expr_text, max_size=4))
@example(["a1=="])
@example(["a1==~"])
@example(["a1!=/[/"])
@example(["=="])
def test_parse_exprs(entries: list[str]) -> None:
    try:
        exprs = parse_exprs(entries)
    except FilterError as err:
        assert GO_EXPR_ERRORS.fullmatch(str(err)), str(err)
        return
    assert len(exprs) == len(entries)
    for expr, entry in zip(exprs, entries, strict=True):
        assert isinstance(expr, Expr)
        assert expr.key and expr.key in entry
        assert isinstance(expr.match("a1", "node-1"), bool)


@given(st.lists(expr_text, max_size=3), st.booleans())
def test_constraint_and_affinity_filters(entries: list[str], soft: bool) -> None:
    config = build_container_config(
        {"Env": [f"constraint:{e}" for e in entries] + [f"affinity:{e}" for e in entries]}
    )
    node = a_node()
    for f in (ConstraintFilter(), AffinityFilter()):
        try:
            kept = f.filter(config, [node], soft)
        except FilterError as err:
            assert str(err)  # Go's text: a parse error or "unable to find a node ..."
            continue
        assert kept in ([], [node])


# -- container-config labels and environment ----------------------------------------

label_values = st.one_of(
    st.text(max_size=30),
    st.lists(expr_text, max_size=3).map(json.dumps),
)
labels = st.dictionaries(
    st.one_of(
        st.text(max_size=10),
        st.sampled_from(
            [
                SWARM_LABEL_NAMESPACE + ".affinities",
                SWARM_LABEL_NAMESPACE + ".constraints",
                SWARM_LABEL_NAMESPACE + ".reschedule-policies",
            ]
        ),
    ),
    label_values,
    max_size=4,
)
env = st.lists(
    st.one_of(
        st.text(max_size=20),
        st.builds(
            lambda p, v: p + v,
            st.sampled_from(["affinity:", "constraint:", "reschedule:", "Affinity:", "x="]),
            st.text(alphabet=GRAMMAR, max_size=12),
        ),
    ),
    max_size=5,
)


@given(labels, env)
@example({SWARM_LABEL_NAMESPACE + ".constraints": "[1]"}, [])
@example({SWARM_LABEL_NAMESPACE + ".reschedule-policies": '["on-node-failure", "x"]'}, [])
def test_build_container_config(given_labels: dict[str, str], given_env: list[str]) -> None:
    body = {"Labels": dict(given_labels), "Env": list(given_env)}
    config = build_container_config(body)
    assert body == {"Labels": given_labels, "Env": given_env}  # the caller's dict is untouched
    assert isinstance(config["Labels"], dict) and isinstance(config["Env"], list)
    for entry in config["Env"]:
        assert not entry.startswith(("affinity:", "constraint:", "reschedule:"))
    for value in config.constraints() + config.affinities():
        assert isinstance(value, str)
    try:
        config.validate()
    except ValueError as err:
        assert re.fullmatch(
            r"too many reschedule policies|invalid reschedule policy: .*", str(err), re.S
        ), str(err)


# -- port bindings -----------------------------------------------------------------

port = st.one_of(st.integers(0, 70000).map(str), st.text(max_size=6))
binding = st.fixed_dictionaries(
    {},
    optional={
        "HostIp": st.one_of(
            st.sampled_from(["", "0.0.0.0", "127.0.0.1", "::"]), st.text(max_size=8)
        ),
        "HostPort": port,
    },
)
port_bindings = st.dictionaries(
    st.builds(lambda p, proto: f"{p}/{proto}", port, st.sampled_from(["tcp", "udp", "sctp", ""])),
    st.one_of(st.none(), st.lists(binding, max_size=3)),
    max_size=3,
)


@given(port_bindings, st.sampled_from(["", "bridge", "host"]), port_bindings)
def test_port_filter(requested: dict, network_mode: str, in_use: dict) -> None:
    node = a_node()
    node.containers[0].info = {"HostConfig": {"PortBindings": in_use, "NetworkMode": "bridge"}}
    config = build_container_config(
        {"ExposedPorts": {p: {} for p in requested}},
        {"PortBindings": requested, "NetworkMode": network_mode},
    )
    try:
        kept = PortFilter().filter(config, [node], True)
    except FilterError as err:
        assert str(err).startswith("unable to find a node with port "), str(err)
        return
    assert kept in ([], [node])


# -- the command lines ---------------------------------------------------------------

flag_values = st.one_of(
    st.text(max_size=12),
    st.integers(-5, 2**33).map(str),
    st.sampled_from(
        [
            "0",
            "1",
            "nan",
            "inf",
            "1e3",
            "0.5",
            ":",
            "a:1",
            "127.0.0.1:0",
            "[::1]:2377",
            "unix:///x.sock",
            "tcp://h:1",
            "protocol=cfssl,url=https://ca",
        ]
    ),
)
swarmd_flags = st.sampled_from(
    [
        "--log-level",
        "--state-dir",
        "--join-token",
        "--engine-addr",
        "--engine-timeout",
        "--hostname",
        "--listen-remote-api",
        "--advertise-remote-api",
        "--listen-control-api",
        "--join-addr",
        "--heartbeat-tick",
        "--election-tick",
        "--external-ca",
    ]
)


def parse_quietly(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace | int:
    """parse_args, with argparse's usage message swallowed; the exit status on an error."""
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        try:
            return parser.parse_args(argv)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else 2


@given(st.lists(st.tuples(swarmd_flags, flag_values), max_size=4))
def test_swarmd_flags(pairs: list[tuple[str, str]]) -> None:
    argv = [part for flag, value in pairs for part in (flag, value)]
    args = parse_quietly(swarmd.build_parser(), argv)
    if isinstance(args, int):
        assert args == 2  # argparse's usage error
        return
    assert 1 <= args.heartbeat_tick < 2**32 and 1 <= args.election_tick < 2**32
    assert 0 < args.engine_timeout <= 86400
    for addr in (args.listen_remote_api, args.advertise_remote_api, args.join_addr):
        assert addr is None or 0 < int(addr.rpartition(":")[2]) < 65536


@given(st.one_of(flag_values, st.integers(-3, MAX_ENGINES + 3).map(str)))
@example(" 2")
@example("٣")  # a non-ASCII digit
def test_lab_up_engines(value: str) -> None:
    args = parse_quietly(cli.build_parser(), ["lab", "up", "--engines", value])
    if isinstance(args, int):
        assert args == 2
        return
    assert isinstance(args.engines, int) and 1 <= args.engines <= MAX_ENGINES
