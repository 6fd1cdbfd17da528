"""The swarmnotes command.

swarmnotes lab up [--engines N]   start (or reuse) the lab's engines
swarmnotes lab down               remove everything the lab made
swarmnotes lab status             a table of the lab's engines
swarmnotes lab env [--engine I]   the DOCKER_HOST of an engine
swarmnotes swarmd [flags]         SwarmKit's swarmd, driving an engine's swarm mode
swarmnotes manage [flags] [DISC]  classic Swarm's manager, serving the Docker API
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from swarmnotes.dockerapi import EngineError
from swarmnotes.go.errors import GoError
from swarmnotes.lab import MAX_ENGINES, Lab, LabError
from swarmnotes.lab.lab import down as down_lab
from swarmnotes.swarm.cli import manage
from swarmnotes.swarm.errors import SwarmError
from swarmnotes.swarmkit import swarmd
from swarmnotes.swarmkit.errors import SwarmKitError

# Every error the package raises on purpose: printed as one line, no traceback.
PACKAGE_ERRORS = (LabError, SwarmError, SwarmKitError, GoError, EngineError)


def _engine_count(text: str) -> int:
    try:
        count = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if not 1 <= count <= MAX_ENGINES:
        raise argparse.ArgumentTypeError(f"must be from 1 to {MAX_ENGINES}, got {count}")
    return count


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def lab_up(args: argparse.Namespace) -> int:
    lab = Lab.up(engines=args.engines, progress=_progress)
    for engine in lab.engines:
        print(f"{engine.name}\t{engine.address}\t{engine.base_url}")
    return 0


def lab_down(args: argparse.Namespace) -> int:
    down_lab(progress=_progress)
    return 0


def lab_status(args: argparse.Namespace) -> int:
    lab = Lab()
    if not lab.engines:
        print(f"no lab is up in {lab.dir}")
        return 0
    header = ("NAME", "ADDRESS", "SOCKET", "LABELS", "CONTAINERS", "STATE")
    status = lab.status()
    rows = [header]
    for row in status:
        labels = ",".join(f"{k}={v}" for k, v in sorted(row.labels.items()))
        containers = "-" if row.containers is None else str(row.containers)
        rows.append((row.name, row.address, row.socket, labels, containers, row.state))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    for r in rows:
        print("  ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip())
    return 0 if all(row.state == "running" for row in status) else 1


def lab_env(args: argparse.Namespace) -> int:
    lab = Lab()
    print(f"export DOCKER_HOST={lab.engine(args.engine).base_url}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="swarmnotes", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    lab = commands.add_parser("lab", help="the embedded Docker lab")
    lab_commands = lab.add_subparsers(
        dest="lab_command", required=True, metavar="up|down|status|env"
    )
    up = lab_commands.add_parser("up", help="start or reuse the lab's engines")
    up.add_argument(
        "--engines",
        type=_engine_count,
        default=None,
        help=f"how many engines, 1 to {MAX_ENGINES} (default: keep, or 3)",
    )
    up.set_defaults(func=lab_up)
    lab_commands.add_parser("down", help="remove everything the lab made").set_defaults(
        func=lab_down
    )
    lab_commands.add_parser("status", help="a table of the engines").set_defaults(func=lab_status)
    env = lab_commands.add_parser("env", help="print the DOCKER_HOST of an engine")
    env.add_argument("--engine", type=int, default=1, help="engine number (default 1)")
    env.set_defaults(func=lab_env)
    # Listed for --help only: main() hands "swarmd ..." to swarmd.main first.
    commands.add_parser(
        "swarmd", help="SwarmKit's swarmd on a Docker engine (swarmnotes swarmd --help)"
    )
    commands.add_parser(
        "manage",
        help="classic Swarm's manager: the Docker API over the "
        "lab's engines (swarmnotes manage --help)",
    )
    return parser


# Subcommands with their own argument parsing: name -> main(argv).
EXTRA_COMMANDS: dict[str, Callable[[list[str]], int]] = {
    "swarmd": swarmd.main,
    "manage": manage.main,
}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] in EXTRA_COMMANDS:
        return EXTRA_COMMANDS[argv[0]](argv[1:])
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except PACKAGE_ERRORS as exc:
        print(f"swarmnotes: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("swarmnotes: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
