"""The cleanup registry and label sweep remove what a test created."""

from __future__ import annotations

import docker
import pytest

from swarmnotes.lab import BASE_IMAGE, LABEL, LabEngine, Registry, count_labelled, remove_labelled


def test_registry_removes_in_reverse_and_tolerates_gone_objects(engine: LabEngine) -> None:
    with engine.client() as client:
        reg = Registry()
        network = reg.track(client.networks.create("swn-reg-net", labels=LABEL))
        container = reg.track(
            client.containers.create(BASE_IMAGE, ["true"], labels=LABEL, network=network.name)
        )
        volume = reg.track(client.volumes.create("swn-reg-vol", labels=LABEL))
        volume.remove()  # already gone: cleanup must not fail on it
        assert repr(reg) == "<Registry [3 objects]>"
        reg.cleanup()
        assert repr(reg) == "<Registry [0 objects]>"
        with pytest.raises(docker.errors.NotFound):
            client.containers.get(container.id)
        with pytest.raises(docker.errors.NotFound):
            client.networks.get(network.id)


def test_remove_labelled_sweeps_only_labelled_objects(engine: LabEngine) -> None:
    with engine.client() as client:
        kept = client.volumes.create("swn-unlabelled")
        try:
            client.containers.create(BASE_IMAGE, ["true"], labels=LABEL)
            client.volumes.create("swn-labelled", labels=LABEL)
            assert count_labelled(client) == 2
            removed = remove_labelled(client)
            assert removed == {"services": 0, "containers": 1, "networks": 0, "volumes": 1}
            assert count_labelled(client) == 0
            assert client.volumes.get("swn-unlabelled").name == "swn-unlabelled"
        finally:
            kept.remove()
