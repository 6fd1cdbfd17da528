"""The errors of the filter package, in one place (docker/swarm v1.2.5 scheduler/filter/*.go).

# Go: each sentinel is an ``errors.New`` value declared in the file that
# returns it, and other failures are ``fmt.Errorf`` strings.  Python: one
# base class, :class:`FilterError`, for every filter error (``str()`` is Go's
# text), and a subclass per sentinel whose no-argument constructor supplies
# the Go message, so ``pytest.raises(ErrNoHealthyNodeAvailable)`` works.
# They live in this module so that the filter modules and the registry in
# ``filter.py`` can all import them without an import cycle.
"""

from __future__ import annotations

__all__ = [
    "FilterError",
    "ErrNoHealthyNodeAvailable",
    "ErrNoNodeWithFreeSlotsAvailable",
    "ErrNotSupported",
]


class FilterError(Exception):
    """Any error raised by a filter, by ``parse_exprs`` or by ``apply_filters``."""


# health.go
class ErrNoHealthyNodeAvailable(FilterError):
    """Go: filter.ErrNoHealthyNodeAvailable"""

    def __init__(self, message: str = "No healthy node available in the cluster") -> None:
        super().__init__(message)


# slots.go
class ErrNoNodeWithFreeSlotsAvailable(FilterError):
    """Go: filter.ErrNoNodeWithFreeSlotsAvailable"""

    def __init__(
        self, message: str = "No node with enough open slots available in the cluster"
    ) -> None:
        super().__init__(message)


# filter.go
class ErrNotSupported(FilterError):
    """An unknown filter name was given to ``new``.  Go: filter.ErrNotSupported"""

    def __init__(self, message: str = "filter not supported") -> None:
        super().__init__(message)
