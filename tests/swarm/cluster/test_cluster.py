"""Cluster over the lab's three real engines (cluster/swarm/cluster.go + the scheduler).

lab-1 {region: us-east, storage: ssd}, lab-2 {region: us-west, storage: hdd},
lab-3 {region: eu-west, storage: ssd}.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from swarmnotes.lab import BASE_IMAGE, LABEL, Lab
from swarmnotes.swarm.cluster import Cluster, ClusterError, Container, EngineOpts, Event
from swarmnotes.swarm.config import ContainerConfig, build_container_config
from swarmnotes.swarm.scheduler import Scheduler, filter, strategy
from swarmnotes.swarm.scheduler.filter import FilterError
from tests.helpers import wait_for

pytestmark = pytest.mark.engine

MiB = 1 << 20


def config(*env: str, memory: int = 0, labels: dict[str, str] | None = None) -> ContainerConfig:
    return build_container_config(
        {
            "Image": BASE_IMAGE,
            "Cmd": ["sleep", "60"],
            "Env": list(env),
            "Labels": {**LABEL, **(labels or {})},
        },
        {"NetworkMode": "none", "Memory": memory},
    )


@pytest.fixture
def cluster(healthy_lab: Lab) -> Iterator[Cluster]:
    ids = {}
    for engine in healthy_lab.engines:
        with engine.api_client() as api:
            ids[engine.name] = api.info()["ID"]
    if len(set(ids.values())) != len(ids):
        # Classic Swarm indexes engines by ID and refuses duplicates ("ID duplicated").
        pytest.fail(
            "the lab's engines share one engine ID (dockerd derives it from its trust "
            "key, /etc/docker/key.json unless each engine has its own "
            "deprecated-key-path): the lab must give each engine its own key",
            pytrace=False,
        )
    scheduler = Scheduler(strategy.SpreadPlacementStrategy(), filter.new(filter.list()))
    c = Cluster(scheduler, EngineOpts(0.3, 0.5, 3))
    try:
        for engine in healthy_lab.engines:
            c.add_engine(engine.base_url)
        yield c
    finally:
        for container in c.containers():
            if container.labels.get("io.swarmnotes") == "1":
                c.remove_container(container, force=True)
        c.close()


def test_list_nodes(cluster: Cluster) -> None:
    nodes = cluster.list_nodes()
    assert [n.name for n in nodes] == ["lab-1", "lab-2", "lab-3"]
    assert [n.labels["region"] for n in nodes] == ["us-east", "us-west", "eu-west"]
    assert all(n.is_healthy() and n.health_indicator == 100 for n in nodes)
    assert len({n.id for n in nodes}) == 3
    assert all(n.total_cpus >= 1 and n.total_memory > 0 for n in nodes)
    assert cluster.total_cpus() == sum(n.total_cpus for n in nodes)
    assert "storagedriver" in nodes[0].labels
    assert any(BASE_IMAGE in image.repo_tags for image in cluster.images())
    with pytest.raises(ClusterError, match="is already registered"):
        cluster.add_engine(cluster.list_engines()[0].addr)


def test_constraints_and_affinities_place_containers(cluster: Cluster) -> None:
    west = cluster.create_container(config("constraint:region==us-west"), "cl-west")
    assert west.engine is not None and west.engine.name == "lab-2"
    ssd_not_east = cluster.create_container(
        config("constraint:storage==ssd", "constraint:region!=us-east"), "cl-ssd"
    )
    assert ssd_not_east.engine is not None and ssd_not_east.engine.name == "lab-3"
    # affinity: next to the container called cl-west
    buddy = cluster.create_container(config("affinity:container==cl-west"), "cl-buddy")
    assert buddy.engine is not None and buddy.engine.name == "lab-2"
    # a node constraint by name
    pinned = cluster.create_container(config("constraint:node==lab-1"), "cl-pinned")
    assert pinned.engine is not None and pinned.engine.name == "lab-1"
    # a soft constraint nobody meets is dropped, a hard one fails
    soft = cluster.create_container(config("constraint:region==~mars"), "cl-soft")
    assert soft.engine is not None
    with pytest.raises(FilterError, match="Unable to find a node that satisfies"):
        cluster.create_container(config("constraint:region==mars"), "cl-hard")

    # the containers are known cluster-wide, by name, engine/name and swarm ID.
    # (By ID, not identity: the create event's refresh may race the create's own
    # and replace the object, a trade-off Go's updateContainer comments on.)
    def found(name: str) -> str:
        c = cluster.container(name)
        return c.id if c is not None else ""

    assert found("cl-west") == found("lab-2/cl-west") == west.id
    assert west.config is not None and found(west.config.swarm_id()) == west.id
    with pytest.raises(ClusterError, match="Conflict: The name cl-west is already assigned"):
        cluster.create_container(config(), "cl-west")
    cluster.start_container(west)
    started = cluster.container(west.id)
    assert started is not None and started.info["State"]["Running"] is True


def test_spread_uses_every_engine(cluster: Cluster) -> None:
    placed = [cluster.create_container(config(memory=64 * MiB), f"cl-spread-{i}") for i in range(3)]
    assert sorted(c.engine.name for c in placed if c.engine) == ["lab-1", "lab-2", "lab-3"]
    for node in cluster.list_nodes():
        assert node.used_memory == 64 * MiB and len(node.containers) == 1


def test_pending_container_is_seen_while_it_is_created(cluster: Cluster) -> None:
    """While lab-1 creates cl-pending, its name and memory are already taken."""
    engine1 = cluster.list_engines()[0]
    entered, release = threading.Event(), threading.Event()
    real_create = engine1.create_container

    def held_create(*args: object, **kwargs: object) -> Container:
        entered.set()
        release.wait(10)
        return real_create(*args, **kwargs)  # type: ignore[arg-type]

    engine1.create_container = held_create  # type: ignore[method-assign]
    results: list[Container] = []
    t = threading.Thread(
        target=lambda: results.append(
            cluster.create_container(
                config("constraint:node==lab-1", memory=256 * MiB), "cl-pending"
            )
        )
    )
    t.start()
    try:
        assert entered.wait(10)
        assert [pc.name for pc in cluster.pending_containers.values()] == ["cl-pending"]
        node1 = cluster.list_nodes()[0]
        assert node1.name == "lab-1" and node1.used_memory == 256 * MiB
        assert node1.container("cl-pending") is not None
        with pytest.raises(ClusterError, match="Conflict: The name cl-pending"):
            cluster.create_container(config(), "cl-pending")
    finally:
        release.set()
        t.join(10)
        engine1.create_container = real_create  # type: ignore[method-assign]
    assert cluster.pending_containers == {}
    assert results and results[0].engine is engine1 and results[0].names == ["/cl-pending"]


def test_killed_engine_turns_unhealthy_then_recovers(cluster: Cluster, healthy_lab: Lab) -> None:
    events: list[str] = []
    cluster.register_event_handler(
        lambda ev: (
            events.append(f"{ev.engine.name} {ev.action}")  # type: ignore[union-attr]
            if ev.type == "swarm"
            else None
        )
    )
    engine2 = cluster.list_engines()[1]
    healthy_lab.kill_engine(2)
    wait_for(lambda: not engine2.is_healthy(), 20, "lab-2 unhealthy")
    assert [n.health_indicator for n in cluster.list_nodes()][1] == 0
    placed = [cluster.create_container(config(), f"cl-kill-{i}") for i in range(2)]
    assert sorted(c.engine.name for c in placed if c.engine) == ["lab-1", "lab-3"]
    healthy_lab.start_engine(2)
    wait_for(engine2.is_healthy, 30, "lab-2 healthy again")
    assert events == ["lab-2 engine_disconnect", "lab-2 engine_reconnect"]
    assert engine2.err_msg() == ""


def test_cluster_events_reach_handlers(cluster: Cluster) -> None:
    seen: list[Event] = []
    cluster.register_event_handler(seen.append)
    c = cluster.create_container(config("constraint:node==lab-3"), "cl-events")
    wait_for(
        lambda: any(e.type == "container" and e.action == "create" for e in seen),
        10,
        "the create event",
    )
    first = next(e for e in seen if e.type == "container")
    assert first.engine is c.engine and first.actor_id == c.id
    cluster.unregister_event_handler(seen.append)


def test_cpus_become_shares_on_the_engine(cluster: Cluster) -> None:
    """Swarm counts CPUs; dockerd gets cgroup shares, and swarm reads CPUs back."""
    cfg = build_container_config(
        {"Image": BASE_IMAGE, "Cmd": ["true"], "Labels": dict(LABEL)},
        {"NetworkMode": "none", "CpuShares": 1},
    )
    c = cluster.create_container(cfg, "cl-cpus")
    assert c.engine is not None and c.config is not None
    ncpu = c.engine.cpus
    assert c.info["HostConfig"]["CpuShares"] == -(-1024 // ncpu)  # ceil(1 * 1024 / NCPU)
    assert c.config.host_config["CpuShares"] == 1
    assert c.engine.used_cpus() == 1
    assert cfg.host_config["CpuShares"] == 1  # the caller's config is not converted
