"""CVAT XML for images 1.1, one ``annotations.xml`` (read and write).

``<box>`` ↔ ``bbox`` (``rotation`` ↔ ``oriented_box``, C10), ``<polygon>`` ↔ ``polygon`` (outer ring only on write,
holes reported), ``<polyline>`` ↔ ``polyline``, ``<points>`` ↔ ``keypoint`` (one per point; several points of one
element share an ``instance_id``), ``<attribute>`` ↔ ``attributes`` (string values).  Masks, ellipses, cuboids,
skeletons, tags and video tracks are skipped (reported).  Images are keyed by (subset, name).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from pictograph.errors import FormatError
from pictograph.formats._common import ClassOrder, number
from pictograph.formats._io import parse_xml, safe_relpath
from pictograph.formats._model import AnnotatedDataset, Annotation, ImageRecord, obb_corners, ring_bounds
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "write"]

NAME = "cvat"
CAN_WRITE = True
SINGLE_FILE = "annotations.xml"
_SHAPES = ("box", "polygon", "polyline", "points")
_KIND = {"bbox": "rectangle", "polygon": "polygon", "polyline": "polyline", "keypoint": "points"}


def _looks_cvat(file: Path) -> bool:
    try:
        with open(file, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    return b"<annotations" in head


def _file(path: Path) -> Path | None:
    if path.is_file():
        return path if _looks_cvat(path) else None
    if (path / SINGLE_FILE).is_file():
        return path / SINGLE_FILE
    found = [p for p in path.rglob("*.xml") if _looks_cvat(p)]
    return found[0] if len(found) == 1 else None


def detect(path: Path) -> int:
    return 75 if _file(path) is not None else 0


def _points(text: str | None, fname: str, loc: str) -> tuple[float, ...]:
    if not text:
        raise FormatError("missing points", path=fname, location=loc)
    flat: list[float] = []
    for pair in text.strip().split(";"):
        xy = pair.split(",")
        if len(xy) != 2:
            raise FormatError(f"points must be 'x,y;x,y;…', got {pair!r}", path=fname, location=loc)
        flat.append(number(xy[0], path=fname, location=loc, what="x"))
        flat.append(number(xy[1], path=fname, location=loc, what="y"))
    return tuple(flat)


def read(path: Path, notes: Notes, **options: Any) -> AnnotatedDataset:
    file = _file(path)
    if file is None:
        raise FormatError("no CVAT annotations.xml found", path=str(path))
    fname = str(file)
    root = parse_xml(file)
    if root.tag != "annotations":
        raise FormatError(f"root element must be <annotations>, got <{root.tag}>", path=fname, location="/")
    classes: list[str] = []
    for label_el in root.iterfind(".//meta//labels/label"):
        n = (label_el.findtext("name") or "").strip()
        if n and n not in classes:
            classes.append(n)
    for track in root.findall("track"):
        notes.skip("read", "video tracks are not images", fname, f"track id={track.get('id')}",
                   "track")
    images: list[ImageRecord] = []
    seen: set[tuple[str | None, str]] = set()
    for i, im in enumerate(root.findall("image")):
        loc = f"image[{i}]"
        raw = im.get("name")
        if not raw:
            raise FormatError("image without a name", path=fname, location=loc)
        name = safe_relpath(raw, path=fname, location=f"{loc}@name")
        subset = im.get("subset")
        if (subset, name) in seen:
            raise FormatError(f"image {name!r} appears twice", path=fname, location=loc)
        seen.add((subset, name))
        w = h = None
        if im.get("width") is not None:
            w = number(im.get("width"), path=fname, location=f"{loc}@width", what="width")
            h = number(im.get("height"), path=fname, location=f"{loc}@height", what="height")
            if w <= 0 or h <= 0:
                raise FormatError("image size must be positive", path=fname, location=loc)
        anns: list[Annotation] = []
        instance = 0
        for j, el in enumerate(im):
            eloc = f"{loc}/{el.tag}[{j}]"
            if el.tag not in _SHAPES:
                notes.skip("read", f"CVAT <{el.tag}> has no Pictograph form", fname, eloc, el.tag)
                continue
            label = el.get("label") or ""
            if not label.strip():
                notes.skip("read", "shape with an empty label", fname, eloc, el.tag)
                continue
            attributes: Any = {a.get("name"): (a.text or "") for a in el.findall("attribute") if a.get("name")}
            if el.get("occluded") == "1":
                attributes["occluded"] = True
            attributes = attributes or []
            ident = str(j + 1)
            if el.tag == "box":
                vals = [number(el.get(k), path=fname, location=f"{eloc}@{k}", what=k)
                        for k in ("xtl", "ytl", "xbr", "ybr")]
                xtl, ytl, xbr, ybr = vals
                bw, bh = xbr - xtl, ybr - ytl
                if bw <= 0 or bh <= 0:
                    notes.skip("read", "box with w <= 0 or h <= 0", fname, eloc, "bbox")
                    continue
                rot = float(number(el.get("rotation", "0"), path=fname, location=f"{eloc}@rotation",
                                   what="rotation")) % 360.0
                if rot:
                    cx, cy = (xtl + xbr) / 2, (ytl + ybr) / 2
                    anns.append(Annotation(label, "bbox", box=ring_bounds(obb_corners(cx, cy, bw, bh, rot)),
                                           oriented=(cx, cy, bw, bh, rot), id=ident, attributes=attributes))
                else:
                    anns.append(Annotation(label, "bbox", box=(xtl, ytl, bw, bh), id=ident, attributes=attributes))
            elif el.tag == "polygon":
                flat = _points(el.get("points"), fname, eloc)
                if len(flat) < 6:
                    notes.skip("read", "polygon with fewer than 3 points", fname, eloc, "polygon")
                    continue
                anns.append(Annotation(label, "polygon", paths=(flat,), id=ident, attributes=attributes))
            elif el.tag == "polyline":
                flat = _points(el.get("points"), fname, eloc)
                if len(flat) < 4:
                    notes.skip("read", "polyline with fewer than 2 points", fname, eloc, "polyline")
                    continue
                anns.append(Annotation(label, "polyline", paths=(flat,), id=ident, attributes=attributes))
            else:
                flat = _points(el.get("points"), fname, eloc)
                instance += 1
                if len(flat) > 2:
                    notes.add("read", "normalized", f"<points> with {len(flat) // 2} points read as keypoints "
                              "sharing one instance_id", fname, eloc, "keypoint")
                for k in range(0, len(flat), 2):
                    anns.append(Annotation(label, "keypoint", point=(flat[k], flat[k + 1]), instance_id=instance,
                                           id=f"{ident}-{k // 2}" if len(flat) > 2 else ident,
                                           attributes=attributes))
        images.append(ImageRecord(name, w, h, tuple(anns), subset, fname))
    return AnnotatedDataset(images=images, classes=classes, notes=notes)


def _f(v: float) -> str:
    return f"{v:.2f}"


def _rounded(ann: Annotation) -> bool:
    values: list[float] = []
    if ann.oriented is not None:
        cx, cy, w, h, a = ann.oriented
        values = [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, a]
    elif ann.type == "bbox" and ann.box is not None:
        x, y, w, h = ann.box
        values = [x, y, x + w, y + h]
    elif ann.point is not None:
        values = list(ann.point)
    else:
        values = list(ann.paths[0])
    return any(float(_f(v)) != v for v in values)


def _pts(flat: tuple[float, ...]) -> str:
    return ";".join(f"{_f(flat[i])},{_f(flat[i + 1])}" for i in range(0, len(flat), 2))


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, **options: Any) -> None:
    order = ClassOrder(dataset.classes)
    kinds: dict[str, str] = {}
    body: list[str] = []
    written = notes.written_counts
    count = 0
    for image_id, image in enumerate(dataset.images):
        fname = image.filename
        count += 1
        attrs = f'id="{image_id}" name={quoteattr(fname)}'
        if image.subset:
            attrs += f" subset={quoteattr(image.subset)}"
        if image.width is None or image.height is None:
            notes.lossy("write", "image size unknown: width/height left out", fname)
        else:
            attrs += f' width="{image.width}" height="{image.height}"'
        parts = [f"  <image {attrs}>"]
        rounded = 0
        for k, ann in enumerate(image.annotations):
            t = ann.type
            loc = f"annotation {k}"
            order.index(ann.name)
            kinds.setdefault(ann.name, _KIND[t])
            a = ann.attribute_dict()
            occluded = "1" if a.pop("occluded", False) is True else "0"
            inner = "".join(f"<attribute name={quoteattr(str(n))}>{escape(str(v))}</attribute>"
                            for n, v in a.items())
            common = f"label={quoteattr(ann.name)} source=\"manual\" occluded=\"{occluded}\" z_order=\"0\""
            if t == "bbox":
                if ann.oriented is not None:
                    cx, cy, w, h, ang = ann.oriented
                    geo = (f'xtl="{_f(cx - w / 2)}" ytl="{_f(cy - h / 2)}" xbr="{_f(cx + w / 2)}" '
                           f'ybr="{_f(cy + h / 2)}" rotation="{_f(ang)}"')
                else:
                    assert ann.box is not None
                    x, y, w, h = ann.box
                    geo = f'xtl="{_f(x)}" ytl="{_f(y)}" xbr="{_f(x + w)}" ybr="{_f(y + h)}"'
                parts.append(f"    <box {common} {geo}>{inner}</box>")
            elif t == "polygon":
                if len(ann.paths) > 1:
                    notes.lossy("write", f"{len(ann.paths) - 1} polygon hole(s) dropped (CVAT polygons have no "
                                "holes)", fname, loc, t)
                parts.append(f'    <polygon {common} points="{_pts(ann.paths[0])}">{inner}</polygon>')
            elif t == "polyline":
                parts.append(f'    <polyline {common} points="{_pts(ann.paths[0])}">{inner}</polyline>')
            else:
                assert ann.point is not None
                parts.append(f'    <points {common} points="{_pts(ann.point)}">{inner}</points>')
            written[t] += 1
            if _rounded(ann):
                rounded += 1
        if rounded:
            notes.add("write", "normalized", "coordinates rounded to 2 decimals (CVAT convention)", fname,
                      f"{rounded} annotation(s)", None)
        parts.append("  </image>")
        body.append("\n".join(parts))
        notes.images_written += 1
    labels = "".join(
        f"<label><name>{escape(n)}</name><type>{kinds.get(n, 'any')}</type><attributes/></label>"
        for n in order.names
    )
    head = (f'<?xml version="1.0" encoding="utf-8"?>\n<annotations>\n  <version>1.1</version>\n'
            f"  <meta><task><name>pictograph</name><size>{count}</size><mode>annotation</mode>"
            f"<labels>{labels}</labels></task></meta>\n")
    with open(out_dir / SINGLE_FILE, "w", encoding="utf-8") as f:
        f.write(head)
        for chunk in body:
            f.write(chunk + "\n")
        f.write("</annotations>\n")


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
