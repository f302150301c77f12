from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.limit_exceeded import LimitExceeded, check_limit_exceeded
from ..types import UNSET, Unset

T = TypeVar("T", bound="LimitCheckResult")


@_attrs_define
class LimitCheckResult:
    """
    Attributes:
        allowed (bool):
        current_images (int):
        image_limit (int):
        images_after_import (int):
        current_storage_bytes (int):
        storage_limit_bytes (int):
        storage_after_import_bytes (int):
        exceeded (LimitExceeded | None | str | Unset):
    """

    allowed: bool
    current_images: int
    image_limit: int
    images_after_import: int
    current_storage_bytes: int
    storage_limit_bytes: int
    storage_after_import_bytes: int
    exceeded: LimitExceeded | None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        allowed = self.allowed

        current_images = self.current_images

        image_limit = self.image_limit

        images_after_import = self.images_after_import

        current_storage_bytes = self.current_storage_bytes

        storage_limit_bytes = self.storage_limit_bytes

        storage_after_import_bytes = self.storage_after_import_bytes

        exceeded: None | str | Unset
        if isinstance(self.exceeded, Unset):
            exceeded = UNSET
        elif isinstance(self.exceeded, str):
            exceeded = self.exceeded
        else:
            exceeded = self.exceeded

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "allowed": allowed,
                "current_images": current_images,
                "image_limit": image_limit,
                "images_after_import": images_after_import,
                "current_storage_bytes": current_storage_bytes,
                "storage_limit_bytes": storage_limit_bytes,
                "storage_after_import_bytes": storage_after_import_bytes,
            }
        )
        if exceeded is not UNSET:
            field_dict["exceeded"] = exceeded

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        allowed = d.pop("allowed")

        current_images = d.pop("current_images")

        image_limit = d.pop("image_limit")

        images_after_import = d.pop("images_after_import")

        current_storage_bytes = d.pop("current_storage_bytes")

        storage_limit_bytes = d.pop("storage_limit_bytes")

        storage_after_import_bytes = d.pop("storage_after_import_bytes")

        def _parse_exceeded(data: object) -> LimitExceeded | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                exceeded_type_0 = check_limit_exceeded(data)

                return exceeded_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(LimitExceeded | None | str | Unset, data)

        exceeded = _parse_exceeded(d.pop("exceeded", UNSET))

        limit_check_result = cls(
            allowed=allowed,
            current_images=current_images,
            image_limit=image_limit,
            images_after_import=images_after_import,
            current_storage_bytes=current_storage_bytes,
            storage_limit_bytes=storage_limit_bytes,
            storage_after_import_bytes=storage_after_import_bytes,
            exceeded=exceeded,
        )

        limit_check_result.additional_properties = d
        return limit_check_result

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
