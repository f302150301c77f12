"""Flat CSV of bounding boxes (read and write), C7.

Header ``filename,width,height,class,xmin,ymin,xmax,ymax``; 0-based absolute pixels with ``xmax = x + w``;
RFC 4180 quoting.  Only boxes: polygons, polylines and keypoints are skipped, and images without boxes have no
row (both reported).
"""

from __future__ import annotations

import csv as _csv
from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import number
from pictograph.formats._io import safe_relpath
from pictograph.formats._model import AnnotatedDataset, Annotation, ImageRecord
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "write"]

NAME = "csv"
CAN_WRITE = True
SINGLE_FILE = "annotations.csv"
_HEADER = ["filename", "width", "height", "class", "xmin", "ymin", "xmax", "ymax"]


def _file(path: Path) -> Path | None:
    if path.is_file():
        return path if path.suffix.lower() == ".csv" else None
    found = sorted(path.rglob("*.csv"))
    return found[0] if len(found) == 1 else None


def detect(path: Path) -> int:
    f = _file(path)
    if f is None:
        return 0
    try:
        with open(f, encoding="utf-8", newline="") as fh:
            first = next(_csv.reader(fh), [])
    except (OSError, UnicodeDecodeError):
        return 0
    return 80 if [c.strip().lower() for c in first] == _HEADER else 10


def read(path: Path, notes: Notes, **options: Any) -> AnnotatedDataset:
    file = _file(path)
    if file is None:
        raise FormatError("no single CSV file found", path=str(path))
    fname = str(file)
    images: dict[str, list[Any]] = {}
    classes: list[str] = []
    try:
        with open(file, encoding="utf-8-sig", newline="") as fh:
            reader = _csv.reader(fh)
            header = next(reader, None)
            if header is None or [c.strip().lower() for c in header] != _HEADER:
                raise FormatError(f"header must be {','.join(_HEADER)}", path=fname, location="line 1")
            for row in reader:
                loc = f"line {reader.line_num}"
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(_HEADER):
                    raise FormatError(f"expected {len(_HEADER)} columns, got {len(row)}", path=fname, location=loc)
                filename = safe_relpath(row[0], path=fname, location=f"{loc} filename")
                w = number(row[1], path=fname, location=f"{loc} width", what="width") if row[1] else None
                h = number(row[2], path=fname, location=f"{loc} height", what="height") if row[2] else None
                if (w is not None and w <= 0) or (h is not None and h <= 0):
                    raise FormatError("image size must be positive", path=fname, location=loc)
                cls = row[3]
                if not cls.strip():
                    raise FormatError("class must not be blank", path=fname, location=f"{loc} class")
                x0, y0, x1, y1 = (number(row[i], path=fname, location=f"{loc} {_HEADER[i]}", what=_HEADER[i])
                                  for i in range(4, 8))
                rec = images.setdefault(filename, [w, h, []])
                if cls not in classes:
                    classes.append(cls)
                if x1 <= x0 or y1 <= y0:
                    notes.skip("read", "box with xmax <= xmin or ymax <= ymin", fname, loc, "bbox")
                    continue
                rec[2].append(Annotation(cls, "bbox", box=(x0, y0, x1 - x0, y1 - y0), id=str(len(rec[2]) + 1)))
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text ({exc.reason})", path=fname) from None
    except _csv.Error as exc:
        raise FormatError(f"malformed CSV ({exc})", path=fname) from None
    out = [ImageRecord(k, v[0], v[1], tuple(v[2]), None, fname) for k, v in images.items()]
    return AnnotatedDataset(images=out, classes=classes, notes=notes)


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, **options: Any) -> None:
    written = notes.written_counts
    with open(out_dir / SINGLE_FILE, "w", encoding="utf-8", newline="") as fh:
        w = _csv.writer(fh)
        w.writerow(_HEADER)
        for image in dataset.images:
            fname = image.filename
            rows = 0
            for k, ann in enumerate(image.annotations):
                t = ann.type
                if t != "bbox":
                    notes.skip("write", f"CSV holds bounding boxes only, not a {t}", fname, f"annotation {k}", t)
                    continue
                assert ann.box is not None
                if ann.oriented is not None:
                    notes.lossy("write", "box rotation dropped (axis-aligned hull written)", fname,
                                f"annotation {k}", t)
                x, y, bw, bh = ann.box
                w.writerow([fname, _s(image.width), _s(image.height), ann.name, x, y, x + bw, y + bh])
                written[t] += 1
                rows += 1
            if not rows:
                notes.skip("write", "image has no boxes, so no CSV row", fname, None, "image")
            notes.images_written += 1


def _s(v: float | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else repr(v)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
