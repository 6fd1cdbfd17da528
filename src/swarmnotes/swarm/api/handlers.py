"""Port of docker/swarm v1.2.5 api/handlers.go: the Docker API, answered by the cluster.

The handlers the docker CLI needs to run, list, inspect, log, stop and
remove containers and to follow events. Each one is named after its Go
function (``getContainersJSON`` -> :func:`get_containers_json`); the route
table that maps requests to them is in :mod:`swarmnotes.swarm.api.primary`.

* answered by the cluster: ``/_ping``, ``/version``, ``/info``,
  ``/containers/json``, ``/containers/{name}/json`` (with the ``Node``
  field), ``POST /containers/create`` (the scheduler picks the engine),
  ``POST /containers/{name}/start``, ``DELETE /containers/{name}``,
  ``/events``, ``/images/json``, ``POST /containers/{name}/exec``;
* proxied to the container's engine: logs, top, stats, kill, stop,
  restart, wait, resize... (:func:`proxy_container`,
  :func:`proxy_container_and_force_refresh`), and the image a name
  resolves to (:func:`proxy_image`);
* hijacked: ``attach`` (:func:`proxy_hijack`) and an attached ``exec`` start.

The cluster's calls block (docker-py, threads): handlers run them with
``asyncio.to_thread`` so the event loop keeps serving other requests.

Where the port answers differently from v1.2.5, it says so in place; the
main ones are the API version (the engines', not 1.22), ``/events``
honouring ``since`` and a 400 (not 500) for a request that is itself wrong.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import time
from typing import TYPE_CHECKING, Any

import aiohttp
from aiohttp import web

from swarmnotes.swarm.api.events import event_json
from swarmnotes.swarm.api.utils import (
    bool_value,
    client_error_text,
    get_container_from_vars,
    hijack,
    http_error,
    int_value_or_zero,
    node_json,
    proxy,
    proxy_async,
)
from swarmnotes.swarm.cluster import Container
from swarmnotes.swarm.config import (
    OldContainerConfig,
    build_container_config,
    consolidate_resource_fields,
)
from swarmnotes.swarm.scheduler.filter import FilterError, parse_exprs

if TYPE_CHECKING:
    from swarmnotes.swarm.api.primary import Context

__all__ = [
    "APIVERSION",
    "delete_containers",
    "get_container_json",
    "get_containers_json",
    "get_events",
    "get_images_json",
    "get_info",
    "get_version",
    "not_implemented_handler",
    "ping",
    "post_containers_create",
    "post_containers_exec",
    "post_containers_start",
    "post_exec_start",
    "proxy_container",
    "proxy_container_and_force_refresh",
    "proxy_hijack",
    "proxy_image",
]

# Go: the API version swarm v1.2.5 was built for. Python: /version and
# /_ping report the lowest of the engines' versions instead (see get_version).
APIVERSION = "1.22"
VERSION = "1.2.5"  # Go: version.VERSION, shown as "swarm/1.2.5"

# The list filters getContainersJSON looks at; anything else is refused, as
# the engine refuses it. # Go (v1.2.5): unknown names are silently ignored.
_CONTAINER_FILTERS = {"name", "id", "label", "status", "node", "volume", "exited"}


def _json(data: Any, status: int = 200) -> web.Response:
    # Go: json.NewEncoder(w).Encode(v): compact, with a newline.
    return web.Response(
        status=status, body=json.dumps(data).encode() + b"\n", content_type="application/json"
    )


def _go_json_error(body: bytes, exc: json.JSONDecodeError) -> str:
    """The text Go's encoding/json gives for the same bad body."""
    if exc.pos >= len(body.strip()):
        return "unexpected EOF"
    char = body.decode("utf-8", "replace")[exc.pos]
    if exc.msg.startswith("Expecting value"):
        return f"invalid character {char!r} looking for beginning of value"
    if exc.msg.startswith("Expecting property name"):
        return f"invalid character {char!r} looking for beginning of object key string"
    return f"invalid character {char!r} after object key:value pair"


