"""The canonical annotation rules of docs/wire-protocol.md §4.4 and the shorthand input of §4.5."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pictograph._canonical import check_response_annotations, normalize_annotation, normalize_annotations
from pictograph.errors import ServerError, ValidationError

BOX = {"x": 1, "y": 2, "w": 3, "h": 4}


def _locs(exc: ValidationError) -> list[list[Any]]:
    return [e["loc"] for e in exc.field_errors]


def _invalid(item: dict[str, Any], **kw: Any) -> ValidationError:
    with pytest.raises(ValidationError) as info:
        normalize_annotations([item], **kw)
    assert info.value.status_code is None
    return info.value


def test_bbox_shorthand_becomes_canonical_with_defaults() -> None:
    [ann] = normalize_annotations([{"name": "car", "type": "bbox", "bbox": [1, 2, 3, 4]}])
    assert ann["bounding_box"] == BOX
    assert ann["confidence"] == 1.0 and ann["attributes"] == []
    uuid.UUID(ann["id"])


def test_ids_are_generated_for_missing_and_null_ids_but_required_when_asked() -> None:
    a, b = normalize_annotations([{"name": "c", "type": "keypoint", "keypoint": [1, 2]},
                                  {"id": None, "name": "c", "type": "keypoint", "keypoint": [1, 2]}])
    assert a["id"] != b["id"]
    with pytest.raises(ValidationError, match="id"):
        normalize_annotations([{"name": "c", "type": "keypoint", "keypoint": [1, 2]}], generate_ids=False)


def test_polygon_shorthand_one_ring_several_rings_and_mapping_points() -> None:
    one = normalize_annotation({"id": "a", "name": "r", "type": "polygon", "polygon": [[0, 0], [4, 0], [4, 3]]})
    assert one["polygon"]["paths"] == [[{"x": 0, "y": 0}, {"x": 4, "y": 0}, {"x": 4, "y": 3}]]
    two = normalize_annotation({"id": "a", "name": "r", "type": "polygon",
                                "polygon": [[[0, 0], [4, 0], [4, 3]], [(1, 1), (2, 1), (2, 2)]]})
    assert len(two["polygon"]["paths"]) == 2 and two["polygon"]["paths"][1][0] == {"x": 1, "y": 1}
    dicts = normalize_annotation({"id": "a", "name": "r", "type": "polygon",
                                  "polygon": [{"x": 0, "y": 0}, {"x": 1, "y": 0}, {"x": 1, "y": 1}]})
    assert len(dicts["polygon"]["paths"]) == 1


def test_polyline_and_keypoint_shorthand() -> None:
    line = normalize_annotation({"id": "a", "name": "l", "type": "polyline", "polyline": [[0, 0], [1, 1]]})
    assert line["polyline"] == {"path": [{"x": 0, "y": 0}, {"x": 1, "y": 1}]}
    kp = normalize_annotation({"id": "k", "name": "nose", "type": "keypoint", "keypoint": (3, 4), "instance_id": 2})
    assert kp["keypoint"] == {"x": 3, "y": 4} and kp["instance_id"] == 2


def test_metadata_becomes_attributes() -> None:
    ann = normalize_annotation({"id": "a", "name": "c", "type": "bbox", "bbox": [1, 2, 3, 4], "metadata": {"k": 1}})
    assert ann["attributes"] == {"k": 1}


@pytest.mark.parametrize(("short", "canonical"), [("bbox", "bounding_box"), ("metadata", "attributes")])
def test_short_and_canonical_key_together_is_an_error(short: str, canonical: str) -> None:
    item = {"id": "a", "name": "c", "type": "bbox", "bbox": [1, 2, 3, 4], "bounding_box": BOX,
            "metadata": {}, "attributes": {}}
    exc = _invalid(item)
    assert ["annotations", 0, short] in _locs(exc)


def test_unknown_keys_are_rejected_per_type() -> None:
    exc = _invalid({"id": "a", "name": "c", "type": "bbox", "bounding_box": BOX, "polygon": {"paths": []}})
    assert _locs(exc) == [["annotations", 0, "polygon"]]
    exc = _invalid({"id": "a", "name": "c", "type": "polyline", "polyline": {"paths": [[0, 0], [1, 1]]}})
    assert ["annotations", 0, "polyline", "paths"] in _locs(exc)


def test_keypoint_with_a_box_is_rejected_where_the_caller_put_it() -> None:
    exc = _invalid({"id": "a", "name": "c", "type": "keypoint", "keypoint": [1, 2], "bbox": [1, 2, 3, 4]})
    assert _locs(exc) == [["annotations", 0, "bbox"]]


def test_type_is_never_guessed_and_box_is_not_a_type() -> None:
    assert _locs(_invalid({"id": "a", "name": "c", "bbox": [1, 2, 3, 4]})) == [["annotations", 0, "type"]]
    assert "got 'box'" in str(_invalid({"id": "a", "name": "c", "type": "box", "bbox": [1, 2, 3, 4]}))


@pytest.mark.parametrize("bad", [True, False, math.nan, math.inf, "1", None, 10**400])
def test_non_numbers_are_rejected(bad: Any) -> None:
    exc = _invalid({"id": "a", "name": "c", "type": "bbox", "bounding_box": {**BOX, "x": bad}})
    assert _locs(exc) == [["annotations", 0, "bounding_box", "x"]]


def test_numpy_scalars_are_numbers_and_come_out_as_plain_python() -> None:
    import numpy as np
    ann = normalize_annotation({"id": "a", "name": "c", "type": "bbox",
                                "bbox": [np.float64(1.5), np.int64(2), np.float32(3), np.int32(4)]})
    assert ann["bounding_box"] == {"x": 1.5, "y": 2, "w": 3.0, "h": 4}
    assert all(type(v) in (int, float) for v in ann["bounding_box"].values())
    with pytest.raises(ValidationError, match="boolean"):
        normalize_annotation({"id": "a", "name": "c", "type": "bbox", "bbox": [np.bool_(True), 2, 3, 4]})


@pytest.mark.parametrize("key", ["w", "h"])
@pytest.mark.parametrize("value", [0, -1, -0.5])
def test_box_sizes_must_be_positive(key: str, value: float) -> None:
    exc = _invalid({"id": "a", "name": "c", "type": "bbox", "bounding_box": {**BOX, key: value}})
    assert _locs(exc) == [["annotations", 0, "bounding_box", key]]


def test_negative_box_corner_is_allowed() -> None:
    ann = normalize_annotation({"id": "a", "name": "c", "type": "bbox", "bbox": [-5, -6, 3, 4]})
    assert ann["bounding_box"]["x"] == -5


@pytest.mark.parametrize(("angle", "ok"), [(0, True), (359.99, True), (360, False), (-1, False)])
def test_oriented_box_angle_range(angle: float, ok: bool) -> None:
    item = {"id": "a", "name": "c", "type": "bbox", "bounding_box": BOX,
            "oriented_box": {"cx": 2, "cy": 4, "w": 3, "h": 4, "angle": angle}}
    if ok:
        assert normalize_annotation(item)["oriented_box"]["angle"] == angle
    else:
        assert _locs(_invalid(item)) == [["annotations", 0, "oriented_box", "angle"]]


def test_oriented_box_angle_defaults_to_zero() -> None:
    ann = normalize_annotation({"id": "a", "name": "c", "type": "bbox", "bounding_box": BOX,
                                "oriented_box": {"cx": 2, "cy": 4, "w": 3, "h": 4}})
    assert ann["oriented_box"]["angle"] == 0


def test_ring_and_path_minimums() -> None:
    assert "at least 3 points" in str(_invalid({"id": "a", "name": "r", "type": "polygon",
                                                "polygon": {"paths": [[{"x": 0, "y": 0}, {"x": 1, "y": 1}]]}}))
    assert "at least 1 ring" in str(_invalid({"id": "a", "name": "r", "type": "polygon", "polygon": {"paths": []}}))
    assert "at least 2 points" in str(_invalid({"id": "a", "name": "l", "type": "polyline",
                                                "polyline": {"path": [{"x": 0, "y": 0}]}}))


@pytest.mark.parametrize("iid", [0, -1, True, 1.5, "1"])
def test_instance_id_must_be_a_positive_int(iid: Any) -> None:
    exc = _invalid({"id": "a", "name": "n", "type": "keypoint", "keypoint": [1, 2], "instance_id": iid})
    assert _locs(exc) == [["annotations", 0, "instance_id"]]


@pytest.mark.parametrize(("key", "value"), [("confidence", 1.01), ("confidence", -0.1), ("name", " "),
                                            ("id", ""), ("attributes", "x"), ("created_by", 5)])
def test_common_field_rules(key: str, value: Any) -> None:
    item = {"id": "a", "name": "c", "type": "keypoint", "keypoint": [1, 2], key: value}
    assert _locs(_invalid(item)) == [["annotations", 0, key]]


def test_duplicate_ids_and_unknown_classes_are_located() -> None:
    item = {"id": "a", "name": "Car", "type": "keypoint", "keypoint": [1, 2]}
    with pytest.raises(ValidationError) as info:
        normalize_annotations([item, item], classes=["car"])
    assert _locs(info.value) == [["annotations", 0, "name"], ["annotations", 1, "id"], ["annotations", 1, "name"]]
    assert "and 2 more problems" in str(info.value)


def test_every_problem_is_listed_not_just_the_first() -> None:
    exc = _invalid({"id": "a", "name": "", "type": "bbox", "bounding_box": {**BOX, "w": -1}})
    assert _locs(exc) == [["annotations", 0, "name"], ["annotations", 0, "bounding_box", "w"]]
    assert "(and 1 more problem)" in str(exc)


def test_created_by_null_is_left_out() -> None:
    ann = normalize_annotation({"id": "a", "name": "c", "type": "keypoint", "keypoint": [1, 2], "created_by": None})
    assert "created_by" not in ann


@pytest.mark.parametrize("items", ["abc", {"a": 1}, 5])
def test_input_must_be_a_list(items: Any) -> None:
    with pytest.raises(ValidationError, match="must be a list"):
        normalize_annotations(items)


def test_any_iterable_of_annotations_is_accepted() -> None:
    anns = normalize_annotations({"name": "c", "type": "keypoint", "keypoint": [i, i]} for i in range(2))
    assert [a["keypoint"]["x"] for a in anns] == [0, 1]


def test_model_objects_with_to_dict_are_accepted() -> None:
    class Model:
        def to_dict(self) -> dict[str, Any]:
            return {"id": "m", "name": "c", "type": "bbox", "bounding_box": BOX}

    assert normalize_annotations([Model()])[0]["id"] == "m"


def test_responses_fill_defaults_and_reject_shorthand() -> None:
    [ann] = check_response_annotations([{"id": "a", "name": "c", "type": "bbox", "bounding_box": BOX}])
    assert ann["confidence"] == 1.0 and ann["attributes"] == []
    with pytest.raises(ServerError, match=r"annotation 0 .*bbox: unknown key") as info:
        check_response_annotations([{"id": "a", "name": "c", "type": "bbox", "bbox": [1, 2, 3, 4]}])
    assert info.value.status_code is None
    with pytest.raises(ServerError, match=r"polygon\.paths\.0\.0: must be a point"):
        check_response_annotations([{"id": "a", "name": "r", "type": "polygon",
                                     "polygon": {"paths": [[[0, 0], [1, 0], [1, 1]]]}}])
    with pytest.raises(ServerError, match="must be a list"):
        check_response_annotations({"annotations": []})


def test_responses_allow_repeated_ids() -> None:
    item = {"id": "a", "name": "c", "type": "keypoint", "keypoint": {"x": 1, "y": 2}}
    assert len(check_response_annotations([item, item])) == 2


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(-1e6, 1e6), st.floats(-1e6, 1e6)), min_size=3, max_size=10))
def test_canonical_output_is_accepted_again_unchanged(points: list[tuple[float, float]]) -> None:
    first = normalize_annotation({"id": "p", "name": "r", "type": "polygon", "polygon": points})
    assert check_response_annotations([first]) == [first]
    assert normalize_annotation(first) == first
