"""Build canonical annotations locally, without a request (docs/wire-protocol.md §8.5).

Each helper returns the immutable model of §4.3 and applies the rules of §4.4 at once, so a bad shape raises
:class:`~pictograph.errors.ValidationError` here rather than at save time. ``metadata`` becomes ``attributes``.

Example::

    from pictograph.annotations import create_bbox, create_polygon

    car = create_bbox("a1", "car", [100, 200, 50, 80], confidence=0.95)
    road = create_polygon("a2", "road", [[0, 0], [40, 0], [40, 30]], metadata={"surface": "asphalt"})
    client.annotations.save("image-uuid", [car, road])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pictograph._canonical import normalize_annotation
from pictograph.models import (
    BBoxAnnotation,
    KeypointAnnotation,
    PolygonAnnotation,
    PolylineAnnotation,
    _annotation_from_canonical,
)

__all__ = ["create_bbox", "create_keypoint", "create_polygon", "create_polyline"]


def _make(kind: str, id: str | None, name: str, key: str, value: Any, confidence: float, metadata: Any) -> Any:
    item: dict[str, Any] = {"type": kind, "name": name, key: value, "confidence": confidence}
    if id is not None:
        item["id"] = id
    if metadata is not None:
        item["metadata"] = metadata
    return _annotation_from_canonical(normalize_annotation(item, loc=("annotation",)))


def create_bbox(
    id: str | None,
    name: str,
    bbox: Sequence[float],
    confidence: float = 1.0,
    metadata: Mapping[str, Any] | Sequence[Any] | None = None,
) -> BBoxAnnotation:
    """A box annotation from ``bbox = [x, y, w, h]`` (top-left corner and size, in pixels).

    Example::

        create_bbox("a1", "car", [100, 200, 50, 80])
    """
    result: BBoxAnnotation = _make("bbox", id, name, "bbox", bbox, confidence, metadata)
    return result


def create_polygon(
    id: str | None,
    name: str,
    points: Sequence[Any],
    confidence: float = 1.0,
    metadata: Mapping[str, Any] | Sequence[Any] | None = None,
) -> PolygonAnnotation:
    """A polygon from ``[[x, y], …]`` (one ring) or a list of rings (outline first, then holes).

    Example::

        create_polygon("a2", "road", [[0, 0], [40, 0], [40, 30], [0, 30]])
    """
    result: PolygonAnnotation = _make("polygon", id, name, "polygon", points, confidence, metadata)
    return result


def create_polyline(
    id: str | None,
    name: str,
    points: Sequence[Any],
    confidence: float = 1.0,
    metadata: Mapping[str, Any] | Sequence[Any] | None = None,
) -> PolylineAnnotation:
    """An open polyline from ``[[x, y], …]`` (at least 2 points).

    Example::

        create_polyline("a3", "lane", [[0, 100], [50, 100]])
    """
    result: PolylineAnnotation = _make("polyline", id, name, "polyline", points, confidence, metadata)
    return result


def create_keypoint(
    id: str | None,
    name: str,
    point: Sequence[float],
    confidence: float = 1.0,
    metadata: Mapping[str, Any] | Sequence[Any] | None = None,
) -> KeypointAnnotation:
    """A keypoint from ``point = [x, y]``.

    Example::

        create_keypoint("a4", "left_wrist", [150, 200])
    """
    result: KeypointAnnotation = _make("keypoint", id, name, "keypoint", point, confidence, metadata)
    return result


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
