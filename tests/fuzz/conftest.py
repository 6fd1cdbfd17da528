"""Hypothesis profiles for the fuzz tests.

* ``ci`` (the default): 300 examples per target, derandomized (the same
  inputs on every run and machine), no example database, no deadline (a
  loaded machine is slow, not wrong: pytest-timeout catches a hang);
* ``long``: 20,000 examples, random, for a run by hand (see README.md).

Pick one with ``HYPOTHESIS_PROFILE=long``.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=300,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "long",
    max_examples=20_000,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
