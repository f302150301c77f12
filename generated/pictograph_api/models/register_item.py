from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="RegisterItem")


@_attrs_define
class RegisterItem:
    """
    Attributes:
        filename (str):
        directory_path (str):
        content_type (str):
        file_size (int):
        width (int | Unset):
        height (int | Unset):
    """

    filename: str
    directory_path: str
    content_type: str
    file_size: int
    width: int | Unset = UNSET
    height: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        filename = self.filename

        directory_path = self.directory_path

        content_type = self.content_type

        file_size = self.file_size

        width = self.width

        height = self.height

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "filename": filename,
                "directory_path": directory_path,
                "content_type": content_type,
                "file_size": file_size,
            }
        )
        if width is not UNSET:
            field_dict["width"] = width
        if height is not UNSET:
            field_dict["height"] = height

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        filename = d.pop("filename")

        directory_path = d.pop("directory_path")

        content_type = d.pop("content_type")

        file_size = d.pop("file_size")

        width = d.pop("width", UNSET)

        height = d.pop("height", UNSET)

        register_item = cls(
            filename=filename,
            directory_path=directory_path,
            content_type=content_type,
            file_size=file_size,
            width=width,
            height=height,
        )

        return register_item
