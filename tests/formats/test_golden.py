"""Hand-written golden files per format, read into the internal representation and checked value by value."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from pictograph.formats import Annotation, ImageRecord, detect_format, read


def _images(path: Path, fmt: str, **options: object) -> dict[str, ImageRecord]:
    ds = read(path, fmt, **options)
    return {im.filename: im for im in ds.images}


def _issues(path: Path, fmt: str, **options: object) -> list[tuple[str, str]]:
    ds = read(path, fmt, **options)
    list(ds.images)
    return [(i.kind, i.reason) for i in ds.notes.issues]


@pytest.mark.parametrize(
    ("folder", "expected"),
    [
        ("coco", "coco"), ("yolo", "yolo"), ("pascal_voc", "pascal_voc"), ("cvat", "cvat"),
        ("labelme", "labelme"), ("csv", "csv"), ("v7", "v7"), ("roboflow", "roboflow"),
        ("pictograph", "pictograph"),
    ],
)
def test_detect_format_recognises_each_golden_folder(golden: Path, folder: str, expected: str) -> None:
    assert detect_format(golden / folder) == expected


def test_coco_golden_boxes_parts_keypoints_and_empty_image(golden: Path) -> None:
    ds = read(golden / "coco", "coco")
    images = {im.filename: im for im in ds.images}
    assert list(images) == ["JPEGImages/straße_001.jpg", "empty.jpg", "pose.jpg"]
    street = images["JPEGImages/straße_001.jpg"]
    assert (street.width, street.height) == (640, 480)
    car, part0, part1, crowd, compressed, scored = street.annotations
    square = {(0, 0), (2, 0), (2, 2), (0, 2)}
    for rle in (crowd, compressed):
        assert rle.type == "polygon" and len(rle.paths) == 1
        assert set(zip(rle.paths[0][0::2], rle.paths[0][1::2], strict=True)) == square
    assert car == Annotation("car", "bbox", box=(100.5, 200, 50, 80.25), id="10",
                             attributes={"occluded": False, "color": "red"})
    assert part0.paths == ((0, 0, 40, 0, 40, 30, 0, 30),) and part0.attributes == {"coco_id": 11}
    assert part1.paths == ((50, 50, 60, 50, 55, 58),) and part1.id == "11-1"
    assert scored.confidence == 0.75
    assert images["empty.jpg"].annotations == ()
    nose, right_eye = images["pose.jpg"].annotations
    assert (nose.name, nose.point, nose.instance_id, nose.attributes) == ("nose", (20, 15), 1, [])
    assert (right_eye.name, right_eye.point, right_eye.attributes) == ("right_eye", (30, 25), {"occluded": True})
    assert [c.name for c in ds.classes] == ["car", "road", "person"]
    assert ds.classes[2].keypoints == ("nose", "left_eye", "right_eye")
    assert ds.classes[2].skeleton == ((0, 1), (0, 2))
    reasons = [i.reason for i in ds.notes.issues]
    assert reasons.count("RLE mask traced into 1 pixel-boundary polygon(s)") == 2
    assert "keypoint not labelled (v=0)" in reasons
    assert "multi-part segmentation split into 2 polygons" in reasons


def test_yolo_golden_dict_names_polygon_line_empty_file_and_bad_class(golden: Path) -> None:
    sizes = {"voiture_é": (640, 480), "empty": (10, 10), "bad_class": (100, 100)}
    ds = read(golden / "yolo", "yolo", image_sizes=sizes)
    assert ds.class_names == ("car", "road sign")
    images = {im.filename: im for im in ds.images}
    box, poly = images["voiture_é"].annotations
    assert box.name == "car" and box.box == pytest.approx((240, 120, 160, 240))
    assert poly.name == "road sign" and poly.paths[0] == pytest.approx((64, 48, 192, 48, 128, 144))
    assert images["empty"].annotations == ()
    assert len(images["bad_class"].annotations) == 1
    assert ("skipped", "class index 5 out of range (0..1)") in [(i.kind, i.reason) for i in ds.notes.issues]


def test_yolo_without_sizes_is_a_clear_error(golden: Path) -> None:
    from pictograph.errors import FormatError

    with pytest.raises(FormatError, match="image size unknown"):
        list(read(golden / "yolo", "yolo").images)


def test_pascal_voc_golden_devkit_pixels_float_values_and_empty_file(golden: Path) -> None:
    images = _images(golden / "pascal_voc", "pascal_voc")
    person, dog = images["straße.jpg"].annotations
    assert person.box == pytest.approx((90, 10, 164.38, 365))
    assert person.attributes == {"difficult": True}
    assert dog.box == (0, 0, 10, 20) and dog.attributes == []
    assert (images["empty.jpg"].width, images["empty.jpg"].annotations) == (100, ())


def test_cvat_golden_rotation_attributes_points_and_skipped_elements(golden: Path) -> None:
    ds = read(golden / "cvat", "cvat")
    assert ds.class_names == ("car", "road", "lane", "joint", "unused")
    images = {im.filename: im for im in ds.images}
    car, rotated, road, lane, j1, j2 = images["日本/車.jpg"].annotations
    assert car.box == (10.5, 20, 100, 50) and car.attributes == {"color": "red", "occluded": True}
    assert rotated.oriented == (120, 110, 40, 20, 90)
    assert rotated.box == pytest.approx((110, 90, 20, 40))
    assert road.paths == ((0, 0, 40, 0, 40, 30, 0, 30),)
    assert lane.type == "polyline" and lane.paths == ((0, 100, 50, 100, 80, 120),)
    assert (j1.point, j2.point, j1.instance_id, j2.instance_id) == ((5, 6), (7.5, 8.25), 1, 1)
    assert images["empty.jpg"].annotations == ()
    skipped = {i.item_type for i in ds.notes.issues if i.kind == "skipped"}
    assert skipped == {"tag", "mask"}


def test_labelme_golden_backwards_rectangle_shapes_and_outside_image_path(golden: Path) -> None:
    images = _images(golden / "labelme", "labelme")
    assert set(images) == {"voiture_été.jpg", "empty.jpg"}
    car, road, lane, nose = images["voiture_été.jpg"].annotations
    assert car.box == (10.5, 20.0, 100.0, 50.0)
    assert car.attributes == {"occluded": True, "description": "drawn backwards"}
    assert road.type == "polygon" and lane.type == "polyline"
    assert nose.type == "keypoint" and nose.point == (12.25, 13.75) and nose.instance_id == 2
    assert images["empty.jpg"].annotations == () and images["empty.jpg"].width == 320
    issues = _issues(golden / "labelme", "labelme")
    assert ("skipped", "LabelMe shape 'circle' has no Pictograph form") in issues


def test_csv_golden_quoted_classes_and_non_ascii_names(golden: Path) -> None:
    ds = read(golden / "csv", "csv")
    images = {im.filename: im for im in ds.images}
    a, b = images["ñandú.jpg"].annotations
    assert (a.name, a.box) == ("car, red", (10, 20, 50.5, 80))
    assert (b.name, b.box) == ('say "hi"', (0, 0, 5, 5))
    assert ds.class_names == ("car, red", 'say "hi"', "dog")


def test_v7_golden_rings_normalised_subtypes_and_skipped_types(golden: Path) -> None:
    ds = read(golden / "v7", "v7")
    images = {im.filename: im for im in ds.images}
    item = images["folder/größe.jpg"]
    assert (item.width, item.height) == (1000, 800)
    lake, island, car, lane, nose, head, foot = item.annotations
    assert lake.paths == ((0, 0, 100, 0, 100, 100, 0, 100), (20, 20, 40, 20, 40, 40, 20, 40))
    assert island.paths == ((200, 200, 300, 200, 250, 300),)
    assert car.box == (10.5, 20, 30, 40)
    assert car.attributes == {"text": "plate AB-12", "instance_id": 4, "tags": ["red", "parked"]}
    assert lane.paths == ((0, 0, 5, 5),) and nose.point == (3, 4)
    assert (head.name, foot.name, head.instance_id, foot.attributes) == ("head", "foot", 1, {"occluded": True})
    legacy = images["old.jpg"]
    blob, tri = legacy.annotations
    assert blob.paths == ((0, 0, 10, 0, 10, 10, 0, 10), (2, 2, 4, 2, 3, 4))
    assert tri.paths == ((20, 20, 30, 20, 25, 30),)
    skipped = {i.item_type for i in ds.notes.issues if i.kind == "skipped"}
    assert skipped == {"tag", "ellipse"}
    normalized = {i.reason for i in ds.notes.issues if i.kind == "normalized"}
    assert {"duplicate ring removed", "outer ring moved first"} <= normalized


def test_roboflow_golden_super_class_is_not_a_duplicate_class(golden: Path) -> None:
    ds = read(golden / "roboflow", "roboflow")
    assert ds.class_names == ("cars",)
    images = list(ds.images)
    assert [(i.filename, i.subset) for i in images] == [("train/a_jpg.rf.0123abcd.jpg", "train"),
                                                       ("valid/b_jpg.rf.ffff.jpg", "valid")]
    assert images[0].annotations[0].box == (1, 2, 3, 4)


def test_pictograph_golden_download_layout(golden: Path) -> None:
    images = _images(golden / "pictograph", "pictograph")
    assert set(images) == {"photo été.jpg", "empty.png"}
    anns = images["photo été.jpg"].annotations
    assert [a.type for a in anns] == ["bbox", "polygon", "polyline", "keypoint", "bbox"]
    assert anns[1].paths[1] == (10, 5, 20, 5, 15, 12)
    assert anns[4].oriented == (20, 15, 10, 20, 90)
    assert anns[0].to_dict() == {"id": "a1", "name": "car", "type": "bbox", "confidence": 1.0, "attributes": [],
                                 "bounding_box": {"x": 100, "y": 200, "w": 50, "h": 80}}
    assert images["empty.png"].annotations == ()
    assert not math.isnan(anns[1].confidence)
