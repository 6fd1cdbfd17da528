"""Port of docker/swarm v1.2.5 scheduler/filter/filter.go: the Filter interface and the registry.

The default filters, in order, are ``health, port, containerslots,
dependency, affinity, constraint`` (the names ``--filter`` takes).
:func:`apply_filters` runs a list of them, each on the previous one's output,
and on failure replaces the filter's own message by the list of every
condition applied so far (except for ``health``, whose error is kept).
"""

from __future__ import annotations

import builtins
from typing import Protocol

from swarmnotes.swarm.config import ContainerConfig
from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.filter.affinity import AffinityFilter
from swarmnotes.swarm.scheduler.filter.constraint import ConstraintFilter
from swarmnotes.swarm.scheduler.filter.dependency import DependencyFilter
from swarmnotes.swarm.scheduler.filter.health import HealthFilter
from swarmnotes.swarm.scheduler.filter.port import PortFilter
from swarmnotes.swarm.scheduler.filter.slots import SlotsFilter
from swarmnotes.swarm.scheduler.node import Node

# Careful: this module defines list(), which hides the builtin below this
# point; the code uses builtins.list or [*xs] instead.
__all__ = ["ErrNotSupported", "Filter", "new", "list", "apply_filters", "list_all_filters"]


class ErrNotSupported(FilterError):
    """An unknown filter name was given to ``new``. Go: filter.ErrNotSupported"""

    message = "filter not supported"


class Filter(Protocol):
    """What every filter provides. Go: filter.Filter"""

    def name(self) -> str:
        """The name ``--filter`` takes."""
        ...

    def filter(
        self, config: ContainerConfig, nodes: builtins.list[Node], soft: bool
    ) -> builtins.list[Node]:
        """The accepted subset, as a new list; raises a FilterError when it would be empty.

        ``soft=True`` enforces soft expressions too; ``soft=False`` skips them.
        """
        ...

    def get_filters(self, config: ContainerConfig) -> builtins.list[str]:
        """The conditions this filter applies, for error messages (raises on a parse error)."""
        ...


# The registry: one shared instance of each filter, in Go's init() order.
_filters: builtins.list[Filter] = [
    HealthFilter(),
    PortFilter(),
    SlotsFilter(),
    DependencyFilter(),
    AffinityFilter(),
    ConstraintFilter(),
]


def new(names: builtins.list[str]) -> builtins.list[Filter]:
    """The registered filters named by ``names``, in that order. Go: filter.New

    Raises :class:`ErrNotSupported` for an unknown name. The instances are
    shared (filters keep no state).
    """
    selected: builtins.list[Filter] = []
    for name in names:
        for f in _filters:
            if f.name() == name:
                selected.append(f)
                break
        else:
            raise ErrNotSupported()
    return selected


def list() -> builtins.list[str]:  # noqa: A001 - Go's filter.List
    """The names of all filters, in registry order. Go: filter.List"""
    return [f.name() for f in _filters]


def apply_filters(
    filters: builtins.list[Filter],
    config: ContainerConfig,
    nodes: builtins.list[Node],
    soft: bool,
) -> builtins.list[Node]:
    """Run ``filters`` in order, each on the previous one's result. Go: filter.ApplyFilters

    On the first failure: the health filter's error is raised as it is
    (``No healthy node available in the cluster``); any other filter's error
    is replaced by ``FilterError("Unable to find a node that satisfies the
    following conditions " + list_all_filters(...))``, chained from the
    original with ``raise ... from``.
    """
    candidates = [*nodes]
    for f in filters:
        try:
            candidates = f.filter(config, candidates, soft)
        except FilterError as exc:
            # Special case: no healthy node at all says more than the conditions.
            if f.name() == "health":
                raise
            raise FilterError(
                "Unable to find a node that satisfies the following conditions "
                + list_all_filters(filters, config, f.name())
            ) from exc
    return candidates


def list_all_filters(
    filters: builtins.list[Filter], config: ContainerConfig, last_filter: str
) -> str:
    """Every condition of ``filters`` up to and including ``last_filter``. Go: listAllFilters

    One ``"\\n[a b c]"`` line (Go's ``%v`` of a ``[]string``) per filter with
    a non-empty list; a filter whose ``get_filters`` raises is skipped.
    """
    all_filters = ""
    for f in filters:
        try:
            conditions = f.get_filters(config)
        except FilterError:
            conditions = []
        if conditions:
            all_filters += "\n[" + " ".join(conditions) + "]"
        if f.name() == last_filter:
            return all_filters
    return all_filters
