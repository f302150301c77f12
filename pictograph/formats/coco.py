"""COCO instances / keypoints JSON (read and write).

Reading (docs/formats-notes.md §1.1): flat ``segmentation`` rings → one ``polygon`` per ring (several rings are a union of
parts, C1: each part keeps ``attributes["coco_id"]``); no segmentation → ``bbox``; ``keypoints`` triplets → one
``keypoint`` per labelled joint (``v = 0`` skipped, ``v = 1`` → ``attributes["occluded"] = True``) sharing an
``instance_id``; a category whose ``keypoints`` lists no joint names (datumaro writes ``[]``) gets joints
named by index, ``"0"``, ``"1"``, … (reported as normalized); RLE masks are traced into pixel-boundary
polygons (reported).  Categories are matched by id; an unreferenced Roboflow super-class is not turned into a
class.

Writing (docs/formats-notes.md §2.1): one JSON file (``annotations.json``) with 1-based image, annotation and category ids in
the dataset's class order; polygon holes, box rotations and polylines cannot be held and are reported.
"""

from __future__ import annotations

import codecs
import json
import mmap
import os
import re
from collections.abc import Iterable
from math import hypot
from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import ClassOrder, is_number, num
from pictograph.formats._io import safe_relpath
from pictograph.formats._model import (
    AnnotatedDataset,
    Annotation,
    ClassInfo,
    CompactImage,
    ImageRecord,
    ImageStream,
    new_annotation,
    ring_area,
    ring_bounds,
)
from pictograph.formats._report import Notes
from pictograph.formats._rle import decode_counts, mask_to_polygons, polygon_to_counts

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "write"]

try:  # optional (the ``formats`` extra): a much faster parser for the bulk of a COCO file
    import orjson as _orjson
except ImportError:  # pragma: no cover - exercised by the tests that hide it
    _orjson = None  # type: ignore[assignment]

NAME = "coco"
CAN_WRITE = True
SINGLE_FILE = "annotations.json"

_COCO_HEAD = re.compile(rb'"(images|annotations|categories)"\s*:')


def _looks_like_coco(file: Path) -> bool:
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
    return sorted(p for p in path.rglob("*.json") if _looks_like_coco(p))


def detect(path: Path) -> int:
    if path.is_file():
        return 70 if path.suffix.lower() == ".json" and _looks_like_coco(path) else 0
    files = _coco_files(path)
    return 60 if files else 0


def read(path: Path, notes: Notes, *, compact_rows: bool = False, **options: Any) -> AnnotatedDataset:
    """``compact_rows`` (used by :func:`pictograph.formats.convert` for writers that take them): images of
    boxes and one-ring polygons come as :class:`CompactImage` rows instead of :class:`ImageRecord`, and the
    images can be iterated only once."""
    files = _coco_files(path)
    if not files:
        raise FormatError("no COCO JSON file found (expected an object with images, annotations, categories)",
                          path=str(path))
    classes: list[ClassInfo] = []
    parts: list[Iterable[ImageRecord]] = []
    for file in files:
        subset = None
        if len(files) > 1:
            subset = file.stem.removeprefix("instances_").removeprefix("person_keypoints_")
        cls, imgs = _parse_coco_file(file, notes, subset=subset, compact=compact_rows)
        known = {c.name for c in classes}
        classes.extend(c for c in cls if c.name not in known)
        parts.append(imgs)
    images: Iterable[ImageRecord] = parts[0] if len(parts) == 1 else ImageStream(
        lambda: (im for p in parts for im in p))
    return AnnotatedDataset(images=images, classes=classes, notes=notes)


def _err(reason: str, file: Path, location: str) -> FormatError:
    return FormatError(reason, path=str(file), location=location)


def _id(value: Any, file: Path, loc: str) -> int | str:
    if (type(value) is int) or (isinstance(value, str) and value):
        return value
    raise _err(f"id must be an integer, got {value!r}", file, loc)


def _size(value: Any, file: Path, loc: str) -> float | None:
    if value is None:
        return None
    if not is_number(value) or value <= 0:
        raise _err(f"image size must be a positive number, got {value!r}", file, loc)
    return value  # type: ignore[no-any-return]


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(f"{name} is not a valid number")


