"""The ``demo`` seed: an organization, two datasets of images drawn with Pillow whose annotations are the true
outlines of the drawn shapes, one completed export, and V7 / Roboflow fixture sources.

Everything is generated from a fixed random seed at start-up (nothing binary is kept in git) and takes well
under a few seconds.
"""

from __future__ import annotations

import io
import json
import math
import random
from pathlib import Path
from typing import Any

from pictograph.testing._state import ServerState
from pictograph.testing._storage import new_id, utcnow_iso

DEMO_ORG = "Demo Organization"
V7_KEY = "v7_demo_key"
ROBOFLOW_KEY = "rf_demo_key"
V7_WORKSPACE = "demo-team"
ROBOFLOW_WORKSPACE = "demo-workspace"

ROAD_CLASSES: list[dict[str, Any]] = [
    {"name": "car", "type": "bbox", "color": "#e6194b", "attributes": [{"name": "colour", "type": "text"}],
     "skeleton": None},
    {"name": "sign", "type": "bbox", "color": "#ffe119", "attributes": None, "skeleton": None},
    {"name": "road", "type": "polygon", "color": "#4363d8", "attributes": None, "skeleton": None},
    {"name": "lane", "type": "polyline", "color": "#3cb44b", "attributes": None, "skeleton": None},
]
JOINTS = ["head", "left_hand", "right_hand", "left_foot", "right_foot"]
POSE_CLASSES: list[dict[str, Any]] = [{"name": j, "type": "keypoint", "color": None, "attributes": None, "skeleton": None} for j in JOINTS]
POSE_CLASSES[0]["skeleton"] = {"nodes": [{"name": j, "x": 0.5, "y": 0.5} for j in JOINTS],
                               "edges": [[0, 1], [0, 2], [0, 3], [0, 4]]}
for _i, _c in enumerate(POSE_CLASSES):
    _c["color"] = ["#f58231", "#911eb4", "#46f0f0", "#f032e6", "#bcf60c"][_i]


def _jpeg(im: Any) -> bytes:
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=85)
    return buf.getvalue()


def _road_image(rng: random.Random, w: int, h: int) -> tuple[Any, list[dict[str, Any]]]:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (w, h), (200, 225, 240))
    draw = ImageDraw.Draw(im)
    anns: list[dict[str, Any]] = []
    # road: a trapezoid with a hole (a manhole) -> polygon with two rings
    top = rng.randint(h // 3, h // 2)
    outline = [(w * 0.35, top), (w * 0.65, top), (w - 5, h - 5), (5, h - 5)]
    draw.polygon(outline, fill=(90, 90, 90))
    cx, cy = w / 2, (top + h) / 2 + 20
    hole = [(cx - 12, cy - 6), (cx + 12, cy - 6), (cx + 12, cy + 6), (cx - 12, cy + 6)]
    draw.polygon(hole, fill=(200, 225, 240))
    anns.append({"id": new_id(), "name": "road", "type": "polygon", "confidence": 1.0, "attributes": [],
                 "polygon": {"paths": [[{"x": x, "y": y} for x, y in outline], [{"x": x, "y": y} for x, y in hole]]},
                 "bounding_box": {"x": 5, "y": top, "w": w - 10, "h": h - 5 - top}})
    # lane marking: a polyline
    lane = [(w / 2, top + 4), (w / 2 + rng.randint(-10, 10), (top + h) / 2), (w / 2 + rng.randint(-20, 20), h - 8)]
    draw.line(lane, fill=(255, 255, 255), width=3)
    xs, ys = [p[0] for p in lane], [p[1] for p in lane]
    anns.append({"id": new_id(), "name": "lane", "type": "polyline", "confidence": 0.9, "attributes": [],
                 "polyline": {"path": [{"x": x, "y": y} for x, y in lane]},
                 "bounding_box": {"x": min(xs), "y": min(ys), "w": max(max(xs) - min(xs), 1),
                                  "h": max(ys) - min(ys)}})
    # cars: axis-aligned rectangles -> bbox
    for _ in range(rng.randint(1, 3)):
        bw, bh = rng.randint(30, 60), rng.randint(20, 35)
        x, y = rng.randint(10, w - bw - 10), rng.randint(top, h - bh - 10)
        colour = rng.choice([(220, 20, 60), (30, 144, 255), (255, 215, 0)])
        draw.rectangle([x, y, x + bw - 1, y + bh - 1], fill=colour)
        anns.append({"id": new_id(), "name": "car", "type": "bbox", "confidence": round(rng.uniform(0.6, 1.0), 2),
                     "attributes": {"colour": {(220, 20, 60): "red", (30, 144, 255): "blue"}.get(colour, "yellow")},
                     "bounding_box": {"x": x, "y": y, "w": bw, "h": bh}})
    # a rotated sign: oriented box with its hull
    scx, scy, sw, sh = rng.randint(30, w - 30), rng.randint(20, max(21, top - 20)), 24, 14
    angle = float(rng.randint(0, 89))
    rad = math.radians(angle)
    corners = []
    for dx, dy in ((-sw / 2, -sh / 2), (sw / 2, -sh / 2), (sw / 2, sh / 2), (-sw / 2, sh / 2)):
        corners.append((scx + dx * math.cos(rad) - dy * math.sin(rad), scy + dx * math.sin(rad) + dy * math.cos(rad)))
    draw.polygon(corners, fill=(250, 250, 0))
    xs, ys = [c[0] for c in corners], [c[1] for c in corners]
    anns.append({"id": new_id(), "name": "sign", "type": "bbox", "confidence": 1.0, "attributes": [],
                 "bounding_box": {"x": round(min(xs), 2), "y": round(min(ys), 2), "w": round(max(xs) - min(xs), 2),
                                  "h": round(max(ys) - min(ys), 2)},
                 "oriented_box": {"cx": scx, "cy": scy, "w": sw, "h": sh, "angle": angle}})
    return im, anns


def _pose_image(rng: random.Random, w: int, h: int) -> tuple[Any, list[dict[str, Any]]]:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (w, h), (235, 235, 225))
    draw = ImageDraw.Draw(im)
    anns: list[dict[str, Any]] = []
    for instance in range(1, rng.randint(1, 2) + 1):
        bx = rng.randint(40, w - 40)
        by = rng.randint(30, h - 90)
        pts = {"head": (bx, by), "left_hand": (bx - 25, by + 35), "right_hand": (bx + 25, by + 35),
               "left_foot": (bx - 15, by + 80), "right_foot": (bx + 15, by + 80)}
        for joint in JOINTS[1:]:
            draw.line([pts["head"], pts[joint]], fill=(60, 60, 60), width=2)
        for joint, (x, y) in pts.items():
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=(200, 0, 0))
            anns.append({"id": new_id(), "name": joint, "type": "keypoint", "confidence": 1.0, "attributes": [],
                         "keypoint": {"x": x, "y": y}, "instance_id": instance})
    return im, anns


