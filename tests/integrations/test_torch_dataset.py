"""client.datasets.as_pytorch and pictograph.torch.load on the local server's demo datasets (issue 19.1).

Expected values are computed here from the server's own annotations (``client.annotations.get``) with rules
written again in the test, not through the SDK's conversion.
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

import pictograph.torch as pt
from pictograph.errors import ConfigurationError


def _server_annotations(client: Any, image_id: str) -> list[dict[str, Any]]:
    return [a.to_dict() for a in client.annotations.get(image_id)]


def _class_order(client: Any, name: str) -> dict[str, int]:
    return {c.name: i for i, c in enumerate(client.datasets.get(name).classes)}


def test_every_item_has_the_servers_boxes_and_labels(client: Any, road_root: Path) -> None:
    ds = client.datasets.as_pytorch("road-scenes", root=road_root, download=False)
    order = _class_order(client, "road-scenes")
    assert len(ds) == 30
    for i in range(len(ds)):
        image, target = ds[i]
        annotations = _server_annotations(client, target["image_id"])
        want_boxes = [[b["x"], b["y"], b["x"] + b["w"], b["y"] + b["h"]]
                      for b in (a["bounding_box"] for a in annotations)]
        want_labels = [order[a["name"]] for a in annotations]
        assert target["boxes"].dtype == torch.float32 and target["labels"].dtype == torch.int64
        assert torch.equal(target["boxes"], torch.tensor(want_boxes, dtype=torch.float32).reshape(-1, 4))
        assert target["labels"].tolist() == want_labels
        assert target["iscrowd"].tolist() == [0] * len(annotations)
        assert target["annotations"] == annotations
        assert image.size == (320, 240) and image.mode == "RGB"


def test_poses_are_grouped_per_instance_with_visibility(client: Any, pose_root: Path) -> None:
    ds = pt.load(pose_root)
    dataset = client.datasets.get("people-poses")
    joints = [n.name for n in dataset.classes[0].skeleton.nodes]
    for i in range(len(ds)):
        _, target = ds[i]
        by_instance: dict[int, dict[str, tuple[float, float]]] = {}
        for a in _server_annotations(client, target["image_id"]):
            by_instance.setdefault(a["instance_id"], {})[a["name"]] = (a["keypoint"]["x"], a["keypoint"]["y"])
        want = [[[*pose[j], 2.0] for j in joints] for pose in by_instance.values()]
        assert target["keypoints"].shape == (len(want), len(joints), 3)
        assert target["keypoints"].tolist() == want
        assert target["labels"].tolist() == [0] * len(want)  # the pose class, whose skeleton lists the joints
        for box, pose in zip(target["boxes"].tolist(), by_instance.values(), strict=True):
            xs, ys = [p[0] for p in pose.values()], [p[1] for p in pose.values()]
            assert box == [min(xs), min(ys), max(xs), max(ys)]


def test_split_folder_and_status_keep_what_the_server_lists(client: Any, road_root: Path) -> None:
    def ids(**filters: Any) -> set[str]:
        return {image.id for image in client.datasets.list_images("road-scenes", **filters)}

    val = client.datasets.as_pytorch("road-scenes", root=road_root, download=False, split="val")
    assert set(val.image_ids) == ids(split="val") and len(val) == 5
    test_folder = pt.load(road_root, folder="/test")
    assert set(test_folder.image_ids) == ids(folder="/test")
    complete_train = pt.load(road_root, "train", status_filter="complete")
    assert set(complete_train.image_ids) == ids(split="train", status="complete")
    assert all(Path(road_root, p).is_file() for p in complete_train.relpaths)


def test_every_split_gets_the_dataset_class_order(client: Any, road_root: Path) -> None:
    order = _class_order(client, "road-scenes")
    maps = [pt.load(road_root, split).class_to_idx for split in ("train", "val", "test", None)]
    assert all(m == order for m in maps)
    assert pt.load(road_root).classes == list(order)


def test_classes_left_out_of_the_map_are_counted_and_kept(client: Any, road_root: Path) -> None:
    ds = pt.load(road_root, class_to_idx={"car": 1, "sign": 2})
    total_other = 0
    for i in range(len(ds)):
        _, target = ds[i]
        names = [a["name"] for a in target["annotations"]]
        kept = [{"car": 1, "sign": 2}[n] for n in names if n in ("car", "sign")]
        assert target["labels"].tolist() == kept
        total_other += len(names) - len(kept)
    assert ds.skipped == total_other > 0
    assert ds.classes == ["car", "sign"]


def test_a_class_map_naming_an_unknown_class_is_refused(road_root: Path) -> None:
    with pytest.raises(ValueError, match=r"'cars', which is not a class of dataset 'road-scenes'"):
        pt.load(road_root, class_to_idx={"cars": 0})
    with pytest.raises(ValueError, match="same index"):
        pt.load(road_root, class_to_idx={"car": 0, "sign": 0})


def _even_odd(rings: list[list[tuple[float, float]]], height: int, width: int) -> np.ndarray:
    """Pixel centres inside by counting ring-edge crossings of a ray to the right, pixel by pixel."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float64) + 0.5
    inside = np.zeros((height, width), dtype=bool)
    for ring in rings:
        for (ax, ay), (bx, by) in zip(ring, ring[1:] + ring[:1], strict=True):
            if ay == by:
                continue
            crosses = (ay > ys) != (by > ys)
            x_at = ax + (ys - ay) * (bx - ax) / (by - ay)
            inside ^= crosses & (xs < x_at)
    return inside.astype(np.uint8)