def kernel_version() -> str:
    """Go: kernel.GetKernelVersion (``<unknown>`` when it fails)."""
    return platform.release() or "<unknown>"


async def api_version(c: Context) -> str:
    """The API version the manager speaks: the lowest of its engines' own.

    Go: APIVERSION, 1.22, and no API-Version header on /_ping. Python:
    the docker CLI negotiates from that header and, without one, falls
    back to 1.24, where `docker run --rm` removes the container itself and
    waits through the events stream. Speaking the engines' version lets
    the CLI use what every engine understands (the engine removes, and
    `POST /containers/{id}/wait` waits), while everything still goes
    through the manager.
    """
    versions = []
    for engine in c.cluster.list_engines():
        if not engine.is_healthy():
            continue
        version = c.api_versions.get(engine.addr)
        if version is None:
            try:
                async with c.engine_session(engine).get(c.engine_url(engine, "/version")) as r:
                    version = str((await r.json()).get("ApiVersion", ""))
            except (aiohttp.ClientError, OSError, TimeoutError, ValueError):
                continue
            c.api_versions[engine.addr] = version
        if version:
            versions.append(version)
    if not versions:
        return APIVERSION
    return min(versions, key=lambda v: tuple(int(p) for p in v.split(".")))


# GET /_ping
async def ping(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: ping (plus the API-Version header, see :func:`api_version`)."""
    return web.Response(
        text="OK", content_type="text/plain", headers={"API-Version": await api_version(c)}
    )


# GET /version
async def get_version(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: getVersion"""
    return _json(
        {
            "Version": "swarm/" + VERSION,
            "ApiVersion": await api_version(c),
            "MinAPIVersion": "1.12",
            "GoVersion": "python" + platform.python_version(),
            "GitCommit": "swarmnotes",
            "Os": "linux",
            "Arch": platform.machine(),
            "KernelVersion": kernel_version(),
            "Experimental": False,
            "BuildTime": "",
        }
    )


def _bytes_size(size: float) -> str:
    """Go: units.BytesSize, binary units with 4 significant digits ("2.5 GiB")."""
    units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
    i = 0
    while size >= 1024 and i < len(units) - 1:
        size /= 1024
        i += 1
    return f"{size:.4g} {units[i]}"


def cluster_info(c: Context) -> list[list[str]]:
    """The Strategy, Filters and Nodes rows, then a block per engine.

    Go: (*Cluster).Info in cluster/swarm/cluster.go (the cluster port keeps
    to the scheduling side, so the rows are built here).
    """
    cluster = c.cluster
    engines = sorted(cluster.list_engines(), key=lambda e: e.name)  # Go: EngineSorter
    info = [
        ["Strategy", c.scheduler.strategy()],
        ["Filters", c.scheduler.filters()],
        ["Nodes", str(len(engines))],
    ]
    for engine in engines:
        info.append([" " + (engine.name or "(unknown)"), engine.addr])
        info.append(["  └ ID", engine.id])
        info.append(["  └ Status", engine.status()])
        containers = engine.containers()
        if engine.is_healthy():
            paused = sum(1 for x in containers if (x.info.get("State") or {}).get("Paused"))
            running = sum(
                1
                for x in containers
                if not (x.info.get("State") or {}).get("Paused")
                and (x.info.get("State") or {}).get("Running")
            )
            stopped = len(containers) - paused - running
            info.append(
                [
                    "  └ Containers",
                    f"{len(containers)} ({running} Running, {paused} Paused, {stopped} Stopped)",
                ]
            )
        else:
            info.append(["  └ Containers", str(len(containers))])
        info.append(["  └ Reserved CPUs", f"{engine.used_cpus()} / {engine.total_cpus()}"])
        info.append(
            [
                "  └ Reserved Memory",
                f"{_bytes_size(engine.used_memory())} / {_bytes_size(engine.total_memory())}",
            ]
        )
        labels = sorted(f"{k}={v}" for k, v in engine.labels.items())
        info.append(["  └ Labels", ", ".join(labels)])
        if engine.err_msg():
            info.append(["  └ Error", engine.err_msg()])
        info.append(
            [
                "  └ UpdatedAt",
                time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(engine_updated_at(engine))),
            ]
        )
        info.append(["  └ ServerVersion", engine.version])
    return info


