"""SwarmKit (moby/swarmkit v1.12.0): the swarmd Node framework and a swarmd CLI.

``node`` ports ``agent/node.go`` (the Node lifecycle, driving a real engine's
swarm mode); ``swarmd`` ports ``cmd/swarmd/main.go``; ``errors`` holds ``agent/errors.go``
and ``SwarmKitError``, the base of every error here.
"""

from __future__ import annotations

from swarmnotes.swarmkit.errors import SwarmKitError as SwarmKitError
from swarmnotes.swarmkit.node import AgentError as AgentError
from swarmnotes.swarmkit.node import AgentNotStartedError as AgentNotStartedError
from swarmnotes.swarmkit.node import AgentStartedError as AgentStartedError
from swarmnotes.swarmkit.node import AgentStoppedError as AgentStoppedError
from swarmnotes.swarmkit.node import EngineCallError as EngineCallError
from swarmnotes.swarmkit.node import EngineLeftSwarmError as EngineLeftSwarmError
from swarmnotes.swarmkit.node import EngineUnreachableError as EngineUnreachableError
from swarmnotes.swarmkit.node import Node as Node
from swarmnotes.swarmkit.node import NodeConfig as NodeConfig

__all__ = [
    "AgentError",
    "AgentNotStartedError",
    "AgentStartedError",
    "AgentStoppedError",
    "EngineCallError",
    "EngineLeftSwarmError",
    "EngineUnreachableError",
    "Node",
    "NodeConfig",
    "SwarmKitError",
]
