from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="SaveResult")


@_attrs_define
class SaveResult:
    """
    Attributes:
        image_id (str):
        previous_count (int):
        new_count (int):
        status (str): The image's status after the save; information only.
    """

    image_id: str
    previous_count: int
    new_count: int
    status: str
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        image_id = self.image_id

        previous_count = self.previous_count

        new_count = self.new_count

        status = self.status

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "image_id": image_id,
                "previous_count": previous_count,
                "new_count": new_count,
                "status": status,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image_id = d.pop("image_id")

        previous_count = d.pop("previous_count")

        new_count = d.pop("new_count")

        status = d.pop("status")

        save_result = cls(
            image_id=image_id,
            previous_count=previous_count,
            new_count=new_count,
            status=status,
        )

        save_result.additional_properties = d
        return save_result

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
