"""The lab's errors: :class:`LabError`, the one base; the engine that did not answer;
and the machine that cannot run the lab at all."""

from __future__ import annotations

from swarmnotes.dockerapi import EngineError

__all__ = ["CONTAINER_COMMAND", "LabEngineError", "LabError", "LabUnavailableError"]

# What a reader who cannot run the lab here can run instead: the project's image
# brings its own engines (see the README, "Running the book").
CONTAINER_COMMAND = (
    "docker build -t swarmnotes . && docker run --rm --privileged -p 127.0.0.1:8888:8888 swarmnotes"
)


class LabError(RuntimeError):
    """The lab could not do what was asked; the message says what to fix."""


class LabUnavailableError(LabError):
    """This machine cannot run the lab at all (not root, no namespaces, no dockerd).

    The message is one sentence that names the way out: the project's container.
    In Jupyter it is shown as that sentence alone, not a traceback, because the
    reader can do nothing with the stack of the lab's internals.
    """

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(
            f"The Docker lab cannot start on this machine: {reason}; "
            f"run the book in its container instead: {CONTAINER_COMMAND}"
        )

    def _render_traceback_(self) -> list[str]:
        # IPython calls this hook, when an exception has it, instead of
        # formatting the traceback.
        return [f"{type(self).__name__}: {self}"]


class LabEngineError(LabError, EngineError):
    """A lab engine (or the one ``DOCKER_HOST`` names) could not be reached or did not answer.

    ``str()`` is the sentence of :func:`swarmnotes.dockerapi.explain`, naming
    the engine's address; ``__cause__`` is docker-py's error.
    """
