"""The mirror's record of what it wrote: one SQLite file in the output folder.

Why SQLite: a sync of 100,000 images records every file as it lands; a JSON manifest would be rewritten whole
(and held whole in memory) each time, while SQLite updates rows in place and never leaves a half-written record
(a commit is all or nothing, so a run killed mid-commit rolls back on the next open). Commits are batched and not
fsynced (``synchronous=OFF``): a killed process loses nothing the kernel already has, and after a power cut the
worst case is a file fetched again, never a file taken for complete that is not (sizes are checked on disk).

A file is first recorded as ``pending`` (before its bytes are fetched), then as ``written`` once renamed into
place; so a run stopped between the rename and the record still knows the file is its own. The manifest also
keeps the dataset's classes and each image's metadata, so readers of a mirror (training loaders) work offline.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pictograph._transfers._mirror_plan import MANIFEST_NAME, FileRecord, Listed

SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    relpath TEXT PRIMARY KEY, kind TEXT NOT NULL, image_id TEXT NOT NULL, size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL, origin TEXT NOT NULL, digest TEXT);
CREATE TABLE IF NOT EXISTS images (
    id TEXT PRIMARY KEY, relpath TEXT NOT NULL, directory_path TEXT NOT NULL, filename TEXT NOT NULL,
    file_size INTEGER NOT NULL, status TEXT NOT NULL, split TEXT, width INTEGER, height INTEGER,
    annotation_count INTEGER NOT NULL, min_confidence REAL, content_type TEXT);
"""
_COMMIT_EVERY = 0.25  # seconds between batched commits while files land


class ManifestError(Exception):
    """The manifest of an output folder cannot be read (another program's file, or a newer SDK's)."""


def manifest_path(root: Path) -> Path:
    return root / MANIFEST_NAME


def _row_to_record(row: tuple[Any, ...]) -> FileRecord:
    return FileRecord(row[0], row[1], row[2], row[3], row[4], row[5], row[6])


def _row_to_listed(row: tuple[Any, ...]) -> Listed:
    return Listed(*row)


