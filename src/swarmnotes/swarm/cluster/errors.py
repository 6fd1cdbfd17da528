"""The errors of classic Swarm's cluster package (docker/swarm v1.2.5 cluster/, cluster/swarm/).

Go returns ``errors.New("...")`` / ``fmt.Errorf(...)`` values here; Python
raises :class:`ClusterError` with exactly Go's text. An engine that does
not answer is a ClusterError too, whose text is one sentence naming the
engine (:func:`swarmnotes.dockerapi.explain`), with docker-py's error as
``__cause__``. Answers of the Docker API itself (``docker.errors.APIError``:
a 404, a conflict) are let through unchanged: they are what engine-api's
errors are to Go.

The class lives in :mod:`swarmnotes.swarm.errors`, under :class:`SwarmError`;
this module keeps its old import path.
"""

from __future__ import annotations

from swarmnotes.swarm.errors import ClusterError, EngineConnectionError

__all__ = ["ClusterError", "EngineConnectionError"]
