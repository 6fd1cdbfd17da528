"""SwarmKit (moby/swarmkit v1.12.0): the swarmd Node framework and a swarmd CLI."""
