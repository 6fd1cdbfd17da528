"""The ``endpoint`` fixture: each bad endpoint of bad_endpoints, one test case each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .faults_helpers import ENDPOINTS, bad_endpoint


@pytest.fixture(params=ENDPOINTS)
def endpoint(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(kind, url) of one bad endpoint, for as long as the test runs."""
    kind = request.param
    with bad_endpoint(kind, str(tmp_path)) as url:
        yield kind, url
