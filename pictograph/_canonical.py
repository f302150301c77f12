"""The canonical Pictograph annotation JSON: validation (docs/wire-protocol.md §4.4) and shorthand input (§4.5).

This module is the single implementation of those rules.  It works on plain dicts and lists so that
the client facade, the local server and the format converters can share it cheaply.

Example::

    from pictograph._canonical import normalize_annotations

    [ann] = normalize_annotations([{"name": "car", "type": "bbox", "bbox": [1, 2, 30, 40]}])
    assert ann["bounding_box"] == {"x": 1, "y": 2, "w": 30, "h": 40}
"""

from __future__ import annotations

import math
import numbers
import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from pictograph.errors import ServerError, ValidationError

__all__ = [
    "ANNOTATION_TYPES",
    "check_response_annotations",
    "normalize_annotation",
    "normalize_annotations",
]

ANNOTATION_TYPES: tuple[str, ...] = ("bbox", "polygon", "polyline", "keypoint")

_COMMON_KEYS = frozenset({"id", "name", "type", "confidence", "created_by", "attributes"})
_TYPE_KEYS: dict[str, frozenset[str]] = {
    "bbox": frozenset({"bounding_box", "oriented_box"}),
    "polygon": frozenset({"polygon", "bounding_box"}),
    "polyline": frozenset({"polyline", "bounding_box"}),
    "keypoint": frozenset({"keypoint", "instance_id"}),
}
# Shorthand key -> canonical key it stands for (§4.5).  ``polygon``, ``polyline`` and ``keypoint`` are
# both shorthand and canonical: the value's shape (a sequence or a mapping) tells which one was meant.
_SHORT_ALIASES = {"bbox": "bounding_box", "metadata": "attributes"}

Loc = tuple[str | int, ...]
_Errors = list[tuple[Loc, str]]


def _is_number(value: Any) -> bool:
    """A finite real number that is not a boolean (numpy scalars included)."""
    t = type(value)
    if t is int:
        return _int_fits(value)
    if t is float:
        return math.isfinite(value)
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        return False
    if isinstance(value, numbers.Integral):
        return _int_fits(int(value))
    if isinstance(value, numbers.Real):
        return math.isfinite(float(value))
    return False


def _int_fits(value: int) -> bool:
    """Ints beyond the float range would turn into infinity in any JSON reader."""
    try:
        float(value)
    except OverflowError:
        return False
    return True


def _plain(value: Any) -> Any:
    """numpy and other ``numbers.Real`` scalars as plain ``int`` / ``float`` so the result is JSON-ready."""
    t = type(value)
    if t is int or t is float:
        return value
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value)


def _number(value: Any, loc: Loc, errors: _Errors) -> Any:
    if _is_number(value):
        return _plain(value)
    if isinstance(value, bool) or type(value).__name__ in ("bool", "bool_"):
        errors.append((loc, "must be a number, not a boolean"))
    elif isinstance(value, numbers.Real):
        errors.append((loc, "must be a finite number"))
    else:
        errors.append((loc, f"must be a number, got {type(value).__name__}"))
    return None


def _point(value: Any, loc: Loc, errors: _Errors, *, short: bool) -> dict[str, Any] | None:
    """A Point: ``{x, y}``; with ``short`` also ``[x, y]`` / ``(x, y)``."""
    if isinstance(value, Mapping):
        extra = [k for k in value if k not in ("x", "y")]
        if extra:
            for key in extra:
                errors.append(((*loc, str(key)), "unknown key in a point"))
            return None
        if "x" not in value or "y" not in value:
            errors.append((loc, "a point needs both 'x' and 'y'"))
            return None
        n = len(errors)
        x = _number(value["x"], (*loc, "x"), errors)
        y = _number(value["y"], (*loc, "y"), errors)
        return None if len(errors) > n else {"x": x, "y": y}
    if short and isinstance(value, (list, tuple)):
        if len(value) != 2:
            errors.append((loc, f"a point needs 2 coordinates, got {len(value)}"))
            return None
        n = len(errors)
        x = _number(value[0], (*loc, 0), errors)
        y = _number(value[1], (*loc, 1), errors)
        return None if len(errors) > n else {"x": x, "y": y}
    errors.append((loc, "must be a point {x, y}" + (" or [x, y]" if short else "")))
    return None


def _ring(value: Any, loc: Loc, errors: _Errors, *, short: bool, minimum: int, what: str) -> list[Any] | None:
    if not isinstance(value, (list, tuple)):
        errors.append((loc, f"{what} must be a list of points"))
        return None
    n = len(errors)
    points = [_point(p, (*loc, i), errors, short=short) for i, p in enumerate(value)]
    if len(errors) > n:
        return None
    if len(points) < minimum:
        errors.append((loc, f"{what} needs at least {minimum} points, got {len(points)}"))
        return None
    return points


