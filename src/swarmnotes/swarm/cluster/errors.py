"""The errors of classic Swarm's cluster package (docker/swarm v1.2.5 cluster/, cluster/swarm/).

Go returns ``errors.New("...")`` / ``fmt.Errorf(...)`` values here; Python
raises :class:`ClusterError` with exactly Go's text.  Errors of the Docker
API itself (``docker.errors.APIError``, ``requests`` connection errors) are
let through unchanged: they are what engine-api's errors are to Go.
"""

from __future__ import annotations

__all__ = ["ClusterError"]


class ClusterError(Exception):
    """An error of the cluster package; ``str()`` is Go's error text."""
