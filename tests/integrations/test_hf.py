"""client.datasets.to_hf and pictograph.hf.load: the Hub's object-detection layout from the mirror (issue 19.2)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import datasets
import numpy as np

import pictograph.hf as hf


def test_to_hf_gives_one_dataset_per_split_with_the_hub_features(client: Any, road_root: Path) -> None:
    splits = client.datasets.to_hf("road-scenes", root=road_root, download=False)
    assert isinstance(splits, datasets.DatasetDict)
    assert {name: len(ds) for name, ds in splits.items()} == {"train": 22, "val": 5, "test": 3}
    features = splits["train"].features
    assert isinstance(features["image"], datasets.Image)
    category = features["objects"]["category"]
    category = getattr(category, "feature", category)
    assert isinstance(category, datasets.ClassLabel)
    assert category.names == [c.name for c in client.datasets.get("road-scenes").classes]
    assert all(ds.features == features for ds in splits.values())


def test_rows_carry_the_servers_boxes_in_coco_layout(client: Any, road_root: Path) -> None:
    order = {c.name: i for i, c in enumerate(client.datasets.get("road-scenes").classes)}
    val = hf.load(road_root, "val")
    assert isinstance(val, datasets.Dataset) and len(val) == 5
    for row in val:
        annotations = [a.to_dict() for a in client.annotations.get(row["image_id"])]
        objects = row["objects"]
        assert objects["id"] == [a["id"] for a in annotations]
        assert objects["category"] == [order[a["name"]] for a in annotations]
        for bbox, a in zip(objects["bbox"], annotations, strict=True):
            b = a["bounding_box"]
            assert bbox == [float(np.float32(v)) for v in (b["x"], b["y"], b["w"], b["h"])]  # stored as float32
        assert (row["width"], row["height"]) == (320, 240)
        assert row["image"].size == (320, 240)


def test_to_hf_offline_makes_no_request(server: Any, client: Any, road_root: Path) -> None:
    server.reset_api_requests()
    ds = client.datasets.to_hf("road-scenes", root=road_root, download=False, split="test")
    assert len(ds) == 3 and server.api_requests() == 0
