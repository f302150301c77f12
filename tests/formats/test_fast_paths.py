"""Fast paths of the format code read and write exactly what the plain paths do: the COCO reader's orjson
slices (errors reported at the same place) and YOLO's data.yaml written without PyYAML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pictograph.errors import FormatError
from pictograph.formats import coco, read

orjson = pytest.importorskip("orjson")


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
