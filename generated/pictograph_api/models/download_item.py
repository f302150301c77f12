from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="DownloadItem")


@_attrs_define
class DownloadItem:
    """
    Attributes:
        filename (str):
        image_url (str | Unset): Signed storage URL (no API key).
        annotation_url (str | Unset): API URL (needs the API key); absent when there are no annotations.
    """

    filename: str
    image_url: str | Unset = UNSET
    annotation_url: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        filename = self.filename

        image_url = self.image_url

        annotation_url = self.annotation_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "filename": filename,
            }
        )
        if image_url is not UNSET:
            field_dict["image_url"] = image_url
        if annotation_url is not UNSET:
            field_dict["annotation_url"] = annotation_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        filename = d.pop("filename")

        image_url = d.pop("image_url", UNSET)

        annotation_url = d.pop("annotation_url", UNSET)

        download_item = cls(
            filename=filename,
            image_url=image_url,
            annotation_url=annotation_url,
        )

        download_item.additional_properties = d
        return download_item

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
