"""Classic Docker Swarm (docker/swarm v1.2.5): config, cluster and scheduler."""