def engine_updated_at(engine: Any) -> float:
    """The engine's last update on the wall clock (it keeps a monotonic one)."""
    return time.time() - (time.monotonic() - engine._updated_at)


# GET /info
async def get_info(c: Context, request: web.Request) -> web.StreamResponse:
    """Classic Swarm's ``/info``: the cluster's totals and a block per node. Go: getInfo"""

    def build() -> dict[str, Any]:
        status = [["Role", "primary"], *cluster_info(c)]  # Go: statusHandler.Status()
        containers = c.cluster.containers()
        paused = running = stopped = 0
        for x in containers:
            state = x.info.get("State") or {}
            if state.get("Paused"):
                paused += 1
            elif state.get("Running"):
                running += 1
            else:
                stopped += 1
        return {
            "ID": "",
            "Containers": len(containers),
            "ContainersRunning": running,
            "ContainersPaused": paused,
            "ContainersStopped": stopped,
            "Images": len(c.cluster.images()),
            "Driver": "",
            # Go: DriverStatus with "\b" tricks for API < 1.22; SystemStatus after.
            "SystemStatus": status,
            "NEventsListener": c.events_handler.size(),
            "Debug": c.debug,
            "MemoryLimit": True,
            "SwapLimit": True,
            "CpuCfsPeriod": True,
            "CpuCfsQuota": True,
            "CPUShares": True,
            "CPUSet": True,
            "IPv4Forwarding": True,
            "BridgeNfIptables": True,
            "BridgeNfIp6tables": True,
            "OomKillDisable": True,
            "ServerVersion": "swarm/" + VERSION,
            "OperatingSystem": "linux",
            "OSType": "linux",
            "Architecture": platform.machine(),
            "KernelVersion": kernel_version(),
            "NCPU": c.cluster.total_cpus(),
            "MemTotal": c.cluster.total_memory(),
            "HttpProxy": os.environ.get("http_proxy", ""),
            "HttpsProxy": os.environ.get("https_proxy", ""),
            "NoProxy": os.environ.get("no_proxy", ""),
            "Name": os.uname().nodename,
            "Labels": [],
            "SystemTime": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "ExperimentalBuild": False,
            "Plugins": {"Volume": [], "Network": [], "Authorization": None, "Log": []},
            "Swarm": {"LocalNodeState": "inactive"},
        }

    return _json(await asyncio.to_thread(build))


def state_string(state: dict[str, Any]) -> str:
    """``running``, ``paused``, ``restarting``, ``exited``... Go: cluster.StateString"""
    if state.get("Running"):
        if state.get("Paused"):
            return "paused"
        if state.get("Restarting"):
            return "restarting"
        return "running"
    if state.get("Dead"):
        return "dead"
    if (state.get("StartedAt") or "").startswith("0001-"):
        return "created"
    return "exited"


def _parse_filters(text: str) -> dict[str, list[str]]:
    """Go: dockerfilters.FromParam (``{"name": {"web": true}}`` or the old list form)."""
    if not text:
        return {}
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(_go_json_error(text.encode(), exc)) from None
    if not isinstance(raw, dict):
        raise ValueError("json: cannot unmarshal into Go value of type filters.Args")
    out: dict[str, list[str]] = {}
    for key, values in raw.items():
        out[key] = list(values.keys() if isinstance(values, dict) else values)
    return out


