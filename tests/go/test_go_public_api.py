"""The public surface of swarmnotes.go that DESIGN.md promises (trio's habit)."""

from __future__ import annotations

import importlib

import pytest

CONTRACT = {
    "swarmnotes.go.chan": [
        "Chan", "Recv", "Send", "select", "go", "after", "ClosedChannelError",
    ],
    "swarmnotes.go.sync": ["WaitGroup"],
    "swarmnotes.go.leak": ["goroutines", "check", "LeakError"],
    "swarmnotes.go.context": [
        "background", "todo", "Canceled", "DeadlineExceeded", "with_cancel",
        "with_cancel_cause", "cause", "with_deadline", "with_timeout", "with_deadline_cause",
        "with_timeout_cause", "with_value", "without_cancel", "after_func", "EmptyCtx",
        "CancelCtx", "TimerCtx", "ValueCtx", "propagate_cancel", "parent_cancel_ctx",
    ],
}


@pytest.mark.parametrize("module", sorted(CONTRACT))
def test_contract_names_exist_and_are_exported(module: str) -> None:
    mod = importlib.import_module(module)
    for name in CONTRACT[module]:
        assert hasattr(mod, name), f"{module}.{name} missing"
        assert name in mod.__all__, f"{module}.{name} not in __all__"


def test_error_types() -> None:
    from swarmnotes.go.chan import ClosedChannelError
    from swarmnotes.go.context import CancelCtx, Canceled, DeadlineExceeded, TimerCtx
    from swarmnotes.go.leak import LeakError

    assert issubclass(ClosedChannelError, RuntimeError)
    assert issubclass(LeakError, AssertionError)
    assert isinstance(DeadlineExceeded, TimeoutError)
    assert isinstance(Canceled, BaseException) and not isinstance(Canceled, TimeoutError)
    assert issubclass(TimerCtx, CancelCtx)
