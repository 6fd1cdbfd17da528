"""docker-py glue the chapters need and docker-py does not offer; no Go original.

:func:`docker_events` is docker-py's ``APIClient.events()`` with a bounded
connect (chapter 04 shows why the unbounded one hangs).
"""

from __future__ import annotations

from typing import Any

import docker.types
import docker.utils

__all__ = ["docker_events"]


def docker_events(api: Any, connect_timeout: float = 5.0, decode: bool = True,
                  filters: dict[str, Any] | None = None) -> Any:
    """An engine's ``GET /events`` stream: connect bounded, reads unbounded.

    docker-py's ``APIClient.events()`` sends its request with
    ``timeout=None`` so that a quiet engine (no events for minutes) does not
    break the stream with a read timeout, which is right; but ``None`` also
    drops the connect timeout, so an unreachable TCP engine keeps the caller
    waiting for as long as the kernel retries its SYNs. This does the same
    request as docker-py with ``timeout=(connect_timeout, None)`` (requests'
    (connect, read) pair) and returns docker-py's ``CancellableStream``
    (``close()`` it when done). ``api`` is a ``docker.APIClient``.

    Python: uses docker-py 7's private ``_get``, ``_url`` and
    ``_stream_helper``, the three calls its own ``events()`` makes.
    """
    params = {"filters": docker.utils.convert_filters(filters) if filters else None}
    response = api._get(api._url("/events"), params=params, stream=True,
                        timeout=(connect_timeout, None))
    api._raise_for_status(response)
    return docker.types.CancellableStream(api._stream_helper(response, decode=decode), response)