def _request_filters(request: web.Request, known: set[str]) -> dict[str, list[str]] | web.Response:
    """The request's ``filters`` parameter, or the 400 answer for a bad one.

    Go: a parameter that does not parse is a 500, and unknown names are
    ignored. Python: both are the request's fault, so 400, with the
    engine's text for an unknown name.
    """
    try:
        filters = _parse_filters(request.query.get("filters", ""))
    except ValueError as exc:
        return http_error(str(exc), 400)
    for name in filters:
        if name not in known:
            return http_error(f"Invalid filter '{name}'", 400)
    return filters


def _match(filters: dict[str, list[str]], key: str, value: str) -> bool:
    """Go: filters.Args.Match: no values, or one that is a substring-regexp of ``value``."""
    import re

    wanted = filters.get(key)
    if not wanted:
        return True
    for w in wanted:
        try:
            if re.search(w, value):
                return True
        except re.error:
            if w == value:
                return True
    return False


def _match_kv_list(filters: dict[str, list[str]], labels: dict[str, str]) -> bool:
    """Go: filters.Args.MatchKVList (``label=k`` or ``label=k=v``)."""
    for entry in filters.get("label", []):
        k, sep, v = entry.partition("=")
        if k not in labels or (sep and labels[k] != v):
            return False
    return True


# GET /containers/json
async def get_containers_json(c: Context, request: web.Request) -> web.StreamResponse:
    """Every engine's containers, names prefixed with the node. Go: getContainersJSON"""
    all_ = bool_value(request, "all")
    limit = int_value_or_zero(request, "limit")
    before: Container | None = None
    if request.query.get("before"):
        before = c.cluster.container(request.query["before"])
        if before is None:
            return http_error(f"No such container {request.query['before']}", 404)
    filters = _request_filters(request, _CONTAINER_FILTERS)
    if isinstance(filters, web.Response):
        return filters
    exited: list[int] = []
    for value in filters.get("exited", []):
        try:
            exited.append(int(value))
        except ValueError:
            return http_error(f'strconv.Atoi: parsing "{value}": invalid syntax', 400)
    if "exited" in filters.get("status", []):
        all_ = True

    candidates = []
    for container in c.cluster.containers():
        state = container.info.get("State") or {}
        engine = container.engine
        healthy = engine is not None and engine.is_healthy()
        # Skip stopped containers unless -a was specified.
        if (not state.get("Running") or not healthy) and not all_ and before is None and limit <= 0:
            continue
        image = str(container.summary.get("Image", ""))
        if image.split(":")[0] == "swarm" and not all_:
            continue
        if container.names:
            if not _match(filters, "name", container.names[0].removeprefix("/")):
                continue
        elif filters.get("name"):
            continue
        if not _match(filters, "id", container.id):
            continue
        labels = (container.config or {}).get("Labels") or container.labels
        if not _match_kv_list(filters, labels):
            continue
        if not _match(filters, "status", state_string(state)):
            continue
        if not _match(filters, "node", engine.name if engine else ""):
            continue
        if filters.get("volume"):
            mounts = container.info.get("Mounts") or []
            if not any(
                m.get("Name") in filters["volume"] or m.get("Destination") in filters["volume"]
                for m in mounts
            ):
                continue
        if exited and not (not state.get("Running") and state.get("ExitCode") in exited):
            continue
        candidates.append(container)

    # Go: sort.Reverse(ContainerSorter): newest first.
    candidates.sort(key=lambda x: x.summary.get("Created", 0), reverse=True)
    if 0 < limit < len(candidates):
        candidates = candidates[:limit]

    out = []
    for container in candidates:
        if before is not None:
            if container.id == before.id:
                before = None
            continue
        engine = container.engine
        assert engine is not None
        entry = dict(container.summary)
        state = container.info.get("State") or {}
        entry["Status"] = entry.get("Status", "") if engine.is_healthy() else "Host Down"
        entry["State"] = state_string(state)
        entry["Labels"] = (container.config or {}).get("Labels") or container.labels
        # Go: TODO remove the Node Name in the name when we have a good solution.
        entry["Names"] = ["/" + engine.name + name for name in container.names]
        ports = []
        for port in entry.get("Ports") or []:
            port = dict(port)
            if port.get("IP") == "0.0.0.0":
                port["IP"] = engine.ip
            ports.append(port)
        entry["Ports"] = ports
        out.append(entry)
    return _json(out)


