"""Port of moby/swarmkit v1.12.0 cmd/swarmd/main.go: ``swarmd``, a Node run from flags.

``swarmd`` builds a Node from flags, starts it, stops it on Ctrl+C and
returns its error (a cobra command whose RunE is the whole program). Usage::

    python -m swarmnotes.swarmkit.swarmd --engine-addr unix:///.../lab-1.sock \\
        --listen-remote-api 172.30.3.11:2377
    swarmnotes swarmd ...            # the same, through the swarmnotes command

What ``main`` does, in Go's order: read the flags (bad flags: a usage error,
exit status 2); warn if the remote API host is unspecified or loopback; make
a cancelable ctx; make an engine client for ``--engine-addr``; build the
Node; start it; on SIGINT stop it; log "node is ready" once it is; return
``node.err``: exit status 0 after a clean stop, 1 (with the error logged at
level fatal, as logrus's ``Fatal`` does) otherwise.

Go: v1.12.0's swarmd has no ``--advertise-remote-api`` flag (the NodeConfig
field is there; the flag came later); this port has it, and
``--engine-timeout`` (seconds, default 10), the bound on each request to the
engine: an engine that stays silent ends swarmd with one fatal line naming
it. ``--listen-debug`` (Go's pprof/expvar server) has no Python equivalent
and is not offered.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import signal
import sys
import threading
import time
from collections.abc import Sequence
from types import FrameType
from typing import Any

import docker
from docker.utils import parse_host

from swarmnotes import dockerapi
from swarmnotes.go.chan import Chan, Recv, Send, go, select
from swarmnotes.go.context import background, with_cancel
from swarmnotes.swarmkit.node import Node, NodeConfig

__all__ = ["build_parser", "main"]

# docker-py asks the engine for its API version when a client is made; an
# engine that is down cannot answer. Go's engine-api client never asks, so
# swarmd still starts and the node reports the failure. Python: fall back to
# API 1.24, the API of Docker 1.12, the release SwarmKit v1.12 shipped in.
FALLBACK_API_VERSION = "1.24"

# Bound, in seconds, on each request to the engine (--engine-timeout). Go's
# engine-api client gets an http.Client from swarmd's executor; this port's
# docker-py client gets this bound on its connect and on each read.
ENGINE_TIMEOUT = dockerapi.REQUEST_TIMEOUT

LOG_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warn": logging.WARNING,
    "error": logging.ERROR,
    "fatal": logging.CRITICAL,
    "panic": logging.CRITICAL,
}

log = logging.getLogger("swarmd")


class _LogrusFormatter(logging.Formatter):
    """logrus's text format, as swarmd prints it: time="..." level=info msg="..."."""

    _names = {
        logging.DEBUG: "debug",
        logging.INFO: "info",
        logging.WARNING: "warning",
        logging.ERROR: "error",
        logging.CRITICAL: "fatal",
    }

    def format(self, record: logging.LogRecord) -> str:
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(record.created))
        level = self._names.get(record.levelno, record.levelname.lower())
        msg = record.getMessage().replace("\\", "\\\\").replace('"', '\\"')
        return f'time="{stamp}" level={level} msg="{msg}"'


# -- flags --------------------------------------------------------------------


def _tick(text: str) -> int:
    # Go: a uint32 flag; raft needs at least one tick.
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be from 1 to {2**32 - 1}, got {value}")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 < value <= 86400:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(f"must be more than 0 and at most 86400, got {text}")
    return value


def _host_port(text: str) -> str:
    host, sep, port = text.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"want HOST:PORT, got {text!r}")
    return text


def _engine_addr(text: str) -> str:
    try:
        parse_host(text)
    except docker.errors.DockerException as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def _external_ca(text: str) -> dict[str, Any]:
    # Go: cli.ExternalCAOpt, "protocol=cfssl,url=https://..."
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        if not sep:
            raise argparse.ArgumentTypeError(f"want key=value pairs, got {part!r}")
        fields[key.strip().lower()] = value.strip()
    if fields.get("protocol", "cfssl") != "cfssl" or "url" not in fields:
        raise argparse.ArgumentTypeError(f"want protocol=cfssl,url=URL, got {text!r}")
    options = {k: v for k, v in fields.items() if k not in ("protocol", "url")}
    return {"Protocol": "cfssl", "URL": fields["url"], "Options": options}


def build_parser(prog: str = "swarmd") -> argparse.ArgumentParser:
    """The flags of v1.12.0 swarmd (plus --advertise-remote-api), with Go's defaults."""
    p = argparse.ArgumentParser(prog=prog, description="Run a swarm control process")
    p.add_argument("-v", "--version", action="store_true", help="Display the version and exit")
    p.add_argument(
        "-l",
        "--log-level",
        default="info",
        choices=list(LOG_LEVELS),
        help="Log level (default info)",
    )
    p.add_argument("-d", "--state-dir", default="./swarmkitstate", help="State directory")
    p.add_argument(
        "--join-token", default="", help="Specifies the secret token required to join the cluster"
    )
    p.add_argument(
        "--engine-addr",
        type=_engine_addr,
        default="unix:///var/run/docker.sock",
        help="Address of engine instance of agent.",
    )
    p.add_argument(
        "--engine-timeout",
        type=_seconds,
        default=ENGINE_TIMEOUT,
        metavar="SECONDS",
        help="Bound on each request to the engine (default "
        f"{ENGINE_TIMEOUT:g}; not in Go's swarmd)",
    )
    p.add_argument("--hostname", default="", help="Override reported agent hostname")
    p.add_argument(
        "--listen-remote-api",
        type=_host_port,
        default="0.0.0.0:4242",
        help="Listen address for remote API",
    )
    p.add_argument(
        "--advertise-remote-api",
        type=_host_port,
        default=None,
        help="Advertise address for remote API",
    )
    p.add_argument(
        "--listen-control-api",
        default="./swarmkitstate/swarmd.sock",
        help="Listen socket for control API (kept for Go's shape; the engine's "
        "socket is the control API)",
    )
    p.add_argument(
        "--join-addr",
        type=_host_port,
        default=None,
        help="Join cluster with a node at this address",
    )
    p.add_argument(
        "--force-new-cluster",
        action="store_true",
        help="Force the creation of a new cluster from data directory",
    )
    p.add_argument(
        "--heartbeat-tick",
        type=_tick,
        default=1,
        help="Defines the heartbeat interval (in seconds) for raft member health-check",
    )
    p.add_argument(
        "--election-tick",
        type=_tick,
        default=3,
        help="Defines the amount of ticks (in seconds) needed without a Leader "
        "to trigger a new election",
    )
    p.add_argument(
        "--external-ca",
        type=_external_ca,
        action="append",
        default=[],
        help="Specifications of one or more certificate signing endpoints",
    )
    return p


