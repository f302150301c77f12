"""``pictograph.ray.read_images``: a Ray Data datasource whose read tasks each take a slice of the images list.

Protocol: docs/wire-protocol.md §1.5 (offset pages, not a snapshot), §1.11 (the hourly request budget), §2.3 (the
signed download listing and its cap of 10,000 items), §3.1 (the images list and the byte route), §4.1 (an
image's annotations). The driver plans (one dataset lookup and, with a server-side filter, one page of one item
for the filtered total); it lists nothing. Each read task lists its own offset range in pages of at most 1,000,
asks for a signed download listing once per task (then one per image status when that listing came back full,
as the mirror does), fetches the images it covers from storage, which costs no API request, and the rest through
the API byte route, and yields one block per page. No process ever holds the whole listing.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar

import attrs
import httpx
import numpy as np
import pyarrow as pa
from pictograph_api.api.annotations import get_annotations
from pictograph_api.api.images import get_image_bytes
from ray.data import Datasource, ReadTask
from ray.data.block import BlockAccessor, BlockMetadata

from pictograph._async._paging import is_last_page
from pictograph._protocol import MAX_RETRY_AFTER, json_body
from pictograph._ray._common import worker_client
from pictograph._transfers._engine import Engine, engine_of
from pictograph._transfers._mirror_list import LISTING_WORDS, Reader
from pictograph._transfers._mirror_plan import Listed, Scope, annotations_of
from pictograph._transfers._plan import EXPIRED_URL_STATUSES, LISTING_LIMIT
from pictograph.errors import NotFoundError, PictographError, RateLimitError

T = TypeVar("T")

logger = logging.getLogger("pictograph.ray")

PAGE = 1000
#: The fewest images a read task takes unless ``override_num_blocks`` asks for more tasks: one page. Each task
#: asks for a signed listing of up to 10,000 items and makes a client of its own; on the local server with 20 ms
#: file latency (bench/bench_ray.py, 3,000 images, 1 CPU) 3 tasks read 630 images/s, 30 tasks 270.
MIN_SLICE = PAGE
#: Images fetched at once inside one read task (bytes and annotations).
TASK_CONCURRENCY = 16
#: Rows of a block with ``decode=True``: a page of 1,000 decoded 1080p images would hold 6 GB at once.
DECODED_BLOCK = 64

_META_FIELDS: list[tuple[str, pa.DataType]] = [
    ("id", pa.string()), ("dataset_id", pa.string()), ("path", pa.string()), ("filename", pa.string()),
    ("folder", pa.string()), ("split", pa.string()), ("status", pa.string()), ("width", pa.int64()),
    ("height", pa.int64()),
]


@attrs.frozen
class ReadSpec:
    """What every read task needs, pickled with it: names and filters, never a key or a client."""

    dataset_id: str
    dataset_name: str
    status: str | None
    split: str | None
    folder: str | None
    annotations: bool
    decode: bool
    client_options: tuple[tuple[str, Any], ...]
    total: int  # images in the listing's scope when the read was planned
    override: int | None

    @property
    def scope(self) -> Scope:
        return Scope(self.status, self.split, self.folder)


def plan_slices(total: int, parallelism: int, minimum: int) -> list[tuple[int, int | None]]:
    """Offset ranges ``[start, stop)`` of the images list, one per read task; the last is open (``None``): it
    reads on until the list ends, so images added while the job runs are not cut off by a stale total."""
    count = max(1, min(parallelism, -(-total // max(1, minimum)))) if total > 0 else 1
    bounds = [total * i // count for i in range(count + 1)]
    return [(bounds[i], bounds[i + 1] if i + 1 < count else None) for i in range(count)]


def _block_metadata(rows: int | None) -> Any:
    """``BlockMetadata`` across Ray releases (older ones take a ``schema``)."""
    fields = getattr(BlockMetadata, "__dataclass_fields__", {})
    kwargs: dict[str, Any] = {"num_rows": rows, "size_bytes": None, "input_files": None, "exec_stats": None}
    if "schema" in fields:
        kwargs["schema"] = None
    return BlockMetadata(**kwargs)


class ImagesDatasource(Datasource):  # type: ignore[misc]  # Ray is typed as Any (mypy skips it)
    """The images of one dataset (filtered) as a Ray datasource; made by :func:`pictograph.ray.read_images`."""

    def __init__(self, spec: ReadSpec) -> None:
        super().__init__()
        self._spec = spec

    def get_name(self) -> str:
        return "PictographImages"

    def estimate_inmemory_data_size(self) -> int | None:
        return None

    def get_read_tasks(self, parallelism: int, per_task_row_limit: int | None = None,
                       data_context: Any = None) -> list[Any]:
        spec = self._spec
        wanted = spec.override if spec.override is not None else parallelism
        minimum = 1 if spec.override is not None else MIN_SLICE
        tasks = []
        for start, stop in plan_slices(spec.total, wanted, minimum):
            rows = None if stop is None or spec.folder is not None else stop - start
            read_fn = _ReadSlice(spec, start, stop)
            if per_task_row_limit is not None:
                tasks.append(ReadTask(read_fn, _block_metadata(rows), per_task_row_limit=per_task_row_limit))
            else:
                tasks.append(ReadTask(read_fn, _block_metadata(rows)))
        return tasks


@attrs.frozen
class _ReadSlice:
    """One read task: the images at offsets ``[start, stop)`` of the list (``stop=None``: to its end)."""

    spec: ReadSpec
    start: int
    stop: int | None

    def __call__(self) -> Iterator[pa.Table]:
        loop = asyncio.new_event_loop()
        try:
            client = worker_client(dict(self.spec.client_options))
            try:
                state = _TaskState(self.spec, engine_of(client))
                offset = self.start
                while self.stop is None or offset < self.stop:
                    limit = PAGE if self.stop is None else min(PAGE, self.stop - offset)
                    images, received, more = loop.run_until_complete(state.page(offset, limit))
                    if images:
                        rows = loop.run_until_complete(state.rows(images))
                        step = DECODED_BLOCK if self.spec.decode else max(1, len(rows))
                        for at in range(0, len(rows), step):
                            yield _table(rows[at:at + step], self.spec)
                    offset += received  # what was received, never the limit (§1.5)
                    if not more:
                        break
            finally:
                loop.run_until_complete(client.aclose())
        finally:
            loop.close()


class _TaskState:
    """The requests of one read task: its pages, its signed listings (asked once each), its byte fetches."""

    def __init__(self, spec: ReadSpec, engine: Engine) -> None:
        self.spec = spec
        self.engine = engine
        self.reader = Reader(engine.transport, spec.dataset_id, spec.scope)
        self.urls: dict[str, str] = {}
        self.tried: set[str | None] = set()
        self.full = False
        self.seen: set[str] = set()

    async def page(self, offset: int, limit: int) -> tuple[list[Listed], int, bool]:
        """The images of one page in scope (new to this task), how many items came, whether more may follow."""
        images, refused, received, has_more = await self._guard(self.reader.page(self.spec.dataset_id, offset, limit))
        for failure in refused:
            logger.warning("pictograph.ray: an image of %s was left out: %s", self.spec.dataset_name, failure.error)
        keeps = self.spec.scope.keeps
        kept = []
        for image in images:
            # An offset page that shifted repeats items of the page before (§1.5): each image once per task.
            if keeps(image) and image.id not in self.seen:
                self.seen.add(image.id)
                kept.append(image)
        return kept, received, not is_last_page(received, limit, has_more)

    async def _guard(self, call: Awaitable[T]) -> T:
        """``call``, with a spent hourly budget told as what to do about it (a short ``Retry-After`` the
        transport has already waited out)."""
        try:
            return await call
        except RateLimitError as exc:
            if exc.retry_after is None or exc.retry_after <= MAX_RETRY_AFTER:
                raise
            raise RateLimitError(
                f"the organization's hourly request budget is spent (the API asks to wait {exc.retry_after:.0f} s):"
                " run the job again later, or read with fewer API requests per image (see docs/ray.md)",
                status_code=exc.status_code, code=exc.code, request_id=exc.request_id,
                retry_after=exc.retry_after) from None

    async def _send(self, request: dict[str, Any]) -> tuple[int, bytes]:
        response = await self._guard(self.engine.transport.send(request))
        return response.status_code, response.content

    async def rows(self, images: list[Listed]) -> list[dict[str, Any]]:
        await self._cover(images)
        gate = asyncio.Semaphore(TASK_CONCURRENCY)

        async def one(image: Listed) -> dict[str, Any] | None:
            async with gate:
                return await self._row(image)

        found = await asyncio.gather(*(one(image) for image in images))
        return [row for row in found if row is not None]

    async def _cover(self, images: list[Listed]) -> None:
        """Signed URLs for as many of ``images`` as listings cover; each listing is asked once per task."""
        words: list[str | None] = []
        if not self.tried:
            words.append(self.spec.status)
        elif self.full and self.spec.status is None:
            for image in images:
                if image.relpath not in self.urls:
                    words.extend(w for w in LISTING_WORDS.get(image.status, (image.status,))
                                 if w not in self.tried and w not in words)
        for word in words:
            self.tried.add(word)
            try:
                items = await self._listing(word)
            except NotFoundError:
                raise
            except PictographError:
                if word == self.spec.status:
                    raise
                continue  # a status word this server does not take
            for item in items:
                path, url = item.get("filename"), item.get("image_url")
                if isinstance(path, str) and isinstance(url, str) and url:
                    self.urls[path] = url
            if word == self.spec.status:
                self.full = len(items) >= LISTING_LIMIT

    async def _listing(self, status: str | None) -> list[dict[str, Any]]:
        return await self._guard(self.reader.listing(status))

    async def _row(self, image: Listed) -> dict[str, Any] | None:
        try:
            data = await self._bytes(image)
            annotations = await self._annotations(image) if self.spec.annotations else None
        except NotFoundError:
            logger.warning("pictograph.ray: image %s (%s) was deleted during the read and is left out",
                           image.relpath, image.id)
            return None
        row: dict[str, Any] = {
            "id": image.id, "dataset_id": self.spec.dataset_id, "path": image.relpath, "filename": image.filename,
            "folder": image.directory_path, "split": image.split, "status": image.status, "width": image.width,
            "height": image.height,
        }
        row["bytes"] = data
        row["listed"] = image  # for the decode error's message, dropped when the block is made
        if annotations is not None:
            row["annotations"] = annotations
        return row

    async def _bytes(self, image: Listed) -> bytes:
        """From the signed URL when a listing covered the image (no API request), else by the API byte route."""
        url = self.urls.get(image.relpath)
        engine = self.engine
        if url is not None:
            for attempt in range(engine.attempts):
                try:
                    status, body = await engine.storage.call("GET", url, engine.image_timeout, {}, None)
                except (httpx.HTTPError, OSError):
                    status, body = 0, b""
                if status < 300 and status and (not image.file_size or len(body) == image.file_size):
                    return body
                if status in EXPIRED_URL_STATUSES:
                    break  # an old signature: the API route serves the image instead
                if attempt + 1 < engine.attempts:
                    await engine.backoff(attempt)
        status, content = await self._send(get_image_bytes._get_kwargs(image.id))
        return content

    async def _annotations(self, image: Listed) -> str:
        """The image's annotations as canonical JSON text (``[]`` without a request when the list says none)."""
        if not image.annotation_count:
            return "[]"
        status, content = await self._send(get_annotations._get_kwargs(self.spec.dataset_id, image.relpath))
        found = annotations_of(json_body(status, content, "Annotations"))
        return json.dumps(found, ensure_ascii=False, separators=(",", ":"))