_DECODER = json.JSONDecoder(parse_constant=_reject_constant)
_WS = re.compile(r"[ \t\n\r]*")
_NUMS = frozenset({int, float})
_BLANKS = frozenset({" ", "\t", "\n", "\r"})
_BIG = 2**53
_NOTHING = object()
_CHUNK = 1 << 17
_MIN_CHUNK = 1 << 13
_DIGITS = str.maketrans("123456789", "000000000")
# Integers that orjson reads as floats: above 2**64 - 1 (20 digits or more) or below -2**63 (a '-' and 19 digits
# or more), among the digits of a slice turned to '0's.
_RUN19 = "0" * 19
_LONG_RUN = "0" * 20
_NEGATIVE_RUN = "-" + _RUN19


def _numbers(values: list[Any]) -> bool:
    """Every value is an int or float (not a bool); integers stay within ±2**53."""
    types = set(map(type, values))
    if not types <= _NUMS:
        return False
    return int not in types or not values or (max(values) <= _BIG and min(values) >= -_BIG)


def _bounded(values: list[Any]) -> bool:
    """For a list parsed from a slice without true, false or null: true when its values are numbers within
    ±1e15, which :func:`_numbers` accepts (the converse need not hold: the caller then asks _numbers itself).
    One C call, half the time of the type checks: every value is within the root of their squares' sum, and
    the bound lies far enough below 2**53 that rounding an integer to a float cannot hide one beyond it."""
    try:
        return hypot(*values) < 1e15
    except (TypeError, OverflowError):  # not all numbers
        return False


def _where(text: str, pos: int) -> str:
    line = text.count("\n", 0, pos) + 1
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return f"line {line} column {col}"


def _decode(text: str, pos: int, file: Path) -> tuple[Any, int]:
    try:
        return _DECODER.raw_decode(text, pos)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON: {exc.msg}", path=str(file),
                          location=f"line {exc.lineno} column {exc.colno}") from None
    except _NonFinite as exc:
        raise FormatError(f"malformed JSON: {exc}", path=str(file), location=_where(text, pos)) from None
    except RecursionError:
        raise FormatError("JSON nested too deeply", path=str(file), location=_where(text, pos)) from None


def _expect(text: str, pos: int, chars: str, file: Path) -> tuple[str, int]:
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    if pos >= len(text) or text[pos] not in chars:
        got = "end of file" if pos >= len(text) else repr(text[pos])
        raise FormatError(f"malformed JSON: expected {' or '.join(repr(c) for c in chars)}, got {got}",
                          path=str(file), location=_where(text, pos))
    return text[pos], pos + 1


# One parsed COCO annotation, kept compact until its image is produced:
# (index, category id, kind, geometry, id, confidence, attributes).  A box's geometry is [x, y, w, h] and a
# polygon's its rings (list or tuple each); _build makes the tuples an Annotation holds.
_Raw = tuple[int, Any, str, Any, Any, float, Any]


def _simple(raw: _Raw) -> bool:
    """The row is a box or a one-ring polygon (one annotation that a CompactImage row can stand for)."""
    return raw[2] == "bbox" or (raw[2] == "polygon" and len(raw[3]) == 1)


def _read_text(file: Path) -> str:
    """The file decoded as UTF-8.  On POSIX it is decoded straight from a pre-faulted read-only mapping, which
    spares the copy into a bytes object as large as the file (half the time for a 30 MB file)."""
    with open(file, "rb") as f:
        if os.name == "posix" and os.fstat(f.fileno()).st_size > 0:
            try:
                mm = mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0),
                               prot=mmap.PROT_READ)
            except (OSError, ValueError):  # not mappable (a pipe, a special file system): read it
                pass
            else:
                with mm:
                    return codecs.utf_8_decode(mm, "strict", True)[0]
        return f.read().decode("utf-8")


