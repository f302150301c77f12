"""COCO instances / keypoints JSON (read and write).

Reading (notes §1.1): flat ``segmentation`` rings → one ``polygon`` per ring (several rings are a union of
parts, C1: each part keeps ``attributes["coco_id"]``); no segmentation → ``bbox``; ``keypoints`` triplets → one
``keypoint`` per labelled joint (``v = 0`` skipped, ``v = 1`` → ``attributes["occluded"] = True``) sharing an
``instance_id``; RLE masks are reported as skipped (not traced).  Categories are matched by id; an
unreferenced Roboflow super-class is not turned into a class.

Writing (notes §2.1): one JSON file (``annotations.json``) with 1-based image, annotation and category ids in
the dataset's class order; polygon holes, box rotations and polylines cannot be held and are reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import ClassOrder, is_number, num
from pictograph.formats._io import load_json, safe_relpath
from pictograph.formats._model import (
    AnnotatedDataset,
    Annotation,
    ClassInfo,
    ImageRecord,
    ring_area,
    ring_bounds,
)
from pictograph.formats._report import Notes

NAME = "coco"
CAN_WRITE = True
SINGLE_FILE = "annotations.json"

_COCO_HEAD = re.compile(rb'"(images|annotations|categories)"\s*:')


def looks_like_coco(file: Path) -> bool:
    try:
        with open(file, "rb") as f:
            head = f.read(1 << 16)
            size = f.seek(0, 2)
            if size > 1 << 17:
                f.seek(size - (1 << 16))
                head += f.read()
    except OSError:
        return False
    found = {m.group(1) for m in _COCO_HEAD.finditer(head)}
    return head.lstrip()[:1] == b"{" and len(found) >= 2


def _coco_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    return sorted(p for p in path.rglob("*.json") if looks_like_coco(p))


def detect(path: Path) -> int:
    if path.is_file():
        return 70 if path.suffix.lower() == ".json" and looks_like_coco(path) else 0
    files = _coco_files(path)
    return 60 if files else 0


def read(path: Path, notes: Notes, **options: Any) -> AnnotatedDataset:
    files = _coco_files(path)
    if not files:
        raise FormatError("no COCO JSON file found (expected an object with images, annotations, categories)",
                          path=str(path))
    classes: list[ClassInfo] = []
    images: list[ImageRecord] = []
    for file in files:
        subset = None
        if len(files) > 1:
            subset = file.stem.removeprefix("instances_").removeprefix("person_keypoints_")
        cls, imgs = parse_coco(load_json(file), file, notes, subset=subset)
        known = {c.name for c in classes}
        classes.extend(c for c in cls if c.name not in known)
        images.extend(imgs)
    return AnnotatedDataset(images=images, classes=classes, notes=notes)


def _err(reason: str, file: Path, location: str) -> FormatError:
    return FormatError(reason, path=str(file), location=location)


def _id(value: Any, file: Path, loc: str) -> int | str:
    if (type(value) is int) or (isinstance(value, str) and value):
        return value  # type: ignore[no-any-return]
    raise _err(f"id must be an integer, got {value!r}", file, loc)


def _size(value: Any, file: Path, loc: str) -> float | None:
    if value is None:
        return None
    if not is_number(value) or value <= 0:
        raise _err(f"image size must be a positive number, got {value!r}", file, loc)
    return value  # type: ignore[no-any-return]


def parse_coco(data: Any, file: Path, notes: Notes, *, subset: str | None = None,
               rename: dict[Any, str] | None = None) -> tuple[list[ClassInfo], list[ImageRecord]]:
    """Parse one COCO document into classes and images (shared with the Roboflow reader)."""
    fname = str(file)
    if not isinstance(data, dict):
        raise _err("a COCO file must hold a JSON object", file, "/")
    for key in ("images", "annotations"):
        if not isinstance(data.get(key), list):
            raise _err(f"'{key}' must be a list", file, f"/{key}")
    cats_raw = data.get("categories", [])
    if not isinstance(cats_raw, list):
        raise _err("'categories' must be a list", file, "/categories")

    cats: dict[Any, dict[str, Any]] = {}
    for i, c in enumerate(cats_raw):
        loc = f"categories[{i}]"
        if not isinstance(c, dict):
            raise _err("a category must be an object", file, loc)
        cid = _id(c.get("id"), file, f"{loc}.id")
        name = c.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _err(f"category name must be a non-blank string, got {name!r}", file, f"{loc}.name")
        if cid in cats:
            raise _err(f"duplicate category id {cid!r}", file, f"{loc}.id")
        cats[cid] = c

    images: dict[Any, list[Any]] = {}
    order: list[Any] = []
    for i, im in enumerate(data["images"]):
        loc = f"images[{i}]"
        if not isinstance(im, dict):
            raise _err("an image must be an object", file, loc)
        iid = _id(im.get("id"), file, f"{loc}.id")
        if iid in images:
            raise _err(f"duplicate image id {iid!r}", file, f"{loc}.id")
        raw_name = im.get("file_name")
        if rename is not None and iid in rename:
            raw_name = rename[iid]
        if raw_name is None or raw_name == "":
            raw_name = f"image_{iid}"
            notes.add("read", "normalized", f"image without file_name named {raw_name!r}", fname, loc)
        if not isinstance(raw_name, str):
            raise _err(f"file_name must be a string, got {raw_name!r}", file, f"{loc}.file_name")
        filename = safe_relpath(raw_name, path=fname, location=f"{loc}.file_name")
        w = _size(im.get("width"), file, f"{loc}.width")
        h = _size(im.get("height"), file, f"{loc}.height")
        images[iid] = [filename, w, h, []]
        order.append(iid)

    used: set[Any] = set()
    instance_counter: dict[Any, int] = {}
    for i, a in enumerate(data["annotations"]):
        loc = f"annotations[{i}]"
        if type(a) is not dict:
            raise _err("an annotation must be an object", file, loc)
        iid = a.get("image_id")
        rec = images.get(iid)
        if rec is None:
            raise _err(f"image_id {iid!r} is not in 'images'", file, f"{loc}.image_id")
        cid = a.get("category_id")
        cat = cats.get(cid)
        if cat is None:
            raise _err(f"category_id {cid!r} is not in 'categories'", file, f"{loc}.category_id")
        used.add(cid)
        _convert_ann(a, cat, rec, loc, file, notes, instance_counter, iid)

    classes: list[ClassInfo] = []
    seen: set[str] = set()
    supercats = {c.get("supercategory") for c in cats.values()}
    ids_by_name: dict[str, list[Any]] = {}
    for cid, c in cats.items():
        ids_by_name.setdefault(c["name"], []).append(cid)
    for cid, c in cats.items():
        name = c["name"]
        if cid not in used and (name in supercats or len(ids_by_name[name]) > 1):
            notes.add("read", "normalized", f"unreferenced super-category {name!r} (id {cid}) not kept as a class",
                      fname, f"categories id {cid}")
            continue
        if name in seen:
            continue
        seen.add(name)
        classes.append(_class_info(c, file, notes))

    out = [ImageRecord(images[k][0], images[k][1], images[k][2], tuple(images[k][3]), subset, fname)
           for k in order]
    return classes, out


def _class_info(c: dict[str, Any], file: Path, notes: Notes) -> ClassInfo:
    kps = c.get("keypoints")
    if not kps:
        return ClassInfo(c["name"])
    if not isinstance(kps, list) or not all(isinstance(k, str) for k in kps):
        raise _err("category keypoints must be a list of joint names", file, f"category {c['name']!r}")
    edges: list[tuple[int, int]] = []
    skel = c.get("skeleton") or []
    flat = [v for e in skel for v in (e if isinstance(e, list) else [None])]
    if not all(type(v) is int for v in flat) or any(len(e) != 2 for e in skel):
        raise _err("skeleton must be a list of [i, j] index pairs", file, f"category {c['name']!r}")
    one_based = not flat or (min(flat) >= 1 and max(flat) <= len(kps))
    if not one_based:
        if min(flat) >= 0 and max(flat) < len(kps):
            notes.add("read", "normalized", "skeleton read as 0-based indices", str(file),
                      f"category {c['name']!r}")
        else:
            raise _err("skeleton index out of range", file, f"category {c['name']!r}")
    shift = 1 if one_based else 0
    edges = [(e[0] - shift, e[1] - shift) for e in skel]
    return ClassInfo(c["name"], tuple(kps), tuple(edges))


def _convert_ann(a: dict[str, Any], cat: dict[str, Any], rec: list[Any], loc: str, file: Path, notes: Notes,
                 instance_counter: dict[Any, int], iid: Any) -> None:
    fname = str(file)
    name: str = cat["name"]
    out: list[Annotation] = rec[3]
    aid = a.get("id")
    attrs_raw = a.get("attributes")
    attributes: Any = dict(attrs_raw) if isinstance(attrs_raw, dict) else []
    score = a.get("score")
    confidence = 1.0
    if score is not None:
        if not is_number(score):
            raise _err(f"score must be a number, got {score!r}", file, f"{loc}.score")
        confidence = min(1.0, max(0.0, float(score)))
    ident = None if aid is None else str(aid)
    seg = a.get("segmentation")
    kps = a.get("keypoints")
    bbox = a.get("bbox")

    if kps:
        joints = cat.get("keypoints") or []
        if not isinstance(kps, list) or len(kps) % 3 or len(kps) // 3 != len(joints):
            raise _err(f"keypoints must hold 3 values per joint of category {name!r} ({len(joints)} joints)",
                       file, f"{loc}.keypoints")
        n = instance_counter.get(iid, 0) + 1
        instance_counter[iid] = n
        for j, joint in enumerate(joints):
            x, y, v = kps[3 * j: 3 * j + 3]
            if not (is_number(x) and is_number(y) and is_number(v)):
                raise _err("keypoint values must be numbers", file, f"{loc}.keypoints[{3 * j}]")
            if v <= 0:
                notes.skip("read", "keypoint not labelled (v=0)", fname, f"{loc}.keypoints[{3 * j}]", "keypoint")
                continue
            kattrs: Any = dict(attributes) if isinstance(attributes, dict) else {}
            if v == 1:
                kattrs["occluded"] = True
            out.append(Annotation(joint, "keypoint", point=(x, y), instance_id=n,
                                  id=None if ident is None else f"{ident}-{j}", confidence=confidence,
                                  attributes=kattrs or []))
        if seg or bbox:
            notes.lossy("read", "object has keypoints; its bbox/segmentation was not kept", fname, loc,
                        "keypoint")
        return

    if isinstance(seg, dict):
        notes.skip("read", "RLE mask segmentation is not traced into polygons", fname,
                   f"{loc}.segmentation", "rle")
        return
    if isinstance(seg, list) and seg:
        rings: list[tuple[float, ...]] = []
        for r, ring in enumerate(seg):
            rloc = f"{loc}.segmentation[{r}]"
            if not isinstance(ring, list) or not all(is_number(v) for v in ring):
                raise _err("a segmentation ring must be a flat list of numbers", file, rloc)
            if len(ring) % 2:
                notes.lossy("read", "odd coordinate count: trailing value dropped", fname, rloc, "polygon")
                ring = ring[:-1]
            if len(ring) < 6:
                notes.skip("read", "polygon ring with fewer than 3 points", fname, rloc, "polygon")
                continue
            rings.append(tuple(ring))
        if len(rings) == 1:
            out.append(Annotation(name, "polygon", paths=(rings[0],), id=ident, confidence=confidence,
                                  attributes=attributes))
        elif rings:
            notes.add("read", "normalized", f"multi-part segmentation split into {len(rings)} polygons",
                      fname, loc, "polygon")
            base = dict(attributes) if isinstance(attributes, dict) else {}
            base["coco_id"] = aid
            for k, ring in enumerate(rings):
                out.append(Annotation(name, "polygon", paths=(ring,),
                                      id=None if ident is None else f"{ident}-{k}", confidence=confidence,
                                      attributes=base))
        return
    if bbox is None:
        raise _err("annotation has no bbox, segmentation or keypoints", file, loc)
    if not isinstance(bbox, list) or len(bbox) != 4 or not all(is_number(v) for v in bbox):
        raise _err(f"bbox must be [x, y, w, h] numbers, got {bbox!r}", file, f"{loc}.bbox")
    if bbox[2] <= 0 or bbox[3] <= 0:
        notes.skip("read", "box with w <= 0 or h <= 0", fname, f"{loc}.bbox", "bbox")
        return
    out.append(Annotation(name, "bbox", box=(bbox[0], bbox[1], bbox[2], bbox[3]), id=ident,
                          confidence=confidence, attributes=attributes))


def _template_for(joints: Iterable[str], templates: list[tuple[int, ClassInfo]]) -> tuple[int, ClassInfo] | None:
    js = set(joints)
    for t in templates:
        if js <= set(t[1].keypoints):
            return t
    return None


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, **options: Any) -> None:
    order = ClassOrder(dataset.classes)
    images_out: list[dict[str, Any]] = []
    anns_out: list[dict[str, Any]] = []
    next_ann = 1
    for image_id, image in enumerate(dataset.images, start=1):
        fname = image.filename
        images_out.append({"id": image_id, "file_name": fname, "width": image.width, "height": image.height})
        if image.width is None or image.height is None:
            notes.lossy("write", "image size unknown: width/height written as null", fname)
        keypoints: dict[Any, list[Annotation]] = {}
        for k, ann in enumerate(image.annotations):
            t = ann.type
            if t == "keypoint":
                key = ann.instance_id if ann.instance_id is not None else ("single", k)
                keypoints.setdefault(key, []).append(ann)
                continue
            if t == "polyline":
                notes.skip("write", "COCO has no polyline", fname, f"annotation {k}", t)
                continue
            obj: dict[str, Any] = {"id": next_ann, "image_id": image_id, "category_id": order.index(ann.name) + 1}
            if t == "bbox":
                assert ann.box is not None
                x, y, w, h = ann.box
                if ann.oriented is not None:
                    notes.lossy("write", "box rotation dropped (COCO boxes are axis-aligned)", fname,
                                f"annotation {k}", t)
                obj["bbox"] = [x, y, w, h]
                obj["area"] = w * h
                obj["segmentation"] = []
            else:
                outer = ann.paths[0]
                if len(ann.paths) > 1:
                    notes.lossy("write", f"{len(ann.paths) - 1} polygon hole(s) dropped (COCO polygons have "
                                "no holes)", fname, f"annotation {k}", t)
                obj["bbox"] = list(ring_bounds(outer))
                obj["area"] = ring_area(outer) - sum(ring_area(r) for r in ann.paths[1:])
                obj["segmentation"] = [list(outer)]
            obj["iscrowd"] = 0
            _common_out(ann, obj)
            anns_out.append(obj)
            next_ann += 1
        if keypoints:
            next_ann = _write_keypoints(keypoints, order, image_id, fname, anns_out, next_ann, notes)
        notes.written_counts.update(a.type for a in image.annotations)
        notes.images_written += 1
    for issue in notes.issues:
        if issue.stage == "write" and issue.kind == "skipped" and issue.item_type:
            notes.written_counts[issue.item_type] -= 1
    categories: list[dict[str, Any]] = []
    for i, c in enumerate(order.infos, start=1):
        cat: dict[str, Any] = {"id": i, "name": c.name, "supercategory": ""}
        if c.keypoints:
            cat["keypoints"] = list(c.keypoints)
            cat["skeleton"] = [[a + 1, b + 1] for a, b in c.skeleton]
        categories.append(cat)
    doc = {"info": {"description": "written by pictograph.formats"}, "images": images_out,
           "annotations": anns_out, "categories": categories}
    with open(out_dir / SINGLE_FILE, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, separators=(",", ":"))


def _common_out(ann: Annotation, obj: dict[str, Any]) -> None:
    if ann.confidence != 1.0:
        obj["score"] = ann.confidence
    if isinstance(ann.attributes, dict) and ann.attributes:
        obj["attributes"] = ann.attributes


def _write_keypoints(groups: dict[Any, list[Annotation]], order: ClassOrder, image_id: int, fname: str,
                     anns_out: list[dict[str, Any]], next_ann: int, notes: Notes) -> int:
    templates = [(i, c) for i, c in enumerate(order.infos) if c.keypoints]
    for joints in groups.values():
        found = _template_for((j.name for j in joints), templates)
        if found is None:
            if len(joints) > 1:
                notes.lossy("write", "no pose class lists these joints: each keypoint written as its own "
                            "one-joint object (grouping lost)", fname, None, "keypoint")
            parts: list[tuple[int, ClassInfo, list[Annotation]]] = []
            for j in joints:
                idx = order.index(j.name)
                info = order.infos[idx]
                if not info.keypoints:
                    info = order.infos[idx] = ClassInfo(j.name, (j.name,))
                parts.append((idx, info, [j]))
        else:
            parts = [(found[0], found[1], joints)]
        for idx, info, members in parts:
            by_name = {m.name: m for m in members}
            values: list[float] = []
            xs: list[float] = []
            ys: list[float] = []
            for joint in info.keypoints:
                m = by_name.get(joint)
                if m is None:
                    values += [0, 0, 0]
                    continue
                assert m.point is not None
                vis = 1 if m.attribute_dict().get("occluded") else 2
                values += [m.point[0], m.point[1], vis]
                xs.append(m.point[0])
                ys.append(m.point[1])
            x0, y0 = min(xs), min(ys)
            w, h = max(xs) - x0, max(ys) - y0
            obj: dict[str, Any] = {"id": next_ann, "image_id": image_id, "category_id": idx + 1,
                                   "keypoints": [num(v) for v in values], "num_keypoints": len(xs),
                                   "bbox": [x0, y0, w, h], "area": w * h, "segmentation": [], "iscrowd": 0}
            _common_out(members[0], obj)
            if "attributes" in obj:
                obj["attributes"] = {k: v for k, v in obj["attributes"].items() if k != "occluded"} or None
                if obj["attributes"] is None:
                    del obj["attributes"]
            anns_out.append(obj)
            next_ann += 1
    return next_ann
