"""The lab's host side: commands, prerequisites, namespaces, bridge, veth, iptables.

Each lab engine is a separate "host": its own network namespace joined to a lab
bridge by a veth pair, its own UTS namespace (hostname). This module owns the
plumbing on the real host; ``dockerd.py`` starts the engine inside it.

Why ``nsenter --net`` and not ``ip netns exec``: ``ip netns exec`` remounts
/sys in a new mount namespace, and dockerd then fails with "Devices cgroup
isn't mounted". ``nsenter`` only switches the network namespace.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence

from swarmnotes.lab.errors import LabError, LabUnavailableError

# Debian package that provides each command the lab runs.
REQUIRED_COMMANDS = {
    "dockerd": "docker.io",
    "ip": "iproute2",
    "iptables": "iptables",
    "nsenter": "util-linux",
    "unshare": "util-linux",
    "busybox": "busybox-static",
}

# Where iproute2 keeps named network namespaces.
NETNS_DIR = "/var/run/netns"

# A tag on the lab's iptables rule, so teardown finds exactly its own rule.
IPTABLES_COMMENT = "swarmnotes-lab"


def check_prerequisites() -> None:
    """Raise LabUnavailableError naming what the lab lacks (root, commands, namespaces)."""
    if os.geteuid() != 0:
        raise LabUnavailableError(
            "it needs root, to create network namespaces and run dockerd "
            "(or point DOCKER_HOST at an existing engine for the one-engine chapters)"
        )
    missing = [cmd for cmd in REQUIRED_COMMANDS if shutil.which(cmd) is None]
    if missing:
        packages = sorted({REQUIRED_COMMANDS[cmd] for cmd in missing})
        raise LabUnavailableError(
            f"it needs {', '.join(missing)} (on Debian: `apt-get install {' '.join(packages)}`, "
            "or `make setup`)"
        )
    # Root is not enough inside an unprivileged container: try for real.
    probe = subprocess.run(
        ["unshare", "--net", "--uts", "true"],
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    if probe.returncode != 0:
        detail = probe.stderr.strip() or f"exit status {probe.returncode}"
        raise LabUnavailableError(f"it cannot create network namespaces here ({detail})")


def run(cmd: Sequence[str], check: bool = True, timeout: float = 30.0) -> str:
    """Run a host command and return its stdout; raise LabError with its stderr."""
    try:
        done = subprocess.run(
            list(cmd), capture_output=True, text=True, timeout=timeout, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise LabError(f"`{' '.join(cmd)}` did not finish within {timeout:g} s") from exc
    if check and done.returncode != 0:
        raise LabError(f"`{' '.join(cmd)}` failed: {done.stderr.strip() or done.returncode}")
    return done.stdout


def link_exists(name: str) -> bool:
    return os.path.exists(f"/sys/class/net/{name}")


def netns_exists(name: str) -> bool:
    return os.path.exists(os.path.join(NETNS_DIR, name))


def used_ipv4_prefixes() -> set[str]:
    """The "a.b.c" prefixes of every IPv4 address configured on the host."""
    prefixes = set()
    for line in run(["ip", "-4", "-o", "addr", "show"]).splitlines():
        fields = line.split()
        if "inet" in fields:
            address = fields[fields.index("inet") + 1].split("/")[0]
            prefixes.add(address.rsplit(".", 1)[0])
    return prefixes


def create_bridge(bridge: str, gateway: str) -> None:
    """Create the lab bridge with the host's address on it (idempotent)."""
    if not link_exists(bridge):
        run(["ip", "link", "add", bridge, "type", "bridge"])
    if gateway not in run(["ip", "-4", "-o", "addr", "show", "dev", bridge]):
        run(["ip", "addr", "add", f"{gateway}/24", "dev", bridge])
    run(["ip", "link", "set", bridge, "up"])
    allow_bridge_forwarding(bridge)


def delete_bridge(bridge: str) -> None:
    disallow_bridge_forwarding(bridge)
    if link_exists(bridge):
        run(["ip", "link", "del", bridge], check=False)


def _forward_rule(bridge: str) -> list[str]:
    # With br_netfilter loaded, frames crossing a bridge pass the FORWARD chain,
    # and a host Docker's FORWARD DROP policy would silently drop lab traffic.
    return [
        "FORWARD",
        "-i",
        bridge,
        "-o",
        bridge,
        "-m",
        "comment",
        "--comment",
        IPTABLES_COMMENT,
        "-j",
        "ACCEPT",
    ]


def allow_bridge_forwarding(bridge: str) -> None:
    rule = _forward_rule(bridge)
    if subprocess.run(["iptables", "-w", "-C", *rule], capture_output=True).returncode != 0:
        run(["iptables", "-w", "-I", *rule])


def disallow_bridge_forwarding(bridge: str) -> None:
    rule = _forward_rule(bridge)
    # A rule may have been inserted twice by an interrupted run: delete them all.
    for _ in range(10):
        if subprocess.run(["iptables", "-w", "-D", *rule], capture_output=True).returncode:
            break


def lab_forward_rules() -> list[str]:
    """The host's iptables rules that carry the lab's comment (for status and tests)."""
    out = run(["iptables", "-w", "-S", "FORWARD"], check=False)
    return [line for line in out.splitlines() if IPTABLES_COMMENT in line]


def create_host(netns: str, veth: str, bridge: str, address: str, gateway: str) -> None:
    """Make one lab host: a network namespace with eth0 on the lab bridge."""
    if not netns_exists(netns):
        run(["ip", "netns", "add", netns])
    if not link_exists(veth):
        run(["ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", netns])
    run(["ip", "link", "set", veth, "master", bridge, "up"])
    if address not in run(["ip", "-n", netns, "-4", "-o", "addr", "show", "dev", "eth0"]):
        run(["ip", "-n", netns, "addr", "add", f"{address}/24", "dev", "eth0"])
    run(["ip", "-n", netns, "link", "set", "lo", "up"])
    run(["ip", "-n", netns, "link", "set", "eth0", "up"])
    # A default route lets dockerd and SwarmKit find "their" address. Nothing
    # leaves the lab: the host does not forward (and the lab has no registry).
    run(["ip", "-n", netns, "route", "replace", "default", "via", gateway])


def delete_host(netns: str, veth: str) -> None:
    if link_exists(veth):
        run(["ip", "link", "del", veth], check=False)
    if netns_exists(netns):
        run(["ip", "netns", "del", netns], check=False)


def netns_pids(netns: str) -> list[int]:
    """Processes running in a lab host's network namespace."""
    if not netns_exists(netns):
        return []
    out = run(["ip", "netns", "pids", netns], check=False)
    return [int(pid) for pid in out.split()]


def mounts_under(path: str) -> list[str]:
    """Mount points at or below ``path``, deepest first (the order to unmount)."""
    prefix = os.path.realpath(path)
    found = []
    with open("/proc/self/mounts", encoding="utf-8") as mounts:
        for line in mounts:
            # /proc/self/mounts escapes spaces as \040.
            target = line.split()[1].replace("\\040", " ")
            if target == prefix or target.startswith(prefix + "/"):
                found.append(target)
    return sorted(found, key=len, reverse=True)


def unmount_all(path: str) -> None:
    """Lazily unmount everything dockerd left mounted below ``path``."""
    for target in mounts_under(path):
        subprocess.run(["umount", "-l", target], capture_output=True)
