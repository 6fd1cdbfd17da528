"""Port of docker/swarm v1.2.5 cli/flags.go: the flags of ``manage``, with Go's defaults.

The flags that matter to scheduling are ``--strategy`` (default
``strategy.List()[0]``, ``spread``) and ``--filter``/``-f`` (default every
filter of ``filter.List()``). ``DefaultFilterNumber`` records how many
defaults there are, because of how codegangsta/cli fills a string-slice
flag: the values given on the command line are *appended* to the default
list. cli/manage.go therefore drops the first ``DefaultFilterNumber``
entries when the flag was set, so ``--filter health --filter port`` means
just those two.

Python's argparse has the same habit: ``action="append"`` with a list
default appends to a copy of the default. So the port keeps Go's default
and Go's slicing (see :func:`swarmnotes.swarm.cli.manage.parse_manage_args`).

Not ported: TLS, replication/leader election, the mesos driver and the
discovery options (discovery is a ``nodes://`` list or the lab).
"""

from __future__ import annotations

import argparse
import os

from swarmnotes.swarm.scheduler import filter, strategy

__all__ = ["DEFAULT_FILTER_NUMBER", "add_manage_flags", "default_host", "get_discovery"]

# Go: flFilterValue = cli.StringSlice(filter.List()); DefaultFilterNumber = len(flFilterValue)
DEFAULT_FILTER_NUMBER = len(filter.list())


def default_host() -> str:
    """Where ``manage`` listens without ``-H``: a unix socket beside the lab.

    Go: tcp://127.0.0.1:2375. Python: a unix socket, mode 0600; a TCP
    listener only with an explicit -H tcp://...
    """
    from swarmnotes.lab.lab import default_lab_dir

    return "unix://" + str(default_lab_dir() / "manage.sock")


def get_discovery(args: argparse.Namespace) -> str:
    """The one positional argument, else ``$SWARM_DISCOVERY``. Go: getDiscovery"""
    if args.discovery:
        return str(args.discovery)
    return os.environ.get("SWARM_DISCOVERY", "")


def add_manage_flags(parser: argparse.ArgumentParser) -> None:
    """The ``manage`` flags, named and defaulted as in Go (``Usage`` as help)."""
    parser.add_argument(
        "--strategy",
        default=strategy.list()[0],
        help="placement strategy to use [" + ", ".join(strategy.list()) + "]",
    )
    parser.add_argument(
        "--filter",
        "-f",
        action="append",
        default=filter.list(),
        help="filter to use [" + ", ".join(filter.list()) + "]",
    )
    parser.add_argument(
        "--host",
        "-H",
        action="append",
        default=None,
        metavar="HOST",
        help="ip/socket to listen on (default: a unix socket in the lab's directory; "
        "TCP only when given, e.g. tcp://127.0.0.1:2375)",
    )
    parser.add_argument(
        "--engine-refresh-min-interval", default="30s", help="set engine refresh minimum interval"
    )
    parser.add_argument(
        "--engine-refresh-max-interval", default="60s", help="set engine refresh maximum interval"
    )
    parser.add_argument(
        "--engine-failure-retry", type=int, default=3, help="set engine failure retry count"
    )
    parser.add_argument(
        "--engine-refresh-retry",
        type=int,
        default=3,
        help="deprecated; replaced by --engine-failure-retry",
    )
    parser.add_argument("--heartbeat", default="60s", help="period between each heartbeat")
    parser.add_argument(
        "--cluster-opt",
        action="append",
        default=[],
        help="cluster driver options (swarm.overcommit, swarm.createretry)",
    )
    parser.add_argument("--debug", action="store_true", help="log every request")
    parser.add_argument(
        "discovery",
        nargs="?",
        default="",
        metavar="DISCOVERY",
        help="nodes://addr1,addr2 (unix:///path or host:port each); default: "
        "$SWARM_DISCOVERY, else the lab's engines (started if none is up)",
    )
