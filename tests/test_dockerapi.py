"""swarmnotes.dockerapi without an engine: the kinds, the sentences, the addresses, the bounds."""

from __future__ import annotations

import http.client
import socket

import docker
import pytest
import requests
import urllib3

from swarmnotes import dockerapi
from swarmnotes.swarm.cluster import EventsMonitor
from swarmnotes.swarm.errors import ClusterError

URL = "tcp://10.0.0.1:2375"


def wrapped(inner: BaseException) -> requests.exceptions.ConnectionError:
    """What docker-py raises: requests' ConnectionError around urllib3's around the OS's."""
    return requests.exceptions.ConnectionError(
        urllib3.exceptions.ProtocolError("Connection aborted.", inner)
    )


@pytest.mark.parametrize(
    ("exc", "kind", "text"),
    [
        (
            wrapped(FileNotFoundError(2, "No such file or directory")),
            "unreachable",
            f"cannot reach the Docker engine at {URL}: no such socket",
        ),
        (
            wrapped(ConnectionRefusedError(111, "Connection refused")),
            "unreachable",
            f"cannot reach the Docker engine at {URL}: connection refused",
        ),
        (
            wrapped(PermissionError(13, "Permission denied")),
            "unreachable",
            f"cannot reach the Docker engine at {URL}: permission denied",
        ),
        (
            wrapped(socket.gaierror(-2, "Name or service not known")),
            "unreachable",
            f"cannot reach the Docker engine at {URL}: no such host",
        ),
        (
            requests.exceptions.ConnectTimeout("connect timed out"),
            "unreachable",
            f"cannot reach the Docker engine at {URL}: no answer to the connection",
        ),
        (
            requests.exceptions.ReadTimeout("Read timed out. (read timeout=3)"),
            "silent",
            f"the Docker engine at {URL} accepted the connection but did not answer within 3 s",
        ),
        (
            wrapped(http.client.RemoteDisconnected("Remote end closed connection")),
            "closed",
            f"the Docker engine at {URL} closed the connection before it answered",
        ),
        (
            requests.exceptions.ChunkedEncodingError(
                urllib3.exceptions.ProtocolError("Response ended prematurely")
            ),
            "closed",
            f"the Docker engine at {URL} closed the connection before it answered",
        ),
        (
            wrapped(http.client.BadStatusLine("SSH-2.0")),
            "not-docker",
            f"the Docker engine at {URL} answered with something that is not the Docker API",
        ),
        (
            requests.exceptions.JSONDecodeError("Expecting value", "<html>", 0),
            "not-docker",
            f"the Docker engine at {URL} answered with something that is not the Docker API",
        ),
    ],
)
def test_kinds_and_sentences(exc: BaseException, kind: str, text: str) -> None:
    assert dockerapi.failure_kind(exc) == kind
    assert dockerapi.explain(URL, exc, 3) == text
    assert dockerapi.is_connection_failure(exc) == (kind != "not-docker")


@pytest.mark.parametrize(
    "exc",
    [
        ValueError("No such container: x"),
        RuntimeError("Cannot connect to the docker engine endpoint"),  # words are not a type
        ValueError("Expecting value"),  # not json's JSONDecodeError: not an answer's body
    ],
)
def test_answers_and_other_errors_are_not_failures(exc: BaseException) -> None:
    assert dockerapi.failure_kind(exc) is None and dockerapi.explain(URL, exc) is None


def test_an_api_error_passes_through_reported() -> None:
    response = requests.models.Response()
    response.status_code = 409
    api_error = docker.errors.APIError("Conflict", response)
    with pytest.raises(docker.errors.APIError) as info, dockerapi.reported(URL, 1, ClusterError):
        raise api_error
    assert info.value is api_error


def test_reported_raises_the_package_error_from_the_original() -> None:
    original = requests.exceptions.ReadTimeout("Read timed out.")
    with pytest.raises(ClusterError) as info, dockerapi.reported(URL, 2, ClusterError, "info"):
        raise original
    assert str(info.value) == (
        f"info: the Docker engine at {URL} accepted the connection but did not answer within 2 s"
    )
    assert info.value.__cause__ is original


def test_engine_url() -> None:
    assert (
        dockerapi.engine_url(docker.APIClient(base_url="unix:///tmp/x.sock", version="1.41"))
        == "unix:///tmp/x.sock"
    )
    assert (
        dockerapi.engine_url(docker.DockerClient(base_url="tcp://1.2.3.4:5", version="1.41"))
        == "tcp://1.2.3.4:5"
    )
    with dockerapi.docker_client("unix:///tmp/y.sock") as client:
        assert dockerapi.engine_url(client) == "unix:///tmp/y.sock"
        assert client.api.timeout == dockerapi.REQUEST_TIMEOUT


@pytest.mark.parametrize("bad", [0, -1, None, float("nan")])
def test_a_bound_must_be_positive(bad: float) -> None:
    with pytest.raises(ValueError, match="timeout must be a number of seconds > 0"):
        dockerapi.api_client("unix:///tmp/x.sock", timeout=bad)
    with pytest.raises(ValueError, match="liveness must be a number of seconds > 0 or None"):
        EventsMonitor(None, print, liveness=bad if bad is not None else 0)
