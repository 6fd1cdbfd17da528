"""Port of docker/swarm v1.2.5 cluster/engine.go: ``Engine``, one Docker engine of the cluster.

An :class:`Engine` is swarm's live copy of one dockerd: its specs (name, CPUs,
memory, labels), its containers, images, networks and volumes, and its
health. The copy is kept fresh in three ways:

* **events**: an :class:`~swarmnotes.swarm.cluster.event_monitor.EventsMonitor`
  on ``GET /events`` refreshes the object each event names (``_handler``);
* **a refresh loop** (after validation) re-lists everything every
  ``refresh_min_interval..refresh_max_interval`` seconds, backing off while
  the engine keeps failing;
* **every API call** reports to :meth:`Engine.check_connection_err`, which
  counts connection failures: after ``failure_retry`` of them a healthy
  engine turns unhealthy, and the first success brings it back.

Resource units (as in swarm): memory in bytes; ``cpus`` and the
``CpuShares`` of swarm's configs count **CPUs**. :meth:`Engine.create_container`
sends ``ceil(cpus * 1024 / NCPU)`` cgroup shares to dockerd, and reading a
container back converts ``shares * NCPU // 1024`` to CPUs.

Beyond v1.2.5 (each marked ``# Go:`` / ``# Python:`` in place): the monitor's
receiver starts before the monitor (v1.2.6's fix of a deadlock), a monitor
restart that has been superseded is dropped, and a resumed event stream that
may have missed events triggers a full refresh (``_resync``).
"""

from __future__ import annotations

import copy
import datetime as _dt
import logging
import math
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import docker

from swarmnotes import dockerapi
from swarmnotes.go.chan import Chan, Recv, go, select
from swarmnotes.swarm.cluster.container import Container, Containers
from swarmnotes.swarm.cluster.delayer import Delayer
from swarmnotes.swarm.cluster.errors import ClusterError, EngineConnectionError
from swarmnotes.swarm.cluster.event_monitor import EventsMonitor
from swarmnotes.swarm.cluster.events import Event, EventHandler, call_handler
from swarmnotes.swarm.cluster.image import Image
from swarmnotes.swarm.config import ContainerConfig, build_container_config

__all__ = [
    "Engine",
    "EngineOpts",
    "MIN_SUPPORTED_VERSION",
    "REQUEST_TIMEOUT",
    "THRESHOLD_TIME",
    "cpus_to_shares",
    "shares_to_cpus",
]

log = logging.getLogger("swarmnotes.swarm.cluster")

# Timeout for requests sent to the engine, seconds. Go: requestTimeout
REQUEST_TIMEOUT = dockerapi.REQUEST_TIMEOUT
# A clock skew below this between swarm and the engine is ignored. Go: thresholdTime
THRESHOLD_TIME = 2.0
# Go: minSupportedVersion
MIN_SUPPORTED_VERSION = "1.8.0"

# Go: statePending, stateUnhealthy, stateHealthy, stateDisconnected (iota)
STATE_PENDING = 0
STATE_UNHEALTHY = 1
STATE_HEALTHY = 2
STATE_DISCONNECTED = 3
_STATE_TEXT = {
    STATE_PENDING: "Pending",
    STATE_UNHEALTHY: "Unhealthy",
    STATE_HEALTHY: "Healthy",
    STATE_DISCONNECTED: "Disconnected",
}

# Container actions after which swarm inspects the container again.
_FULL_REFRESH_ACTIONS = frozenset(
    [
        "die",
        "kill",
        "oom",
        "pause",
        "start",
        "restart",
        "stop",
        "unpause",
        "rename",
        "update",
        "health_status",
    ]
)

T = TypeVar("T")


@dataclass
class EngineOpts:
    """Options for every engine of a cluster. Go: cluster.EngineOpts

    The defaults are swarm's command-line defaults
    (``--engine-refresh-min-interval=30s``, ``-max-interval=60s``,
    ``--engine-failure-retry=3``); the intervals are in seconds.
    """

    refresh_min_interval: float = 30.0
    refresh_max_interval: float = 60.0
    failure_retry: int = 3


def _version_less_than(v: str, other: str) -> bool:
    """Go: pkg/version.Version.LessThan: dot-separated parts compared as integers.

    A part that is not a number counts as 0 (Go ignores strconv.Atoi's error),
    so ``"20.10.24+dfsg1"`` compares as 20.10.0.
    """

    def parts(s: str) -> list[int]:
        out = []
        for p in s.split("."):
            out.append(int(p) if re.fullmatch(r"[0-9]+", p) else 0)
        return out

    a, b = parts(v), parts(other)
    for i in range(max(len(a), len(b))):
        x = a[i] if i < len(a) else 0
        y = b[i] if i < len(b) else 0
        if x != y:
            return x < y
    return False


