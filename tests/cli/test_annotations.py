"""``pictograph annotations ...`` against the local server, saving from files in several formats."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Cli, error_of, one_line

IMAGE = "train/images/scene_001.jpg"


def test_get_returns_the_canonical_array(cli: Cli) -> None:
    items = cli.json("annotations", "get", "road-scenes", IMAGE)
    assert items and {"id", "name", "type"} <= set(items[0])
    assert {a["type"] for a in items} >= {"bbox", "polygon"}


def test_get_by_id_matches_get_by_path(cli: Cli) -> None:
    images = cli.json("datasets", "images", "road-scenes", "--folder", "/train/images")
    first = next(i for i in images if i["filename"] == "scene_001.jpg")
    assert cli.json("annotations", "get", "road-scenes", "--id", first["id"]) == \
        cli.json("annotations", "get", "road-scenes", IMAGE)


def test_save_from_canonical_json_then_delete(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "scene_002.jpg.json"
    file.write_text(json.dumps([{"name": "car", "type": "bbox", "bbox": [10, 20, 30, 40]}]))
    result = cli.json("annotations", "save", "road-scenes", "train/images/scene_002.jpg", str(file))
    assert result["new_count"] == 1
    saved = cli.json("annotations", "get", "road-scenes", "train/images/scene_002.jpg")
    assert saved[0]["bounding_box"] == {"x": 10, "y": 20, "w": 30, "h": 40}
    deleted = cli.json("annotations", "delete", "road-scenes", "train/images/scene_002.jpg", "--yes")
    assert deleted["deleted_count"] == 1
    assert cli.json("annotations", "get", "road-scenes", "train/images/scene_002.jpg") == []


def test_save_picks_the_image_out_of_a_coco_file(cli: Cli, tmp_path: Path) -> None:
    coco = {
        "images": [{"id": 1, "file_name": "scene_003.jpg", "width": 320, "height": 240},
                   {"id": 2, "file_name": "other.jpg", "width": 320, "height": 240}],
        "categories": [{"id": 1, "name": "car"}, {"id": 2, "name": "road"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [5, 6, 20, 10], "area": 200, "iscrowd": 0},
            {"id": 2, "image_id": 1, "category_id": 2, "bbox": [0, 0, 50, 50], "area": 1250, "iscrowd": 0,
             "segmentation": [[0, 0, 50, 0, 0, 50]]},
            {"id": 3, "image_id": 2, "category_id": 1, "bbox": [1, 1, 2, 2], "area": 4, "iscrowd": 0},
        ],
    }
    file = tmp_path / "instances.json"
    file.write_text(json.dumps(coco))
    result = cli.json("annotations", "save", "road-scenes", "train/images/scene_003.jpg", str(file),
                      "--format", "coco")
    assert result["new_count"] == 2
    saved = cli.json("annotations", "get", "road-scenes", "train/images/scene_003.jpg")
    assert sorted(a["type"] for a in saved) == ["bbox", "polygon"]


def test_save_from_a_file_in_the_wrong_format_is_exit_14(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "scene_004.jpg.json"
    file.write_text(json.dumps([{"name": "car", "type": "bbox", "bbox": [1, 2, 3, 4]}]))
    result = cli("annotations", "save", "road-scenes", "train/images/scene_004.jpg", str(file), "--format", "coco",
                 "--json")
    assert result.exit_code == 14
    assert error_of(result)["kind"] == "bad_file"


def test_save_from_a_broken_file_is_exit_14(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "scene_004.jpg.json"
    file.write_text('[{"name": "car", "type": "bbox", "bbox": [1, 2, -3, 4]}]')
    result = cli("annotations", "save", "road-scenes", "train/images/scene_004.jpg", str(file))
    assert result.exit_code == 14
    one_line(result)


def test_save_unknown_class_is_rejected_by_the_server_exit_8(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "scene_005.jpg.json"
    file.write_text(json.dumps([{"name": "unicorn", "type": "bbox", "bbox": [1, 2, 3, 4]}]))
    result = cli("annotations", "save", "road-scenes", "train/images/scene_005.jpg", str(file))
    assert result.exit_code == 8
    one_line(result)


def test_get_on_an_unknown_image_is_exit_6(cli: Cli) -> None:
    result = cli("annotations", "get", "road-scenes", "train/images/nope.jpg")
    assert result.exit_code == 6
    one_line(result)
