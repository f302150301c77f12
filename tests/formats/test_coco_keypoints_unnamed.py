"""COCO keypoints whose category names no joints (issue 21, point 5).

Datumaro writes ``"keypoints": []`` (and ``"skeleton": []``) on its categories while the annotations carry
``[x, y, v]`` triplets; pycocotools reads such files without needing joint names, so the reader names the
joints by index and says so in the report instead of refusing the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pictograph.errors import FormatError
from pictograph.formats import ClassInfo, convert, read

_MISSING = object()


def _datumaro_file(tmp_path: Path, *, joints: Any = (), skeleton: Any = (),
                   second_keypoints: list[float] | None = None) -> Path:
    """A person_keypoints file laid out as datumaro's COCO exporter writes it."""
    category: dict[str, Any] = {"id": 1, "name": "a", "supercategory": ""}
    if joints is not _MISSING:
        category["keypoints"] = list(joints)
        category["skeleton"] = [list(e) for e in skeleton]
    doc = {
        "licenses": [{"name": "", "id": 0, "url": ""}],
        "info": {"contributor": "", "date_created": "", "description": "", "url": "", "version": "", "year": ""},
        "categories": [category],
        "images": [
            {"id": 1, "width": 40, "height": 30, "file_name": "img1.jpg", "license": 0, "flickr_url": "",
             "coco_url": "", "date_captured": 0},
            {"id": 2, "width": 40, "height": 30, "file_name": "img2.jpg", "license": 0, "flickr_url": "",
             "coco_url": "", "date_captured": 0},
        ],
        "annotations": [
            {"id": 5, "image_id": 1, "category_id": 1, "segmentation": [], "area": 60.0, "bbox": [2, 3, 10, 6],
             "iscrowd": 0, "attributes": {"occluded": False},
             "keypoints": [2, 3, 2, 7, 5, 1, 0, 0, 0], "num_keypoints": 2},
            {"id": 6, "image_id": 2, "category_id": 1, "segmentation": [], "area": 12.0, "bbox": [20, 10, 4, 3],
             "iscrowd": 0, "attributes": {"occluded": False},
             "keypoints": second_keypoints or [20, 10, 2, 22, 11, 2, 24, 13, 2], "num_keypoints": 3},
        ],
    }
    path = tmp_path / "person_keypoints_default.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize("joints", [(), _MISSING], ids=["empty-list", "no-keypoints-key"])
def test_joints_of_a_category_without_names_are_named_by_index(tmp_path: Path, joints: Any) -> None:
    ds = read(_datumaro_file(tmp_path, joints=joints), "coco")

    images = list(ds.images)
    first = [(a.name, a.point, a.instance_id, a.attributes.get("occluded")) for a in images[0].annotations]
    assert first == [("0", (2, 3), 1, False), ("1", (7, 5), 1, True)]  # the v=0 third joint is not labelled
    assert [(a.name, a.point) for a in images[1].annotations] == [("0", (20, 10)), ("1", (22, 11)),
                                                                   ("2", (24, 13))]
    assert list(ds.classes) == [ClassInfo("a", keypoints=("0", "1", "2"))]


def test_the_report_says_the_joints_were_named_by_index(tmp_path: Path) -> None:
    report = convert(_datumaro_file(tmp_path), tmp_path / "out", from_format="coco", to_format="pictograph")

    named = [i for i in report.issues if i.kind == "normalized" and "named by index" in i.reason]
    assert len(named) == 1
    issue = named[0]
    assert (issue.stage, issue.item_type, issue.location) == ("read", "keypoint", "categories id 1")
    assert "'a'" in issue.reason and "3 joints" in issue.reason
    assert issue.file is not None and issue.file.endswith("person_keypoints_default.json")
    assert report.read_counts == {"keypoint": 5} and report.written_counts == {"keypoint": 5}


def test_round_trip_through_the_pictograph_format_keeps_every_triplet(tmp_path: Path) -> None:
    source = _datumaro_file(tmp_path)
    convert(source, tmp_path / "pictograph", from_format="coco", to_format="pictograph")
    back = tmp_path / "back.json"
    convert(tmp_path / "pictograph", back, from_format="pictograph", to_format="coco")

    doc = json.loads(back.read_text(encoding="utf-8"))
    assert [(c["name"], c["keypoints"]) for c in doc["categories"]] == [("a", ["0", "1", "2"])]
    by_image = {im["file_name"]: im["id"] for im in doc["images"]}
    triplets = {a["image_id"]: a["keypoints"] for a in doc["annotations"]}
    # Joint "1" was labelled but not visible (v = 1): the occluded flag brings v = 1 back.
    assert triplets[by_image["img1.jpg"]] == [2, 3, 2, 7, 5, 1, 0, 0, 0]
    assert triplets[by_image["img2.jpg"]] == [20, 10, 2, 22, 11, 2, 24, 13, 2]
    # Read again, the file now names its joints, so nothing is named by index a second time.
    again = convert(back, tmp_path / "again", from_format="coco", to_format="pictograph")
    assert not [i for i in again.issues if "named by index" in i.reason]


def test_a_skeleton_on_index_named_joints_is_kept(tmp_path: Path) -> None:
    ds = read(_datumaro_file(tmp_path, skeleton=[(1, 2), (2, 3)]), "coco")

    assert list(ds.classes) == [ClassInfo("a", keypoints=("0", "1", "2"), skeleton=((0, 1), (1, 2)))]


def test_annotations_disagreeing_on_the_joint_count_are_refused(tmp_path: Path) -> None:
    path = _datumaro_file(tmp_path, second_keypoints=[20, 10, 2, 22, 11, 2])

    with pytest.raises(FormatError) as caught:
        read(path, "coco")

    err = caught.value
    assert err.path == str(path)
    assert err.location == "annotations[1].keypoints"
    assert "annotation id 6 has 2 keypoint joints" in err.reason
    assert "annotation id 5 of category 'a' has 3" in err.reason


def test_a_category_that_names_its_joints_still_needs_matching_triplets(tmp_path: Path) -> None:
    path = _datumaro_file(tmp_path, joints=("nose", "eye", "ear"), second_keypoints=[20, 10, 2, 22, 11, 2])

    with pytest.raises(FormatError, match=r"3 values per joint of category 'a' \(3 joints\)"):
        list(read(path, "coco").images)


def test_a_category_that_names_its_joints_keeps_the_names(tmp_path: Path) -> None:
    report = convert(_datumaro_file(tmp_path, joints=("nose", "eye", "ear")), tmp_path / "out",
                     from_format="coco", to_format="pictograph")
    ds = read(tmp_path / "out", "pictograph")

    assert {a.name for im in ds.images for a in im.annotations} == {"nose", "eye", "ear"}
    assert not [i for i in report.issues if "named by index" in i.reason]
