"""The I/O-free decisions of downloads, and the constants every transfer job shares.

What may be written where (untrusted filenames from the server), what a download listing asks for, which local
files can be skipped, how ``.part`` files are named, how a signed-URL answer is classified, and how the
download journal is read and written. Nothing here touches the network or the file system. The decisions of
uploads are in :mod:`pictograph._transfers._upload_plan`.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

import attrs

from pictograph._protocol import schema_error
from pictograph.reports import DownloadFailure

logger = logging.getLogger("pictograph")

Kind = Literal["image", "annotation"]
Mode = Literal["full", "images_only", "annotations_only"]
MODES: frozenset[str] = frozenset({"full", "images_only", "annotations_only"})

LISTING_LIMIT = 10000
PART_SUFFIX = ".part"
JOURNAL_NAME = ".pictograph-download.jsonl"
READ_TIMEOUT_IMAGES = 300.0
READ_TIMEOUT_EXPORT = 600.0
READ_WRITE_TIMEOUT_UPLOAD = 300.0
COPY_CHUNK = 256 * 1024

# Storage answers: which statuses are worth another attempt, which mean "the signed URL is stale".
RETRY_FILE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
EXPIRED_URL_STATUSES = frozenset({400, 403})

_DRIVE = re.compile(r"^[A-Za-z]:")


# ---------------------------------------------------------------------------------------------- paths
class UnsafePathError(ValueError):
    """A filename from the server that would land outside the output folder."""


def safe_parts(filename: object, *, windows: bool = os.name == "nt") -> tuple[str, ...]:
    """The path parts of an untrusted ``filename`` relative to the output folder, or ``UnsafePathError``.

    Refused: empty names, absolute paths, drive letters, backslashes, ``.``/``..``/empty parts, NUL bytes,
    and (on Windows) ``:`` inside a part, which would name an alternate data stream.
    """
    if not isinstance(filename, str) or not filename:
        raise UnsafePathError(f"unusable filename {filename!r}")
    if "\x00" in filename:
        raise UnsafePathError(f"filename {filename!r} contains a NUL byte")
    if "\\" in filename:
        raise UnsafePathError(f"filename {filename!r} contains a backslash")
    if filename.startswith("/"):
        raise UnsafePathError(f"filename {filename!r} is an absolute path")
    if _DRIVE.match(filename):
        raise UnsafePathError(f"filename {filename!r} starts with a drive letter")
    parts = tuple(filename.split("/"))
    for part in parts:
        if part in ("", ".", ".."):
            raise UnsafePathError(f"filename {filename!r} has an empty, '.' or '..' part")
        if windows and ":" in part:
            raise UnsafePathError(f"filename {filename!r} contains ':'")
    return parts


def part_path(path: Path) -> Path:
    """The temporary name a file is written under until it is complete: ``NAME.part`` beside it."""
    return path.with_name(path.name + PART_SUFFIX)


# ---------------------------------------------------------------------------------------------- API URLs
def rebase_api_url(url: str, base_url: str) -> str:
    """An ``annotation_url``/``image_url`` re-pointed at the configured base URL (docs/wire-protocol.md §1.10).

    Only the path and query are kept; a URL naming another host is logged and still sent to the base URL,
    so the API key never leaves for a host the user did not configure.
    """
    given = urlsplit(url)
    base = urlsplit(base_url)
    if given.netloc and given.netloc.lower() != base.netloc.lower():
        logger.warning(
            "the API returned a URL on another host (%s); fetching its path from the configured base URL %s",
            given.netloc,
            f"{base.scheme}://{base.netloc}",
        )
    path = given.path if given.path.startswith("/") else "/" + given.path
    return urlunsplit((base.scheme, base.netloc, path, given.query, ""))


def redact_url(url: str) -> str:
    """A signed URL without its query (the signature), for messages and logs."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


# ---------------------------------------------------------------------------------------------- listing
@attrs.frozen
class ListedFile:
    """One file the listing asks for: where it goes and where it comes from."""

    kind: Kind
    filename: str  # the listing's filename, as the server sent it
    relpath: str  # where it goes, relative to the output folder, with '/'
    url: str
    expected_size: int | None = None
    expected_digest: tuple[str, str] | None = None  # (hashlib name, lowercase hex)


@attrs.frozen
class DownloadPlan:
    dataset_id: str | None
    files: list[ListedFile]
    failures: list[DownloadFailure]
    truncated: bool


def _expected_size(item: Mapping[str, Any]) -> int | None:
    for key in ("file_size", "size"):
        value = item.get(key)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
    return None


def _expected_digest(item: Mapping[str, Any]) -> tuple[str, str] | None:
    for key, algorithm in (("sha256", "sha256"), ("md5", "md5")):
        value = item.get(key)
        if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{32,64}", value):
            return algorithm, value.lower()
    return None


