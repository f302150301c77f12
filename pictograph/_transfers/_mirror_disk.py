"""What the mirror reads and writes on disk by itself: a file's size and time, small files, recorded paths."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from pictograph._fileio import WRITE_FLAGS, write_all
from pictograph._transfers._plan import UnsafePathError, part_path, safe_parts


def stat_file(path: Path) -> tuple[int, int] | None:
    """``(size, mtime_ns)`` of the regular file at ``path``, or ``None``."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def write_small(target: Path, data: bytes, dirs: set[Path]) -> tuple[int, int]:
    """Write a small file through ``NAME.part`` and a rename; its size and modification time."""
    if target.parent not in dirs:
        target.parent.mkdir(parents=True, exist_ok=True)
        dirs.add(target.parent)
    part = part_path(target)
    try:
        fd = os.open(part, WRITE_FLAGS, 0o666)
        try:
            write_all(fd, data)
            st = os.fstat(fd)
        finally:
            os.close(fd)
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return st.st_size, st.st_mtime_ns


def safe_recorded(relpath: str) -> bool:
    """Whether a recorded path is one the mirror may touch (a manifest edited by hand must not escape)."""
    try:
        safe_parts(relpath)
    except UnsafePathError:
        return False
    return True
