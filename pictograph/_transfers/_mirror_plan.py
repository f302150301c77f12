"""The I/O-free decisions of a dataset mirror (``datasets.sync``) and of a download that outgrows its listing.

What the images list says an image is (:class:`Listed`), which images a filter keeps (split, folder, shard),
whether a file already on disk is that image, which files a sync removes, and how annotation files are written
so that two routes to the same annotations give the same bytes. Protocol: docs/wire-protocol.md §1.5 (offset
pages are not a snapshot), §2.3 (download listing), §3.1–§3.4 (images list, byte routes, ``file_size``).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterable, Mapping
from typing import Any, Literal

import attrs

from pictograph._args import in_folder
from pictograph._transfers._plan import JOURNAL_NAME, PART_SUFFIX, UnsafePathError, safe_parts

# The mirror's own records, in the output folder; the names a dataset can never take (see ``plan_files``).
MANIFEST_NAME = ".pictograph-mirror.sqlite"
RESERVED_NAMES = frozenset({MANIFEST_NAME, MANIFEST_NAME + "-journal", JOURNAL_NAME})
#: The temporary folder an export with images is read from, inside the output folder.
WORK_PREFIX = ".pictograph-export-"

FileDecision = Literal["fetch", "skip", "adopt"]


@attrs.frozen(slots=True)
class Listed:
    """One image as the images list gives it (§3.4), reduced to what a mirror needs."""

    id: str
    relpath: str  # the image path (§3.2): where the image goes under the output folder
    directory_path: str
    filename: str
    file_size: int
    status: str
    split: str | None
    width: int | None
    height: int | None
    annotation_count: int
    min_confidence: float | None
    content_type: str | None


def _int(value: Any, default: int | None) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def listed_from_json(item: Any, *, windows: bool = os.name == "nt") -> Listed:
    """A :class:`Listed` from one raw images-list item; ``UnsafePathError`` when its path would escape."""
    if not isinstance(item, Mapping):
        raise UnsafePathError(f"an images list item is not an object: {item!r:.80}")
    image_id, filename = item.get("id"), item.get("filename")
    if not isinstance(image_id, str) or not image_id:
        raise UnsafePathError(f"an images list item has no id: {item!r:.120}")
    directory = item.get("directory_path") or "/"
    if not isinstance(directory, str):
        raise UnsafePathError(f"image {image_id} has a directory_path that is not a string")
    folder = directory.strip("/")
    path = f"{folder}/{filename}" if folder and isinstance(filename, str) else filename
    parts = safe_parts(path, windows=windows)
    relpath = "/".join(parts)
    if parts[0] in RESERVED_NAMES or parts[0].startswith(WORK_PREFIX) or relpath.endswith(PART_SUFFIX):
        raise UnsafePathError(f"filename {path!r} is reserved for the SDK's own files")
    confidence = item.get("min_confidence")
    split = item.get("split")
    content_type = item.get("content_type")
    status = item.get("status")
    return Listed(
        id=image_id,
        relpath=relpath,
        # Interned: the folders, statuses and types repeat across a listing of 100,000 images.
        directory_path=sys.intern("/" + folder) if folder else "/",
        filename=str(filename),
        file_size=_int(item.get("file_size"), 0) or 0,
        status=sys.intern(status) if isinstance(status, str) else "new",
        split=sys.intern(split) if isinstance(split, str) else None,
        width=_int(item.get("width"), None),
        height=_int(item.get("height"), None),
        annotation_count=_int(item.get("annotation_count"), 0) or 0,
        min_confidence=float(confidence) if isinstance(confidence, int | float) and not isinstance(
            confidence, bool) else None,
        content_type=sys.intern(content_type) if isinstance(content_type, str) else None,
    )


# ---------------------------------------------------------------------------------------------- filters
def check_shard(shard: tuple[int, int] | None) -> tuple[int, int] | None:
    """``(index, count)`` with ``0 <= index < count``, or ``ValueError`` naming the bad value."""
    if shard is None:
        return None
    if not isinstance(shard, tuple) or len(shard) != 2 or not all(
            isinstance(v, int) and not isinstance(v, bool) for v in shard):
        raise ValueError(f"shard must be a pair (index, count) of integers, got {shard!r}")
    index, count = shard
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"shard must satisfy 0 <= index < count and count >= 1, got {shard!r}")
    return shard


def shard_of(path: str, count: int) -> int:
    """The shard a path belongs to: a hash that every process and every Python version computes alike.

    ``hash()`` is salted per process, so it would give every worker of a job a different split.
    """
    digest = hashlib.blake2b(path.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count


@attrs.frozen
class Scope:
    """Which images of a dataset a call takes: the server-side filters and the ones applied here."""

    status_filter: str | None = None
    split: str | None = None
    folder: str | None = None
    shard: tuple[int, int] | None = None

    def keeps(self, image: Listed) -> bool:
        if self.split is not None and image.split != self.split:
            return False
        if not in_folder(image.directory_path, self.folder):
            return False
        return self.shard is None or shard_of(image.relpath, self.shard[1]) == self.shard[0]

    def keeps_path(self, relpath: str) -> bool:
        """For listing items, which carry only a path: the folder and the shard (the split is not known)."""
        directory = "/" + relpath.rsplit("/", 1)[0] if "/" in relpath else "/"
        if not in_folder(directory, self.folder):
            return False
        return self.shard is None or shard_of(relpath, self.shard[1]) == self.shard[0]

    @property
    def narrowed(self) -> bool:
        """True when the images list itself is filtered, so its length cannot be checked against the dataset."""
        return self.status_filter is not None or self.split is not None


# ---------------------------------------------------------------------------------------------- files on disk
@attrs.frozen(slots=True)
class FileRecord:
    """What the manifest remembers of one file in the output folder.

    ``origin`` is ``written`` for a file this SDK wrote (it may delete it later) and ``adopted`` for a file that
    was already there and matched (it is kept but never deleted: the SDK cannot tell it from the user's own).
    ``digest`` is the annotations' digest for an annotation file, ``None`` for an image.
    """

    relpath: str
    kind: Literal["image", "annotation"]
    image_id: str
    size: int
    mtime_ns: int
    origin: Literal["written", "adopted", "pending"]
    digest: str | None = None


def image_decision(image: Listed, record: FileRecord | None, local: tuple[int, int] | None) -> FileDecision:
    """Whether the image file at ``image.relpath`` must be fetched.

    ``local`` is the present file's ``(size, mtime_ns)``. A file is the image when its size is the listed
    ``file_size`` and no record says it belongs to another image id (bytes replaced on the server under the
    same path come with a new id or a new size, §3.4). A matching file the manifest does not know is adopted.
    """
    if local is None:
        return "fetch"
    size, _mtime = local
    if size != image.file_size:
        return "fetch"
    if record is None:
        return "adopt"
    if record.image_id != image.id:
        return "fetch"
    if record.origin == "pending":
        return "adopt"  # renamed into place by a run that stopped before it could say so
    return "skip"


def wanted_file(path: str, wanted: Mapping[str, Listed], mode: str) -> bool:
    """Whether a recorded file is still one the mirror keeps: an image in scope, or the annotation file of an
    image in scope that has annotations (in a mode that keeps that kind)."""
    if path in wanted:
        return mode != "annotations_only"
    image = wanted.get(path[:-5]) if path.endswith(".json") else None
    return mode != "images_only" and image is not None and image.annotation_count > 0


def deletable(record: FileRecord, local: tuple[int, int] | None) -> bool:
    """A file the mirror may remove: written by it and unchanged since (a file edited by the user stays)."""
    if record.origin != "written" or local is None:
        return False
    return local == (record.size, record.mtime_ns)


# ---------------------------------------------------------------------------------------------- annotations
def annotation_bytes(annotations: list[Any]) -> bytes:
    """The bytes of an annotation file: ``{"annotations": [...]}`` as the annotations route answers (§4.1).

    Written the same way whichever route brought the annotations, so a file changes only when they do.
    """
    return json.dumps({"annotations": annotations}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def annotation_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def annotations_of(payload: Any) -> list[Any]:
    """The annotation array of an annotations answer (bare array or ``{"annotations": [...]}``, §4.1, §4.3)."""
    if isinstance(payload, list):
        return payload
    if isinstance(payload, Mapping):
        value = payload.get("annotations", [])
        if isinstance(value, list):
            return value
    raise ValueError("an annotations answer is neither an array nor an object with an 'annotations' array")


def dedupe(images: Iterable[Listed]) -> dict[str, Listed]:
    """Images by id, keeping the first copy: an offset page that shifted repeats items (§1.5)."""
    by_id: dict[str, Listed] = {}
    for image in images:
        by_id.setdefault(image.id, image)
    return by_id
