"""Helpers shared by the stress suites: test images, tree comparison, server-side counts."""

from __future__ import annotations

import hashlib
import io
import random
from pathlib import Path
from typing import Any

from pictograph.testing import MockServer

JOURNAL = ".pictograph-download.jsonl"


def png_bytes(rng: random.Random, width: int = 48, height: int = 32) -> bytes:
    """A small valid PNG with random pixels (so every file differs)."""
    from PIL import Image

    image = Image.frombytes("RGB", (width, height), rng.randbytes(width * height * 3))
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    return buf.getvalue()


def write_images(folder: Path, count: int, seed: int, prefix: str = "img") -> dict[str, bytes]:
    """``count`` PNG files in ``folder``; returns name → bytes."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    made: dict[str, bytes] = {}
    for i in range(count):
        data = png_bytes(rng, 32 + rng.randrange(64), 24 + rng.randrange(48))
        name = f"{prefix}_{i:04d}.png"
        (folder / name).write_bytes(data)
        made[name] = data
    return made


def tree_digests(root: Path) -> dict[str, str]:
    """Relative path → SHA-256 of every file under ``root`` except the download journal."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.name != JOURNAL:
            out[path.relative_to(root).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def stray_parts(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.part*"))


def dataset_id(server: MockServer, name: str) -> str:
    row = server.state.storage.one("SELECT id FROM datasets WHERE org_id = ? AND name = ?",
                                   server.organization_id, name)
    assert row is not None, f"no dataset {name!r} on the server"
    return str(row["id"])


def image_rows(server: MockServer, name: str) -> list[dict[str, Any]]:
    return server.state.storage.all("SELECT * FROM images WHERE dataset_id = ?", dataset_id(server, name))


def stored_blob(server: MockServer, name: str, directory_path: str, filename: str) -> bytes:
    storage = server.state.storage
    return storage.blob_path(dataset_id(server, name), storage.blob_key(directory_path, filename)).read_bytes()


def scalar(server: MockServer, sql: str, *args: Any) -> int:
    return int(server.state.storage.scalar(sql, *args))
