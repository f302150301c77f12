"""``client.exports`` (docs/wire-protocol.md §5, §8.6): build, list, fetch, wait for and delete exports.
The download of the ZIP is added by the transfers module."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictograph_api.api.exports import create_export, delete_export, get_export, list_exports
from pictograph_api.models.export_create import ExportCreate
from pictograph_api.types import UNSET

from pictograph import _transfers  # its engine is imported on the first transfer, not with this module
from pictograph._args import check_flag, check_name, check_optional_text, check_range
from pictograph._async._paging import AsyncOffsetPager
from pictograph._async._polling import check_wait_arguments, wait_for_job
from pictograph._model_base import build, read_page
from pictograph._progress import ProgressReporter
from pictograph._protocol import unwrap
from pictograph._transfers import TransferOptions
from pictograph.errors import NotFoundError
from pictograph.models import Export, ExportFormat

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient

_SUCCESS = frozenset({"completed"})
_FAILURE = frozenset({"failed"})


def _failure_message(export: Export) -> str:
    reason = export.error_message or "no error message was given"
    return f"export {export.name!r} of dataset {export.dataset_name!r} failed: {reason}"


class AsyncExports:
    """Exports: server-built ZIPs of a dataset in one format, addressed by dataset name and export name."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def create(
        self,
        dataset_name: str,
        name: str,
        format: ExportFormat | str = "pictograph",
        include_images: bool = True,
        class_filter: Sequence[str] | None = None,
        status_filter: str | None = "complete",
        wait: bool = True,
        poll_interval: float = 2.0,
        timeout: float = 600.0,
        organize_by_split: bool = False,
    ) -> Export:
        """Start building an export; with ``wait=True`` (the default) return it once it is terminal.

        A failed build raises ``ApiError`` (``code="job_failed"``); running out of ``timeout`` raises
        ``PollTimeoutError`` while the build goes on.

        Example::

            export = client.exports.create("road-signs", "for-yolov8", format="yolo", class_filter=["car"])
            print(export.status, export.image_count)
        """
        check_name("dataset_name", dataset_name)
        check_name("name", name)
        check_name("format", format)
        check_flag("include_images", include_images)
        check_flag("wait", wait)
        check_flag("organize_by_split", organize_by_split)
        check_optional_text("status_filter", status_filter)
        if class_filter is not None and (
            isinstance(class_filter, str) or not all(isinstance(c, str) for c in class_filter)
        ):
            raise ValueError(f"class_filter must be a list of class names, got {class_filter!r}")
        if wait:
            check_wait_arguments(poll_interval, timeout)
        fmt: Any = str(format)
        status: Any = UNSET if status_filter is None else status_filter
        body = ExportCreate(
            dataset_name=dataset_name,
            name=name,
            format_=fmt,
            include_images=include_images,
            class_filter=UNSET if class_filter is None else builtins.list(class_filter),
            status_filter=status,
            organize_by_split=True if organize_by_split else UNSET,
        )
        try:
            response = await self._transport.send(create_export._get_kwargs(body=body))
        except NotFoundError as exc:
            raise await self._client.datasets._not_found(dataset_name, exc) from None
        export = build(Export, unwrap(response.status_code, response.content, "data", "Export"))
        if not wait:
            return export
        return await self.wait_for_completion(dataset_name, name, poll_interval=poll_interval, timeout=timeout)

    async def _page(
        self, offset: int, limit: int, dataset_name: str | None, status: str | None
    ) -> tuple[builtins.list[Export], bool | None]:
        request = list_exports._get_kwargs(
            limit=limit,
            offset=offset,
            dataset_name=UNSET if dataset_name is None else dataset_name,
            status=UNSET if status is None else status,
        )
        response = await self._transport.send(request)
        return read_page(response.status_code, response.content, Export)

    async def list(
        self, limit: int = 100, offset: int = 0, dataset_name: str | None = None, status: str | None = None
    ) -> builtins.list[Export]:
        """One page of exports, optionally of one dataset and/or in one status.

        Example::

            for export in client.exports.list(limit=20, dataset_name="road-signs"):
                print(export.name, export.status)
        """
        check_range("limit", limit, 1, 1000)
        check_range("offset", offset, 0)
        check_optional_text("dataset_name", dataset_name)
        check_optional_text("status", status)
        items, _ = await self._page(offset, limit, dataset_name, status)
        return items

    def iter(
        self,
        page_size: int = 100,
        max_total: int | None = None,
        dataset_name: str | None = None,
        status: str | None = None,
    ) -> AsyncOffsetPager[Export]:
        """Every export (optionally filtered), fetched lazily page by page.

        Example::

            for export in client.exports.iter(page_size=50):
                print(export.dataset_name, export.name, export.status)
        """
        check_range("page_size", page_size, 1, 1000)
        check_optional_text("dataset_name", dataset_name)
        check_optional_text("status", status)

        async def fetch(offset: int, limit: int) -> tuple[builtins.list[Export], bool | None]:
            return await self._page(offset, limit, dataset_name, status)

        return AsyncOffsetPager(fetch, page_size=page_size, max_total=max_total)

    async def get(self, dataset_name: str, name: str) -> Export:
        """One export by dataset name and export name.

        Example::

            export = client.exports.get("road-signs", "for-yolov8")
            print(export.status, export.download_url)
        """
        check_name("dataset_name", dataset_name)
        check_name("name", name)
        try:
            response = await self._transport.send(get_export._get_kwargs(name, dataset=dataset_name))
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset_name, exc, f"export {name!r}") from None
        return build(Export, unwrap(response.status_code, response.content, "data", "Export"))

    async def wait_for_completion(
        self, dataset_name: str, name: str, poll_interval: float = 2.0, timeout: float = 600.0
    ) -> Export:
        """Poll an export until it is ``completed`` (returned) or ``failed`` (``ApiError``).

        Example::

            export = client.exports.wait_for_completion("road-signs", "for-yolov8", timeout=300.0)
        """
        check_name("dataset_name", dataset_name)
        check_name("name", name)
        check_wait_arguments(poll_interval, timeout)

        async def fetch() -> Export:
            return await self.get(dataset_name, name)

        return await wait_for_job(
            fetch,
            status_of=lambda e: e.status,
            success=_SUCCESS,
            failure=_FAILURE,
            failure_message=_failure_message,
            describe=f"export {name!r} of dataset {dataset_name!r}",
            poll_interval=poll_interval,
            timeout=timeout,
            sleep=self._transport.sleep,
            clock=self._transport.clock,
        )

    async def delete(self, dataset_name: str, name: str) -> None:
        """Delete an export and its ZIP (needs admin or owner).

        Example::

            client.exports.delete("road-signs", "for-yolov8")
        """
        check_name("dataset_name", dataset_name)
        check_name("name", name)
        try:
            await self._transport.send(delete_export._get_kwargs(name, dataset=dataset_name))
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset_name, exc, f"export {name!r}") from None

    # ------------------------------------------------------------------ transfers (pictograph/_transfers)
    async def download(
        self,
        dataset_name: str,
        name: str,
        output_path: str | os.PathLike[str],
        progress: Callable[[int, int], object] | ProgressReporter | None = None,
    ) -> Path:
        """Download a completed export's ZIP to ``output_path`` and return the path.

        Streamed in chunks to ``output_path.part`` and renamed when complete; an interrupted download resumes
        where it stopped (here or in a later call). ``progress(bytes_done, bytes_total)`` follows the bytes
        (``bytes_total`` is 0 when the size is unknown). The export must be completed first (see
        ``wait_for_completion``).

        Example::

            client.exports.download("road-signs", "for-yolov8", "road-signs.zip")
        """
        try:
            return await _transfers.AsyncTransfers.of(self._client).download_export(
                dataset_name, name, output_path, TransferOptions(progress=progress)
            )
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset_name, exc, f"export {name!r}") from None
