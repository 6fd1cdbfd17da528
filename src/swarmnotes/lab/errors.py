"""The lab's one exception type."""

from __future__ import annotations


class LabError(RuntimeError):
    """The lab could not do what was asked; the message says what to fix."""
