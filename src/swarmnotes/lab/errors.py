"""The lab's errors: :class:`LabError`, the one base, and the engine that did not answer."""

from __future__ import annotations

from swarmnotes.dockerapi import EngineError

__all__ = ["LabEngineError", "LabError"]


class LabError(RuntimeError):
    """The lab could not do what was asked; the message says what to fix."""


class LabEngineError(LabError, EngineError):
    """A lab engine (or the one ``DOCKER_HOST`` names) could not be reached or did not answer.

    ``str()`` is the sentence of :func:`swarmnotes.dockerapi.explain`, naming
    the engine's address; ``__cause__`` is docker-py's error.
    """