def _parse_coco_file(file: Path, notes: Notes, *, subset: str | None = None, prefix: str = "",
                    compact: bool = False) -> tuple[list[ClassInfo], Iterable[ImageRecord]]:
    """Parse one COCO file into classes and images, streaming the ``annotations`` array element by element so
    that no full JSON tree of it is ever held (shared with the Roboflow reader).  With ``compact``, an image
    whose objects are all boxes and one-ring polygons comes as a :class:`CompactImage` of its rows, and the
    images can be iterated only once."""
    try:
        text = _read_text(file)
    except OSError as exc:
        raise FormatError(f"cannot read the file ({exc.strerror})", path=str(file)) from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text ({exc.reason})", path=str(file)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    top: dict[str, Any] = {}
    groups: dict[Any, list[_Raw]] = {}
    ann_image_ids: list[tuple[Any, int]] = []
    mixed: set[Any] = set()
    c, pos = _expect(text, 0, "{", file)
    c, pos = _expect(text, pos, '"}', file)
    while c != "}":
        key, pos = _decode(text, pos - 1, file)
        _, pos = _expect(text, pos, ":", file)
        pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
        if key == "annotations" and text.startswith("[", pos):
            pos = _stream_annotations(text, pos + 1, file, notes, groups, ann_image_ids, mixed)
            top["annotations"] = True
        else:
            top[key], pos = _decode(text, pos, file)
        c, pos = _expect(text, pos, ",}", file)
        if c == ",":
            c, pos = _expect(text, pos, '"', file)
    end = _WS.match(text, pos).end()  # type: ignore[union-attr]
    if end != len(text):
        raise FormatError("malformed JSON: extra data after the object", path=str(file), location=_where(text, end))
    del text
    return _assemble(top, groups, ann_image_ids, mixed if compact else None, file, notes, subset, prefix)


def _stream_annotations(text: str, pos: int, file: Path, notes: Notes, groups: dict[Any, list[_Raw]],
                        ann_image_ids: list[tuple[Any, int]], mixed: set[Any]) -> int:
    """Read the ``annotations`` array starting after its ``[``; return the position after its ``]``.

    With ``orjson`` installed the array is parsed in slices of whole elements (about 128 KiB each,
    cut after a ``}`` that a ``,`` or ``]`` follows); a slice that does not parse as a list of complete
    elements, because the cut fell inside a string or a nested value or because the slice is really malformed,
    is read again element by element by the standard library, which also names the place of any error.  So
    the fast path never changes what is accepted or how an error is reported; it only avoids 100,000
    separate decoder calls.

    ``groups`` receives each image's rows, ``ann_image_ids`` each image id with the index of its first
    annotation, ``mixed`` the ids of images with an object other than a box or a one-ring polygon."""
    pos = _WS.match(text, pos).end()  # type: ignore[union-attr]
    if text.startswith("]", pos):
        return pos + 1
    index = 0
    if _orjson is None:
        return _stream_stdlib(text, pos, file, notes, groups, ann_image_ids, mixed, 0, len(text))[0]
    loads = _orjson.loads
    decode_error = _orjson.JSONDecodeError
    ws = _WS.match
    size = _CHUNK
    last_iid: Any = _NOTHING
    g: list[_Raw] = []
    while True:
        end = _boundary(text, pos + size)
        items: Any = None
        plain = False
        if end > pos:
            chunk = text[pos:end]
            # orjson reads integers beyond 64 bits as floats; the standard library keeps them integers (and
            # the checks below refuse them), so a slice that may hold one is left to the standard library.
            digits = chunk.translate(_DIGITS)
            wide = _RUN19 in digits and (_LONG_RUN in digits or _NEGATIVE_RUN in digits)
            del digits
            if not wide:
                try:
                    items = loads(f"[{chunk}]")
                except decode_error:
                    items = None
                # Without a 'u' or an 'l' the slice holds no true, false or null: every value in it is a
                # number, a string, a list or an object, and math.hypot() takes a list of numbers only.
                plain = "u" not in chunk and "l" not in chunk
            del chunk
        if items is None:
            if size > _MIN_CHUNK:
                size //= 8
                continue
            pos, index, done = _stream_stdlib(text, pos, file, notes, groups, ann_image_ids, mixed, index,
                                              pos + _MIN_CHUNK)
            last_iid = _NOTHING
            if done:
                return pos
            continue
        for a in items:
            if type(a) is not dict:
                raise _err("an annotation must be an object", file, f"annotations[{index}]")
            get = a.get
            # The two common shapes (a box; one polygon ring) without score, attributes or keypoints are
            # checked here exactly as _compact checks them; anything else goes through _compact.
            raw: _Raw | None = None
            if "keypoints" not in a and "score" not in a and "attributes" not in a:
                seg = get("segmentation")
                if seg:
                    if type(seg) is list and len(seg) == 1:
                        ring = seg[0]
                        if type(ring) is list and len(ring) >= 6 and not len(ring) % 2 and (
                                (plain and _bounded(ring))
                                or list(map(type, ring)).count(float) == len(ring) or _numbers(ring)):
                            raw = (index, get("category_id"), "polygon", (ring,), get("id"), 1.0, [])
                else:
                    bbox = get("bbox")
                    if (type(bbox) is list and len(bbox) == 4
                            and ((plain and _bounded(bbox))
                                 or list(map(type, bbox)).count(float) == 4 or _numbers(bbox))
                            and bbox[2] > 0 and bbox[3] > 0):
                        raw = (index, get("category_id"), "bbox", bbox, get("id"), 1.0, [])
            odd = False
            if raw is None:
                raw = _compact(a, index, file, notes)
                odd = raw is not None and not _simple(raw)
            iid = get("image_id")
            if iid != last_iid:  # annotations usually come image by image
                try:
                    found = groups.get(iid)
                except TypeError:
                    raise _err(f"image_id {iid!r} is not in 'images'", file,
                               f"annotations[{index}].image_id") from None
                if found is None:
                    found = groups[iid] = []
                    ann_image_ids.append((iid, index))
                g = found
                last_iid = iid
            if raw is not None:
                g.append(raw)
                if odd:
                    mixed.add(iid)
            index += 1
        del items
        pos = ws(text, end).end()  # type: ignore[union-attr]
        if text[pos] == "]":
            return pos + 1
        pos = ws(text, pos + 1).end()  # type: ignore[union-attr]
        if size < _CHUNK:
            size *= 2


