"""The one base of the Go runtime port's errors.

No Go file: Go's errors are values of the ``error`` interface (and a panic
for a closed channel). Python: every exception a ``swarmnotes.go`` module
raises on purpose derives from :class:`GoError`, and also from the builtin
that says what kind of failure it is (``ClosedChannelError`` is a
``RuntimeError``, ``DeadlineExceededError`` a ``TimeoutError``, ``LeakError``
an ``AssertionError``, ``URLError`` an ``OSError``). ``str()`` is Go's text.
"""

from __future__ import annotations

__all__ = ["GoError"]


class GoError(Exception):
    """Any error of the Go runtime port; ``str()`` is Go's error text."""
