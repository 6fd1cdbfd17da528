#!/usr/bin/env python3
"""An OCI runtime for `make container-test`'s private engine: runc, with every
capability this machine cannot grant taken out of the container's spec first.

Why: dockerd 20.10 gives a --privileged container every capability the kernel
knows. A machine that is itself a container may have a smaller bounding set
(this project's CI machine lacks CAP_SYS_RESOURCE), and runc then fails with
"unable to apply caps: operation not permitted". Docker Desktop and ordinary
Linux hosts have the full set, so the README's `docker run --privileged` needs
nothing of this; container-test.sh only uses it when the bounding set is short.
Everything else --privileged means (devices, writable /sys and cgroups, no
seccomp or AppArmor) is left as it is.

dockerd calls this through containerd's shim with runc's own arguments; on
`create` or `run` the bundle's config.json is edited, on `exec` the process
file, then runc runs as asked.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

# Linux capability numbers (include/uapi/linux/capability.h), 0 to 40.
CAPABILITIES = [
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "KILL",
    "SETGID",
    "SETUID",
    "SETPCAP",
    "LINUX_IMMUTABLE",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_ADMIN",
    "NET_RAW",
    "IPC_LOCK",
    "IPC_OWNER",
    "SYS_MODULE",
    "SYS_RAWIO",
    "SYS_CHROOT",
    "SYS_PTRACE",
    "SYS_PACCT",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_NICE",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "MKNOD",
    "LEASE",
    "AUDIT_WRITE",
    "AUDIT_CONTROL",
    "SETFCAP",
    "MAC_OVERRIDE",
    "MAC_ADMIN",
    "SYSLOG",
    "WAKE_ALARM",
    "BLOCK_SUSPEND",
    "AUDIT_READ",
    "PERFMON",
    "BPF",
    "CHECKPOINT_RESTORE",
]


def bounding_set() -> set[str]:
    """The capabilities this process may pass on, as CAP_* names."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("CapBnd:"):
            bits = int(line.split()[1], 16)
            return {f"CAP_{name}" for number, name in enumerate(CAPABILITIES) if bits >> number & 1}
    raise RuntimeError("no CapBnd line in /proc/self/status")


def option(args: list[str], name: str) -> str | None:
    """The value of runc's ``--name VALUE`` or ``--name=VALUE``, if given."""
    for index, arg in enumerate(args):
        if arg == name and index + 1 < len(args):
            return args[index + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return None


def trim(path: Path, allowed: set[str], in_process: bool) -> None:
    """Keep only ``allowed`` names in each capability set of a spec (or process) file."""
    spec = json.loads(path.read_text())
    process = spec if in_process else spec.get("process", {})
    capabilities = process.get("capabilities") or {}
    for kind, names in capabilities.items():
        capabilities[kind] = [name for name in names if name in allowed]
    path.write_text(json.dumps(spec))


def main() -> None:
    args = sys.argv[1:]
    if "create" in args or "run" in args:
        # A new container: its spec is the bundle's config.json.
        config = Path(option(args, "--bundle") or option(args, "-b") or ".") / "config.json"
        if config.is_file():
            trim(config, bounding_set(), in_process=False)
    elif "exec" in args:
        # `docker exec`: the new process's spec is a file of its own.
        process = option(args, "--process") or option(args, "-p")
        if process is not None and Path(process).is_file():
            trim(Path(process), bounding_set(), in_process=True)
    runc = shutil.which("runc")
    if runc is None:
        sys.exit("runc-within-bounds: runc is not installed")
    os.execv(runc, [runc, *args])


if __name__ == "__main__":
    main()
