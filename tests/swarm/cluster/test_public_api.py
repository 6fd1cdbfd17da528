"""Guards the public surface of swarmnotes.swarm.cluster's live side (api/swarm.md)."""

from __future__ import annotations

import inspect

import swarmnotes.swarm.cluster as cluster
from swarmnotes.swarm.scheduler.node import new_node


def test_names() -> None:
    for name in [
        "Cluster",
        "PendingContainer",
        "Engine",
        "EngineOpts",
        "Delayer",
        "Event",
        "EventsMonitor",
        "Container",
        "Containers",
        "Image",
        "parse_repository_tag",
    ]:
        assert hasattr(cluster, name), name
    assert callable(new_node)


def test_signatures() -> None:
    def params(obj: object) -> list[str]:
        return list(inspect.signature(obj).parameters)  # type: ignore[arg-type]

    assert params(cluster.Engine) == ["addr", "overcommit_ratio", "opts"]
    assert params(cluster.Cluster) == [
        "scheduler",
        "engine_opts",
        "overcommit_ratio",
        "create_retry",
    ]
    assert params(cluster.EventsMonitor)[:2] == ["cli", "handler"]
    assert params(cluster.Delayer) == ["range_min", "range_max"]
    assert params(cluster.Engine.create_container) == [
        "self",
        "config",
        "name",
        "pull_image",
        "auth_config",
    ]
    assert params(cluster.Cluster.create_container) == ["self", "config", "name", "auth_config"]
    opts = cluster.EngineOpts()
    assert (opts.refresh_min_interval, opts.refresh_max_interval, opts.failure_retry) == (
        30.0,
        60.0,
        3,
    )
    e = cluster.Engine("127.0.0.1:2375")
    for method in [
        "connect",
        "connect_with_client",
        "disconnect",
        "is_healthy",
        "health_indicator",
        "status",
        "err_msg",
        "check_connection_err",
        "validation_complete",
        "time_to_validate",
        "start_monitor_events",
        "refresh_containers",
        "refresh_images",
        "refresh_volumes",
        "refresh_networks",
        "containers",
        "images",
        "image",
        "networks",
        "volumes",
        "used_memory",
        "used_cpus",
        "total_memory",
        "total_cpus",
        "remove_container",
        "start_container",
        "register_event_handler",
        "add_container",
    ]:
        assert callable(getattr(e, method)), method
    assert e.time_to_validate() is False  # just created: not yet due
