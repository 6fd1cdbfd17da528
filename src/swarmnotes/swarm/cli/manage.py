"""Port of docker/swarm v1.2.5 cli/manage.go: ``manage`` builds the cluster and serves it.

The wiring, in Go's order:

1. the engine options from ``--engine-refresh-min-interval``,
   ``--engine-refresh-max-interval`` and ``--engine-failure-retry``
   (``--engine-refresh-retry`` other than 3 is fatal: it is deprecated);
2. the discovery: Go requires one; here ``nodes://a,b`` or, when none is
   given, the lab's engines (the lab is started if none is up);
3. ``strategy.New(--strategy)``;
4. the filters: ``names := --filter``; when the flag was set, the first
   ``DefaultFilterNumber`` names are the defaults it was appended to, and
   are dropped; then ``filter.New(names)``;
5. ``scheduler.New(strategy, filters)`` and the cluster around it;
6. the API server on every ``-H`` host, ``NewPrimary(cluster)`` as handler.

Every fatal error prints Go's text and exits 1. :class:`Manager` is the
same program as an object, for tests and the book: ``start()`` returns once
it listens, ``stop()`` closes the listeners, removes the socket file and
disconnects every engine, leaving no thread behind.

Not ported: TLS, replication (leader election), the mesos driver, the
discovery backends (file, consul, etcd, zookeeper, token) and the watchdog
that reschedules containers of failed engines.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from swarmnotes.go.chan import go
from swarmnotes.swarm.api.primary import new_primary
from swarmnotes.swarm.api.server import Server, ServerError
from swarmnotes.swarm.cli.flags import (
    DEFAULT_FILTER_NUMBER,
    add_manage_flags,
    default_host,
    get_discovery,
)
from swarmnotes.swarm.cluster import Cluster, EngineOpts
from swarmnotes.swarm.scheduler import Scheduler, filter, strategy
from swarmnotes.swarm.scheduler import new as new_scheduler

log = logging.getLogger("swarmnotes.swarm.manage")

__all__ = ["ManageError", "ManageOptions", "Manager", "main", "parse_duration", "parse_manage_args"]

START_TIMEOUT = 60.0  # seconds for the engines to connect and the listeners to open


class ManageError(Exception):
    """A fatal error of ``manage``; the text is Go's ``log.Fatal`` message."""


_DURATION_UNITS = {"ns": 1e-9, "us": 1e-6, "µs": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def parse_duration(text: str) -> float:
    """Go's ``time.ParseDuration`` ("30s", "1m30s", "500ms"), in seconds."""
    if text == "0":
        return 0.0
    parts = re.findall(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)", text)
    if not parts or "".join(n + u for n, u in parts) != text.lstrip("+"):
        raise ManageError(f'time: invalid duration "{text}"')
    return sum(float(n) * _DURATION_UNITS[u] for n, u in parts)


@dataclass
class ManageOptions:
    """What the flags say, checked. The fields mirror the Go variables of manage()."""

    strategy: str = "spread"
    filters: list[str] = field(default_factory=filter.list)
    hosts: list[str] = field(default_factory=list)
    engine_opts: EngineOpts = field(default_factory=EngineOpts)
    discovery: str = ""
    overcommit: float = 0.05
    create_retry: int = 0
    debug: bool = False


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="swarmnotes manage", description="Manage a docker cluster (classic Swarm v1.2.5)"
    )
    add_manage_flags(parser)
    return parser


def parse_manage_args(argv: Sequence[str]) -> ManageOptions:
    """Parse and check the flags in manage()'s order; raise ManageError with Go's text."""
    args = build_parser().parse_args(list(argv))
    refresh_min = parse_duration(args.engine_refresh_min_interval)
    refresh_max = parse_duration(args.engine_refresh_max_interval)
    if refresh_min <= 0:
        raise ManageError("min refresh interval should be a positive number")
    if refresh_max < refresh_min:
        raise ManageError("max refresh interval cannot be less than min refresh interval")
    if args.engine_refresh_retry != 3:
        raise ManageError("--engine-refresh-retry is deprecated. Use --engine-failure-retry")
    if args.engine_failure_retry <= 0:
        raise ManageError("invalid failure retry count")
    heartbeat = parse_duration(args.heartbeat)
    if heartbeat < 1:
        raise ManageError("--heartbeat should be at least one second")

    # Go: strategy.New(c.String("strategy")): "strategy not supported".
    try:
        strategy.new(args.strategy)
    except strategy.StrategyError as exc:
        raise ManageError(str(exc)) from None

    names = list(args.filter)
    # Go: the values given were appended to the defaults (codegangsta/cli);
    # argparse's append does the same, so drop the defaults when it was set.
    if len(names) > DEFAULT_FILTER_NUMBER:
        names = names[DEFAULT_FILTER_NUMBER:]
    try:
        filter.new(names)
    except filter.FilterError as exc:
        raise ManageError(str(exc)) from None

    overcommit, create_retry = 0.05, 0
    for option in args.cluster_opt:
        key, sep, value = option.partition("=")
        if not sep:
            raise ManageError(f"Unsupported cluster option: {option}")
        if key == "swarm.overcommit":
            try:
                overcommit = float(value)
            except ValueError:
                raise ManageError(
                    f'strconv.ParseFloat: parsing "{value}": invalid syntax'
                ) from None
        elif key == "swarm.createretry":
            try:
                create_retry = int(value)
            except ValueError:
                raise ManageError(f'strconv.ParseInt: parsing "{value}": invalid syntax') from None
        else:
            raise ManageError(f"Unsupported cluster option: {key}")

    return ManageOptions(
        strategy=args.strategy,
        filters=names,
        hosts=list(args.host) if args.host else [default_host()],
        engine_opts=EngineOpts(
            refresh_min_interval=refresh_min,
            refresh_max_interval=refresh_max,
            failure_retry=args.engine_failure_retry,
        ),
        discovery=get_discovery(args),
        overcommit=overcommit,
        create_retry=create_retry,
        debug=args.debug,
    )


