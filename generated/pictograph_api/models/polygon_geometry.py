from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.point import Point


T = TypeVar("T", bound="PolygonGeometry")


@_attrs_define
class PolygonGeometry:
    """The first ring is the outline, the others are holes (even-odd fill).

    Attributes:
        paths (list[list[Point]]):
    """

    paths: list[list[Point]]

    def to_dict(self) -> dict[str, Any]:
        paths = []
        for paths_item_data in self.paths:
            paths_item = []
            for paths_item_item_data in paths_item_data:
                paths_item_item = paths_item_item_data.to_dict()
                paths_item.append(paths_item_item)

            paths.append(paths_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "paths": paths,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.point import Point  # noqa: PLC0415

        d = dict(src_dict)
        paths = []
        _paths = d.pop("paths")
        for paths_item_data in _paths:
            paths_item = []
            _paths_item = paths_item_data
            for paths_item_item_data in _paths_item:
                paths_item_item = Point.from_dict(paths_item_item_data)

                paths_item.append(paths_item_item)

            paths.append(paths_item)

        polygon_geometry = cls(
            paths=paths,
        )

        return polygon_geometry
