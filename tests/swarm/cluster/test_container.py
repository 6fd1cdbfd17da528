"""Mirrors docker/swarm v1.2.5 cluster/container_test.go and image_test.go."""

from __future__ import annotations

from dataclasses import dataclass

from swarmnotes.swarm.cluster import Container, Containers, Image, parse_repository_tag
from swarmnotes.swarm.config import ContainerConfig, build_container_config


@dataclass
class _EngineIdentity:
    """Just the two fields Containers.get reads from a container's engine.

    Not a Docker API double: Go's own test builds ``&Engine{ID: "test-engine"}``
    the same way, with nothing else set.
    """

    id: str
    name: str = ""


def _containers() -> Containers:
    engine = _EngineIdentity(id="test-engine")
    return Containers(
        [
            Container(
                id="container1-id",
                names=["/container1-name1", "/container1-name2"],
                engine=engine,  # type: ignore[arg-type]
                config=build_container_config({"Labels": {"com.docker.swarm.id": "swarm1-id"}}),
            ),
            Container(
                id="container2-id",
                names=["/con"],
                engine=engine,  # type: ignore[arg-type]
                config=build_container_config({"Labels": {"com.docker.swarm.id": "swarm2-id"}}),
            ),
        ]
    )


def test_containers_get() -> None:
    containers = _containers()
    # Invalid lookup
    assert containers.get("invalid-id") is None
    assert containers.get("") is None
    # Container ID lookup.
    assert containers.get("container1-id") is containers[0]
    # Container ID prefix lookup.
    assert containers.get("container1-") is containers[0]
    assert containers.get("container") is None
    # Container name lookup.
    assert containers.get("container1-name1") is containers[0]
    assert containers.get("container1-name2") is containers[0]
    # Container engine/name matching.
    assert containers.get("test-engine/container1-name1") is containers[0]
    assert containers.get("test-engine/container1-name2") is containers[0]
    # Swarm ID lookup.
    assert containers.get("swarm1-id") is containers[0]
    # Swarm ID prefix lookup.
    assert containers.get("swarm1-") is containers[0]
    assert containers.get("swarm") is None
    # Get name before ID prefix
    cc = containers.get("con")
    assert cc is not None
    assert cc.id == "container2-id"


def test_containers_get_short_ids() -> None:
    long_id = "sha256:" + "ab" * 32
    swarm_id = "cd" * 32
    c = Container(
        id=long_id, config=build_container_config({"Labels": {"com.docker.swarm.id": swarm_id}})
    )
    containers = Containers([c])
    assert containers.get("ab" * 6) is c  # truncated ID drops "sha256:"
    assert containers.get(swarm_id[:12]) is c  # truncated swarm ID
    assert containers.get("sha256:ab") is c  # ID prefix


def test_containers_get_ambiguous_name() -> None:
    a = Container(id="a1", names=["/web"])
    b = Container(id="b1", names=["/web"])
    assert Containers([a, b]).get("web") is None


def test_containers_get_counted_twice() -> None:
    # Its ID and its swarm ID both start with "x": two entries, so nil.
    c = Container(id="x1", config=build_container_config({"Labels": {"com.docker.swarm.id": "x2"}}))
    assert Containers([c]).get("x") is None


def test_containers_get_without_config_or_engine() -> None:
    c = Container(id="c0", names=["/db"])
    containers = Containers([c])
    assert containers.get("db") is c
    assert containers.get("/db") is c
    assert containers.get("c") is c
    assert containers.get("engine/db") is None


def test_container_identity_and_repr() -> None:
    a = Container(id="0123456789abcdef", names=["/web"])
    b = Container(id="0123456789abcdef", names=["/web"])
    assert a != b
    assert repr(a) == "<Container 0123456789ab ['/web']>"
    assert Container().config is None and Container().info == {}


def test_image_match() -> None:
    img = Image(
        id="378954456789",
        repo_tags=["name:latest"],
        repo_digests=[
            "name@sha256:a973f1415c489a934bf56dd653079d36b4ec717760215645726439de9705911d"
        ],
    )
    for match_tag in (True, False):
        assert img.match("378954456789", match_tag)
        assert img.match("3789", match_tag)
        assert img.match("378", match_tag)
        assert not img.match("37", match_tag)

        assert img.match("name:latest", match_tag)
        assert img.match("name", match_tag)
        assert not img.match("nam", match_tag)
        assert not img.match("na", match_tag)

    assert img.match(
        "name@sha256:a973f1415c489a934bf56dd653079d36b4ec717760215645726439de9705911d", True
    )
    assert not img.match(
        "name@sha256:111111415c489a934bf56dd653079d36b4ec717760215645726439de9705911d", True
    )


def test_image_match_other_tag() -> None:
    img = Image(id="sha256:0123456789", repo_tags=["name:latest"])
    assert not img.match("name:other", True)
    assert img.match("name:other", False)
    assert img.match("0123", True)  # the ID without "sha256:"


def test_image_match_private_repo() -> None:
    img = Image(id="378954456789", repo_tags=["private.registry.com:5000/name:latest"])
    assert img.match("private.registry.com:5000/name:latest", True)
    assert img.match("private.registry.com:5000/name", True)
    assert not img.match("private.registry.com:5000/nam", True)
    assert not img.match("private.registry.com:5000/na", True)

    assert img.match("private.registry.com:5000/name", False)
    assert not img.match("private.registry.com:5000/nam", False)
    assert not img.match("private.registry.com:5000/na", False)


def test_parse_repository_tag() -> None:
    assert parse_repository_tag("localhost.localdomain:5000/samalba/hipache:latest") == (
        "localhost.localdomain:5000/samalba/hipache",
        "latest",
    )
    digest = "sha256:bc8813ea7b3603864987522f02a76101c17ad122e1c46d790efc0fca78ca7bfb"
    assert parse_repository_tag("localhost:5000/foo/bar@" + digest) == (
        "localhost:5000/foo/bar",
        digest,
    )
    assert parse_repository_tag("localhost:5000/foo/bar") == ("localhost:5000/foo/bar", "")
    assert parse_repository_tag("localhost:5000/foo/bar:latest") == (
        "localhost:5000/foo/bar",
        "latest",
    )
    assert parse_repository_tag("redis") == ("redis", "")
    assert parse_repository_tag("redis:3.2") == ("redis", "3.2")


def test_container_config_is_optional() -> None:
    assert isinstance(Container(config=ContainerConfig()).config, ContainerConfig)
