"""The I/O-free decisions of uploads: which files a call sends, under which name, folder and MIME type, and how
they are cut into chunks. Only :func:`plan_uploads` reads the file system (to tell folders from files)."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import TypeVar

import attrs

from pictograph._transfers._mirror_plan import shard_of

T = TypeVar("T")

#: The most files one bulk upload-URL or bulk register call takes (docs/wire-protocol.md §3.3).
UPLOAD_CHUNK = 500

# §3.3: the MIME type of an upload, from its extension (case-insensitive).
MIME_TYPES: Mapping[str, str] = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".bmp": "image/bmp",
    ".webp": "image/webp",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".heic": "image/heic",
    ".heif": "image/heif",
}


def content_type_for(path: str | os.PathLike[str], content_type: str | None) -> str:
    """The MIME type an upload is announced and PUT with (§3.3); ``ValueError`` for an unknown extension."""
    if content_type is not None:
        if not isinstance(content_type, str) or "/" not in content_type or not content_type.strip():
            raise ValueError(f"content_type must be a MIME type such as 'image/png', got {content_type!r}")
        return content_type.strip()
    suffix = PurePosixPath(os.fspath(path)).suffix.lower()
    found = MIME_TYPES.get(suffix)
    if found is None:
        known = " ".join(sorted(MIME_TYPES))
        raise ValueError(
            f"cannot tell the image type of {os.fspath(path)!r} from its extension (known: {known}); "
            "pass content_type='image/...'"
        )
    return found


def join_folder(folder: str, *more: str) -> str:
    parts = [p for p in folder.split("/") if p] + [p for m in more for p in m.split("/") if p]
    return "/" + "/".join(parts)


@attrs.frozen
class UploadEntry:
    """One local file to upload: where from, under which name and folder, announced as which type."""

    path: Path
    filename: str
    directory_path: str
    content_type: str

    @property
    def image_path(self) -> str:
        """The image path the upload registers (docs/wire-protocol.md §3.2): folder parts and file name by ``/``,
        without a leading ``/``; the path a download of the image writes it to, so shards of both agree."""
        folder = self.directory_path.strip("/")
        return f"{folder}/{self.filename}" if folder else self.filename


def _is_dir(path: Path) -> bool:
    """``path.is_dir()`` with one system call and no exception machinery of pathlib (a third of planning)."""
    try:
        return stat.S_ISDIR(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


def plan_uploads(file_paths: Iterable[str | os.PathLike[str]], folder: str) -> list[UploadEntry]:
    """The files ``upload_many`` sends, in order. A folder is walked for image files (known extensions),
    its subfolders kept below ``folder``. Reads the file system only to tell folders from files.

    ``ValueError`` (nothing sent) for a file whose extension is not an image type of §3.3.
    """
    if isinstance(file_paths, str | bytes | os.PathLike):
        raise ValueError("file_paths must be a list of paths (wrap a single path in a list)")
    entries: list[UploadEntry] = []
    unknown: list[str] = []
    for given in file_paths:
        path = given if isinstance(given, Path) else Path(given)
        if _is_dir(path):
            for found in sorted(p for p in path.rglob("*") if p.is_file()):
                mime = MIME_TYPES.get(found.suffix.lower())
                if mime is None:
                    continue
                relative_dir = found.parent.relative_to(path).as_posix()
                sub = "" if relative_dir == "." else relative_dir
                entries.append(UploadEntry(found, found.name, join_folder(folder, sub), mime))
            continue
        mime = MIME_TYPES.get(path.suffix.lower())
        if mime is None:
            unknown.append(str(path))
            continue
        entries.append(UploadEntry(path, path.name, folder, mime))
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5]) + (" …" if len(unknown) > 5 else "")
        raise ValueError(
            f"{len(unknown)} file(s) have no image extension of {' '.join(sorted(MIME_TYPES))}: {shown}; "
            "nothing was uploaded (upload them one by one with images.upload(..., content_type=...))"
        )
    return entries


def in_shard(entries: Iterable[UploadEntry], shard: tuple[int, int] | None) -> list[UploadEntry]:
    """The entries of shard ``(index, count)`` by their image path (all of them when ``shard`` is ``None``).

    Every process of a job computes the same split, so ``count`` processes given the same files upload
    disjoint shares whose union is the whole.
    """
    if shard is None:
        return list(entries)
    index, count = shard
    return [entry for entry in entries if shard_of(entry.image_path, count) == index]


def upload_chunk_sizes(total: int, workers: int, limit: int = UPLOAD_CHUNK) -> list[int]:
    """How many files each chunk of an upload holds (each ≤ ``limit``), in upload order.

    The first chunk and the last two are small: the first so that its upload-URL call is quick and the PUTs
    start early, the last two so that what the server registers after the last PUT is little. Chunk k is
    registered while the files of chunk k+1 go up. The last chunk is one round of PUTs (``workers`` files, at
    least 16): its registration is all that is left once the last file is up. The one before is twice that,
    so its registration has the last round of PUTs to finish in. The rest is shared out evenly. With 1,000
    files and 32 workers: 64, 420, 420, 64, 32.
    """
    if total <= 0:
        return []
    edge = min(limit, max(2 * workers, 32))
    sizes = [min(edge, total)]
    rest = total - sizes[0]
    tail: list[int] = []
    last = min(limit, max(workers, 16))
    for size in (last, min(2 * last, limit)):
        if rest <= 0:
            break
        take = rest if rest - size < last and rest <= limit else size  # no stub of a few files before it
        tail.insert(0, take)
        rest -= take
    if rest > 0:
        count = -(-rest // limit)
        base, extra = divmod(rest, count)
        sizes += [base + 1] * extra + [base] * (count - extra)
    return sizes + tail


def split_sizes(items: Sequence[T], sizes: Iterable[int]) -> list[Sequence[T]]:
    """``items`` cut into consecutive pieces of the given sizes."""
    pieces: list[Sequence[T]] = []
    start = 0
    for size in sizes:
        pieces.append(items[start:start + size])
        start += size
    return pieces
