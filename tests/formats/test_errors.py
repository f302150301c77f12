"""Bad input raises FormatError naming the file, the place inside it and the reason."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pictograph.errors import FormatError
from pictograph.formats import read


def _coco(tmp_path: Path, doc: object) -> Path:
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc) if not isinstance(doc, str) else doc, encoding="utf-8")
    return p


def _read_all(path: Path, fmt: str, **options: object) -> None:
    list(read(path, fmt, **options).images)


BASE = {"images": [{"id": 1, "file_name": "a.jpg", "width": 10, "height": 10}],
        "categories": [{"id": 1, "name": "car"}], "annotations": []}


def test_malformed_coco_json_names_line_and_column(tmp_path: Path) -> None:
    p = _coco(tmp_path, '{"images": [], "annotations": [\n  {"id": 1,, }]}')
    with pytest.raises(FormatError) as info:
        _read_all(p, "coco")
    assert info.value.path == str(p)
    assert info.value.location == "line 2 column 12"
    assert "malformed JSON" in info.value.reason


def test_coco_unknown_image_id_is_reported_with_its_index(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 99, "category_id": 1, "bbox": [0, 0, 1, 1]}]}
    with pytest.raises(FormatError) as info:
        _read_all(_coco(tmp_path, doc), "coco")
    assert info.value.location == "annotations[0].image_id"
    assert "99" in info.value.reason


def test_coco_unknown_category_is_an_error(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 1, "category_id": 4, "bbox": [0, 0, 1, 1]}]}
    with pytest.raises(FormatError, match="category_id 4 is not in 'categories'") as info:
        _read_all(_coco(tmp_path, doc), "coco")
    assert info.value.location == "annotations[0].category_id"


def test_coco_negative_image_size_is_an_error(tmp_path: Path) -> None:
    doc = {**BASE, "images": [{"id": 1, "file_name": "a.jpg", "width": -5, "height": 10}]}
    with pytest.raises(FormatError, match="positive") as info:
        _read_all(_coco(tmp_path, doc), "coco")
    assert info.value.location == "images[0].width"


def test_coco_missing_geometry_is_an_error(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 1, "category_id": 1}]}
    with pytest.raises(FormatError, match="no bbox, segmentation or keypoints"):
        _read_all(_coco(tmp_path, doc), "coco")


def test_coco_nan_is_not_a_number(tmp_path: Path) -> None:
    p = _coco(tmp_path, '{"images": [], "categories": [], "annotations": [{"bbox": [NaN, 0, 1, 1]}]}')
    with pytest.raises(FormatError, match="NaN"):
        _read_all(p, "coco")


def test_coco_boolean_is_not_a_coordinate(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [True, 0, 1, 1]}]}
    with pytest.raises(FormatError, match="bbox must be"):
        _read_all(_coco(tmp_path, doc), "coco")


def test_coco_file_name_escaping_the_folder_is_refused(tmp_path: Path) -> None:
    doc = {**BASE, "images": [{"id": 1, "file_name": "../../etc/passwd", "width": 1, "height": 1}]}
    with pytest.raises(FormatError, match="outside") as info:
        _read_all(_coco(tmp_path, doc), "coco")
    assert info.value.location == "images[0].file_name"


def test_coco_zero_size_box_is_skipped_and_reported(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [0, 0, 0, 5]}]}
    ds = read(_coco(tmp_path, doc), "coco")
    assert [im.annotations for im in ds.images] == [()]
    assert [(i.kind, i.item_type) for i in ds.notes.issues] == [("skipped", "bbox")]


def test_malformed_voc_xml_names_line(tmp_path: Path) -> None:
    p = tmp_path / "a.xml"
    p.write_text("<annotation>\n<filename>a.jpg</filename>\n<object><name>x</name>\n</annotation>")
    with pytest.raises(FormatError, match="malformed XML") as info:
        _read_all(p, "pascal_voc")
    assert info.value.location is not None and info.value.location.startswith("line 4")


def test_voc_non_numeric_coordinate_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "a.xml"
    p.write_text("<annotation><filename>a.jpg</filename><object><name>x</name><bndbox><xmin>one</xmin>"
                 "<ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></object></annotation>")
    with pytest.raises(FormatError, match="xmin must be a finite number") as info:
        _read_all(p, "pascal_voc")
    assert info.value.location == "annotation/object[1]/bndbox/xmin"


def test_xml_with_entity_declarations_is_refused(tmp_path: Path) -> None:
    p = tmp_path / "annotations.xml"
    p.write_text('<?xml version="1.0"?>\n<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]>\n<annotations>&x;</annotations>')
    with pytest.raises(FormatError, match="DTD") as info:
        _read_all(p, "cvat")
    assert info.value.location == "line 2"


def test_cvat_bad_points_are_an_error(tmp_path: Path) -> None:
    p = tmp_path / "annotations.xml"
    p.write_text('<annotations><image id="0" name="a.jpg" width="5" height="5">'
                 '<polygon label="x" points="1,2;3"/></image></annotations>')
    with pytest.raises(FormatError, match="points must be") as info:
        _read_all(p, "cvat")
    assert info.value.location == "image[0]/polygon[0]"


def test_labelme_missing_image_path_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text('{"shapes": [], "imageHeight": 1, "imageWidth": 1}')
    with pytest.raises(FormatError, match="missing imagePath"):
        _read_all(p, "labelme")


def test_labelme_bad_point_names_the_shape(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text('{"shapes": [{"label": "a", "points": [[1, "x"]], "shape_type": "point"}], "imagePath": "a.jpg"}')
    with pytest.raises(FormatError) as info:
        _read_all(p, "labelme")
    assert info.value.location == "/shapes/0/points[0]"


def test_csv_wrong_header_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("file,class\na.jpg,car\n")
    with pytest.raises(FormatError, match="header must be") as info:
        _read_all(p, "csv")
    assert info.value.location == "line 1"


def test_csv_short_row_names_its_line(tmp_path: Path) -> None:
    p = tmp_path / "a.csv"
    p.write_text("filename,width,height,class,xmin,ymin,xmax,ymax\na.jpg,1,1,car,0,0,1,1\nb.jpg,1,1\n")
    with pytest.raises(FormatError, match="expected 8 columns") as info:
        _read_all(p, "csv")
    assert info.value.location == "line 3"


def test_yolo_garbage_line_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("car\n")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "a.txt").write_text("0 0.5 0.5 0.1 0.1\nzero 1 2 3 4\n")
    with pytest.raises(FormatError, match="expected 'class x y") as info:
        _read_all(tmp_path, "yolo", image_sizes={"a": (10, 10)})
    assert info.value.location == "line 2"


def test_yolo_without_class_names_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "a.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    with pytest.raises(FormatError, match="no class names"):
        read(tmp_path, "yolo")


def test_pictograph_unknown_key_is_rejected_with_a_pointer(tmp_path: Path) -> None:
    p = tmp_path / "a.jpg.json"
    p.write_text('[{"id": "1", "name": "car", "type": "bbox", "bounding_box": {"x": 0, "y": 0, "w": 1, "h": 1},'
                 ' "polygon": {"paths": []}}]')
    with pytest.raises(FormatError) as info:
        _read_all(tmp_path, "pictograph")
    assert info.value.path == str(p)
    assert info.value.location == "/0/polygon"


def test_pictograph_negative_box_is_rejected(tmp_path: Path) -> None:
    p = tmp_path / "a.jpg.json"
    p.write_text('[{"id": "1", "name": "car", "type": "bbox", "bounding_box": {"x": 0, "y": 0, "w": -1, "h": 1}}]')
    with pytest.raises(FormatError, match="must be > 0") as info:
        _read_all(tmp_path, "pictograph")
    assert info.value.location == "/0/bounding_box/w"


def test_pictograph_shorthand_input_is_accepted(tmp_path: Path) -> None:
    (tmp_path / "a.jpg.json").write_text('[{"name": "car", "type": "bbox", "bbox": [1, 2, 3, 4], "metadata": {"k": 1}}]')
    [image] = list(read(tmp_path, "pictograph").images)
    assert image.annotations[0].box == (1, 2, 3, 4)
    assert image.annotations[0].attributes == {"k": 1}


def test_v7_bad_point_is_an_error(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"version": "2.0", "item": {"name": "a.jpg", "slots": []},
                             "annotations": [{"name": "x", "line": {"path": [{"x": 1}]}}]}))
    with pytest.raises(FormatError) as info:
        _read_all(p, "v7")
    assert info.value.location == "/annotations/0/line/path/0"


def test_v7_video_item_is_skipped_with_a_reason(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"version": "2.0", "item": {"name": "v.mp4", "slots": [
        {"type": "video", "slot_name": "0", "width": 5, "height": 5, "frame_count": 3}]},
        "annotations": [{"name": "x", "slot_names": ["0"], "frames": {"0": {"keypoint": {"x": 1, "y": 1}}}}]}))
    ds = read(p, "v7")
    assert list(ds.images) == [] or all(not im.annotations for im in ds.images)
    assert any("video" in i.reason or "not an image" in i.reason for i in ds.notes.issues)


def test_unknown_format_name_lists_the_choices(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="unknown format 'darknet'; choose one of pictograph, coco"):
        read(tmp_path, "darknet")


def test_missing_input_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match="no such file"):
        read(tmp_path / "nope", "coco")


def test_yolo_non_finite_value_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("car\n")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "a.txt").write_text("0.0 0.5 0.5 0.1 0.1\n0 nan 0.5 0.1 0.1\n")
    with pytest.raises(FormatError) as info:
        _read_all(tmp_path, "yolo", image_sizes={"a": (10, 10)})
    assert info.value.location == "line 2"


def test_deeply_nested_json_is_a_format_error(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "c.json").write_text('{"images": ' + deep + ', "annotations": [], "categories": []}')
    with pytest.raises(FormatError, match=r"nested too deeply|malformed"):
        _read_all(tmp_path / "c.json", "coco")
    (tmp_path / "l.json").write_text('{"shapes": ' + deep + ', "imagePath": "a.jpg"}')
    with pytest.raises(FormatError, match="nested too deeply"):
        _read_all(tmp_path / "l.json", "labelme")


def test_huge_integers_are_not_numbers(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [10**400, 0, 1, 1]}]}
    with pytest.raises(FormatError, match="bbox must be"):
        _read_all(_coco(tmp_path, doc), "coco")
    v7 = tmp_path / "v.json"
    v7.write_text(json.dumps({"version": "2.0", "item": {"name": "a.jpg", "slots": []}, "annotations": [
        {"name": "x", "polygon": {"paths": [[{"x": 10**400, "y": 0}, {"x": 1, "y": 0}, {"x": 1, "y": 1}]]}}]}))
    with pytest.raises(FormatError, match="a point must be"):
        _read_all(v7, "v7")


def test_unknown_xml_encoding_is_a_format_error(tmp_path: Path) -> None:
    p = tmp_path / "a.xml"
    p.write_text('<?xml version="1.0" encoding="utf-NaN"?><annotation><filename>a.jpg</filename></annotation>')
    with pytest.raises(FormatError, match="malformed XML"):
        _read_all(p, "pascal_voc")


def test_deeply_nested_yaml_is_a_format_error(tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text("names: " + "[" * 5000 + "]" * 5000 + "\n")
    with pytest.raises(FormatError, match="nested too deeply"):
        read(tmp_path, "yolo")


def test_huge_float_boxes_are_skipped_by_pascal_voc_not_crashing(tmp_path: Path) -> None:
    from pictograph.formats import AnnotatedDataset, Annotation, ImageRecord, write

    ds = AnnotatedDataset([ImageRecord("a.jpg", 10, 10, (Annotation.bbox("car", 1e308, 0, 1e308, 1),))])
    report = write(ds, tmp_path / "voc", "pascal_voc")
    assert report.count("skipped", "bbox") == 1


def test_coco_unhashable_ids_are_format_errors(tmp_path: Path) -> None:
    doc = {**BASE, "annotations": [{"id": 1, "image_id": 1, "category_id": [1], "bbox": [0, 0, 1, 1]}]}
    with pytest.raises(FormatError, match="category_id"):
        _read_all(_coco(tmp_path, doc), "coco")
    doc = {**BASE, "categories": [{"id": 1, "name": "car", "supercategory": ["x"]}]}
    assert [im.filename for im in read(_coco(tmp_path, doc), "coco").images] == ["a.jpg"]


def test_v7_slot_names_of_the_wrong_type_are_a_format_error(tmp_path: Path) -> None:
    p = tmp_path / "a.json"
    p.write_text(json.dumps({"version": "2.0", "item": {"name": "a.jpg", "slots": []},
                             "annotations": [{"name": "x", "slot_names": -1, "keypoint": {"x": 1, "y": 1}}]}))
    with pytest.raises(FormatError, match="slot_names") as info:
        _read_all(p, "v7")
    assert info.value.location == "/annotations/0/slot_names"


def test_over_long_file_names_are_refused(tmp_path: Path) -> None:
    doc = {**BASE, "images": [{"id": 1, "file_name": "x" * 300 + ".jpg", "width": 1, "height": 1}]}
    with pytest.raises(FormatError, match="longer than 240 bytes"):
        _read_all(_coco(tmp_path, doc), "coco")


def test_coco_rle_with_an_absurdly_long_run_is_a_format_error(tmp_path: Path) -> None:
    """Found by tests/stress fuzzing: a compressed RLE string decoding to a number of thousands of digits."""
    doc = {
        "images": [{"id": 1, "file_name": "a.jpg", "width": 4, "height": 4}],
        "categories": [{"id": 1, "name": "car"}],
        "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "iscrowd": 1, "bbox": [0, 0, 1, 1],
                         "segmentation": {"counts": "[" * 3000 + "1", "size": [4, 4]}}],
    }
    (tmp_path / "annotations.json").write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(FormatError, match="RLE"):
        list(read(tmp_path / "annotations.json", "coco").images)
