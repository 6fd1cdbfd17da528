"""Scheduler nodes snapshotted from the real lab engines, and engine labels swarm refuses."""

from __future__ import annotations

import pytest

from swarmnotes.lab import BASE_IMAGE, LABEL, Lab, LabError, Registry
from swarmnotes.swarm.config import build_container_config
from swarmnotes.swarm.scheduler import Scheduler, filter, strategy
from swarmnotes.swarm.scheduler.node import create_container_on_client, node_from_client

pytestmark = pytest.mark.engine

MiB = 1 << 20


def test_node_from_client(lab: Lab, registry: Registry) -> None:
    engine = lab.engine(2)
    with engine.client() as client:
        config = build_container_config(
            {
                "Image": BASE_IMAGE,
                "Cmd": ["sleep", "300"],
                "Labels": dict(LABEL, tier="db"),
                "Env": ["constraint:region==us-west"],
            },
            {
                "Memory": 64 * MiB,
                "CpuShares": 1,
                "PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "18080"}]},
            },
        )
        container_id = create_container_on_client(client, config, "sched-db")
        registry.track(client.containers.get(container_id))

        # The engine got real cgroup shares: 1 CPU of NCPU.
        ncpu = client.info()["NCPU"]
        inspected = client.api.inspect_container(container_id)
        assert inspected["HostConfig"]["CpuShares"] == -(-1024 // ncpu)
        assert inspected["Config"]["Labels"]["com.docker.swarm.constraints"] == (
            '["region==us-west"]'
        )

        node = node_from_client(client, addr=engine.base_url, ip=engine.address)

    assert node.name == "lab-2"
    assert node.addr == engine.base_url and node.ip == engine.address
    assert node.labels["region"] == "us-west" and node.labels["storage"] == "hdd"
    assert "storagedriver" in node.labels
    assert node.is_healthy()
    assert node.total_cpus == ncpu + ncpu * 5 // 100
    assert any("swarmnotes/busybox:latest" in image.repo_tags for image in node.images)

    container = node.container("sched-db")
    assert container is not None and container.id == container_id
    assert container.config is not None
    # Back in swarm's units: shares -> CPUs.
    assert container.config.host_config["CpuShares"] == 1
    assert container.config.host_config["Memory"] == 64 * MiB
    assert container.config.constraints() == ["region==us-west"]
    assert node.used_memory >= 64 * MiB

    # The port filter sees the requested binding of the created container.
    s = Scheduler(strategy.new("spread"), filter.new(filter.list()))
    wants_18080 = build_container_config(
        {}, {"PortBindings": {"80/tcp": [{"HostIp": "", "HostPort": "18080"}]}}
    )
    with pytest.raises(filter.FilterError):
        s.select_nodes_for_container([node], wants_18080)


def test_engine_with_a_malformed_label(lab: Lab) -> None:
    """dockerd itself refuses a label that is not key=value, so no engine reports one.

    Classic Swarm checks again (``Engine.updateSpecs`` raises "contains an
    invalid label"), for engines older than that check; dockerd 20.10 exits
    first, and the lab says why, leaving no dockerd behind.
    """
    engine = lab.engine(3)
    lab.stop_engine(3)
    try:
        with pytest.raises(LabError, match="bad attribute format: justakey"):
            engine.start(extra_labels=["justakey"])
        assert engine.pid() is None
    finally:
        lab.start_engine(3)
    assert engine.state() == "running"


def test_engine_labels_swarm_drops(lab: Lab, caplog: pytest.LogCaptureFixture) -> None:
    """Labels dockerd accepts but swarm will not use: ``node`` and a derived key."""
    engine = lab.engine(3)
    lab.stop_engine(3)
    try:
        lab.start_engine(3, extra_labels=["node=elsewhere", "storagedriver=zfs"])
        with engine.client() as client:
            assert "node=elsewhere" in client.info()["Labels"]
            with caplog.at_level("WARNING", logger="swarmnotes.swarm.cluster"):
                node = node_from_client(client, addr=engine.base_url, ip=engine.address)
    finally:
        lab.restart_engine(3)
    # "node" always means the node's name or ID in a constraint: dropped, with a warning.
    assert "node" not in node.labels
    assert 'with key of "node" which cannot be used in Swarm' in caplog.text
    # The label derived from `docker info` comes first and wins.
    assert node.labels["storagedriver"] == "overlay2"
    assert node.labels["region"] == "eu-west"
    with engine.client() as client:
        assert "node=elsewhere" not in client.info()["Labels"]