class Manifest:
    """Read and update the manifest of one output folder. Opening it reads; nothing is written until a change.

    The SQLite file is created on the first change only, so a sync that changes nothing leaves the folder as
    it was, and a download into a folder that has no manifest yet gets one only when it writes something.
    """

    def __init__(self, root: Path) -> None:
        self.path = manifest_path(root)
        self._db: sqlite3.Connection | None = None
        self._dirty = False
        self._last_commit = time.monotonic()
        if self.path.exists():
            self._open()

    # ------------------------------------------------------------------ connection
    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            try:
                db = sqlite3.connect(self.path, check_same_thread=False)
                db.execute("PRAGMA synchronous=OFF")
                tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                version = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone() \
                    if "meta" in tables else None
                if tables and not {"meta", "files", "images"} <= tables:
                    raise sqlite3.DatabaseError(f"it holds other tables ({', '.join(sorted(tables))})")
            except sqlite3.DatabaseError as exc:
                raise ManifestError(
                    f"{self.path} is not a manifest this SDK can read ({exc}); move it away and sync again "
                    f"(files already on disk with the right size are kept, not fetched again)"
                ) from exc
            if version is not None and int(version[0]) > SCHEMA_VERSION:
                db.close()
                raise ManifestError(f"{self.path} was written by a newer SDK (manifest version {version[0]}); "
                                    f"upgrade pictograph to sync this folder")
            if not tables:
                db.executescript(_SCHEMA)  # an empty file (created, then killed before the first commit)
            self._db = db
        return self._db

    def _writer(self) -> sqlite3.Connection:
        db = self._open()
        if not self._dirty:
            db.executescript(_SCHEMA)
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (str(SCHEMA_VERSION),))
            self._dirty = True
        return db

    @property
    def exists(self) -> bool:
        return self._db is not None

    def commit(self, *, force: bool = True) -> None:
        """Make the changes so far durable; ``force=False`` commits at most every quarter second."""
        if self._db is None or not self._dirty:
            return
        now = time.monotonic()
        if force or now - self._last_commit >= _COMMIT_EVERY:
            self._db.commit()
            self._last_commit = now

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.commit()
            self._db.close()
            self._db = None

    def __enter__(self) -> Manifest:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ reads
    def records(self) -> dict[str, FileRecord]:
        if self._db is None:
            return {}
        rows = self._db.execute("SELECT relpath, kind, image_id, size, mtime_ns, origin, digest FROM files")
        return {row[0]: _row_to_record(row) for row in rows}

    def record(self, relpath: str) -> FileRecord | None:
        """The record of one file (a point query: a mirror of 100,000 images never loads them all at once)."""
        if self._db is None:
            return None
        row = self._db.execute("SELECT relpath, kind, image_id, size, mtime_ns, origin, digest FROM files "
                               "WHERE relpath = ?", (relpath,)).fetchone()
        return None if row is None else _row_to_record(row)

    def unwanted(self, keep: Callable[[str], bool]) -> list[FileRecord]:
        """The records of the files ``keep`` says no (read as a stream; only those are held)."""
        if self._db is None:
            return []
        rows = self._db.execute("SELECT relpath, kind, image_id, size, mtime_ns, origin, digest FROM files")
        return [_row_to_record(row) for row in rows if not keep(row[0])]

    def signal(self, image_id: str) -> tuple[int, float | None, str] | None:
        """What the images list last said of an image's annotations: count, lowest confidence, status."""
        if self._db is None:
            return None
        row = self._db.execute("SELECT annotation_count, min_confidence, status FROM images WHERE id = ?",
                               (image_id,)).fetchone()
        return None if row is None else (row[0], row[1], row[2])

    def images(self) -> Iterator[Listed]:
        if self._db is None:
            return iter(())
        return (_row_to_listed(row) for row in self._db.execute(
            "SELECT id, relpath, directory_path, filename, file_size, status, split, width, height, "
            "annotation_count, min_confidence, content_type FROM images ORDER BY relpath"))

    def meta(self, key: str) -> Any:
        if self._db is None:
            return None
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    # ------------------------------------------------------------------ writes
    def set_meta(self, key: str, value: Any) -> None:
        text = json.dumps(value, sort_keys=True)
        if self._db is not None:
            row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
            if row is not None and row[0] == text:
                return
        self._writer().execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, text))

    def put(self, record: FileRecord) -> None:
        self._writer().execute(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record.relpath, record.kind, record.image_id, record.size, record.mtime_ns, record.origin,
             record.digest))
        self.commit(force=False)

    def put_many(self, records: Iterable[FileRecord]) -> None:
        self._writer().executemany(
            "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?)",
            ((r.relpath, r.kind, r.image_id, r.size, r.mtime_ns, r.origin, r.digest) for r in records))

    def drop(self, relpath: str) -> None:
        self._writer().execute("DELETE FROM files WHERE relpath = ?", (relpath,))
        self.commit(force=False)

    def replace_images(self, images: dict[str, Listed]) -> bool:
        """Store the images (by path) the mirror holds now; ``False`` (and no write) when it holds them already.

        Compared by a digest of the rows kept in ``meta``, so the stored rows are never read back, and the rows
        are hashed and written one by one, never held as a second copy of the listing.
        """
        order = sorted(images)
        hasher = hashlib.blake2b(digest_size=16)
        for path in order:
            hasher.update(repr(_image_row(images[path])).encode("utf-8"))
        digest = hasher.hexdigest()
        if self.meta("images_digest") == digest:
            return False
        db = self._writer()
        db.execute("DELETE FROM images")
        db.executemany("INSERT INTO images VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (_image_row(images[path]) for path in order))
        self.set_meta("images_digest", digest)
        return True


def _image_row(i: Listed) -> tuple[Any, ...]:
    return (i.id, i.relpath, i.directory_path, i.filename, i.file_size, i.status, i.split, i.width, i.height,
            i.annotation_count, i.min_confidence, i.content_type)
