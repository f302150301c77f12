"""YOLO darknet / Ultralytics text labels (read and write).

Writing (docs/formats-notes.md §2.2, C6): ``labels/<image path without suffix>.txt`` per image (an empty file for an image
without annotations; ``labels/<subset>/…`` for split datasets), ``classes.txt`` and ``data.yaml`` (``names`` as a
list, ``nc``, image folders relative to the yaml, no ``path:``), plus ``image_sizes.json`` — a sidecar holding
each image's file name and size, which YOLO files lack.  ``task="detect"`` (default) writes ``cls cx cy w h``;
``task="segment"`` writes polygon outer rings and boxes as 4 corners.  Coordinates are normalised, clipped to
[0, 1] and written with 6 decimals.

Reading (docs/formats-notes.md §1.3): class names from ``data.yaml`` (list or dict) or ``classes.txt`` / ``obj.names``; image sizes
from ``image_sizes.json``, the image files (Pillow), or ``image_sizes={name or stem: (w, h)}``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._common import ClassOrder, OutDir, label_stem
from pictograph.formats._io import IMAGE_SUFFIXES, image_size_from_file, load_json, safe_relpath
from pictograph.formats._model import (
    NAME_IS_KEY,
    ROTATED_BOX,
    AnnotatedDataset,
    Annotation,
    CompactImage,
    ImageRecord,
    ImageStream,
    annotation_rows,
    obb_corners,
)
from pictograph.formats._report import Notes

__all__ = ["CAN_WRITE", "NAME", "SINGLE_FILE", "detect", "read", "takes_compact", "write"]

NAME = "yolo"
CAN_WRITE = True
SINGLE_FILE = None
_SIDECAR = "image_sizes.json"
_NAME_FILES = ("classes.txt", "obj.names")
_SPLITS = frozenset({"train", "val", "valid", "test"})


def detect(path: Path) -> int:
    if path.is_file():
        return 30 if path.name in ("data.yaml", *_NAME_FILES) else 0
    if (path / "data.yaml").is_file() or any((path / n).is_file() for n in _NAME_FILES):
        return 80
    if any(path.glob("*.yaml")) and any(path.rglob("*.txt")):
        return 40
    return 0


def _nesting(text: str) -> int:
    """Deepest bracket nesting of flow-style YAML (quotes ignored roughly): a cheap guard against files that
    would make the parser recurse for seconds."""
    depth = deepest = 0
    for ch in text:
        if ch in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
        elif ch in "]}" and depth:
            depth -= 1
    return deepest


def _load_names(root: Path) -> list[str]:
    yamls = [root / "data.yaml"] if (root / "data.yaml").is_file() else sorted(root.glob("*.yaml"))
    import yaml  # imported when needed: writing rarely needs it (see _data_yaml)

    for y in yamls:
        try:
            text = y.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise FormatError(f"cannot read the file ({exc})", path=str(y)) from None
        if _nesting(text) > 50:
            raise FormatError("YAML nested too deeply for a dataset file", path=str(y))
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise FormatError(f"malformed YAML ({exc})", path=str(y)) from None
        except RecursionError:
            raise FormatError("YAML nested too deeply", path=str(y)) from None
        if not isinstance(doc, dict) or "names" not in doc:
            continue
        names = doc["names"]
        if isinstance(names, dict):
            try:
                keys = sorted(int(k) for k in names)
            except (TypeError, ValueError):
                raise FormatError("names keys must be class indices", path=str(y), location="names") from None
            if keys != list(range(len(keys))):
                raise FormatError("names indices must be 0..n-1", path=str(y), location="names")
            names = [names[k] if k in names else names[str(k)] for k in keys]
        if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
            raise FormatError("names must be a list of non-blank class names", path=str(y), location="names")
        return [str(n) for n in names]
    for n in _NAME_FILES:
        f = root / n
        if f.is_file():
            return [line.strip() for line in f.read_text(encoding="utf-8").splitlines() if line.strip()]
    raise FormatError("no class names: expected data.yaml (names), classes.txt or obj.names; a class index "
                      "without its names is meaningless", path=str(root))


def read(path: Path, notes: Notes, *, image_sizes: dict[str, tuple[float, float]] | None = None,
         **options: Any) -> AnnotatedDataset:
    root = path if path.is_dir() else path.parent
    names = _load_names(root)
    sidecar: dict[str, dict[str, Any]] = {}
    if (root / _SIDECAR).is_file():
        doc = load_json(root / _SIDECAR)
        entries = doc.get("images") if isinstance(doc, dict) else None
        if not isinstance(entries, list):
            raise FormatError("'images' must be a list", path=str(root / _SIDECAR), location="/images")
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not isinstance(e.get("label"), str):
                raise FormatError("entry needs a 'label' path", path=str(root / _SIDECAR), location=f"images[{i}]")
            sidecar[e["label"]] = e
    labels = sorted(p for p in root.rglob("*.txt") if _is_label(p, root))

    def images() -> Any:
        for label in labels:
            yield _read_label(label, root, names, sidecar, image_sizes, notes)

    return AnnotatedDataset(images=ImageStream(images), classes=names, notes=notes)


def _is_label(p: Path, root: Path) -> bool:
    if p.name in _NAME_FILES:
        return False
    if p.parent == root:
        return not (p.name.lower().startswith("readme") or p.stem in ("train", "val", "valid", "test"))
    return True


def _find_image(label: Path, root: Path) -> Path | None:
    rel = label.relative_to(root)
    candidates = [label.parent]
    parts = list(rel.parts)
    if "labels" in parts[:-1]:
        i = parts.index("labels")
        candidates.insert(0, root.joinpath(*parts[:i], "images", *parts[i + 1:-1]))
    for folder in candidates:
        for suffix in IMAGE_SUFFIXES:
            for s in (suffix, suffix.upper()):
                p = folder / (label.stem + s)
                if p.is_file():
                    return p
    return None


def _read_label(label: Path, root: Path, names: list[str], sidecar: dict[str, dict[str, Any]],
                image_sizes: dict[str, tuple[float, float]] | None, notes: Notes) -> ImageRecord:
    rel = label.relative_to(root).as_posix()
    fname = str(label)
    entry = sidecar.get(rel)
    subset = None
    w: Any = None
    h: Any = None
    if entry is not None:
        filename = safe_relpath(str(entry.get("file_name", "")), path=str(root / _SIDECAR), location=rel)
        w, h, subset = entry.get("width"), entry.get("height"), entry.get("subset")
    else:
        parts = rel.split("/")
        if len(parts) > 2 and parts[0] == "labels" and parts[1] in _SPLITS:
            subset = parts[1]
        img = _find_image(label, root)
        if img is not None:
            filename = img.relative_to(root).as_posix()
            size = image_size_from_file(img)
            if size is not None:
                w, h = size
        else:
            filename = str(PurePosixPath(rel).with_suffix(""))
            if filename.startswith("labels/"):
                filename = filename[len("labels/"):]
        if image_sizes is not None and w is None:
            for key in (filename, PurePosixPath(filename).name, label.stem, rel):
                if key in image_sizes:
                    w, h = image_sizes[key]
                    break
    if not (isinstance(w, (int, float)) and isinstance(h, (int, float)) and w > 0 and h > 0):
        raise FormatError("image size unknown: YOLO files do not hold it; provide image_sizes.json, the image "
                          "files (with Pillow installed) or image_sizes={name: (width, height)}", path=fname)
    anns: list[Annotation] = []
    try:
        text = label.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(f"cannot read label file ({exc})", path=fname) from None
    for lineno, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        loc = f"line {lineno}"
        try:
            cls_value = float(parts[0])
            values = [float(v) for v in parts[1:]]
            if not cls_value.is_integer() or not all(math.isfinite(v) for v in values):
                raise ValueError(parts[0])
            cls = int(cls_value)
        except ValueError:
            raise FormatError(f"expected 'class x y …' numbers, got {line.strip()!r}", path=fname,
                              location=loc) from None
        if not 0 <= cls < len(names):
            notes.skip("read", f"class index {cls} out of range (0..{len(names) - 1})", fname, loc)
            continue
        name = names[cls]
        if len(values) == 4:
            cx, cy, bw, bh = values
            if bw <= 0 or bh <= 0:
                notes.skip("read", "box with w <= 0 or h <= 0", fname, loc, "bbox")
                continue
            anns.append(Annotation(name, "bbox", box=((cx - bw / 2) * w, (cy - bh / 2) * h, bw * w, bh * h),
                                   id=f"{lineno}"))
        elif len(values) >= 6 and len(values) % 2 == 0:
            flat = tuple(v * (w if i % 2 == 0 else h) for i, v in enumerate(values))
            anns.append(Annotation(name, "polygon", paths=(flat,), id=f"{lineno}"))
        else:
            raise FormatError(f"expected 4 box values or 3+ polygon points, got {len(values)} values",
                              path=fname, location=loc)
    return ImageRecord(filename, w, h, tuple(anns), subset, fname)


# Strings PyYAML writes as plain scalars whatever the context: an identifier that no implicit resolver (bool, null)
# would read as something else.  Only these are written without PyYAML, which then need not even be imported.
_PLAIN_YAML = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:/[A-Za-z_][A-Za-z0-9_]*)?", re.ASCII)
_YAML_WORDS = frozenset(["y", "Y", "n", "N", "yes", "Yes", "YES", "no", "No", "NO", "true", "True", "TRUE",
                         "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"])


def _plain(value: Any) -> bool:
    return type(value) is str and _PLAIN_YAML.fullmatch(value) is not None and value not in _YAML_WORDS


def _data_yaml(data: dict[str, Any]) -> str:
    """``data.yaml`` text, exactly as ``yaml.safe_dump(data, allow_unicode=True, sort_keys=False)`` writes it."""
    lines: list[str] = []
    for key, value in data.items():
        if not _plain(key):
            break
        if type(value) is int or _plain(value):
            lines.append(f"{key}: {value}")
        elif type(value) is list and value and all(_plain(v) for v in value):
            lines.append(f"{key}:")
            lines.extend(f"- {v}" for v in value)
        else:
            break
    else:
        return "".join(line + "\n" for line in lines)
    import yaml

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _clip(v: float) -> tuple[float, bool]:
    if v < 0.0:
        return 0.0, True
    if v > 1.0:
        return 1.0, True
    return v, False


_POLY_AS_BOX: tuple[Any, str, str] = ("lossy", "polygon written as its bounding box", "polygon")


def _detect_lines(annotations: tuple[Annotation, ...], W: float, H: float, lines: list[str],
                  class_index: dict[str, int], order: ClassOrder, image_written: dict[str, int],
                  tally: dict[tuple[Any, str, str], int], notes: Notes, fname: str, task: str) -> int:
    """``cls cx cy w h`` lines of one image's boxes and polygon hulls; returns how many were clipped."""
    return _detect_rows(annotation_rows(annotations), NAME_IS_KEY, W, H, lines, class_index, order,
                        image_written, tally, notes, fname, task)


