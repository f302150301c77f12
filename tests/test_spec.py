"""openapi.yaml is valid OpenAPI 3.1, lints clean, and holds every operation of docs/wire-protocol.md."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from openapi_spec_validator import validate

ROOT = Path(__file__).resolve().parent.parent
SPEC_PATH = ROOT / "openapi.yaml"

# Every operation of docs/wire-protocol.md §2-§7: (method, path, tag).
OPERATIONS = {
    ("get", "/datasets/", "datasets"),
    ("post", "/datasets/", "datasets"),
    ("get", "/datasets/{dataset}", "datasets"),
    ("patch", "/datasets/{dataset}", "datasets"),
    ("delete", "/datasets/{dataset}", "datasets"),
    ("get", "/datasets/{dataset}/download", "datasets"),
    ("get", "/images/", "images"),
    ("get", "/images/{image_id}/metadata", "images"),
    ("get", "/images/{image_id}", "images"),
    ("get", "/images/{dataset}/{image_path}", "images"),
    ("delete", "/images/{dataset}/{image_path}", "images"),
    ("post", "/images/upload-url", "images"),
    ("post", "/images/register", "images"),
    ("post", "/images/bulk-upload-url", "images"),
    ("post", "/images/bulk-register", "images"),
    ("get", "/annotations/{dataset}/{image_path}", "annotations"),
    ("post", "/annotations/{dataset}/{image_path}", "annotations"),
    ("delete", "/annotations/{dataset}/{image_path}", "annotations"),
    ("post", "/annotations/bulk", "annotations"),
    ("post", "/exports/", "exports"),
    ("get", "/exports/", "exports"),
    ("get", "/exports/{export_name}", "exports"),
    ("get", "/exports/{export_name}/download", "exports"),
    ("delete", "/exports/{export_name}", "exports"),
    ("post", "/connectors/validate", "connectors"),
    ("post", "/connectors/check-limits", "connectors"),
    ("post", "/connectors/import/start", "connectors"),
    ("get", "/connectors/import/status/{import_id}", "connectors"),
    ("post", "/connectors/import/cancel/{import_id}", "connectors"),
    ("get", "/organizations/me", "organizations"),
    ("get", "/credits/balance", "credits"),
}
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as handle:
        loaded: dict[str, Any] = yaml.safe_load(handle)
    return loaded


def _operations(spec: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method, path): op
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in METHODS
    }


def test_spec_is_valid_openapi_31(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    validate(spec)


def test_redocly_lint_passes() -> None:
    redocly = ROOT / "tools" / "node_modules" / ".bin" / "redocly"
    assert redocly.exists(), "Redocly CLI is missing: run `make install` (it runs `npm ci` in tools/)"
    assert shutil.which("node"), "node is needed by Redocly CLI"
    result = subprocess.run(
        [str(redocly), "lint", str(SPEC_PATH), "--format=stylish", "--config", str(ROOT / "redocly.yaml")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_reference_operation_is_in_the_spec_with_one_tag(spec: dict[str, Any]) -> None:
    ops = _operations(spec)
    assert {(m, p) for m, p, _ in OPERATIONS} == set(ops)
    for method, path, tag in OPERATIONS:
        assert ops[(method, path)]["tags"] == [tag], (method, path)


def test_operation_ids_are_unique_camel_case(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for op in _operations(spec).values()]
    assert len(ids) == len(set(ids))
    assert all(i[0].islower() and "_" not in i and "-" not in i for i in ids)


def test_every_write_takes_an_idempotency_key(spec: dict[str, Any]) -> None:
    for (method, path), op in _operations(spec).items():
        refs = [p.get("$ref", "") for p in op.get("parameters", [])]
        has_key = "#/components/parameters/IdempotencyKey" in refs
        assert has_key == (method in {"post", "put", "patch"}), (method, path)


def test_every_operation_documents_auth_rate_limit_and_server_errors(spec: dict[str, Any]) -> None:
    for (method, path), op in _operations(spec).items():
        assert {"401", "429", "5XX"} <= set(op["responses"]), (method, path)


def test_annotation_union_is_a_discriminated_oneof_of_strict_schemas(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    union = schemas["Annotation"]
    assert union["discriminator"]["propertyName"] == "type"
    names = [ref["$ref"].rsplit("/", 1)[1] for ref in union["oneOf"]]
    assert names == ["BBoxAnnotation", "PolygonAnnotation", "PolylineAnnotation", "KeypointAnnotation"]
    for name, const in zip(names, ["bbox", "polygon", "polyline", "keypoint"], strict=True):
        assert schemas[name]["additionalProperties"] is False
        assert schemas[name]["properties"]["type"]["const"] == const


def test_response_objects_tolerate_unknown_members(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    for name in ("Dataset", "Image", "Export", "ImportJob", "Organization", "CreditBalance", "Pagination"):
        assert schemas[name].get("additionalProperties", True) is not False, name


def test_examples_show_pages_nulls_and_failed_jobs() -> None:
    text = SPEC_PATH.read_text(encoding="utf-8")
    assert "has_more: true" in text and "has_more: false" in text
    assert "status: failed" in text and "status: error" in text
    assert ": null" in text
