"""Reading a synced mirror folder for training: which images, which classes, and each image's instances.

Shared by :mod:`pictograph.torch` and :mod:`pictograph.hf`, and free of both torch and ``datasets``, so the rules
that turn annotations into training targets are written once. Everything here reads the folder only: the
manifest that ``datasets.sync`` leaves (``.pictograph-mirror.sqlite``, read and closed at once) and the annotation
files beside the images (``<image path>.json``, docs/wire-protocol.md §4.3). No request is ever made.

An :class:`Index` holds the images in compact tuples and no open connection, so it pickles cheaply into
DataLoader workers under both the fork and the spawn start methods.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from pictograph._args import check_split, in_folder, normalize_folder
from pictograph._canonical import check_response_annotations
from pictograph._transfers._manifest import Manifest, manifest_path
from pictograph._transfers._mirror_plan import annotations_of
from pictograph.errors import PictographError
from pictograph.formats._model import obb_corners, ring_area

if TYPE_CHECKING:
    from pictograph.reports import SyncReport

ENV_CACHE = "PICTOGRAPH_CACHE"
Box = tuple[float, float, float, float]
Ring = tuple[float, ...]


def cache_root() -> Path:
    """Where datasets are cached when no ``root`` is given: ``$PICTOGRAPH_CACHE``, else the user's cache folder
    (``$XDG_CACHE_HOME/pictograph``, by default ``~/.cache/pictograph``). Never the working directory."""
    explicit = os.environ.get(ENV_CACHE, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "pictograph"


def default_root(dataset: str, kind: str = "datasets") -> Path:
    """The cache folder of one dataset: ``<cache root>/<kind>/<dataset name>``, the name made file-safe."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", dataset).strip(".") or "_"
    return cache_root() / kind / safe


# ---------------------------------------------------------------------------------------------- the index
@attrs.frozen
class Index:
    """The images a training dataset serves, in the mirror's path order, and the dataset's class list."""

    root: str
    dataset_id: str
    dataset_name: str
    classes: tuple[Mapping[str, Any], ...]  # DatasetClass JSON (§2.4), in the dataset's order
    relpaths: tuple[str, ...]
    ids: tuple[str, ...]
    splits: tuple[str | None, ...]
    sizes: tuple[tuple[int, int] | None, ...]  # (width, height) as the images list gave them
    annotated: tuple[bool, ...]  # True when the images list counted annotations on the image

    def __len__(self) -> int:
        return len(self.ids)


def open_index(root: str | os.PathLike[str], *, split: str | None = None, folder: str | None = None,
               status_filter: str | None = None) -> Index:
    """The images of the mirror at ``root`` that match the filters (applied here, on the manifest's rows).

    Raises ``FileNotFoundError`` naming the call that makes such a folder when ``root`` holds no mirror.
    """
    check_split(split)
    subtree = None if folder is None else normalize_folder(folder, "folder")
    if status_filter is not None and not isinstance(status_filter, str):
        raise ValueError(f"status_filter must be a status such as 'complete' or None, got {status_filter!r}")
    path = Path(root)
    if not manifest_path(path).is_file():
        raise FileNotFoundError(
            f"{path} is not a synced dataset folder (it has no {manifest_path(path).name}): make it with "
            f"client.datasets.sync(name, {str(path)!r}) or client.datasets.as_pytorch(name, root=..., download=True)")
    with Manifest(path) as manifest:  # reads, then closes: an Index holds no connection
        meta = manifest.meta("dataset")
        rows = [image for image in manifest.images()
                if (split is None or image.split == split)
                and (subtree is None or in_folder(image.directory_path, subtree))
                and (status_filter is None or image.status == status_filter)]
    if not isinstance(meta, Mapping) or not isinstance(meta.get("id"), str):
        raise FileNotFoundError(f"{path} holds a mirror manifest without its dataset's description; sync it again")
    classes = tuple(c for c in meta.get("classes") or [] if isinstance(c, Mapping) and isinstance(c.get("name"), str))
    return Index(
        root=str(path), dataset_id=meta["id"], dataset_name=str(meta.get("name") or meta["id"]), classes=classes,
        relpaths=tuple(r.relpath for r in rows), ids=tuple(r.id for r in rows),
        splits=tuple(r.split for r in rows),
        sizes=tuple((r.width, r.height) if r.width and r.height else None for r in rows),
        annotated=tuple(r.annotation_count > 0 for r in rows),
    )


def read_annotations(root: str, relpath: str, annotated: bool) -> list[dict[str, Any]]:
    """The canonical annotations of one mirrored image (``[]`` for an image the list said has none).

    A file missing while the list counted annotations is an error: training on an image whose labels are not
    there would teach the model that its objects are background.
    """
    file = Path(root) / (relpath + ".json")
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        if not annotated:
            return []
        raise FileNotFoundError(f"{file} is missing although the image has annotations: sync the folder again "
                                "with mode='full' (a file that failed to download is retried)") from None
    return check_response_annotations(annotations_of(json.loads(data)))


