"""Shared fixtures for the swarmnotes.go tests.

Every test runs inside ``leak.check``: a goroutine (a ``go()`` thread) that
outlives its test fails that test, the way Go projects use goleak. ``tree``
is a file tree for the pipeline's md5_all.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from swarmnotes.go import leak
from tests.helpers import WAIT


@pytest.fixture(autouse=True)
def no_leaked_goroutines() -> Iterator[None]:
    with leak.check(timeout=WAIT):
        yield


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A tree with what md5_all must handle (and skip).

    Nested and empty directories, an empty file, binary and 3 MiB files, a
    space, a dotfile and non-ASCII names; plus a symlink and a FIFO, which
    are not regular files and must be left out.
    """
    root = tmp_path / "tree"
    (root / "a" / "b" / "c").mkdir(parents=True)
    (root / "empty-dir").mkdir()
    (root / "empty.txt").write_bytes(b"")
    (root / "hello.txt").write_bytes(b"hello\n")
    (root / "with space.txt").write_bytes(b"space\n")
    (root / ".dotfile").write_bytes(b"dot\n")
    (root / "a" / "binary.bin").write_bytes(bytes(range(256)) * 4)
    (root / "a" / "b" / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    (root / "a" / "b" / "c" / "ünïcödé-名前.txt").write_bytes("ünïcödé\n".encode())
    for i in range(30):
        (root / "a" / f"f{i:02d}.txt").write_bytes(f"file {i}\n".encode() * (i + 1))
    (root / "link-to-hello").symlink_to("hello.txt")
    (root / "link-to-a").symlink_to("a")
    os.mkfifo(root / "fifo")
    return root
