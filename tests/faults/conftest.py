"""The ``endpoint`` fixture: each bad endpoint of faults_helpers, one test case each."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .faults_helpers import ENDPOINTS, Server, closed_port


@pytest.fixture(params=ENDPOINTS)
def endpoint(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(kind, url) of one bad endpoint, for as long as the test runs."""
    kind = request.param
    if kind == "missing":
        yield kind, f"unix://{tmp_path}/nope.sock"
    elif kind == "closed":
        yield kind, closed_port()
    else:
        server = Server(kind).start()
        try:
            yield kind, server.url
        finally:
            server.stop()
