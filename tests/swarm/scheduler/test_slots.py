"""Mirrors docker/swarm v1.2.5 scheduler/filter/slots_test.go, plus Atoi's corners."""

from __future__ import annotations

import pytest

from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.scheduler.filter import ErrNoNodeWithFreeSlotsAvailable, SlotsFilter
from swarmnotes.swarm.scheduler.node import Node

LABELS_WITH_SLOTS = {"containerslots": "3"}
LABELS_WITHOUT_SLOTS: dict[str, str] = {}
LABELS_WITH_STRING_SLOT = {"containerslots": "foo"}


def _node(i: int, labels: dict[str, str], n: int) -> Node:
    return Node(
        id=f"node-{i}-id",
        name=f"node-{i}-name",
        labels=labels,
        containers=[Container() for _ in range(n)],
    )


def test_slots_filter() -> None:
    f = SlotsFilter()
    assert f.name() == "containerslots"

    nodes_all_free = [_node(0, LABELS_WITH_SLOTS, 1), _node(1, LABELS_WITH_SLOTS, 0)]
    assert f.filter(ContainerConfig(), nodes_all_free, True) == nodes_all_free

    nodes_partly_free = [_node(0, LABELS_WITH_SLOTS, 3), _node(1, LABELS_WITH_SLOTS, 0)]
    assert f.filter(ContainerConfig(), nodes_partly_free, True) == [nodes_partly_free[1]]

    nodes_all_no_label = [_node(0, LABELS_WITHOUT_SLOTS, 3), _node(1, LABELS_WITHOUT_SLOTS, 0)]
    assert f.filter(ContainerConfig(), nodes_all_no_label, True) == nodes_all_no_label

    nodes_no_free = [_node(0, LABELS_WITH_SLOTS, 3), _node(1, LABELS_WITH_SLOTS, 3)]
    with pytest.raises(ErrNoNodeWithFreeSlotsAvailable) as info:
        f.filter(ContainerConfig(), nodes_no_free, True)
    assert str(info.value) == "No node with enough open slots available in the cluster"

    nodes_string_label = [_node(0, LABELS_WITH_SLOTS, 3), _node(1, LABELS_WITH_STRING_SLOT, 3)]
    assert f.filter(ContainerConfig(), nodes_string_label, True) == [nodes_string_label[1]]

    assert f.get_filters(ContainerConfig()) == ["available container slots"]


@pytest.mark.parametrize(
    ("label", "kept"),
    [
        ("+3", False),
        ("03", False),
        ("4", True),
        (" 3", True),  # Atoi rejects it: no limit
        ("3.0", True),
        ("3_0", True),
        ("0", False),
        ("-1", False),
        ("99999999999999999999", True),  # out of range: Atoi fails, no limit
    ],
)
def test_atoi(label: str, kept: bool) -> None:
    node = _node(0, {"containerslots": label}, 3)
    other = _node(1, {}, 0)
    result = SlotsFilter().filter(ContainerConfig(), [node, other], True)
    assert (node in result) is kept
