"""Public models built from wire JSON (docs/wire-protocol.md §1.4): the reader behind every response of the SDK.

Absent fields take the documented default, UUIDs become strings, zone-less timestamps are read as UTC, an
unlisted enumeration value stays a plain string, and a field of the wrong type raises a ``ServerError``
naming the model and the field. Listings build thousands of objects per page, so each class gets a reader
written for it once (see ``_builder``).
"""

from __future__ import annotations

import datetime as _dt
import types
import typing
import uuid
from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import attrs

from pictograph._model_base import Model
from pictograph._protocol import schema_error

M = TypeVar("M", bound=Model)

_MISSING = object()


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
            # Python 3.11's fromisoformat reads every ISO 8601 form the API sends, ``Z`` included.
            value = _dt.datetime.fromisoformat(value)
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
    if _is_union(tp):
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


@attrs.frozen
class _Step:
    """How one field is read from wire JSON, worked out once per class."""

    name: str
    wire: str
    default: Any
    check: _Check
    nullable: bool
    alternates: tuple[str, ...]
    # Types taken as they are, without calling ``check``: the JSON types the field's check would return unchanged.
    exact: frozenset[type]


_Builder = Callable[[Mapping[str, Any], str], Any]
_BUILDERS: dict[type, _Builder] = {}

# JSON types a scalar check returns unchanged (a bool is not an int here: ``True`` in an int field is an error).
_EXACT: dict[Any, frozenset[type]] = {
    str: frozenset({str}),
    int: frozenset({int}),
    float: frozenset({int, float}),
    bool: frozenset({bool}),
}


def _exact_types(tp: Any, nullable: bool) -> frozenset[type]:
    options = [a for a in typing.get_args(tp) if a is not type(None)] if _is_union(tp) else [tp]
    exact: frozenset[type] = frozenset()
    if len(options) == 1:
        option = options[0]
        if typing.get_origin(option) is typing.Literal:
            option = str
        exact = _EXACT.get(option, frozenset())
    return exact | {type(None)} if nullable else exact


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (typing.Union, types.UnionType)


def _steps(cls: type[Model]) -> tuple[_Step, ...]:
    """How each public field of ``cls`` is read.

    ``_fallbacks`` (a class attribute) names other wire keys read when the main one is absent or null, e.g.
    ``{"dataset_id": ("project_id",)}`` (docs/wire-protocol.md §1.4 tolerance rules).
    """
    hints = typing.get_type_hints(cls)
    wire_names: Mapping[str, str] = getattr(cls, "_wire_names", {})
    fallbacks: Mapping[str, tuple[str, ...]] = getattr(cls, "_fallbacks", {})
    steps = []
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
        alternates = fallbacks.get(field.name, ())
        # A field with fallbacks must look further when it is null, so null is never taken as it is there.
        exact = _exact_types(hints[field.name], nullable and not alternates)
        steps.append(
            _Step(field.name, wire_names.get(field.name, field.name), default, check, nullable, alternates, exact)
        )
    return tuple(steps)


def _direct_setters(cls: type[Model]) -> list[Any] | None:
    """Per public field, its slot's setter, when ``__init__`` would only store the values; else ``None``.

    Storing through the slots skips the frozen class's ``__setattr__`` guard, which is what makes ``__init__``
    the larger part of building an object; it is used only when ``__init__`` does nothing more (no converter,
    no validator, no post-init hook) and the private fields are just ``_raw``.
    """
    fields: Any = attrs.fields(cast(Any, cls))
    if "__slots__" not in cls.__dict__ or hasattr(cls, "__attrs_post_init__") or hasattr(cls, "__attrs_pre_init__"):
        return None
    setters = []
    for field in fields:
        if field.converter is not None or field.validator is not None or not field.init:
            return None
        if field.name.startswith("_") and field.name != "_raw":
            return None
        descriptor = cls.__dict__.get(field.name)
        if descriptor is None or not hasattr(descriptor, "__set__"):
            return None
        setters.append(descriptor.__set__)
    return setters


