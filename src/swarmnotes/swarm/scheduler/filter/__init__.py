"""Classic Swarm's filters (docker/swarm v1.2.5 scheduler/filter/).

One module per Go file: ``filter.py`` (interface, registry, ``apply_filters``),
``expr.py`` (the expression language) and the six filters ``health.py``,
``port.py``, ``slots.py``, ``dependency.py``, ``affinity.py`` and
``constraint.py``. Each sentinel error lives in the module of its Go file;
the base, ``FilterError``, is in ``swarmnotes.swarm.errors`` (``errors.py``
keeps the old import path).

Careful: ``list`` here is Go's ``filter.List``; ``from ... import *`` would
hide the builtin.
"""

from __future__ import annotations

from swarmnotes.swarm.errors import FilterError
from swarmnotes.swarm.scheduler.filter.affinity import AffinityFilter
from swarmnotes.swarm.scheduler.filter.constraint import ConstraintFilter
from swarmnotes.swarm.scheduler.filter.dependency import DependencyFilter
from swarmnotes.swarm.scheduler.filter.expr import EQ, NOTEQ, OPERATORS, Expr, parse_exprs
from swarmnotes.swarm.scheduler.filter.filter import (
    ErrNotSupported,
    Filter,
    apply_filters,
    list,
    list_all_filters,
    new,
)
from swarmnotes.swarm.scheduler.filter.health import ErrNoHealthyNodeAvailable, HealthFilter
from swarmnotes.swarm.scheduler.filter.port import PortFilter
from swarmnotes.swarm.scheduler.filter.slots import ErrNoNodeWithFreeSlotsAvailable, SlotsFilter

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
