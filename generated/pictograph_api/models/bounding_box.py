from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="BoundingBox")


@_attrs_define
class BoundingBox:
    """Top-left corner and size in absolute pixels.

    Attributes:
        x (float):
        y (float):
        w (float):
        h (float):
    """

    x: float
    y: float
    w: float
    h: float

    def to_dict(self) -> dict[str, Any]:
        x = self.x

        y = self.y

        w = self.w

        h = self.h

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "x": x,
                "y": y,
                "w": w,
                "h": h,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        x = d.pop("x")

        y = d.pop("y")

        w = d.pop("w")

        h = d.pop("h")

        bounding_box = cls(
            x=x,
            y=y,
            w=w,
            h=h,
        )

        return bounding_box
