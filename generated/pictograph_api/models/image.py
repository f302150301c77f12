from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.image_split import ImageSplit, check_image_split
from ..models.image_status import ImageStatus, check_image_status
from ..types import UNSET, Unset

T = TypeVar("T", bound="Image")


@_attrs_define
class Image:
    """
    Attributes:
        id (str):
        filename (str):
        created_at (datetime.datetime):
        dataset_id (None | str | Unset):
        directory_path (None | str | Unset): Absolute; `/` is the root.
        status (ImageStatus | str | Unset): An ImageStatus; other words are kept as strings.
        split (ImageSplit | None | str | Unset):
        annotation_count (int | Unset):  Default: 0.
        file_size (int | Unset):  Default: 0.
        min_confidence (float | None | Unset):
        width (int | None | Unset):
        height (int | None | Unset):
        content_type (None | str | Unset):
        tags (list[str] | Unset):
        is_archived (bool | Unset):  Default: False.
        image_url (None | str | Unset): API URL of the bytes (needs the API key).
        thumbnail_url (None | str | Unset): CDN URL, about 200 px.
        annotation_url (None | str | Unset):
    """

    id: str
    filename: str
    created_at: datetime.datetime
    dataset_id: None | str | Unset = UNSET
    directory_path: None | str | Unset = UNSET
    status: ImageStatus | str | Unset = UNSET
    split: ImageSplit | None | str | Unset = UNSET
    annotation_count: int | Unset = 0
    file_size: int | Unset = 0
    min_confidence: float | None | Unset = UNSET
    width: int | None | Unset = UNSET
    height: int | None | Unset = UNSET
    content_type: None | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    is_archived: bool | Unset = False
    image_url: None | str | Unset = UNSET
    thumbnail_url: None | str | Unset = UNSET
    annotation_url: None | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        filename = self.filename

        created_at = self.created_at.isoformat()

        dataset_id: None | str | Unset
        if isinstance(self.dataset_id, Unset):
            dataset_id = UNSET
        else:
            dataset_id = self.dataset_id

        directory_path: None | str | Unset
        if isinstance(self.directory_path, Unset):
            directory_path = UNSET
        else:
            directory_path = self.directory_path

        status: str | Unset
        if isinstance(self.status, Unset):
            status = UNSET
        elif isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        split: None | str | Unset
        if isinstance(self.split, Unset):
            split = UNSET
        elif isinstance(self.split, str):
            split = self.split
        else:
            split = self.split

        annotation_count = self.annotation_count

        file_size = self.file_size

        min_confidence: float | None | Unset
        if isinstance(self.min_confidence, Unset):
            min_confidence = UNSET
        else:
            min_confidence = self.min_confidence

        width: int | None | Unset
        if isinstance(self.width, Unset):
            width = UNSET
        else:
            width = self.width

        height: int | None | Unset
        if isinstance(self.height, Unset):
            height = UNSET
        else:
            height = self.height

        content_type: None | str | Unset
        if isinstance(self.content_type, Unset):
            content_type = UNSET
        else:
            content_type = self.content_type

        tags: list[str] | Unset = UNSET
        if not isinstance(self.tags, Unset):
            tags = self.tags

        is_archived = self.is_archived

        image_url: None | str | Unset
        if isinstance(self.image_url, Unset):
            image_url = UNSET
        else:
            image_url = self.image_url

        thumbnail_url: None | str | Unset
        if isinstance(self.thumbnail_url, Unset):
            thumbnail_url = UNSET
        else:
            thumbnail_url = self.thumbnail_url

        annotation_url: None | str | Unset
        if isinstance(self.annotation_url, Unset):
            annotation_url = UNSET
        else:
            annotation_url = self.annotation_url

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "filename": filename,
                "created_at": created_at,
            }
        )
        if dataset_id is not UNSET:
            field_dict["dataset_id"] = dataset_id
        if directory_path is not UNSET:
            field_dict["directory_path"] = directory_path
        if status is not UNSET:
            field_dict["status"] = status
        if split is not UNSET:
            field_dict["split"] = split
        if annotation_count is not UNSET:
            field_dict["annotation_count"] = annotation_count
        if file_size is not UNSET:
            field_dict["file_size"] = file_size
        if min_confidence is not UNSET:
            field_dict["min_confidence"] = min_confidence
        if width is not UNSET:
            field_dict["width"] = width
        if height is not UNSET:
            field_dict["height"] = height
        if content_type is not UNSET:
            field_dict["content_type"] = content_type
        if tags is not UNSET:
            field_dict["tags"] = tags
        if is_archived is not UNSET:
            field_dict["is_archived"] = is_archived
        if image_url is not UNSET:
            field_dict["image_url"] = image_url
        if thumbnail_url is not UNSET:
            field_dict["thumbnail_url"] = thumbnail_url
        if annotation_url is not UNSET:
            field_dict["annotation_url"] = annotation_url

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        filename = d.pop("filename")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_dataset_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        dataset_id = _parse_dataset_id(d.pop("dataset_id", UNSET))

        def _parse_directory_path(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        directory_path = _parse_directory_path(d.pop("directory_path", UNSET))

        def _parse_status(data: object) -> ImageStatus | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_image_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImageStatus | str | Unset, data)

        status = _parse_status(d.pop("status", UNSET))

        def _parse_split(data: object) -> ImageSplit | None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                split_type_0 = check_image_split(data)

                return split_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImageSplit | None | str | Unset, data)

        split = _parse_split(d.pop("split", UNSET))

        annotation_count = d.pop("annotation_count", UNSET)

        file_size = d.pop("file_size", UNSET)

        def _parse_min_confidence(data: object) -> float | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(float | None | Unset, data)

        min_confidence = _parse_min_confidence(d.pop("min_confidence", UNSET))

        def _parse_width(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        width = _parse_width(d.pop("width", UNSET))

        def _parse_height(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        height = _parse_height(d.pop("height", UNSET))

        def _parse_content_type(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        content_type = _parse_content_type(d.pop("content_type", UNSET))

        tags = cast(list[str], d.pop("tags", UNSET))

        is_archived = d.pop("is_archived", UNSET)

        def _parse_image_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        image_url = _parse_image_url(d.pop("image_url", UNSET))

        def _parse_thumbnail_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        thumbnail_url = _parse_thumbnail_url(d.pop("thumbnail_url", UNSET))

        def _parse_annotation_url(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        annotation_url = _parse_annotation_url(d.pop("annotation_url", UNSET))

        image = cls(
            id=id,
            filename=filename,
            created_at=created_at,
            dataset_id=dataset_id,
            directory_path=directory_path,
            status=status,
            split=split,
            annotation_count=annotation_count,
            file_size=file_size,
            min_confidence=min_confidence,
            width=width,
            height=height,
            content_type=content_type,
            tags=tags,
            is_archived=is_archived,
            image_url=image_url,
            thumbnail_url=thumbnail_url,
            annotation_url=annotation_url,
        )

        image.additional_properties = d
        return image

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
