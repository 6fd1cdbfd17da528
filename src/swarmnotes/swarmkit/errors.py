"""Port of moby/swarmkit v1.12.0 agent/errors.go: SwarmKit's errors, and the base of them all.

:class:`SwarmKitError` is the one base of the package's errors (the CLI
prints any of them as one line). The agent's sentinels keep Go's text: each
class's no-argument constructor carries it. The node's engine errors have
no Go original (the port drives an engine instead of running raft and the
dispatcher in-process); each names the engine and what went wrong.
"""

from __future__ import annotations

from swarmnotes.dockerapi import EngineError

__all__ = [
    "AgentError",
    "AgentNotStartedError",
    "AgentStartedError",
    "AgentStoppedError",
    "EngineCallError",
    "EngineLeftSwarmError",
    "EngineUnreachableError",
    "SwarmKitError",
]


class SwarmKitError(Exception):
    """Any error of the SwarmKit port.

    A sentinel sets ``message`` to Go's text: ``ErrX()`` carries it,
    ``ErrX("other")`` may say more (the same spelling as ``SwarmError``'s).
    """

    message = ""

    def __init__(self, *args: object) -> None:
        if not args and self.message:
            args = (self.message,)
        super().__init__(*args)


class AgentError(SwarmKitError, RuntimeError):
    """Base class of the node's own errors; the no-argument form carries Go's text."""

    message = "agent: error"


class AgentStartedError(AgentError):
    """Start on a node that already runs. Go: ``errAgentStarted``."""

    message = "agent: already started"


class AgentNotStartedError(AgentError):
    """Stop on a node that was never started. Go: ``errAgentNotStarted``."""

    message = "agent: not started"


class AgentStoppedError(AgentError):
    """Start on a node that was stopped (or closed cleanly). Go: ``errAgentStopped``."""

    message = "agent: stopped"


class EngineUnreachableError(AgentError):
    """The engine missed ``election_tick`` heartbeats in a row.

    Go has no such error: its agent keeps retrying its session forever.
    Python: the node lives inside the engine, so an engine that stays
    unreachable ends the node. ``__cause__`` is the last failed call.
    """

    def __init__(self, misses: int = 0, last: BaseException | None = None) -> None:
        super().__init__(
            f"engine unreachable: {misses} heartbeats missed"
            + (f": {last}" if last is not None else "")
        )
        self.misses = misses


class EngineLeftSwarmError(AgentError):
    """The engine's swarm node left the states a live node has (pending, active).

    ``state`` is the engine's LocalNodeState (``inactive`` after someone ran
    ``docker swarm leave``; ``error`` or ``locked``); ``reason`` is the
    engine's ``Swarm.Error``.
    """

    def __init__(self, state: str = "inactive", reason: str = "") -> None:
        super().__init__(f"engine's swarm node is {state}" + (f": {reason}" if reason else ""))
        self.state = state
        self.reason = reason


class EngineCallError(AgentError, EngineError):
    """A call the node made to its engine got no answer: one sentence naming the engine.

    For example "swarm init: cannot reach the Docker engine at
    unix:///tmp/nope.sock: no such socket". ``__cause__`` is docker-py's
    error; being an :class:`~swarmnotes.dockerapi.EngineError` it is also a
    ``requests`` ConnectionError, as docker-py's own error was.
    """