def _boundary(text: str, start: int) -> int:
    """The position just after the first ``}`` at or after ``start`` that (blanks aside) a ``,`` or ``]``
    follows: a possible end of an array element; -1 when there is none."""
    find = text.find
    ws = _WS.match
    while True:
        i = find("}", start)
        if i < 0:
            return -1
        j = i + 1
        c = text[j:j + 1]
        if c in _BLANKS:
            j = ws(text, j).end()  # type: ignore[union-attr]
            c = text[j:j + 1]
        if c == "," or c == "]":
            return i + 1
        start = j


def _stream_stdlib(text: str, pos: int, file: Path, notes: Notes, groups: dict[Any, list[_Raw]],
                   ann_image_ids: list[tuple[Any, int]], mixed: set[Any], index: int,
                   stop: int) -> tuple[int, int, bool]:
    """Decode elements one by one from ``pos`` (the start of an element) until the array ends or an element
    ends at or after ``stop``.  Returns the position after the ``]`` (done) or at the next element's start,
    the next element index, and whether the array ended."""
    decode = _DECODER.raw_decode
    ws = _WS.match
    while True:
        try:
            a, pos = decode(text, pos)
        except (json.JSONDecodeError, _NonFinite, RecursionError):
            _decode(text, pos, file)
            raise
        if type(a) is not dict:
            raise _err("an annotation must be an object", file, f"annotations[{index}]")
        raw = _compact(a, index, file, notes)
        iid = a.get("image_id")
        try:
            g = groups.get(iid)
        except TypeError:
            raise _err(f"image_id {iid!r} is not in 'images'", file, f"annotations[{index}].image_id") from None
        if g is None:
            g = groups[iid] = []
            ann_image_ids.append((iid, index))
        if raw is not None:
            g.append(raw)
            if not _simple(raw):
                mixed.add(iid)
        index += 1
        c = text[pos:pos + 1]
        if c == ",":
            pos += 1
            if text[pos:pos + 1] in _BLANKS:
                pos = ws(text, pos).end()  # type: ignore[union-attr]
        elif c == "]":
            return pos + 1, index, True
        else:
            c, pos = _expect(text, pos, ",]", file)
            if c == "]":
                return pos, index, True
            pos = ws(text, pos).end()  # type: ignore[union-attr]
        if pos >= stop:
            return pos, index, False


