"""V7 Darwin JSON 2.0 (and 1.0 legacy keys), one file per item — read only (docs/formats-notes.md §1.2, C2, C8).

``polygon.paths`` (tested first: V7 polygons also carry a box) → polygons normalised by containment: a ring
inside another is its hole, rings inside no other are separate annotations, duplicate rings are removed;
1.0 ``polygon.path`` + ``additional_paths`` and ``complex_polygon`` are read too.  ``bounding_box`` → ``bbox``;
``line`` → ``polyline``; ``keypoint`` → ``keypoint``; ``skeleton`` nodes → keypoints sharing an
``instance_id``.  Sub-types ``text``, ``instance_id`` and ``attributes`` go to ``attributes`` keys ``text``,
``instance_id`` and ``tags``.  Tags, ellipses, masks, raster layers and other types, and video items, are
skipped and counted.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import is_number
from pictograph.formats._io import load_json, safe_relpath
from pictograph.formats._model import (
    AnnotatedDataset,
    Annotation,
    ImageRecord,
    ImageStream,
    point_in_ring,
    ring_area,
)
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read"]

NAME = "v7"
CAN_WRITE = False
SINGLE_FILE = None
_GEOMETRY = ("polygon", "complex_polygon", "bounding_box", "line", "keypoint", "skeleton")


def _looks_v7(file: Path) -> bool:
    try:
        with open(file, "rb") as f:
            head = f.read(1 << 14)
    except OSError:
        return False
    return (b'"item"' in head and b'"slots"' in head) or (b'"image"' in head and b'"annotations"' in head
                                                         and b'"original_filename"' in head)


def _files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.json") if _looks_v7(p))


def detect(path: Path) -> int:
    if path.is_file():
        return 80 if path.suffix.lower() == ".json" and _looks_v7(path) else 0
    return 75 if any(True for _ in _files(path)) else 0


def read(path: Path, notes: Notes, *, scan_classes: bool = True, **options: Any) -> AnnotatedDataset:
    files = _files(path)

    def images() -> Any:
        for file in files:
            yield from _read_file(file, notes)

    classes: list[str] = []
    if scan_classes:
        for image in images():
            for a in image.annotations:
                if a.name not in classes:
                    classes.append(a.name)
        notes.issues.clear()
    return AnnotatedDataset(images=ImageStream(images), classes=classes, notes=notes)


def _pts(value: Any, fname: str, loc: str) -> tuple[float, ...]:
    if not isinstance(value, list):
        raise FormatError("a path must be a list of {x, y} points", path=fname, location=loc)
    flat: list[float] = []
    for i, p in enumerate(value):
        if not (isinstance(p, dict) and is_number(p.get("x")) and is_number(p.get("y"))):
            raise FormatError(f"a point must be {{x, y}} numbers, got {p!r}", path=fname, location=f"{loc}/{i}")
        flat += (p["x"], p["y"])
    return tuple(flat)




def _ring_in(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    """Ring ``a`` lies inside ring ``b`` (tested on every vertex of ``a``; rings are assumed not to cross)."""
    return ring_area(a) < ring_area(b) and all(point_in_ring(a[i], a[i + 1], b) for i in range(0, len(a), 2))


def _normalize_rings(rings: list[tuple[float, ...]]) -> tuple[list[list[tuple[float, ...]]], list[str]]:
    """Group rings into polygons (outline first, then holes) by containment (C2); returns what changed."""
    changes: list[str] = []
    unique: list[tuple[float, ...]] = []
    for r in rings:
        if r in unique:
            changes.append("duplicate ring removed")
        else:
            unique.append(r)
    depth = [sum(1 for j, o in enumerate(unique) if j != i and _ring_in(r, o)) for i, r in enumerate(unique)]
    outers = [i for i in range(len(unique)) if depth[i] % 2 == 0]
    groups: dict[int, list[tuple[float, ...]]] = {i: [unique[i]] for i in outers}
    for i, r in enumerate(unique):
        if depth[i] % 2 == 0:
            continue
        parents = [o for o in outers if depth[o] == depth[i] - 1 and _ring_in(r, unique[o])]
        parent = min(parents, key=lambda o: ring_area(unique[o])) if parents else None
        if parent is None:
            groups[i] = [r]
        else:
            groups[parent].append(r)
    order = sorted(groups)
    if order and order[0] != 0 and len(unique) > 1:
        changes.append("outer ring moved first")
    if len(groups) > 1:
        changes.append(f"split into {len(groups)} polygons (separate outer rings)")
    return [groups[k] for k in order], changes


def _obj(value: Any, fname: str, loc: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise FormatError(f"expected an object, got {type(value).__name__}", path=fname, location=loc)
    return value


def _sub_attributes(ann: dict[str, Any]) -> Any:
    out: dict[str, Any] = {}
    if isinstance(ann.get("text"), dict) and "text" in ann["text"]:
        out["text"] = ann["text"]["text"]
    if isinstance(ann.get("instance_id"), dict) and "value" in ann["instance_id"]:
        out["instance_id"] = ann["instance_id"]["value"]
    if isinstance(ann.get("attributes"), list):
        out["tags"] = list(ann["attributes"])
    return out or []


def _read_file(file: Path, notes: Notes) -> list[ImageRecord]:
    fname = str(file)
    doc = load_json(file)
    if not isinstance(doc, dict):
        raise FormatError("a V7 file must hold a JSON object", path=fname, location="/")
    anns_raw = doc.get("annotations", [])
    if not isinstance(anns_raw, list):
        raise FormatError("'annotations' must be a list", path=fname, location="/annotations")
    slots: list[tuple[str, str, Any, Any]] = []  # (slot name, file name, w, h)
    if isinstance(doc.get("item"), dict):
        item = doc["item"]
        base = "/".join(p for p in (str(item.get("path") or "/").strip("/"), str(item.get("name") or "")) if p)
        slots_raw = item.get("slots") or []
        if not isinstance(slots_raw, list):
            raise FormatError("'slots' must be a list", path=fname, location="/item/slots")
        for i, s in enumerate(slots_raw):
            if not isinstance(s, dict):
                raise FormatError("a slot must be an object", path=fname, location=f"/item/slots/{i}")
            if s.get("type") not in (None, "image"):
                notes.skip("read", f"{s.get('type')} slot is not an image (video frames are not read)", fname,
                           f"/item/slots/{i}", "slot")
                continue
            sname = str(s.get("slot_name") or "")
            file_name = base
            if len(slots_raw) > 1:
                files = s.get("source_files")
                first = files[0] if isinstance(files, list) and files and isinstance(files[0], dict) else {}
                src = first.get("file_name") or sname
                if not isinstance(src, str):
                    raise FormatError("source file name must be a string", path=fname,
                                      location=f"/item/slots/{i}/source_files")
                file_name = f"{base}/{src}" if base else str(src)
            slots.append((sname, file_name, s.get("width"), s.get("height")))
        if not slots_raw:
            slots.append(("", base, None, None))
    elif isinstance(doc.get("image"), dict):
        im = doc["image"]
        base = "/".join(p for p in (str(im.get("path") or "/").strip("/"),
                                    str(im.get("original_filename") or im.get("filename") or "")) if p)
        slots.append(("", base, im.get("width"), im.get("height")))
    else:
        raise FormatError("missing 'item' (2.0) or 'image' (1.0)", path=fname, location="/")
    per_slot: dict[str, list[Annotation]] = {s[0]: [] for s in slots}
    default = slots[0][0] if slots else ""
    instance = 0
    for i, a in enumerate(anns_raw):
        loc = f"/annotations/{i}"
        if not isinstance(a, dict):
            raise FormatError("an annotation must be an object", path=fname, location=loc)
        name = a.get("name")
        if not isinstance(name, str) or not name.strip():
            raise FormatError(f"annotation name must be a non-blank string, got {name!r}", path=fname,
                              location=f"{loc}/name")
        slot_names = a.get("slot_names") or [default]
        if not isinstance(slot_names, list) or not isinstance(slot_names[0], str):
            raise FormatError(f"slot_names must be a list of slot names, got {slot_names!r}", path=fname,
                              location=f"{loc}/slot_names")
        target = per_slot.get(slot_names[0])
        if target is None:
            notes.skip("read", f"annotation on slot {slot_names[0]!r} which is not an image slot", fname, loc)
            continue
        if "frames" in a:
            notes.skip("read", "video annotation (frames) skipped", fname, loc, "video")
            continue
        attributes = _sub_attributes(a)
        if a.get("properties"):
            notes.lossy("read", "V7 properties are not kept (no agreed Pictograph form yet)", fname,
                        f"{loc}/properties")
        ident = str(a.get("id") or i + 1)
        kind = next((k for k in _GEOMETRY if k in a), None)
        if kind is None:
            other = next((k for k in a if k not in ("id", "name", "slot_names", "text", "instance_id",
                                                   "attributes", "properties", "annotators", "reviewers")),
                         "unknown")
            notes.skip("read", f"V7 {other} annotations have no Pictograph form", fname, loc, other)
            continue
        if kind in ("polygon", "complex_polygon"):
            g = a[kind]
            if not isinstance(g, dict):
                raise FormatError(f"{kind} must be an object", path=fname, location=f"{loc}/{kind}")
            if "paths" in g:
                raw = g["paths"]
            elif "path" in g:
                p = g["path"]
                raw = p if (isinstance(p, list) and p and isinstance(p[0], list)) else [p]
                extra = g.get("additional_paths") or []
                if not isinstance(extra, list):
                    raise FormatError("additional_paths must be a list of paths", path=fname,
                                      location=f"{loc}/{kind}/additional_paths")
                raw = [*raw, *extra]
            else:
                raise FormatError("polygon without paths", path=fname, location=f"{loc}/{kind}")
            if not isinstance(raw, list):
                raise FormatError("paths must be a list of rings", path=fname, location=f"{loc}/{kind}/paths")
            rings = []
            for r, ring in enumerate(raw):
                flat = _pts(ring, fname, f"{loc}/{kind}/paths/{r}")
                if len(flat) < 6:
                    notes.skip("read", "polygon ring with fewer than 3 points", fname, f"{loc}/{kind}/paths/{r}",
                               "polygon")
                    continue
                rings.append(flat)
            if not rings:
                continue
            groups, changes = _normalize_rings(rings)
            for c in changes:
                notes.add("read", "normalized", c, fname, loc, "polygon")
            for g_i, grp in enumerate(groups):
                target.append(Annotation(name, "polygon", paths=tuple(grp),
                                         id=ident if len(groups) == 1 else f"{ident}-{g_i}", attributes=attributes))
        elif kind == "bounding_box":
            b = a["bounding_box"]
            if not (isinstance(b, dict) and all(is_number(b.get(k)) for k in "xywh")):
                raise FormatError("bounding_box needs numbers x, y, w, h", path=fname, location=f"{loc}/bounding_box")
            if b["w"] <= 0 or b["h"] <= 0:
                notes.skip("read", "box with w <= 0 or h <= 0", fname, loc, "bbox")
                continue
            target.append(Annotation(name, "bbox", box=(b["x"], b["y"], b["w"], b["h"]), id=ident,
                                     attributes=attributes))
        elif kind == "line":
            flat = _pts(_obj(a["line"], fname, f"{loc}/line").get("path"), fname, f"{loc}/line/path")
            if len(flat) < 4:
                notes.skip("read", "line with fewer than 2 points", fname, loc, "polyline")
                continue
            target.append(Annotation(name, "polyline", paths=(flat,), id=ident, attributes=attributes))
        elif kind == "keypoint":
            k = a["keypoint"]
            if not (isinstance(k, dict) and is_number(k.get("x")) and is_number(k.get("y"))):
                raise FormatError("keypoint needs numbers x, y", path=fname, location=f"{loc}/keypoint")
            target.append(Annotation(name, "keypoint", point=(k["x"], k["y"]), id=ident, attributes=attributes))
        else:
            nodes = _obj(a["skeleton"], fname, f"{loc}/skeleton").get("nodes")
            if not isinstance(nodes, list):
                raise FormatError("skeleton needs nodes", path=fname, location=f"{loc}/skeleton")
            instance += 1
            for n_i, node in enumerate(nodes):
                if not (isinstance(node, dict) and is_number(node.get("x")) and is_number(node.get("y"))
                        and isinstance(node.get("name"), str)):
                    raise FormatError("a skeleton node needs name, x, y", path=fname,
                                      location=f"{loc}/skeleton/nodes/{n_i}")
                na: Any = dict(attributes) if isinstance(attributes, dict) else {}
                if node.get("occluded"):
                    na["occluded"] = True
                target.append(Annotation(node["name"], "keypoint", point=(node["x"], node["y"]),
                                         instance_id=instance, id=f"{ident}-{n_i}", attributes=na or []))
    out = []
    for sname, file_name, w, h in slots:
        if not file_name:
            file_name = file.stem
            notes.add("read", "normalized", f"item without a name named {file_name!r}", fname)
        for key, v in (("width", w), ("height", h)):
            if v is not None and (not is_number(v) or v <= 0):
                raise FormatError(f"slot {key} must be a positive number, got {v!r}", path=fname, location=key)
        out.append(ImageRecord(safe_relpath(file_name, path=fname, location="item name"), w, h,
                               tuple(per_slot[sname]), None, fname))
    return out


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