def _detect_rows(rows: Sequence[tuple[Any, ...]], names: Mapping[Any, str], W: float, H: float, lines: list[str],
                 class_index: dict[str, int], order: ClassOrder, image_written: dict[str, int],
                 tally: dict[tuple[Any, str, str], int], notes: Notes, fname: str, task: str = "detect") -> int:
    """``cls cx cy w h`` lines of one image given as CompactImage rows (see :func:`annotation_rows`); returns
    how many boxes were clipped. Works from the rows, without an Annotation per object."""
    clipped = 0
    boxes = polygons = 0
    poly_first = False
    values: list[float] = []
    extend = values.extend
    for k, (_, key, t, geo, _, _, _) in enumerate(rows):
        if t == "polygon":
            r = geo[0]
            xs = sorted(r[0::2])
            ys = sorted(r[1::2])
            x0 = xs[0] / W
            x1 = xs[-1] / W
            y0 = ys[0] / H
            y1 = ys[-1] / H
            if not polygons and not boxes:
                poly_first = True
            polygons += 1
        elif t == "bbox" or t == ROTATED_BOX:
            x, y, bw, bh = geo
            x0 = x / W
            y0 = y / H
            x1 = (x + bw) / W
            y1 = (y + bh) / H
            if t == ROTATED_BOX:
                t = "bbox"
                notes.lossy("write", "box rotation dropped (axis-aligned hull written)", fname,
                            f"annotation {k}", t)
        else:
            notes.skip("write", f"YOLO {task} labels cannot hold a {t}", fname, f"annotation {k}", t)
            continue
        name = names[key]
        c = class_index.get(name)
        if c is None:
            c = class_index[name] = order.index(name)
        if x0 < 0.0 or y0 < 0.0 or x1 > 1.0 or y1 > 1.0:
            clipped += 1
            x0, x1 = min(max(x0, 0.0), 1.0), min(max(x1, 0.0), 1.0)
            y0, y1 = min(max(y0, 0.0), 1.0), min(max(y1, 0.0), 1.0)
        if x1 - x0 < 5e-7 or y1 - y0 < 5e-7:
            notes.skip("write", "box outside the image or thinner than YOLO's 6 decimals", fname,
                       f"annotation {k}", t)
            if t == "polygon":
                polygons -= 1
                tally[_POLY_AS_BOX] = tally.get(_POLY_AS_BOX, 0) + 1
            continue
        extend((c, (x0 + x1) / 2, (y0 + y1) / 2, x1 - x0, y1 - y0))
        if t == "bbox":
            boxes += 1
    if values:
        lines.append(("%d %.6f %.6f %.6f %.6f\n" * (len(values) // 5)) % tuple(values))
    if polygons:
        tally[_POLY_AS_BOX] = tally.get(_POLY_AS_BOX, 0) + polygons
    for t, n in (("polygon", polygons), ("bbox", boxes)) if poly_first else (("bbox", boxes), ("polygon", polygons)):
        if n:
            image_written[t] = n
    return clipped


def takes_compact(options: dict[str, Any]) -> bool:
    """Detection labels need only the numbers of boxes and polygons: the writer takes CompactImage rows."""
    task: object = options.get("task", "detect")
    return task == "detect"


def write(dataset: AnnotatedDataset, out_dir: Path, notes: Notes, *, task: str = "detect",
          **options: Any) -> None:
    if task not in ("detect", "segment"):
        raise FormatError(f"task must be 'detect' or 'segment', got {task!r}")
    order = ClassOrder(dataset.classes)
    entries: list[dict[str, Any]] = []
    subsets: list[str] = []
    written = notes.written_counts
    seen_labels: set[str] = set()
    class_index: dict[str, int] = {}
    detect = task == "detect"
    out = OutDir(out_dir)
    images: Iterable[ImageRecord | CompactImage] = dataset.images
    for image in images:
        fname = image.filename
        stem = label_stem(safe_relpath(fname, location="image file name"))
        label_rel = f"labels/{image.subset}/{stem}.txt" if image.subset else f"labels/{stem}.txt"
        if label_rel in seen_labels:
            notes.skip("write", f"another image already uses label file {label_rel}", fname)
            continue
        seen_labels.add(label_rel)
        if image.subset and image.subset not in subsets:
            subsets.append(image.subset)
        W, H = image.width, image.height
        if not W or not H:
            raise FormatError("image size unknown: YOLO needs it to normalise coordinates", path=fname)
        lines: list[str] = []
        tally: dict[tuple[Any, str, str], int] = {}
        clipped = 0
        image_written: dict[str, int] = {}
        if isinstance(image, CompactImage):
            if not detect:  # convert() gives rows only when takes_compact() says so
                raise RuntimeError("CompactImage rows given to the YOLO segment writer")
            clipped = _detect_rows(image.rows, image.names, W, H, lines, class_index, order, image_written,
                                   tally, notes, fname)
        elif detect:
            clipped = _detect_lines(image.annotations, W, H, lines, class_index, order, image_written, tally,
                                    notes, fname, task)
        else:
            for k, ann in enumerate(image.annotations):
                t = ann.type
                if t == "polyline" or t == "keypoint":
                    notes.skip("write", f"YOLO {task} labels cannot hold a {t}", fname, f"annotation {k}", t)
                    continue
                c = class_index.get(ann.name)
                if c is None:
                    c = class_index[ann.name] = order.index(ann.name)
                if t == "polygon":
                    flat = ann.paths[0]
                    if len(ann.paths) > 1:
                        notes.lossy("write", f"{len(ann.paths) - 1} polygon hole(s) dropped (YOLO rings have "
                                    "no holes)", fname, f"annotation {k}", t)
                elif ann.oriented is not None:
                    flat = obb_corners(*ann.oriented)
                else:
                    assert ann.box is not None
                    x, y, bw, bh = ann.box
                    flat = (x, y, x + bw, y, x + bw, y + bh, x, y + bh)
                vals = []
                hit = False
                for i, v in enumerate(flat):
                    cv, ch = _clip(v / (W if i % 2 == 0 else H))
                    hit |= ch
                    vals.append(f"{cv:.6f}")
                clipped += hit
                lines.append(f"{c} " + " ".join(vals) + "\n")
                image_written[t] = image_written.get(t, 0) + 1
        for kind, n in image_written.items():
            written[kind] += n
        if tally:
            notes.tally("write", fname, tally)
        if clipped:
            notes.lossy("write", f"{clipped} annotation(s) clipped to the image (YOLO needs 0..1)", fname)
        out.write(label_rel, "".join(lines))
        entries.append({"file_name": fname, "width": W, "height": H, "label": label_rel, "subset": image.subset})
        notes.images_written += 1
    names = order.names
    (out_dir / "classes.txt").write_text("".join(n + "\n" for n in names), encoding="utf-8")
    data: dict[str, Any] = {}
    if subsets:
        for s in subsets:
            data["val" if s in ("valid", "val") else s] = f"images/{s}"
    else:
        data["train"] = "images"
        data["val"] = "images"
    data["nc"] = len(names)
    data["names"] = names
    (out_dir / "data.yaml").write_text(_data_yaml(data), encoding="utf-8")
    with open(out_dir / _SIDECAR, "w", encoding="utf-8") as f:
        f.write(json.dumps({"images": entries}, ensure_ascii=False))


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
