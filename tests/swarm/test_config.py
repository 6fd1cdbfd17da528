"""Mirrors docker/swarm v1.2.5 cluster/config_test.go, plus the corners in reference §5."""

from __future__ import annotations

import json

import pytest

from swarmnotes.swarm.config import (
    SWARM_LABEL_NAMESPACE,
    ContainerConfig,
    OldContainerConfig,
    build_container_config,
    consolidate_resource_fields,
)


def test_build_container_config() -> None:
    config = build_container_config({}, {}, {})
    assert config["Env"] == []
    assert config["Labels"] == {}

    config = build_container_config({"Env": ["test=true"]}, {}, {})
    assert len(config["Env"]) == 1
    assert config["Labels"] == {}

    config = build_container_config({"Env": ["constraint:test==true"]}, {}, {})
    assert config["Env"] == []
    assert len(config["Labels"]) == 1

    config = build_container_config({"Env": ["affinity:container==test"]}, {}, {})
    assert config["Env"] == []
    assert len(config["Labels"]) == 1

    config = build_container_config(
        {"Env": ["test=true", "constraint:test==true", "affinity:container==test"]}, {}, {}
    )
    assert config["Env"] == ["test=true"]
    assert len(config["Labels"]) == 2


def test_build_container_config_no_arguments() -> None:
    config = build_container_config()
    assert config == {"Env": [], "Labels": {}, "HostConfig": {}, "NetworkingConfig": {}}


def test_build_container_config_labels_first_then_env() -> None:
    config = build_container_config(
        {
            "Env": ["constraint:zone==b", "reschedule:on-node-failure", "PATH=/bin:/usr/bin"],
            "Labels": {SWARM_LABEL_NAMESPACE + ".constraints": '["region==us"]'},
        }
    )
    assert config.constraints() == ["region==us", "zone==b"]
    assert config["Labels"][SWARM_LABEL_NAMESPACE + ".constraints"] == '["region==us","zone==b"]'
    assert config.has_reschedule_policy("on-node-failure")
    assert config["Env"] == ["PATH=/bin:/usr/bin"]


@pytest.mark.parametrize(
    "entry", ["CONSTRAINT:x==y", "foo:bar", "constraint", "Affinity:container==a", "PATH=/a:/b"]
)
def test_env_entries_that_stay(entry: str) -> None:
    config = build_container_config({"Env": [entry]})
    assert config["Env"] == [entry]
    assert config["Labels"] == {}


def test_env_value_split_at_first_colon() -> None:
    config = build_container_config({"Env": ["constraint:node==a:b"]})
    assert config.constraints() == ["node==a:b"]


def test_json_is_compact_and_go_escaped() -> None:
    config = build_container_config({"Env": ["constraint:a<b>&c", "constraint:é"]})
    assert (
        config["Labels"][SWARM_LABEL_NAMESPACE + ".constraints"]
        == '["a\\u003cb\\u003e\\u0026c","é"]'
    )
    assert config.constraints() == ["a<b>&c", "é"]


def test_invalid_label_json() -> None:
    key = SWARM_LABEL_NAMESPACE + ".constraints"
    # Invalid JSON with no env additions stays as it was and reads as [].
    config = build_container_config({"Labels": {key: "not json"}})
    assert config["Labels"][key] == "not json"
    assert config.constraints() == []
    # With env additions it is replaced.
    config = build_container_config({"Labels": {key: "[oops"}, "Env": ["constraint:a==b"]})
    assert config["Labels"][key] == '["a==b"]'
    for text in ('"a==b"', "null", "{}", "[NaN]"):
        assert build_container_config({"Labels": {key: text}}).constraints() == []


def test_inputs_are_not_mutated() -> None:
    labels = {SWARM_LABEL_NAMESPACE + ".affinities": '["image==a"]'}
    body = {"Env": ["affinity:container==b"], "Labels": labels}
    host_config = {"Memory": 1}
    config = build_container_config(body, host_config)
    config.remove_affinity("image==a")
    config.host_config["Memory"] = 2
    assert body == {"Env": ["affinity:container==b"], "Labels": labels}
    assert labels == {SWARM_LABEL_NAMESPACE + ".affinities": '["image==a"]'}
    assert host_config == {"Memory": 1}


def test_whole_body_keeps_its_host_config() -> None:
    config = build_container_config({"Image": "x", "HostConfig": {"Memory": 5}})
    assert config.host_config == {"Memory": 5}
    assert config["Image"] == "x"


def test_swarm_id() -> None:
    config = build_container_config({}, {}, {})
    assert config.swarm_id() == ""
    config.set_swarm_id("foo")
    assert config.swarm_id() == "foo"
    assert config["Labels"][SWARM_LABEL_NAMESPACE + ".id"] == "foo"

    config = build_container_config({"Labels": {SWARM_LABEL_NAMESPACE + ".id": "test"}}, {}, {})
    assert config.swarm_id() == "test"


def test_swarm_id_on_empty_struct() -> None:
    config = ContainerConfig()
    assert config.swarm_id() == ""
    config.set_swarm_id("bar")
    assert config["Labels"] == {SWARM_LABEL_NAMESPACE + ".id": "bar"}


