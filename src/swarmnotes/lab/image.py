"""The lab's base image, ``swarmnotes/busybox:latest``, made without a registry.

There is no registry to pull from, so every engine gets the same tiny image by
``docker import`` of a root filesystem holding Debian's static busybox and one
symlink per applet (sh, nc, md5sum, httpd, sleep, ...).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import time
from functools import lru_cache

import docker

from swarmnotes.lab.errors import LabError

BASE_IMAGE = "swarmnotes/busybox:latest"


def _add_dir(tar: tarfile.TarFile, name: str, mode: int = 0o755) -> None:
    info = tarfile.TarInfo(name)
    info.type = tarfile.DIRTYPE
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info)


def _add_file(tar: tarfile.TarFile, name: str, data: bytes, mode: int = 0o644) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = mode
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


@lru_cache(maxsize=1)
def rootfs_tar() -> bytes:
    """A tar of the base image's root filesystem (built once per process)."""
    busybox = shutil.which("busybox")
    if busybox is None:
        raise LabError("busybox not found: install Debian's busybox-static")
    applets = subprocess.run(
        [busybox, "--list"], capture_output=True, text=True, check=True
    ).stdout.split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for directory in ("bin", "etc", "root", "proc", "sys", "dev", "var"):
            _add_dir(tar, directory)
        _add_dir(tar, "tmp", 0o1777)
        with open(busybox, "rb") as binary:
            _add_file(tar, "bin/busybox", binary.read(), 0o755)
        for applet in applets:
            if applet == "busybox":
                continue
            link = tarfile.TarInfo(f"bin/{applet}")
            link.type = tarfile.SYMTYPE
            link.linkname = "busybox"
            tar.addfile(link)
        _add_file(tar, "etc/passwd", b"root:x:0:0:root:/root:/bin/sh\n")
        _add_file(tar, "etc/group", b"root:x:0:\n")
    return buffer.getvalue()


def ensure_base_image(api: docker.APIClient) -> bool:
    """Import the base image on an engine unless it is there; True if imported."""
    if api.images(name=BASE_IMAGE, quiet=True):
        return False
    repository, tag = BASE_IMAGE.rsplit(":", 1)
    api.import_image_from_data(rootfs_tar(), repository=repository, tag=tag, changes=['CMD ["sh"]'])
    if not api.images(name=BASE_IMAGE, quiet=True):
        raise LabError(f"importing {BASE_IMAGE} did not produce the image")
    return True
