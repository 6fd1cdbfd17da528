"""Shared fixtures for the swarmnotes.go tests.

Every test runs inside ``leak.check``: a goroutine (a ``go()`` thread) that
outlives its test fails that test, the way Go projects use goleak.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from go_helpers import WAIT

from swarmnotes.go import leak


@pytest.fixture(autouse=True)
def no_leaked_goroutines() -> Iterator[None]:
    with leak.check(timeout=WAIT):
        yield
