"""Classic Docker Swarm (docker/swarm v1.2.5): config, cluster and scheduler.

* :mod:`swarmnotes.swarm.config`: ``cluster/config.go``, the container configs;
* :mod:`swarmnotes.swarm.cluster`: ``cluster/*.go``, containers, images (and the
  engine and cluster);
* :mod:`swarmnotes.swarm.scheduler`: ``scheduler/``, the node, filters,
  strategies and the scheduler;
* :mod:`swarmnotes.swarm.errors`: ``SwarmError``, the base of every error
  here, and the bases of the cluster, filter and strategy packages;
* :mod:`swarmnotes.swarm.lab_nodes`: the lab's engines as scheduler nodes, for
  the chapters.
"""
