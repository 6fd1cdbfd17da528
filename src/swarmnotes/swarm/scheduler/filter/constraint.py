"""Port of docker/swarm v1.2.5 scheduler/filter/constraint.go: node labels must match.

Each constraint ``<key><op><value>`` is matched against the node label
``key`` (``""`` when the node does not have it), except for the key
``node``, which matches the node's ID or name. Constraints are ANDed; soft
ones (``==~``) are skipped when ``soft`` is False.
"""

from __future__ import annotations

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.filter.expr import OPERATORS, parse_exprs
from swarmnotes.swarm.scheduler.node import Node

__all__ = ["ConstraintFilter"]


class ConstraintFilter:
    """Only nodes whose labels satisfy every constraint. Go: filter.ConstraintFilter"""

    def name(self) -> str:
        return "constraint"

    def filter(self, config: ContainerConfig, nodes: list[Node], soft: bool) -> list[Node]:
        constraints = parse_exprs(config.constraints())  # a parse error propagates

        nodes = [*nodes]
        for constraint in constraints:
            if not soft and constraint.is_soft:
                continue

            candidates: list[Node] = []
            for node in nodes:
                if constraint.key == "node":
                    # "node" pins a container to a node, by ID or by name.
                    if constraint.match(node.id, node.name):
                        candidates.append(node)
                elif constraint.match(node.labels.get(constraint.key, "")):
                    candidates.append(node)

            if not candidates:
                raise FilterError(
                    "unable to find a node that satisfies the constraint "
                    f"{constraint.key}{OPERATORS[constraint.operator]}{constraint.value}"
                )
            nodes = candidates
        return nodes

    def get_filters(self, config: ContainerConfig) -> list[str]:
        """``<key><op><value>`` per constraint (no soft marker); raises on a parse error."""
        all_constraints: list[str] = []
        for constraint in parse_exprs(config.constraints()):
            all_constraints.append(
                f"{constraint.key}{OPERATORS[constraint.operator]}{constraint.value}"
            )
        return all_constraints

    def __repr__(self) -> str:
        return "ConstraintFilter()"
