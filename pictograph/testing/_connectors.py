"""Offline connector sources: V7 Darwin and Roboflow datasets read from a fixtures folder.

Layout of ``providers_dir``::

    keys.json                                   {"v7": {"<source key>": "<workspace>"}, "roboflow": {...}}
    v7/<workspace>/<slug>/meta.json             {"id", "name", "slug"}
    v7/<workspace>/<slug>/annotations/*.json    Darwin JSON 2.0, one file per image
    v7/<workspace>/<slug>/images/<file>         the images
    roboflow/<workspace>/<slug>/meta.json       {"id", "name", "slug", "version"}
    roboflow/<workspace>/<slug>/_annotations.coco.json   a COCO export
    roboflow/<workspace>/<slug>/images/<file>

Annotations are converted to canonical Pictograph JSON with the table of the Connectors document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class SourceImage:
    filename: str
    file: Path
    width: int | None
    height: int | None
    annotations: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class RemoteSource:
    id: str
    name: str
    slug: str
    version: int | None
    folder: Path
    provider: str
    image_count: int = 0
    total_bytes: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "slug": self.slug, "image_count": self.image_count,
                "version": self.version}

    def images(self) -> Iterator[SourceImage]:
        if self.provider == "v7":
            yield from _v7_images(self.folder)
        else:
            yield from _coco_images(self.folder)


class Providers:
    """The fixture sources under one folder (no folder: every source key is rejected)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root

    def workspace(self, provider: str, source_key: str) -> str | None:
        if self.root is None or not (self.root / "keys.json").is_file():
            return None
        keys = json.loads((self.root / "keys.json").read_text(encoding="utf-8"))
        value = keys.get(provider, {}).get(source_key)
        return str(value) if value else None

    def datasets(self, provider: str, workspace: str) -> list[RemoteSource]:
        if self.root is None:
            return []
        base = self.root / provider / workspace
        out: list[RemoteSource] = []
        if not base.is_dir():
            return out
        for folder in sorted(p for p in base.iterdir() if (p / "meta.json").is_file()):
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            images = [p for p in (folder / "images").iterdir() if p.is_file()] if (folder / "images").is_dir() else []
            out.append(RemoteSource(id=str(meta["id"]), name=str(meta["name"]), slug=str(meta["slug"]),
                                    version=meta.get("version"), folder=folder, provider=provider,
                                    image_count=len(images), total_bytes=sum(p.stat().st_size for p in images)))
        return out


def _pt(p: dict[str, Any]) -> dict[str, Any]:
    return {"x": p["x"], "y": p["y"]}


def convert_v7(annotation: dict[str, Any], index: int) -> dict[str, Any] | None:
    """One Darwin annotation to canonical JSON, or ``None`` for what has no equivalent (tag, ellipse, mask)."""
    common = {"id": str(annotation.get("id") or f"v7-{index}"), "name": annotation["name"], "confidence": 1.0,
              "attributes": []}
    if "polygon" in annotation:
        paths = [[_pt(p) for p in ring] for ring in annotation["polygon"]["paths"]]
        return {**common, "type": "polygon", "polygon": {"paths": paths}}
    if "line" in annotation:
        return {**common, "type": "polyline", "polyline": {"path": [_pt(p) for p in annotation["line"]["path"]]}}
    if "keypoint" in annotation:
        return {**common, "type": "keypoint", "keypoint": _pt(annotation["keypoint"])}
    if "bounding_box" in annotation:
        b = annotation["bounding_box"]
        return {**common, "type": "bbox", "bounding_box": {"x": b["x"], "y": b["y"], "w": b["w"], "h": b["h"]}}
    return None


def _v7_images(folder: Path) -> Iterator[SourceImage]:
    for path in sorted((folder / "annotations").glob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        item = doc["item"]
        slot = (item.get("slots") or [{}])[0]
        anns = [a for a in (convert_v7(a, i) for i, a in enumerate(doc.get("annotations", []))) if a]
        yield SourceImage(item["name"], folder / "images" / item["name"], slot.get("width"), slot.get("height"),
                          anns)


def convert_coco(ann: dict[str, Any], category: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """One COCO annotation to canonical JSON (keypoints give one annotation per visible joint)."""
    name = category["name"]
    base = {"confidence": 1.0, "attributes": []}
    out: list[dict[str, Any]] = []
    seg = ann.get("segmentation")
    if isinstance(seg, list) and seg and isinstance(seg[0], list):
        rings = [[{"x": r[i], "y": r[i + 1]} for i in range(0, len(r) - 1, 2)] for r in seg]
        out.append({**base, "id": f"coco-{ann['id']}", "name": name, "type": "polygon",
                    "polygon": {"paths": [r for r in rings if len(r) >= 3]}})
    elif ann.get("bbox") and not ann.get("keypoints"):
        x, y, w, h = ann["bbox"]
        out.append({**base, "id": f"coco-{ann['id']}", "name": name, "type": "bbox",
                    "bounding_box": {"x": x, "y": y, "w": w, "h": h}})
    kps = ann.get("keypoints") or []
    joints = category.get("keypoints") or []
    for j in range(len(kps) // 3):
        x, y, v = kps[3 * j:3 * j + 3]
        if v == 0:
            continue
        joint = joints[j] if j < len(joints) else f"{name}_{j}"
        out.append({**base, "id": f"coco-{ann['id']}-{j}", "name": joint, "type": "keypoint",
                    "keypoint": {"x": x, "y": y}, "instance_id": index + 1})
    return out


def _coco_images(folder: Path) -> Iterator[SourceImage]:
    doc = json.loads((folder / "_annotations.coco.json").read_text(encoding="utf-8"))
    categories = {c["id"]: c for c in doc.get("categories", [])}
    by_image: dict[Any, list[dict[str, Any]]] = {}
    for ann in doc.get("annotations", []):
        by_image.setdefault(ann["image_id"], []).append(ann)
    for image in doc.get("images", []):
        anns: list[dict[str, Any]] = []
        for index, ann in enumerate(by_image.get(image["id"], [])):
            anns.extend(convert_coco(ann, categories[ann["category_id"]], index))
        yield SourceImage(image["file_name"], folder / "images" / image["file_name"], image.get("width"),
                          image.get("height"), anns)