def _go_quo(a: int, b: int) -> int:
    """Integer division truncating toward zero, like Go's ``/`` (Python's ``//`` floors)."""
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def cpus_to_shares(cpus: int, ncpu: int) -> int:
    """CPUs (swarm's unit) to the cgroup shares dockerd takes: ``ceil(cpus * 1024 / ncpu)``."""
    if ncpu == 0:
        return 0
    return math.ceil(cpus * 1024 / ncpu)


def shares_to_cpus(shares: int, ncpu: int) -> int:
    """cgroup shares back to CPUs: ``shares * ncpu // 1024``; round-trips cpus_to_shares."""
    return shares * ncpu // 1024


def _shift_rfc3339(value: str, delta: float) -> str:
    """Add ``delta`` seconds to an RFC 3339 time as the engine writes it.

    Go: time.Parse(RFC3339Nano) then Add then Format. Python: datetime
    keeps microseconds, so the nanosecond digits are cut. Only used when the
    engine's clock is off by 2 s or more.
    """
    if not value or delta == 0:
        return value
    m = re.fullmatch(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z", value)
    if m is None:
        return value
    micros = int((m.group(2) or "0")[:6].ljust(6, "0"))
    parsed = _dt.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S").replace(
        microsecond=micros, tzinfo=_dt.UTC
    )
    shifted = parsed + _dt.timedelta(seconds=delta)
    return shifted.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _is_connection_failure(err: BaseException) -> bool:
    """Whether ``err`` means the engine could not be reached.

    Go: dockerclient.ErrConnectionRefused, engine-api's ErrConnectionFailed,
    or a message containing "onnection refused" / "annot connect to the
    docker engine endpoint". Python: by the exception's type
    (dockerapi.is_connection_failure: refused, no such socket, no answer
    within the timeout, a connection cut), never by its text. A call that
    timed out counts too: Go's timeout error matches neither text, but an
    engine that does not answer is not healthy.
    """
    return dockerapi.is_connection_failure(err)


