"""Engine-free checks of the API port: the route table, the events' node fields, helpers."""

from __future__ import annotations

import json
from typing import Any

from swarmnotes.swarm.api import handlers as h
from swarmnotes.swarm.api.events import event_json
from swarmnotes.swarm.api.primary import ROUTES, match
from swarmnotes.swarm.cluster import Engine


def test_routes_match_with_and_without_the_version_prefix() -> None:
    fn, variables = match("GET", "/v1.41/containers/web/json")  # type: ignore[misc]
    assert fn is h.get_container_json
    assert variables == {"version": "1.41", "name": "web"}
    fn, variables = match("GET", "/containers/web/json")  # type: ignore[misc]
    assert fn is h.get_container_json and variables == {"name": "web"}


def test_longer_routes_win_over_the_catch_all_name() -> None:
    # DELETE /containers/{name:.*} would also match a name with slashes.
    fn, variables = match("POST", "/v1.24/containers/lab-2/web/attach")  # type: ignore[misc]
    assert fn is h.proxy_hijack and variables["name"] == "lab-2/web"
    fn, _ = match("GET", "/containers/json")  # type: ignore[misc]
    assert fn is h.get_containers_json


def test_unknown_paths_and_methods_do_not_match() -> None:
    assert match("GET", "/no/such/thing") is None
    assert match("PATCH", "/containers/json") is None


def test_unported_go_routes_answer_not_implemented() -> None:
    assert ROUTES["POST"]["/networks/create"] is h.not_implemented_handler
    assert ROUTES["GET"]["/images/viz"] is h.not_implemented_handler


def test_event_json_names_the_node() -> None:
    engine = Engine("unix:///x.sock")
    engine.id, engine.name, engine.ip = "ID1", "lab-2", "172.30.9.12"
    message: dict[str, Any] = {
        "Type": "container",
        "Action": "start",
        "status": "start",
        "from": "busybox",
        "Actor": {"ID": "abc", "Attributes": {"name": "web"}},
        "timeNano": 5,
    }
    out = json.loads(event_json(message, engine))
    assert out["from"] == "busybox node:lab-2"
    assert out["Actor"]["Attributes"] == {
        "name": "web",
        "node.name": "lab-2",
        "node.id": "ID1",
        "node.addr": "unix:///x.sock",
        "node.ip": "172.30.9.12",
    }
    assert out["node"] == {
        "Name": "lab-2",
        "Id": "ID1",
        "Addr": "unix:///x.sock",
        "Ip": "172.30.9.12",
    }
    assert message["Actor"]["Attributes"] == {"name": "web"}  # the engine's copy is untouched


def test_event_filters() -> None:
    event = {
        "Type": "container",
        "Action": "health_status: healthy",
        "Actor": {
            "ID": "abcdef",
            "Attributes": {"name": "web", "node.name": "lab-1", "tier": "front"},
        },
    }
    assert h.event_matches({}, event)
    assert h.event_matches({"container": ["web"], "node": ["lab-1"]}, event)
    assert h.event_matches({"container": ["abc"]}, event)
    assert h.event_matches({"event": ["health_status"]}, event)
    assert h.event_matches({"label": ["tier=front"]}, event)
    assert not h.event_matches({"node": ["lab-2"]}, event)
    assert not h.event_matches({"type": ["network"]}, event)


def test_go_json_error_texts() -> None:
    for body, text in (
        (b"{not json", "invalid character 'n' looking for beginning of object key string"),
        (b"xyz", "invalid character 'x' looking for beginning of value"),
        (b"", "unexpected EOF"),
        (b'{"a": 1', "unexpected EOF"),
    ):
        try:
            json.loads(body)
        except json.JSONDecodeError as exc:
            assert h._go_json_error(body, exc) == text
        else:
            raise AssertionError(body)


def test_bytes_size_like_go_units() -> None:
    assert h._bytes_size(0) == "0 B"
    assert h._bytes_size(2.5 * 1024**3) == "2.5 GiB"
    assert h._bytes_size(24.72 * 1024**3) == "24.72 GiB"
