"""Fast paths of the format code read and write exactly what the plain paths do: the COCO reader's orjson
slices (errors reported at the same place) and YOLO's data.yaml written without PyYAML."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pictograph.errors import FormatError
from pictograph.formats import ImageRecord, coco, read

orjson = pytest.importorskip("orjson")



def _spy(func: Callable[[Any], Any], calls: list[Any]) -> Callable[[Any], Any]:
    """``func``, noting each argument it is called with in ``calls``."""
    def spy(arg: Any) -> Any:
        calls.append(arg)
        return func(arg)

    return spy

def _doc(n: int = 60) -> dict[str, Any]:
    anns: list[dict[str, Any]] = []
    for k in range(n):
        a: dict[str, Any] = {"id": k + 1, "image_id": k % 7 + 1, "category_id": k % 3 + 1, "iscrowd": 0}
        if k % 4 == 0:
            a.update(bbox=[k, k / 3, 5.5, 2.25], segmentation=[])
        elif k % 4 == 1:
            a["segmentation"] = [[k, 0, k + 4.1, 0, k + 4.1, 3.3, k, 3]]
        elif k % 4 == 2:  # nested values and strings holding '},' and '}]': cuts there must not be trusted
            a.update(bbox=[1, 2, 3, 4], attributes={"note": "x}, {y}]", "nested": [{"a": 1}, {"b": [2]}]})
        else:
            a.update(segmentation=[[0, 0, 4, 0, 4, 4], [9, 9, 12, 9, 12, 12]], score=0.5)
        anns.append(a)
    return {"images": [{"id": i, "file_name": f"im_{i}.jpg", "width": 640, "height": 480} for i in range(1, 8)],
            "annotations": anns,
            "categories": [{"id": c, "name": f"c{c}"} for c in (1, 2, 3)]}


def _read(path: Path) -> list[Any]:
    ds = read(path, "coco")
    return [(im.filename, im.width, im.height, im.annotations) for im in ds.images]


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    monkeypatch.setattr(coco, "_CHUNK", 256)
    monkeypatch.setattr(coco, "_MIN_CHUNK", 64)
    fast = _result(path)
    monkeypatch.setattr(coco, "_orjson", None)
    slow = _result(path)
    return fast, slow


def _result(path: Path) -> Any:
    try:
        return _read(path)
    except FormatError as exc:
        return ("error", str(exc))


@pytest.mark.parametrize("indent", [None, 1])
def test_fast_path_reads_what_the_stdlib_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               indent: int | None) -> None:
    p = tmp_path / "c.json"
    p.write_text(json.dumps(_doc(), indent=indent))
    fast, slow = _both(p, monkeypatch)
    assert fast == slow
    assert sum(len(anns) for *_, anns in fast) == 75  # 60 objects, the 15 two-ring ones split in two


@pytest.mark.parametrize("bad, where", [
    ("NaN", "line"),
    ("1" + "0" * 25, "annotations[41]"),  # beyond 64 bits: orjson would make it a float
    ("true", "annotations[41]"),
    ("\"x\"", "annotations[41]"),
])
def test_fast_path_errors_match_the_stdlib(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str,
                                           where: str) -> None:
    doc = _doc()
    doc["annotations"][41]["segmentation"] = [[0, 0, 4, 0, 4, 4, 0, 4]]
    text = json.dumps(doc).replace("[[0, 0, 4, 0, 4, 4, 0, 4]]", f"[[0, 0, 4, 0, 4, {bad}, 0, 4]]")
    p = tmp_path / "c.json"
    p.write_text(text)
    fast, slow = _both(p, monkeypatch)
    assert fast == slow
    assert fast[0] == "error" and where in fast[1]


def test_fast_path_handles_a_trailing_comma_and_an_empty_array(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    p = tmp_path / "c.json"
    text = json.dumps(_doc(12))
    p.write_text(text.replace("}], \"categories\"", "},], \"categories\"", 1))
    fast, slow = _both(p, monkeypatch)
    assert fast == slow and fast[0] == "error"
    doc = _doc(0)
    p.write_text(json.dumps(doc))
    fast, slow = _both(p, monkeypatch)
    assert fast == slow and all(not anns for *_, anns in fast)


@pytest.mark.parametrize("names", [
    ["car", "person", "class_0", "_x", "Bus2"],
    ["yes", "No", "on", "null", "y", "true"],
    ["1abc", "-x", "a b", "a: b", "#c", "été", "", "~", ".inf", "0x1F", "2001-12-14", "a/b", "<<", "="],
])
def test_data_yaml_is_what_pyyaml_writes(names: list[str]) -> None:
    import yaml

    from pictograph.formats.yolo import _data_yaml

    for subsets in ([], ["train", "valid", "test"], ["my split"], ["yes"]):
        data: dict[str, Any] = {}
        for s in subsets:
            data["val" if s in ("valid", "val") else s] = f"images/{s}"
        if not subsets:
            data["train"] = data["val"] = "images"
        data["nc"] = len(names)
        data["names"] = names
        for one in ([n] for n in names):
            data["names"] = one
            assert _data_yaml(data) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False), data
        data["names"] = names
        assert _data_yaml(data) == yaml.safe_dump(data, allow_unicode=True, sort_keys=False), data


def test_new_annotation_equals_the_attrs_constructor() -> None:
    from pictograph.formats import Annotation
    from pictograph.formats._model import new_annotation

    cases: list[tuple[Any, ...]] = [("car", "bbox", (1.0, 2, 3, 4.5), (), "7", 0.5, {"a": 1}),
                                    ("road", "polygon", None, ((0.0, 0, 4, 0, 4, 4),), None, 1.0, [])]
    for args in cases:
        fast = new_annotation(*args)
        name, kind, box, paths, ident, confidence, attributes = args
        slow = Annotation(name, kind, box=box, paths=paths, id=ident, confidence=confidence,
                          attributes=attributes)
        assert fast == slow and repr(fast) == repr(slow)
        assert fast.to_dict() | {"id": ""} == slow.to_dict() | {"id": ""}


@pytest.mark.parametrize("data, error", [
    (b"", "malformed JSON"),
    (b"\xef\xbb\xbf" + json.dumps(_doc(4)).encode(), None),
    (json.dumps(_doc(4)).encode().replace(b"im_1", b"im_\xff"), "not UTF-8"),
])
def test_coco_file_read_through_a_mapping(tmp_path: Path, data: bytes, error: str | None) -> None:
    p = tmp_path / "c.json"
    p.write_bytes(data)
    if error is None:
        assert sum(len(anns) for *_, anns in _read(p)) == 5
    else:
        with pytest.raises(FormatError, match=error):
            _read(p)


@pytest.mark.parametrize("value, accepted", [
    ("[1]", False), ("{}", False), ("\"1\"", False), ("9007199254740993", False), ("-9007199254740993", False),
    ("9007199254740992", True), ("123456789012345", True), ("-0.5", True), ("12.5e-3", True),
    ("1e300", False),  # a float beyond 2**53 among integers (_numbers refuses it)
])
def test_ring_number_check_of_plain_slices(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str,
                                           accepted: bool) -> None:
    """Slices without 'u', 'l' and 16-digit runs check rings and boxes with sum(): the same verdicts."""
    anns = [{"id": k, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "segmentation": []}
            for k in range(1, 9)]
    anns[4] = {"id": 5, "image_id": 1, "category_id": 1, "segmentation": [[0, 0, 4, 0, 4, 4, 9, 9]]}
    anns[6] = {"id": 7, "image_id": 1, "category_id": 1, "bbox": [1, 2, 3, 4], "segmentation": []}
    doc = {"images": [{"id": 1, "file_name": "a.jpg", "width": 64, "height": 48}], "annotations": anns,
           "categories": [{"id": 1, "name": "c"}]}
    text = json.dumps(doc).replace("4, 9, 9]]", f"4, 9, {value}]]")
    text = text.replace('[1, 2, 3, 4], "segmentation": []}, {"id": 8', f'[1, 2, 3, {value}], "segmentation": []}}, {{"id": 8')
    assert text.count(value) == 2
    p = tmp_path / "c.json"
    p.write_text(text)
    calls: list[Any] = []
    monkeypatch.setattr(coco, "_bounded", _spy(coco._bounded, calls))
    fast, slow = _both(p, monkeypatch)
    assert fast == slow
    assert (fast[0] != "error") == accepted
    assert [0, 0, 4, 0, 4, 4, 9] in [c[:7] for c in calls]  # the plain slices' check saw both values
    assert not accepted or [1, 2, 3] in [c[:3] for c in calls if len(c) == 4 and c[3] != 4]


# COCO documents for the compact-row writers: boxes (also empty, negative, outside the image or thinner than a
# pixel), one- and two-ring polygons, RLE masks, keypoints, attributes and scores, in images of any size.
_NUMBER = st.one_of(st.integers(-40, 700), st.floats(-40, 700, allow_nan=False, allow_infinity=False),
                    st.sampled_from([0.25, 0.5, 1.5, 2.5, 1e-7, 639.9999997]))
_SIZE = st.one_of(st.integers(1, 640), st.sampled_from([0.5, 33.5, 640.0]))


@st.composite
def _coco_annotation(draw: Any, k: int, images: int) -> dict[str, Any]:
    a: dict[str, Any] = {"id": k, "image_id": draw(st.integers(1, images)), "category_id": draw(st.integers(1, 4)),
                         "iscrowd": 0}
    kind = draw(st.sampled_from(["bbox", "bbox", "polygon", "polygon", "rings", "rle", "keypoints"]))
    if kind == "bbox":
        a["bbox"] = [draw(_NUMBER), draw(_NUMBER), draw(st.one_of(_NUMBER, st.just(1e-9))), draw(_NUMBER)]
        a["segmentation"] = draw(st.sampled_from([[], None]))
    elif kind == "polygon":
        a["segmentation"] = [draw(st.lists(_NUMBER, min_size=6, max_size=12).filter(lambda r: len(r) % 2 == 0))]
    elif kind == "rings":
        a["segmentation"] = [[0, 0, 4, 0, 4, 4], [draw(_NUMBER), 1, 9, 9, 1, 9]]
    elif kind == "rle":
        a["segmentation"] = {"counts": [1, 2, 1], "size": [2, 2]}
    else:
        a["category_id"] = 5
        a["keypoints"] = [3, 4, 2, 0, 0, 0]
    if draw(st.booleans()) and kind != "keypoints":
        a["attributes"] = draw(st.sampled_from([{}, {"truncated": True}, {"difficult": 1, "occluded": False}]))
    if draw(st.booleans()):
        a["score"] = 0.5
    return a


@st.composite
def _coco_doc(draw: Any) -> dict[str, Any]:
    n = draw(st.integers(1, 4))
    images = [{"id": i, "file_name": draw(st.sampled_from(["a.jpg", "b.png", "s/c.jpg", "d & <e>.jpg"])) + str(i % 2),
               "width": draw(_SIZE), "height": draw(_SIZE)} for i in range(1, n + 1)]
    anns = [draw(_coco_annotation(k, n)) for k in range(1, draw(st.integers(0, 14)) + 1)]
    if draw(st.booleans()):  # plain documents: only boxes and polygons, the orjson slices' cheapest checks
        anns = [a for a in anns if "keypoints" not in a and "attributes" not in a and "score" not in a
                and a.get("segmentation", 0) is not None]
    cats = [{"id": c, "name": draw(st.sampled_from(["car", "a<b>&c", "car", "x"]))} for c in (1, 2, 3, 4)]
    cats.append({"id": 5, "name": "person", "keypoints": ["l", "r"], "skeleton": [[1, 2]]})
    return {"images": images, "annotations": anns, "categories": cats}


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(doc=_coco_doc(), indent=st.sampled_from([None, 1]))
def test_compact_rows_write_what_annotations_write(doc: dict[str, Any], indent: int | None) -> None:
    """COCO → YOLO detect / Pascal VOC through CompactImage rows writes the same files and report as through
    Annotation objects."""
    from pictograph.formats import convert, pascal_voc, yolo

    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "c.json"
        src.write_text(json.dumps(doc, indent=indent))
        for target, module in (("yolo", yolo), ("pascal_voc", pascal_voc)):
            results = []
            for compact in (True, False):
                out = Path(tmp) / f"{target}_{compact}"
                with pytest.MonkeyPatch.context() as mp:
                    if not compact:
                        mp.delattr(module, "takes_compact")
                    report = convert(src, out, from_format="coco", to_format=target)
                results.append((_tree(out), report.to_dict() | {"destination": ""}))
            assert results[0] == results[1]


def test_compact_rows_reach_the_writers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """convert() asks the COCO reader for rows for YOLO detect and VOC only; mixed images stay records."""
    from pictograph.formats import convert, yolo
    from pictograph.formats._model import CompactImage

    doc = _doc(8)
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc))
    seen: list[str] = []
    real = yolo._detect_rows

    def spy(*args: Any, **kw: Any) -> int:
        seen.append("rows")
        return real(*args, **kw)

    monkeypatch.setattr(yolo, "_detect_rows", spy)
    convert(p, tmp_path / "detect", from_format="coco", to_format="yolo")
    assert seen  # images 1, 2, 3 and 5 hold only boxes and one-ring polygons
    n = len(seen)
    convert(p, tmp_path / "segment", from_format="coco", to_format="yolo", write_options={"task": "segment"})
    assert len(seen) == n
    kinds = {type(im) for im in read(p, "coco").images}
    assert kinds == {ImageRecord}
    once = read(p, "coco", compact_rows=True)
    assert {type(im) for im in once.images} == {ImageRecord, CompactImage}
    with pytest.raises(RuntimeError, match="only once"):
        list(once.images)


@pytest.mark.parametrize("big", ["-9300000000000000000", "-9223372036854775809", "18446744073709551616",
                                 "-9223372036854775808", "18446744073709551615"])
def test_fast_path_keeps_integers_that_orjson_would_make_floats(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                 big: str) -> None:
    """orjson reads integers below -2**63 (19 digits) or above 2**64 - 1 as floats: such slices go to the
    standard library, which keeps them integers (here the id, shown in the annotation)."""
    doc = _doc(8)
    text = json.dumps(doc).replace('"id": 5, "image_id"', f'"id": {big}, "image_id"', 1)  # a plain box
    assert big in text
    p = tmp_path / "c.json"
    p.write_text(text)
    fast, slow = _both(p, monkeypatch)
    assert fast == slow
    assert big in {a.id for *_, anns in fast for a in anns}


def test_fast_path_takes_long_fractions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 19-digit run in a fraction (a small float written in full) is no 64-bit overflow: orjson reads it."""
    doc = _doc(8)
    doc["annotations"][4]["bbox"] = [0.0012345678901234567, -0.0012345678901234567, 5, 5]
    p = tmp_path / "c.json"
    p.write_text(json.dumps(doc))
    assert "0.0012345678901234567" in p.read_text()
    calls: list[Any] = []
    orjson = pytest.importorskip("orjson")
    monkeypatch.setattr(orjson, "loads", _spy(orjson.loads, calls))
    fast, slow = _both(p, monkeypatch)
    assert fast == slow
    assert any("0.0012345678901234567" in c for c in calls)
