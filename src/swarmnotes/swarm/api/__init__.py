"""Classic Swarm's Docker API server (docker/swarm v1.2.5 api/), on aiohttp.

* :mod:`~swarmnotes.swarm.api.server`: the listeners (api/server.go, api/server_unix.go);
* :mod:`~swarmnotes.swarm.api.primary`: the route table (api/primary.go);
* :mod:`~swarmnotes.swarm.api.handlers`: the handlers (api/handlers.go);
* :mod:`~swarmnotes.swarm.api.events`: ``/events`` from every engine (api/events.go);
* :mod:`~swarmnotes.swarm.api.utils`: errors, proxying, hijacking (api/utils.go).
"""

from __future__ import annotations

from swarmnotes.swarm.api.events import EventsHandler
from swarmnotes.swarm.api.primary import ROUTES, Context, new_primary
from swarmnotes.swarm.api.server import Server, ServerError

__all__ = ["ROUTES", "Context", "EventsHandler", "Server", "ServerError", "new_primary"]
