"""docker_events: bounded until the engine answers, unbounded after (a quiet stream lives)."""

from __future__ import annotations

import time
from collections.abc import Iterator

import docker
import pytest
import requests

from swarmnotes.dockerapi import docker_events
from swarmnotes.lab import LABEL, LabEngine

from .faults.faults_helpers import Server


@pytest.fixture
def silent_url() -> Iterator[str]:
    """tcp://127.0.0.1:PORT of a server that accepts connections and never answers."""
    server = Server("silent").start()
    try:
        yield server.url
    finally:
        server.stop()


def test_a_silent_engine_ends_the_wait_for_its_answer(silent_url: str) -> None:
    api = docker.APIClient(base_url=silent_url, version="1.41")
    started = time.monotonic()
    with pytest.raises(requests.exceptions.ReadTimeout):
        docker_events(api, connect_timeout=1, header_timeout=1)
    assert 0.9 < time.monotonic() - started < 5
    api.close()


def test_a_quiet_stream_outlives_the_header_bound(engine: LabEngine) -> None:
    with engine.api_client() as api:
        stream = docker_events(api, header_timeout=0.5, filters={"type": "volume"})
        try:
            time.sleep(1.5)  # three header bounds of silence on an open stream
            api.create_volume("events-quiet", labels=LABEL)
            event = next(stream)
            assert event["Type"] == "volume" and event["Actor"]["ID"] == "events-quiet"
        finally:
            stream.close()
            api.remove_volume("events-quiet")
