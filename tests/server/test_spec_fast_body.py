"""The local server's compiled body check may only ever say "valid" where openapi-core finds no problem.

``Spec._body_passes`` (jsonschema-rs) lets a conforming request body skip openapi-core's slow walk; a body it
does not pass goes through openapi-core as before. So the one property that matters is soundness: whatever it
passes, openapi-core accepts too. Checked here on valid bodies of the operations the transfers use and on
random mutations of them (wrong types, blanks, control characters, out-of-range numbers, extra or missing keys).
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pictograph.testing._spec import Match, Spec

pytest.importorskip("jsonschema_rs")

_SPEC = Spec()

_BOX = {"id": "a1", "name": "car", "type": "bbox", "confidence": 0.5, "attributes": {"color": "red"},
        "bounding_box": {"x": 1, "y": 2.5, "w": 3, "h": 4}}
_POLY = {"id": "a2", "name": "road", "type": "polygon", "attributes": [],
         "polygon": {"paths": [[{"x": 0, "y": 0}, {"x": 4, "y": 0}, {"x": 4, "y": 3}]]}}
_POINT = {"id": "a3", "name": "nose", "type": "keypoint", "keypoint": {"x": 1, "y": 1}, "instance_id": 2}

SEEDS: dict[str, Any] = {
    "bulkRegisterImages": {"dataset": "d", "images": [
        {"filename": f"f{i}.jpg", "directory_path": "/a", "content_type": "image/jpeg", "file_size": 10,
         "width": 4, "height": 3} for i in range(3)]},
    "createBulkUploadUrls": {"dataset": "d", "images": [
        {"filename": "f.png", "directory_path": "/", "content_type": "image/png"}]},
    "registerImage": {"dataset": "d", "filename": "f.jpg", "directory_path": "/", "content_type": "image/jpeg",
                      "file_size": 0},
    "createUploadUrl": {"dataset": "d", "filename": "f.jpg", "directory_path": "/", "content_type": "image/jpeg"},
    "saveAnnotations": {"annotations": [_BOX, _POLY, _POINT]},
    "createDataset": {"name": "cars", "description": "", "annotation_types": ["bbox"]},
    "createExport": {"dataset_name": "cars", "name": "e1", "format": "coco", "include_images": False},
}

_ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 3), st.sampled_from([0.5, 1.0, -1.5, 2**60, 1e300]),
    st.sampled_from(["", " ", "\x1c", "\u3000", "\t x", "image/", "image/jpeg\n", "x" * 120, "bbox", "polygon"]),
    st.text(max_size=4), st.just([]), st.just({}), st.just([{"x": 1}]),
)


def _body_is_valid_for_openapi_core(operation: str, body: Any) -> bool:
    """openapi-core's verdict alone (the compiled check switched off for this call)."""
    route = _SPEC.by_operation[operation]
    fresh = Spec.__new__(Spec)
    fresh.__dict__.update(_SPEC.__dict__)
    fresh._body_passes = lambda *args: False  # type: ignore[method-assign]
    outcome = fresh.validate_request(Match(route, {"dataset": "d", "image_path": "f.jpg"}), [],
                                     {"content-type": "application/json"}, json.dumps(body).encode(),
                                     "application/json")
    return not [p for p in outcome.problems if p.loc and p.loc[0] == "body"]


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*prefix, i))
    return out


@st.composite
def _mutated(draw: st.DrawFn) -> tuple[str, Any]:
    operation = draw(st.sampled_from(sorted(SEEDS)))
    body = copy.deepcopy(SEEDS[operation])
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_paths(body)))
        if not path:
            continue
        parent = body
        for key in path[:-1]:
            parent = parent[key]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "delete" and isinstance(parent, dict):
            del parent[path[-1]]
        elif action == "add" and isinstance(parent, dict):
            parent[draw(st.sampled_from(["extra", "type", "x", "w"]))] = draw(_ODD_VALUES)
        else:
            parent[path[-1]] = draw(_ODD_VALUES)
    return operation, body


@pytest.mark.parametrize("operation", sorted(SEEDS))
def test_a_valid_body_passes_the_compiled_check(operation: str) -> None:
    route = _SPEC.by_operation[operation]
    assert _SPEC._body_passes(route, "application/json", SEEDS[operation])
    assert _SPEC._body_passes(route, "application/json; charset=utf-8", SEEDS[operation])
    assert _body_is_valid_for_openapi_core(operation, SEEDS[operation])


def test_only_json_bodies_take_the_compiled_check() -> None:
    route = _SPEC.by_operation["registerImage"]
    assert not _SPEC._body_passes(route, "text/plain", SEEDS["registerImage"])


def test_patterns_are_read_as_python_reads_them() -> None:
    # \S: the Rust engine counts U+001C as non-blank, Python's re (and openapi-core) as blank
    route = _SPEC.by_operation["saveAnnotations"]
    body = {"annotations": [{**_BOX, "name": "\x1c"}]}
    assert not _SPEC._body_passes(route, "application/json", body)
    assert not _body_is_valid_for_openapi_core("saveAnnotations", body)


@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_what_the_compiled_check_passes_openapi_core_accepts(case: tuple[str, Any]) -> None:
    operation, body = case
    if _SPEC._body_passes(_SPEC.by_operation[operation], "application/json", body):
        assert _body_is_valid_for_openapi_core(operation, body), body
