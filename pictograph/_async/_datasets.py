"""``client.datasets`` and ``client.projects`` (API reference §2, §8.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pictograph_api.api.datasets import get_dataset, list_datasets
from pictograph_api.types import UNSET

from pictograph._args import check_name, check_range, is_uuid, suggestion
from pictograph._model_base import build
from pictograph._protocol import schema_error, unwrap
from pictograph.errors import NotFoundError
from pictograph.models import Dataset

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient


class AsyncDatasets:
    """Datasets of the organization, addressed by name or UUID."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client._transport

    async def list(self, limit: int = 100, offset: int = 0) -> list[Dataset]:
        """One page of the organization's datasets (without their images).

        Example::

            for dataset in client.datasets.list(limit=50):
                print(dataset.name, dataset.image_count)
        """
        check_range("limit", limit, 1, 1000)
        check_range("offset", offset, 0)
        response = await self._transport.send(list_datasets._get_kwargs(limit=limit, offset=offset))
        payload = unwrap(response.status_code, response.content, "data", "Dataset list")
        if not isinstance(payload, list):
            raise schema_error("Dataset list", "expected a list of datasets", payload)
        return [build(Dataset, item, where=f"Dataset[{i}]") for i, item in enumerate(payload)]

    async def get(
        self, name: str, include_images: bool = False, images_limit: int = 1000, images_offset: int = 0
    ) -> Dataset:
        """A dataset by name or UUID; with ``include_images=True`` also one page of its images.

        Example::

            dataset = client.datasets.get("road-signs")
            print(dataset.id, [c.name for c in dataset.classes])
        """
        check_name("name", name)
        check_range("images_limit", images_limit, 1, 10000)
        check_range("images_offset", images_offset, 0)
        request = get_dataset._get_kwargs(
            name,
            include_images=True if include_images else UNSET,
            images_limit=images_limit if include_images else UNSET,
            images_offset=images_offset if include_images else UNSET,
        )
        try:
            response = await self._transport.send(request)
        except NotFoundError as exc:
            raise await self._not_found(name, exc) from None
        payload = unwrap(response.status_code, response.content, "data", "Dataset")
        return build(Dataset, payload)

    async def get_by_id(self, dataset_id: str) -> Dataset:
        """A dataset by its UUID (``ValueError`` when ``dataset_id`` is not one)."""
        if not isinstance(dataset_id, str) or not is_uuid(dataset_id):
            raise ValueError(f"dataset_id must be a UUID such as '0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11', got {dataset_id!r}")
        return await self.get(dataset_id)

    async def _not_found(self, name: str, exc: NotFoundError) -> NotFoundError:
        """Name the dataset, and suggest a close existing name (one extra listing, only on a miss)."""
        hint = ""
        if not is_uuid(name):
            try:
                names = [d.name for d in await self.list(limit=1000)]
            except Exception:
                names = []
            close = suggestion(name, names)
            if close is not None and close != name:
                hint = f"; did you mean {close!r}?"
        kind = "id" if is_uuid(name) else "name"
        message = (
            f"dataset {name!r} not found in this organization (looked up by {kind}; names are case-sensitive{hint})"
        )
        return NotFoundError(
            message, status_code=exc.status_code, code=exc.code, request_id=exc.request_id, response=exc.response
        )