class Engine:
    """One Docker engine of the cluster. Go: cluster.Engine

    Created with no I/O, in state ``Pending``; :meth:`connect` reads its specs
    and state and starts its events monitor; the cluster then calls
    :meth:`validation_complete` (state ``Healthy``, refresh loop started).
    Safe for concurrent use.
    """

    # A class attribute so that a test or chapter may shorten it on one engine.
    request_timeout: float = REQUEST_TIMEOUT

    def __init__(
        self, addr: str, overcommit_ratio: float = 0.05, opts: EngineOpts | None = None
    ) -> None:
        if opts is None:
            opts = EngineOpts()
        self.id = ""
        self.ip = ""
        self.addr = addr
        self.name = ""
        self.cpus = 0
        self.memory = 0
        self.labels: dict[str, str] = {}
        self.version = ""
        self.delta_duration = 0.0  # seconds: swarm's clock minus the engine's
        self.api_version = ""  # the API version Go would pin engine-api to

        # Go: sync.RWMutex embedded. Python: one reentrant lock.
        self._lock = threading.RLock()
        self._stop_ch = Chan()  # closed by disconnect: ends the refresh loop
        self._refresh_delayer = Delayer(opts.refresh_min_interval, opts.refresh_max_interval)
        self._containers: dict[str, Container] = {}
        self._images: list[Image] = []
        self._networks: dict[str, dict[str, Any]] = {}
        self._volumes: dict[str, dict[str, Any]] = {}
        # Go: a no-op client until ConnectWithClient. Python: None.
        self._api_client: Any = None
        self._event_handler: EventHandler | None = None
        self._state = STATE_PENDING
        self._last_error = ""
        self._updated_at = time.monotonic()
        self._failure_count = 0
        self._overcommit_ratio = int(overcommit_ratio * 100)  # Go: int64(ratio * 100)
        self._opts = opts
        self._events_monitor: EventsMonitor | None = None
        self._monitor_generation = 0  # bumped by each start_monitor_events

    # -- connecting --------------------------------------------------------------

    def connect(self, tls_config: Any = None) -> None:
        """Connect to the engine at ``addr`` and gather its specs and state. Go: (*Engine).Connect

        ``addr`` is ``host:port`` (TCP, as in Go), ``tcp://host:port`` or
        ``unix:///path`` (the lab's engines). Fails within
        ``request_timeout`` when the engine does not answer, with
        :class:`~swarmnotes.swarm.errors.EngineConnectionError` (a
        ClusterError) whose text is one sentence naming the engine.
        """
        if self.addr.startswith("unix://"):
            base_url = self.addr
        else:
            hostport = self.addr.removeprefix("tcp://")
            host, sep, port = hostport.rpartition(":")
            if not sep or not host:
                raise ClusterError(f"address {hostport}: missing port in address")
            # Go: net.ResolveIPAddr("ip4", host)
            try:
                self.ip = socket.gethostbyname(host.strip("[]"))
            except OSError as exc:
                raise ClusterError(f"lookup {host}: {exc}") from exc
            base_url = "tcp://" + hostport
        tls: Any = tls_config if tls_config is not None else False
        try:
            # Go: the engine-api client pins its version from the engine's
            # later (_update_specs); docker-py asks the engine for it while it
            # builds the client ("auto"), so an unreachable engine fails here.
            api_client = dockerapi.api_client(
                base_url, timeout=self.request_timeout, version=None, tls=tls
            )
        except dockerapi.EngineError as exc:
            self.check_connection_err(exc)
            raise self._engine_error(exc) from exc.__cause__
        except docker.errors.DockerException as exc:
            raise ClusterError(str(exc)) from exc
        self.connect_with_client(api_client)

    def _engine_error(self, err: BaseException) -> EngineConnectionError:
        """The one error for an engine that did not answer, naming ``addr`` (this engine)."""
        timeout = getattr(self._api_client, "timeout", self.request_timeout)
        sentence = dockerapi.explain(self._base_url(), err, timeout) or str(err)
        error = EngineConnectionError(sentence)
        error.addr, error.kind = self._base_url(), dockerapi.failure_kind(err) or ""
        return error

    def _base_url(self) -> str:
        """``addr`` as a URL (``tcp://host:port`` for Go's bare ``host:port``)."""
        return self.addr if "://" in self.addr else "tcp://" + self.addr

    def connect_with_client(self, api_client: Any) -> None:
        """Use ``api_client`` (a ``docker.APIClient``) for this engine. Go: ConnectWithClient

        In order: create the events monitor; update the specs (an error is
        raised); start monitoring events; refresh containers (full) and images
        (errors raised); refresh volumes and networks (errors ignored, as
        for old daemons); emit ``engine_connect``. The state stays Pending.
        """
        self._api_client = api_client
        # Go: NewEventsMonitor(e.apiClient, e.handler). Python: also tell it
        # how to resynchronise when a resumed stream may have missed events.
        self._events_monitor = EventsMonitor(api_client, self._handler, on_resync=self._resync)

        self._update_specs()

        self.start_monitor_events()

        # Force a state update before returning.
        self.refresh_containers(True)
        self.refresh_images()

        # Do not check errors: older daemons do not support these calls.
        for refresh in (self.refresh_volumes, self.refresh_networks):
            try:
                refresh()
            except Exception as exc:
                log.debug("engine %s: %s", self.addr, exc)

        self._emit_event("engine_connect")

    def disconnect(self) -> None:
        """Stop all monitoring; the engine cannot be used again. Go: (*Engine).Disconnect"""
        with self._lock:
            if self._state == STATE_DISCONNECTED:
                return
            self._stop_ch.close()
            if self._events_monitor is not None:
                self._events_monitor.stop()
            if self._api_client is not None:
                self._api_client.close()
            self._api_client = None
            self._state = STATE_DISCONNECTED
        self._emit_event("engine_disconnect")

    def _api(self) -> Any:
        api = self._api_client
        if api is None:
            # Go: the nop client answers every call with this error.
            raise ClusterError("Nop client called")
        return api

    def _call(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Call the Docker API and report the outcome to :meth:`check_connection_err`.

        Go: every call is followed by e.CheckConnectionErr(err).
        """
        try:
            result = fn(*args, **kwargs)
        except Exception as err:
            self.check_connection_err(err)
            if dockerapi.failure_kind(err) is not None:
                # Python: one sentence naming the engine instead of urllib3's words.
                raise self._engine_error(err) from err
            raise
        self.check_connection_err(None)
        return result

    # -- health ---------------------------------------------------------------------

    def is_healthy(self) -> bool:
        """Go: (*Engine).IsHealthy"""
        with self._lock:
            return self._state == STATE_HEALTHY

    def health_indicator(self) -> int:
        """0..100: 0 unless healthy; 100 after a success, less after recent failures.

        ``100 - failure_count * 100 / failure_retry`` (integers): 100, 67, 34
        for the default 3 retries. Go: (*Engine).HealthIndicator
        """
        with self._lock:
            if self._state != STATE_HEALTHY or self._failure_count >= self._opts.failure_retry:
                return 0
            return 100 - self._failure_count * 100 // self._opts.failure_retry

    def _set_state(self, state: int) -> None:
        with self._lock:
            self._state = state

    def time_to_validate(self) -> bool:
        """Whether a pending engine is due for another validation. Go: TimeToValidate

        After ``2**failure_count + 30`` seconds since the last update, or 4 hours.
        """
        validation_limit = 4 * 3600.0
        min_failure_backoff = 30.0
        with self._lock:
            if self._state != STATE_PENDING:
                return False
            since_last_update = time.monotonic() - self._updated_at
            return (
                since_last_update > validation_limit
                or since_last_update > (1 << self._failure_count) + min_failure_backoff
            )

    def validation_complete(self) -> None:
        """Pending to Healthy, failures reset, refresh loop started. Go: ValidationComplete"""
        with self._lock:
            if self._state != STATE_PENDING:
                return
            self._state = STATE_HEALTHY
            self._failure_count = 0
        go(self._refresh_loop)

    def _set_err_msg(self, err_msg: str) -> None:
        with self._lock:
            self._last_error = err_msg.strip()
            self._updated_at = time.monotonic()

    def err_msg(self) -> str:
        """The last connection error's text ("" after a success). Go: ErrMsg"""
        with self._lock:
            return self._last_error

    def status(self) -> str:
        """``"Pending"``, ``"Unhealthy"``, ``"Healthy"`` or ``"Disconnected"``. Go: Status"""
        with self._lock:
            return _STATE_TEXT[self._state]

    def _inc_failure_count(self) -> None:
        """One more failure; a healthy engine at ``failure_retry`` turns unhealthy."""
        with self._lock:
            self._failure_count += 1
            turned = (
                self._state == STATE_HEALTHY and self._failure_count >= self._opts.failure_retry
            )
            if turned:
                self._state = STATE_UNHEALTHY
        if turned:
            log.error("Flagging engine as unhealthy. Connect failed %d times", self._failure_count)
            self._emit_event("engine_disconnect")

    def _get_failure_count(self) -> int:
        with self._lock:
            return self._failure_count

    def _reset_failure_count(self) -> None:
        with self._lock:
            self._failure_count = 0

    def check_connection_err(self, err: BaseException | None) -> None:
        """Adjust the health from an API call's outcome. Go: CheckConnectionErr

        * ``None``: clear the error; an unhealthy engine becomes healthy
          (event ``engine_reconnect``); reset the failure count;
        * a connection failure: count it and keep its message;
        * anything else (a 404, a conflict...) says nothing about the
          connection and is ignored.
        """
        if err is None:
            self._set_err_msg("")
            with self._lock:
                was_unhealthy = self._state == STATE_UNHEALTHY
            if was_unhealthy:
                log.info(
                    "Engine came back to life after %d retries. Hooray!",
                    self._get_failure_count(),
                )
                self._emit_event("engine_reconnect")
                self._set_state(STATE_HEALTHY)
            self._reset_failure_count()
            return
        if _is_connection_failure(err):
            self._inc_failure_count()
            timeout = getattr(self._api_client, "timeout", self.request_timeout)
            self._set_err_msg(dockerapi.explain(self._base_url(), err, timeout) or str(err))

    # -- specs --------------------------------------------------------------------

    def _update_client_version_from_server(self, server_version: str) -> None:
        """Go pins engine-api's version from the engine's.

        Go: e.apiClient.UpdateClientVersion("1.20".."1.24"). Python:
        docker-py has already negotiated the engine's own API version, which
        we keep; the version Go would pin is recorded in ``api_version``.
        """
        for below, api in (("1.9", "1.20"), ("1.10", "1.21"), ("1.11", "1.22"), ("1.12", "1.23")):
            if _version_less_than(server_version, below):
                self.api_version = api
                return
        self.api_version = "1.24"

    def _update_specs(self) -> None:
        """Gather the engine's ID, name, CPUs, memory and labels. Go: (*Engine).updateSpecs"""
        api = self._api()
        info: dict[str, Any] = self._call(api.info)

        if not info.get("NCPU") or not info.get("MemTotal"):
            raise ClusterError(
                f"cannot get resources for this engine, make sure {self.addr} "
                "is a Docker Engine, not a Swarm manager"
            )

        v: dict[str, Any] = self._call(api.version)
        engine_version = str(v.get("Version", ""))
        # Older versions of Docker don't expose the ID field and labels.
        if _version_less_than(engine_version, MIN_SUPPORTED_VERSION):
            raise ClusterError(
                f"engine {self.addr} is running an unsupported version of Docker Engine. "
                f"Please upgrade to at least {MIN_SUPPORTED_VERSION}"
            )
        self.version = engine_version
        self._update_client_version_from_server(engine_version)

        with self._lock:
            # The cluster indexes engines by ID: a changed ID makes the engine
            # pending again, to be removed and added back.
            if self.id == "":
                self.id = info.get("ID", "")
            elif self.id != info.get("ID", ""):
                self._state = STATE_PENDING
                message = (
                    f"Engine (ID: {self.id}, Addr: {self.addr}) shows up with another "
                    f"ID:{info.get('ID', '')}. Please remove it from cluster, it can be added back."
                )
                self._last_error = message
                raise ClusterError(message)

            # Clock skew between swarm and the engine; below 2 s it is noise.
            delta = 0.0
            system_time = info.get("SystemTime") or ""
            m = re.match(
                r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)(Z|[+-]\d\d:\d\d)", system_time
            )
            if m is not None:
                stamp = m.group(1)
                if "." in stamp:
                    whole, frac = stamp.split(".")
                    stamp = f"{whole}.{frac[:6]}"
                zone = "+00:00" if m.group(2) == "Z" else m.group(2)
                engine_time = _dt.datetime.fromisoformat(stamp + zone)
                delta = (_dt.datetime.now(_dt.UTC) - engine_time).total_seconds()
            self.delta_duration = 0.0 if abs(delta) < THRESHOLD_TIME else delta
            if self.delta_duration:
                log.warning(
                    "Engine (ID: %s, Addr: %s) has unsynchronized systime with swarm, "
                    "please synchronize it.",
                    self.id,
                    self.addr,
                )

            self.name = info.get("Name", "")
            self.cpus = int(info.get("NCPU", 0))
            self.memory = int(info.get("MemTotal", 0))

            labels: dict[str, str] = {}
            for key, info_key in (
                ("storagedriver", "Driver"),
                ("executiondriver", "ExecutionDriver"),
                ("kernelversion", "KernelVersion"),
                ("operatingsystem", "OperatingSystem"),
            ):
                if info.get(info_key):
                    labels[key] = info[info_key]
            for label in info.get("Labels") or []:
                key, sep, value = label.partition("=")
                if not sep:
                    raise ClusterError(
                        f"Engine (ID: {self.id}, Addr: {self.addr}) contains an invalid label "
                        f'({label}) not formatted as "key=value".'
                    )
                # "node" in a constraint always means the node's name or ID.
                if key == "node":
                    log.warning(
                        "Engine (ID: %s, Addr: %s) contains a label (%s) with key of "
                        '"node" which cannot be used in Swarm.',
                        self.id,
                        self.addr,
                        label,
                    )
                    continue
                if key not in labels:
                    labels[key] = value
            # Go: e.Labels = map[string]string{} then filled: a new map.
            self.labels = labels

    # -- events -------------------------------------------------------------------

    def start_monitor_events(self) -> None:
        """Start the events monitor; restart it whenever it ends with an error.

        An error whose text contains ``EOF`` (the stream ended) restarts it at
        once; any other error first waits ``refresh_delayer.wait(failure_count)``,
        the back-off. A ``None`` (the monitor was stopped) ends the loop.

        Go: (*Engine).StartMonitorEvents
        """
        monitor = self._events_monitor
        if monitor is None:
            raise ClusterError("engine not connected")
        with self._lock:
            self._monitor_generation += 1
            generation = self._monitor_generation
        ec = Chan()
        # Go (v1.2.5): eventsMonitor.Start(ec) first, then `go func() { <-ec }`:
        # an error sent inside Start blocks forever. Python: the receiver
        # first, as v1.2.6 does.
        go(self._watch_events_monitor, ec, generation)
        monitor.start(ec)

    def _watch_events_monitor(self, ec: Chan, generation: int) -> None:
        err, _ = ec.recv()
        if err is None:
            return  # stopped
        log.debug("engine %s: events monitor ended: %s", self.name or self.addr, err)
        if "EOF" not in str(err):
            # A failing engine: reconnect with back-off.
            delay = self._refresh_delayer.wait(self._get_failure_count())
            i, _, _ = select(Recv(delay), Recv(self._stop_ch))
            if i == 1:
                return  # Python: disconnected meanwhile (Go would restart anyway)
        with self._lock:
            # Python: a newer start_monitor_events (the refresh loop's) or a
            # disconnect has taken over; restarting here would only stop it.
            superseded = generation != self._monitor_generation
            disconnected = self._state == STATE_DISCONNECTED
        if superseded or disconnected:
            return
        self.start_monitor_events()

    def _emit_event(self, event: str) -> None:
        """Hand swarm's own event ``event`` to the handler, if any. Go: emitEvent"""
        handler = self._event_handler
        if handler is None:
            return
        now = time.time_ns()
        message = {
            "status": event,
            "from": "swarm",
            "Type": "swarm",
            "Action": event,
            "Actor": {"ID": "", "Attributes": {}},
            "time": now // 1_000_000_000,
            "timeNano": now,
        }
        try:
            call_handler(handler, Event(message=message, engine=self))
        except Exception as exc:  # Go ignores Handle's error here
            log.error("%s", exc)

    def _handler(self, msg: dict[str, Any]) -> None:
        """Refresh what an event names, then pass it on. Go: (*Engine).handler

        Raises what the registered handler raises (which stops the monitor).
        """
        msg_type = msg.get("Type", "")
        actor_id = (msg.get("Actor") or {}).get("ID", "")
        container_id = msg.get("id") or actor_id
        try:
            if msg_type == "network":
                self._refresh_network(actor_id)
            elif msg_type == "volume":
                self._refresh_volume(actor_id)
            elif msg_type == "image":
                self.refresh_images()
            elif msg_type == "container":
                action = msg.get("Action", "")
                # health checks are like "health_status: unhealthy"
                if action.startswith("health_status"):
                    action = "health_status"
                self._refresh_container(container_id, action in _FULL_REFRESH_ACTIONS)
            elif msg_type == "daemon":
                if msg.get("Action") == "reload":
                    self._update_specs()
            elif msg_type == "":
                # docker < 1.10: dispatch on the legacy status
                status = msg.get("status", "")
                if status in ("pull", "untag", "delete", "commit"):
                    self.refresh_images()
                else:
                    full = status in (
                        "die",
                        "kill",
                        "oom",
                        "pause",
                        "start",
                        "stop",
                        "unpause",
                        "rename",
                    )
                    self._refresh_container(container_id, full)
                    self.refresh_volumes()
                    self.refresh_networks()
        except Exception as exc:
            # Go ignores these refresh errors (the refresh loop catches up).
            log.debug("engine %s: refresh after %s event: %s", self.name, msg_type, exc)

        handler = self._event_handler
        if handler is None:
            return
        call_handler(handler, Event(message=msg, engine=self))

    def _resync(self) -> None:
        """Full refresh after a resumed event stream may have missed events.

        Python only: v1.2.5 never resumes a stream; its refresh loop
        eventually re-lists everything. Here the monitor calls this before
        delivering anything more (for instance after dockerd restarted).
        """
        for refresh in (
            lambda: self.refresh_containers(True),
            self.refresh_images,
            self.refresh_volumes,
            self.refresh_networks,
        ):
            try:
                refresh()
            except Exception as exc:
                log.debug("engine %s: resync: %s", self.name, exc)

    def register_event_handler(self, h: EventHandler) -> None:
        """Set the handler swarm's and the engine's events go to (only one).

        Raises ``ClusterError("event handler already set")``. Go: RegisterEventHandler
        """
        if self._event_handler is not None:
            raise ClusterError("event handler already set")
        self._event_handler = h

    # -- refreshing ------------------------------------------------------------------

    def refresh_images(self) -> None:
        """Re-list all images. Go: RefreshImages"""
        images = self._call(self._api().images, all=True)
        fresh = [
            Image(
                id=entry.get("Id", ""),
                repo_tags=list(entry.get("RepoTags") or []),
                repo_digests=list(entry.get("RepoDigests") or []),
                engine=self,
                summary=entry,
            )
            for entry in images
        ]
        with self._lock:
            self._images = fresh

    def _refresh_network(self, id: str) -> None:
        """Go: refreshNetwork; a vanished network is dropped."""
        try:
            network = self._call(self._api().inspect_network, id)
        except docker.errors.NotFound:
            with self._lock:
                self._networks.pop(id, None)
            return
        with self._lock:
            self._networks[network["Id"]] = network

    def refresh_networks(self) -> None:
        """Re-list all networks. Go: RefreshNetworks"""
        networks = self._call(self._api().networks)
        with self._lock:
            self._networks = {n["Id"]: n for n in networks}

    def refresh_volumes(self) -> None:
        """Re-list all volumes. Go: RefreshVolumes"""
        response = self._call(self._api().volumes)
        with self._lock:
            self._volumes = {v["Name"]: v for v in (response.get("Volumes") or [])}

    def _refresh_volume(self, id_or_name: str) -> None:
        """Go: refreshVolume; a vanished volume is dropped."""
        try:
            volume = self._call(self._api().inspect_volume, id_or_name)
        except docker.errors.NotFound:
            with self._lock:
                self._volumes.pop(id_or_name, None)
            return
        with self._lock:
            self._volumes[volume["Name"]] = volume

    def refresh_containers(self, full: bool) -> None:
        """Re-list **all** containers (stopped ones too); inspect if ``full``.

        Go: RefreshContainers

        The map is rebuilt from scratch; a container that fails to update is
        logged and left out.
        """
        containers = self._call(self._api().containers, all=True)
        merged: dict[str, Container] = {}
        for c in containers:
            try:
                merged = self._update_container(c, merged, full)
            except Exception as exc:
                log.error("Unable to update state of container %r: %s", c.get("Id"), exc)
        with self._lock:
            self._containers = merged

    def _refresh_container(self, id: str, full: bool) -> Container | None:
        """Refresh one container; drop it if the engine no longer has it. Go: refreshContainer"""
        containers = self._call(self._api().containers, all=True, filters={"id": id})
        if len(containers) > 1:
            # One expected; more (an ID prefix?) triggers a full refresh.
            self.refresh_containers(full)
            return None
        if not containers:
            with self._lock:
                self._containers.pop(id, None)
            return None
        # Not under the lock: the inspect is slow (Go releases it here too).
        self._update_container(containers[0], self._containers, full)
        with self._lock:
            return self._containers.get(containers[0]["Id"])

    def _update_container(
        self, c: dict[str, Any], containers: dict[str, Container], full: bool
    ) -> dict[str, Container]:
        """Merge one list entry into ``containers``, inspecting when needed. Go: updateContainer"""
        with self._lock:
            current = self._containers.get(c["Id"])
        if current is not None:
            container = current
            # Restarting is a transit state that does not always end with an
            # event: inspect again.
            if (container.info.get("State") or {}).get("Restarting"):
                full = True
        else:
            # A brand new container: inspect it.
            container = Container(engine=self)
            full = True

        c = dict(c)
        c["Created"] = int(c.get("Created", 0) + self.delta_duration)

        if full:
            info: dict[str, Any] = self._call(self._api().inspect_container, c["Id"])
            networking_config = {
                "EndpointsConfig": (info.get("NetworkSettings") or {}).get("Networks")
            }
            config = build_container_config(
                info.get("Config") or {}, info.get("HostConfig") or {}, networking_config
            )
            # cgroup shares -> CPUs (swarm's unit)
            shares = config.host_config.get("CpuShares") or 0
            config.host_config["CpuShares"] = shares_to_cpus(shares, self.cpus)
            state = info.get("State")
            if state and self.delta_duration:
                state["StartedAt"] = _shift_rfc3339(state.get("StartedAt", ""), self.delta_duration)
                state["FinishedAt"] = _shift_rfc3339(
                    state.get("FinishedAt", ""), self.delta_duration
                )
            container.config = config
            container.info = info

        with self._lock:
            container.id = c["Id"]
            container.names = list(c.get("Names") or [])
            container.labels = dict(c.get("Labels") or {})
            container.summary = c
            containers[container.id] = container
        return containers

    def _refresh_loop(self) -> None:
        """Refresh everything periodically, backing off while failing. Go: refreshLoop"""
        max_backoff_factor = 1000
        # Engines can hot-plug CPUs or change labels without an event.
        spec_update_interval = 5 * 60.0
        last_spec_updated_at = time.monotonic()

        while True:
            backoff_factor = self._get_failure_count() - self._opts.failure_retry
            backoff_factor = max(0, min(backoff_factor, max_backoff_factor))
            i, _, _ = select(Recv(self._refresh_delayer.wait(backoff_factor)), Recv(self._stop_ch))
            if i == 1:
                return

            healthy = self.is_healthy()
            if not healthy or time.monotonic() - last_spec_updated_at > spec_update_interval:
                try:
                    self._update_specs()
                except Exception as exc:
                    log.debug("Update engine specs failed: %s", exc)
                    continue
                last_spec_updated_at = time.monotonic()

            if not healthy and self._events_monitor is not None:
                self._events_monitor.stop()
                self.start_monitor_events()

            try:
                self.refresh_containers(False)
            except Exception as exc:
                log.debug("Engine refresh failed: %s", exc)
                continue
            # Do not check errors: older daemons do not support these calls.
            for refresh in (self.refresh_volumes, self.refresh_networks, self.refresh_images):
                try:
                    refresh()
                except Exception as exc:
                    log.debug("engine %s: %s", self.name, exc)

    # -- the engine's state, read by the cluster and the scheduler ---------------------

    def containers(self) -> Containers:
        """All containers of this engine (stopped ones too). Go: (*Engine).Containers"""
        with self._lock:
            return Containers(self._containers.values())

    def images(self) -> list[Image]:
        """Go: (*Engine).Images"""
        with self._lock:
            return list(self._images)

    def image(self, id_or_name: str) -> Image | None:
        """The first image matching ``id_or_name`` (tag must match). Go: (*Engine).Image"""
        with self._lock:
            for image in self._images:
                if image.match(id_or_name, True):
                    return image
        return None

    def networks(self) -> list[dict[str, Any]]:
        """The engine's networks, as ``GET /networks`` JSON.  Go: (*Engine).Networks"""
        with self._lock:
            return list(self._networks.values())

    def volumes(self) -> list[dict[str, Any]]:
        """The engine's volumes, as ``GET /volumes`` JSON.  Go: (*Engine).Volumes"""
        with self._lock:
            return list(self._volumes.values())

    def used_memory(self) -> int:
        """Memory reserved by all containers, stopped ones too. Go: UsedMemory"""
        with self._lock:
            return sum(
                (c.config.host_config.get("Memory") or 0) if c.config is not None else 0
                for c in self._containers.values()
            )

    def used_cpus(self) -> int:
        """CPUs reserved by all containers, stopped ones too. Go: UsedCpus"""
        with self._lock:
            return sum(
                (c.config.host_config.get("CpuShares") or 0) if c.config is not None else 0
                for c in self._containers.values()
            )

    def total_memory(self) -> int:
        """``memory + memory * overcommit / 100`` (integers). Go: TotalMemory"""
        return self.memory + _go_quo(self.memory * self._overcommit_ratio, 100)

    def total_cpus(self) -> int:
        """``cpus + cpus * overcommit / 100`` (integers). Go: TotalCpus"""
        return self.cpus + _go_quo(self.cpus * self._overcommit_ratio, 100)

    # -- changing the engine -----------------------------------------------------------

    def create_container(
        self,
        config: ContainerConfig,
        name: str = "",
        pull_image: bool = True,
        auth_config: dict[str, Any] | None = None,
    ) -> Container:
        """Create a container from swarm's config. Go: (*Engine).CreateContainer

        A copy of ``config`` goes to dockerd with ``CpuShares`` converted from
        CPUs to cgroup shares. On "image not found" the image is pulled (if
        ``pull_image``) and the create retried. The new container is
        refreshed (inspected) at once and returned.
        """
        # Convert swarm's config into what Docker understands, on a copy.
        docker_config = copy.deepcopy(config)
        cpus = config.host_config.get("CpuShares") or 0
        docker_config.host_config["CpuShares"] = cpus_to_shares(cpus, self.cpus)
        api = self._api()
        try:
            create_resp = self._call(
                api.create_container_from_config, dict(docker_config), name or None
            )
        except docker.errors.ImageNotFound:
            if not pull_image:
                raise
            self.pull(config.get("Image", ""), auth_config)
            create_resp = self._call(
                api.create_container_from_config, dict(docker_config), name or None
            )

        # Register the container at once rather than wait for its event.
        self._refresh_container(create_resp["Id"], True)
        with self._lock:
            container = self._containers.get(create_resp["Id"])
        if container is None:
            raise ClusterError("Container created but refresh didn't report it back")
        return container

    def pull(self, image: str, auth_config: dict[str, Any] | None = None) -> None:
        """Pull ``image`` and refresh the images. Go: (*Engine).Pull"""
        last: dict[str, Any] = {}
        # Wait until the download is finished; the last message tells how it ended.
        for message in self._call(
            self._api().pull, image, stream=True, decode=True, auth_config=auth_config
        ):
            last = message
        if "error" in last:
            raise ClusterError(str(last["error"]))
        self.refresh_images()

    def remove_container(
        self, container: Container, force: bool = False, volumes: bool = False
    ) -> None:
        """Remove a container from the engine and from our state. Go: RemoveContainer"""
        self._call(self._api().remove_container, container.id, v=volumes, force=force)
        with self._lock:
            self._containers.pop(container.id, None)

    def start_container(self, id: str) -> None:
        """Start a container, then inspect it again. Go: StartContainer"""
        self._call(self._api().start, id)
        self._refresh_container(id, True)

    def add_container(self, container: Container) -> None:
        """Inject a container into the state; ``ClusterError("container already exists")``.

        Go: (*Engine).AddContainer
        """
        with self._lock:
            if container.id in self._containers:
                raise ClusterError("container already exists")
            self._containers[container.id] = container

    def _remove_container(self, container: Container) -> None:
        """Go: removeContainer (the state only)."""
        with self._lock:
            if container.id not in self._containers:
                raise ClusterError("container not found")
            del self._containers[container.id]

    def __str__(self) -> str:
        return f"engine {self.id} addr {self.addr}"  # Go: String()

    def __repr__(self) -> str:
        with self._lock:
            return (
                f"<Engine {self.name or self.addr} {_STATE_TEXT[self._state]} "
                f"[health: {self.health_indicator()}, containers: {len(self._containers)}, "
                f"images: {len(self._images)}]>"
            )
