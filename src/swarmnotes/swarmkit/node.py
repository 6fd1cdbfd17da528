"""Port of moby/swarmkit v1.12.0 agent/node.go: ``agent.Node``, the lifecycle ``swarmd`` runs.

SwarmKit's Node, driving a real engine (``NodeConfig``, ``NewNode``,
``Start``, ``run``, ``Stop``, ``Err``, ``Ready``); the errors it uses from
``agent/errors.go`` are in :mod:`swarmnotes.swarmkit.errors` (and importable
from here). Semantics, branch by branch: ``shared/reference/
swarmkit-node-v1.12.md``; swarm timings: ``shared/reference/docker-events.md``.

A Node has four channels that are only ever closed, never sent on, and one
error field:

* ``started``: closed by the first successful :meth:`Node.start`;
* ``stopped``: closed by :meth:`Node.stop` when it asks the node to stop;
* ``ready``: closed once the engine's swarm node is active (and, for a
  manager, its control API is available); it never re-opens;
* ``closed``: closed when ``run`` returns, always; ``err`` is written just
  before, so whoever has seen ``closed`` may read ``err``.

Go: ``run`` builds a SwarmKit manager and agent in-process (certificates,
raft, the dispatcher session).
Python: the engine already embeds exactly one SwarmKit node (Docker's
``daemon/cluster``), so ``run`` drives that one through the Docker API:
``swarm init`` is the bootstrap-CA path, ``swarm join`` the certificate
request with a join token, ``info()`` says when the node is ready, a
heartbeat watches the engine, and ``swarm leave --force`` stops it.

Go chooses at random between ready select cases. This port fixes one order
(the contract in DESIGN.md), which reproduces every deterministic Go outcome:

* ``start``, not started: a done ctx raises the ctx error (the node stays
  unstarted), else the node starts. Started: ``stopped`` closed raises
  AgentStoppedError; ``closed`` raises the node's error (AgentStoppedError
  if that is None); a done ctx raises the ctx error; else AgentStartedError.
* ``stop``, not started: the ctx error if done, else AgentNotStartedError.
  Started: ``closed`` returns None or raises the node's error; a done ctx
  raises the ctx error without stopping the node; otherwise ``stopped`` is
  closed and stop waits for ``closed`` or the ctx.
* The node's error is one object: stop, a second stop, err and start all
  hand back the same instance.

Go: the check of ``started`` and ``close(started)`` (and the same for
``stopped``) are not atomic, so two Starts (or Stops) racing can both close
the channel, which panics. Python: one lock makes each check-and-close
atomic, so start, stop and err are safe to call from several threads.
"""

from __future__ import annotations

import ipaddress
import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import docker

from swarmnotes import dockerapi
from swarmnotes.go.chan import Chan, Recv, after, go, select
from swarmnotes.go.context import Canceled, Context, with_cancel
from swarmnotes.swarmkit.errors import (
    AgentError,
    AgentNotStartedError,
    AgentStartedError,
    AgentStoppedError,
    EngineCallError,
    EngineLeftSwarmError,
    EngineUnreachableError,
    SwarmKitError,
)

__all__ = [
    "AgentError",
    "AgentNotStartedError",
    "AgentStartedError",
    "AgentStoppedError",
    "EngineCallError",
    "EngineLeftSwarmError",
    "EngineUnreachableError",
    "LEAVE_TIMEOUT",
    "Node",
    "NodeConfig",
    "SwarmKitError",
]

# Go: const stateFilename
STATE_FILENAME = "state.json"

# Bound on `swarm leave --force`. It usually takes ~0.6 s, but a manager's
# shutdown was measured to stall for exactly 8 s now and then, and Docker
# gives its own node 15 s; 20 s covers both with room for a busy machine.
LEAVE_TIMEOUT = 20.0

# Bound on waiting for an init/join that was already under way when the node
# was told to stop: the engine cannot cancel it. A refused join answers after
# ~10 s (measured); Docker 1.12 gave a join 20 s.
CALL_TIMEOUT = 30.0

# How often `run` asks the engine whether its node is ready yet. The engine's
# transitions (pending, control available, active) are ~0.5 s apart.
READY_POLL = 0.05


# ---------------------------------------------------------------------------
# NodeConfig


