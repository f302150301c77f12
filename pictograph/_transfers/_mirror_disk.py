"""What the mirror does on disk by itself: a file's size and time, small files and streams written through
``.part``, recorded paths checked, stale files removed (only the mirror's own, unchanged since)."""

from __future__ import annotations

import functools
import io
import os
import shutil
from collections.abc import Iterable
from pathlib import Path

from pictograph._transfers._engine import local_state
from pictograph._transfers._manifest import Manifest
from pictograph._transfers._mirror_plan import WORK_PREFIX, FileRecord, deletable
from pictograph._transfers._plan import COPY_CHUNK, UnsafePathError, part_path, safe_parts
from pictograph._transfers._zipstream import Readable
from pictograph.reports import DownloadFailure


def stat_file(path: Path) -> tuple[int, int] | None:
    """:func:`~pictograph._transfers._engine.local_state` as the ``(size, mtime_ns)`` pair the mirror's rules
    compare with its records."""
    local = local_state(path)
    return None if local is None else (local.size, local.mtime_ns)


def write_small(target: Path, data: bytes, dirs: set[Path]) -> tuple[int, int]:
    """Write a small file through ``NAME.part`` and a rename; its size and modification time."""
    return write_stream(target, io.BytesIO(data), len(data), dirs)


def safe_recorded(relpath: str) -> bool:
    """Whether a recorded path is one the mirror may touch (a manifest edited by hand must not escape)."""
    try:
        safe_parts(relpath)
    except UnsafePathError:
        return False
    return True


def write_stream(target: Path, stream: Readable, size: int, dirs: set[Path]) -> tuple[int, int]:
    """Copy ``stream`` to ``target`` through ``NAME.part`` and a rename, refusing another size than ``size``."""
    if target.parent not in dirs:
        target.parent.mkdir(parents=True, exist_ok=True)
        dirs.add(target.parent)
    part = part_path(target)
    try:
        with open(part, "wb") as out:
            for block in iter(functools.partial(stream.read, COPY_CHUNK), b""):
                out.write(block)
            out.flush()
            st = os.fstat(out.fileno())
        if st.st_size != size:
            raise OSError(f"{target.name}: got {st.st_size} bytes, the images list says {size}")
        os.replace(part, target)
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    return st.st_size, st.st_mtime_ns


def remove_work_folders(root: Path) -> None:
    """Remove what a stopped run left of the exports it was reading (folders of the reserved name only)."""
    for leftover in root.glob(WORK_PREFIX + "*"):
        if leftover.is_dir() and not leftover.is_symlink():
            shutil.rmtree(leftover, ignore_errors=True)


def remove_stale(root: Path, stale: Iterable[FileRecord], manifest: Manifest) -> tuple[
        list[str], list[str], list[DownloadFailure]]:
    """Delete the stale files the mirror wrote and nobody changed since; keep the others.

    Returns the paths deleted, the paths kept (not the mirror's own, or edited since), and the failures.
    """
    deleted: list[str] = []
    kept: list[str] = []
    failures: list[DownloadFailure] = []
    for record in stale:
        target = root.joinpath(*record.relpath.split("/"))
        local = stat_file(target)
        if local is None:
            manifest.drop(record.relpath)  # gone already (the user, or a run stopped after the unlink)
        elif not deletable(record, local):
            kept.append(record.relpath)
        else:
            try:
                target.unlink()
            except OSError as exc:
                failures.append(DownloadFailure(record.relpath, record.kind, f"could not delete: {exc}"))
                continue
            manifest.drop(record.relpath)
            deleted.append(record.relpath)
    return deleted, kept, failures
