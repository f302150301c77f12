"""Property tests: Pictograph → format → Pictograph keeps every geometry the format can hold (within 1e-6 of
the image size, or the format's documented precision), and reports every annotation it could not hold."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pictograph.formats import (
    AnnotatedDataset,
    Annotation,
    ClassInfo,
    ConversionReport,
    ImageRecord,
    read,
    write,
)
from pictograph.formats._model import ring_bounds

# Strategies: datasets whose geometry lies inside the image, with non-ASCII file names.
NAMES = st.sampled_from(["car", "road sign", "piéton", "车", "a,b"])
STEMS = st.text(alphabet="abcxyzéßü日 _-", min_size=1, max_size=8).map(str.strip).filter(bool)


@st.composite
def coordinate(draw: Any, limit: float) -> float:
    value: float = draw(st.floats(min_value=0, max_value=limit, allow_nan=False, allow_infinity=False))
    return value


@st.composite
def ring(draw: Any, w: float, h: float, minimum: int = 3) -> tuple[float, ...]:
    """A ring whose bounds are at least 1 px wide and high (a degenerate shape has no box to compare)."""
    n = draw(st.integers(min_value=minimum, max_value=8))
    out: list[float] = [0.0, 0.0, w, h] if draw(st.booleans()) else [w / 2, 0.0, 0.0, h / 2]
    for _ in range(n - 2):
        out += [draw(coordinate(w)), draw(coordinate(h))]
    start = draw(st.integers(0, n - 1))
    return tuple(out[2 * start:] + out[:2 * start])


@st.composite
def annotation(draw: Any, w: float, h: float, types: tuple[str, ...], integer: bool = False) -> Annotation:
    kind = draw(st.sampled_from(types))
    name = draw(NAMES)
    if kind == "bbox":
        if integer:
            x0 = draw(st.integers(0, int(w) - 2))
            y0 = draw(st.integers(0, int(h) - 2))
            x1 = draw(st.integers(x0 + 1, int(w)))
            y1 = draw(st.integers(y0 + 1, int(h)))
            return Annotation.bbox(name, x0, y0, x1 - x0, y1 - y0)
        x0 = draw(coordinate(w - 1))
        y0 = draw(coordinate(h - 1))
        x1 = draw(st.floats(min_value=x0 + 1, max_value=w))
        y1 = draw(st.floats(min_value=y0 + 1, max_value=h))
        return Annotation.bbox(name, x0, y0, x1 - x0, y1 - y0)
    if kind == "polygon":
        rings = [draw(ring(w, h))]
        rings += draw(st.lists(ring(w, h), max_size=2))
        return Annotation.polygon(name, rings)
    if kind == "polyline":
        return Annotation.polyline(name, draw(ring(w, h, minimum=2)))
    return Annotation.keypoint(name, draw(coordinate(w)), draw(coordinate(h)),
                               instance_id=draw(st.none() | st.integers(1, 3)))


@st.composite
def dataset(draw: Any, types: tuple[str, ...] = ("bbox", "polygon", "polyline", "keypoint"),
            integer: bool = False) -> AnnotatedDataset:
    stems = draw(st.lists(STEMS, min_size=1, max_size=3, unique_by=str.casefold))
    images = []
    for i, stem in enumerate(stems):
        w = draw(st.integers(16, 2000)) if integer else draw(st.floats(16, 2000))
        h = draw(st.integers(16, 2000)) if integer else draw(st.floats(16, 2000))
        folder = "sub/" if i % 2 else ""
        anns = draw(st.lists(annotation(w, h, types, integer), max_size=4))
        images.append(ImageRecord(f"{folder}{i}{stem}.jpg", w, h, tuple(anns)))
    return AnnotatedDataset(images=images, classes=["car"])


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _roundtrip(ds: AnnotatedDataset, fmt: str, **options: Any) -> tuple[dict[str, ImageRecord],
                                                                          ConversionReport]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        report = write(ds, out, fmt, **options)
        back = {im.filename: im for im in read(out, fmt).images}
    return back, report


def _close(a: tuple[float, ...] | None, b: tuple[float, ...] | None, tol: float) -> bool:
    assert a is not None and b is not None
    return len(a) == len(b) and all(abs(x - y) <= tol for x, y in zip(a, b, strict=True))


def _accounted(ds: AnnotatedDataset, report: ConversionReport) -> None:
    """Every annotation is either written or reported as skipped at write time."""
    given_counts = Counter(a.type for im in ds.images for a in im.annotations)
    skipped = Counter[str]()
    for issue in report.issues:
        t = issue.item_type
        if issue.stage == "write" and issue.kind == "skipped" and t is not None and t in given_counts:
            skipped[t] += issue.count
    for t, n in given_counts.items():
        assert report.written_counts.get(t, 0) + skipped[t] == n, (t, report.written_counts, skipped)


def _tol(im: ImageRecord, factor: float = 1e-6) -> float:
    assert im.width is not None and im.height is not None
    return factor * max(im.width, im.height)


@SETTINGS
@given(dataset())
def test_pictograph_round_trip_is_exact(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "pictograph")
    _accounted(ds, report)
    for im in ds.images:
        got = back[im.filename]
        assert (got.width, got.height) == (im.width, im.height)
        assert [a.to_dict() | {"id": ""} for a in got.annotations] == \
            [a.to_dict() | {"id": ""} for a in im.annotations]


@SETTINGS
@given(dataset())
def test_coco_round_trip_keeps_boxes_outer_rings_and_keypoints(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "coco")
    _accounted(ds, report)
    holes = sum(len(a.paths) - 1 for im in ds.images for a in im.annotations if a.type == "polygon")
    assert sum(1 for i in report.lossy if "hole" in i.reason) == sum(
        1 for im in ds.images for a in im.annotations if a.type == "polygon" and len(a.paths) > 1)
    assert holes == 0 or report.lossy
    for im in ds.images:
        got = back[im.filename]
        expected = [a for a in im.annotations if a.type != "polyline"]
        want = sorted((a.type, a.name) for a in expected)
        assert sorted((a.type, a.name) for a in got.annotations) == want
        for a in expected:
            if a.type == "bbox":
                assert any(g.box == a.box for g in got.annotations)
            elif a.type == "polygon":
                assert any(g.paths == (a.paths[0],) for g in got.annotations)
            else:
                assert any(g.point == a.point for g in got.annotations if g.type == "keypoint")


@SETTINGS
@given(dataset())
def test_yolo_detect_round_trip_keeps_boxes_within_a_millionth(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "yolo")
    _accounted(ds, report)
    for im in ds.images:
        got = back[im.filename]
        expected = [a for a in im.annotations if a.type in ("bbox", "polygon")]
        assert [g.name for g in got.annotations] == [a.name for a in expected]
        for a, g in zip(expected, got.annotations, strict=True):
            want = a.box if a.type == "bbox" else ring_bounds(a.paths[0])
            assert g.type == "bbox" and _close(g.box, want, _tol(im))
    assert report.count("lossy", "polygon") == sum(
        1 for im in ds.images for a in im.annotations if a.type == "polygon")


@SETTINGS
@given(dataset(types=("bbox", "polygon")))
def test_yolo_segment_round_trip_keeps_outer_rings(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "yolo", task="segment")
    _accounted(ds, report)
    for im in ds.images:
        got = back[im.filename]
        assert len(got.annotations) == len(im.annotations)
        for a, g in zip(im.annotations, got.annotations, strict=True):
            assert g.type == "polygon"
            if a.type == "polygon":
                assert _close(g.paths[0], a.paths[0], _tol(im))
            else:
                assert a.box is not None
                assert _close(ring_bounds(g.paths[0]), a.box, _tol(im))


@SETTINGS
@given(dataset(types=("bbox",), integer=True))
def test_pascal_voc_round_trip_is_exact_for_integer_boxes(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "pascal_voc")
    _accounted(ds, report)
    for im in ds.images:
        got = back[im.filename]
        assert [(g.name, g.box) for g in got.annotations] == [(a.name, a.box) for a in im.annotations]
        assert (got.width, got.height) == (im.width, im.height)


@SETTINGS
@given(dataset())
def test_pascal_voc_round_trip_rounds_float_boxes_to_the_pixel(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "pascal_voc")
    _accounted(ds, report)
    for im in ds.images:
        for a, g in zip([a for a in im.annotations if a.type in ("bbox", "polygon")],
                        back[im.filename].annotations, strict=True):
            want = a.box if a.type == "bbox" else ring_bounds(a.paths[0])
            assert _close(g.box, want, 1.0)


def _cvat_values(a: Annotation) -> tuple[float, ...]:
    if a.box is not None:
        x, y, w, h = a.box
        return (x, y, x + w, y + h)
    return a.point if a.point is not None else a.paths[0]


@SETTINGS
@given(dataset())
def test_cvat_round_trip_keeps_geometry_to_its_two_decimals(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "cvat")
    _accounted(ds, report)
    off_grid = sum(1 for im in ds.images for a in im.annotations if any(round(v, 2) != v for v in _cvat_values(a)))
    assert (report.count("normalized") > 0) == (off_grid > 0)
    for im in ds.images:
        got = back[im.filename]
        flat: list[Annotation] = list(got.annotations)
        assert sorted(g.type for g in flat) == sorted(a.type for a in im.annotations)
        for a, g in zip(im.annotations, flat, strict=True):
            assert a.type == g.type and a.name == g.name
            if a.type == "bbox":
                assert _close(g.box, a.box, 0.0101)  # w = xbr - xtl: two rounded values
            elif a.type in ("polygon", "polyline"):
                assert _close(g.paths[0], a.paths[0], 0.0051)
            else:
                assert _close(g.point, a.point, 0.0051)


@SETTINGS
@given(dataset())
def test_labelme_round_trip_keeps_every_shape(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "labelme")
    _accounted(ds, report)
    for im in ds.images:
        got = back[im.filename]
        assert (got.width, got.height) == (im.width, im.height)
        for a, g in zip(im.annotations, got.annotations, strict=True):
            assert (a.type, a.name) == (g.type, g.name)
            if a.type == "bbox":
                assert _close(g.box, a.box, _tol(im))
            elif a.type == "polygon":
                assert g.paths[0] == a.paths[0] or g.paths[0] == a.paths[0][:-2]
            elif a.type == "polyline":
                assert g.paths == a.paths
            else:
                assert g.point == a.point and g.instance_id == a.instance_id


@SETTINGS
@given(dataset())
def test_csv_round_trip_keeps_boxes_and_reports_the_rest(ds: AnnotatedDataset) -> None:
    back, report = _roundtrip(ds, "csv")
    _accounted(ds, report)
    for im in ds.images:
        boxes = [a for a in im.annotations if a.type == "bbox"]
        if not boxes:
            assert im.filename not in back
            continue
        got = back[im.filename]
        for a, g in zip(boxes, got.annotations, strict=True):
            assert a.name == g.name and _close(g.box, a.box, _tol(im))


def test_a_joint_named_twice_in_one_coco_instance_is_kept_and_reported() -> None:
    """COCO holds each joint of an object once: the second ``nose`` of instance 1 becomes an object of its own,
    reported as lossy (grouping lost), never dropped."""
    ds = AnnotatedDataset(
        images=[ImageRecord("a.jpg", 100, 80, (
            Annotation.keypoint("nose", 10, 12, instance_id=1),
            Annotation.keypoint("eye", 14, 9, instance_id=1),
            Annotation.keypoint("nose", 40, 42, instance_id=1),
        ))],
        classes=(ClassInfo("face", keypoints=("nose", "eye")),),
    )
    back, report = _roundtrip(ds, "coco")
    _accounted(ds, report)
    points = sorted((a.name, a.point) for a in back["a.jpg"].annotations)
    assert points == [("eye", (14.0, 9.0)), ("nose", (10.0, 12.0)), ("nose", (40.0, 42.0))]
    assert [i.reason for i in report.lossy if "twice" in i.reason] == [
        "joint 'nose' appears twice in one instance: the second is written as an object of its own (grouping lost)"]
