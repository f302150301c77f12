"""The ``bench:N`` seed: one organization holding one dataset (``bench``) of N tiny, valid JPEG images, made in
seconds even for N = 100,000, so transfer and mirror code can be measured and tested at real scale.

The layout is fixed by the image's index ``i`` (0-based, in insertion order, so the newest is ``N - 1``):

* folder ``BENCH_FOLDERS[i % 3]`` and file name ``img_{i // 3:06d}.jpg``: the three folders (``/b/c`` inside
  ``/b``) hold the same file names;
* status from a cycle of seven (mostly ``complete``), split from a cycle of twenty (``train``, ``val``, ``test``
  and a few with none), so every combination occurs;
* images that are ``complete`` or ``review``, and every other ``annotate`` one, carry one or two boxes of the
  dataset's classes with a few distinct confidences; ``new`` images have none.

Each image is one of four small JPEG templates with a comment segment naming its path, padded by ``i % 13``
bytes: every image decodes, and no two share their bytes. The bytes go to the ``packed_blobs`` table (see
``_storage``), all rows in one transaction.
"""

from __future__ import annotations

import io
import json
import random
import uuid
from typing import TYPE_CHECKING, Any

from pictograph.testing._storage import Storage, utcnow_iso

if TYPE_CHECKING:  # the CLI imports this module to check a seed name; it stays free of the server stack
    from pictograph.testing._state import ServerState

BENCH_ORG = "Bench Organization"
BENCH_DATASET = "bench"
BENCH_FOLDERS = ("/a", "/b", "/b/c")
BENCH_CLASSES: list[dict[str, Any]] = [
    {"name": "box", "type": "bbox", "color": "#e6194b", "attributes": None, "skeleton": None},
    {"name": "spot", "type": "bbox", "color": "#3cb44b", "attributes": None, "skeleton": None},
]
MAX_BENCH_IMAGES = 1_000_000

_STATUSES = ("complete", "complete", "review", "complete", "annotate", "new", "complete")
_SPLITS: tuple[str | None, ...] = ("train",) * 14 + ("val",) * 3 + ("test",) * 2 + (None,)
_CONFIDENCES = (1.0, 0.95, 0.8, 0.6, 0.35)
# (width, height, colour): small enough that each file is a few hundred bytes
_TEMPLATES = ((16, 12, (200, 40, 40)), (12, 16, (40, 160, 60)), (16, 16, (50, 80, 200)), (20, 15, (230, 200, 30)))


def parse_bench_seed(seed: str) -> int | None:
    """The image count of a ``bench:N`` seed, ``None`` for any other seed name.

    Raises ``ValueError`` naming the problem when the seed starts with ``bench`` but N is not a whole number
    between 1 and ``MAX_BENCH_IMAGES``.
    """
    if seed != "bench" and not seed.startswith("bench:"):
        return None
    _, _, count = seed.partition(":")
    if not count.strip().isdigit() or not 1 <= int(count) <= MAX_BENCH_IMAGES:
        raise ValueError(f"seed {seed!r}: write bench:N with N a whole number from 1 to {MAX_BENCH_IMAGES:,}, "
                         "for example bench:100000")
    return int(count)


def bench_image_path(index: int) -> tuple[str, str]:
    """``(directory_path, filename)`` of the bench image number ``index``."""
    return BENCH_FOLDERS[index % len(BENCH_FOLDERS)], f"img_{index // len(BENCH_FOLDERS):06d}.jpg"


def _templates() -> list[tuple[bytes, int, int]]:
    from PIL import Image, ImageDraw

    out = []
    for width, height, colour in _TEMPLATES:
        im = Image.new("RGB", (width, height), colour)
        ImageDraw.Draw(im).rectangle([2, 2, width // 2, height // 2], fill=(255, 255, 255))
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=40, optimize=True)  # fitted Huffman tables: half the size
        out.append((buf.getvalue(), width, height))
    return out


def _with_comment(jpeg: bytes, text: bytes) -> bytes:
    """The JPEG with a COM segment right after its start marker: decoders skip it, so the image is unchanged."""
    return jpeg[:2] + b"\xff\xfe" + (len(text) + 2).to_bytes(2, "big") + text + jpeg[2:]


def seed_bench(state: ServerState, org_id: str, count: int) -> str:
    """Add the ``bench`` dataset of ``count`` images to the organization ``org_id``; its dataset id."""
    rng = random.Random(20260418)

    def new_uuid() -> str:
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))

    db = state.storage
    now = utcnow_iso()
    dataset_id = new_uuid()
    templates = _templates()
    images: list[tuple[Any, ...]] = []
    blobs: list[tuple[str, str, bytes]] = []
    for i in range(count):
        directory, filename = bench_image_path(i)
        jpeg, width, height = templates[i % len(templates)]
        data = _with_comment(jpeg, f"pictograph bench {directory}/{filename}".encode() + b" " * (i % 13))
        status = _STATUSES[i % len(_STATUSES)]
        annotations = "[]"
        if status in ("complete", "review") or (status == "annotate" and i % 2):
            boxes = [{"id": new_uuid(), "name": "box", "type": "bbox",
                      "confidence": _CONFIDENCES[i % len(_CONFIDENCES)], "attributes": [],
                      "bounding_box": {"x": 2, "y": 2, "w": width // 2 - 1, "h": height // 2 - 1}}]
            if i % 4 == 0:
                boxes.append({"id": new_uuid(), "name": "spot", "type": "bbox", "confidence": 1.0,
                              "attributes": [], "bounding_box": {"x": width // 2, "y": height // 2, "w": 3, "h": 3}})
            annotations = json.dumps(boxes)
        images.append((new_uuid(), org_id, dataset_id, filename, directory, status, _SPLITS[i % len(_SPLITS)],
                       len(data), width, height, annotations, now))
        blobs.append((dataset_id, Storage.blob_key(directory, filename), data))
    with db.transaction() as conn:
        conn.execute("INSERT INTO datasets (id, org_id, name, description, readme, annotation_types, classes, "
                     "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)",
                     (dataset_id, org_id, BENCH_DATASET, f"{count} tiny generated JPEG images for benchmarks",
                      f"# {BENCH_DATASET}\n\nGenerated by the local server's bench seed.\n", json.dumps(["bbox"]),
                      json.dumps(BENCH_CLASSES), now))
        conn.executemany("INSERT INTO images (id, org_id, dataset_id, filename, directory_path, status, split, "
                         "file_size, width, height, content_type, tags, is_archived, annotations, created_at) "
                         "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'image/jpeg', '[]', 0, ?, ?)", images)
        blobs.sort()  # in key order each row lands at the end of the table's B-tree: about twice as fast
        conn.executemany("INSERT INTO packed_blobs (dataset_id, key, data) VALUES (?, ?, ?)", blobs)
    return dataset_id