def _is_point_like(value: Any) -> bool:
    if isinstance(value, Mapping):
        return True
    return (
        isinstance(value, (list, tuple))
        and len(value) == 2
        and not any(isinstance(v, (list, tuple, Mapping)) for v in value)
    )


def _box(value: Any, loc: Loc, errors: _Errors, *, short: bool) -> dict[str, Any] | None:
    if short and isinstance(value, (list, tuple)):
        if len(value) != 4:
            errors.append((loc, f"a bbox shorthand is [x, y, w, h], got {len(value)} values"))
            return None
        value = dict(zip(("x", "y", "w", "h"), value, strict=True))
    if not isinstance(value, Mapping):
        errors.append((loc, "must be an object {x, y, w, h}"))
        return None
    out: dict[str, Any] = {}
    n = len(errors)
    for key in value:
        if key not in ("x", "y", "w", "h"):
            errors.append(((*loc, str(key)), "unknown key in a bounding box"))
    for key in ("x", "y", "w", "h"):
        if key not in value:
            errors.append(((*loc, key), "field required"))
            continue
        v = _number(value[key], (*loc, key), errors)
        if v is not None and key in ("w", "h") and not v > 0:
            errors.append(((*loc, key), "must be > 0"))
        out[key] = v
    return None if len(errors) > n else out


def _oriented_box(value: Any, loc: Loc, errors: _Errors) -> dict[str, Any] | None:
    if not isinstance(value, Mapping):
        errors.append((loc, "must be an object {cx, cy, w, h, angle}"))
        return None
    out: dict[str, Any] = {}
    n = len(errors)
    for key in value:
        if key not in ("cx", "cy", "w", "h", "angle"):
            errors.append(((*loc, str(key)), "unknown key in an oriented box"))
    for key in ("cx", "cy", "w", "h", "angle"):
        if key not in value:
            if key == "angle":
                out[key] = 0
                continue
            errors.append(((*loc, key), "field required"))
            continue
        v = _number(value[key], (*loc, key), errors)
        if v is not None:
            if key in ("w", "h") and not v > 0:
                errors.append(((*loc, key), "must be > 0"))
            elif key == "angle" and not 0 <= v < 360:
                errors.append(((*loc, key), "must be in [0, 360)"))
        out[key] = v
    return None if len(errors) > n else out


def _polygon(value: Any, loc: Loc, errors: _Errors, *, short: bool) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        extra = [k for k in value if k != "paths"]
        for key in extra:
            errors.append(((*loc, str(key)), "unknown key in a polygon (rings go in 'paths')"))
        if "paths" not in value:
            errors.append(((*loc, "paths"), "field required"))
            return None
        rings = value["paths"]
        rloc: Loc = (*loc, "paths")
        if extra:
            return None
        shape_short = False
    elif short and isinstance(value, (list, tuple)):
        if value and _is_point_like(value[0]):  # one ring of points
            points = _ring(value, loc, errors, short=True, minimum=3, what="a polygon ring")
            return None if points is None else {"paths": [points]}
        rings = value  # a list of rings
        rloc = loc
        shape_short = True
    else:
        errors.append((loc, "must be an object {paths: [[point, ...], ...]}"))
        return None
    if not isinstance(rings, (list, tuple)):
        errors.append((rloc, "must be a list of rings"))
        return None
    if not rings:
        errors.append((rloc, "a polygon needs at least 1 ring"))
        return None
    n = len(errors)
    paths = [
        _ring(r, (*rloc, i), errors, short=short or shape_short, minimum=3, what="a polygon ring")
        for i, r in enumerate(rings)
    ]
    return None if len(errors) > n else {"paths": paths}


def _polyline(value: Any, loc: Loc, errors: _Errors, *, short: bool) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        bad = [k for k in value if k != "path"]
        for key in bad:
            errors.append(((*loc, str(key)), "unknown key in a polyline (its points go in 'path')"))
        if "path" not in value:
            errors.append(((*loc, "path"), "field required"))
            return None
        if bad:
            return None
        points = _ring(value["path"], (*loc, "path"), errors, short=short, minimum=2, what="a polyline")
    elif short and isinstance(value, (list, tuple)):
        points = _ring(value, loc, errors, short=True, minimum=2, what="a polyline")
    else:
        errors.append((loc, "must be an object {path: [point, ...]}"))
        return None
    return None if points is None else {"path": points}


