"""Classic Swarm's cluster package (docker/swarm v1.2.5 cluster/).

This package holds the types the scheduler needs (:class:`Container`,
:class:`Containers`, :class:`Image`, :func:`parse_repository_tag`), kept in
their own submodules so that ``scheduler.node`` can import them without
importing the cluster itself (the cluster needs the scheduler: that would be
an import cycle).
"""

from __future__ import annotations

from swarmnotes.swarm.cluster.container import Container, Containers
from swarmnotes.swarm.cluster.image import Image, parse_repository_tag

__all__ = [
    "Container",
    "Containers",
    "Image",
    "parse_repository_tag",
]