def _builder(cls: type[Model]) -> _Builder:
    """A function ``(data, label) -> cls instance`` written for ``cls`` on first use, and kept.

    Listings build thousands of objects per page, and a loop over a field table costs more than the checks
    themselves; so, as attrs does for ``__init__``, the reading is written out once per class as straight-line
    code: per field one ``dict.get``, one type test against the JSON types the field takes as they are (a
    timestamp string and an empty list have a short path of their own), and a call to the full reader
    (defaults, fallbacks, converters, errors) only for every other value.
    """
    builder = _BUILDERS.get(cls)
    if builder is not None:
        return builder
    steps = _steps(cls)
    hints = typing.get_type_hints(cls)
    # A class without ``_raw`` (a light record) keeps only its fields, not the JSON object it was read from.
    keeps_raw = any(f.name == "_raw" for f in attrs.fields(cast(Any, cls)))
    namespace: dict[str, Any] = {
        "cls": cls, "MISSING": _MISSING, "read": _read, "new": object.__new__,
    }
    lines = ["def build(data, label):", "    get = data.get"]
    for i, step in enumerate(steps):
        namespace[f"step{i}"] = step
        v = f"v{i}"
        lines.append(f"    {v} = get({step.wire!r}, MISSING)")
        # The value's own type first (the usual case), null last; an int before a float.
        kinds = sorted(step.exact, key=lambda k: (k is type(None), k is not int, k.__name__))
        tests = [f"{v} is not None" if kind is type(None) else f"{v}.__class__ is not {kind.__name__}"
                 for kind in kinds]
        lines.append(f"    if {' and '.join(tests) if tests else 'True'}:")
        indent = "        "
        base = _non_null(hints[step.name])
        if base is _dt.datetime:
            lines += [f"{indent}if {v}.__class__ is str:", f"{indent}    try:",
                      f"{indent}        {v} = fromisoformat({v})", f"{indent}    except ValueError:",
                      f"{indent}        {v} = read(step{i}, data, {v}, label)",
                      f"{indent}    if {v}.tzinfo is None:", f"{indent}        {v} = {v}.replace(tzinfo=UTC)",
                      f"{indent}else:"]
            namespace["fromisoformat"] = _dt.datetime.fromisoformat
            namespace["UTC"] = _dt.UTC
            indent += "    "
        elif typing.get_origin(base) is list:
            lines += [f"{indent}if {v}.__class__ is list and not {v}:", f"{indent}    {v} = []", f"{indent}else:"]
            indent += "    "
        lines.append(f"{indent}{v} = read(step{i}, data, {v}, label)")
    setters = _direct_setters(cls)
    if setters is not None:
        lines.append("    obj = new(cls)")
        for i, step in enumerate(steps):
            namespace[f"set{i}"] = setters[[f.name for f in attrs.fields(cast(Any, cls))].index(step.name)]
            lines.append(f"    set{i}(obj, v{i})")
        if keeps_raw:
            namespace["set_raw"] = cls.__dict__["_raw"].__set__
            lines.append("    set_raw(obj, data)")
        lines.append("    return obj")
    else:
        arguments = ", ".join([*(f"{step.name}=v{i}" for i, step in enumerate(steps)), *(["_raw=data"] * keeps_raw)])
        lines.append(f"    return cls({arguments})")
    exec(compile("\n".join(lines), f"<pictograph build {cls.__qualname__}>", "exec"), namespace)
    _BUILDERS[cls] = builder = cast(_Builder, namespace["build"])
    return builder


def _non_null(tp: Any) -> Any:
    """``X`` for ``X | None``; any other type as it is."""
    if _is_union(tp):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(options) == 1:
            return options[0]
    return tp


