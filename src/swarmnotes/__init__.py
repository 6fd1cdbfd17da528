"""swarmnotes: Python ports of Docker Swarm, SwarmKit and Go concurrency code.

Each subpackage ports one source the book annotates:

- ``swarmnotes.lab``: the embedded Docker lab (private dockerd engines).
- ``swarmnotes.go``: Go runtime pieces (channels, sync, context, pipelines).
- ``swarmnotes.swarmkit``: SwarmKit's swarmd Node framework.
- ``swarmnotes.swarm``: classic Docker Swarm's config, cluster and scheduler.
"""

__version__ = "0.1.0"
