"""Persistent state of the local server: SQLite (stdlib) for metadata, plain files for bytes.

Layout of ``data_dir``::

    state.sqlite3            organizations, keys, datasets, images (with their annotations), exports,
                             imports, idempotency records, the signing secret
    blobs/<dataset_id>/<k>   image bytes (k = hash of directory + filename)
    exports/<export_id>.zip  built export archives

The ``bench`` seed keeps its tiny images in the ``packed_blobs`` table instead (same dataset id and key): making
100,000 files takes longer than the rest of the seed together, and deleting them again at exit as long. Every
reader looks for the file first, then for the packed row, so an upload that replaces an image's bytes wins.

One connection guarded by a lock serves the API thread and the job worker; every call is short. A second
connection only reads packed blobs, for the event loop's storage answers, so a signed GET never waits behind a
long API call holding the first one.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import sqlite3
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS orgs (
    id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT, tier TEXT NOT NULL, caps TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (key TEXT PRIMARY KEY, org_id TEXT NOT NULL, role TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS datasets (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, name TEXT NOT NULL, description TEXT, readme TEXT,
    annotation_types TEXT NOT NULL, classes TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT,
    UNIQUE (org_id, name));
CREATE TABLE IF NOT EXISTS images (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, org_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL, filename TEXT NOT NULL, directory_path TEXT NOT NULL, status TEXT NOT NULL,
    split TEXT, file_size INTEGER NOT NULL, width INTEGER, height INTEGER, content_type TEXT,
    tags TEXT NOT NULL DEFAULT '[]', is_archived INTEGER NOT NULL DEFAULT 0, annotations TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL, UNIQUE (dataset_id, directory_path, filename));
CREATE INDEX IF NOT EXISTS images_by_dataset ON images (dataset_id, seq);
DROP INDEX IF EXISTS images_by_folder;
CREATE INDEX IF NOT EXISTS images_listed ON images (dataset_id, is_archived, seq, status, split);
CREATE INDEX IF NOT EXISTS images_listed_in_folder ON images (dataset_id, directory_path, is_archived, seq, status,
    split);
CREATE TABLE IF NOT EXISTS exports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT UNIQUE NOT NULL, org_id TEXT NOT NULL,
    dataset_id TEXT NOT NULL, dataset_name TEXT NOT NULL, name TEXT NOT NULL, format TEXT NOT NULL,
    include_images INTEGER NOT NULL, class_filter TEXT, status_filter TEXT, organize_by_split INTEGER NOT NULL,
    status TEXT NOT NULL, error_message TEXT, file_size INTEGER, image_count INTEGER, annotation_count INTEGER,
    created_at TEXT NOT NULL, expires_at TEXT, UNIQUE (dataset_id, name));
CREATE TABLE IF NOT EXISTS imports (
    id TEXT PRIMARY KEY, org_id TEXT NOT NULL, provider TEXT NOT NULL, source_key TEXT NOT NULL,
    status TEXT NOT NULL, total_images INTEGER NOT NULL DEFAULT 0, imported_images INTEGER NOT NULL DEFAULT 0,
    failed_images INTEGER NOT NULL DEFAULT 0, current_dataset TEXT, datasets TEXT NOT NULL,
    requested TEXT NOT NULL, cancel_requested INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS idempotency (
    org_id TEXT NOT NULL, method TEXT NOT NULL, path TEXT NOT NULL, key TEXT NOT NULL,
    fingerprint TEXT NOT NULL, status INTEGER NOT NULL, headers TEXT NOT NULL, body BLOB NOT NULL,
    created REAL NOT NULL, PRIMARY KEY (org_id, method, path, key));
CREATE TABLE IF NOT EXISTS packed_blobs (
    dataset_id TEXT NOT NULL, key TEXT NOT NULL, data BLOB NOT NULL, PRIMARY KEY (dataset_id, key)) WITHOUT ROWID;
"""

JSON_COLUMNS = frozenset({"annotation_types", "classes", "tags", "annotations", "class_filter", "datasets",
                          "requested", "caps"})


