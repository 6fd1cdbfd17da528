"""swarmnotes.go's public types behave as DESIGN.md promises (names: tests/test_public_api.py)."""

from __future__ import annotations


def test_error_types() -> None:
    from swarmnotes.go.chan import ClosedChannelError
    from swarmnotes.go.context import CancelCtx, Canceled, DeadlineExceeded, TimerCtx
    from swarmnotes.go.leak import LeakError

    assert issubclass(ClosedChannelError, RuntimeError)
    assert issubclass(LeakError, AssertionError)
    assert isinstance(DeadlineExceeded, TimeoutError)
    assert isinstance(Canceled, BaseException) and not isinstance(Canceled, TimeoutError)
    assert issubclass(TimerCtx, CancelCtx)
