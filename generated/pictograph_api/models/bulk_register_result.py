from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.image import Image
    from ..models.register_failure import RegisterFailure


T = TypeVar("T", bound="BulkRegisterResult")


@_attrs_define
class BulkRegisterResult:
    """
    Attributes:
        succeeded (list[Image] | Unset):
        failed (list[RegisterFailure] | Unset):
    """

    succeeded: list[Image] | Unset = UNSET
    failed: list[RegisterFailure] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        succeeded: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.succeeded, Unset):
            succeeded = []
            for succeeded_item_data in self.succeeded:
                succeeded_item = succeeded_item_data.to_dict()
                succeeded.append(succeeded_item)

        failed: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.failed, Unset):
            failed = []
            for failed_item_data in self.failed:
                failed_item = failed_item_data.to_dict()
                failed.append(failed_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if succeeded is not UNSET:
            field_dict["succeeded"] = succeeded
        if failed is not UNSET:
            field_dict["failed"] = failed

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.image import Image  # noqa: PLC0415
        from ..models.register_failure import RegisterFailure  # noqa: PLC0415

        d = dict(src_dict)
        _succeeded = d.pop("succeeded", UNSET)
        succeeded: list[Image] | Unset = UNSET
        if _succeeded is not UNSET:
            succeeded = []
            for succeeded_item_data in _succeeded:
                succeeded_item = Image.from_dict(succeeded_item_data)

                succeeded.append(succeeded_item)

        _failed = d.pop("failed", UNSET)
        failed: list[RegisterFailure] | Unset = UNSET
        if _failed is not UNSET:
            failed = []
            for failed_item_data in _failed:
                failed_item = RegisterFailure.from_dict(failed_item_data)

                failed.append(failed_item)

        bulk_register_result = cls(
            succeeded=succeeded,
            failed=failed,
        )

        bulk_register_result.additional_properties = d
        return bulk_register_result

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
