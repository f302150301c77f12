from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="LimitCheckRequest")


@_attrs_define
class LimitCheckRequest:
    """
    Attributes:
        total_images (int):
        estimated_size_bytes (int):
    """

    total_images: int
    estimated_size_bytes: int

    def to_dict(self) -> dict[str, Any]:
        total_images = self.total_images

        estimated_size_bytes = self.estimated_size_bytes

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "total_images": total_images,
                "estimated_size_bytes": estimated_size_bytes,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        total_images = d.pop("total_images")

        estimated_size_bytes = d.pop("estimated_size_bytes")

        limit_check_request = cls(
            total_images=total_images,
            estimated_size_bytes=estimated_size_bytes,
        )

        return limit_check_request
