"""Pascal VOC XML, one file per image (read and write).

Coordinates follow the devkit (C5): 1-based inclusive integer pixels.  Writing uses ``xmin = round(x) + 1``,
``ymin = round(y) + 1``, ``xmax = round(x + w)``, ``ymax = round(y + h)``; reading the inverse
``x = xmin - 1``, ``w = xmax - xmin + 1`` with float values accepted.  So only integer boxes survive a round
trip exactly; polygons become their box, rotations their hull (reported), polylines and keypoints are skipped
(reported).  An XML is written for every image, also those without objects, at
``Annotations/<image path without suffix>.xml``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import OutDir, label_stem, number
from pictograph.formats._io import parse_xml, safe_relpath
from pictograph.formats._model import (
    NAME_IS_KEY,
    ROTATED_BOX,
    AnnotatedDataset,
    Annotation,
    CompactImage,
    ImageRecord,
    ImageStream,
    annotation_rows,
)
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "takes_compact", "write"]


def _escape(text: str) -> str:
    """XML character data: ``&``, ``<`` and ``>`` escaped (``xml.sax.saxutils`` would import ``urllib``)."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


NAME = "pascal_voc"
CAN_WRITE = True
SINGLE_FILE = None


def _looks_voc(file: Path) -> bool:
    try:
        with open(file, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b"<annotation" in head and b"<annotations" not in head


def detect(path: Path) -> int:
    if path.is_file():
        return 70 if path.suffix.lower() == ".xml" and _looks_voc(path) else 0
    for i, p in enumerate(path.rglob("*.xml")):
        if i > 20:
            break
        if _looks_voc(p):
            return 65
    return 0


def read(path: Path, notes: Notes, *, scan_classes: bool = True, **options: Any) -> AnnotatedDataset:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.xml") if _looks_voc(p))
    classes: list[str] = []

    def images() -> Any:
        for file in files:
            yield _read_file(file, notes)

    # Class order: first-seen order over the files, which needs one cheap pass over the names.
    seen: set[str] = set()
    for file in files if scan_classes else ():
        root = parse_xml(file)
        for obj in root.findall("object"):
            n = (obj.findtext("name") or "").strip()
            if n and n not in seen:
                seen.add(n)
                classes.append(n)
    return AnnotatedDataset(images=ImageStream(images), classes=classes, notes=notes)


def _read_file(file: Path, notes: Notes) -> ImageRecord:
    fname = str(file)
    root = parse_xml(file)
    if root.tag != "annotation":
        raise FormatError(f"root element must be <annotation>, got <{root.tag}>", path=fname, location="/")
    raw = (root.findtext("filename") or "").strip()
    if not raw:
        raise FormatError("missing <filename>", path=fname, location="annotation/filename")
    filename = safe_relpath(raw, path=fname, location="annotation/filename")
    w = h = None
    size = root.find("size")
    if size is not None and size.findtext("width") and size.findtext("height"):
        w = number(size.findtext("width"), path=fname, location="annotation/size/width", what="width")
        h = number(size.findtext("height"), path=fname, location="annotation/size/height", what="height")
        if w < 0 or h < 0:
            raise FormatError("image size must not be negative", path=fname, location="annotation/size")
        if w == 0 or h == 0:
            w = h = None
    anns: list[Annotation] = []
    for i, obj in enumerate(root.findall("object"), start=1):
        loc = f"annotation/object[{i}]"
        name = (obj.findtext("name") or "").strip()
        if not name:
            raise FormatError("object without <name>", path=fname, location=f"{loc}/name")
        box = obj.find("bndbox")
        if box is None:
            raise FormatError("object without <bndbox>", path=fname, location=f"{loc}/bndbox")
        v = []
        for key in ("xmin", "ymin", "xmax", "ymax"):
            text = box.findtext(key)
            if text is None:
                raise FormatError(f"missing <{key}>", path=fname, location=f"{loc}/bndbox/{key}")
            v.append(number(text, path=fname, location=f"{loc}/bndbox/{key}", what=key))
        xmin, ymin, xmax, ymax = v
        bw, bh = xmax - xmin + 1, ymax - ymin + 1
        if bw <= 0 or bh <= 0:
            notes.skip("read", "box with xmax < xmin or ymax < ymin", fname, loc, "bbox")
            continue
        attributes: dict[str, Any] = {}
        for flag in ("difficult", "truncated", "occluded"):
            t = (obj.findtext(flag) or "").strip()
            if t not in ("", "0"):
                attributes[flag] = t in ("1", "true", "True")
        anns.append(Annotation(name, "bbox", box=(xmin - 1, ymin - 1, bw, bh), id=str(i),
                               attributes=attributes or []))
    return ImageRecord(filename, w, h, tuple(anns), None, fname)


_POLY_KEY: tuple[Any, str, str] = ("lossy", "polygon written as its bounding box", "polygon")
_ROUNDED = "box rounded to whole pixels (VOC integer pixels)"
_ROUND_KEYS: dict[str, tuple[Any, str, str]] = {t: ("normalized", _ROUNDED, t) for t in ("bbox", "polygon")}
_NO_FLAGS = "<truncated>0</truncated><difficult>0</difficult>"


def _objects(annotations: Iterable[Annotation], append: Callable[[str], Any], tally: dict[tuple[Any, str, str], int],
             image_written: dict[str, int], heads: dict[str, str], notes: Notes, fname: str) -> None:
    """The ``<object>`` elements of one image's annotations."""
    _row_objects(annotation_rows(annotations), NAME_IS_KEY, append, tally, image_written, heads, notes, fname)


def _row_objects(rows: Sequence[tuple[Any, ...]], names: Mapping[Any, str], append: Callable[[str], Any],
                 tally: dict[tuple[Any, str, str], int], image_written: dict[str, int], heads: dict[str, str],
                 notes: Notes, fname: str) -> None:
    """The ``<object>`` elements of one image given as CompactImage rows (see :func:`annotation_rows`), without
    an Annotation per object."""
    isfinite = math.isfinite
    for k, (_, key, t, geo, _, _, attributes) in enumerate(rows):
        if t == "polygon":
            r = geo[0]
            xs = sorted(r[0::2])
            ys = sorted(r[1::2])
            x = xs[0]
            y = ys[0]
            x2 = xs[-1]
            y2 = ys[-1]
            tally[_POLY_KEY] = tally.get(_POLY_KEY, 0) + 1
        elif t == "bbox" or t == ROTATED_BOX:
            x, y, w, h = geo
            x2 = x + w
            y2 = y + h
            if t == ROTATED_BOX:
                t = "bbox"
                notes.lossy("write", "box rotation dropped (axis-aligned hull written)", fname,
                            f"annotation {k}", t)
        else:
            notes.skip("write", f"Pascal VOC cannot hold a {t}", fname, f"annotation {k}", t)
            continue
        if not (isfinite(x2) and isfinite(y2)):
            notes.skip("write", "coordinates too large for integer pixels", fname, f"annotation {k}", t)
            continue
        xmin = round(x) + 1
        ymin = round(y) + 1
        xmax = round(x2)
        ymax = round(y2)
        if xmax < xmin or ymax < ymin:
            notes.skip("write", "box smaller than a pixel cannot be written in integer pixels", fname,
                       f"annotation {k}", t)
            continue
        if xmin - 1 != x or ymin - 1 != y or xmax != x2 or ymax != y2:
            rkey = _ROUND_KEYS[t]
            tally[rkey] = tally.get(rkey, 0) + 1
        name = names[key]
        head = heads.get(name)
        if head is None:
            head = heads[name] = f"<object><name>{_escape(name)}</name><pose>Unspecified</pose>"
        if attributes and isinstance(attributes, dict):
            flags = (f"<truncated>{int(bool(attributes.get('truncated')))}</truncated>"
                     f"<difficult>{int(bool(attributes.get('difficult')))}</difficult>")
        else:
            flags = _NO_FLAGS
        append(f"{head}{flags}<bndbox><xmin>{xmin}</xmin><ymin>{ymin}</ymin><xmax>{xmax}</xmax>"
               f"<ymax>{ymax}</ymax></bndbox></object>")
        image_written[t] = image_written.get(t, 0) + 1


def takes_compact(options: dict[str, Any]) -> bool:
    """VOC boxes need only the numbers of boxes and polygons: the writer takes CompactImage rows."""
    return True


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, **options: Any) -> None:
    written = notes.written_counts
    seen: set[str] = set()
    out = OutDir(out_dir)
    heads: dict[str, str] = {}
    images: Iterable[ImageRecord | CompactImage] = dataset.images
    for image in images:
        fname = image.filename
        rel = f"Annotations/{label_stem(safe_relpath(fname, location='image file name'))}.xml"
        if rel in seen:
            notes.skip("write", f"another image already uses {rel}", fname)
            continue
        seen.add(rel)
        objects: list[str] = []
        tally: dict[tuple[Any, str, str], int] = {}
        image_written: dict[str, int] = {}
        if isinstance(image, CompactImage):
            _row_objects(image.rows, image.names, objects.append, tally, image_written, heads, notes, fname)
        else:
            _objects(image.annotations, objects.append, tally, image_written, heads, notes, fname)
        for kind, n in image_written.items():
            written[kind] += n
        if tally:
            notes.tally("write", fname, tally)
        size = ""
        if image.width is not None and image.height is not None:
            size = (f"<size><width>{_n(image.width)}</width><height>{_n(image.height)}</height>"
                    "<depth>3</depth></size>")
        else:
            notes.lossy("write", "image size unknown: <size> left out", fname)
        out.write(rel, f'<?xml version="1.0" encoding="utf-8"?>\n<annotation><folder></folder>'
                       f"<filename>{_escape(fname)}</filename><path></path><source><database>Unknown</database>"
                       f"</source>{size}<segmented>0</segmented>{''.join(objects)}</annotation>\n")
        notes.images_written += 1


def _n(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else str(v)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
