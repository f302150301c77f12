from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.export_format import ExportFormat, check_export_format
from ..models.export_status import ExportStatus, check_export_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="Export")


@_attrs_define
class Export:
    """
    Attributes:
        id (str):
        dataset_name (str):
        name (str):
        format_ (ExportFormat | str):
        status (ExportStatus | str):
        created_at (datetime.datetime):
        dataset_id (None | str | Unset): Servers may send it as `project_id`.
        project_id (None | str | Unset):
        include_images (bool | Unset):  Default: False.
        class_filter (list[str] | None | Unset):
        status_filter (None | str | Unset):
        error_message (None | str | Unset):
        file_size (int | None | Unset):
        image_count (int | None | Unset):
        annotation_count (int | None | Unset):
        expires_at (datetime.datetime | None | Unset):
        download_url (None | str | Unset):
        organization_id (None | str | Unset):
    """

    id: str
    dataset_name: str
    name: str
    format_: ExportFormat | str
    status: ExportStatus | str
    created_at: datetime.datetime
    dataset_id: None | str | Unset = UNSET
    project_id: None | str | Unset = UNSET
    include_images: bool | Unset = False
    class_filter: list[str] | None | Unset = UNSET
    status_filter: None | str | Unset = UNSET
    error_message: None | str | Unset = UNSET
    file_size: int | None | Unset = UNSET
    image_count: int | None | Unset = UNSET
    annotation_count: int | None | Unset = UNSET
    expires_at: datetime.datetime | None | Unset = UNSET
    download_url: None | str | Unset = UNSET
    organization_id: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        dataset_name = self.dataset_name

        name = self.name

        format_: str
        if isinstance(self.format_, str):
            format_ = self.format_
        else:
            format_ = self.format_

        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        created_at = self.created_at.isoformat()

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        else:
            dataset_id = self.dataset_id

        project_id: None | str | Unset
        if isinstance(self.project_id, Unset):
            project_id = UNSET
        else:
            project_id = self.project_id

        include_images = self.include_images

        class_filter: list[str] | None | Unset
        if isinstance(self.class_filter, Unset):
            class_filter = UNSET
        elif isinstance(self.class_filter, list):
            class_filter = self.class_filter

        else:
            class_filter = self.class_filter

        status_filter: None | str | Unset
        if isinstance(self.status_filter, Unset):
            status_filter = UNSET
        else:
            status_filter = self.status_filter

        error_message: None | str | Unset
        if isinstance(self.error_message, Unset):
            error_message = UNSET
        else:
            error_message = self.error_message

        file_size: int | None | Unset
        if isinstance(self.file_size, Unset):
            file_size = UNSET
        else:
            file_size = self.file_size

        image_count: int | None | Unset
        if isinstance(self.image_count, Unset):
            image_count = UNSET
        else:
            image_count = self.image_count

        annotation_count: int | None | Unset
        if isinstance(self.annotation_count, Unset):
            annotation_count = UNSET
        else:
            annotation_count = self.annotation_count

        expires_at: None | str | Unset
        if isinstance(self.expires_at, Unset):
            expires_at = UNSET
        elif isinstance(self.expires_at, datetime.datetime):
            expires_at = self.expires_at.isoformat()
        else:
            expires_at = self.expires_at

        download_url: None | str | Unset
        if isinstance(self.download_url, Unset):
            download_url = UNSET
        else:
            download_url = self.download_url

        organization_id: None | str | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "dataset_name": dataset_name,
                "name": name,
                "format": format_,
                "status": status,
                "created_at": created_at,
            }
        )
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if project_id is not UNSET:
            field_dict["project_id"] = project_id
        if include_images is not UNSET:
            field_dict["include_images"] = include_images
        if class_filter is not UNSET:
            field_dict["class_filter"] = class_filter
        if status_filter is not UNSET:
            field_dict["status_filter"] = status_filter
        if error_message is not UNSET:
            field_dict["error_message"] = error_message
        if file_size is not UNSET:
            field_dict["file_size"] = file_size
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if annotation_count is not UNSET:
            field_dict["annotation_count"] = annotation_count
        if expires_at is not UNSET:
            field_dict["expires_at"] = expires_at
        if download_url is not UNSET:
            field_dict["download_url"] = download_url
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        dataset_name = d.pop("dataset_name")

        name = d.pop("name")

        def _parse_format_(data: object) -> ExportFormat | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                format_type_0 = check_export_format(data)

                return format_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportFormat | str, data)

        format_ = _parse_format_(d.pop("format"))

        def _parse_status(data: object) -> ExportStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_export_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ExportStatus | str, data)

        status = _parse_status(d.pop("status"))

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_dataset_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))

        def _parse_project_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        project_id = _parse_project_id(d.pop("project_id", UNSET))

        include_images = d.pop("include_images", UNSET)

        def _parse_class_filter(data: object) -> list[str] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                class_filter_type_0 = cast(list[str], data)

                return class_filter_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[str] | None | Unset, data)

        class_filter = _parse_class_filter(d.pop("class_filter", UNSET))

        def _parse_status_filter(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        status_filter = _parse_status_filter(d.pop("status_filter", UNSET))

        def _parse_error_message(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error_message = _parse_error_message(d.pop("error_message", UNSET))

        def _parse_file_size(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        file_size = _parse_file_size(d.pop("file_size", UNSET))

        def _parse_image_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        image_count = _parse_image_count(d.pop("image_count", UNSET))

        def _parse_annotation_count(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        annotation_count = _parse_annotation_count(d.pop("annotation_count", UNSET))

        def _parse_expires_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                expires_at_type_0 = datetime.datetime.fromisoformat(data)

                return expires_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        expires_at = _parse_expires_at(d.pop("expires_at", UNSET))

        def _parse_download_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        download_url = _parse_download_url(d.pop("download_url", UNSET))

        def _parse_organization_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        organization_id = _parse_organization_id(d.pop("organization_id", UNSET))

        export = cls(
            id=id,
            dataset_name=dataset_name,
            name=name,
            format_=format_,
            status=status,
            created_at=created_at,
            dataset_id=dataset_id,
            project_id=project_id,
            include_images=include_images,
            class_filter=class_filter,
            status_filter=status_filter,
            error_message=error_message,
            file_size=file_size,
            image_count=image_count,
            annotation_count=annotation_count,
            expires_at=expires_at,
            download_url=download_url,
            organization_id=organization_id,
        )

        export.additional_properties = d
        return export

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