def _engine_client(addr: str, timeout: float = ENGINE_TIMEOUT) -> docker.DockerClient:
    """A client for the engine at ``addr``, every request bounded by ``timeout``.

    Asks the engine for its API version. An engine that is not there at all
    still gets a client (with the fallback version), so the node reports the
    failure, as in Go; one that is there but does not answer, or answers
    something else, raises :class:`~swarmnotes.dockerapi.EngineError`:
    asking it again would only wait as long once more.
    """
    try:
        return dockerapi.docker_client(addr, timeout, version=None)
    except dockerapi.EngineError as exc:
        if exc.kind != "unreachable":
            raise
        return dockerapi.docker_client(addr, timeout, version=FALLBACK_API_VERSION)


def _warn_listen_host(addr: str) -> None:
    host = addr.rpartition(":")[0].strip("[]")
    try:
        ip = ipaddress.ip_address(host)
    except ValueError:
        return
    if ip.is_unspecified or ip.is_loopback:
        print(
            "Warning: Specifying a valid address with --listen-remote-api may be necessary "
            "for other managers to reach this one.",
            flush=True,
        )


# -- main -----------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """Run swarmd with ``argv`` (without the program name); return the exit status."""
    parser = build_parser()
    try:
        args = parser.parse_args(list(sys.argv[1:] if argv is None else argv))
    except SystemExit as exc:  # argparse printed the usage error (2) or the help (0)
        return exc.code if isinstance(exc.code, int) else 2
    if args.version:
        from swarmnotes import __version__

        print(f"swarmd (swarmnotes {__version__}, a port of swarmkit v1.12.0)")
        return 0

    # Go: PersistentPreRun: logrus to stderr at --log-level.
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_LogrusFormatter())
    log.addHandler(handler)
    log.setLevel(LOG_LEVELS[args.log_level])
    log.propagate = False
    try:
        return _run(args)
    finally:
        log.removeHandler(handler)


def _run(args: argparse.Namespace) -> int:
    _warn_listen_host(args.listen_remote_api)
    # Go: ctx, cancel := context.WithCancel(context.Background()); defer cancel()
    ctx, cancel = with_cancel(background())
    # Python: closed when main returns, so the SIGINT goroutine ends with it
    # (Go's simply dies with the process).
    exiting = Chan()
    previous: Any = None
    installed = False
    try:
        try:
            node = Node(
                NodeConfig(
                    hostname=args.hostname,
                    force_new_cluster=args.force_new_cluster,
                    listen_control_api=args.listen_control_api,
                    listen_remote_api=args.listen_remote_api,
                    advertise_remote_api=args.advertise_remote_api,
                    join_addr=args.join_addr,
                    state_dir=args.state_dir,
                    join_token=args.join_token or None,
                    external_cas=tuple(args.external_ca),
                    executor=_engine_client(args.engine_addr, args.engine_timeout),
                    heartbeat_tick=args.heartbeat_tick,
                    election_tick=args.election_tick,
                )
            )
            node.start(ctx)
        except Exception as exc:  # Go: RunE returns err; main calls log.Fatal
            log.critical(str(exc))
            return 1

        # Go: c := make(chan os.Signal, 1); signal.Notify(c, os.Interrupt)
        sigc = Chan(1)

        def on_sigint(signum: int, frame: FrameType | None) -> None:
            # Python: a handler runs between two bytecodes of the main thread,
            # which might hold a lock the send needs: hand it to a goroutine.
            # Go's Notify drops a signal when the buffer is full; so does this.
            go(select, Send(sigc, signum), default=True)

        if threading.current_thread() is threading.main_thread():
            previous = signal.signal(signal.SIGINT, on_sigint)
            installed = True

        def stop_on_signal() -> None:
            # Go: go func() { <-c; n.Stop(ctx) }(), the error ignored (Err reports it).
            index, _, _ = select(Recv(sigc), Recv(exiting))
            if index == 0:
                try:
                    node.stop(ctx)
                except Exception:
                    pass

        def log_ready() -> None:
            select(Recv(node.ready()), Recv(ctx.done()))
            if ctx.err() is None:
                log.info("node is ready")

        go(stop_on_signal)
        go(log_ready)
        # Go: return n.Err(context.Background())
        err = node.err(background())
        if err is not None:
            log.critical(str(err) or type(err).__name__)
            return 1
        return 0
    finally:
        if installed:
            signal.signal(signal.SIGINT, previous)
        exiting.close()
        cancel()


if __name__ == "__main__":
    sys.exit(main())
