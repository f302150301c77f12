from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="RemoteDatasetRef")


@_attrs_define
class RemoteDatasetRef:
    """A dataset to import. Other members pass through to the server unchanged.

    Attributes:
        id (str):
        name (str):
        slug (str):
        image_count (int | Unset):
        version (int | Unset):
    """

    id: str
    name: str
    slug: str
    image_count: int | Unset = UNSET
    version: int | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        slug = self.slug

        image_count = self.image_count

        version = self.version

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "slug": slug,
            }
        )
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if version is not UNSET:
            field_dict["version"] = version

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        slug = d.pop("slug")

        image_count = d.pop("image_count", UNSET)

        version = d.pop("version", UNSET)

        remote_dataset_ref = cls(
            id=id,
            name=name,
            slug=slug,
            image_count=image_count,
            version=version,
        )

        remote_dataset_ref.additional_properties = d
        return remote_dataset_ref

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
