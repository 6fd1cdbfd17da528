"""node_from_client and create_container_on_client against the real lab engines."""

from __future__ import annotations

import pytest

from swarmnotes.lab import BASE_IMAGE, LABEL, Lab, Registry
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
