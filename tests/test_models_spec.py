"""Every public model reads only fields its schema in openapi.yaml declares, so models cannot drift from the spec."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, cast

import attrs
import pytest
import yaml

import pictograph.models as models
from pictograph._model_base import Model

SPEC = yaml.safe_load((Path(__file__).resolve().parent.parent / "openapi.yaml").read_text(encoding="utf-8"))
SCHEMAS: dict[str, Any] = SPEC["components"]["schemas"]

MODELS = [
    cls
    for _, cls in inspect.getmembers(models, inspect.isclass)
    if issubclass(cls, Model) and cls is not Model and getattr(cls, "_spec_schema", None)
]


def test_models_are_checked() -> None:
    assert len(MODELS) >= 6


@pytest.mark.parametrize("cls", MODELS, ids=lambda c: c.__name__)
def test_model_fields_exist_in_its_schema(cls: type[Model]) -> None:
    schema = SCHEMAS[cls._spec_schema]  # type: ignore[attr-defined]
    properties = set(schema.get("properties", {}))
    wire_names: dict[str, str] = getattr(cls, "_wire_names", {})
    for field in attrs.fields(cast(Any, cls)):
        if field.name.startswith("_"):
            continue
        assert wire_names.get(field.name, field.name) in properties, f"{cls.__name__}.{field.name}"
    required = set(schema.get("required", []))
    mandatory = {f.name for f in attrs.fields(cast(Any, cls)) if f.default is attrs.NOTHING and not f.name.startswith("_")}
    assert {wire_names.get(n, n) for n in mandatory} <= required, cls.__name__
