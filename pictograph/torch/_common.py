"""What both training datasets share: the extra's imports, opening an image, and a target as tensors.

The target follows torchvision's detection convention (``boxes`` float32 N×4 as x1 y1 x2 y2, ``labels`` int64,
``area``, ``iscrowd``, ``image_id``), plus ``annotations`` (the image's canonical JSON, complete, as
docs/wire-protocol.md §4.3 gives it), and on request ``masks`` (uint8 N×H×W) and, for datasets with pose classes, ``keypoints`` (float32 N×J×3).
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

try:
    import torch
    from PIL import Image, ImageOps
except ModuleNotFoundError as exc:  # the extra is missing: say how to install it, in one line
    if (exc.name or "").partition(".")[0] not in ("torch", "PIL"):
        raise
    raise ModuleNotFoundError(f"pictograph.torch needs the torch extra: pip install 'pictograph[torch]' "
                              f"(missing: {exc.name})", name=exc.name) from exc

from pictograph._mirror_read import Instance, Pose, Targets

Transform = Callable[[Any], Any]


def open_image(source: Path | bytes) -> Image.Image:
    """The image as viewers show it (EXIF orientation applied, the frame annotations are drawn in), in RGB.

    RGB because detectors take three channels: a grey, palette or 16-bit file would otherwise reach the model in
    a mode its first layer cannot read.
    """
    with Image.open(io.BytesIO(source) if isinstance(source, bytes) else source) as im:
        upright = ImageOps.exif_transpose(im)
        return upright.convert("RGB") if upright.mode != "RGB" else upright.copy()


def joint_count(templates: Sequence[Pose]) -> int:
    return max((len(p.joints) for p in templates), default=0)


def target_of(found: Targets, image_id: str, annotations: list[dict[str, Any]], size: tuple[int, int],
              *, masks: bool, joints: int) -> dict[str, Any]:
    """The detection target of one image. ``size`` is (width, height) of the image as opened.

    The numeric fields are views of one buffer: a DataLoader worker hands each tensor storage to the main
    process through a shared-memory segment of its own, and that hand-over, not the decoding, was most of an
    item's cost (five segments per item: about 1.3 ms; one: a fifth of that). The views do not overlap.
    """
    rows = found.instances
    n = len(rows)
    width, height = size
    # int64 fields first, so every view starts on a boundary of its own element size
    layout = [("labels", torch.int64, (n,)), ("iscrowd", torch.int64, (n,)), ("boxes", torch.float32, (n, 4)),
              ("area", torch.float32, (n,))]
    if joints:
        layout.append(("keypoints", torch.float32, (n, joints, 3)))
    if masks:
        layout.append(("masks", torch.uint8, (n, height, width)))
    sizes = [math.prod(shape) * torch.empty((), dtype=dtype).element_size() for _, dtype, shape in layout]
    buffer = torch.zeros(sum(sizes), dtype=torch.uint8)
    target: dict[str, Any] = {}
    at = 0
    for (name, dtype, shape), nbytes in zip(layout, sizes, strict=True):
        target[name] = buffer[at: at + nbytes].view(dtype).reshape(shape)
        at += nbytes
    if n:
        target["labels"].copy_(torch.tensor([r.label for r in rows], dtype=torch.int64))
        target["boxes"].copy_(torch.tensor([r.box for r in rows], dtype=torch.float32))
        target["area"].copy_(torch.tensor([r.area for r in rows], dtype=torch.float32))
        for i, row in enumerate(rows):
            if joints and row.joints is not None:
                target["keypoints"][i, : len(row.joints)] = torch.tensor(row.joints, dtype=torch.float32)
            if masks and row.rings:
                target["masks"][i] = _fill(row.rings, height, width)
    target["image_id"] = image_id
    target["annotations"] = annotations
    return {key: target[key] for key in ("boxes", "labels", "area", "iscrowd", "image_id", "annotations",
                                         "keypoints", "masks") if key in target}


def rasterize(rows: Sequence[Instance], height: int, width: int) -> torch.Tensor:
    """uint8 N×H×W masks: a pixel is inside when its centre is, by the even-odd rule over all of an
    instance's rings, so a polygon's holes stay holes. Lines and poses have no region: their masks are empty.

    Scanline toggles: each ring edge crossing a row's centre line flips every pixel from the crossing onward;
    a cumulative sum modulo 2 along the row then gives the even-odd fill, in a few tensor operations per edge
    set, whatever the number of points.
    """
    out = torch.zeros((len(rows), height, width), dtype=torch.uint8)
    for i, row in enumerate(rows):
        if row.rings:
            out[i] = _fill(row.rings, height, width)
    return out


def _fill(rings: Sequence[Sequence[float]], height: int, width: int) -> torch.Tensor:
    x0s: list[float] = []
    y0s: list[float] = []
    x1s: list[float] = []
    y1s: list[float] = []
    for ring in rings:
        n = len(ring) // 2
        for k in range(n):
            j = (k + 1) % n
            ya, yb = ring[2 * k + 1], ring[2 * j + 1]
            if ya != yb:
                x0s.append(ring[2 * k])
                y0s.append(ya)
                x1s.append(ring[2 * j])
                y1s.append(yb)
    toggles = torch.zeros((height, width + 1), dtype=torch.int32)
    if x0s:
        x0, y0 = torch.tensor(x0s, dtype=torch.float64), torch.tensor(y0s, dtype=torch.float64)
        x1, y1 = torch.tensor(x1s, dtype=torch.float64), torch.tensor(y1s, dtype=torch.float64)
        low, high = torch.minimum(y0, y1), torch.maximum(y0, y1)
        # rows whose centre r + 0.5 lies in [low, high): the half-open rule counts a vertex once
        first = torch.clamp(torch.ceil(low - 0.5), 0, height).to(torch.int64)
        stop = torch.clamp(torch.ceil(high - 0.5), 0, height).to(torch.int64)
        counts = (stop - first).clamp(min=0)
        if int(counts.sum()) > 0:
            edge = torch.repeat_interleave(torch.arange(len(x0s)), counts)
            starts = torch.repeat_interleave(first, counts)
            offsets = torch.arange(int(counts.sum())) - torch.repeat_interleave(torch.cumsum(counts, 0) - counts, counts)
            rows = starts + offsets
            cy = rows.to(torch.float64) + 0.5
            xs = x0[edge] + (cy - y0[edge]) * (x1[edge] - x0[edge]) / (y1[edge] - y0[edge])
            # pixel c is right of the crossing when c + 0.5 > x, i.e. from column ceil(x - 0.5) on
            cols = torch.clamp(torch.ceil(xs - 0.5), 0, width).to(torch.int64)
            toggles.index_put_((rows, cols), torch.ones_like(rows, dtype=torch.int32), accumulate=True)
    return (torch.cumsum(toggles, dim=1)[:, :width] % 2).to(torch.uint8)


def collate(batch: Sequence[tuple[Any, Any]]) -> tuple[list[Any], list[Any]]:
    """Batch detection items as two lists, images and targets: their sizes and box counts differ, so they
    cannot be stacked into one tensor (``DataLoader(ds, collate_fn=pictograph.torch.collate)``).

    The tensors of the batch's targets are moved into one buffer (each stays a tensor of its own, a view that
    overlaps no other): a DataLoader worker then hands the main process one shared-memory segment per batch
    instead of one per tensor, which is most of what a small item costs to serve.
    """
    images = [item[0] for item in batch]
    targets = [item[1] for item in batch]
    fields = [(t, key, value) for t in targets if isinstance(t, dict) for key, value in t.items()
              if isinstance(value, torch.Tensor) and value.device.type == "cpu"]
    if len(fields) > 1:
        aligned = sorted(fields, key=lambda f: -f[2].element_size())  # wider elements first: every view aligned
        sizes = [value.numel() * value.element_size() for _, _, value in aligned]
        buffer = torch.empty(sum(sizes), dtype=torch.uint8)
        at = 0
        for (target, key, value), nbytes in zip(aligned, sizes, strict=True):
            view = buffer[at: at + nbytes].view(value.dtype).reshape(value.shape)
            view.copy_(value)
            target[key] = view
            at += nbytes
    return images, targets


def check_callable(name: str, value: object) -> Transform | None:
    if value is not None and not callable(value):
        raise ValueError(f"{name} must be a callable (such as a torchvision transform) or None, got {value!r}")
    return value


def check_class_map(value: object) -> Mapping[str, int] | None:
    if value is not None and not isinstance(value, Mapping):
        raise ValueError(f"class_to_idx must be a dict of class name -> index or None, got {value!r}")
    return value