def _decode(data: bytes, image: Listed) -> np.ndarray[Any, Any]:
    """An H×W×3 uint8 array, the EXIF orientation applied (as the dataset's width and height are measured)."""
    from PIL import Image, ImageOps

    try:
        with Image.open(io.BytesIO(data)) as opened:
            upright = ImageOps.exif_transpose(opened)
            return np.asarray(upright.convert("RGB"), dtype=np.uint8)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise PictographError(f"image {image.relpath} ({image.id}) does not decode ({exc}); read with "
                              "decode=False to get its bytes") from None


def _table(rows: list[dict[str, Any]], spec: ReadSpec) -> pa.Table:
    columns: dict[str, Any] = {name: pa.array([r[name] for r in rows], type=kind) for name, kind in _META_FIELDS}
    if spec.decode:  # decoded here, one block at a time: the page's other rows stay compressed meanwhile
        images = BlockAccessor.batch_to_block({"image": [_decode(r["bytes"], r["listed"]) for r in rows]})
        columns["image"] = images.column("image")
    else:
        columns["bytes"] = pa.array([r["bytes"] for r in rows], type=pa.binary())
    if spec.annotations:
        columns["annotations"] = pa.array([r["annotations"] for r in rows], type=pa.string())
    return pa.table(columns)
