"""convert(): ZIP inputs, safe paths, atomic output, reports; the ``pictograph convert`` command."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from pictograph.errors import FormatError
from pictograph.formats import (
    FORMATS,
    AnnotatedDataset,
    Annotation,
    ImageRecord,
    convert,
    detect_format,
    read,
    write,
)
from pictograph.formats._io import safe_relpath


def _zip(path: Path, members: dict[str, str]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return path


def _siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


def test_format_names_are_the_nine_of_the_issue() -> None:
    assert FORMATS == ("pictograph", "coco", "yolo", "pascal_voc", "cvat", "labelme", "csv", "v7", "roboflow")


def test_coco_zip_export_converts_to_yolo_with_a_report(tmp_path: Path, golden: Path) -> None:
    src = _zip(tmp_path / "export.zip",
               {"annotations.json": (golden / "coco" / "annotations.json").read_text(encoding="utf-8")})
    report = convert(src, tmp_path / "yolo", to_format="yolo")
    assert report.from_format == "coco"
    assert report.read_counts == {"bbox": 2, "polygon": 4, "keypoint": 2}
    assert report.written_counts == {"bbox": 2, "polygon": 4}
    assert report.count("skipped", "keypoint", stage="write") == 2
    assert report.count("skipped", "keypoint", stage="read") == 1  # v = 0
    assert report.count("lossy", "polygon", stage="write") == 4
    assert (tmp_path / "yolo" / "labels" / "JPEGImages" / "straße_001.txt").is_file()
    assert (tmp_path / "yolo" / "labels" / "empty.txt").read_text() == ""
    data = (tmp_path / "yolo" / "data.yaml").read_text(encoding="utf-8")
    assert "path:" not in data and "nc: 3" in data
    assert (tmp_path / "yolo" / "classes.txt").read_text().splitlines() == ["car", "road", "person"]


def test_zip_slip_member_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    src = _zip(tmp_path / "evil.zip", {"../evil.json": "[]", "a.jpg.json": "[]"})
    with pytest.raises(FormatError, match="outside") as info:
        convert(src, tmp_path / "out", from_format="pictograph", to_format="coco")
    assert info.value.location == "../evil.json"
    assert not (tmp_path / "out").exists() and not (tmp_path.parent / "evil.json").exists()


def test_absolute_zip_member_is_refused(tmp_path: Path) -> None:
    src = _zip(tmp_path / "abs.zip", {"/etc/x.json": "[]"})
    with pytest.raises(FormatError, match="absolute"):
        read(src, "pictograph")


@pytest.mark.parametrize("name", ["../a.jpg", "/a.jpg", "C:/a.jpg", "a/../../b.jpg", "", "..\\x.jpg"])
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(FormatError):
        safe_relpath(name)


def test_safe_names_are_normalised() -> None:
    assert safe_relpath("a\\b/./c.jpg") == "a/b/c.jpg"


def test_failed_conversion_writes_nothing(tmp_path: Path) -> None:
    ds = AnnotatedDataset([ImageRecord("a.jpg", 10, 10, (Annotation.bbox("car", 0, 0, 1, 1),)),
                           ImageRecord("b.jpg", None, None, (Annotation.bbox("car", 0, 0, 1, 1),))])
    with pytest.raises(FormatError, match="image size unknown"):
        write(ds, tmp_path / "out", "yolo")
    assert _siblings(tmp_path / "out") == []


def test_existing_destination_is_not_clobbered(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    ds = AnnotatedDataset([ImageRecord("a.jpg", 10, 10, (Annotation.bbox("car", 0, 0, 1, 1),))])
    with pytest.raises(FormatError, match="not empty"):
        write(ds, out, "labelme")
    assert (out / "keep.txt").read_text() == "mine"
    bad = AnnotatedDataset([ImageRecord("a.jpg", None, None, (Annotation.bbox("car", 0, 0, 1, 1),))])
    with pytest.raises(FormatError):
        write(bad, out, "yolo", overwrite=True)
    assert (out / "keep.txt").read_text() == "mine"
    write(ds, out, "labelme", overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["a.json"]
    assert _siblings(out) == ["out"]


def test_single_file_formats_write_the_named_file(tmp_path: Path) -> None:
    ds = AnnotatedDataset([ImageRecord("a.jpg", 10, 10, (Annotation.bbox("car", 1, 2, 3, 4),))])
    write(ds, tmp_path / "x.json", "coco")
    doc = json.loads((tmp_path / "x.json").read_text())
    assert doc["annotations"][0]["bbox"] == [1, 2, 3, 4]
    assert doc["categories"] == [{"id": 1, "name": "car", "supercategory": ""}]
    write(ds, tmp_path / "x.csv", "csv")
    assert (tmp_path / "x.csv").read_text().splitlines()[1] == "a.jpg,10,10,car,1,2,4,6"
    with pytest.raises(FormatError, match="exists"):
        write(ds, tmp_path / "x.csv", "csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.csv", "x.json"]


def test_read_only_formats_cannot_be_written(tmp_path: Path) -> None:
    ds = AnnotatedDataset([])
    with pytest.raises(FormatError, match="can be read but not written"):
        write(ds, tmp_path / "o", "v7")


def test_download_layout_reads_sizes_from_images(tmp_path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (30, 20)).save(tmp_path / "photo.jpg")
    (tmp_path / "photo.jpg.json").write_text(
        '[{"id": "a", "name": "car", "type": "bbox", "bounding_box": {"x": 3, "y": 2, "w": 6, "h": 4}}]')
    assert detect_format(tmp_path) == "pictograph"
    report = convert(tmp_path, tmp_path.parent / "voc", to_format="pascal_voc")
    assert report.written_counts == {"bbox": 1}
    xml = (tmp_path.parent / "voc" / "Annotations" / "photo.xml").read_text()
    assert "<width>30</width><height>20</height>" in xml
    assert "<xmin>4</xmin><ymin>3</ymin><xmax>9</xmax><ymax>6</ymax>" in xml


def test_per_image_formats_read_lazily(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text('{"shapes": [], "imagePath": "a.jpg"}')
    (tmp_path / "b.json").write_text('{"shapes": "broken", "imagePath": "b.jpg"}')
    ds = read(tmp_path, "labelme", scan_classes=False)
    images = iter(ds.images)
    assert next(images).filename == "a.jpg"
    with pytest.raises(FormatError, match="'shapes' must be a list"):
        next(images)


def test_every_writer_accounts_for_every_annotation(tmp_path: Path, golden: Path) -> None:
    source = read(golden / "pictograph", "pictograph")
    sized = AnnotatedDataset([ImageRecord(im.filename, 640, 480, im.annotations) for im in source.images])
    write(sized, tmp_path / "src", "pictograph")
    for fmt in ("coco", "yolo", "pascal_voc", "cvat", "labelme", "csv", "pictograph"):
        report = convert(tmp_path / "src", tmp_path / fmt, to_format=fmt,
                         write_options={} if fmt != "yolo" else {"task": "segment"})
        assert report.from_format == "pictograph" and report.images_read == 2
        assert report.read_counts == {"bbox": 2, "polygon": 1, "polyline": 1, "keypoint": 1}
        for t, n in report.read_counts.items():
            skipped = report.count("skipped", t, stage="write")
            assert report.written_counts.get(t, 0) + skipped == n, (fmt, t)
        rotation = [i for i in report.lossy if "rotation" in i.reason]
        assert len(rotation) == (0 if fmt in ("cvat", "pictograph", "yolo") else 1), fmt
        holes = [i for i in report.lossy if "hole" in i.reason]
        assert len(holes) == (1 if fmt in ("coco", "yolo", "cvat", "labelme") else 0), fmt


def test_cli_prints_a_summary(tmp_path: Path, golden: Path) -> None:
    from pictograph.cli import main

    result = CliRunner().invoke(main, ["convert", str(golden / "cvat"), str(tmp_path / "o"), "--to", "coco"])
    assert result.exit_code == 0, result.output
    assert "(cvat) ->" in result.output
    assert "polyline" in result.output and "COCO has no polyline" in result.output


def test_cli_json_report(tmp_path: Path, golden: Path) -> None:
    from pictograph.cli import main

    result = CliRunner().invoke(main, ["convert", str(golden / "csv"), str(tmp_path / "o"), "--from", "csv",
                                       "--to", "yolo", "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["read_counts"] == {"bbox": 3} and doc["written_counts"] == {"bbox": 3}
    assert doc["from_format"] == "csv" and doc["issues"] == []


def test_cli_error_is_one_line_and_non_zero(tmp_path: Path) -> None:
    from pictograph.cli import main

    bad = tmp_path / "bad.json"
    bad.write_text("{")
    result = CliRunner().invoke(main, ["convert", str(bad), str(tmp_path / "o"), "--from", "coco", "--to", "yolo"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "bad.json" in lines[0]


def test_writing_the_same_dataset_twice_gives_two_independent_reports(tmp_path: Path, golden: Path) -> None:
    ds = read(golden / "labelme", "labelme")
    first = write(ds, tmp_path / "a", "pascal_voc")
    second = write(ds, tmp_path / "b", "pascal_voc")
    assert first.issues == second.issues
    assert first.written_counts == second.written_counts == {"bbox": 1, "polygon": 1}
    assert first.count("skipped", "circle", stage="read") == 1


def test_coco_keypoints_round_trip_with_their_pose_class(tmp_path: Path, golden: Path) -> None:
    convert(golden / "coco", tmp_path / "c.json", to_format="coco")
    doc = json.loads((tmp_path / "c.json").read_text(encoding="utf-8"))
    person = next(c for c in doc["categories"] if c["name"] == "person")
    assert person["keypoints"] == ["nose", "left_eye", "right_eye"]
    assert person["skeleton"] == [[1, 2], [1, 3]]
    [pose] = [a for a in doc["annotations"] if "keypoints" in a]
    assert pose["keypoints"] == [20, 15, 2, 0, 0, 0, 30, 25, 1]
    assert pose["num_keypoints"] == 2 and pose["bbox"] == [20, 15, 10, 10]
    images = {im.filename: im for im in read(tmp_path / "c.json", "coco").images}
    assert [(a.name, a.point, a.attributes) for a in images["pose.jpg"].annotations] == [
        ("nose", (20, 15), []), ("right_eye", (30, 25), {"occluded": True})]


def test_keypoints_without_a_pose_class_are_kept_one_object_each(tmp_path: Path) -> None:
    ds = AnnotatedDataset([ImageRecord("a.jpg", 10, 10, (Annotation.keypoint("nose", 1, 2, instance_id=1),
                                                         Annotation.keypoint("tail", 3, 4, instance_id=1)))])
    report = write(ds, tmp_path / "k.json", "coco")
    assert [i.reason for i in report.lossy] == [
        "no pose class lists these joints: each keypoint written as its own one-joint object (grouping lost)"]
    [image] = list(read(tmp_path / "k.json", "coco").images)
    assert [(a.name, a.point) for a in image.annotations] == [("nose", (1, 2)), ("tail", (3, 4))]


def _server_export(tmp_path: Path, fmt: str, splits: bool) -> Path:
    """A ZIP laid out like the server's exports: [<split>/]annotations/ written by write(), plus images/."""
    staging = tmp_path / f"stage_{fmt}"
    parts = {"train": "a.jpg", "valid": "b.jpg"} if splits else {"": "a.jpg"}
    for split, filename in parts.items():
        base = staging / split if split else staging
        ds = AnnotatedDataset([ImageRecord(filename, 40, 30, (Annotation.bbox("car", 1, 2, 3, 4),
                                                              Annotation.bbox("bus", 5, 6, 7, 8)))],
                              classes=["car", "bus"])
        write(ds, base / "annotations", fmt)
        (base / "images").mkdir(parents=True)
        (base / "images" / filename).write_bytes(b"not really a jpeg")
    archive = tmp_path / f"{fmt}.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for p in sorted(staging.rglob("*")):
            if p.is_file():
                zf.write(p, p.relative_to(staging).as_posix())
    return archive