def _compact(a: dict[str, Any], index: int, file: Path, notes: Notes) -> _Raw | None:
    """Check one COCO annotation and keep only what is needed to build its Pictograph annotations."""
    get = a.get
    cid = get("category_id")
    aid = get("id")
    score = get("score")
    confidence = 1.0
    if score is not None:
        if type(score) not in _NUMS:
            raise _err(f"score must be a number, got {score!r}", file, f"annotations[{index}].score")
        confidence = min(1.0, max(0.0, float(score)))
    attrs_raw = get("attributes")
    attributes: Any = attrs_raw if type(attrs_raw) is dict else []
    kps = get("keypoints")
    if kps:
        if type(kps) is not list or len(kps) % 3 or not _numbers(kps):
            raise _err("keypoints must be a flat list of x, y, v numbers", file, f"annotations[{index}].keypoints")
        other = bool(get("segmentation") or get("bbox"))
        return (index, cid, "keypoints", (kps, other), aid, confidence, attributes)
    seg = get("segmentation")
    if seg:
        if type(seg) is dict:
            return (index, cid, "rle", _rle_of(seg, file, f"annotations[{index}].segmentation"), aid,
                    confidence, attributes)
        if type(seg) is not list:
            raise _err("segmentation must be a list of rings or an RLE object", file,
                       f"annotations[{index}].segmentation")
        if len(seg) == 1:
            ring = seg[0]
            if type(ring) is list and len(ring) >= 6 and not len(ring) % 2 and _numbers(ring):
                return (index, cid, "polygon", (tuple(ring),), aid, confidence, attributes)
        rings: list[tuple[float, ...]] = []
        for r, ring in enumerate(seg):
            if type(ring) is not list or not _numbers(ring):
                raise _err("a segmentation ring must be a flat list of numbers", file,
                           f"annotations[{index}].segmentation[{r}]")
            if len(ring) % 2:
                notes.lossy("read", "odd coordinate count: trailing value dropped", str(file),
                            f"annotations[{index}].segmentation[{r}]", "polygon")
                ring = ring[:-1]
            if len(ring) < 6:
                notes.skip("read", "polygon ring with fewer than 3 points", str(file),
                           f"annotations[{index}].segmentation[{r}]", "polygon")
                continue
            rings.append(tuple(ring))
        if not rings:
            return None
        return (index, cid, "polygon", tuple(rings), aid, confidence, attributes)
    bbox = get("bbox")
    if bbox is None:
        raise _err("annotation has no bbox, segmentation or keypoints", file, f"annotations[{index}]")
    if type(bbox) is not list or len(bbox) != 4 or not _numbers(bbox):
        raise _err(f"bbox must be [x, y, w, h] numbers, got {bbox!r}", file, f"annotations[{index}].bbox")
    if bbox[2] <= 0 or bbox[3] <= 0:
        notes.skip("read", "box with w <= 0 or h <= 0", str(file), f"annotations[{index}].bbox", "bbox")
        return None
    return (index, cid, "bbox", (bbox[0], bbox[1], bbox[2], bbox[3]), aid, confidence, attributes)


def _rle_of(seg: dict[str, Any], file: Path, loc: str) -> tuple[list[int], int, int]:
    size = seg.get("size")
    if not (isinstance(size, list) and len(size) == 2 and all(type(v) is int and v >= 0 for v in size)):
        raise _err(f"RLE size must be [height, width], got {size!r}", file, f"{loc}.size")
    h, w = size
    counts = seg.get("counts")
    if isinstance(counts, str):
        try:
            counts = decode_counts(counts)
        except ValueError as exc:
            raise _err(f"malformed compressed RLE counts ({exc})", file, f"{loc}.counts") from None
    if not (isinstance(counts, list) and all(type(v) is int and v >= 0 for v in counts)):
        raise _err("RLE counts must be a list of non-negative integers or a compressed string", file,
                   f"{loc}.counts")
    if any(v > h * w for v in counts):  # also keeps absurd numbers (thousands of digits) out of the message
        raise _err(f"an RLE run is longer than the {h * w} pixels of the mask", file, f"{loc}.counts")
    if sum(counts) != h * w:
        raise _err(f"RLE counts cover {sum(counts)} pixels, the mask has {h * w}", file, f"{loc}.counts")
    return counts, h, w


