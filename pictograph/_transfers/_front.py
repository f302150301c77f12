"""``AsyncTransfers``: the async client's door to the transfer jobs, one method per job, run in the caller's task.

The facade (``pictograph/_async``) calls these methods; ``scripts/unasync.py`` turns ``AsyncTransfers`` into
``Transfers`` for the sync facade, which is the same door in :mod:`pictograph._transfers._threaded` (the jobs run
on the sync client's own loop thread). A new job is a module of its own (``async def job(engine, ...)``) plus one
method here and one there.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from pictograph._transfers._download import download_dataset
from pictograph._transfers._engine import Engine, close_engine, engine_of, set_storage_transport
from pictograph._transfers._export import download_export
from pictograph._transfers._image import download_image
from pictograph._transfers._mirror import sync_dataset
from pictograph._transfers._options import DownloadOptions, SyncOptions, TransferOptions
from pictograph._transfers._upload import upload
from pictograph._transfers._upload_many import upload_many
from pictograph.models import Image
from pictograph.reports import BulkUploadReport, DownloadReport, SyncReport

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient


class AsyncTransfers:
    """The transfer jobs of one ``AsyncClient`` (made per call by :meth:`of`; the engine is the client's)."""

    __slots__ = ("_engine",)

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    @classmethod
    def of(cls, client: AsyncClient) -> AsyncTransfers:
        """The jobs of ``client``, on its engine (made on first use)."""
        return cls(engine_of(client))

    @staticmethod
    def set_storage_transport(client: AsyncClient, transport: httpx.AsyncBaseTransport | None) -> None:
        """Route ``client``'s signed-URL requests through ``transport`` (before its first transfer; tests)."""
        set_storage_transport(client, transport)

    @staticmethod
    async def close_for(client: AsyncClient) -> None:
        """Close ``client``'s engine, if one was made (for ``client.aclose()``)."""
        await close_engine(client)

    async def download_dataset(
        self, name: str, output_dir: str | os.PathLike[str], options: DownloadOptions, transfer: TransferOptions
    ) -> DownloadReport:
        return await download_dataset(self._engine, name, output_dir, options, transfer)

    async def sync_dataset(
        self, name: str, output_dir: str | os.PathLike[str], options: SyncOptions, transfer: TransferOptions
    ) -> SyncReport:
        return await sync_dataset(self._engine, name, output_dir, options, transfer)

    async def download_image(self, dataset: str, image_path: str, output_path: str | os.PathLike[str]) -> Path:
        return await download_image(self._engine, dataset, image_path, output_path)

    async def download_export(
        self, dataset_name: str, name: str, output_path: str | os.PathLike[str], transfer: TransferOptions
    ) -> Path:
        return await download_export(self._engine, dataset_name, name, output_path, transfer)

    async def upload(
        self, dataset: str, file_path: str | os.PathLike[str], folder_path: str = "/", filename: str | None = None,
        content_type: str | None = None,
    ) -> Image:
        return await upload(self._engine, dataset, file_path, folder_path, filename, content_type)

    async def upload_many(
        self, dataset: str, file_paths: Iterable[str | os.PathLike[str]], folder_path: str, transfer: TransferOptions
    ) -> BulkUploadReport:
        return await upload_many(self._engine, dataset, file_paths, folder_path, transfer)
