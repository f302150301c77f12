"""Canonical Pictograph annotation JSON (docs/wire-protocol.md §4.3) — read and write.

Layouts read:

* the ``datasets.download`` layout and server exports: ``<image file name>.json`` holding the image's JSON
  array (or ``{"annotations": [...]}``), next to the images (sizes are read from the images with Pillow when
  installed, else unknown);
* a manifest ``pictograph.json``: ``{"format": "pictograph", "classes": [...], "images": [{"filename", "width",
  "height", "annotations"?}]}``; an image without ``annotations`` takes them from ``<filename>.json``;
* a single file holding one image's array (named after the file) or a manifest.

The SDK shorthand (§4.5) is accepted on read; every annotation is validated by :mod:`pictograph._canonical`.
Writing (``layout="per_image"``, default) gives ``<filename>.json`` per image plus the manifest with classes and
sizes; ``layout="single"`` puts everything in ``pictograph.json``.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from typing import Any

from pictograph._canonical import normalize_annotations
from pictograph.errors import FormatError, ValidationError
from pictograph.formats._common import is_number, out_path
from pictograph.formats._io import IMAGE_SUFFIXES, image_size_from_file, load_json, safe_relpath
from pictograph.formats._model import AnnotatedDataset, Annotation, ClassInfo, ImageRecord, ImageStream
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "write"]

NAME = "pictograph"
CAN_WRITE = True
SINGLE_FILE = None
_MANIFEST = "pictograph.json"


def _head(file: Path) -> bytes:
    try:
        with open(file, "rb") as f:
            return f.read(512).lstrip()
    except OSError:
        return b""


def _per_image_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json")
                  if p.name != _MANIFEST and (_head(p)[:1] == b"[" or _head(p).startswith(b'{"annotations"')))


def detect(path: Path) -> int:
    if path.is_file():
        head = _head(path)
        if path.suffix.lower() != ".json":
            return 0
        return 90 if b'"pictograph"' in head else (55 if head[:1] == b"[" else 0)
    if (path / _MANIFEST).is_file():
        return 90
    files = _per_image_files(path)
    if files and all(any(p.name.lower().endswith(s + ".json") for s in IMAGE_SUFFIXES) for p in files[:20]):
        return 70
    return 50 if files else 0


def _annotations_from_json(items: Any, fname: str, notes: Notes | None = None) -> tuple[Annotation, ...]:
    """Validate a canonical (or shorthand) annotation array and build :class:`Annotation` values."""
    if isinstance(items, dict) and set(items) == {"annotations"}:
        items = items["annotations"]
    if not isinstance(items, list):
        raise FormatError("expected a JSON array of annotations", path=fname, location="/")
    try:
        dicts = normalize_annotations(items, loc_prefix=(), generate_ids=True)
    except ValidationError as exc:
        first = exc.field_errors[0] if exc.field_errors else {"loc": [], "msg": exc.message}
        pointer = "/" + "/".join(str(p) for p in first["loc"])
        raise FormatError(str(first["msg"]), path=fname, location=pointer) from None
    return tuple(Annotation.from_dict(d) for d in dicts)


def _class(value: Any, fname: str, i: int) -> ClassInfo:
    if isinstance(value, str) and value.strip():
        return ClassInfo(value)
    if isinstance(value, dict) and isinstance(value.get("name"), str) and value["name"].strip():
        skel = value.get("skeleton") or {}
        nodes = tuple(n["name"] for n in skel.get("nodes", []) if isinstance(n, dict) and "name" in n)
        edges = tuple((int(a), int(b)) for a, b in skel.get("edges", []))
        if any(not (0 <= a < len(nodes) and 0 <= b < len(nodes)) for a, b in edges):
            raise FormatError("skeleton edge index out of range", path=fname, location=f"/classes/{i}")
        return ClassInfo(value["name"], nodes, edges)
    raise FormatError(f"a class must be a name or {{name, …}}, got {value!r}", path=fname, location=f"/classes/{i}")


def _size(entry: dict[str, Any], key: str, fname: str, loc: str) -> float | None:
    v = entry.get(key)
    if v is None:
        return None
    if not is_number(v) or v <= 0:
        raise FormatError(f"{key} must be a positive number, got {v!r}", path=fname, location=f"{loc}/{key}")
    return v  # type: ignore[no-any-return]


def read(path: Path, notes: Notes, **options: Any) -> AnnotatedDataset:
    manifest = path / _MANIFEST if path.is_dir() else path
    if manifest.is_file() and (path.is_dir() or _head(path)[:1] == b"{") and \
            not _head(manifest).startswith(b'{"annotations"'):
        return _read_manifest(manifest, notes)
    if path.is_file():
        fname = str(path)
        name = path.name[:-5] if path.name.lower().endswith(".json") else path.name
        anns = _annotations_from_json(load_json(path), fname)
        return AnnotatedDataset(images=[ImageRecord(name, None, None, anns, None, fname)],
                                classes=list(dict.fromkeys(a.name for a in anns)), notes=notes)
    files = _per_image_files(path)

    def images() -> Any:
        for file in files:
            rel = file.relative_to(path).as_posix()[:-5]
            filename = safe_relpath(rel, path=str(file))
            size = None
            img = file.with_name(file.name[:-5])
            if img.is_file():
                size = image_size_from_file(img)
            anns = _annotations_from_json(load_json(file), str(file))
            yield ImageRecord(filename, size[0] if size else None, size[1] if size else None, anns, None,
                              str(file))

    return AnnotatedDataset(images=ImageStream(images), classes=(), notes=notes)


def _read_manifest(file: Path, notes: Notes) -> AnnotatedDataset:
    fname = str(file)
    doc = load_json(file)
    if not isinstance(doc, dict) or not isinstance(doc.get("images"), list):
        raise FormatError("a manifest must be an object with an 'images' list", path=fname, location="/images")
    classes = [_class(c, fname, i) for i, c in enumerate(doc.get("classes") or [])]
    entries = doc["images"]
    root = file.parent

    def images() -> Any:
        for i, e in enumerate(entries):
            loc = f"/images/{i}"
            if not isinstance(e, dict) or not isinstance(e.get("filename"), str):
                raise FormatError("an image needs a 'filename' string", path=fname, location=loc)
            filename = safe_relpath(e["filename"], path=fname, location=f"{loc}/filename")
            w = _size(e, "width", fname, loc)
            h = _size(e, "height", fname, loc)
            if "annotations" in e:
                anns = _annotations_from_json(e["annotations"], fname)
                source = fname
            else:
                side = root.joinpath(*PurePosixPath(filename + ".json").parts)
                anns = _annotations_from_json(load_json(side), str(side)) if side.is_file() else ()
                source = str(side)
            yield ImageRecord(filename, w, h, anns, e.get("subset"), source)

    return AnnotatedDataset(images=ImageStream(images), classes=classes, notes=notes)


def _class_json(c: ClassInfo) -> Any:
    if not c.keypoints:
        return c.name
    return {"name": c.name, "skeleton": {"nodes": [{"name": n} for n in c.keypoints],
                                         "edges": [list(e) for e in c.skeleton]}}


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, *, layout: str = "per_image",
          **options: Any) -> None:
    if layout not in ("per_image", "single"):
        raise FormatError(f"layout must be 'per_image' or 'single', got {layout!r}")
    entries: list[dict[str, Any]] = []
    names: dict[str, ClassInfo] = {c.name: c for c in dataset.classes}
    written = notes.written_counts
    for image in dataset.images:
        safe = safe_relpath(image.filename, location="image file name")
        anns = [a.to_dict() for a in image.annotations]
        for a in image.annotations:
            written[a.type] += 1
            if a.type != "keypoint" or not any(a.name in c.keypoints for c in names.values()):
                names.setdefault(a.name, ClassInfo(a.name))
        entry: dict[str, Any] = {"filename": safe, "width": image.width, "height": image.height}
        if image.subset:
            entry["subset"] = image.subset
        if layout == "single":
            entry["annotations"] = anns
        else:
            with open(out_path(out_dir, safe + ".json"), "w", encoding="utf-8") as f:
                f.write(json.dumps(anns, ensure_ascii=False))
        entries.append(entry)
        notes.images_written += 1
    doc = {"format": "pictograph", "version": 1, "classes": [_class_json(c) for c in names.values()],
           "images": entries}
    with open(out_dir / _MANIFEST, "w", encoding="utf-8") as f:
        f.write(json.dumps(doc, ensure_ascii=False, indent=1))


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