def test_masks_of_polygons_with_holes_match_an_independent_rasterisation(road_root: Path) -> None:
    ds = pt.load(road_root, masks=True)
    checked = 0
    for i in range(0, len(ds), 3):
        image, target = ds[i]
        width, height = image.size
        assert target["masks"].shape == (len(target["annotations"]), height, width)
        assert target["masks"].dtype == torch.uint8
        for mask, ann in zip(target["masks"], target["annotations"], strict=True):
            if ann["type"] != "polygon":
                continue
            rings = [[(p["x"], p["y"]) for p in ring] for ring in ann["polygon"]["paths"]]
            assert len(rings) == 2  # the road and its manhole
            want = _even_odd(rings, height, width)
            assert np.array_equal(mask.numpy(), want)
            hx = sum(p[0] for p in rings[1]) / 4
            hy = sum(p[1] for p in rings[1]) / 4
            assert mask[int(hy), int(hx)] == 0  # the hole stays a hole
            checked += 1
    assert checked >= 8


def test_offline_mode_makes_no_request(server: Any, client: Any, road_root: Path) -> None:
    server.reset_api_requests()
    ds = client.datasets.as_pytorch("road-scenes", root=road_root, download=False, masks=True)
    for i in range(len(ds)):
        ds[i]
    assert pt.load(road_root, "train").skipped == 0
    assert server.api_requests() == 0


def test_download_false_on_an_empty_folder_says_how_to_fill_it(client: Any, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"not a synced dataset folder.*datasets.sync"):
        client.datasets.as_pytorch("road-scenes", root=tmp_path, download=False)


def test_the_official_clients_images_limit_and_augment_are_refused_clearly(client: Any, road_root: Path) -> None:
    with pytest.raises(ValueError, match=r"images_limit is not needed.*split=, folder="):
        client.datasets.as_pytorch("road-scenes", root=road_root, download=False, images_limit=100)
    with pytest.raises(ValueError, match=r"augment is not supported.*transform="):
        client.datasets.as_pytorch("road-scenes", root=road_root, download=False, augment=object())


def test_the_default_root_is_a_per_dataset_folder_in_the_cache(server: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTOGRAPH_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    with server.client() as own:
        ds = own.datasets.as_pytorch("people-poses")
    assert ds.root == tmp_path / "cache" / "datasets" / "people-poses"
    assert len(ds) == 20 and (ds.root / ".pictograph-mirror.sqlite").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]  # nothing written to the working directory


def test_transforms_apply_to_image_and_target(road_root: Path) -> None:
    ds = pt.load(road_root, transform=lambda im: im.size, target_transform=lambda t: len(t["boxes"]))
    size, count = ds[0]
    assert size == (320, 240) and count == len(pt.load(road_root)[0][1]["annotations"])
    with pytest.raises(ValueError, match="transform must be a callable"):
        pt.load(road_root, transform="resize")  # type: ignore[arg-type]


def test_a_pickled_dataset_carries_no_key_and_no_connection(server: Any, road_root: Path) -> None:
    ds = pt.load(road_root)
    data = pickle.dumps(ds)
    assert server.api_key.encode() not in data and b"sqlite3" not in data
    again = pickle.loads(data)
    assert again.image_ids == ds.image_ids and again[3][1]["image_id"] == ds.image_ids[3]


def test_collate_keeps_images_and_targets_as_lists(road_root: Path) -> None:
    ds = pt.load(road_root)
    images, targets = pt.collate([ds[0], ds[1], ds[2]])
    assert [t["image_id"] for t in targets] == ds.image_ids[:3]
    assert len(images) == 3 and all(im.size == (320, 240) for im in images)


def test_a_stream_dataset_pickles_without_the_key(server: Any, client: Any, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    ds = client.datasets.as_pytorch("road-scenes", stream=True, root=tmp_path)
    data = pickle.dumps(ds)
    assert server.api_key.encode() not in data
    monkeypatch.delenv("PICTOGRAPH_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="PICTOGRAPH_API_KEY"):
        next(iter(pickle.loads(data)))  # an unpickled copy (a spawned worker) has only the environment's key
