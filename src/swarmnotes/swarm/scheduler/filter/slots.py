"""Port of docker/swarm v1.2.5 scheduler/filter/slots.go: the ``containerslots`` node label.

A node labelled ``containerslots=N`` takes at most N containers (every
container counts: stopped and pending ones too). A node without the label,
or with a value Go's ``strconv.Atoi`` rejects (``foo``, ``" 3"``, ``3.0``), has
no limit.
"""

from __future__ import annotations

import re

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["ErrNoNodeWithFreeSlotsAvailable", "SlotsFilter"]


class ErrNoNodeWithFreeSlotsAvailable(FilterError):
    """Every node is at its ``containerslots``. Go: filter.ErrNoNodeWithFreeSlotsAvailable"""

    message = "No node with enough open slots available in the cluster"


# Python: int() accepts " 3", "3_0" and non-ASCII digits; Go's Atoi does not.
_ATOI_RE = re.compile(r"[+-]?[0-9]+", re.ASCII)
_INT_MAX = (1 << 63) - 1


def _atoi(text: str) -> int | None:
    """Go's ``strconv.Atoi`` on a 64-bit platform; ``None`` where Go returns an error."""
    if not _ATOI_RE.fullmatch(text):
        return None
    value = int(text)
    if not -_INT_MAX - 1 <= value <= _INT_MAX:
        return None  # ErrRange
    return value


class SlotsFilter:
    """Only nodes with a free container slot. Go: filter.SlotsFilter (name "containerslots")"""

    def name(self) -> str:
        return "containerslots"

    def filter(self, config: ContainerConfig, nodes: list[Node], soft: bool) -> list[Node]:
        result: list[Node] = []
        for node in nodes:
            slots_string = node.labels.get("containerslots")
            if slots_string is None:
                result.append(node)  # no label, no limit
                continue
            slots = _atoi(slots_string)
            # A label that does not parse is ignored.
            if slots is None or len(node.containers) < slots:
                result.append(node)
        if not result:
            raise ErrNoNodeWithFreeSlotsAvailable()
        return result

    def get_filters(self, config: ContainerConfig) -> list[str]:
        """Always ``["available container slots"]``."""
        return ["available container slots"]

    def __repr__(self) -> str:
        return "SlotsFilter()"