def discovery_addrs(uri: str) -> list[tuple[str, str]]:
    """The engines a discovery names: ``(addr, ip)`` pairs.

    ``nodes://a,b`` lists them (each ``unix:///path``, ``tcp://host:port`` or
    ``host:port``; Go's nodes discovery also expands ``10.0.0.[10:12]:2375``,
    which is not ported). An empty uri means the lab's engines: the lab is
    started when none is up.
    """
    if not uri:
        from swarmnotes.lab import Lab

        lab = Lab()
        if not lab.engines or not all(e.state() == "running" for e in lab.engines):
            lab = Lab.up(progress=lambda message: print(message, file=sys.stderr, flush=True))
        return [(e.base_url, e.address) for e in lab.engines]
    scheme, sep, rest = uri.partition("://")
    if not sep or scheme != "nodes":
        # Go: discovery.New's error for a scheme it has no backend for.
        raise ManageError(
            "discovery service not supported"
            if sep
            else f"discovery required to manage a cluster. See 'swarmnotes manage "
            f"--help'. (got {uri!r})"
        )
    addrs = [a for a in rest.split(",") if a]
    if not addrs:
        raise ManageError("discovery required to manage a cluster. See 'swarmnotes manage --help'.")
    return [(a, "") for a in addrs]


class Manager:
    """``swarmnotes manage`` as an object: the cluster, its scheduler and the API server.

    ``start()`` connects every engine and opens the listeners (an engine
    that cannot be reached is logged and left out: Go keeps retrying it
    through discovery); ``stop()`` undoes everything. The server runs on an
    asyncio event loop in its own goroutine.
    """

    def __init__(self, options: ManageOptions) -> None:
        self.options = options
        self.scheduler: Scheduler = new_scheduler(
            strategy.new(options.strategy), filter.new(options.filters)
        )
        self.cluster = Cluster(
            self.scheduler,
            engine_opts=options.engine_opts,
            overcommit_ratio=options.overcommit,
            create_retry=options.create_retry,
        )
        self.server = Server(list(options.hosts))
        self.urls: list[str] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._stopped: asyncio.Event | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None

    def __repr__(self) -> str:
        where = ", ".join(self.urls) or "not listening"
        return f"<Manager {where} strategy={self.scheduler.strategy()} {self.cluster!r}>"

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Connect the engines, then listen; return once the listeners are open."""
        for addr, ip in discovery_addrs(self.options.discovery):
            try:
                engine = self.cluster.add_engine(addr)
            except Exception as exc:
                log.error("engine %s: %s", addr, exc)
                print(f"swarmnotes manage: engine {addr} left out: {exc}", file=sys.stderr)
                continue
            if ip and not engine.ip:
                engine.ip = ip  # a unix socket has no address; the lab knows it
        self._thread = go(self._serve)
        if not self._ready.wait(timeout):
            self.stop()
            raise ManageError(f"the API server did not start within {timeout:g} s")
        if self._error is not None:
            error = self._error
            self.stop()
            raise ManageError(str(error)) from error

    def _serve(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopped = asyncio.Event()
        try:
            app = new_primary(self.cluster, self.scheduler, debug=self.options.debug)
            try:
                await self.server.start(app)
            except (ServerError, OSError) as exc:
                self._error = exc
                await app.cleanup()
                return
            self.urls = self.server.urls()
        finally:
            self._ready.set()
        try:
            await self._stopped.wait()
        finally:
            await self.server.stop()

    def stop(self, timeout: float = 15.0) -> None:
        """Close the listeners (socket files removed), then disconnect every engine."""
        loop, stopped = self._loop, self._stopped
        if loop is not None and stopped is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(stopped.set)
            except RuntimeError:
                pass  # the loop has just ended
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise ManageError(f"the API server did not stop within {timeout:g} s")
            self._thread = None
        self.cluster.close()


def main(argv: Sequence[str]) -> int:
    """``swarmnotes manage [flags] [DISCOVERY]``: serve until SIGINT or SIGTERM."""
    try:
        options = parse_manage_args(argv)
        if options.debug:
            logging.basicConfig(level=logging.DEBUG)
        manager = Manager(options)
        manager.start()
    except ManageError as exc:
        # Go: log.Fatal, logrus's terminal form.
        print(f"FATA[0000] {exc}", file=sys.stderr)
        return 1

    stop = threading.Event()

    def on_signal(signum: int, frame: object) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        print(
            f"swarmnotes manage: strategy {manager.scheduler.strategy()}, "
            f"filters {manager.scheduler.filters()}",
            flush=True,
        )
        for engine in sorted(manager.cluster.list_engines(), key=lambda e: e.name):
            print(
                f"swarmnotes manage: node {engine.name} {engine.addr} {engine.status()}", flush=True
            )
        for url in manager.urls:
            print(f"swarmnotes manage: listening on {url}", flush=True)
        while not stop.wait(0.5):
            pass
        print("swarmnotes manage: stopping", flush=True)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        manager.stop()
    return 0
