from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define

from ..models.export_format import ExportFormat, check_export_format
from ..models.export_status_filter import ExportStatusFilter, check_export_status_filter
from ..types import UNSET, Unset

T = TypeVar("T", bound="ExportCreate")


@_attrs_define
class ExportCreate:
    """
    Attributes:
        dataset_name (str):
        name (str):
        format_ (ExportFormat):
        include_images (bool):
        class_filter (list[str] | Unset):
        status_filter (ExportStatusFilter | Unset):
        organize_by_split (bool | Unset): Sent only when true: the ZIP then has train/, valid/ and test/ folders.
    """

    dataset_name: str
    name: str
    format_: ExportFormat
    include_images: bool
    class_filter: list[str] | Unset = UNSET
    status_filter: ExportStatusFilter | Unset = UNSET
    organize_by_split: bool | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        dataset_name = self.dataset_name

        name = self.name

        format_: str = self.format_

        include_images = self.include_images

        class_filter: list[str] | Unset = UNSET
        if not isinstance(self.class_filter, Unset):
            class_filter = self.class_filter

        status_filter: str | Unset = UNSET
        if not isinstance(self.status_filter, Unset):
            status_filter = self.status_filter

        organize_by_split = self.organize_by_split

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "dataset_name": dataset_name,
                "name": name,
                "format": format_,
                "include_images": include_images,
            }
        )
        if class_filter is not UNSET:
            field_dict["class_filter"] = class_filter
        if status_filter is not UNSET:
            field_dict["status_filter"] = status_filter
        if organize_by_split is not UNSET:
            field_dict["organize_by_split"] = organize_by_split

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        dataset_name = d.pop("dataset_name")

        name = d.pop("name")

        format_ = check_export_format(d.pop("format"))

        include_images = d.pop("include_images")

        class_filter = cast(list[str], d.pop("class_filter", UNSET))

        _status_filter = d.pop("status_filter", UNSET)
        status_filter: ExportStatusFilter | Unset
        if isinstance(_status_filter, Unset):
            status_filter = UNSET
        else:
            status_filter = check_export_status_filter(_status_filter)

        organize_by_split = d.pop("organize_by_split", UNSET)

        export_create = cls(
            dataset_name=dataset_name,
            name=name,
            format_=format_,
            include_images=include_images,
            class_filter=class_filter,
            status_filter=status_filter,
            organize_by_split=organize_by_split,
        )

        return export_create
