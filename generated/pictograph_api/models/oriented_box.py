from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="OrientedBox")


@_attrs_define
class OrientedBox:
    """Centre, size, and clockwise angle in degrees in the y-down image frame.

    Attributes:
        cx (float):
        cy (float):
        w (float):
        h (float):
        angle (float | Unset):  Default: 0.0.
    """

    cx: float
    cy: float
    w: float
    h: float
    angle: float | Unset = 0.0

    def to_dict(self) -> dict[str, Any]:
        cx = self.cx

        cy = self.cy

        w = self.w

        h = self.h

        angle = self.angle

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "cx": cx,
                "cy": cy,
                "w": w,
                "h": h,
            }
        )
        if angle is not UNSET:
            field_dict["angle"] = angle

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cx = d.pop("cx")

        cy = d.pop("cy")

        w = d.pop("w")

        h = d.pop("h")

        angle = d.pop("angle", UNSET)

        oriented_box = cls(
            cx=cx,
            cy=cy,
            w=w,
            h=h,
            angle=angle,
        )

        return oriented_box
