"""A Roboflow COCO export folder — read only (docs/formats-notes.md §1.1).

Each split folder (``train``, ``valid``, ``test``) holds ``_annotations.coco.json`` next to its images; images
are read with ``subset`` = the folder name.  Roboflow's unreferenced category 0 (the project super-class, often
with a real class's name) does not become a class; ``segmentation: []`` means a box.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._model import AnnotatedDataset, ClassInfo, ImageStream
from pictograph.formats._report import Notes
from pictograph.formats.coco import _parse_coco_file

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read"]

NAME = "roboflow"
CAN_WRITE = False
SINGLE_FILE = None
_FILE = "_annotations.coco.json"


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path] if path.name == _FILE else []
    return sorted(path.rglob(_FILE))


def detect(path: Path) -> int:
    return 95 if _files(path) else 0


def read(path: Path, notes: Notes, *, compact_rows: bool = False, **options: Any) -> AnnotatedDataset:
    files = _files(path)
    if not files:
        raise FormatError(f"no {_FILE} found (expected a Roboflow COCO export folder)", path=str(path))
    root = path if path.is_dir() else path.parent
    classes: list[ClassInfo] = []
    parts: list[Any] = []
    for file in files:
        rel = file.parent.relative_to(root).as_posix()
        subset = None if rel == "." else rel
        cls, imgs = _parse_coco_file(file, notes, subset=subset, prefix=f"{subset}/" if subset else "",
                                    compact=compact_rows)
        known = {c.name for c in classes}
        classes.extend(c for c in cls if c.name not in known)
        parts.append(imgs)
    return AnnotatedDataset(images=ImageStream(lambda: (im for p in parts for im in p)), classes=classes,
                            notes=notes)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