def _assemble(top: dict[str, Any], groups: dict[Any, list[_Raw]], ann_image_ids: list[tuple[Any, int]],
              mixed: set[Any] | None, file: Path, notes: Notes, subset: str | None,
              prefix: str) -> tuple[list[ClassInfo], Iterable[ImageRecord]]:
    fname = str(file)
    if not isinstance(top.get("images"), list):
        raise _err("'images' must be a list", file, "/images")
    if "annotations" not in top:
        raise _err("'annotations' must be a list", file, "/annotations")
    cats_raw = top.get("categories", [])
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
    images: dict[Any, tuple[str, float | None, float | None]] = {}
    for i, im in enumerate(top["images"]):
        loc = f"images[{i}]"
        if not isinstance(im, dict):
            raise _err("an image must be an object", file, loc)
        iid = _id(im.get("id"), file, f"{loc}.id")
        if iid in images:
            raise _err(f"duplicate image id {iid!r}", file, f"{loc}.id")
        raw_name = im.get("file_name")
        if raw_name is None or raw_name == "":
            raw_name = f"image_{iid}"
            notes.add("read", "normalized", f"image without file_name named {raw_name!r}", fname, loc)
        if not isinstance(raw_name, str):
            raise _err(f"file_name must be a string, got {raw_name!r}", file, f"{loc}.file_name")
        filename = safe_relpath(prefix + raw_name, path=fname, location=f"{loc}.file_name")
        images[iid] = (filename, _size(im.get("width"), file, f"{loc}.width"),
                       _size(im.get("height"), file, f"{loc}.height"))
    for iid, first in ann_image_ids:
        if iid not in images:
            raise _err(f"image_id {iid!r} is not in 'images'", file, f"annotations[{first}].image_id")
    used: set[Any] = set()
    for g in groups.values():
        for raw in g:
            cid = raw[1]
            if (type(cid) is not int and type(cid) is not str) or cid not in used:
                if (type(cid) is not int and type(cid) is not str) or cid not in cats:
                    raise _err(f"category_id {cid!r} is not in 'categories'", file,
                               f"annotations[{raw[0]}].category_id")
                used.add(cid)
    _name_joints_by_index(groups, cats, file, notes)

    classes: list[ClassInfo] = []
    seen: set[str] = set()
    supercats = {c.get("supercategory") for c in cats.values() if isinstance(c.get("supercategory"), str)}
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
    order = list(images)
    names = {cid: c["name"] for cid, c in cats.items()}

    def produce() -> Any:
        for iid in order:
            filename, w, h = images[iid]
            raws = groups.get(iid, ())
            yield ImageRecord(filename, w, h, _build(raws, cats, names, file, notes), subset, fname)

    if mixed is None:
        return classes, ImageStream(produce)
    not_compact = mixed
    passes: list[None] = []

    def produce_once() -> Any:
        # For convert(), which reads once: an image's rows are let go as soon as it is written, while they
        # are still in the cache (freeing 100,000 annotations' rows at the end took 0.035 s, as they go 0.02 s).
        if passes:
            raise RuntimeError("images read with compact rows can be iterated only once")
        passes.append(None)
        pop = groups.pop
        for iid in order:
            filename, w, h = images[iid]
            raws = pop(iid, ())
            if iid in not_compact:
                yield ImageRecord(filename, w, h, _build(raws, cats, names, file, notes), subset, fname)
            else:
                yield CompactImage(filename, w, h, raws, names, subset, fname)

    return classes, ImageStream(produce_once)


