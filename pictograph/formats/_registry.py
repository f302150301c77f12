"""Format name → module.  Each format is one module of this package exposing:

* ``NAME`` and ``CAN_WRITE``; ``SINGLE_FILE`` (the default file name of one-file formats, else ``None``);
* ``detect(path) -> int``: a confidence score 0–100 that ``path`` (a file or an extracted folder) holds it;
* ``read(path, notes, **options) -> AnnotatedDataset``;
* ``write(dataset, out_dir, notes, **options) -> None`` (writers only) into an empty staging folder.
* optionally ``takes_compact(options) -> bool``: the writer takes the COCO reader's rows as they are.

These names are the module's ``__all__``; everything else in a format module is private to the package.

Modules are imported only when first used, so ``import pictograph.formats`` stays cheap.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, cast

from pictograph.errors import FormatError

__all__ = ["FORMATS", "READ_ONLY", "FormatModule", "get_format"]


class FormatModule(Protocol):
    NAME: str
    CAN_WRITE: bool
    SINGLE_FILE: str | None

    def detect(self, path: Path) -> int: ...

    def read(self, path: Path, notes: Any, **options: Any) -> Any: ...

    def write(self, dataset: Any, out_dir: Path, notes: Any, **options: Any) -> None: ...


_MODULES: dict[str, str] = {
    "pictograph": "pictograph.formats.pictograph",
    "coco": "pictograph.formats.coco",
    "yolo": "pictograph.formats.yolo",
    "pascal_voc": "pictograph.formats.pascal_voc",
    "cvat": "pictograph.formats.cvat",
    "labelme": "pictograph.formats.labelme",
    "csv": "pictograph.formats.csv",
    "v7": "pictograph.formats.v7",
    "roboflow": "pictograph.formats.roboflow",
}

FORMATS: tuple[str, ...] = tuple(_MODULES)
READ_ONLY: frozenset[str] = frozenset({"v7", "roboflow"})


def get_format(name: str, *, for_writing: bool = False) -> FormatModule:
    """The module of format ``name``; an unknown name or writing a read-only format raises FormatError."""
    if name not in _MODULES:
        raise FormatError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
    if for_writing and name in READ_ONLY:
        writable = ", ".join(f for f in FORMATS if f not in READ_ONLY)
        raise FormatError(f"format {name!r} can be read but not written; writable formats: {writable}")
    module: ModuleType = importlib.import_module(_MODULES[name])
    return cast(FormatModule, module)
