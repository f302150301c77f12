"""Annotation previews: draw an image's annotations onto it (needs Pillow: ``pip install 'pictograph[images]'``).

Boxes (rotated ones too), polygons with holes (filled even-odd, so holes stay clear), polylines, keypoints (with
the class skeleton when the dataset has one) and class names, one colour per class taken from the dataset's
class colours.  The result is a ``PIL.Image.Image``: a notebook shows it inline, ``output=`` also writes it as a
PNG (atomically: a temporary file renamed into place).

Example::

    import pictograph

    preview = pictograph.render("scene.jpg", "scene.jpg.json")          # local image + any annotation file
    with pictograph.Client() as client:
        preview = pictograph.render("train/images/scene_000.jpg", client=client, dataset="road-scenes",
                                    output="scene.png")                 # straight from the server
        sheet = pictograph.render.contact_sheet(client, "road-scenes", count=12, output="sheet.png")

The module itself is callable: ``pictograph.render(...)`` is :func:`render`.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import sys
import tempfile
import types
import zlib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from PIL import Image as PILImage

    from pictograph.formats import Annotation

__all__ = ["contact_sheet", "render"]

# Used for classes without a colour (and for local files, which carry none): distinct, readable hues.
_PALETTE: tuple[str, ...] = (
    "#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4",
    "#469990", "#dcbeff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075",
    "#ffe119", "#a9a9a9",
)

def _pil() -> Any:
    try:
        from PIL import Image
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("previews need Pillow: pip install 'pictograph[images]'") from exc
    return Image


# ---------------------------------------------------------------------------------------------- colours


def _class_color(name: str, colors: Mapping[str, Any] | None = None) -> tuple[int, int, int]:
    """The RGB colour of class ``name``: from ``colors`` (hex or RGB) when it has one, else a stable pick from
    :data:`_PALETTE` (the same name always gets the same colour)."""
    from PIL import ImageColor

    value = (colors or {}).get(name)
    if isinstance(value, str) and value.strip():
        with contextlib.suppress(ValueError):
            rgb = ImageColor.getrgb(value.strip())
            return (rgb[0], rgb[1], rgb[2])
    if isinstance(value, Sequence) and not isinstance(value, str) and len(value) >= 3:
        return (int(value[0]), int(value[1]), int(value[2]))
    rgb = ImageColor.getrgb(_PALETTE[zlib.crc32(name.encode("utf-8")) % len(_PALETTE)])
    return (rgb[0], rgb[1], rgb[2])


def _class_table(classes: Any) -> tuple[dict[str, Any], list[tuple[list[str], list[tuple[int, int]]]]]:
    """Colours by class name and skeletons (node names, edges) from a Dataset, DatasetClass list or dicts."""
    if classes is None:
        return {}, []
    items = getattr(classes, "classes", classes)
    colors: dict[str, Any] = {}
    skeletons: list[tuple[list[str], list[tuple[int, int]]]] = []
    for c in items:
        get = c.get if isinstance(c, Mapping) else (lambda k, _c=c: getattr(_c, k, None))
        name = get("name")
        if not name:
            continue
        if get("color"):
            colors[name] = get("color")
        skeleton = get("skeleton")
        if skeleton:
            nodes = skeleton.get("nodes") if isinstance(skeleton, Mapping) else getattr(skeleton, "nodes", None)
            edges = skeleton.get("edges") if isinstance(skeleton, Mapping) else getattr(skeleton, "edges", None)
            names = [n.get("name") if isinstance(n, Mapping) else getattr(n, "name", None) for n in nodes or []]
            skeletons.append(([str(n) for n in names], [(int(a), int(b)) for a, b in edges or []]))
    return colors, skeletons


def _text_color(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    luminance = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
    return (0, 0, 0) if luminance > 140 else (255, 255, 255)


# ---------------------------------------------------------------------------------------------- inputs


def _open_image(image: Any) -> Any:
    Image = _pil()
    if isinstance(image, Image.Image):
        return image
    if isinstance(image, bytes | bytearray):
        im = Image.open(io.BytesIO(bytes(image)))
    else:
        im = Image.open(Path(image))
    with contextlib.suppress(Exception):
        from PIL import ImageOps

        im = ImageOps.exif_transpose(im)
    im.load()
    return im


def _image_name(image: Any) -> str | None:
    if isinstance(image, str | os.PathLike):
        return Path(image).name
    return None


def _to_annotations(items: Any, image_name: str | None = None, format: str | None = None) -> list[Annotation]:
    """Annotations from a file (any readable format; the image is picked by name when the file holds several),
    or from canonical dicts, shorthand dicts, SDK annotation models or :class:`pictograph.formats.Annotation`."""
    from pictograph.formats import Annotation

    if items is None:
        return []
    if isinstance(items, str | os.PathLike):
        return _from_file(Path(items), image_name, format)
    items = list(items)
    if all(isinstance(a, Annotation) for a in items):
        return [a for a in items if isinstance(a, Annotation)]
    from pictograph._canonical import normalize_annotations

    done = [a for a in items if isinstance(a, Annotation)]
    rest = normalize_annotations([a for a in items if not isinstance(a, Annotation)], generate_ids=True)
    return done + [Annotation.from_dict(d) for d in rest]


def _guess_format(path: Path) -> str | None:
    """``None`` (let the format tools detect it), or ``"pictograph"`` for a one-image JSON file as
    ``datasets.download`` writes it (``{"annotations": [...]}``), which detection does not recognise yet."""
    from pictograph.errors import FormatError
    from pictograph.formats import detect_format

    try:
        detect_format(path)
    except FormatError:
        if path.is_file() and path.suffix.lower() == ".json":
            with open(path, "rb") as f:
                head = f.read(64).lstrip()
            if head.startswith(b"[") or head.replace(b" ", b"").startswith(b'{"annotations"'):
                return "pictograph"
        raise
    return None


def _from_file(path: Path, image_name: str | None, format: str | None) -> list[Annotation]:
    from pathlib import PurePosixPath

    from pictograph.errors import FormatError
    from pictograph.formats import read

    records = list(read(path, format or _guess_format(path)).images)
    if not records:
        raise FormatError("no images in the annotation file", path=str(path))
    if len(records) == 1:
        return list(records[0].annotations)
    if image_name is None:
        raise FormatError(f"the file holds {len(records)} images: say which one with image_name=", path=str(path))
    wanted = PurePosixPath(image_name)
    matches = [r for r in records if r.filename == str(wanted)] or \
              [r for r in records if PurePosixPath(r.filename).name == wanted.name]
    if len(matches) != 1:
        raise FormatError(f"{'no' if not matches else len(matches)} images named {image_name!r} in the file",
                          path=str(path))
    return list(matches[0].annotations)


# ---------------------------------------------------------------------------------------------- drawing


def _font(size: int) -> Any:
    from PIL import ImageFont

    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1
        return ImageFont.load_default()


def _pairs(flat: Sequence[float]) -> list[tuple[float, float]]:
    return [(float(flat[i]), float(flat[i + 1])) for i in range(0, len(flat) - 1, 2)]


def _draw_annotations(
    image: Any,
    annotations: Iterable[Annotation],
    *,
    colors: Mapping[str, Any] | None = None,
    skeletons: Sequence[tuple[Sequence[str], Sequence[tuple[int, int]]]] = (),
    line_width: int | None = None,
    labels: bool = True,
    fill_opacity: float = 0.3,
) -> Any:
    """A new RGB image: ``image`` with ``annotations`` drawn on it (the input is not changed)."""
    Image = _pil()
    from PIL import ImageChops, ImageDraw

    base = image.convert("RGBA")
    width, height = base.size
    lw = line_width if line_width is not None else max(2, round(min(width, height) / 200))
    anns = list(annotations)

    # 1. translucent fills of polygons (even-odd: every ring toggles coverage, so holes stay clear)
    alpha = max(0, min(255, round(fill_opacity * 255)))
    if alpha:
        overlay = Image.new("RGBA", base.size, (0, 0, 0, 0))
        for a in anns:
            if a.type != "polygon" or not a.paths:
                continue
            mask = Image.new("1", base.size, 0)
            for ring in a.paths:
                pts = _pairs(ring)
                if len(pts) < 3:
                    continue
                ring_mask = Image.new("1", base.size, 0)
                ImageDraw.Draw(ring_mask).polygon(pts, fill=1)
                mask = ImageChops.logical_xor(mask, ring_mask)
            overlay.paste((*_class_color(a.name, colors), alpha), (0, 0), mask)
        base = Image.alpha_composite(base, overlay)

    out = base.convert("RGB")
    draw = ImageDraw.Draw(out)
    radius = max(3, lw + 2)

    # 2. outlines, lines and points
    for a in anns:
        rgb = _class_color(a.name, colors)
        if a.type == "bbox" and a.oriented is not None:
            from pictograph.formats._model import obb_corners

            corners = _pairs(obb_corners(*a.oriented))
            draw.line([*corners, corners[0]], fill=rgb, width=lw, joint="curve")
        elif a.type == "bbox" and a.box is not None:
            x, y, w, h = (float(v) for v in a.box)
            draw.rectangle([x, y, x + w - 1, y + h - 1], outline=rgb, width=lw)
        elif a.type == "polygon":
            for ring in a.paths:
                pts = _pairs(ring)
                if len(pts) >= 2:
                    draw.line([*pts, pts[0]], fill=rgb, width=lw, joint="curve")
        elif a.type == "polyline" and a.paths:
            draw.line(_pairs(a.paths[0]), fill=rgb, width=lw, joint="curve")

    # 3. skeleton edges between the joints of one instance, then the joints on top
    by_instance: dict[int, dict[str, tuple[float, float]]] = {}
    for a in anns:
        if a.type == "keypoint" and a.point is not None and a.instance_id is not None:
            by_instance.setdefault(a.instance_id, {})[a.name] = (float(a.point[0]), float(a.point[1]))
    for joints in by_instance.values():
        for names, edges in skeletons:
            for i, j in edges:
                if 0 <= i < len(names) and 0 <= j < len(names) and names[i] in joints and names[j] in joints:
                    draw.line([joints[names[i]], joints[names[j]]], fill=_class_color(names[i], colors),
                              width=max(1, lw - 1))
    for a in anns:
        if a.type == "keypoint" and a.point is not None:
            px, py = float(a.point[0]), float(a.point[1])
            draw.ellipse([px - radius, py - radius, px + radius, py + radius], fill=_class_color(a.name, colors),
                         outline=(0, 0, 0))

    # 4. class names at the top-left of each shape (keypoints: next to the point)
    if labels:
        font = _font(max(10, min(24, round(min(width, height) / 30))))
        for a in anns:
            rgb = _class_color(a.name, colors)
            x, y, _, _ = (float(v) for v in a.bounds())
            if a.type == "keypoint":
                x, y = x + radius + 1, y - radius
            text = a.name if a.confidence >= 1 else f"{a.name} {a.confidence:.2f}"
            left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
            tw, th = right - left + 4, bottom - top + 4
            ty = y - th if y - th >= 0 else y
            tx = min(max(0.0, x), max(0.0, width - tw))
            draw.rectangle([tx, ty, tx + tw, ty + th], fill=rgb)
            draw.text((tx + 2 - left, ty + 2 - top), text, fill=_text_color(rgb), font=font)
    return out


def _save_png(image: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``image`` as a PNG: to a temporary file next to ``path``, renamed into place when complete."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            image.save(f, format="PNG")
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return target


# ---------------------------------------------------------------------------------------------- public


def render(
    image: Any,
    annotations: Any = None,
    *,
    format: str | None = None,
    image_name: str | None = None,
    classes: Any = None,
    colors: Mapping[str, Any] | None = None,
    client: Any = None,
    dataset: str | None = None,
    line_width: int | None = None,
    labels: bool = True,
    fill_opacity: float = 0.3,
    output: str | os.PathLike[str] | None = None,
) -> PILImage.Image:
    """Draw annotations onto an image and return it (a ``PIL.Image.Image``; notebooks show it inline).

    * **Local:** ``image`` is a file path, bytes or a PIL image; ``annotations`` a file in any readable format
      (``format`` when it cannot be detected; in a file of several images the one named ``image_name``, by
      default the image's file name), or a list of annotations (canonical or shorthand dicts, SDK models).
    * **Server:** with ``client`` and ``dataset``, ``image`` is the image's path in the dataset
      (``"train/images/a.jpg"``); its bytes, annotations (unless given) and class colours are fetched.

    ``classes`` (a ``Dataset`` or its class list) gives the class colours and keypoint skeletons; ``colors``
    maps class names to colours and wins over it; other classes get a stable palette colour.  ``output``
    also writes a PNG.

    Example::

        preview = render("a.jpg", [{"name": "car", "type": "bbox", "bbox": [10, 10, 50, 30]}], output="a.png")
    """
    if client is not None and dataset is not None:
        image_path = str(image).strip("/")
        if classes is None:
            classes = client.datasets.get(dataset)
        if annotations is None:
            annotations = client.annotations.get_by_path(dataset, image_path)
        with tempfile.TemporaryDirectory(prefix="pictograph-render-") as tmp:
            local = client.images.download(dataset, image_path, Path(tmp) / Path(image_path).name)
            im = _open_image(Path(local))
        name: str | None = Path(image_path).name
    else:
        im = _open_image(image)
        name = image_name or _image_name(image)
    class_colors, skeletons = _class_table(classes)
    if colors:
        class_colors.update(colors)
    anns = _to_annotations(annotations, image_name or name, format)
    result = _draw_annotations(im, anns, colors=class_colors, skeletons=skeletons, line_width=line_width,
                              labels=labels, fill_opacity=fill_opacity)
    if output is not None:
        _save_png(result, output)
    return result  # type: ignore[no-any-return]


def contact_sheet(
    client: Any,
    dataset: str,
    *,
    count: int = 16,
    columns: int | None = None,
    tile: int = 256,
    status: str | None = None,
    directory_path: str | None = None,
    labels: bool = False,
    captions: bool = True,
    output: str | os.PathLike[str] | None = None,
) -> PILImage.Image:
    """A grid of the first ``count`` images of ``dataset`` (newest first), each with its annotations drawn,
    scaled into ``tile``×``tile`` cells under its file name; returns the sheet, ``output=`` also writes a PNG.

    Example::

        sheet = contact_sheet(client, "road-scenes", count=12, columns=4, output="sheet.png")
    """
    if count < 1:
        raise ValueError(f"count must be at least 1, got {count}")
    if tile < 16:
        raise ValueError(f"tile must be at least 16 pixels, got {tile}")
    Image = _pil()
    from PIL import ImageDraw

    ds = client.datasets.get(dataset)
    class_colors, skeletons = _class_table(ds)
    images = client.datasets.list_images(dataset, status=status, limit=count, directory_path=directory_path)
    images = list(images)[:count]
    cols = columns or max(1, math.ceil(math.sqrt(max(1, len(images)))))
    rows = max(1, math.ceil(len(images) / cols))
    caption_h = 16 if captions else 0
    sheet = Image.new("RGB", (cols * tile, rows * (tile + caption_h)), (255, 255, 255))
    draw = ImageDraw.Draw(sheet)
    font = _font(11)
    for index, meta in enumerate(images):
        im = _open_image(client.images.get_bytes(meta.id))
        anns = _to_annotations(client.annotations.get_by_path(dataset, meta.image_path))
        drawn = _draw_annotations(im, anns, colors=class_colors, skeletons=skeletons, labels=labels)
        drawn.thumbnail((tile, tile))
        col, row = index % cols, index // cols
        x0, y0 = col * tile, row * (tile + caption_h)
        sheet.paste(drawn, (x0 + (tile - drawn.width) // 2, y0 + (tile - drawn.height) // 2))
        if captions:
            caption = str(meta.filename)
            text = caption if len(caption) <= tile // 7 else caption[: tile // 7 - 1] + "…"
            draw.text((x0 + 3, y0 + tile + 2), text, fill=(0, 0, 0), font=font)
    if output is not None:
        _save_png(sheet, output)
    return sheet  # type: ignore[no-any-return]


class _CallableModule(types.ModuleType):
    """Lets ``pictograph.render(...)`` call :func:`render` even once the submodule is imported."""

    def __call__(self, *args: Any, **kwargs: Any) -> PILImage.Image:
        return render(*args, **kwargs)


sys.modules[__name__].__class__ = _CallableModule


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
