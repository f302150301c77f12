"""``as_pytorch(..., stream=True)``: an iterable dataset for datasets larger than the disk.

Each epoch walks the images list in pages (docs/wire-protocol.md §3.1). Pages are the unit of work: the page
numbers, shuffled alike in every process when a seed asks for it, are dealt out round-robin to every DataLoader
worker of every distributed rank, so each image comes once per epoch across all of them (while the dataset does
not change under the walk: offset pages are not a snapshot, §1.5). A process lists only its own pages, fetches
their images through the API's byte route (§3.1) and the annotations route (§4.1), a few at a time, into a cache
folder held under a size bound, and serves them in page order.

A process that iterates builds its own client from the parent's settings: a worker never reuses the parent's
connections, and the API key is never pickled. A worker reads it from ``PICTOGRAPH_API_KEY``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from pictograph_api.api.annotations import get_annotations
from pictograph_api.api.images import get_image_bytes
from torch.utils.data import IterableDataset, get_worker_info

from pictograph._args import check_split, in_folder, normalize_folder
from pictograph._config import ENV_API_KEY
from pictograph._mirror_read import class_map, ordered_classes, poses, targets
from pictograph._protocol import json_body
from pictograph._transfers._mirror_plan import annotations_of
from pictograph.errors import ConfigurationError
from pictograph.torch._common import Transform, check_callable, joint_count, open_image, target_of

if TYPE_CHECKING:
    from pictograph._sync._client import Client
    from pictograph._sync._listing import ListedImage

PAGE_SIZE = 1000
_FETCHERS = 8  # files in flight per process: the byte route's latency, not its bandwidth, bounds a page


@attrs.frozen(repr=False)
class Settings:
    """What a process needs to make its own client: everything but the key."""

    base_url: str
    timeout: float
    max_retries: int


def distributed_rank() -> tuple[int, int]:
    """``(rank, world size)``: from ``torch.distributed`` when it is initialised, else ``RANK``/``WORLD_SIZE``."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        return dist.get_rank(), dist.get_world_size()
    rank, world = os.environ.get("RANK", "0"), os.environ.get("WORLD_SIZE", "1")
    if not (rank.strip().isdigit() and world.strip().isdigit()) or not 0 <= int(rank) < int(world):
        raise ValueError(f"RANK={rank!r} and WORLD_SIZE={world!r} must be whole numbers with 0 <= RANK < WORLD_SIZE")
    return int(rank), int(world)


