"""Hugging Face ``datasets`` of Pictograph data (``pip install 'pictograph[hf]'``), built from a synced mirror.

:func:`load` (and ``client.datasets.to_hf``) gives the object-detection layout of the Hub: ``image`` (an
``Image`` feature), ``image_id``, ``width``, ``height`` and ``objects`` with ``id``, ``area``, ``bbox`` (COCO's
x y w h, in pixels) and ``category`` (a ``ClassLabel`` of the dataset's class names, in the dataset's order, so
every split shares one map). The rows name the mirrored image files: no image is read into memory to build them.
Boxes follow the same rules as :mod:`pictograph.torch` (a pose is one object, labelled with its pose class);
annotations of a class the dataset no longer lists are left out.

Example::

    import pictograph.hf

    splits = pictograph.hf.load("./road-scenes")   # a DatasetDict: train, val, test
    print(splits["train"][0]["objects"]["category"])
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

try:
    import datasets
except ModuleNotFoundError as exc:  # the extra is missing: say how to install it, in one line
    if (exc.name or "").partition(".")[0] != "datasets":
        raise
    raise ModuleNotFoundError(f"pictograph.hf needs the hf extra: pip install 'pictograph[hf]' (missing: {exc.name})",
                              name=exc.name) from exc

from pictograph._imaging import measure
from pictograph._mirror_read import Index, class_map, open_index, poses, read_annotations, targets

__all__ = ["UNSPLIT", "features", "load"]

#: The key of the images that carry no split, in the DatasetDict of ``load(root)``.
UNSPLIT = "unsplit"


def features(class_names: list[str]) -> datasets.Features:
    """The Hub's object-detection features for a dataset of these classes."""
    return datasets.Features({
        "image": datasets.Image(),
        "image_id": datasets.Value("string"),
        "width": datasets.Value("int32"),
        "height": datasets.Value("int32"),
        "objects": datasets.Sequence({
            "id": datasets.Value("string"),
            "area": datasets.Value("float32"),
            "bbox": datasets.Sequence(datasets.Value("float32"), length=4),
            "category": datasets.ClassLabel(names=class_names),
        }),
    })


def _rows(index: Index, positions: list[int]) -> Iterator[dict[str, Any]]:
    mapping = class_map(index.classes, None, index.dataset_name)
    templates = poses(index.classes)
    root = Path(index.root)
    for i in positions:
        relpath = index.relpaths[i]
        file = root / relpath
        size = index.sizes[i] or measure(file)
        width, height = size if size is not None else (0, 0)
        found = targets(read_annotations(index.root, relpath, index.annotated[i]), mapping, templates)
        yield {
            "image": str(file),
            "image_id": index.ids[i],
            "width": width,
            "height": height,
            "objects": {
                "id": [r.annotation_id for r in found.instances],
                "area": [r.area for r in found.instances],
                "bbox": [[r.box[0], r.box[1], r.box[2] - r.box[0], r.box[3] - r.box[1]] for r in found.instances],
                "category": [r.label for r in found.instances],
            },
        }


def _table(index: Index, positions: list[int], names: list[str], split: str | None) -> datasets.Dataset:
    columns: dict[str, list[Any]] = {"image": [], "image_id": [], "width": [], "height": [], "objects": []}
    for row in _rows(index, positions):
        for key, value in row.items():
            columns[key].append(value)
    feats = features(names)
    info = datasets.DatasetInfo(description=f"Pictograph dataset {index.dataset_name!r} ({index.dataset_id})",
                                features=feats)
    return datasets.Dataset.from_dict(columns, features=feats, info=info,
                                      split=None if split is None else datasets.Split(split))


def load(root: str | os.PathLike[str], split: str | None = None) -> datasets.Dataset | datasets.DatasetDict:
    """The mirror folder at ``root`` as a ``Dataset`` (of one ``split``, or of every image), or as a
    ``DatasetDict`` keyed by split when ``split=None`` and the images carry splits (images without one go under
    ``"unsplit"``). Reads the folder only: no client, no request.
    """
    index = open_index(root, split=split)
    names = [str(c["name"]) for c in index.classes]
    if split is not None or not any(index.splits):
        return _table(index, list(range(len(index))), names, split)
    by_split: dict[str, list[int]] = {}
    for i, name in enumerate(index.splits):
        by_split.setdefault(name or UNSPLIT, []).append(i)
    ordered = [s for s in ("train", "val", "test", UNSPLIT) if s in by_split]
    return datasets.DatasetDict({s: _table(index, by_split[s], names, s) for s in ordered})


def __dir__() -> list[str]:
    return __all__