def _add_dataset(state: ServerState, org_id: str, name: str, description: str, types: list[str],
                 classes: list[dict[str, Any]]) -> dict[str, Any]:
    ds = {"id": new_id(), "org_id": org_id, "name": name, "description": description,
          "readme": f"# {name}\n\n{description}\n", "annotation_types": types, "classes": classes,
          "created_at": utcnow_iso(), "updated_at": None}
    state.storage.insert("datasets", ds)
    return ds


def _add_image(state: ServerState, org_id: str, ds: dict[str, Any], directory: str, filename: str, data: bytes,
               size: tuple[int, int], anns: list[dict[str, Any]], status: str, split: str | None) -> None:
    db = state.storage
    blob = db.blob_path(ds["id"], db.blob_key(directory, filename))
    blob.parent.mkdir(parents=True, exist_ok=True)
    blob.write_bytes(data)
    db.insert("images", {"id": new_id(), "org_id": org_id, "dataset_id": ds["id"], "filename": filename,
                         "directory_path": directory, "status": status, "split": split, "file_size": len(data),
                         "width": size[0], "height": size[1], "content_type": "image/jpeg", "tags": [],
                         "is_archived": 0, "annotations": anns, "created_at": utcnow_iso()})


def seed_demo(state: ServerState, org_id: str) -> None:
    """Fill the organization ``org_id`` with the demo datasets and one completed export."""
    rng = random.Random(20260401)
    statuses = ["complete"] * 6 + ["review", "annotate", "new"]
    road = _add_dataset(state, org_id, "road-scenes", "Synthetic street scenes: cars, signs, road and lanes",
                        ["bbox", "polygon", "polyline"], ROAD_CLASSES)
    for i in range(30):
        split = "train" if i < 22 else ("val" if i < 27 else "test")
        im, anns = _road_image(rng, 320, 240)
        status = statuses[i % len(statuses)]
        _add_image(state, org_id, road, f"/{split}/images", f"scene_{i:03d}.jpg", _jpeg(im), im.size,
                   anns if status != "new" else [], status, split)
    people = _add_dataset(state, org_id, "people-poses", "Stick figures with five joints each",
                          ["keypoint"], POSE_CLASSES)
    for i in range(20):
        im, anns = _pose_image(rng, 256, 256)
        _add_image(state, org_id, people, "/", f"person_{i:03d}.jpg", _jpeg(im), im.size, anns,
                   "complete" if i % 5 else "review", "train" if i < 16 else "val")
    export = {"id": new_id(), "org_id": org_id, "dataset_id": road["id"], "dataset_name": road["name"],
              "name": "road-scenes-v1", "format": "pictograph", "include_images": 1, "class_filter": None,
              "status_filter": "complete", "organize_by_split": 0, "status": "pending", "error_message": None,
              "file_size": None, "image_count": None, "annotation_count": None, "created_at": utcnow_iso(),
              "expires_at": None}
    state.storage.insert("exports", export)
    state.jobs._export(export["id"])