def _name_joints_by_index(groups: dict[Any, list[_Raw]], cats: dict[Any, dict[str, Any]], file: Path,
                          notes: Notes) -> None:
    """Give joint names "0", "1", ... to categories that list none while their annotations carry keypoints.

    Datumaro writes ``"keypoints": []`` on such categories; pycocotools never needs the names, so such files
    are valid COCO to it.  The joint count comes from the triplets and must be the same in every annotation of the
    category, or no joint index would mean one thing."""
    first: dict[Any, tuple[int, _Raw]] = {}  # category id -> (joint count, first annotation with keypoints)
    for raws in groups.values():
        for raw in raws:
            cid = raw[1]
            if raw[2] != "keypoints" or cats[cid].get("keypoints"):
                continue
            count = len(raw[3][0]) // 3
            seen = first.setdefault(cid, (count, raw))
            if seen[0] != count:
                raise _err(f"annotation {_shown_id(raw)} has {count} keypoint joints but annotation "
                           f"{_shown_id(seen[1])} of category {cats[cid]['name']!r} has {seen[0]}: a category that "
                           "names no joints needs the same count in every annotation (or joint names in its "
                           "'keypoints')", file, f"annotations[{raw[0]}].keypoints")
    for cid, (count, _) in first.items():
        name = cats[cid]["name"]
        cats[cid] = {**cats[cid], "keypoints": [str(j) for j in range(count)]}
        notes.add("read", "normalized", f"category {name!r} names no joints: its {count} joints are named by index "
                  f"('0' to '{count - 1}')", str(file), f"categories id {cid}", "keypoint")


def _shown_id(raw: _Raw) -> str:
    """An annotation as a message names it: its id, else its place in the file."""
    return f"id {raw[4]!r}" if raw[4] is not None else f"annotations[{raw[0]}]"


def _build(raws: Iterable[_Raw], cats: dict[Any, dict[str, Any]], names: dict[Any, str], file: Path,
           notes: Notes) -> tuple[Annotation, ...]:
    out: list[Annotation] = []
    append = out.append
    instance = 0
    for index, cid, kind, geo, aid, confidence, attributes in raws:
        name = names[cid]
        ident = None if aid is None else str(aid)
        if kind == "bbox":
            append(new_annotation(name, "bbox", tuple(geo), (), ident, confidence, attributes))
        elif kind == "polygon":
            if len(geo) == 1:
                append(new_annotation(name, "polygon", None, (tuple(geo[0]),), ident, confidence, attributes))
                continue
            notes.add("read", "normalized", f"multi-part segmentation split into {len(geo)} polygons",
                      str(file), f"annotations[{index}]", "polygon")
            base = dict(attributes) if isinstance(attributes, dict) else {}
            base["coco_id"] = aid
            for k, ring in enumerate(geo):
                append(Annotation(name, "polygon", paths=(ring,), id=None if ident is None else f"{ident}-{k}",
                                  confidence=confidence, attributes=base))
        elif kind == "rle":
            counts, h, w = geo
            groups = mask_to_polygons(counts, h, w)
            loc = f"annotations[{index}].segmentation"
            if not groups:
                notes.skip("read", "empty RLE mask", str(file), loc, "rle")
                continue
            notes.add("read", "normalized", f"RLE mask traced into {len(groups)} pixel-boundary polygon(s)",
                      str(file), loc, "polygon")
            base = dict(attributes) if isinstance(attributes, dict) else {}
            if len(groups) > 1:
                base["coco_id"] = aid
            for k, grp in enumerate(groups):
                append(Annotation(name, "polygon", paths=tuple(grp),
                                  id=ident if len(groups) == 1 or ident is None else f"{ident}-{k}",
                                  confidence=confidence, attributes=base or attributes))
        else:
            kps, other = geo
            loc = f"annotations[{index}]"
            joints = cats[cid].get("keypoints") or []
            if len(kps) // 3 != len(joints):
                raise _err(f"keypoints must hold 3 values per joint of category {name!r} ({len(joints)} joints)",
                           file, f"{loc}.keypoints")
            instance += 1
            for j, joint in enumerate(joints):
                x, y, v = kps[3 * j: 3 * j + 3]
                if v <= 0:
                    notes.skip("read", "keypoint not labelled (v=0)", str(file), f"{loc}.keypoints[{3 * j}]",
                               "keypoint")
                    continue
                kattrs: Any = dict(attributes) if isinstance(attributes, dict) else {}
                if v == 1:
                    kattrs["occluded"] = True
                append(Annotation(joint, "keypoint", point=(x, y), instance_id=instance,
                                  id=None if ident is None else f"{ident}-{j}", confidence=confidence,
                                  attributes=kattrs or []))
            if other:
                notes.lossy("read", "object has keypoints; its bbox/segmentation was not kept", str(file), loc,
                            "keypoint")
    return tuple(out)