@dataclass
class NodeConfig:
    """What a Node is made from. Go: ``agent.NodeConfig``.

    ``executor`` is the ``docker.DockerClient`` of the engine the node runs
    on (Go: an ``exec.Executor`` wrapping an engine-api client). With no
    ``join_addr`` the node initialises a new swarm (Go: bootstrapCA);
    otherwise it joins the swarm at ``join_addr`` with ``join_token``, which
    decides worker or manager. ``heartbeat_tick`` (seconds) and
    ``election_tick`` go into the new swarm's raft spec, and the node's own
    heartbeat uses them too: the engine is asked every ``heartbeat_tick``
    seconds, and ``election_tick`` missed answers in a row close the node.

    ``hostname`` is recorded, not applied: the Docker API cannot rename an
    engine, which reports its own hostname. ``listen_control_api`` has no
    engine equivalent (the engine's socket is the control API); it is kept
    so the fields match Go's.
    """

    hostname: str = ""
    force_new_cluster: bool = False
    listen_control_api: str | None = None
    listen_remote_api: str = "0.0.0.0:2377"
    advertise_remote_api: str | None = None
    join_addr: str | None = None
    state_dir: str = "./swarmkitstate"
    join_token: str | None = None
    external_cas: Sequence[dict[str, Any]] = ()
    executor: docker.DockerClient | None = field(default=None, repr=False)
    heartbeat_tick: int = 1
    election_tick: int = 3

    def __post_init__(self) -> None:
        # Go: uint32 fields; raft counts whole ticks, and needs at least one.
        for name in ("heartbeat_tick", "election_tick"):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= 1):
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")


def _advertise_addr(config: NodeConfig) -> str | None:
    """The address other nodes should dial: the configured one, else the listen host.

    An unspecified listen host (0.0.0.0, ::) says nothing; the engine then
    picks its own address (it fails if it has several interfaces).
    """
    if config.advertise_remote_api:
        return config.advertise_remote_api
    host, sep, _port = config.listen_remote_api.rpartition(":")
    if not sep:
        return None
    try:
        if ipaddress.ip_address(host.strip("[]")).is_unspecified:
            return None
    except ValueError:
        pass  # a host name or an interface (eth0): the engine resolves it
    return config.listen_remote_api


# ---------------------------------------------------------------------------
# Engine calls: docker-py blocks and cannot be canceled, so each call runs on
# its own goroutine and answers on a channel the caller can select on.


def _engine_call(name: str, fn: Callable[[], Any]) -> Chan:
    """Run ``fn()`` on a goroutine; the returned Chan(1) receives (value, exc) once."""
    out = Chan(1)

    def call() -> None:
        try:
            value = fn()
        except BaseException as exc:  # the caller decides what a failure means
            out.send((None, exc))
        else:
            out.send((value, None))

    # Named after the call, so a leak report says which engine call hangs.
    call.__qualname__ = f"engine.{name}"
    go(call)
    return out


def _wait_call(call: Chan, seconds: float) -> tuple[Any, BaseException | None]:
    """Wait up to ``seconds`` for an engine call's answer; TimeoutError if none came."""
    index, answer, _ = select(Recv(call), Recv(after(seconds)))
    if index == 1:
        return None, TimeoutError(f"the engine did not answer within {seconds:g}s")
    value, exc = answer
    return value, exc


def _silent(executor: docker.DockerClient, seconds: float) -> str:
    """The sentence for an engine that has not answered for ``seconds``."""
    return (
        f"the Docker engine at {dockerapi.engine_url(executor)} accepted the "
        f"connection but did not answer within {seconds:g} s"
    )


def _engine_failure(
    executor: docker.DockerClient, what: str, exc: BaseException, waited: float = CALL_TIMEOUT
) -> BaseException:
    """``exc``, raised by the engine call ``what``, as the node's error.

    A failure to answer (no such socket, refused, silent, not the Docker
    API) becomes :class:`EngineCallError`, one sentence naming the engine;
    an answer of the engine (docker's APIError: "already part of a swarm")
    stays as it is.
    """
    if isinstance(exc, TimeoutError) and not isinstance(exc, dockerapi.EngineError):
        sentence: str | None = _silent(executor, waited)  # our own bound passed
    else:
        timeout = getattr(getattr(executor, "api", None), "timeout", None)
        sentence = dockerapi.explain(dockerapi.engine_url(executor), exc, timeout)
    if sentence is None:
        return exc
    error = EngineCallError(f"{what}: {sentence}")
    error.addr, error.kind = dockerapi.engine_url(executor), dockerapi.failure_kind(exc) or ""
    error.__cause__ = exc
    return error


# ---------------------------------------------------------------------------
# Node


