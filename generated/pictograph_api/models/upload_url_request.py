from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="UploadUrlRequest")


@_attrs_define
class UploadUrlRequest:
    """
    Attributes:
        dataset (str):
        filename (str):
        directory_path (str):  Default: '/'.
        content_type (str):
    """

    dataset: str
    filename: str
    content_type: str
    directory_path: str = "/"

    def to_dict(self) -> dict[str, Any]:
        dataset = self.dataset

        filename = self.filename

        directory_path = self.directory_path

        content_type = self.content_type

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dataset": dataset,
                "filename": filename,
                "directory_path": directory_path,
                "content_type": content_type,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dataset = d.pop("dataset")

        filename = d.pop("filename")

        directory_path = d.pop("directory_path")

        content_type = d.pop("content_type")

        upload_url_request = cls(
            dataset=dataset,
            filename=filename,
            directory_path=directory_path,
            content_type=content_type,
        )

        return upload_url_request
