"""``client.datasets`` and ``client.projects`` (docs/wire-protocol.md §2, §8.2)."""

from __future__ import annotations

import builtins
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pictograph_api.api.datasets import (
    create_dataset,
    delete_dataset,
    get_dataset,
    list_datasets,
    update_dataset,
)
from pictograph_api.models.dataset_class_input import DatasetClassInput
from pictograph_api.models.dataset_create import DatasetCreate
from pictograph_api.models.dataset_update import DatasetUpdate
from pictograph_api.types import UNSET, Unset

from pictograph import _transfers  # its engine is imported on the first transfer, not with this module
from pictograph._args import check_flag, check_name, check_optional_text, check_range, is_uuid, suggestion
from pictograph._async._paging import AsyncOffsetPager
from pictograph._model_base import build, read_page
from pictograph._progress import ProgressReporter
from pictograph._protocol import unwrap
from pictograph._transfers import DownloadOptions, SyncOptions, TransferOptions
from pictograph.errors import NotFoundError
from pictograph.models import Dataset, DatasetClass, DatasetDeleteSummary, Image
from pictograph.reports import DownloadReport, SyncReport

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient
    from pictograph.torch import MirrorDataset, StreamDataset

ClassInput = DatasetClass | Mapping[str, Any]


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_drop_nulls(v) for v in value]
    return value


def _classes(name: str, value: Sequence[ClassInput] | None) -> builtins.list[DatasetClassInput] | Unset:
    if value is None:
        return UNSET
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise ValueError(f"{name} must be a list of classes (dicts with a 'name', or DatasetClass objects)")
    out = []
    for i, item in enumerate(value):
        data = item.to_dict() if isinstance(item, DatasetClass) else item
        if not isinstance(data, Mapping) or not isinstance(data.get("name"), str) or not data["name"].strip():
            raise ValueError(f"{name}[{i}] must be a class with a non-empty 'name', got {item!r}")
        try:
            out.append(DatasetClassInput.from_dict(_drop_nulls(data)))
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"{name}[{i}] is not a valid class: {exc}") from None
    return out


def _types(value: Sequence[str] | None) -> Any:
    if value is None:
        return UNSET
    if isinstance(value, str) or not isinstance(value, Sequence) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"annotation_types must be a list of strings such as ['bbox', 'polygon'], got {value!r}")
    return builtins.list(value)


def _text(name: str, value: str | None) -> str | Unset:
    check_optional_text(name, value)
    return UNSET if value is None else value


