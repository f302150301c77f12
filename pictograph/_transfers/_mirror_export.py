"""Many annotation files in a handful of requests: an annotations-only export in the ``pictograph`` format.

The annotations route costs one API request per image (docs/wire-protocol.md §4.1), so 10,000 annotated images
cost 10,000 requests of the hourly budget (§1.11): ten hours on the free plan. An export (§5.1) of the same
annotations costs a create, a few polls, a download URL and a delete, whatever the size; its ZIP comes from a
signed URL, which the budget does not count. The ``pictograph`` format holds each image's canonical annotation
JSON (§5.2, §4.3) in ``<image path>.json``, which is exactly what the mirror writes.

The export is named for what it is (``sdk-mirror-…``) and deleted once read; a key that may not delete exports
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

from pictograph._transfers._mirror_plan import annotations_of
from pictograph.errors import PictographError

if TYPE_CHECKING:
    from pictograph._transfers._engine import Engine

logger = logging.getLogger("pictograph")

#: Below this many annotation files, one request each costs less than an export's build and its polls.
EXPORT_FROM = 100
_FIRST_POLL = 0.1
_LAST_POLL = 4.0


def _image_path(member: str, wanted: Collection[str]) -> str | None:
    """The image path a ZIP member holds the annotations of, or ``None``.

    ``a/b.jpg.json`` under whatever folders the server put the export in (``annotations/``, ``train/``...): the
    longest tail of the member's path that names a wanted image wins.
    """
    if not member.endswith(".json"):
        return None
    parts = member[: -len(".json")].split("/")
    for start in range(len(parts)):
        candidate = "/".join(parts[start:])
        if candidate in wanted:
            return candidate
    return None


async def annotations_by_export(
    engine: Engine, dataset: str, status_filter: str | None, wanted: Collection[str],
    take: Callable[[str, list[Any]], None], *, timeout: float,
) -> None:
    """Export the annotations of ``dataset`` and hand each wanted image's to ``take(image_path, annotations)``.

    Raises ``PictographError`` when the export could not be built or read; the images handed over until then
    are done (the caller fetches the others one by one).
    """
    client = engine.client
    name = f"sdk-mirror-{secrets.token_hex(6)}"
    export = await client.exports.create(
        dataset, name, format="pictograph", include_images=False,
        status_filter="all" if status_filter is None else status_filter, wait=False)
    taken: set[str] = set()  # a server may list an image twice in an export's folders: the first one counts
    try:
        # Polls start short and double (a small export is ready in a fraction of a second, a large one takes
        # minutes), so the wait costs a few requests whatever the size.
        delay, deadline = _FIRST_POLL, time.monotonic() + timeout
        while export.status not in ("completed", "failed"):
            if time.monotonic() > deadline:
                raise PictographError(f"the annotations export was not ready after {timeout:.0f} s")
            await asyncio.sleep(delay)
            delay = min(2 * delay, _LAST_POLL)
            export = await client.exports.get(dataset, name)
        if export.status != "completed":
            raise PictographError(f"the annotations export ended {export.status}: {export.error_message or ''}")
        with tempfile.TemporaryDirectory(prefix="pictograph-mirror-") as work:
            archive = Path(work) / "annotations.zip"
            await client.exports.download(dataset, name, archive)
            try:
                with zipfile.ZipFile(archive) as zf:
                    for member in zf.infolist():
                        path = _image_path(member.filename, wanted)
                        if path is None or path in taken:
                            continue
                        take(path, annotations_of(json.loads(zf.read(member))))
                        taken.add(path)
            except (zipfile.BadZipFile, ValueError, OSError) as exc:
                raise PictographError(f"the annotations export could not be read: {exc}") from exc
    finally:
        try:
            await client.exports.delete(dataset, name)
        except PictographError as exc:
            logger.info("left the export %r of %r to expire: it could not be deleted (%s)", name, dataset, exc)
