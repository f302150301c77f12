from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.bulk_save_item import BulkSaveItem


T = TypeVar("T", bound="BulkSaveRequest")


@_attrs_define
class BulkSaveRequest:
    """
    Attributes:
        saves (list[BulkSaveItem]):
    """

    saves: list[BulkSaveItem]

    def to_dict(self) -> dict[str, Any]:
        saves = []
        for saves_item_data in self.saves:
            saves_item = saves_item_data.to_dict()
            saves.append(saves_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "saves": saves,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_save_item import BulkSaveItem  # noqa: PLC0415

        d = dict(src_dict)
        saves = []
        _saves = d.pop("saves")
        for saves_item_data in _saves:
            saves_item = BulkSaveItem.from_dict(saves_item_data)

            saves.append(saves_item)

        bulk_save_request = cls(
            saves=saves,
        )

        return bulk_save_request
