"""The map-style dataset over a synced mirror folder: ``len(ds)``, ``ds[i] -> (image, target)``, offline."""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path
from typing import Any

from torch.utils.data import Dataset

from pictograph._mirror_read import (
    Index,
    class_map,
    count_skipped,
    open_index,
    ordered_classes,
    poses,
    read_annotations,
    targets,
)
from pictograph.torch._common import (
    Transform,
    check_callable,
    check_class_map,
    joint_count,
    open_image,
    target_of,
)


class MirrorDataset(Dataset[tuple[Any, Any]]):
    """Images of a synced dataset folder with their detection targets, read from the folder alone.

    Made by ``client.datasets.as_pytorch(...)`` or :func:`pictograph.torch.load`. Its state is the folder's path
    and compact tuples read from the manifest when it is made (no client, key or open database), so it pickles
    into ``DataLoader`` workers under fork and spawn alike, and no worker ever makes a request.

    ``classes`` and ``class_to_idx`` come from the dataset's class list, in its order, as the mirror stored it,
    so every split and every rerun gets the same indexes. An annotation of a class outside ``class_to_idx``
    stays in ``target["annotations"]`` and is left out of the other fields; ``skipped`` counts them.
    """

    def __init__(self, index: Index, *, class_to_idx: Mapping[str, int] | None = None,
                 transform: Transform | None = None, target_transform: Transform | None = None,
                 masks: bool = False) -> None:
        if not isinstance(masks, bool):
            raise ValueError(f"masks must be True or False, got {masks!r}")
        self._index = index
        self._map = class_map(index.classes, check_class_map(class_to_idx), index.dataset_name)
        self._poses = poses(index.classes)
        self._joints = joint_count(self._poses)
        self.transform = check_callable("transform", transform)
        self.target_transform = check_callable("target_transform", target_transform)
        self.masks = masks

    def __repr__(self) -> str:
        return f"<MirrorDataset {self._index.dataset_name!r}: {len(self)} images in {self._index.root}>"

    # ------------------------------------------------------------------ what it holds
    @property
    def root(self) -> Path:
        """The mirror folder the images are read from."""
        return Path(self._index.root)

    @property
    def dataset_id(self) -> str:
        return self._index.dataset_id

    @property
    def classes(self) -> list[str]:
        """Class names in index order."""
        return ordered_classes(self._map)

    @property
    def class_to_idx(self) -> dict[str, int]:
        return dict(self._map)

    @property
    def image_ids(self) -> list[str]:
        """The image ids, item by item (``ds[i]`` is the image ``image_ids[i]``)."""
        return list(self._index.ids)

    @property
    def relpaths(self) -> list[str]:
        """Each item's path under :attr:`root` (the image's folder and file name)."""
        return list(self._index.relpaths)

    @cached_property
    def skipped(self) -> int:
        """Annotations whose class is outside :attr:`class_to_idx`, over every item (read once, on first use)."""
        return count_skipped(self._index, self._map)

    def __len__(self) -> int:
        return len(self._index)

    def __getitem__(self, i: int) -> tuple[Any, Any]:
        index = self._index
        if not -len(index) <= i < len(index):
            raise IndexError(f"item {i} of a dataset of {len(index)} images")
        relpath = index.relpaths[i]
        image = open_image(Path(index.root) / relpath)
        annotations = read_annotations(index.root, relpath, index.annotated[i])
        found = targets(annotations, self._map, self._poses)
        target: Any = target_of(found, index.ids[i], annotations, image.size, masks=self.masks, joints=self._joints)
        out: Any = image if self.transform is None else self.transform(image)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return out, target


def load(root: str | os.PathLike[str], split: str | None = None, *, folder: str | None = None,
         status_filter: str | None = None, transform: Transform | None = None,
         target_transform: Transform | None = None, class_to_idx: Mapping[str, int] | None = None,
         masks: bool = False) -> MirrorDataset:
    """Open a folder synced by ``client.datasets.sync`` (or ``as_pytorch``) as a dataset, offline.

    No client and no key: only the folder is read. ``split`` (``train``, ``val``, ``test``), ``folder`` (the
    dataset folder and its sub-folders) and ``status_filter`` keep part of the images; the class indexes stay the
    whole dataset's.

    Example::

        from torch.utils.data import DataLoader
        import pictograph.torch

        train = pictograph.torch.load("./road-scenes", split="train")
        loader = DataLoader(train, batch_size=4, collate_fn=pictograph.torch.collate)
    """
    return MirrorDataset(open_index(root, split=split, folder=folder, status_filter=status_filter),
                         class_to_idx=class_to_idx, transform=transform, target_transform=target_transform,
                         masks=masks)
