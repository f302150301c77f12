"""The base of the SDK's public models: immutable objects readable as ``model["field"]``, with ``to_dict()``.

Building them from wire JSON is the job of :mod:`pictograph._model_build`; ``build``, ``build_list`` and
``read_page`` are importable from here as well.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, cast

import attrs


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


if TYPE_CHECKING:
    from pictograph._model_build import build, build_list, read_page

__all__ = ["Model", "build", "build_list", "raw_field", "read_page"]


def __getattr__(name: str) -> Any:
    # The builder imports ``Model`` from here, so its functions are looked up on first use, not at import.
    if name in ("build", "build_list", "read_page"):
        from pictograph import _model_build

        return getattr(_model_build, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
