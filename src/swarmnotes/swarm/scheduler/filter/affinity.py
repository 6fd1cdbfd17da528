"""Port of docker/swarm v1.2.5 scheduler/filter/affinity.go: place next to (or away from) things.

Each affinity ``<key><op><value>`` is matched, per node, against:

* ``container``: the ID and the first name (without ``/``) of every
  container that has a name;
* ``image``: the ID, every repo tag and the repository part of every tag
  of every image on the node (so ``image==redis`` matches ``redis:3.2``);
* any other key: that label of every container (``""`` where absent).

Expressions are ANDed; soft ones (``==~``) are skipped when ``soft`` is False.
"""

from __future__ import annotations

from swarmnotes.swarm.cluster.image import parse_repository_tag
from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.filter.expr import OPERATORS, parse_exprs
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["AffinityFilter"]


class AffinityFilter:
    """Only nodes whose containers, images or labels satisfy every affinity.

    Go: filter.AffinityFilter
    """

    def name(self) -> str:
        return "affinity"

    def filter(self, config: ContainerConfig, nodes: list[Node], soft: bool) -> list[Node]:
        affinities = parse_exprs(config.affinities())  # a parse error propagates

        nodes = [*nodes]
        for affinity in affinities:
            if not soft and affinity.is_soft:
                continue

            candidates: list[Node] = []
            for node in nodes:
                if affinity.key == "container":
                    containers: list[str] = []
                    for container in node.containers:
                        if container.names:
                            containers.append(container.id)
                            containers.append(container.names[0].removeprefix("/"))
                    if affinity.match(*containers):
                        candidates.append(node)
                elif affinity.key == "image":
                    images: list[str] = []
                    for image in node.images:
                        images.append(image.id)
                        images.extend(image.repo_tags)
                        for tag in image.repo_tags:
                            repo, _ = parse_repository_tag(tag)
                            images.append(repo)
                    if affinity.match(*images):
                        candidates.append(node)
                else:
                    labels: list[str] = []
                    for container in node.containers:
                        labels.append(container.labels.get(affinity.key, ""))
                    if affinity.match(*labels):
                        candidates.append(node)

            if not candidates:
                raise FilterError(
                    "unable to find a node that satisfies the affinity "
                    f"{affinity.key}{OPERATORS[affinity.operator]}{affinity.value}"
                )
            nodes = candidates
        return nodes

    def get_filters(self, config: ContainerConfig) -> list[str]:
        """``<key><op><value> (soft=<true|false>)`` per affinity; raises on a parse error."""
        all_affinities: list[str] = []
        for affinity in parse_exprs(config.affinities()):
            soft = "true" if affinity.is_soft else "false"  # Go's %t
            all_affinities.append(
                f"{affinity.key}{OPERATORS[affinity.operator]}{affinity.value} (soft={soft})"
            )
        return all_affinities

    def __repr__(self) -> str:
        return "AffinityFilter()"
