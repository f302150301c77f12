from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_class import DatasetClass
    from ..models.image import Image


T = TypeVar("T", bound="Dataset")


@_attrs_define
class Dataset:
    """
    Attributes:
        id (UUID):
        name (str):
        created_at (datetime.datetime):
        organization_id (None | str | Unset):
        description (None | str | Unset):
        readme (None | str | Unset):
        annotation_types (list[str] | Unset):
        classes (list[DatasetClass] | Unset):
        image_count (int | Unset):  Default: 0.
        completed_image_count (int | Unset):  Default: 0.
        archived_image_count (int | Unset):  Default: 0.
        total_size (int | Unset): Bytes. Default: 0.
        is_public (bool | Unset):  Default: False.
        is_archived (bool | Unset):  Default: False.
        archived_at (datetime.datetime | None | Unset):
        storage_class (str | Unset): `standard` or `coldline`. Default: 'standard'.
        images (list[Image] | None | Unset): Only with `include_images=true`.
        updated_at (datetime.datetime | None | Unset):
    """

    id: UUID
    name: str
    created_at: datetime.datetime
    organization_id: None | str | Unset = UNSET
    description: None | str | Unset = UNSET
    readme: None | str | Unset = UNSET
    annotation_types: list[str] | Unset = UNSET
    classes: list[DatasetClass] | Unset = UNSET
    image_count: int | Unset = 0
    completed_image_count: int | Unset = 0
    archived_image_count: int | Unset = 0
    total_size: int | Unset = 0
    is_public: bool | Unset = False
    is_archived: bool | Unset = False
    archived_at: datetime.datetime | None | Unset = UNSET
    storage_class: str | Unset = "standard"
    images: list[Image] | None | Unset = UNSET
    updated_at: datetime.datetime | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = str(self.id)

        name = self.name

        created_at = self.created_at.isoformat()

        organization_id: None | str | Unset
        if isinstance(self.organization_id, Unset):
            organization_id = UNSET
        else:
            organization_id = self.organization_id

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        readme: None | str | Unset
        if isinstance(self.readme, Unset):
            readme = UNSET
        else:
            readme = self.readme

        annotation_types: list[str] | Unset = UNSET
        if not isinstance(self.annotation_types, Unset):
            annotation_types = self.annotation_types

        classes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.classes, Unset):
            classes = []
            for classes_item_data in self.classes:
                classes_item = classes_item_data.to_dict()
                classes.append(classes_item)

        image_count = self.image_count

        completed_image_count = self.completed_image_count

        archived_image_count = self.archived_image_count

        total_size = self.total_size

        is_public = self.is_public

        is_archived = self.is_archived

        archived_at: None | str | Unset
        if isinstance(self.archived_at, Unset):
            archived_at = UNSET
        elif isinstance(self.archived_at, datetime.datetime):
            archived_at = self.archived_at.isoformat()
        else:
            archived_at = self.archived_at

        storage_class = self.storage_class

        images: list[dict[str, Any]] | None | Unset
        if isinstance(self.images, Unset):
            images = UNSET
        elif isinstance(self.images, list):
            images = []
            for images_type_0_item_data in self.images:
                images_type_0_item = images_type_0_item_data.to_dict()
                images.append(images_type_0_item)

        else:
            images = self.images

        updated_at: None | str | Unset
        if isinstance(self.updated_at, Unset):
            updated_at = UNSET
        elif isinstance(self.updated_at, datetime.datetime):
            updated_at = self.updated_at.isoformat()
        else:
            updated_at = self.updated_at

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
                "created_at": created_at,
            }
        )
        if organization_id is not UNSET:
            field_dict["organization_id"] = organization_id
        if description is not UNSET:
            field_dict["description"] = description
        if readme is not UNSET:
            field_dict["readme"] = readme
        if annotation_types is not UNSET:
            field_dict["annotation_types"] = annotation_types
        if classes is not UNSET:
            field_dict["classes"] = classes
        if image_count is not UNSET:
            field_dict["image_count"] = image_count
        if completed_image_count is not UNSET:
            field_dict["completed_image_count"] = completed_image_count
        if archived_image_count is not UNSET:
            field_dict["archived_image_count"] = archived_image_count
        if total_size is not UNSET:
            field_dict["total_size"] = total_size
        if is_public is not UNSET:
            field_dict["is_public"] = is_public
        if is_archived is not UNSET:
            field_dict["is_archived"] = is_archived
        if archived_at is not UNSET:
            field_dict["archived_at"] = archived_at
        if storage_class is not UNSET:
            field_dict["storage_class"] = storage_class
        if images is not UNSET:
            field_dict["images"] = images
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_class import DatasetClass  # noqa: PLC0415
        from ..models.image import Image  # noqa: PLC0415

        d = dict(src_dict)
        id = UUID(d.pop("id"))

        name = d.pop("name")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_organization_id(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        organization_id = _parse_organization_id(d.pop("organization_id", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_readme(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        readme = _parse_readme(d.pop("readme", UNSET))

        annotation_types = cast(list[str], d.pop("annotation_types", UNSET))

        _classes = d.pop("classes", UNSET)
        classes: list[DatasetClass] | Unset = UNSET
        if _classes is not UNSET:
            classes = []
            for classes_item_data in _classes:
                classes_item = DatasetClass.from_dict(classes_item_data)

                classes.append(classes_item)

        image_count = d.pop("image_count", UNSET)

        completed_image_count = d.pop("completed_image_count", UNSET)

        archived_image_count = d.pop("archived_image_count", UNSET)

        total_size = d.pop("total_size", UNSET)

        is_public = d.pop("is_public", UNSET)

        is_archived = d.pop("is_archived", UNSET)

        def _parse_archived_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                archived_at_type_0 = datetime.datetime.fromisoformat(data)

                return archived_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        archived_at = _parse_archived_at(d.pop("archived_at", UNSET))

        storage_class = d.pop("storage_class", UNSET)

        def _parse_images(data: object) -> list[Image] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                images_type_0 = []
                _images_type_0 = data
                for images_type_0_item_data in _images_type_0:
                    images_type_0_item = Image.from_dict(images_type_0_item_data)

                    images_type_0.append(images_type_0_item)

                return images_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[Image] | None | Unset, data)

        images = _parse_images(d.pop("images", UNSET))

        def _parse_updated_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                updated_at_type_0 = datetime.datetime.fromisoformat(data)

                return updated_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        updated_at = _parse_updated_at(d.pop("updated_at", UNSET))

        dataset = cls(
            id=id,
            name=name,
            created_at=created_at,
            organization_id=organization_id,
            description=description,
            readme=readme,
            annotation_types=annotation_types,
            classes=classes,
            image_count=image_count,
            completed_image_count=completed_image_count,
            archived_image_count=archived_image_count,
            total_size=total_size,
            is_public=is_public,
            is_archived=is_archived,
            archived_at=archived_at,
            storage_class=storage_class,
            images=images,
            updated_at=updated_at,
        )

        dataset.additional_properties = d
        return dataset

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