class AsyncDatasets:
    """Datasets (also called projects) of the organization, addressed by name or UUID."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def _page(self, offset: int, limit: int) -> tuple[builtins.list[Dataset], bool | None]:
        response = await self._transport.send(list_datasets._get_kwargs(limit=limit, offset=offset))
        return read_page(response.status_code, response.content, Dataset)

    async def list(self, limit: int = 100, offset: int = 0) -> builtins.list[Dataset]:
        """One page of the organization's datasets (without their images).

        Example::

            for dataset in client.datasets.list(limit=50):
                print(dataset.name, dataset.image_count)
        """
        check_range("limit", limit, 1, 1000)
        check_range("offset", offset, 0)
        items, _ = await self._page(offset, limit)
        return items

    def iter(self, page_size: int = 100, max_total: int | None = None) -> AsyncOffsetPager[Dataset]:
        """Every dataset, fetched lazily page by page.

        Example::

            for dataset in client.datasets.iter(page_size=100):
                print(dataset.name)
        """
        check_range("page_size", page_size, 1, 1000)
        return AsyncOffsetPager(self._page, page_size=page_size, max_total=max_total)

    async def get(
        self, name: str, include_images: bool = False, images_limit: int = 1000, images_offset: int = 0
    ) -> Dataset:
        """A dataset by name or UUID; with ``include_images=True`` also one page of its images.

        Example::

            dataset = client.datasets.get("road-signs")
            print(dataset.id, [c.name for c in dataset.classes])
        """
        check_name("name", name)
        check_flag("include_images", include_images)
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
        """A dataset by its UUID (``ValueError`` when ``dataset_id`` is not one).

        Example::

            dataset = client.datasets.get_by_id("0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11")
        """
        if not isinstance(dataset_id, str) or not is_uuid(dataset_id):
            raise ValueError(f"dataset_id must be a UUID such as '0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11', got {dataset_id!r}")
        return await self.get(dataset_id)

    async def list_images(
        self,
        dataset: str,
        status: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        directory_path: str | None = None,
        *,
        split: str | None = None,
        folder: str | None = None,
    ) -> builtins.list[Image]:
        """Images of a dataset, newest first; ``limit=None`` means every image from ``offset`` on.

        They are fetched in pages of up to 1000 and returned in one list; to walk a large dataset without
        holding it all, use ``client.images.iter``. ``directory_path`` keeps one folder exactly, ``folder`` a
        folder and its sub-folders (filtered on the client side, see ``images.iter``); ``split`` is
        ``"train"``, ``"val"`` or ``"test"``.

        Example::

            done = client.datasets.list_images("road-signs", status="complete")
        """
        if limit is not None:
            check_range("limit", limit, 1)
        pager = self._client.images._pager(
            dataset, status=status, directory_path=directory_path, split=split, folder=folder, max_total=limit,
            offset=offset,
        )
        return await pager.all()

    async def create(
        self,
        name: str,
        description: str | None = None,
        readme: str | None = None,
        annotation_types: Sequence[str] | None = None,
        classes: Sequence[ClassInput] | None = None,
    ) -> Dataset:
        """Create a dataset (``ConflictError`` when the name is taken).

        Example::

            dataset = client.projects.create("road-signs", classes=[{"name": "stop"}, {"name": "yield"}])
        """
        check_name("name", name)
        body = DatasetCreate(
            name=name,
            description=_text("description", description),
            readme=_text("readme", readme),
            annotation_types=_types(annotation_types),
            classes=_classes("classes", classes),
        )
        response = await self._transport.send(create_dataset._get_kwargs(body=body))
        return build(Dataset, unwrap(response.status_code, response.content, "data", "Dataset"))

    async def update(
        self,
        name: str,
        new_name: str | None = None,
        description: str | None = None,
        readme: str | None = None,
        annotation_types: Sequence[str] | None = None,
        classes: Sequence[ClassInput] | None = None,
        classes_base: Sequence[ClassInput] | None = None,
    ) -> Dataset:
        """Change a dataset and return it as it is after the change.

        ``classes`` replaces the stored class list; with ``classes_base`` (the list as you last read it) the
        server merges your change into the stored list instead.

        Example::

            client.projects.update("road-signs", description="Signs of EU roads")
        """
        check_name("name", name)
        if new_name is not None:
            check_name("new_name", new_name)
        if classes_base is not None and classes is None:
            raise ValueError("classes_base needs classes: it is the list your change to classes is based on")
        body = DatasetUpdate(
            new_name=UNSET if new_name is None else new_name,
            description=_text("description", description),
            readme=_text("readme", readme),
            annotation_types=_types(annotation_types),
            classes=_classes("classes", classes),
            classes_base=_classes("classes_base", classes_base),
        )
        if not body.to_dict():
            raise ValueError("nothing to update: give at least one of new_name, description, readme, "
                             "annotation_types, classes")
        try:
            response = await self._transport.send(update_dataset._get_kwargs(name, body=body))
        except NotFoundError as exc:
            raise await self._not_found(name, exc) from None
        return build(Dataset, unwrap(response.status_code, response.content, "data", "Dataset"))

    async def delete(self, name: str) -> DatasetDeleteSummary:
        """Delete a dataset for good, with its images and stored files; returns what was removed.

        Example::

            summary = client.projects.delete("old-dataset")
            print(summary.images_deleted)
        """
        check_name("name", name)
        try:
            response = await self._transport.send(delete_dataset._get_kwargs(name))
        except NotFoundError as exc:
            raise await self._not_found(name, exc) from None
        payload = unwrap(response.status_code, response.content, "data", "DatasetDeleteSummary")
        return build(DatasetDeleteSummary, {} if payload is None else payload)

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

    async def _explain_miss(self, dataset: str, exc: NotFoundError, what: str) -> NotFoundError:
        """A 404 on a call addressing ``what`` inside ``dataset``: say which of the two is missing."""
        try:
            await self.get(dataset)
        except NotFoundError as missing:
            return missing
        except Exception:
            return exc
        return NotFoundError(
            f"{what} not found in dataset {dataset!r} ({exc.message})",
            status_code=exc.status_code,
            code=exc.code,
            request_id=exc.request_id,
            response=exc.response,
        )

    # ------------------------------------------------------------------ transfers (pictograph/_transfers)
    async def download(
        self,
        name: str,
        output_dir: str | os.PathLike[str],
        mode: str = "full",
        status_filter: str | None = None,
        max_workers: int = 10,
        progress: Callable[[int, int, str], object] | ProgressReporter | None = None,
        show_progress: bool = False,
        *,
        split: str | None = None,
        folder: str | None = None,
        shard: tuple[int, int] | None = None,
    ) -> DownloadReport:
        """Download a dataset's images and/or annotations into ``output_dir``, fetching ``max_workers`` files at once.

        Images go to ``output_dir/<filename>``, annotations to ``output_dir/<filename>.json``. Each file appears
        only when complete, and a rerun after a crash or Ctrl-C fetches only what is missing (a file already
        there with the image's size is kept, journal or not). Per-file problems never raise: they are in
        ``report.failures``. ``progress(done, total, filename)`` is called after each file;
        ``show_progress=True`` draws a bar on a terminal (``pip install 'pictograph[progress]'``).

        Any size: past the 10,000 files one download listing can name, the rest comes through the paged images
        list, from more signed listings where they reach and the API's byte route otherwise (those count against
        the hourly request budget; ``report.api_requests`` says what the call spent). When the budget runs out,
        the call stops cleanly: ``report.stopped`` says so, ``report.remaining`` counts what is left, and the same
        call later finishes the job. ``split`` (``train``, ``val``, ``test``) and ``folder`` (sub-folders
        included) keep only those images; ``shard=(index, count)`` keeps one of ``count`` disjoint shares (by a
        stable hash of the image path), so ``count`` processes or hosts together download the whole.

        Example::

            report = client.datasets.download("road-signs", "./dump", mode="full", status_filter="complete")
            print(report.images_downloaded, report.annotations_downloaded, len(report.failures))
        """
        try:
            return await _transfers.AsyncTransfers.of(self._client).download_dataset(
                name, output_dir, DownloadOptions(mode, status_filter, split, folder, shard),
                TransferOptions(max_workers, progress, show_progress),
            )
        except NotFoundError as exc:
            raise await self._not_found(name, exc) from None

    async def sync(
        self,
        name: str,
        output_dir: str | os.PathLike[str],
        mode: str = "full",
        status_filter: str | None = None,
        *,
        split: str | None = None,
        folder: str | None = None,
        delete: bool = True,
        max_workers: int = 10,
        progress: Callable[[int, int, str], object] | ProgressReporter | None = None,
        show_progress: bool = False,
        shard: tuple[int, int] | None = None,
        refresh_annotations: bool = False,
    ) -> SyncReport:
        """Make ``output_dir`` an exact mirror of the dataset (as filtered), and keep it one cheaply.

        Fetches new images, fetches again images whose bytes changed (a new id or size at a path), refreshes the
        annotation files of images whose annotations changed, and with ``delete=True`` removes the files of
        images that are gone or no longer match the filter. Only files this SDK wrote are ever removed (they are
        recorded in ``.pictograph-mirror.sqlite`` in the folder); a file of yours in the folder is never
        touched. A sync with nothing to do writes no file and costs only the listing requests (one per 1,000
        images). The report lists what was ``added``, ``updated`` and ``deleted``, counts what is
        ``unchanged``, and gives the ``failures`` (one file never raises) and the ``api_requests`` spent.
        Interrupted anywhere, the same call again converges to the same mirror.

        Changed annotations are found from what the images list tells of each image (the number of
        annotations, the lowest confidence and the status): an edit that keeps all three (a box moved, a label
        renamed) is caught with ``refresh_annotations=True``, which compares every annotation file with the
        server's. Many annotation files (100 or more) come from one annotations-only export, a few requests
        whatever the size, instead of one request each.

        Example::

            report = client.datasets.sync("road-signs", "./road-signs", split="train")
            print(len(report.added), "new,", len(report.deleted), "removed,", report.unchanged, "unchanged")
        """
        try:
            return await _transfers.AsyncTransfers.of(self._client).sync_dataset(
                name, output_dir,
                SyncOptions(mode, status_filter, split, folder, shard, delete, refresh_annotations),
                TransferOptions(max_workers, progress, show_progress),
            )
        except NotFoundError as exc:
            raise await self._not_found(name, exc) from None

    # ------------------------------------------------------------------ training (pictograph.torch, pictograph.hf)
    async def as_pytorch(
        self,
        name: str,
        *,
        root: str | os.PathLike[str] | None = None,
        split: str | None = None,
        folder: str | None = None,
        status_filter: str | None = None,
        transform: Callable[[Any], Any] | None = None,
        target_transform: Callable[[Any], Any] | None = None,
        class_to_idx: Mapping[str, int] | None = None,
        download: bool = True,
        masks: bool = False,
        stream: bool = False,
        shuffle: bool = False,
        seed: int = 0,
        cache_bytes: int = 2 * 1024**3,
        page_size: int = 1000,
        max_workers: int = 32,
        show_progress: bool = False,
        images_limit: int | None = None,
        augment: Any = None,
    ) -> MirrorDataset | StreamDataset:
        """A PyTorch dataset of ``name`` for ``torch.utils.data.DataLoader`` (``pip install 'pictograph[torch]'``).

        With ``download=True`` the dataset is first synced into ``root`` (a folder of its own under the cache
        folder, ``$PICTOGRAPH_CACHE`` or ``~/.cache/pictograph/datasets/<name>``, when left out): the first call
        fetches everything in bulk, later calls only what changed. With ``download=False`` the folder is read as it
        is and no request is made. The whole dataset is synced and ``split``, ``folder`` and ``status_filter`` keep
        part of it locally, so every split shares one folder and one class map. ``ds[i]`` is ``(image, target)``,
        the target in torchvision's detection convention (``masks=True`` adds instance masks); see
        docs/train-a-detector.md. ``stream=True`` returns an iterable dataset that fetches the images page by page
        into a cache of about ``cache_bytes`` instead (for datasets larger than the disk), split across DataLoader
        workers and distributed ranks by pages of ``page_size`` images, with a seeded shuffle per epoch
        (``shuffle``, ``seed``, ``set_epoch``).

        The sync fetches ``max_workers`` files at once, more than ``sync``'s 10 by default: a training set is
        many small files, whose fetch latency, not the bandwidth, bounds the first call.

        On the async client this is a coroutine that returns the dataset once the sync is done; the dataset itself
        is used as on the sync client.

        Example::

            train = client.datasets.as_pytorch("road-scenes", split="train")
            image, target = train[0]
        """
        from pictograph._mirror_read import check_official_arguments, default_root

        check_official_arguments(images_limit, augment)
        check_flag("download", download)
        check_flag("stream", stream)
        import pictograph.torch as training  # the install hint, before any request, when the extra is missing
        from pictograph.torch._stream import Settings

        if stream:
            dataset = await self.get(name)
            config = self._client._config
            return training.StreamDataset(
                dataset_id=dataset.id, dataset_name=dataset.name,
                classes=[c.to_dict() for c in dataset.classes], image_count=dataset.image_count,
                settings=Settings(config.base_url, config.timeout, config.max_retries),
                api_key=config.api_key, cache_dir=default_root(name, "stream") if root is None else Path(root),
                cache_bytes=cache_bytes, split=split, folder=folder, status_filter=status_filter,
                class_to_idx=class_to_idx, transform=transform, target_transform=target_transform, masks=masks,
                shuffle=shuffle, seed=seed, page_size=check_range("page_size", page_size, 1, 1000),
            )
        path = await self._synced(name, root, download, max_workers, show_progress)
        return training.load(path, split, folder=folder, status_filter=status_filter, transform=transform,
                             target_transform=target_transform, class_to_idx=class_to_idx, masks=masks)

    async def to_hf(
        self,
        name: str,
        *,
        root: str | os.PathLike[str] | None = None,
        split: str | None = None,
        download: bool = True,
        max_workers: int = 32,
        show_progress: bool = False,
    ) -> Any:
        """A Hugging Face ``datasets.Dataset`` of ``name`` in the Hub's object-detection layout
        (``pip install 'pictograph[hf]'``); a ``DatasetDict`` by split when ``split=None`` and the images carry
        splits. Synced into ``root`` first as :meth:`as_pytorch` does (``download=False``: no request at all); the
        rows name the mirrored files, so no image is held in memory. See :func:`pictograph.hf.load`.

        Example::

            ds = client.datasets.to_hf("road-scenes", split="train")
            print(ds.features["objects"])
        """
        check_flag("download", download)
        import pictograph.hf as hub  # the install hint, before any request, when the extra is missing

        path = await self._synced(name, root, download, max_workers, show_progress)
        return hub.load(path, split)

    async def _synced(self, name: str, root: str | os.PathLike[str] | None, download: bool, max_workers: int,
                      show_progress: bool) -> Path:
        """The mirror folder of ``name``, synced first when ``download``; an error when the sync left it partial."""
        from pictograph._mirror_read import default_root, incomplete_sync

        check_name("name", name)
        path = default_root(name) if root is None else Path(root)
        if download:
            report = await self.sync(name, path, max_workers=max_workers, show_progress=show_progress)
            incomplete_sync(report)
        return path
