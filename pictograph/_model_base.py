"""The base of the SDK's public models, and their construction from the generated client's models.

Responses are parsed by the generated models' ``from_dict`` (the spec decides field names and nesting). This
module turns such an object into the immutable public model: absent fields take the documented default,
UUIDs become strings, zone-less timestamps are read as UTC, and a field of the wrong type raises a
``ServerError`` naming the model and the field (API reference §1.4).
"""

from __future__ import annotations

import datetime as _dt
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar, cast

import attrs

from pictograph._protocol import schema_error

M = TypeVar("M", bound="Model")

_MISSING = object()


class Model:
    """Immutable typed object. ``model["field"]`` reads ``model.field``; ``to_dict()`` gives the wire JSON."""

    __slots__ = ()
    _aliases: ClassVar[Mapping[str, str]] = {}
    # Read-only properties that ``model["name"]`` also reads (documented extras that are not wire fields).
    _item_properties: ClassVar[frozenset[str]] = frozenset()

    def __getitem__(self, key: str) -> Any:
        name = self._aliases.get(key, key)
        if name in _field_names(type(self)) or name in self._item_properties:
            return getattr(self, name)
        raise KeyError(key)

    def get(self, key: str, default: Any = None) -> Any:
        try:
            return self[key]
        except KeyError:
            return default

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str):
            return False
        name = self._aliases.get(key, key)
        return name in _field_names(type(self)) or name in self._item_properties

    def keys(self) -> list[str]:
        return [*_field_names(type(self))]

    def to_dict(self) -> dict[str, Any]:
        """The object as wire JSON (what the API sent, when the object came from a response)."""
        source = getattr(self, "_raw", None)
        if source is not None:
            return dict(source)
        return {name: _to_json(getattr(self, name)) for name in _field_names(type(self))}


def _to_json(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_to_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_json(v) for k, v in value.items()}
    if isinstance(value, _dt.datetime):
        return value.isoformat()
    return value


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        fields: Any = attrs.fields(cast(Any, cls))
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields if not f.name.startswith("_"))
    return names


def raw_field() -> Any:
    """The private field holding the wire JSON an object was built from (excluded from eq and repr)."""
    return attrs.field(default=None, eq=False, repr=False, kw_only=True, alias="_raw")


_Check = Callable[[Any, str], Any]


def _scalar_check(kinds: tuple[type, ...], label: str) -> _Check:
    def check(value: Any, where: str) -> Any:
        if isinstance(value, bool) and bool not in kinds:
            raise schema_error(where, f"expected {label}, got {value!r}")
        if not isinstance(value, kinds):
            raise schema_error(where, f"expected {label}, got {type(value).__name__}")
        if float in kinds and isinstance(value, int) and not isinstance(value, bool):
            return value
        return value

    return check


def _to_str(value: Any, where: str) -> Any:
    if isinstance(value, uuid.UUID):
        return str(value)
    if not isinstance(value, str):
        raise schema_error(where, f"expected a string, got {type(value).__name__}")
    return value


def _to_datetime(value: Any, where: str) -> Any:
    if isinstance(value, str):
        try:
            value = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise schema_error(where, f"expected an ISO 8601 timestamp, got {value!r}") from None
    if not isinstance(value, _dt.datetime):
        raise schema_error(where, f"expected a timestamp, got {type(value).__name__}")
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.UTC)
    return value


def _any(value: Any, where: str) -> Any:
    return value


_SCALARS: dict[Any, _Check] = {
    str: _to_str,
    int: _scalar_check((int,), "an integer"),
    float: _scalar_check((int, float), "a number"),
    bool: _scalar_check((bool,), "a boolean"),
    _dt.datetime: _to_datetime,
}


