"""Classic Swarm's filters (docker/swarm v1.2.5 scheduler/filter/).

One module per Go file: ``filter.py`` (interface, registry, ``apply_filters``),
``expr.py`` (the expression language) and the six filters ``health.py``,
``port.py``, ``slots.py``, ``dependency.py``, ``affinity.py`` and
``constraint.py``.  ``errors.py`` gathers the error classes.

Careful: ``list`` here is Go's ``filter.List``; ``from ... import *`` would
hide the builtin.
"""

from __future__ import annotations

from swarmnotes.swarm.scheduler.filter.affinity import AffinityFilter
from swarmnotes.swarm.scheduler.filter.constraint import ConstraintFilter
from swarmnotes.swarm.scheduler.filter.dependency import DependencyFilter
from swarmnotes.swarm.scheduler.filter.errors import (
    ErrNoHealthyNodeAvailable,
    ErrNoNodeWithFreeSlotsAvailable,
    ErrNotSupported,
    FilterError,
)
from swarmnotes.swarm.scheduler.filter.expr import EQ, NOTEQ, OPERATORS, Expr, parse_exprs
from swarmnotes.swarm.scheduler.filter.filter import (
    Filter,
    apply_filters,
    list,
    list_all_filters,
    new,
)
from swarmnotes.swarm.scheduler.filter.health import HealthFilter
from swarmnotes.swarm.scheduler.filter.port import PortFilter
from swarmnotes.swarm.scheduler.filter.slots import SlotsFilter

__all__ = [
    "FilterError",
    "ErrNoHealthyNodeAvailable",
    "ErrNoNodeWithFreeSlotsAvailable",
    "ErrNotSupported",
    "Filter",
    "HealthFilter",
    "PortFilter",
    "SlotsFilter",
    "DependencyFilter",
    "AffinityFilter",
    "ConstraintFilter",
    "new",
    "list",
    "apply_filters",
    "list_all_filters",
    "EQ",
    "NOTEQ",
    "OPERATORS",
    "Expr",
    "parse_exprs",
]
