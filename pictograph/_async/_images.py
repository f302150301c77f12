"""``client.images`` (docs/wire-protocol.md §3, §8.3): metadata, bytes and deletes. Uploads and downloads are added by
the transfers module."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from pictograph_api.api.images import delete_image_by_path, get_image_bytes, get_image_metadata
from pictograph_api.types import UNSET

from pictograph import _transfers  # its engine is imported on the first transfer, not with this module
from pictograph._args import check_flag, check_name, image_path_of
from pictograph._async._listing import fetch_page, listing_query, subtree_filter
from pictograph._async._paging import AsyncOffsetPager
from pictograph._model_base import build
from pictograph._progress import ProgressReporter
from pictograph._protocol import schema_error, unwrap
from pictograph._transfers import TransferOptions
from pictograph.errors import NotFoundError
from pictograph.models import Image
from pictograph.reports import BulkUploadReport

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient


class AsyncImages:
    """Images, addressed by id or by dataset and path (``"train/images/a.jpg"``)."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    def _pager(
        self,
        dataset: str,
        *,
        status: str | None = None,
        directory_path: str | None = None,
        split: str | None = None,
        folder: str | None = None,
        page_size: int = 1000,
        max_total: int | None = None,
        offset: int = 0,
    ) -> AsyncOffsetPager[Image]:
        """A lazy listing of a dataset's images (newest first), in pages of ``page_size`` (≤ 1000)."""
        query = listing_query(
            dataset, status=status, split=split, folder=folder, directory_path=directory_path, page_size=page_size
        )

        async def fetch(at: int, limit: int) -> tuple[builtins.list[Image], bool | None]:
            return await fetch_page(self._client, query, at, limit, Image)

        return AsyncOffsetPager(
            fetch, page_size=page_size, max_total=max_total, offset=offset, keep=subtree_filter(query)
        )

    def iter(
        self,
        dataset: str,
        page_size: int = 1000,
        status: str | None = None,
        split: str | None = None,
        folder: str | None = None,
    ) -> AsyncOffsetPager[Image]:
        """Every image of a dataset (newest first), fetched lazily one page of ``page_size`` (≤ 1000) at a time.

        Nothing is sent until the first item is asked for, and only one page is held at a time, so a dataset
        of any size can be walked in constant memory. ``status`` and ``split`` (``"train"``, ``"val"`` or
        ``"test"``) filter on the server. ``folder`` keeps a folder *and its sub-folders* (``"/train"`` holds
        ``/train/images`` but not ``/training``); the API can only match one folder exactly, so such a listing
        pages through the whole dataset and keeps the matching images on the client side. The list is not a
        snapshot: images added or removed while it runs can be skipped or repeated (docs/wire-protocol.md §1.5).

        Example::

            for image in client.images.iter("road-signs", split="train", folder="/signs"):
                print(image.image_path, image.file_size)
        """
        return self._pager(dataset, status=status, split=split, folder=folder, page_size=page_size)

    async def get(self, image_id: str) -> Image:
        """An image's metadata by id.

        Example::

            image = client.images.get("5d0c6a8e-2f4b-4c1e-9a7d-0e3b1f2a4c6d")
            print(image.filename, image.width, image.height)
        """
        check_name("image_id", image_id)
        try:
            response = await self._transport.send(get_image_metadata._get_kwargs(image_id))
        except NotFoundError as exc:
            raise NotFoundError(
                f"image {image_id!r} not found in this organization",
                status_code=exc.status_code,
                code=exc.code,
                request_id=exc.request_id,
                response=exc.response,
            ) from None
        return build(Image, unwrap(response.status_code, response.content, "data", "Image"))

    async def _resolve_image(self, image_id: str) -> Image:
        """The metadata of an image given only by id, which must name its dataset (else ``ServerError``)."""
        image = await self.get(image_id)
        if not image.dataset_id:
            raise schema_error("Image", f"the metadata of image {image_id!r} has no 'dataset_id'", image.to_dict())
        return image

    async def get_bytes(self, image_id: str) -> bytes:
        """The image file's bytes, by image id.

        Example::

            data = client.images.get_bytes(image.id)
        """
        check_name("image_id", image_id)
        response = await self._transport.send(get_image_bytes._get_kwargs(image_id))
        return response.content

    async def delete(self, image_id: str, permanent: bool = False) -> None:
        """Archive an image by id (``permanent=True`` deletes it for good; that needs admin or owner).

        Example::

            client.images.delete(image.id)
        """
        check_flag("permanent", permanent)
        image = await self._resolve_image(image_id)
        await self.delete_by_path(str(image.dataset_id), image.image_path, permanent=permanent)

    async def delete_by_path(self, dataset: str, image_path: str, permanent: bool = False) -> None:
        """Archive an image by dataset and path (``permanent=True`` deletes it for good).

        Example::

            client.images.delete_by_path("road-signs", "train/img_001.jpg")
        """
        check_name("dataset", dataset)
        image_path_of(image_path)
        check_flag("permanent", permanent)
        request = delete_image_by_path._get_kwargs(dataset, image_path, permanent=True if permanent else UNSET)
        try:
            await self._transport.send(request)
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset, exc, f"image {image_path!r}") from None

    # ------------------------------------------------------------------ transfers (pictograph/_transfers)
    async def download(self, dataset: str, image_path: str, output_path: str | os.PathLike[str]) -> Path:
        """Save one image's bytes to ``output_path`` (streamed; the file appears only when complete).

        Example::

            client.images.download("road-signs", "train/img_001.jpg", "img_001.jpg")
        """
        try:
            return await _transfers.AsyncTransfers.of(self._client).download_image(dataset, image_path, output_path)
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset, exc, f"image {image_path!r}") from None

    async def upload(
        self,
        dataset: str,
        file_path: str | os.PathLike[str],
        folder_path: str = "/",
        filename: str | None = None,
        content_type: str | None = None,
    ) -> Image:
        """Upload one image file into ``folder_path`` of a dataset and return the registered image.

        The MIME type comes from the extension (``.jpg``, ``.png``, ``.gif``, ``.bmp``, ``.webp``, ``.tif``,
        ``.heic``, ``.heif``) unless ``content_type`` is given; width and height are measured locally with the
        EXIF orientation applied.

        Example::

            image = client.images.upload("road-signs", "stop.jpg", folder_path="/train/images")
            print(image.id, image.width, image.height)
        """
        return await _transfers.AsyncTransfers.of(self._client).upload(dataset, file_path, folder_path, filename, content_type)

    async def upload_many(
        self,
        dataset: str,
        file_paths: Iterable[str | os.PathLike[str]],
        folder_path: str = "/",
        max_workers: int = 10,
        progress: Callable[[int, int, str], object] | ProgressReporter | None = None,
        show_progress: bool = False,
        *,
        shard: tuple[int, int] | None = None,
    ) -> BulkUploadReport:
        """Upload many image files (a folder given in ``file_paths`` is walked, keeping its subfolders).

        Files go up ``max_workers`` at a time, in chunks of at most 500 (bulk upload URLs, PUTs, bulk register;
        small first and last chunks keep the waits at both ends short); only registered images are in
        ``report.succeeded``, every file that did not make it is in ``report.failed`` with the reason.

        ``shard=(index, count)`` uploads only the files whose image path (``folder_path`` and subfolders plus
        file name) hashes to shard ``index`` of ``count``, the same split ``datasets.download(shard=...)``
        makes: ``count`` jobs given the same files (a Slurm array, Kubernetes job indexes) upload disjoint
        shares whose union is every file.

        Example::

            report = client.images.upload_many("road-signs", ["a.jpg", "b.png"], folder_path="/train")
            print(len(report.succeeded), [f.filename for f in report.failed])
        """
        return await _transfers.AsyncTransfers.of(self._client).upload_many(
            dataset, file_paths, folder_path, TransferOptions(max_workers, progress, show_progress, shard)
        )
