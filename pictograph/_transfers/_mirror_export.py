"""Many annotation files in a handful of requests: an annotations-only export in the ``pictograph`` format.

The annotations route costs one API request per image (docs/wire-protocol.md §4.1), so 10,000 annotated images
cost 10,000 requests of the hourly budget (§1.11): ten hours on the free plan. An export (§5.1) of the same
annotations costs a create, a few polls, a download URL and a delete, whatever the size; its ZIP comes from a
signed URL, which the budget does not count. The ``pictograph`` format holds each image's canonical annotation
JSON (§5.2, §4.3) in ``<image path>.json``, which is exactly what the mirror writes.

When signed listings leave many images uncovered (a dataset far past the listings' cap), one export *with*
images brings them in one ZIP instead of one byte-route request each; it is kept beside the mirror while it is
read. The export is named for what it is (``sdk-mirror-…``) and deleted once read; a key that may not delete exports
(§5.1: admin or owner) leaves it to expire, and says so in the log.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import tempfile
import time
import zipfile
from collections.abc import Callable, Collection
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictograph._transfers._mirror_plan import WORK_PREFIX, annotations_of
from pictograph._transfers._zipstream import Readable, Reader, read_members
from pictograph.errors import PictographError

if TYPE_CHECKING:
    from pictograph._transfers._engine import Engine

logger = logging.getLogger("pictograph")

#: Below this many annotation files, one request each costs less than an export's build and its polls.
EXPORT_FROM = 100
#: Images no signed listing covers come from one export with images when there are at least this many and they
#: are a quarter of the images in scope or more (the ZIP holds every image of the status filter, so below that
#: share it would carry too many bytes the mirror has already); else one request each.
IMAGES_EXPORT_FROM = 1000
IMAGES_EXPORT_SHARE = 0.25

_FIRST_POLL = 0.1
_LAST_POLL = 4.0


def _image_path(member: str, wanted: Collection[str], suffix: str) -> str | None:
    """The image path a ZIP member is (``suffix=""``) or holds the annotations of (``".json"``), or ``None``.

    ``a/b.jpg.json`` under whatever folders the server put in the export (``annotations/``, ``images/``,
    ``train/``...): the longest tail of the member's path that names a wanted image wins.
    """
    if member.endswith("/") or not member.endswith(suffix):
        return None
    parts = member[: len(member) - len(suffix)].split("/")
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if candidate in wanted:
            return candidate
    return None


async def read_export(
    engine: Engine, dataset: str, status_filter: str | None, *, include_images: bool,
    read: Reader, timeout: float, workdir: Path | None = None,
) -> None:
    """Build an export of ``dataset`` in the ``pictograph`` format and hand each ZIP member to ``read``.

    ``workdir`` holds the ZIP while it is read (a system temporary folder when ``None``; an export with images
    is as large as the dataset, so the mirror keeps it beside the files it is for). Raises ``PictographError``
    when the export could not be built or read; the members handed over until then are done.
    """
    client = engine.client
    name = f"sdk-mirror-{secrets.token_hex(6)}"
    export = await client.exports.create(
        dataset, name, format="pictograph", include_images=include_images,
        status_filter="all" if status_filter is None else status_filter, wait=False)
    try:
        # Polls start short and grow by half (a small export is ready in a fraction of a second, a large one takes
        # minutes), so the wait costs a few requests whatever the size.
        delay, deadline = _FIRST_POLL, time.monotonic() + timeout
        while export.status not in ("completed", "failed"):
            if time.monotonic() > deadline:
                raise PictographError(f"the export {name!r} was not ready after {timeout:.0f} s")
            await asyncio.sleep(delay)
            delay = min(1.5 * delay, _LAST_POLL)
            export = await client.exports.get(dataset, name)
        if export.status != "completed":
            raise PictographError(f"the export {name!r} ended {export.status}: {export.error_message or ''}")
        with tempfile.TemporaryDirectory(prefix=WORK_PREFIX, dir=workdir) as work:
            archive = Path(work) / "export.zip"
            await client.exports.download(dataset, name, archive)
            try:
                read_members(archive, read)
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                raise PictographError(f"the export {name!r} could not be read: {exc}") from exc
    finally:
        try:
            await client.exports.delete(dataset, name)
        except PictographError as exc:
            logger.info("left the export %r of %r to expire: it could not be deleted (%s)", name, dataset, exc)


async def annotations_by_export(
    engine: Engine, dataset: str, status_filter: str | None, wanted: Collection[str],
    take: Callable[[str, list[Any]], None], *, timeout: float,
) -> None:
    """Hand each wanted image's annotations (by image path) from one annotations-only export to ``take``."""
    taken: set[str] = set()  # a server may put an image in two of an export's folders: the first one counts

    def read(member: str, size: int, open_member: Callable[[], Readable]) -> None:
        path = _image_path(member, wanted, ".json")
        if path is not None and path not in taken:
            take(path, annotations_of(json.loads(open_member().read())))
            taken.add(path)

    await read_export(engine, dataset, status_filter, include_images=False, read=read, timeout=timeout)


async def images_by_export(
    engine: Engine, dataset: str, status_filter: str | None, wanted: dict[str, int],
    take: Callable[[str, Readable], None], *, timeout: float, workdir: Path,
) -> None:
    """Hand each wanted image (by image path, with its listed size) from one export with images to
    ``take(image_path, stream)``; a member of another size is not the image and is left out."""
    taken: set[str] = set()

    def read(member: str, size: int, open_member: Callable[[], Readable]) -> None:
        path = _image_path(member, wanted, "")
        if path is not None and path not in taken and size == wanted[path]:
            take(path, open_member())
            taken.add(path)

    await read_export(engine, dataset, status_filter, include_images=True, read=read, timeout=timeout,
                      workdir=workdir)
