from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.bulk_save_failure import BulkSaveFailure
    from ..models.save_result import SaveResult


T = TypeVar("T", bound="BulkSaveResult")


@_attrs_define
class BulkSaveResult:
    """
    Attributes:
        saved (list[SaveResult] | Unset):
        failed (list[BulkSaveFailure] | Unset):
    """

    saved: list[SaveResult] | Unset = UNSET
    failed: list[BulkSaveFailure] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        saved: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.saved, Unset):
            saved = []
            for saved_item_data in self.saved:
                saved_item = saved_item_data.to_dict()
                saved.append(saved_item)

        failed: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.failed, Unset):
            failed = []
            for failed_item_data in self.failed:
                failed_item = failed_item_data.to_dict()
                failed.append(failed_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if saved is not UNSET:
            field_dict["saved"] = saved
        if failed is not UNSET:
            field_dict["failed"] = failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.bulk_save_failure import BulkSaveFailure  # noqa: PLC0415
        from ..models.save_result import SaveResult  # noqa: PLC0415

        d = dict(src_dict)
        _saved = d.pop("saved", UNSET)
        saved: list[SaveResult] | Unset = UNSET
        if _saved is not UNSET:
            saved = []
            for saved_item_data in _saved:
                saved_item = SaveResult.from_dict(saved_item_data)

                saved.append(saved_item)

        _failed = d.pop("failed", UNSET)
        failed: list[BulkSaveFailure] | Unset = UNSET
        if _failed is not UNSET:
            failed = []
            for failed_item_data in _failed:
                failed_item = BulkSaveFailure.from_dict(failed_item_data)

                failed.append(failed_item)

        bulk_save_result = cls(
            saved=saved,
            failed=failed,
        )

        bulk_save_result.additional_properties = d
        return bulk_save_result

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
