"""An engine the lab did not start: ``SWARMNOTES_DOCKER_HOST`` or ``DOCKER_HOST``."""

from __future__ import annotations

import os
from dataclasses import dataclass

import docker

from swarmnotes import dockerapi
from swarmnotes.lab.engine import (
    CLIENT_TIMEOUT,
    DockerClient,
    LabEngine,
    bounded_api_client,
    bounded_client,
)
from swarmnotes.lab.errors import LabEngineError
from swarmnotes.lab.image import ensure_base_image

# Bound on the one call that reads the engine's name.
NAME_TIMEOUT = 10.0


@dataclass
class ExternalEngine:
    """An existing engine, addressed by its ``base_url``.

    Its clients are bounded as the lab's are; an engine that does not answer
    raises :class:`LabEngineError`, one sentence naming ``base_url``.
    """

    base_url: str

    @property
    def name(self) -> str:
        with self.client(timeout=NAME_TIMEOUT) as client:
            with dockerapi.reported(self.base_url, NAME_TIMEOUT, LabEngineError):
                return str(client.info()["Name"])

    def client(self, timeout: float = CLIENT_TIMEOUT) -> DockerClient:
        return bounded_client(self.base_url, timeout)

    def api_client(self, timeout: float = CLIENT_TIMEOUT) -> docker.APIClient:
        return bounded_api_client(self.base_url, timeout)


def configured_host() -> str | None:
    """The engine address the environment names, if any."""
    return os.environ.get("SWARMNOTES_DOCKER_HOST") or os.environ.get("DOCKER_HOST") or None


def single_engine(timeout: float = CLIENT_TIMEOUT) -> ExternalEngine | LabEngine:
    """The engine a one-engine chapter runs on, with the base image on it.

    With ``DOCKER_HOST`` (or ``SWARMNOTES_DOCKER_HOST``) set, that engine; an
    engine there that does not answer within ``timeout`` seconds (each
    request) raises :class:`LabEngineError`.
    """
    base_url = configured_host()
    if base_url is not None:
        engine = ExternalEngine(base_url)
        with engine.api_client(timeout) as api:
            with dockerapi.reported(base_url, timeout, LabEngineError):
                ensure_base_image(api)
        return engine
    from swarmnotes.lab.lab import Lab  # the lab is only started when needed

    return Lab.up().engine(1)
