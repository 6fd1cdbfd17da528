"""An engine the lab did not start: ``SWARMNOTES_DOCKER_HOST`` or ``DOCKER_HOST``."""

from __future__ import annotations

import os
from dataclasses import dataclass

import docker

from swarmnotes.lab.engine import DockerClient, LabEngine
from swarmnotes.lab.image import ensure_base_image


@dataclass
class ExternalEngine:
    """An existing engine, addressed by its ``base_url``."""

    base_url: str

    @property
    def name(self) -> str:
        with self.client(timeout=10) as client:
            return str(client.info()["Name"])

    def client(self, timeout: int = 60) -> DockerClient:
        return DockerClient(base_url=self.base_url, timeout=timeout)

    def api_client(self, timeout: int = 60) -> docker.APIClient:
        return docker.APIClient(base_url=self.base_url, timeout=timeout)


def configured_host() -> str | None:
    """The engine address the environment names, if any."""
    return os.environ.get("SWARMNOTES_DOCKER_HOST") or os.environ.get("DOCKER_HOST") or None


def single_engine() -> ExternalEngine | LabEngine:
    """The engine a one-engine chapter runs on, with the base image on it."""
    base_url = configured_host()
    if base_url is not None:
        engine = ExternalEngine(base_url)
        with engine.api_client() as api:
            ensure_base_image(api)
        return engine
    from swarmnotes.lab.lab import Lab  # the lab is only started when needed

    return Lab.up().engine(1)
