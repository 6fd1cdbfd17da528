"""Guards the public surface of swarmnotes.swarmkit (DESIGN.md: swarmnotes.swarmkit.node)."""

from __future__ import annotations

import inspect

import swarmnotes.swarmkit as swarmkit
from swarmnotes.swarmkit import node, swarmd


def test_contract_names() -> None:
    for name in [
        "NodeConfig",
        "Node",
        "AgentError",
        "AgentStartedError",
        "AgentNotStartedError",
        "AgentStoppedError",
    ]:
        assert hasattr(node, name)
        assert getattr(swarmkit, name) is getattr(node, name)
    assert set(swarmkit.__all__) <= set(node.__all__)
    assert callable(swarmd.main)


def test_node_config_signature_follows_the_contract() -> None:
    params = list(inspect.signature(node.NodeConfig).parameters)
    assert params == [
        "hostname",
        "force_new_cluster",
        "listen_control_api",
        "listen_remote_api",
        "advertise_remote_api",
        "join_addr",
        "state_dir",
        "join_token",
        "external_cas",
        "executor",
        "heartbeat_tick",
        "election_tick",
    ]


def test_node_methods() -> None:
    for name in ["start", "stop", "ready", "err"]:
        assert callable(getattr(node.Node, name))
    assert list(inspect.signature(node.Node.start).parameters) == ["self", "ctx"]
    assert list(inspect.signature(node.Node.stop).parameters) == ["self", "ctx"]
    assert list(inspect.signature(node.Node.err).parameters) == ["self", "ctx"]


def test_error_classes_take_no_arguments_for_gos_message() -> None:
    assert issubclass(node.AgentError, RuntimeError)
    assert str(node.AgentStartedError()) == "agent: already started"
    assert str(node.AgentNotStartedError()) == "agent: not started"
    assert str(node.AgentStoppedError()) == "agent: stopped"
