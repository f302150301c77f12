"""Writing many small files cheaply: a bare descriptor, no buffered file object (and its extra system calls)."""

from __future__ import annotations

import os

#: Flags of ``os.open`` for a file written from the start (binary on Windows, not inherited by children).
WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to ``fd`` (``os.write`` may take only part of it)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]