def _read(step: _Step, data: Mapping[str, Any], value: Any, label: str) -> Any:
    """One field's value when it is not simply of a JSON type the field takes as it is."""
    wire = step.wire
    if step.alternates and (value is _MISSING or value is None):
        for other in step.alternates:
            candidate = data.get(other, _MISSING)
            if candidate is not _MISSING and candidate is not None:
                wire, value = other, candidate
                break
    default = step.default
    if value is _MISSING or (value is None and not step.nullable and default is not _MISSING):
        if default is _MISSING:
            raise schema_error(label, f"required field {wire!r} is missing", data)
        return default.factory() if isinstance(default, attrs.Factory) else default  # type: ignore[arg-type]
    if value is None:
        if not step.nullable:
            raise schema_error(label, f"field {wire!r} must not be null", data)
        return None
    return step.check(value, f"{label}.{wire}")


def build(cls: type[M], data: Any, *, where: str | None = None) -> M:
    """Build a public model from wire JSON (a mapping), checking every field's type.

    This runs once per listed item, so it is kept cheap (see ``_builder``): a value already of a JSON type its
    field takes as it is (a string for a ``str`` field, an int for an ``int`` one, null for an optional one) is
    used without a call; everything else goes through the field's converter, which raises on a wrong type.
    """
    if not isinstance(data, Mapping):
        raise schema_error(where or cls.__name__, f"expected an object, got {type(data).__name__}", data)
    builder = _BUILDERS.get(cls) or _builder(cls)
    return cast(M, builder(data, where or cls.__name__))


def build_list(cls: type[M], payload: Any, *, where: str | None = None) -> list[M]:
    """Build every item of a JSON list into ``cls``; a payload that is not a list is a ``ServerError``.

    An error names the item by index (``Image[3].width``); that label is written only when an item fails.
    """
    label = where or cls.__name__
    if not isinstance(payload, list):
        raise schema_error(f"{label} list", f"expected a list, got {type(payload).__name__}", payload)
    builder = _BUILDERS.get(cls) or _builder(cls)
    try:
        return [builder(item, label) for item in payload]
    except Exception:
        for i, item in enumerate(payload):
            build(cls, item, where=f"{label}[{i}]")
        raise


_FAST_LOADS: list[Callable[[bytes], Any] | None] = []


def _fast_loads() -> Callable[[bytes], Any] | None:
    """``orjson.loads`` when the ``speedups`` extra is installed (looked up on the first page, not at import)."""
    if not _FAST_LOADS:
        try:
            import orjson
        except ImportError:
            _FAST_LOADS.append(None)
        else:
            _FAST_LOADS.append(orjson.loads)
    return _FAST_LOADS[0]


def _page_body(status_code: int, content: bytes, label: str) -> Any:
    """The decoded JSON of a list page.

    Decoding is the largest cost of a listing (a page of 1,000 images is about 500 KB), so with orjson
    installed it decodes the page, in about half the time of the standard library. Anything orjson refuses
    (an empty body, ``NaN``, a lone surrogate, bytes that are not UTF-8) goes to the standard decoder, so it
    gets the same answer or error as without orjson. One difference remains: orjson reads an integer beyond
    64 bits as a float, which no listed field can hold, so such a page is refused as malformed, not misread.
    """
    from pictograph._protocol import json_body

    loads = _fast_loads()
    if loads is not None and status_code != 204:
        try:
            return loads(content)
        except ValueError:  # orjson.JSONDecodeError is a ValueError
            pass
    return json_body(status_code, content, label)


def read_page(status_code: int, content: bytes, cls: type[M]) -> tuple[list[M], bool | None]:
    """The items of one list page and its ``pagination.has_more`` (``None`` when absent), §1.4–§1.5."""
    body = _page_body(status_code, content, f"{cls.__name__} list")
    payload = body.get("data", body) if isinstance(body, dict) else body
    has_more: bool | None = None
    if isinstance(body, dict):
        pagination = body.get("pagination")
        if isinstance(pagination, Mapping):
            flag = pagination.get("has_more")
            if isinstance(flag, bool):
                has_more = flag
    return build_list(cls, payload), has_more