def _checker_for(tp: Any) -> tuple[_Check, bool]:
    """A converter for a field type, and whether ``None`` is allowed."""
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin in (typing.Union, __import__("types").UnionType):
        options = [a for a in args if a is not type(None)]
        nullable = len(options) < len(args)
        if len(options) == 1:
            check, _ = _checker_for(options[0])
            return check, nullable
        checks = [_checker_for(o)[0] for o in options]

        def check_union(value: Any, where: str) -> Any:
            for option in checks:
                try:
                    return option(value, where)
                except Exception:
                    continue
            raise schema_error(where, f"unexpected value {value!r}")

        return check_union, nullable
    if origin is list:
        (item_type,) = args or (Any,)
        item_check, item_nullable = _checker_for(item_type)

        def check_list(value: Any, where: str) -> Any:
            if not isinstance(value, list | tuple):
                raise schema_error(where, f"expected a list, got {type(value).__name__}")
            out: list[Any] = []
            for i, item in enumerate(value):
                if item is None and item_nullable:
                    out.append(None)
                else:
                    out.append(item_check(item, f"{where}[{i}]"))
            return out

        return check_list, False
    if origin is dict or tp is dict:
        def check_dict(value: Any, where: str) -> Any:
            if not isinstance(value, Mapping):
                raise schema_error(where, f"expected an object, got {type(value).__name__}")
            return dict(value)

        return check_dict, False
    if origin is typing.Literal:
        return _to_str, False
    if isinstance(tp, type) and issubclass(tp, Model):
        model_cls = tp

        def check_model(value: Any, where: str) -> Any:
            if isinstance(value, model_cls):
                return value
            return build(model_cls, value, where=where)

        return check_model, False
    if tp in _SCALARS:
        return _SCALARS[tp], False
    return _any, True


_Plan = tuple[tuple[str, str, Any, _Check, bool, tuple[str, ...]], ...]
_PLANS: dict[type, _Plan] = {}


def _plan(cls: type[Model]) -> _Plan:
    """Per field: (attribute, wire name, default, converter, nullable, fallback wire names), once per class.

    ``_fallbacks`` (a class attribute) names other wire keys read when the main one is absent or null, e.g.
    ``{"dataset_id": ("project_id",)}`` (API reference §1.4 tolerance rules).
    """
    cached = _PLANS.get(cls)
    if cached is not None:
        return cached
    hints = typing.get_type_hints(cls)
    wire_names: Mapping[str, str] = getattr(cls, "_wire_names", {})
    fallbacks: Mapping[str, tuple[str, ...]] = getattr(cls, "_fallbacks", {})
    plan = []
    fields: Any = attrs.fields(cast(Any, cls))
    for field in fields:
        if field.name.startswith("_"):
            continue
        if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
            default: Any = field.default
        elif field.default is attrs.NOTHING:
            default = _MISSING
        else:
            default = field.default
        check, nullable = _checker_for(hints[field.name])
        plan.append(
            (field.name, wire_names.get(field.name, field.name), default, check, nullable, fallbacks.get(field.name, ()))
        )
    _PLANS[cls] = result = tuple(plan)
    return result


def build(cls: type[M], data: Any, *, where: str | None = None) -> M:
    """Build a public model from wire JSON (a mapping), checking every field's type."""
    label = where or cls.__name__
    if not isinstance(data, Mapping):
        raise schema_error(label, f"expected an object, got {type(data).__name__}", data)
    values: dict[str, Any] = {}
    for name, wire, default, check, nullable, alternates in _plan(cls):
        value = data.get(wire, _MISSING)
        if alternates and (value is _MISSING or value is None):
            for other in alternates:
                candidate = data.get(other, _MISSING)
                if candidate is not _MISSING and candidate is not None:
                    wire, value = other, candidate
                    break
        if value is _MISSING or (value is None and not nullable and default is not _MISSING):
            if default is _MISSING:
                raise schema_error(label, f"required field {wire!r} is missing", data)
            value = default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]
        elif value is None:
            if not nullable:
                raise schema_error(label, f"field {wire!r} must not be null", data)
        else:
            value = check(value, f"{label}.{wire}")
        values[name] = value
    return cls(**values, _raw=data)  # type: ignore[call-arg]


def build_list(cls: type[M], payload: Any, *, where: str | None = None) -> list[M]:
    """Build every item of a JSON list into ``cls``; a payload that is not a list is a ``ServerError``."""
    label = where or cls.__name__
    if not isinstance(payload, list):
        raise schema_error(f"{label} list", f"expected a list, got {type(payload).__name__}", payload)
    return [build(cls, item, where=f"{label}[{i}]") for i, item in enumerate(payload)]


def read_page(status_code: int, content: bytes, cls: type[M]) -> tuple[list[M], bool | None]:
    """The items of one list page and its ``pagination.has_more`` (``None`` when absent), §1.4–§1.5."""
    from pictograph._protocol import json_body

    body = json_body(status_code, content, f"{cls.__name__} list")
    payload = body.get("data", body) if isinstance(body, dict) else body
    has_more: bool | None = None
    if isinstance(body, dict):
        pagination = body.get("pagination")
        if isinstance(pagination, Mapping):
            flag = pagination.get("has_more")
            if isinstance(flag, bool):
                has_more = flag
    return build_list(cls, payload), has_more