def _attributes(value: Any, loc: Loc, errors: _Errors) -> Any:
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (list, tuple)):
        return list(value)
    errors.append((loc, "must be an object or an array"))
    return None


def _text(value: Any, loc: Loc, errors: _Errors) -> Any:
    if not isinstance(value, str):
        errors.append((loc, f"must be a string, got {type(value).__name__}"))
        return None
    if not value.strip():
        errors.append((loc, "must not be blank"))
        return None
    return value


def _one(
    item: Any, loc: Loc, errors: _Errors, *, short: bool, generate_ids: bool
) -> dict[str, Any] | None:
    """Check one annotation and build its canonical dict (``None`` when it has errors)."""
    if short and not isinstance(item, Mapping) and callable(getattr(item, "to_dict", None)):
        try:
            item = item.to_dict()
        except Exception as exc:  # a broken model object is bad input, not a crash
            errors.append((loc, f"to_dict() failed: {exc}"))
            return None
    if not isinstance(item, Mapping):
        errors.append((loc, f"must be an object, got {type(item).__name__}"))
        return None
    n = len(errors)
    values: dict[str, Any] = dict(item)
    given_as: dict[str, str] = {}  # canonical key -> the shorthand key the caller used, for error locations
    if short:
        for alias, canonical in _SHORT_ALIASES.items():
            if alias in values:
                if canonical in values:
                    errors.append(((*loc, alias), f"give either '{alias}' or '{canonical}', not both"))
                    values.pop(alias)
                else:
                    values[canonical] = values.pop(alias)
                    given_as[canonical] = alias
        if values.get("id", "") is None and generate_ids:
            del values["id"]
    if "type" not in values:
        errors.append(((*loc, "type"), "field required (the type is never guessed)"))
        return None
    kind = values["type"]
    if not isinstance(kind, str) or kind not in _TYPE_KEYS:
        errors.append(((*loc, "type"), f"must be one of {', '.join(ANNOTATION_TYPES)}, got {kind!r}"))
        return None
    allowed = _TYPE_KEYS[kind]
    for key in values:
        if key not in _COMMON_KEYS and key not in allowed:
            if key == "bounding_box" and kind == "keypoint":
                errors.append(((*loc, given_as.get(key, key)), "a keypoint must not have a bounding_box"))
            else:
                errors.append(((*loc, str(key)), f"unknown key for a {kind} annotation"))

    out: dict[str, Any] = {}
    if "id" in values:
        out["id"] = _text(values["id"], (*loc, "id"), errors)
    elif generate_ids:
        out["id"] = str(uuid.uuid4())
    else:
        errors.append(((*loc, "id"), "field required"))
    if "name" in values:
        out["name"] = _text(values["name"], (*loc, "name"), errors)
    else:
        errors.append(((*loc, "name"), "field required"))
    out["type"] = kind
    confidence = values.get("confidence", 1.0)
    c = _number(confidence, (*loc, "confidence"), errors)
    if c is not None and not 0 <= c <= 1:
        errors.append(((*loc, "confidence"), "must be in [0, 1]"))
    out["confidence"] = c
    created_by = values.get("created_by")
    if created_by is not None:
        if isinstance(created_by, str):
            out["created_by"] = created_by
        else:
            errors.append(((*loc, "created_by"), "must be a string or null"))
    out["attributes"] = (
        _attributes(values["attributes"], (*loc, given_as.get("attributes", "attributes")), errors)
        if "attributes" in values
        else []
    )

    box_loc = (*loc, given_as.get("bounding_box", "bounding_box"))
    if kind == "bbox":
        if "bounding_box" in values:
            out["bounding_box"] = _box(values["bounding_box"], box_loc, errors, short=short)
        else:
            errors.append(((*loc, "bounding_box"), "field required for a bbox annotation"))
        if "oriented_box" in values:
            out["oriented_box"] = _oriented_box(values["oriented_box"], (*loc, "oriented_box"), errors)
    elif kind == "polygon":
        if "polygon" in values:
            out["polygon"] = _polygon(values["polygon"], (*loc, "polygon"), errors, short=short)
        else:
            errors.append(((*loc, "polygon"), "field required for a polygon annotation"))
        if "bounding_box" in values:
            out["bounding_box"] = _box(values["bounding_box"], box_loc, errors, short=short)
    elif kind == "polyline":
        if "polyline" in values:
            out["polyline"] = _polyline(values["polyline"], (*loc, "polyline"), errors, short=short)
        else:
            errors.append(((*loc, "polyline"), "field required for a polyline annotation"))
        if "bounding_box" in values:
            out["bounding_box"] = _box(values["bounding_box"], box_loc, errors, short=short)
    else:  # keypoint
        if "keypoint" in values:
            out["keypoint"] = _point(values["keypoint"], (*loc, "keypoint"), errors, short=short)
        else:
            errors.append(((*loc, "keypoint"), "field required for a keypoint annotation"))
        if "instance_id" in values:
            iid = values["instance_id"]
            if iid is not None and (isinstance(iid, bool) or not isinstance(iid, int) or iid < 1):
                errors.append(((*loc, "instance_id"), "must be an integer >= 1 or null"))
            out["instance_id"] = iid
    return None if len(errors) > n else out