class StreamDataset(IterableDataset[tuple[Any, Any]]):
    """The images of a dataset, fetched page by page as they are served (made by ``as_pytorch(stream=True)``).

    Items are ``(image, target)`` as in the map-style dataset. ``set_epoch(n)`` before each epoch changes the
    shuffle (with ``shuffle=True``); the order is otherwise the images list's, the same on every run.
    ``cache_dir`` keeps fetched files up to about ``cache_bytes``: a later epoch reads what is still there
    instead of fetching it again.
    """

    def __init__(self, *, dataset_id: str, dataset_name: str, classes: Sequence[Mapping[str, Any]],
                 image_count: int, settings: Settings, api_key: str, cache_dir: Path, cache_bytes: int,
                 split: str | None = None, folder: str | None = None, status_filter: str | None = None,
                 class_to_idx: Mapping[str, int] | None = None, transform: Transform | None = None,
                 target_transform: Transform | None = None, masks: bool = False, shuffle: bool = False,
                 seed: int = 0, page_size: int = PAGE_SIZE) -> None:
        check_split(split)
        if isinstance(cache_bytes, bool) or not isinstance(cache_bytes, int) or cache_bytes < 1:
            raise ValueError(f"cache_bytes must be a number of bytes >= 1, got {cache_bytes!r}")
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise ValueError(f"seed must be an integer, got {seed!r}")
        self.dataset_id, self.dataset_name = dataset_id, dataset_name
        self._classes = tuple(classes)
        self._map = class_map(self._classes, class_to_idx, dataset_name)
        self._poses = poses(self._classes)
        self._joints = joint_count(self._poses)
        self._pages = -(-image_count // page_size)
        self._page_size = page_size
        self._settings = settings
        self._key: str | None = api_key  # used only in the process that made the dataset; never pickled
        self._owner = os.getpid()
        self.cache_dir, self.cache_bytes = Path(cache_dir), cache_bytes
        self._split, self._status = split, status_filter
        self._folder = None if folder is None else normalize_folder(folder, "folder")
        self.transform = check_callable("transform", transform)
        self.target_transform = check_callable("target_transform", target_transform)
        self.masks, self.shuffle, self.seed, self.epoch = masks, shuffle, seed, 0

    def __repr__(self) -> str:
        return f"<StreamDataset {self.dataset_name!r}: {self._pages} pages, cache {self.cache_dir}>"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_key"] = None
        return state

    @property
    def classes(self) -> list[str]:
        return ordered_classes(self._map)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return dict(self._map)

    def set_epoch(self, epoch: int) -> None:
        """The epoch the next iteration serves: with ``shuffle=True`` each epoch has its own order."""
        if isinstance(epoch, bool) or not isinstance(epoch, int) or epoch < 0:
            raise ValueError(f"epoch must be an integer >= 0, got {epoch!r}")
        self.epoch = epoch

    def pages_of(self, slot: int, slots: int) -> list[int]:
        """The page numbers process ``slot`` of ``slots`` serves this epoch, in the order it serves them."""
        pages = list(range(self._pages))
        if self.shuffle:
            random.Random(f"{self.seed}:{self.epoch}").shuffle(pages)
        return pages[slot::slots]

    def _keeps(self, image: ListedImage) -> bool:
        return ((self._split is None or image.split == self._split)
                and (self._status is None or image.status == self._status)
                and (self._folder is None or in_folder(image.directory_path, self._folder)))

    def _client(self) -> Client:
        from pictograph._sync._client import Client

        settings = self._settings
        key = self._key if get_worker_info() is None and os.getpid() == self._owner else None
        try:
            return Client(api_key=key, base_url=settings.base_url, timeout=settings.timeout,
                          max_retries=settings.max_retries)
        except ConfigurationError as exc:
            raise ConfigurationError(f"a DataLoader worker of a stream=True dataset reads the API key from "
                                     f"{ENV_API_KEY} (the key is never pickled into workers): set it in the "
                                     f"environment of the training process ({exc})") from None

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        from pictograph._sync._listing import ListedImage, fetch_page, listing_query

        info = get_worker_info()
        worker, workers = (info.id, info.num_workers) if info is not None else (0, 1)
        rank, world = distributed_rank()
        mine = self.pages_of(rank * workers + worker, world * workers)
        query = listing_query(self.dataset_id, page_size=self._page_size)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        with self._client() as client, ThreadPoolExecutor(_FETCHERS) as pool:
            for page in mine:
                listed, _ = fetch_page(client, query, page * self._page_size, self._page_size, ListedImage)
                images = [image for image in listed if self._keeps(image)]
                if self.shuffle:
                    random.Random(f"{self.seed}:{self.epoch}:{page}").shuffle(images)
                for image, (data, annotations) in zip(
                        images, pool.map(lambda image: self._fetch(client, image), images), strict=True):
                    yield self._item(image, data, annotations)
                _trim(self.cache_dir, self.cache_bytes)

    def _fetch(self, client: Client, image: ListedImage) -> tuple[bytes, list[dict[str, Any]]]:
        suffix = Path(image.filename).suffix.lower()[:8]
        file = self.cache_dir / f"{_name(image.id)}{suffix}"
        data = _read_sized(file, image.file_size)
        if data is None:
            data = client._transport.send(get_image_bytes._get_kwargs(image.id)).content
            _write(file, data)
        annotations: list[Any] = []
        if image.annotation_count:
            # Named by what the images list tells of the annotations, as the mirror decides on a refetch.
            note = self.cache_dir / f"{_name(image.id)}.{image.annotation_count}.{_name(image.status)}.json"
            raw = _read_sized(note, None)
            if raw is None:
                response = client._transport.send(get_annotations._get_kwargs(self.dataset_id, image.image_path))
                raw = json.dumps(annotations_of(json_body(response.status_code, response.content, "AnnotationList"))).encode()
                _write(note, raw)
            annotations = json.loads(raw)
        return data, annotations

    def _item(self, image: ListedImage, data: bytes, annotations: list[Any]) -> tuple[Any, Any]:
        from pictograph._canonical import check_response_annotations

        canonical = check_response_annotations(annotations)
        picture = open_image(data)
        found = targets(canonical, self._map, self._poses)
        target: Any = target_of(found, image.id, canonical, picture.size, masks=self.masks, joints=self._joints)
        out: Any = picture if self.transform is None else self.transform(picture)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return out, target


def _name(text: str) -> str:
    """A server-given id as a file name that cannot leave the cache folder."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", text)[:120] or "_"


def _read_sized(file: Path, size: int | None) -> bytes | None:
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        return None
    return data if size is None or len(data) == size else None


def _write(file: Path, data: bytes) -> None:
    """Write through a temporary name, so a reader in another worker never sees half a file."""
    part = file.with_name(f"{file.name}.{os.getpid()}.part")
    part.write_bytes(data)
    os.replace(part, file)


def _trim(folder: Path, limit: int) -> None:
    """Remove the oldest cached files until the folder holds at most ``limit`` bytes (other workers trim the same
    folder: a file gone already is fine)."""
    entries = []
    total = 0
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.endswith(".part"):
                continue  # another worker is writing it
            with contextlib.suppress(FileNotFoundError):
                st = entry.stat()
                entries.append((st.st_mtime_ns, st.st_size, entry.path))
                total += st.st_size
    if total <= limit:
        return
    for _mtime, size, path in sorted(entries):
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)
        total -= size
        if total <= limit * 0.9:
            return
