"""Helpers of the classic Swarm cluster tests: events to make and to compare."""

from __future__ import annotations

import docker

from swarmnotes.lab import LABEL


def volume_events(api: docker.APIClient, prefix: str, pairs: int) -> None:
    """Make ``2 * pairs`` events: create and remove labelled volumes."""
    for i in range(pairs):
        name = f"{prefix}-{i}"
        api.create_volume(name=name, labels=LABEL)
        api.remove_volume(name)


def real(messages: list[dict]) -> list[dict]:
    """The engine's own events (not swarm's engine_connect and friends)."""
    return [m for m in messages if m.get("Type") != "swarm"]


def key(m: dict) -> tuple:
    return (m["timeNano"], m["Type"], m["Action"], m["Actor"]["ID"])
