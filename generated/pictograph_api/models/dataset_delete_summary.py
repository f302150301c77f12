from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DatasetDeleteSummary")


@_attrs_define
class DatasetDeleteSummary:
    """
    Attributes:
        id (str | Unset):
        name (str | Unset):
        deleted (bool | Unset):
        images_deleted (int | Unset):
        directories_deleted (int | Unset):
        gcs_blobs_deleted (int | Unset):
        gcs_blobs_retained_for_forks (int | Unset):
    """

    id: str | Unset = UNSET
    name: str | Unset = UNSET
    deleted: bool | Unset = UNSET
    images_deleted: int | Unset = UNSET
    directories_deleted: int | Unset = UNSET
    gcs_blobs_deleted: int | Unset = UNSET
    gcs_blobs_retained_for_forks: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        deleted = self.deleted

        images_deleted = self.images_deleted

        directories_deleted = self.directories_deleted

        gcs_blobs_deleted = self.gcs_blobs_deleted

        gcs_blobs_retained_for_forks = self.gcs_blobs_retained_for_forks

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if name is not UNSET:
            field_dict["name"] = name
        if deleted is not UNSET:
            field_dict["deleted"] = deleted
        if images_deleted is not UNSET:
            field_dict["images_deleted"] = images_deleted
        if directories_deleted is not UNSET:
            field_dict["directories_deleted"] = directories_deleted
        if gcs_blobs_deleted is not UNSET:
            field_dict["gcs_blobs_deleted"] = gcs_blobs_deleted
        if gcs_blobs_retained_for_forks is not UNSET:
            field_dict["gcs_blobs_retained_for_forks"] = gcs_blobs_retained_for_forks

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id", UNSET)

        name = d.pop("name", UNSET)

        deleted = d.pop("deleted", UNSET)

        images_deleted = d.pop("images_deleted", UNSET)

        directories_deleted = d.pop("directories_deleted", UNSET)

        gcs_blobs_deleted = d.pop("gcs_blobs_deleted", UNSET)

        gcs_blobs_retained_for_forks = d.pop("gcs_blobs_retained_for_forks", UNSET)

        dataset_delete_summary = cls(
            id=id,
            name=name,
            deleted=deleted,
            images_deleted=images_deleted,
            directories_deleted=directories_deleted,
            gcs_blobs_deleted=gcs_blobs_deleted,
            gcs_blobs_retained_for_forks=gcs_blobs_retained_for_forks,
        )

        dataset_delete_summary.additional_properties = d
        return dataset_delete_summary

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