def _versioned(request: web.Request, path: str) -> str:
    """``path`` under the request's own ``/v1.xx`` prefix, if it had one."""
    prefix = request.match_info.get("version")
    return (f"/v{prefix}" if prefix else "") + path


async def _engine_call(
    c: Context, engine: Any, method: str, path: str, body: bytes | None = None
) -> tuple[int, bytes] | web.Response:
    """One request to ``engine``: its status and body, or the 500 for a failed connection.

    Go: client.Get / client.Post, then engine.CheckConnectionErr(err).
    """
    headers = {"Content-Type": "application/json"} if body is not None else {}
    try:
        async with c.engine_session(engine).request(
            method, c.engine_url(engine, path), data=body, headers=headers
        ) as resp:
            data = await resp.read()
            status = resp.status
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        await asyncio.to_thread(engine.check_connection_err, exc)
        return http_error(client_error_text(exc), 500)
    engine.check_connection_err(None)
    return status, data


# GET /containers/{name:.*}/json
async def get_container_json(c: Context, request: web.Request) -> web.StreamResponse:
    """The engine's inspect JSON with a ``Node`` field and the node's IP.  Go: getContainerJSON"""
    name = request.match_info["name"]
    container = c.cluster.container(name)
    if container is None:
        return http_error(f"No such container: {name}", 404)
    engine = container.engine
    assert engine is not None
    if not engine.is_healthy():
        return http_error(f"Container {name} running on unhealthy node {engine.name}", 500)
    answer = await _engine_call(
        c, engine, "GET", _versioned(request, f"/containers/{container.id}/json")
    )
    if isinstance(answer, web.Response):
        return answer
    status, data = answer
    if status != 200:
        return web.Response(status=status, body=data, content_type="application/json")
    info = json.loads(data)
    # Go: a byte replace of `"Name":"/` inserts the Node field before Name,
    # and of `"HostIp":"0.0.0.0"` puts the node's IP in the port bindings.
    out: dict[str, Any] = {}
    for k, v in info.items():
        if k == "Name":
            out["Node"] = node_json(engine)
        out[k] = v
    for bindings in ((out.get("NetworkSettings") or {}).get("Ports") or {}).values():
        for binding in bindings or []:
            if binding.get("HostIp") == "0.0.0.0":
                binding["HostIp"] = engine.ip
    return _json(out)


def _is_parse_error(config: Any) -> bool:
    """Whether the config's constraints or affinities do not parse (a bad request)."""
    try:
        parse_exprs(config.constraints())
        parse_exprs(config.affinities())
    except FilterError:
        return True
    return False


# POST /containers/create
async def post_containers_create(c: Context, request: web.Request) -> web.StreamResponse:
    """Schedule the container on an engine through the cluster. Go: postContainersCreate"""
    name = request.query.get("name", "")
    body = await request.read()
    try:
        raw = json.loads(body)
    except json.JSONDecodeError as exc:
        return http_error(_go_json_error(body, exc), 400)
    except UnicodeDecodeError as exc:
        return http_error(str(exc), 400)
    if not isinstance(raw, dict):
        return http_error(
            "json: cannot unmarshal "
            + type(raw).__name__
            + " into Go value of type cluster.OldContainerConfig",
            400,
        )
    # Go: MemorySwappiness is preset to -1 so that a body without it does not
    # decode to 0 (no swap). Python: a missing key stays missing, and the
    # engine applies its own default.
    oldconfig = OldContainerConfig(raw)
    consolidate_resource_fields(oldconfig)
    config = oldconfig.container_config()
    container_config = build_container_config(config, config.host_config, config.networking_config)
    try:
        container_config.validate()
    except ValueError as exc:
        # Go: 500. Python: 400, the request is wrong.
        return http_error(str(exc), 400)

    try:
        container = await asyncio.to_thread(c.cluster.create_container, container_config, name)
    except Exception as exc:  # every cluster error is answered, none escapes as a 500 trace
        text = str(exc)
        if text.startswith("Conflict"):
            return http_error(text, 409)
        if isinstance(exc, FilterError) and _is_parse_error(container_config):
            # Go: 500. Python: a constraint that does not parse is a bad request.
            return http_error(text, 400)
        return http_error(text, 500)
    # Go: fmt.Fprintf(w, "{%q:%q}", "Id", container.ID), 201.
    return _json({"Id": container.id}, 201)