@pytest.mark.parametrize("fmt", ["pictograph", "coco", "yolo", "pascal_voc", "cvat", "labelme", "csv"])
@pytest.mark.parametrize("splits", [False, True])
def test_server_export_zips_are_valid_inputs(tmp_path: Path, fmt: str, splits: bool) -> None:
    archive = _server_export(tmp_path, fmt, splits)
    assert detect_format(archive) == fmt
    ds = read(archive)
    images = list(ds.images)
    expected = [("a.jpg", "train"), ("b.jpg", "valid")] if splits else [("a.jpg", None)]
    assert [(im.filename, im.subset) for im in images] == expected
    for im in images:
        assert [a.name for a in im.annotations] == ["car", "bus"]
        tolerance = 40e-6  # YOLO keeps 6 decimals of the image size
        assert [a.box for a in im.annotations] == [pytest.approx((1, 2, 3, 4), abs=tolerance),
                                                   pytest.approx((5, 6, 7, 8), abs=tolerance)]
        assert (im.width, im.height) == (40, 30)
    report = convert(archive, tmp_path / "out", to_format="coco")
    assert report.from_format == fmt and report.written_counts == {"bbox": 2 * len(expected)}


def test_cli_yolo_input_takes_image_sizes_from_a_json_file(tmp_path: Path, golden: Path) -> None:
    from pictograph.cli import main

    sizes = tmp_path / "sizes.json"
    sizes.write_text(json.dumps({"voiture_é": [640, 480], "empty": [10, 10], "bad_class": [100, 100]}))
    out = tmp_path / "c.json"
    result = CliRunner().invoke(main, ["convert", str(golden / "yolo"), str(out), "--to", "coco",
                                       "--image-sizes", str(sizes)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert {(i["file_name"], i["width"]) for i in doc["images"]} == {("voiture_é", 640), ("empty", 10),
                                                                    ("bad_class", 100)}
    again = CliRunner().invoke(main, ["convert", str(golden / "yolo"), str(out), "--to", "coco",
                                      "--image-sizes", str(sizes)])
    assert again.exit_code == 1 and "pass --overwrite" in again.output