# ---------------------------------------------------------------------------------------------- classes
def class_map(classes: Sequence[Mapping[str, Any]], given: Mapping[str, int] | None, dataset: str) -> dict[str, int]:
    """``class name -> index``: the dataset's class list in its order, or ``given`` after checking it.

    ``given`` may leave classes out (their annotations are skipped and counted) and may start at 1 (torchvision's
    detectors keep 0 for the background), but it may not name a class the dataset does not have, nor give two
    classes one index.
    """
    names = [str(c["name"]) for c in classes]
    if given is None:
        return {name: i for i, name in enumerate(names)}
    if not isinstance(given, Mapping):
        raise ValueError(f"class_to_idx must be a dict of class name -> int, got {type(given).__name__}")
    known = set(names)
    out: dict[str, int] = {}
    for name, index in given.items():
        if name not in known:
            raise ValueError(f"class_to_idx names {name!r}, which is not a class of dataset {dataset!r} "
                             f"(its classes: {', '.join(names) or 'none'})")
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise ValueError(f"class_to_idx[{name!r}] must be an integer >= 0, got {index!r}")
        out[name] = index
    values = list(out.values())
    if len(set(values)) != len(values):
        raise ValueError(f"class_to_idx gives two classes the same index: {out}")
    return out


def ordered_classes(mapping: Mapping[str, int]) -> list[str]:
    """Class names ordered by index."""
    return [name for name, _ in sorted(mapping.items(), key=lambda item: item[1])]


@attrs.frozen
class Pose:
    """A pose class: a class whose skeleton names its joints (§2.4); its joints are keypoint annotations."""

    name: str
    joints: tuple[str, ...]


def poses(classes: Iterable[Mapping[str, Any]]) -> tuple[Pose, ...]:
    out = []
    for c in classes:
        skeleton = c.get("skeleton")
        nodes = skeleton.get("nodes") if isinstance(skeleton, Mapping) else None
        if isinstance(nodes, list) and nodes:
            out.append(Pose(str(c["name"]), tuple(str(n.get("name")) for n in nodes if isinstance(n, Mapping))))
    return tuple(out)


# ---------------------------------------------------------------------------------------------- instances
@attrs.frozen
class Instance:
    """One row of a detection target: a box (x1, y1, x2, y2), its label, area, the outline its mask fills
    (rings, even-odd; empty for a line or a pose) and, for a pose, its joints as (x, y, visibility) in the pose
    class's joint order."""

    box: Box
    label: int
    area: float
    annotation_id: str
    rings: tuple[Ring, ...] = ()
    joints: tuple[tuple[float, float, int], ...] | None = None


@attrs.frozen
class Targets:
    instances: tuple[Instance, ...]
    skipped: int  # annotations of a class outside the class map


def _extent(points: Iterable[tuple[float, float]]) -> Box:
    pts = list(points)
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    return (min(xs), min(ys), max(xs), max(ys))


def _flat(points: Iterable[Mapping[str, Any]]) -> Ring:
    out: list[float] = []
    for p in points:
        out += (float(p["x"]), float(p["y"]))
    return tuple(out)


def _shape(ann: Mapping[str, Any]) -> tuple[Box, float, tuple[Ring, ...]]:
    """Box, area and mask outline of one annotation that is not a keypoint.

    The box is the annotation's ``bounding_box`` (always there on a box, and on polygons and lines as the
    server reads them, §4.3), else the extent of its geometry. The area is the region's: a polygon's outline less
    its holes, a box's (or rotated box's) own; a line has no region, so its box's area stands in.
    """
    kind = ann["type"]
    given = ann.get("bounding_box")
    rings: tuple[Ring, ...] = ()
    if kind == "polygon":
        rings = tuple(_flat(ring) for ring in ann["polygon"]["paths"])
        outline = rings[0]
    elif kind == "polyline":
        outline = _flat(ann["polyline"]["path"])
    else:
        x, y, w, h = (float(ann["bounding_box"][k]) for k in ("x", "y", "w", "h"))
        oriented = ann.get("oriented_box")
        if oriented is not None:
            ring = obb_corners(oriented["cx"], oriented["cy"], oriented["w"], oriented["h"], oriented.get("angle", 0))
            return (x, y, x + w, y + h), float(oriented["w"] * oriented["h"]), (ring,)
        return (x, y, x + w, y + h), w * h, ((x, y, x + w, y, x + w, y + h, x, y + h),)
    if given is not None:
        x, y, w, h = (float(given[k]) for k in ("x", "y", "w", "h"))
        box = (x, y, x + w, y + h)
    else:
        box = _extent(zip(outline[0::2], outline[1::2], strict=True))
    if kind == "polygon":
        area = ring_area(rings[0]) - sum(ring_area(r) for r in rings[1:])
    else:
        area = (box[2] - box[0]) * (box[3] - box[1])
    return box, area, rings