# DELETE /containers/{name:.*}
async def delete_containers(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: deleteContainers"""
    name = request.match_info["name"]
    force = bool_value(request, "force")
    volumes = bool_value(request, "v")
    container = c.cluster.container(name)
    if container is None:
        return http_error(f"Container {name} not found", 404)
    try:
        await asyncio.to_thread(c.cluster.remove_container, container, force, volumes)
    except Exception as exc:
        return http_error(_docker_error_text(exc), _docker_error_status(exc))
    return web.Response(status=204)


def _docker_error_text(exc: BaseException) -> str:
    """The engine's own message for a docker-py APIError, else the text."""
    explanation = getattr(exc, "explanation", None)
    return str(explanation) if explanation else str(exc)


def _docker_error_status(exc: BaseException) -> int:
    """Go answers 500; an engine's 4xx is passed on as what it is."""
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    return status if isinstance(status, int) and 400 <= status < 500 else 500


# POST /containers/{name:.*}/start
async def post_containers_start(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: postContainersStart (a start body with a HostConfig is refused by 20.10 engines)."""
    name = request.match_info["name"]
    container = c.cluster.container(name)
    if container is None:
        return http_error(f"No such container {name}", 404)
    body = await request.read()
    if len(body) > 2 and body != b"null":
        try:
            json.loads(body)
        except json.JSONDecodeError as exc:
            return http_error(_go_json_error(body, exc), 400)
    try:
        await asyncio.to_thread(c.cluster.start_container, container)
    except Exception as exc:
        return http_error(_docker_error_text(exc), _docker_error_status(exc))
    return web.Response(status=204)


async def _error_for(
    c: Context, request: web.Request
) -> tuple[web.Response | None, str, Container | None]:
    name, container, err = get_container_from_vars(c, dict(request.match_info))
    if err:
        return http_error(err, 404 if container is None else 500), name, container
    return None, name, container


async def _proxy_or_error(
    c: Context, request: web.Request, container: Container, name: str, refresh: bool
) -> web.StreamResponse:
    from swarmnotes.swarm.api.utils import _engine_path

    engine = container.engine
    assert engine is not None
    path = _engine_path(request, name, container.id)

    async def force_refresh() -> None:
        await asyncio.to_thread(container.refresh)

    try:
        if refresh:
            resp = await proxy_async(c, engine, request, path, force_refresh)
        else:
            resp = await proxy(c, engine, request, path)
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        await asyncio.to_thread(engine.check_connection_err, exc)
        return http_error(client_error_text(exc), 500)
    engine.check_connection_err(None)
    return resp


# POST /containers/{name:.*}/exec
async def post_containers_exec(c: Context, request: web.Request) -> web.StreamResponse:
    """Create the exec on the container's engine and remember its ID.  Go: postContainersExec

    The ID is added to the container's ``ExecIDs`` so that the later
    ``/exec/{id}/start`` and ``/exec/{id}/json`` find the engine.
    """
    name = request.match_info["name"]
    container = c.cluster.container(name)
    if container is None:
        return http_error(f"No such container {name}", 404)
    engine = container.engine
    assert engine is not None
    answer = await _engine_call(
        c,
        engine,
        "POST",
        _versioned(request, f"/containers/{container.id}/exec"),
        await request.read(),
    )
    if isinstance(answer, web.Response):
        return answer
    status, data = answer
    if status < 200 or status >= 400:
        # Go: the engine's body, as a 500. Python: with the engine's status.
        return http_error(_engine_message(data), status if status >= 400 else 500)
    exec_id = str(json.loads(data).get("Id", ""))
    exec_ids = container.info.get("ExecIDs") or []
    exec_ids.append(exec_id)
    container.info["ExecIDs"] = exec_ids
    return web.Response(status=status, body=data, content_type="application/json")


def _engine_message(data: bytes) -> str:
    """The ``message`` of an engine's JSON error body, else the body."""
    try:
        return str(json.loads(data)["message"])
    except (ValueError, KeyError, TypeError):
        return data.decode("utf-8", "replace").strip()


# POST /exec/{execid:.*}/start
async def post_exec_start(c: Context, request: web.Request) -> web.StreamResponse:
    """Proxied when detached, hijacked when attached. Go: postExecStart

    Go: a missing return makes a detached start run proxyContainer and
    then proxyHijack too. Python: one or the other.
    """
    if not request.headers.get("Connection"):
        return await proxy_container(c, request)
    return await proxy_hijack(c, request)


# Proxy a request to the right node.
async def proxy_container(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: proxyContainer"""
    error, name, container = await _error_for(c, request)
    if error is not None or container is None:
        return error or http_error("Not found", 404)
    return await _proxy_or_error(c, request, container, name, refresh=False)


# Proxy a request to the right node and force refresh container.
async def proxy_container_and_force_refresh(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: proxyContainerAndForceRefresh"""
    error, name, container = await _error_for(c, request)
    if error is not None or container is None:
        return error or http_error("Not found", 404)
    return await _proxy_or_error(c, request, container, name, refresh=True)


# Proxy a hijack request to the right node.
async def proxy_hijack(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: proxyHijack"""
    from swarmnotes.swarm.api.utils import _engine_path

    error, name, container = await _error_for(c, request)
    if error is not None or container is None:
        return error or http_error("Not found", 404)
    engine = container.engine
    assert engine is not None
    try:
        resp = await hijack(c, engine, request, _engine_path(request, name, container.id))
    except (TimeoutError, OSError) as exc:
        await asyncio.to_thread(engine.check_connection_err, exc)
        return http_error(client_error_text(exc), 500)
    engine.check_connection_err(None)
    return resp


# GET /images/{name:.*}/json and friends
async def proxy_image(c: Context, request: web.Request) -> web.StreamResponse:
    """Proxy to an engine that has the image. Go: proxyImage"""
    name = request.match_info["name"]
    image = c.cluster.image(name)
    if image is None or image.engine is None:
        return http_error(f"No such image: {name}", 404)
    try:
        return await proxy(c, image.engine, request, request.rel_url.path_qs)
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return http_error(client_error_text(exc), 500)


# GET /images/json
async def get_images_json(c: Context, request: web.Request) -> web.StreamResponse:
    """Every engine's images, one entry per engine that has it. Go: getImagesJSON"""
    out = []
    for image in c.cluster.images():
        entry = dict(image.summary)
        entry.setdefault("Id", image.id)
        entry.setdefault("RepoTags", image.repo_tags)
        out.append(entry)
    return _json(out)


def _unix_seconds(text: str, now: float) -> float:
    """A ``since``/``until`` value: Unix seconds, maybe with a fraction.

    The docker CLI turns ``--since 10m`` or a date into seconds itself.
    """
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"invalid timestamp {text!r}") from None


# GET /events
async def get_events(c: Context, request: web.Request) -> web.StreamResponse:
    """Every engine's events, each naming its node, as one stream. Go: getEvents

    ``until`` ends the stream at that time, as in Go. Go (v1.2.5):
    ``since`` is ignored. Python: the events since then are first read back
    from every engine (each bounded by ``until``, or now) and written in
    time order, then the live stream follows.
    """
    now = time.time()
    until: float | None = None
    since: float | None = None
    try:
        if request.query.get("until"):
            until = _unix_seconds(request.query["until"], now)
        if request.query.get("since"):
            since = _unix_seconds(request.query["since"], now)
    except ValueError as exc:
        return http_error(str(exc), 400)

    filters = _request_filters(request, _EVENT_FILTERS)
    if isinstance(filters, web.Response):
        return filters

    key, queue = c.events_handler.add()
    try:
        resp = web.StreamResponse(headers={"Content-Type": "application/json"})
        await resp.prepare(request)
        replayed_until = now
        if since is not None:
            bound = until if until is not None and until < now else now
            for data in await _past_events(c, since, bound):
                if event_matches(filters, json.loads(data)):
                    await resp.write(data)
            replayed_until = bound
        if until is not None and until <= time.time():
            return resp
        while True:
            timeout = None if until is None else max(0.0, until - time.time())
            try:
                data = await asyncio.wait_for(queue.get(), timeout)
            except TimeoutError:
                return resp  # Go: the --until timer fired
            event = json.loads(data)
            if since is not None and event.get("timeNano", 0) / 1e9 <= replayed_until:
                continue  # already written from the engine's own record
            if event_matches(filters, event):
                await resp.write(data)
    except (ConnectionResetError, asyncio.CancelledError):
        raise
    finally:
        c.events_handler.cleanup_handler(key)


# The event filters the engine knows and the manager applies to the merged
# stream (each engine would apply them to its own). # Go (v1.2.5): the
# filters parameter is ignored, every event goes to every stream.
_EVENT_FILTERS = {
    "container",
    "event",
    "image",
    "label",
    "type",
    "node",
    "volume",
    "network",
    "daemon",
}


def event_matches(filters: dict[str, list[str]], event: dict[str, Any]) -> bool:
    """Whether a (node-named) event passes ``docker events --filter`` as an engine decides."""
    actor = event.get("Actor") or {}
    attributes = actor.get("Attributes") or {}
    actor_id = str(actor.get("ID") or event.get("id") or "")
    action = str(event.get("Action") or event.get("status") or "")
    kind = str(event.get("Type") or "")
    checks = {
        "container": lambda v: (
            kind == "container" and (actor_id.startswith(v) or attributes.get("name") == v)
        ),
        "event": lambda v: action == v or action.split(":")[0] == v,
        "image": lambda v: attributes.get("image") == v or event.get("from") == v,
        "label": lambda v: (
            attributes.get(v.partition("=")[0]) == v.partition("=")[2]
            if "=" in v
            else v in attributes
        ),
        "type": lambda v: kind == v,
        "node": lambda v: attributes.get("node.name") == v or attributes.get("node.id") == v,
        "volume": lambda v: kind == "volume" and actor_id == v,
        "network": lambda v: kind == "network" and (actor_id == v or attributes.get("name") == v),
        "daemon": lambda v: kind == "daemon" and actor_id == v,
    }
    for name, values in filters.items():
        check = checks[name]
        if values and not any(check(v) for v in values):
            return False
    return True


async def _past_events(c: Context, since: float, until: float) -> list[bytes]:
    """Every healthy engine's events from ``since`` to ``until``, by time."""
    found: list[tuple[int, bytes]] = []
    for engine in c.cluster.list_engines():
        if not engine.is_healthy():
            continue
        path = f"/events?since={since:.9f}&until={until:.9f}"
        try:
            async with c.engine_session(engine).get(c.engine_url(engine, path)) as resp:
                async for line in resp.content:
                    if line.strip():
                        message = json.loads(line)
                        found.append((message.get("timeNano", 0), event_json(message, engine)))
        except (TimeoutError, aiohttp.ClientError, OSError):
            continue  # that engine's past is lost; the live stream still names it
    found.sort(key=lambda pair: pair[0])
    return [data for _, data in found]


# Default handler for methods not supported by clustering.
async def not_implemented_handler(c: Context, request: web.Request) -> web.StreamResponse:
    """Go: notImplementedHandler"""
    return http_error("Not supported in clustering mode.", 501)
