"""LabelMe JSON (wkentaro/labelme), one file per image (read and write).

``rectangle`` ↔ ``bbox`` (corners in any order on read), ``polygon`` ↔ ``polygon`` (outer ring only on write,
holes reported), ``linestrip``/``line`` ↔ ``polyline``, ``point`` ↔ ``keypoint``; ``circle`` and other shapes are
skipped (reported).  ``imageData`` is ignored on read and written as ``null``.  Files are written next to each
other as ``<image path without suffix>.json`` with ``imagePath`` relative to the JSON file.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path, PurePosixPath
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import is_number, label_stem, out_path
from pictograph.formats._io import load_json, safe_relpath
from pictograph.formats._model import AnnotatedDataset, Annotation, ImageRecord, ImageStream
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "write"]

NAME = "labelme"
CAN_WRITE = True
SINGLE_FILE = None
_VERSION = "5.5.0"


def _looks_labelme(file: Path) -> bool:
    try:
        with open(file, "rb") as f:
            head = f.read(1 << 14)
    except OSError:
        return False
    return b'"shapes"' in head or (b'"imagePath"' in head and b'"imageData"' in head)


def detect(path: Path) -> int:
    if path.is_file():
        return 70 if path.suffix.lower() == ".json" and _looks_labelme(path) else 0
    for i, p in enumerate(path.rglob("*.json")):
        if i > 20:
            break
        if _looks_labelme(p):
            return 60
    return 0


def read(path: Path, notes: Notes, *, scan_classes: bool = True, **options: Any) -> AnnotatedDataset:
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*.json") if _looks_labelme(p))
    root = path.parent if path.is_file() else path

    def images() -> Any:
        for file in files:
            yield _read_file(file, root, notes)

    classes: list[str] = []
    if scan_classes:
        seen: set[str] = set()
        for image in images():
            for a in image.annotations:
                if a.name not in seen:
                    seen.add(a.name)
                    classes.append(a.name)
        notes.issues.clear()
    return AnnotatedDataset(images=ImageStream(images), classes=classes, notes=notes)


def _points(value: Any, fname: str, loc: str) -> list[float]:
    if not isinstance(value, list):
        raise FormatError("points must be a list of [x, y]", path=fname, location=loc)
    flat: list[float] = []
    for i, p in enumerate(value):
        if not (isinstance(p, list) and len(p) == 2 and is_number(p[0]) and is_number(p[1])):
            raise FormatError(f"a point must be [x, y] numbers, got {p!r}", path=fname, location=f"{loc}[{i}]")
        flat += p
    return flat


def _read_file(file: Path, root: Path, notes: Notes) -> ImageRecord:
    fname = str(file)
    doc = load_json(file)
    if not isinstance(doc, dict):
        raise FormatError("a LabelMe file must hold a JSON object", path=fname, location="/")
    shapes = doc.get("shapes", [])
    if not isinstance(shapes, list):
        raise FormatError("'shapes' must be a list", path=fname, location="/shapes")
    image_path = doc.get("imagePath")
    if not isinstance(image_path, str) or not image_path:
        raise FormatError("missing imagePath", path=fname, location="/imagePath")
    rel_dir = file.parent.relative_to(root).as_posix() if file.parent != root else ""
    joined = posixpath.normpath(posixpath.join(rel_dir, image_path.replace("\\", "/")))
    if joined.startswith("../") or joined.startswith("/"):
        # The image lives outside the annotation folder: keep its file name, never a path that escapes.
        joined = posixpath.join(rel_dir, posixpath.basename(joined))
        notes.add("read", "normalized", f"imagePath {image_path!r} points outside the folder; file name kept",
                  fname, "/imagePath")
    filename = safe_relpath(joined, path=fname, location="/imagePath")
    w, h = doc.get("imageWidth"), doc.get("imageHeight")
    for key, v in (("imageWidth", w), ("imageHeight", h)):
        if v is not None and (not is_number(v) or v <= 0):
            raise FormatError(f"{key} must be a positive number, got {v!r}", path=fname, location=f"/{key}")
    anns: list[Annotation] = []
    for i, s in enumerate(shapes):
        loc = f"/shapes/{i}"
        if not isinstance(s, dict):
            raise FormatError("a shape must be an object", path=fname, location=loc)
        label = s.get("label")
        if not isinstance(label, str) or not label.strip():
            raise FormatError(f"label must be a non-blank string, got {label!r}", path=fname, location=f"{loc}/label")
        kind = s.get("shape_type") or "polygon"
        flat = _points(s.get("points"), fname, f"{loc}/points")
        n = len(flat) // 2
        attributes: Any = {}
        if isinstance(s.get("flags"), dict) and s["flags"]:
            attributes.update(s["flags"])
        if s.get("description"):
            attributes["description"] = s["description"]
        if s.get("group_id") is not None:
            attributes["group_id"] = s["group_id"]
        attributes = attributes or []
        ident = str(i + 1)
        if kind == "rectangle":
            if n != 2:
                raise FormatError(f"a rectangle needs 2 points, got {n}", path=fname, location=f"{loc}/points")
            x0, x1 = sorted((flat[0], flat[2]))
            y0, y1 = sorted((flat[1], flat[3]))
            if x1 <= x0 or y1 <= y0:
                notes.skip("read", "rectangle with zero width or height", fname, loc, "bbox")
                continue
            anns.append(Annotation(label, "bbox", box=(x0, y0, x1 - x0, y1 - y0), id=ident, attributes=attributes))
        elif kind == "polygon":
            if n < 3:
                notes.skip("read", "polygon with fewer than 3 points", fname, loc, "polygon")
                continue
            anns.append(Annotation(label, "polygon", paths=(tuple(flat),), id=ident, attributes=attributes))
        elif kind in ("linestrip", "line"):
            if n < 2:
                notes.skip("read", f"{kind} with fewer than 2 points", fname, loc, "polyline")
                continue
            anns.append(Annotation(label, "polyline", paths=(tuple(flat),), id=ident, attributes=attributes))
        elif kind == "point":
            if n != 1:
                raise FormatError(f"a point shape needs 1 point, got {n}", path=fname, location=f"{loc}/points")
            iid = s.get("group_id") if type(s.get("group_id")) is int and s["group_id"] >= 1 else None
            if isinstance(attributes, dict):
                attributes.pop("group_id", None)
            anns.append(Annotation(label, "keypoint", point=(flat[0], flat[1]), instance_id=iid, id=ident,
                                   attributes=attributes or []))
        else:
            notes.skip("read", f"LabelMe shape '{kind}' has no Pictograph form", fname, loc, str(kind))
    return ImageRecord(filename, w, h, tuple(anns), None, fname)


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, **options: Any) -> None:
    written = notes.written_counts
    seen: set[str] = set()
    for image in dataset.images:
        fname = image.filename
        safe = safe_relpath(fname, location="image file name")
        rel = f"{label_stem(safe)}.json"
        if rel in seen:
            notes.skip("write", f"another image already uses {rel}", fname)
            continue
        seen.add(rel)
        shapes: list[dict[str, Any]] = []
        for k, ann in enumerate(image.annotations):
            t = ann.type
            loc = f"annotation {k}"
            group_id = None
            if t == "bbox":
                assert ann.box is not None
                if ann.oriented is not None:
                    notes.lossy("write", "box rotation dropped (axis-aligned hull written)", fname, loc, t)
                x, y, w, h = ann.box
                pts = [[x, y], [x + w, y + h]]
                kind = "rectangle"
            elif t == "polygon":
                if len(ann.paths) > 1:
                    notes.lossy("write", f"{len(ann.paths) - 1} polygon hole(s) dropped (LabelMe polygons have "
                                "no holes)", fname, loc, t)
                r = ann.paths[0]
                if len(r) >= 8 and r[0] == r[-2] and r[1] == r[-1]:
                    r = r[:-2]
                pts = [[r[i], r[i + 1]] for i in range(0, len(r), 2)]
                kind = "polygon"
            elif t == "polyline":
                r = ann.paths[0]
                pts = [[r[i], r[i + 1]] for i in range(0, len(r), 2)]
                kind = "linestrip"
            else:
                assert ann.point is not None
                pts = [[ann.point[0], ann.point[1]]]
                kind = "point"
                group_id = ann.instance_id
            a = ann.attribute_dict()
            desc = a.pop("description", "")
            if t != "keypoint" and type(a.get("group_id")) is int:
                group_id = a.pop("group_id")
            shapes.append({"label": ann.name, "points": pts, "group_id": group_id,
                           "description": desc if isinstance(desc, str) else str(desc), "shape_type": kind,
                           "flags": {k2: v for k2, v in a.items() if isinstance(v, bool)}, "mask": None})
            if any(not isinstance(v, bool) for v in a.values()):
                notes.lossy("write", "non-boolean attributes dropped (LabelMe flags are booleans)", fname, loc, t)
            written[t] += 1
        image_path = PurePosixPath(safe).name
        doc: dict[str, Any] = {"version": _VERSION, "flags": {}, "shapes": shapes, "imagePath": image_path, "imageData": None,
               "imageHeight": image.height, "imageWidth": image.width}
        with open(out_path(out_dir, rel), "w", encoding="utf-8") as f:
            f.write(json.dumps(doc, ensure_ascii=False, indent=2))
        notes.images_written += 1


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