def write_provider_fixtures(root: Path) -> None:
    """V7 Darwin and Roboflow (COCO) sources plus ``keys.json`` mapping source keys to workspaces."""
    rng = random.Random(7)
    root.mkdir(parents=True, exist_ok=True)
    (root / "keys.json").write_text(json.dumps({"v7": {V7_KEY: V7_WORKSPACE},
                                                "roboflow": {ROBOFLOW_KEY: ROBOFLOW_WORKSPACE}}, indent=2))
    v7 = root / "v7" / V7_WORKSPACE / "street-v7"
    (v7 / "images").mkdir(parents=True, exist_ok=True)
    (v7 / "annotations").mkdir(parents=True, exist_ok=True)
    (v7 / "meta.json").write_text(json.dumps({"id": "v7-street-001", "name": "street-v7", "slug": "street-v7"}))
    for i in range(6):
        im, anns = _road_image(rng, 320, 240)
        name = f"v7_{i:02d}.jpg"
        (v7 / "images" / name).write_bytes(_jpeg(im))
        darwin: list[dict[str, Any]] = []
        for a in anns:
            if a["type"] == "polygon":
                darwin.append({"id": a["id"], "name": a["name"], "polygon": a["polygon"],
                               "bounding_box": a["bounding_box"]})
            elif a["type"] == "polyline":
                darwin.append({"id": a["id"], "name": a["name"], "line": {"path": a["polyline"]["path"]}})
            else:
                darwin.append({"id": a["id"], "name": a["name"], "bounding_box": a["bounding_box"]})
        darwin.append({"id": new_id(), "name": "daytime", "tag": {}})
        darwin.append({"id": new_id(), "name": "wheel", "ellipse": {"center": {"x": 10, "y": 10},
                                                                     "radius": {"x": 3, "y": 3}, "angle": 0}})
        darwin.append({"id": new_id(), "name": "horizon_point", "keypoint": {"x": 160, "y": 60}})
        doc = {"version": "2.0", "schema_ref": "https://darwin-public.s3.eu-west-1.amazonaws.com/darwin_json/2.0/schema.json",
               "item": {"name": name, "path": "/", "slots": [{"type": "image", "slot_name": "0", "width": 320,
                                                              "height": 240, "source_files": [{"file_name": name}]}]},
               "annotations": darwin}
        (v7 / "annotations" / f"v7_{i:02d}.json").write_text(json.dumps(doc))
    rf = root / "roboflow" / ROBOFLOW_WORKSPACE / "people-rf"
    (rf / "images").mkdir(parents=True, exist_ok=True)
    (rf / "meta.json").write_text(json.dumps({"id": "people-rf", "name": "people-rf", "slug": "people-rf",
                                              "version": 3}))
    coco: dict[str, Any] = {"images": [], "annotations": [], "categories": [
        {"id": 1, "name": "person", "keypoints": JOINTS, "skeleton": [[1, 2], [1, 3], [1, 4], [1, 5]]},
        {"id": 2, "name": "ball"}]}
    ann_id = 1
    for i in range(6):
        im, anns = _pose_image(rng, 256, 256)
        name = f"rf_{i:02d}.jpg"
        (rf / "images" / name).write_bytes(_jpeg(im))
        coco["images"].append({"id": i + 1, "file_name": name, "width": 256, "height": 256})
        by_instance: dict[int, list[float]] = {}
        for a in anns:
            kp = a["keypoint"]
            by_instance.setdefault(a["instance_id"], []).extend([kp["x"], kp["y"], 2])
        for triplets in by_instance.values():
            triplets[-1] = 0  # one joint not labelled (v=0): skipped by the conversion
            xs, ys = triplets[0::3], triplets[1::3]
            coco["annotations"].append({"id": ann_id, "image_id": i + 1, "category_id": 1, "keypoints": triplets,
                                        "num_keypoints": 4, "bbox": [min(xs), min(ys), max(xs) - min(xs),
                                                                     max(ys) - min(ys)]})
            ann_id += 1
        coco["annotations"].append({"id": ann_id, "image_id": i + 1, "category_id": 2,
                                    "bbox": [10, 10, 20, 20], "segmentation": [[10, 10, 30, 10, 30, 30, 10, 30]]})
        ann_id += 1
        coco["annotations"].append({"id": ann_id, "image_id": i + 1, "category_id": 2, "bbox": [200, 200, 15, 15]})
        ann_id += 1
    (rf / "_annotations.coco.json").write_text(json.dumps(coco))