def _class_info(c: dict[str, Any], file: Path, notes: Notes) -> ClassInfo:
    kps = c.get("keypoints")
    if not kps:
        return ClassInfo(c["name"])
    if not isinstance(kps, list) or not all(isinstance(k, str) for k in kps):
        raise _err("category keypoints must be a list of joint names", file, f"category {c['name']!r}")
    skel = c.get("skeleton") or []
    if not isinstance(skel, list) or any(not isinstance(e, list) or len(e) != 2 or
                                         not all(type(v) is int for v in e) for e in skel):
        raise _err("skeleton must be a list of [i, j] index pairs", file, f"category {c['name']!r}")
    flat = [v for e in skel for v in e]
    one_based = not flat or (min(flat) >= 1 and max(flat) <= len(kps))
    if not one_based:
        if min(flat) >= 0 and max(flat) < len(kps):
            notes.add("read", "normalized", "skeleton read as 0-based indices", str(file),
                      f"category {c['name']!r}")
        else:
            raise _err("skeleton index out of range", file, f"category {c['name']!r}")
    shift = 1 if one_based else 0
    return ClassInfo(c["name"], tuple(kps), tuple((e[0] - shift, e[1] - shift) for e in skel))


def _template_for(joints: Iterable[str], templates: list[tuple[int, ClassInfo]]) -> tuple[int, ClassInfo] | None:
    js = set(joints)
    for t in templates:
        if js <= set(t[1].keypoints):
            return t
    return None


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, *, coco_holes: str = "drop",
          **options: Any) -> None:
    """``coco_holes="drop"`` (default) writes a holed polygon's outline and reports each dropped hole;
    ``coco_holes="rle"`` writes it as an uncompressed RLE mask that keeps the holes (C3)."""
    if coco_holes not in ("drop", "rle"):
        raise FormatError(f"coco_holes must be 'drop' or 'rle', got {coco_holes!r}")
    rle_holes = coco_holes == "rle"
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
                obj["bbox"] = list(ring_bounds(outer))
                obj["area"] = ring_area(outer) - sum(ring_area(r) for r in ann.paths[1:])
                obj["segmentation"] = [list(outer)]
                if len(ann.paths) > 1:
                    if rle_holes and type(image.width) is int and type(image.height) is int:
                        obj["segmentation"] = {"counts": polygon_to_counts(ann.paths, image.height, image.width),
                                               "size": [image.height, image.width]}
                        notes.add("write", "normalized", "polygon with holes written as a pixel mask (RLE)",
                                  fname, f"annotation {k}", t)
                    else:
                        why = "" if not rle_holes else "; RLE needs integer image sizes"
                        notes.lossy("write", f"{len(ann.paths) - 1} polygon hole(s) dropped (COCO polygons have "
                                    f"no holes{why})", fname, f"annotation {k}", t)
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
        f.write(json.dumps(doc, ensure_ascii=False, separators=(",", ":")))


def _common_out(ann: Annotation, obj: dict[str, Any]) -> None:
    if ann.confidence != 1.0:
        obj["score"] = ann.confidence
    if isinstance(ann.attributes, dict) and ann.attributes:
        obj["attributes"] = ann.attributes


def _one_joint_per_name(parts: list[tuple[int, ClassInfo, list[Annotation]]], fname: str,
                        notes: Notes) -> list[tuple[int, ClassInfo, list[Annotation]]]:
    """A COCO object holds each joint once: a joint named twice in one instance goes to an object of its own."""
    out: list[tuple[int, ClassInfo, list[Annotation]]] = []
    for idx, info, members in parts:
        seen: set[str] = set()
        first: list[Annotation] = []
        extra: list[Annotation] = []
        for m in members:
            (extra if m.name in seen else first).append(m)
            seen.add(m.name)
        out.append((idx, info, first))
        for m in extra:
            notes.lossy("write", f"joint {m.name!r} appears twice in one instance: the second is written as an "
                        "object of its own (grouping lost)", fname, None, "keypoint")
            out.append((idx, info, [m]))
    return out


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
        parts = _one_joint_per_name(parts, fname, notes)
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


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