def plan_download(payload: Any, mode: Mode, *, windows: bool = os.name == "nt") -> DownloadPlan:
    """What a download listing (§2.3) asks to fetch, and the per-file failures it already implies.

    Unsafe filenames, repeated filenames and missing ``image_url``s are failures; a missing
    ``annotation_url`` is not (that image has no annotations).
    """
    if not isinstance(payload, Mapping):
        raise schema_error("DownloadListing", f"expected an object, got {type(payload).__name__}", payload)
    items = payload.get("items")
    if not isinstance(items, list):
        raise schema_error("DownloadListing", "required field 'items' is missing or not a list", payload)
    dataset_id = payload.get("id")
    if dataset_id is not None and not isinstance(dataset_id, str):
        raise schema_error("DownloadListing", "field 'id' must be a string", payload)
    want_images = mode != "annotations_only"
    want_annotations = mode != "images_only"
    files: list[ListedFile] = []
    failures: list[DownloadFailure] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        if not isinstance(item, Mapping) or not isinstance(item.get("filename"), str):
            raise schema_error(f"DownloadItem[{index}]", "required field 'filename' is missing", item)
        filename: str = item["filename"]
        try:
            parts = safe_parts(filename, windows=windows)
        except UnsafePathError as exc:
            kind: Kind = "image" if want_images else "annotation"
            failures.append(DownloadFailure(filename, kind, f"refused: {exc}; nothing was written"))
            continue
        relpath = "/".join(parts)
        if relpath == JOURNAL_NAME or relpath in seen or (want_annotations and relpath + ".json" in seen):
            kind = "image" if want_images else "annotation"
            failures.append(DownloadFailure(filename, kind, "refused: another listed file has the same path"))
            continue
        if want_images:
            image_url = item.get("image_url")
            if isinstance(image_url, str) and image_url:
                seen.add(relpath)
                files.append(
                    ListedFile(
                        "image", filename, relpath, image_url, _expected_size(item), _expected_digest(item)
                    )
                )
            else:
                failures.append(DownloadFailure(filename, "image", "the listing has no image_url for this file"))
        if want_annotations:
            annotation_url = item.get("annotation_url")
            if isinstance(annotation_url, str) and annotation_url:
                seen.add(relpath + ".json")
                files.append(ListedFile("annotation", filename, relpath + ".json", annotation_url))
    truncated = len(items) >= LISTING_LIMIT
    return DownloadPlan(dataset_id, files, failures, truncated)


def fresh_urls(plan: DownloadPlan) -> dict[tuple[Kind, str], str]:
    """``(kind, relpath) → url`` of a new listing, to retry files whose signed URL had expired."""
    return {(f.kind, f.relpath): f.url for f in plan.files}


# ---------------------------------------------------------------------------------------------- skipping
@attrs.frozen
class LocalState:
    """What the file system says about a target (read by the engine)."""

    size: int
    mtime_ns: int


@attrs.frozen
class JournalEntry:
    dataset_id: str | None
    size: int
    mtime_ns: int


SkipDecision = Literal["fetch", "skip", "verify-digest"]


def skip_decision(file: ListedFile, local: LocalState | None, journal: JournalEntry | None,
                  dataset_id: str | None) -> SkipDecision:
    """Whether a present file is known to be complete.

    With a size (and digest) from the listing, those decide. Otherwise only a file this SDK finished earlier
    for the same dataset, unchanged since (same size and modification time, as journaled), is skipped: a
    file is never skipped just because its path exists.
    """
    if local is None:
        return "fetch"
    if file.expected_size is not None:
        if local.size != file.expected_size:
            return "fetch"
        return "verify-digest" if file.expected_digest is not None else "skip"
    if journal is not None and journal.dataset_id == dataset_id and journal.size == local.size \
            and journal.mtime_ns == local.mtime_ns:
        return "skip"
    return "fetch"


def read_journal(text: str) -> dict[str, JournalEntry]:
    """Parse the download journal; a torn or foreign line (after a crash, say) is ignored."""
    entries: dict[str, JournalEntry] = {}
    for line in text.splitlines():
        try:
            record = json.loads(line)
            path, size, mtime = record["p"], record["s"], record["m"]
            dataset = record.get("d")
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(path, str) and isinstance(size, int) and isinstance(mtime, int) \
                and (dataset is None or isinstance(dataset, str)):
            entries[path] = JournalEntry(dataset, size, mtime)
    return entries


def journal_line(relpath: str, entry: JournalEntry) -> str:
    return json.dumps({"p": relpath, "d": entry.dataset_id, "s": entry.size, "m": entry.mtime_ns}) + "\n"


# ---------------------------------------------------------------------------------------------- misc
def describe_error(exc: BaseException) -> str:
    """One line for a report: the exception's class and message."""
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def storage_error_text(content: bytes, limit: int = 500) -> str:
    return content[:limit].decode("utf-8", errors="replace")
