"""Reading and writing many small files cheaply: a bare descriptor, no buffered file object (and its extra
system calls)."""

from __future__ import annotations

import os

#: Flags of ``os.open`` for a file written from the start (binary on Windows, not inherited by children).
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
#: Flags of ``os.open`` for a file read (binary on Windows, not inherited by children).
READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_up_to(path: str | os.PathLike[str], size: int) -> bytes:
    """The first ``size`` bytes of the file at ``path`` (fewer only if the file is shorter)."""
    fd = os.open(path, READ_FLAGS)
    try:
        blocks: list[bytes] = []
        got = 0
        # Usually one read; one may stop short of the end (a signal, some file systems): go on to it.
        while got < size and (block := os.read(fd, size - got)):
            blocks.append(block)
            got += len(block)
        return b"".join(blocks)  # one block: itself, not a copy
    finally:
        os.close(fd)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