class Node:
    """One member of a swarm: a manager or a worker, on one engine. Go: ``agent.Node``.

    ``Node(config)`` makes the state directory (mode 0700) and reads the
    remote managers remembered in ``state.json``; it does no engine I/O.
    ``start``, ``stop`` and ``err`` are safe to call from several threads.
    """

    def __init__(self, config: NodeConfig) -> None:
        # Go: os.MkdirAll(c.StateDir, 0700); an error is NewNode's error.
        os.makedirs(config.state_dir, mode=0o700, exist_ok=True)
        self.config = config
        self._remotes: list[dict[str, str]] = self._load_state()
        # Go: the four channels are made here and only ever closed.
        self._started = Chan()
        self._stopped = Chan()
        self._ready = Chan()
        self._closed = Chan()
        self._err: BaseException | None = None  # written once, before closed closes
        # Python: makes each check-then-close of started/stopped atomic (Go races).
        self._lock = threading.Lock()
        self._node_id = ""
        self._role = ""
        self._hostname = config.hostname

    # -- state.json (Go: persistentRemotes) ---------------------------------

    def _state_file(self) -> str:
        return os.path.join(self.config.state_dir, STATE_FILENAME)

    def _load_state(self) -> list[dict[str, str]]:
        """The remote managers saved by an earlier run; [] if there is no file."""
        try:
            with open(self._state_file(), encoding="utf-8") as f:
                peers = json.load(f)  # a broken file raises, as in Go
        except FileNotFoundError:
            return []
        if not isinstance(peers, list):
            raise ValueError(f"{self._state_file()}: want a JSON list of peers")
        return [dict(p) for p in peers]

    def _save_state(self) -> None:
        # Written to a temporary file and renamed, so a crash never leaves half a file.
        tmp = self._state_file() + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(self._remotes, f)
        os.replace(tmp, self._state_file())

    # -- the public surface ---------------------------------------------------

    def start(self, ctx: Context) -> None:
        """Start the node and return at once; raise if it cannot start.

        The ctx bounds the node's whole life: cancelling it later stops the
        node as stop does. Branches, in this fixed order:

        * not started: a done ctx raises ``ctx.err()`` and the node stays
          unstarted; otherwise close ``started`` and launch ``run``;
        * started: ``stopped`` closed raises AgentStoppedError; ``closed``
          raises the node's error (AgentStoppedError if it is None); a done
          ctx raises ``ctx.err()``; otherwise AgentStartedError.

        Go: ``Node.Start``.
        """
        # Go: select { case <-n.started: ...; case <-ctx.Done(): ...; default: }
        # Python: the channels are only ever closed, so "is it ready" is
        # "is it closed"; the lock makes the check and the close one step.
        with self._lock:
            if not self._started.closed:
                err = ctx.err()
                if err is not None:
                    raise err
                self._started.close()
                go(self._run, ctx)
                return
        if self._stopped.closed:
            raise AgentStoppedError()
        if self._closed.closed:
            # Go: `return n.err`, which may be nil (a "successful" Start that
            # does nothing); the port answers "stopped" instead.
            raise self._err if self._err is not None else AgentStoppedError()
        err = ctx.err()
        if err is not None:
            raise err
        raise AgentStartedError()

    def stop(self, ctx: Context) -> None:
        """Ask the node to stop and wait until it has closed, or until ctx is done.

        Returns None after a clean stop, raises the node's error otherwise
        (the same object on every call). The ctx bounds only the wait: when
        it ends first, stop raises ``ctx.err()`` and the node goes on
        closing. Branches, in this fixed order:

        * not started: a done ctx raises ``ctx.err()``, else
          AgentNotStartedError;
        * started: ``closed`` returns/raises the node's result (without
          closing ``stopped``); a done ctx raises ``ctx.err()`` without
          asking the node to stop; otherwise close ``stopped`` (once) and
          wait for ``closed`` or the ctx.

        Go: ``Node.Stop``.
        """
        with self._lock:
            if not self._started.closed:
                err = ctx.err()
                if err is not None:
                    raise err
                raise AgentNotStartedError()
            if self._closed.closed:
                self._result()
                return
            err = ctx.err()
            if err is not None:
                raise err
            if not self._stopped.closed:
                # Go: close(n.stopped) in the default case, unguarded: two
                # Stops taking that case at once both close it and panic.
                self._stopped.close()
        # Go: `return n.Stop(ctx)`: the recursion only reuses the waiting
        # branch, "stopped is closed: wait for closed or ctx".
        select(Recv(self._closed), Recv(ctx.done()))
        if self._closed.closed:
            self._result()
            return
        err = ctx.err()
        assert err is not None  # select returned, so ctx is done
        raise err

    def err(self, ctx: Context) -> BaseException | None:
        """Block until the node has closed; return its error (None after a clean stop).

        On a done ctx, return (not raise) ``ctx.err()``: the error is this
        function's value. On a node never started, wait until ctx ends.
        Go: ``Node.Err``.
        """
        if not self._closed.closed:
            select(Recv(self._closed), Recv(ctx.done()))
            if not self._closed.closed:
                return ctx.err()
        return self._err

    def ready(self) -> Chan:
        """The channel closed once the node is ready (always the same one). Go: ``Node.Ready``."""
        return self._ready

    def node_id(self) -> str:
        """The swarm node ID, once the engine reported it ("" before). Go: ``Node.NodeID``."""
        return self._node_id

    def role(self) -> str:
        """``manager`` or ``worker`` once known ("" before). Go: the ``role`` field."""
        return self._role

    def hostname(self) -> str:
        """The configured hostname, else the engine's name once known."""
        return self._hostname

    def remotes(self) -> list[dict[str, str]]:
        """The known managers, as ``{"NodeID", "Addr"}`` peers. Go: ``Node.Remotes``."""
        return [dict(p) for p in self._remotes]

    def state(self) -> str:
        """new, starting, ready, stopping or closed (for teaching; Go has no such call)."""
        if self._closed.closed:
            return "closed"
        if not self._started.closed:
            return "new"
        if self._stopped.closed:
            return "stopping"
        if self._ready.closed:
            return "ready"
        return "starting"

    def __repr__(self) -> str:
        state = self.state()
        if state == "closed":
            err = self._err
            state += " (ok)" if err is None else f" ({type(err).__name__})"
        role = self._role or "-"
        return f"<Node {self._hostname or '?'} {role}: {state}>"

    def _result(self) -> None:
        """Go: ``return n.err``: raise the node's error if there is one (the same object)."""
        if self._err is not None:
            raise self._err

    # -- run ------------------------------------------------------------------

    def _run(self, ctx: Context) -> None:
        """The node's life, on its own goroutine. Go: ``Node.run``.

        Whatever happens, the deferred part stores the error and closes
        ``closed``: every path goes through it.
        """
        err: BaseException | None = None
        try:
            err = self._run_node(ctx)
        except BaseException as exc:  # an engine failure: the node's error, as is
            err = exc
        finally:
            # Go: defer func() { n.err = err; close(n.closed) }()
            self._err = err
            self._closed.close()

    def _run_node(self, ctx: Context) -> BaseException | None:
        # Go: ctx, cancel := context.WithCancel(ctx); defer cancel()
        run_ctx, cancel = with_cancel(ctx)
        try:
            stopped = self._stopped

            def watch_stopped() -> None:
                # Go: Stop works only through this cancel.
                index, _, _ = select(Recv(run_ctx.done()), Recv(stopped))
                if index == 1:
                    cancel()

            go(watch_stopped)

            executor = self.config.executor
            if executor is None:
                raise ValueError("NodeConfig.executor is None: the node has no engine to run on")
            # Go: bootstrapCA (no JoinAddr) or LoadOrCreateSecurityConfig
            # (request a certificate with the join token).
            self._init_or_join(run_ctx, executor)
            # Go: runManager and runAgent run until ctx ends; `ready` closes
            # once both have come up. Here: watch the engine until ctx ends.
            failure = self._supervise(run_ctx, executor)
            if failure is not None:
                raise failure
            # Stopped (or the start ctx ended): take the engine out of the swarm.
            self._leave(executor)
            # Go: `if managerErr != nil && managerErr != context.Canceled`:
            # a stop (Canceled) is a clean end; a start ctx whose deadline
            # passed is not, and stays the node's error.
            err = run_ctx.err()
            return None if err is Canceled else err
        finally:
            cancel()

    def _init_or_join(self, ctx: Context, executor: docker.DockerClient) -> None:
        """``swarm init`` or ``swarm join``, bounded by ctx; raise on failure.

        If ctx ends first, wait (bounded) for the call, undo it with a leave
        if it succeeded, and raise ``ctx.err()``: Go's
        LoadOrCreateSecurityConfig returns the ctx error when the node is
        stopped while it waits for a certificate.
        """
        cfg = self.config
        listen = cfg.listen_remote_api
        advertise = _advertise_addr(cfg)
        if cfg.join_addr is None:
            self._role = "manager"  # Go: bootstrapCA writes a manager certificate
            what = "swarm init"
            call = _engine_call(
                "swarm.init",
                lambda: executor.swarm.init(
                    advertise_addr=advertise,
                    listen_addr=listen,
                    force_new_cluster=cfg.force_new_cluster,
                    heartbeat_tick=cfg.heartbeat_tick,
                    election_tick=cfg.election_tick,
                    external_cas=list(cfg.external_cas) or None,
                ),
            )
        else:
            join_addr = cfg.join_addr
            what = "swarm join"
            call = _engine_call(
                "swarm.join",
                lambda: executor.swarm.join(
                    remote_addrs=[join_addr],
                    join_token=cfg.join_token or "",
                    listen_addr=listen,
                    advertise_addr=advertise,
                ),
            )
        # Python: bounded here too, whatever timeout the executor's client has.
        index, answer, _ = select(Recv(call), Recv(ctx.done()), Recv(after(CALL_TIMEOUT)))
        if index == 0:
            _, exc = answer
            if exc is not None:
                raise _engine_failure(executor, what, exc)
            return
        if index == 2:
            raise _engine_failure(executor, what, TimeoutError())
        # Python: the engine call cannot be canceled; let it finish, then undo it.
        _, exc = _wait_call(call, CALL_TIMEOUT)
        if exc is None:
            self._leave(executor)
        err = ctx.err()
        assert err is not None
        raise err

    def _supervise(self, ctx: Context, executor: docker.DockerClient) -> BaseException | None:
        """Poll the engine until the node is ready, then heartbeat it until ctx ends.

        Returns None when ctx ends, or the error that ends the node: the
        engine missed ``election_tick`` heartbeats in a row, or its swarm
        node left the live states. One ``info()`` call is in flight at a
        time; one that has not answered within a heartbeat is a miss.
        """
        tick = float(self.config.heartbeat_tick)
        misses = 0
        last: BaseException | None = None
        call: Chan | None = None
        while True:
            if call is None:
                call = _engine_call("info", executor.info)
            beat = after(tick)
            index, answer, _ = select(Recv(ctx.done()), Recv(call), Recv(beat))
            if index == 0:
                return None
            if index == 2:
                # No answer within a heartbeat: a miss; keep waiting for the same call.
                misses += 1
                last = dockerapi.EngineError(
                    _silent(executor, tick), dockerapi.engine_url(executor), "silent"
                )
            else:
                call = None
                info, exc = answer
                if exc is not None:
                    misses += 1
                    last = _engine_failure(executor, "info", exc)
                else:
                    misses = 0
                    failure = self._observe(info)
                    if failure is not None:
                        return failure
            if misses >= self.config.election_tick:
                error = EngineUnreachableError(misses, last)
                error.__cause__ = last
                return error
            if misses == 0 and not self._ready.closed:
                beat = after(READY_POLL)  # not ready yet: ask again soon
            if index != 2:
                # Wait out the rest of this heartbeat (or the short ready poll).
                index, _, _ = select(Recv(ctx.done()), Recv(beat))
                if index == 0:
                    return None

    def _observe(self, info: dict[str, Any]) -> BaseException | None:
        """Read one ``info()`` answer: close ``ready`` when due; a dead node's error."""
        swarm = info.get("Swarm") or {}
        state = swarm.get("LocalNodeState", "")
        if state == "pending":
            return None  # not registered yet, or reconnecting to its managers
        if state != "active":
            return EngineLeftSwarmError(state, swarm.get("Error", ""))
        if self._ready.closed:
            return None
        control = bool(swarm.get("ControlAvailable"))
        if self._role == "manager" and not control:
            return None  # Go: wait for managerReady as well as agentReady
        # Go: `<-agentReady; if role == manager { <-managerReady }; close(n.ready)`.
        # Python: a join's role comes from its token; the engine shows it as
        # ControlAvailable, which it reports before it turns active.
        self._role = "manager" if control else "worker"
        self._node_id = swarm.get("NodeID", "")
        self._hostname = self._hostname or info.get("Name", "")
        self._remotes = [
            {"NodeID": p.get("NodeID", ""), "Addr": p.get("Addr", "")}
            for p in swarm.get("RemoteManagers") or []
        ]
        self._save_state()
        self._ready.close()
        return None

    def _leave(self, executor: docker.DockerClient) -> None:
        """``swarm leave --force``, bounded by LEAVE_TIMEOUT; raise its failure."""
        call = _engine_call("swarm.leave", lambda: executor.swarm.leave(force=True))
        _, exc = _wait_call(call, LEAVE_TIMEOUT)
        if exc is not None:
            raise _engine_failure(executor, "swarm leave", exc, LEAVE_TIMEOUT)
