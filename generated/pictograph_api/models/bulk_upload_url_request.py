from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.upload_url_item import UploadUrlItem


T = TypeVar("T", bound="BulkUploadUrlRequest")


@_attrs_define
class BulkUploadUrlRequest:
    """
    Attributes:
        dataset (str):
        images (list[UploadUrlItem]):
    """

    dataset: str
    images: list[UploadUrlItem]

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        images = []
        for images_item_data in self.images:
            images_item = images_item_data.to_dict()
            images.append(images_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dataset": dataset,
                "images": images,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.upload_url_item import UploadUrlItem  # noqa: PLC0415

        d = dict(src_dict)
        dataset = d.pop("dataset")

        images = []
        _images = d.pop("images")
        for images_item_data in _images:
            images_item = UploadUrlItem.from_dict(images_item_data)

            images.append(images_item)

        bulk_upload_url_request = cls(
            dataset=dataset,
            images=images,
        )

        return bulk_upload_url_request