def utcnow_iso(ts: float | None = None) -> str:
    moment = datetime.now(UTC) if ts is None else datetime.fromtimestamp(ts, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def new_id() -> str:
    return str(uuid.uuid4())


def _row(row: sqlite3.Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    out = dict(row)
    for key in JSON_COLUMNS & out.keys():
        value = out[key]
        if value == "[]":  # most tags and many annotations: a fresh list costs a tenth of json.loads
            out[key] = []
        elif value is not None:
            out[key] = json.loads(value)
    return out


class Storage:
    """SQLite metadata plus blob files under one data folder."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.blob_dir = data_dir / "blobs"
        self.export_dir = data_dir / "exports"
        self.blob_dir.mkdir(parents=True, exist_ok=True)
        self.export_dir.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.db = sqlite3.connect(str(data_dir / "state.sqlite3"), check_same_thread=False,
                                  isolation_level=None)
        self.db.row_factory = sqlite3.Row
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.execute("PRAGMA cache_size=-65536")
        self.db.executescript(_SCHEMA)
        self._reader = sqlite3.connect(str(data_dir / "state.sqlite3"), check_same_thread=False,
                                       isolation_level=None)
        self._reader_lock = threading.Lock()
        self._counted: dict[tuple[Any, ...], Any] = {}
        self._counted_at = -1

    def close(self) -> None:
        with self.lock:
            self.db.close()
        with self._reader_lock:
            self._reader.close()

    # ------------------------------------------------------------------ low level
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            self.db.execute("BEGIN")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def one(self, sql: str, *args: Any) -> dict[str, Any] | None:
        with self.lock:
            return _row(self.db.execute(sql, args).fetchone())

    def all(self, sql: str, *args: Any) -> list[dict[str, Any]]:
        with self.lock:
            return [r for r in (_row(x) for x in self.db.execute(sql, args).fetchall()) if r is not None]

    def scalar(self, sql: str, *args: Any) -> Any:
        with self.lock:
            row = self.db.execute(sql, args).fetchone()
            return None if row is None else row[0]

    def counted(self, sql: str, *args: Any) -> Any:
        """``scalar``, remembered until the next write: a paged listing counts its rows once, not per page.

        Every write goes through this one connection, so its ``total_changes`` moving on is exactly "the data
        may differ"."""
        with self.lock:
            if self.db.total_changes != self._counted_at or len(self._counted) > 1000:
                self._counted.clear()
                self._counted_at = self.db.total_changes
            key = (sql, *args)
            if key not in self._counted:
                self._counted[key] = self.scalar(sql, *args)
            return self._counted[key]

    def execute(self, sql: str, *args: Any) -> int:
        with self.lock:
            return self.db.execute(sql, args).rowcount

    def insert(self, table: str, values: dict[str, Any]) -> None:
        cols = list(values)
        encoded = [json.dumps(values[c]) if c in JSON_COLUMNS and values[c] is not None else values[c]
                   for c in cols]
        with self.lock:
            self.db.execute(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            encoded)

    def update(self, table: str, row_id: str, values: dict[str, Any]) -> None:
        cols = list(values)
        encoded = [json.dumps(values[c]) if c in JSON_COLUMNS and values[c] is not None else values[c]
                   for c in cols]
        with self.lock:
            self.db.execute(f"UPDATE {table} SET {', '.join(c + ' = ?' for c in cols)} WHERE id = ?",
                            [*encoded, row_id])

    # ------------------------------------------------------------------ meta
    def secret(self) -> bytes:
        with self.lock:
            value = self.scalar("SELECT value FROM meta WHERE key = 'signing_secret'")
            if value is None:
                value = secrets.token_hex(32)
                self.execute("INSERT INTO meta (key, value) VALUES ('signing_secret', ?)", value)
            return bytes.fromhex(str(value))

    def meta(self, key: str) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", key)
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", key, value)

    # ------------------------------------------------------------------ files
    @staticmethod
    def blob_key(directory_path: str, filename: str) -> str:
        return hashlib.sha256(f"{directory_path}\0{filename}".encode()).hexdigest()[:40]

    def blob_path(self, dataset_id: str, blob_key: str) -> Path:
        return self.blob_dir / dataset_id / blob_key

    def export_path(self, export_id: str) -> Path:
        return self.export_dir / f"{export_id}.zip"

    def packed_blob(self, dataset_id: str, blob_key: str) -> bytes | None:
        """The bytes kept in ``packed_blobs`` under this key, if any (safe from any thread, never waits for
        the main connection)."""
        with self._reader_lock:
            row = self._reader.execute("SELECT data FROM packed_blobs WHERE dataset_id = ? AND key = ?",
                                       (dataset_id, blob_key)).fetchone()
        return None if row is None else bytes(row[0])

    def read_blob(self, dataset_id: str, blob_key: str) -> bytes | None:
        """An image's bytes, from its file or else from ``packed_blobs``; ``None`` when neither holds them."""
        try:
            return self.blob_path(dataset_id, blob_key).read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return self.packed_blob(dataset_id, blob_key)

    def has_blob(self, dataset_id: str, blob_key: str) -> bool:
        return self.blob_path(dataset_id, blob_key).is_file() or self.packed_blob(dataset_id, blob_key) is not None

    def delete_packed_blobs(self, dataset_id: str, blob_key: str | None = None) -> int:
        """Remove the packed bytes of one image (``blob_key``) or of a whole dataset; how many rows went."""
        if blob_key is None:
            return self.execute("DELETE FROM packed_blobs WHERE dataset_id = ?", dataset_id)
        return self.execute("DELETE FROM packed_blobs WHERE dataset_id = ? AND key = ?", dataset_id, blob_key)