def normalize_annotation(
    item: Any, *, loc: Sequence[str | int] = ("annotation",), generate_ids: bool = True
) -> dict[str, Any]:
    """Validate one annotation (canonical or shorthand) and return its canonical dict.

    Example::

        normalize_annotation({"id": "k", "name": "nose", "type": "keypoint", "keypoint": [3, 4]})
    """
    errors: _Errors = []
    out = _one(item, tuple(loc), errors, short=True, generate_ids=generate_ids)
    if errors or out is None:
        raise _validation_error(errors)
    return out


def _validation_error(errors: _Errors) -> ValidationError:
    field_errors = [{"loc": list(loc), "msg": msg} for loc, msg in errors]
    first = errors[0] if errors else ((), "invalid annotation")
    where = ".".join(str(p) for p in first[0])
    more = f" (and {len(errors) - 1} more problem{'s' if len(errors) > 2 else ''})" if len(errors) > 1 else ""
    return ValidationError(
        f"invalid annotation input: {where}: {first[1]}{more}", field_errors=field_errors, status_code=None
    )


def normalize_annotations(
    items: Iterable[Any],
    *,
    loc_prefix: Sequence[str | int] = ("annotations",),
    classes: Collection[str] | None = None,
    generate_ids: bool = True,
) -> list[dict[str, Any]]:
    """Turn annotation input (canonical dicts, shorthand dicts or model objects) into canonical dicts.

    Applies every rule of docs/wire-protocol.md §4.4 (rule 9, known classes, only when ``classes`` is given) and
    raises :class:`~pictograph.errors.ValidationError` listing every problem with its ``loc``.

    Example::

        normalize_annotations(
            [{"name": "road", "type": "polygon", "polygon": [[0, 0], [4, 0], [4, 3]], "metadata": {"a": 1}}],
            classes={"road"},
        )
    """
    prefix = tuple(loc_prefix)
    errors: _Errors = []
    if isinstance(items, (str, bytes, Mapping)) or not isinstance(items, Iterable):
        errors.append((prefix, "must be a list of annotations"))
        raise _validation_error(errors)
    class_set = None if classes is None else (classes if isinstance(classes, (set, frozenset)) else set(classes))
    out: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        loc = (*prefix, index)
        ann = _one(item, loc, errors, short=True, generate_ids=generate_ids)
        if ann is None:
            continue
        ident = ann["id"]
        if ident is not None:
            if ident in seen:
                errors.append(((*loc, "id"), f"duplicate id {ident!r} (also at index {seen[ident]})"))
            else:
                seen[ident] = index
        if class_set is not None and ann["name"] is not None and ann["name"] not in class_set:
            errors.append(((*loc, "name"), f"unknown class {ann['name']!r} (class names are case-sensitive)"))
        out.append(ann)
    if errors:
        raise _validation_error(errors)
    return out


def check_response_annotations(items: Any) -> list[dict[str, Any]]:
    """Check annotations read from a server against rules 2–8 of §4.4 and return canonical dicts.

    An absent ``confidence`` reads as 1.0 and absent ``attributes`` as ``[]``.  A violation raises
    :class:`~pictograph.errors.ServerError` (``status_code=None``) naming the index and the key.

    Example::

        check_response_annotations([{"id": "a", "name": "car", "type": "bbox",
                                     "bounding_box": {"x": 0, "y": 0, "w": 2, "h": 2}}])
    """
    if not isinstance(items, list):
        raise ServerError(
            f"annotations in the response must be a list, got {type(items).__name__}", status_code=None
        )
    out: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        errors: _Errors = []
        ann = _one(item, (index,), errors, short=False, generate_ids=False)
        if errors or ann is None:
            loc, msg = errors[0] if errors else ((index,), "invalid annotation")
            key = ".".join(str(p) for p in loc[1:]) or "(the annotation)"
            raise ServerError(
                f"annotation {index} in the response does not match the schema: {key}: {msg}",
                status_code=None,
                response=items,
            )
        out.append(ann)
    return out
