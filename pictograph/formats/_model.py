"""The internal representation every format module reads into and writes from.

Annotations are typed, immutable :class:`Annotation` values holding **absolute pixel** coordinates, exactly as
the canonical Pictograph JSON (docs/wire-protocol.md §4.3) does, but compactly: a polygon ring is one flat tuple
``(x0, y0, x1, y1, …)`` instead of a list of ``{x, y}`` objects, so 100,000 annotations stay cheap.
``Annotation.to_dict()`` gives the canonical JSON and ``Annotation.from_dict()`` reads it back.

Example::

    from pictograph.formats import Annotation, AnnotatedDataset, ImageRecord

    box = Annotation.bbox("car", 10, 20, 30, 40)
    ds = AnnotatedDataset(images=[ImageRecord("a.jpg", 640, 480, (box,))], classes=("car",))
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

import attrs

__all__ = [
    "AnnotatedDataset",
    "Annotation",
    "AnnotationType",
    "ClassInfo",
    "ImageRecord",
    "obb_corners",
    "ring_area",
    "ring_bounds",
]

AnnotationType = Literal["bbox", "polygon", "polyline", "keypoint"]
Flat = tuple[float, ...]
Box = tuple[float, float, float, float]
OBox = tuple[float, float, float, float, float]


def ring_bounds(flat: Sequence[float]) -> Box:
    """``(x, y, w, h)`` of a flat ``x0, y0, x1, y1, …`` point list."""
    xs = flat[0::2]
    ys = flat[1::2]
    x0 = min(xs)
    y0 = min(ys)
    return (x0, y0, max(xs) - x0, max(ys) - y0)


def signed_ring_area(flat: Sequence[float]) -> float:
    """Shoelace area of a flat ring: positive when its points turn clockwise in the y-down image frame."""
    n = len(flat) // 2
    s = 0.0
    for i in range(n):
        j = (i + 1) % n
        s += flat[2 * i] * flat[2 * j + 1] - flat[2 * j] * flat[2 * i + 1]
    return s / 2.0


def ring_area(flat: Sequence[float]) -> float:
    """Unsigned shoelace area of a flat ring."""
    return abs(signed_ring_area(flat))


def point_in_ring(px: float, py: float, ring: Sequence[float]) -> bool:
    """Even-odd test of a point against a flat ring ``[x0, y0, x1, y1, ...]``."""
    n = len(ring) // 2
    inside = False
    j = n - 1
    for i in range(n):
        xi, yi, xj, yj = ring[2 * i], ring[2 * i + 1], ring[2 * j], ring[2 * j + 1]
        if (yi > py) != (yj > py) and px < (xj - xi) * (py - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def obb_corners(cx: float, cy: float, w: float, h: float, angle: float) -> Flat:
    """The 4 corners of an oriented box (angle in degrees, clockwise in the y-down frame), flat,
    starting at the unrotated top-left corner and going clockwise."""
    a = math.radians(angle)
    c = math.cos(a)
    s = math.sin(a)
    out: list[float] = []
    for dx, dy in ((-w / 2, -h / 2), (w / 2, -h / 2), (w / 2, h / 2), (-w / 2, h / 2)):
        out.append(cx + dx * c - dy * s)
        out.append(cy + dx * s + dy * c)
    return tuple(out)


def _pts(flat: Sequence[float]) -> list[dict[str, float]]:
    return [{"x": flat[i], "y": flat[i + 1]} for i in range(0, len(flat), 2)]


def _flat(points: Iterable[Mapping[str, Any]]) -> Flat:
    out: list[float] = []
    for p in points:
        out.append(p["x"])
        out.append(p["y"])
    return tuple(out)


@attrs.frozen(slots=True)
class Annotation:
    """One annotation in absolute pixels.

    * ``type == "bbox"``: ``box = (x, y, w, h)``; ``oriented = (cx, cy, w, h, angle)`` for a rotated box,
      whose ``box`` is then the axis-aligned hull.
    * ``type == "polygon"``: ``paths`` = rings as flat tuples; ``paths[0]`` is the outline, the others holes.
    * ``type == "polyline"``: ``paths`` = one open path (flat tuple).
    * ``type == "keypoint"``: ``point = (x, y)`` and ``instance_id`` grouping the joints of one object.

    ``attributes`` is the §4.3 ``attributes`` value (an object or the legacy array); treat it as read-only.
    """

    name: str
    type: AnnotationType
    box: Box | None = None
    paths: tuple[Flat, ...] = ()
    point: tuple[float, float] | None = None
    oriented: OBox | None = None
    instance_id: int | None = None
    id: str | None = None
    confidence: float = 1.0
    attributes: Any = attrs.field(factory=list)
    created_by: str | None = None

    @classmethod
    def bbox(cls, name: str, x: float, y: float, w: float, h: float, **kw: Any) -> Annotation:
        """A box from its top-left corner and size."""
        return cls(name, "bbox", box=(x, y, w, h), **kw)

    @classmethod
    def rotated_bbox(cls, name: str, cx: float, cy: float, w: float, h: float, angle: float,
                     **kw: Any) -> Annotation:
        """A rotated box; its ``box`` is the axis-aligned hull of the 4 corners."""
        return cls(name, "bbox", box=ring_bounds(obb_corners(cx, cy, w, h, angle)),
                   oriented=(cx, cy, w, h, angle), **kw)

    @classmethod
    def polygon(cls, name: str, paths: Sequence[Sequence[float]], **kw: Any) -> Annotation:
        """A polygon from flat rings; the first ring is the outline, the others holes."""
        return cls(name, "polygon", paths=tuple(tuple(r) for r in paths), **kw)

    @classmethod
    def polyline(cls, name: str, path: Sequence[float], **kw: Any) -> Annotation:
        """An open polyline from a flat point list."""
        return cls(name, "polyline", paths=(tuple(path),), **kw)

    @classmethod
    def keypoint(cls, name: str, x: float, y: float, instance_id: int | None = None,
                 **kw: Any) -> Annotation:
        """One joint or landmark; joints sharing ``instance_id`` form one object."""
        return cls(name, "keypoint", point=(x, y), instance_id=instance_id, **kw)

    def bounds(self) -> Box:
        """``(x, y, w, h)`` hull: the box, or the outer ring / path / point bounds."""
        if self.box is not None and self.type == "bbox":
            return self.box
        if self.type == "keypoint":
            assert self.point is not None
            return (self.point[0], self.point[1], 0.0, 0.0)
        return ring_bounds(self.paths[0])

    def attribute_dict(self) -> dict[str, Any]:
        """The attributes as a mapping (the legacy array form becomes ``{}``)."""
        return dict(self.attributes) if isinstance(self.attributes, Mapping) else {}

    def to_dict(self) -> dict[str, Any]:
        """The canonical JSON of docs/wire-protocol.md §4.3 (an id is generated when there is none)."""
        if self.id:
            ident = self.id
        else:
            import uuid  # imported when needed: it costs 1.5 ms (it imports platform)

            ident = str(uuid.uuid4())
        out: dict[str, Any] = {
            "id": ident,
            "name": self.name,
            "type": self.type,
            "confidence": self.confidence,
        }
        if self.created_by is not None:
            out["created_by"] = self.created_by
        out["attributes"] = self.attributes
        if self.type == "bbox":
            assert self.box is not None
            x, y, w, h = self.box
            out["bounding_box"] = {"x": x, "y": y, "w": w, "h": h}
            if self.oriented is not None:
                cx, cy, ow, oh, a = self.oriented
                out["oriented_box"] = {"cx": cx, "cy": cy, "w": ow, "h": oh, "angle": a}
        elif self.type == "polygon":
            out["polygon"] = {"paths": [_pts(r) for r in self.paths]}
        elif self.type == "polyline":
            out["polyline"] = {"path": _pts(self.paths[0])}
        else:
            assert self.point is not None
            out["keypoint"] = {"x": self.point[0], "y": self.point[1]}
            if self.instance_id is not None:
                out["instance_id"] = self.instance_id
        return out

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Annotation:
        """Build from a canonical dict that already passed :mod:`pictograph._canonical` validation."""
        kind = d["type"]
        common: dict[str, Any] = {
            "id": d.get("id"),
            "confidence": d.get("confidence", 1.0),
            "attributes": d.get("attributes", []),
            "created_by": d.get("created_by"),
        }
        if kind == "bbox":
            b = d["bounding_box"]
            ob = d.get("oriented_box")
            oriented = None if ob is None else (ob["cx"], ob["cy"], ob["w"], ob["h"], ob.get("angle", 0))
            return cls(d["name"], "bbox", box=(b["x"], b["y"], b["w"], b["h"]), oriented=oriented, **common)
        if kind == "polygon":
            return cls(d["name"], "polygon", paths=tuple(_flat(r) for r in d["polygon"]["paths"]), **common)
        if kind == "polyline":
            return cls(d["name"], "polyline", paths=(_flat(d["polyline"]["path"]),), **common)
        k = d["keypoint"]
        return cls(d["name"], "keypoint", point=(k["x"], k["y"]), instance_id=d.get("instance_id"), **common)


def _slot_setters() -> tuple[Callable[[Annotation, Any], None], ...]:
    names = tuple(f.name for f in attrs.fields(Annotation))
    if names != ("name", "type", "box", "paths", "point", "oriented", "instance_id", "id", "confidence",
                 "attributes", "created_by"):  # new_annotation below fills exactly these
        raise RuntimeError(f"Annotation fields changed: {names}; update new_annotation")
    return tuple(Annotation.__dict__[n].__set__ for n in names)


_SETTERS = _slot_setters()
_NEW = object.__new__


def new_annotation(name: str, type: AnnotationType, box: Box | None, paths: tuple[Flat, ...], id: str | None,
                   confidence: float, attributes: Any) -> Annotation:
    """``Annotation(name, type, box, paths, id=id, confidence=confidence, attributes=attributes)`` for the
    readers' hot loops: the slots are filled through their descriptors, a quarter cheaper than attrs'
    ``__init__`` (100,000 annotations: 0.048 s instead of 0.062 s).  Same value, same checks (there are none)."""
    self: Annotation = _NEW(Annotation)
    s_name, s_type, s_box, s_paths, s_point, s_oriented, s_instance, s_id, s_conf, s_attrs, s_by = _SETTERS
    s_name(self, name)
    s_type(self, type)
    s_box(self, box)
    s_paths(self, paths)
    s_point(self, None)
    s_oriented(self, None)
    s_instance(self, None)
    s_id(self, id)
    s_conf(self, confidence)
    s_attrs(self, attributes)
    s_by(self, None)
    return self


@attrs.frozen(slots=True)
class ClassInfo:
    """A class of the dataset.  Pose classes list their joints (``keypoints``) and 0-based ``skeleton`` edges;
    keypoint annotations are named after the joint."""

    name: str
    keypoints: tuple[str, ...] = ()
    skeleton: tuple[tuple[int, int], ...] = ()


def _classes(value: Iterable[str | ClassInfo]) -> tuple[ClassInfo, ...]:
    return tuple(c if isinstance(c, ClassInfo) else ClassInfo(c) for c in value)


@attrs.frozen(slots=True)
class ImageRecord:
    """One image: its file name (relative, ``/``-separated), size in pixels (``None`` when unknown) and
    annotations.  ``subset`` is the split (``train``, ``valid`` …) when the source has one; ``source`` is the
    annotation file it came from, for reports."""

    filename: str
    width: float | None
    height: float | None
    annotations: tuple[Annotation, ...] = ()
    subset: str | None = None
    source: str | None = None


@attrs.frozen(slots=True)
class CompactImage:
    """Internal: an image whose annotations are still a reader's rows, for a writer that needs only their
    numbers (:func:`pictograph.formats.convert` asks the COCO reader for these only when the writer's
    ``takes_compact(options)`` says it takes them; no public call returns one).

    Each row is ``(index, class key, type, geometry, id, confidence, attributes)`` and stands for exactly one
    annotation, in order: ``Annotation(names[class key], type, …)`` with, for type ``"bbox"``, ``box`` =
    the geometry ``[x, y, w, h]`` (as a tuple) and no rotation, and for type ``"polygon"`` ``paths`` = the
    geometry, a single ring."""

    filename: str
    width: float | None
    height: float | None
    rows: Sequence[tuple[Any, ...]]
    names: Mapping[Any, str]
    subset: str | None = None
    source: str | None = None


#: The row type of a rotated box given as its axis-aligned hull (only :func:`annotation_rows` makes these).
ROTATED_BOX = "bbox (rotated)"


class NameIsKey(dict[str, str]):
    """The ``names`` of rows whose class key is the class name itself."""

    def __missing__(self, key: str) -> str:
        return key


NAME_IS_KEY = NameIsKey()


def annotation_rows(annotations: Iterable[Annotation]) -> list[tuple[Any, ...]]:
    """Annotations as :class:`CompactImage` rows (class key = name, see :data:`NAME_IS_KEY`), so that a writer
    that works from rows serves every image with one code path. Beyond the rows a reader makes: a rotated box
    has type :data:`ROTATED_BOX`, and other types (polylines, keypoints, …) keep theirs, for the writer to
    report."""
    return [(k, a.name, ROTATED_BOX if a.type == "bbox" and a.oriented is not None else a.type,
             a.paths if a.type == "polygon" else a.box, a.id, a.confidence, a.attributes)
            for k, a in enumerate(annotations)]


class ImageStream:
    """A re-iterable, lazily read sequence of :class:`ImageRecord` (each iteration reads the source again, so
    per-image formats use memory for one image at a time)."""

    __slots__ = ("_factory",)

    def __init__(self, factory: Callable[[], Iterator[ImageRecord]]) -> None:
        self._factory = factory

    def __iter__(self) -> Iterator[ImageRecord]:
        return self._factory()


@attrs.frozen(slots=True)
class AnnotatedDataset:
    """Images with their annotations plus the class list.

    ``images`` is any iterable of :class:`ImageRecord`; datasets returned by :func:`pictograph.formats.read`
    read lazily.  ``classes`` is in the dataset's class order (YOLO indices, COCO ids follow it); classes used by
    annotations but missing from it are appended in first-seen order when writing.  ``notes`` collects what the
    reader skipped or changed (complete once ``images`` has been iterated).

    Example::

        ds = AnnotatedDataset(images=[ImageRecord("a.jpg", 4, 3)], classes=["car"])
    """

    images: Iterable[ImageRecord]
    classes: tuple[ClassInfo, ...] = attrs.field(default=(), converter=_classes)
    notes: Any = None

    @property
    def class_names(self) -> tuple[str, ...]:
        """The class names in order."""
        return tuple(c.name for c in self.classes)