def test_constraints() -> None:
    config = build_container_config({}, {}, {})
    assert config.constraints() == []

    config = build_container_config({"Env": ["constraint:test==true"]}, {}, {})
    assert len(config.constraints()) == 1

    config = build_container_config(
        {"Env": ["test=true", "constraint:test==true", "affinity:container==test"]}, {}, {}
    )
    assert len(config.constraints()) == 1


def test_affinities() -> None:
    config = build_container_config({}, {}, {})
    assert config.affinities() == []

    config = build_container_config({"Env": ["affinity:container==test"]}, {}, {})
    assert len(config.affinities()) == 1

    config = build_container_config(
        {"Env": ["test=true", "constraint:test==true", "affinity:container==test"]}, {}, {}
    )
    assert config.affinities() == ["container==test"]


def test_consolidate_resource_fields() -> None:
    config = build_container_config(
        {}, {"Memory": 4242, "MemorySwap": 4343, "CpuShares": 4444, "CpusetCpus": "1-2"}, {}
    )
    assert config.host_config["Memory"] == 4242
    assert config.host_config["MemorySwap"] == 4343
    assert config.host_config["CpuShares"] == 4444
    assert config.host_config["CpusetCpus"] == "1-2"


def test_old_container_config_consolidation() -> None:
    old = OldContainerConfig(
        {
            "Image": "busybox",
            "Memory": 100,
            "MemorySwap": 0,
            "CpuShares": 2,
            "Cpuset": "",
            "HostConfig": {"Memory": 50, "MemorySwap": 7, "CpusetCpus": "0"},
        }
    )
    consolidate_resource_fields(old)
    # Non-zero and different wins; zero/empty leaves HostConfig alone.
    assert old.host_config == {"Memory": 100, "MemorySwap": 7, "CpusetCpus": "0", "CpuShares": 2}
    body = old.container_config()
    assert type(body) is ContainerConfig
    assert "Memory" not in body and "Cpuset" not in body and "CpuShares" not in body
    assert body["Image"] == "busybox"
    assert body.host_config == old.host_config
    assert body.host_config is not old.host_config


def test_request_flow() -> None:
    old = OldContainerConfig({"Image": "busybox", "Memory": 64, "Env": ["constraint:a1==b"]})
    consolidate_resource_fields(old)
    config = build_container_config(old.container_config())
    config.validate()
    assert config.host_config == {"Memory": 64}
    assert config.constraints() == ["a1==b"]
    assert json.loads(json.dumps(config)) == config  # plain JSON, ready for the Engine API


def test_add_affinity() -> None:
    config = build_container_config({}, {}, {})
    assert config.affinities() == []
    config.add_affinity("image==~testimage")
    assert len(config.affinities()) == 1


def test_remove_affinity() -> None:
    config = build_container_config({}, {}, {})
    assert config.affinities() == []
    config.add_affinity("image==~testimage1")
    config.add_affinity("image==~testimage2")
    assert len(config.affinities()) == 2
    config.remove_affinity("image==~testimage1")
    assert len(config.affinities()) == 1
    assert config.affinities()[0] == "image==~testimage2"


def test_remove_affinity_always_writes_the_label() -> None:
    config = build_container_config()
    config.remove_affinity("image==x")
    assert config["Labels"][SWARM_LABEL_NAMESPACE + ".affinities"] == "[]"


def test_add_constraint() -> None:
    config = ContainerConfig()
    config.add_constraint("node==n1")
    config.add_constraint("zone==a")
    assert config["Labels"][SWARM_LABEL_NAMESPACE + ".constraints"] == '["node==n1","zone==a"]'


def test_have_node_constraint() -> None:
    config = build_container_config({}, {}, {})
    assert not config.have_node_constraint()

    config = build_container_config({"Env": ["constraint:node==node1"]}, {}, {})
    assert config.have_node_constraint()

    assert not build_container_config({"Env": ["constraint:node==~node1"]}).have_node_constraint()
    assert not build_container_config({"Env": ["constraint:node!=node1"]}).have_node_constraint()


def test_validate() -> None:
    build_container_config({"Env": ["reschedule:off"]}).validate()
    build_container_config({"Env": ["reschedule:on-node-failure"]}).validate()
    with pytest.raises(ValueError, match="^too many reschedule policies$"):
        build_container_config({"Env": ["reschedule:off", "reschedule:off"]}).validate()
    with pytest.raises(ValueError) as info:
        build_container_config({"Env": ["reschedule:always"]}).validate()
    assert str(info.value) == "invalid reschedule policy: always"
    # Affinities and constraints are not validated here.
    build_container_config({"Env": ["constraint:a==b"]}).validate()


def test_container_config_constructor() -> None:
    assert ContainerConfig() == {"HostConfig": {}, "NetworkingConfig": {}}
    body = {"Image": "x", "Env": ["constraint:a==b"], "HostConfig": {"Memory": 1}}
    config = ContainerConfig(body)
    # No env processing, a deep copy.
    assert config["Env"] == ["constraint:a==b"]
    config.host_config["Memory"] = 2
    assert body["HostConfig"] == {"Memory": 1}
    config = ContainerConfig(body, {"Memory": 3}, {"EndpointsConfig": {}})
    assert config.host_config == {"Memory": 3}
    assert config.networking_config == {"EndpointsConfig": {}}