def _pose_rows(keypoints: list[tuple[int, Mapping[str, Any]]], mapping: Mapping[str, int], templates: tuple[Pose, ...]
               ) -> tuple[list[tuple[int, Instance]], int]:
    """Keypoints grouped by ``instance_id`` into one row per pose (labelled with the pose class whose skeleton
    lists all its joints); a keypoint no pose class lists is a row of its own, labelled with its class."""
    groups: dict[Any, list[tuple[int, Mapping[str, Any]]]] = {}
    order: list[Any] = []
    for position, ann in keypoints:
        key = ann.get("instance_id")
        key = ("single", position) if key is None else key
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append((position, ann))
    rows: list[tuple[int, Instance]] = []
    skipped = 0
    for key in order:
        members = groups[key]
        names = {m["name"] for _, m in members}
        pose = next((p for p in templates if names <= set(p.joints)), None)
        if pose is None or pose.name not in mapping:
            for position, m in members:
                if m["name"] not in mapping:
                    skipped += 1
                    continue
                x, y = float(m["keypoint"]["x"]), float(m["keypoint"]["y"])
                rows.append((position, Instance((x, y, x, y), mapping[m["name"]], 0.0, str(m["id"]),
                                                joints=((x, y, _visibility(m)),))))
            continue
        by_name: dict[str, Mapping[str, Any]] = {}
        for _, m in members:
            by_name.setdefault(m["name"], m)
        joints = []
        for joint in pose.joints:
            found = by_name.get(joint)
            joints.append((0.0, 0.0, 0) if found is None else
                          (float(found["keypoint"]["x"]), float(found["keypoint"]["y"]), _visibility(found)))
        box = _extent((x, y) for x, y, v in joints if v > 0)
        first = members[0]
        rows.append((members[0][0], Instance(box, mapping[pose.name], (box[2] - box[0]) * (box[3] - box[1]),
                                             str(first[1]["id"]), joints=tuple(joints))))
    return rows, skipped


def _visibility(ann: Mapping[str, Any]) -> int:
    """COCO's visibility: 2 labelled and visible, 1 labelled but occluded (an ``occluded`` attribute)."""
    attributes = ann.get("attributes")
    return 1 if isinstance(attributes, Mapping) and attributes.get("occluded") else 2


def targets(annotations: Sequence[Mapping[str, Any]], mapping: Mapping[str, int],
            templates: tuple[Pose, ...] = ()) -> Targets:
    """The instances of one image's annotations, in annotation order (a pose where its first joint is)."""
    rows: list[tuple[int, Instance]] = []
    keypoints: list[tuple[int, Mapping[str, Any]]] = []
    skipped = 0
    for position, ann in enumerate(annotations):
        if ann["type"] == "keypoint":
            keypoints.append((position, ann))
            continue
        label = mapping.get(ann["name"])
        if label is None:
            skipped += 1
            continue
        box, area, rings = _shape(ann)
        rows.append((position, Instance(box, label, area, str(ann["id"]), rings)))
    if keypoints:
        pose_rows, pose_skipped = _pose_rows(keypoints, mapping, templates)
        rows += pose_rows
        skipped += pose_skipped
    rows.sort(key=lambda row: row[0])
    return Targets(tuple(instance for _, instance in rows), skipped)


def count_skipped(index: Index, mapping: Mapping[str, int]) -> int:
    """Annotations of the whole index whose class is outside ``mapping`` (reads every annotation file)."""
    templates = poses(index.classes)
    return sum(targets(read_annotations(index.root, relpath, annotated), mapping, templates).skipped
               for relpath, annotated in zip(index.relpaths, index.annotated, strict=True) if annotated)



def check_official_arguments(images_limit: object, augment: object) -> None:
    """The official client's ``images_limit`` and ``augment`` have no meaning here: say what to use instead."""
    if images_limit is not None:
        raise ValueError("images_limit is not needed: as_pytorch has no cap on the number of images. To train on "
                         "part of a dataset use split=, folder= or status_filter=, or torch.utils.data.Subset")
    if augment is not None:
        raise ValueError("augment is not supported: pass transform= (for the image) and target_transform= (for "
                         "the target), such as torchvision.transforms.v2, which move boxes with the pixels")


def incomplete_sync(report: SyncReport) -> None:
    """Raise when a sync left the mirror partial: a training set with holes would fail item by item mid-epoch."""
    if report.stopped:
        raise PictographError(f"the dataset could not be synced into {report.output_dir}: {report.stopped}")
    if report.failures or report.remaining:
        first = report.failures[0] if report.failures else None
        detail = f" (first: {first.filename}: {first.error})" if first is not None else ""
        raise PictographError(
            f"the sync into {report.output_dir} left {len(report.failures) + report.remaining} files missing"
            f"{detail}; call again to fetch what is missing, or pass download=False to use the folder as it is")
