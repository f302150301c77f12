from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.annotation_type_name import AnnotationTypeName, check_annotation_type_name
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_class_input import DatasetClassInput


T = TypeVar("T", bound="DatasetCreate")


@_attrs_define
class DatasetCreate:
    """
    Attributes:
        name (str):
        description (str | Unset):
        readme (str | Unset): Markdown.
        annotation_types (list[AnnotationTypeName] | Unset):
        classes (list[DatasetClassInput] | Unset):
    """

    name: str
    description: str | Unset = UNSET
    readme: str | Unset = UNSET
    annotation_types: list[AnnotationTypeName] | Unset = UNSET
    classes: list[DatasetClassInput] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        name = self.name

        description = self.description

        readme = self.readme

        annotation_types: list[str] | Unset = UNSET
        if not isinstance(self.annotation_types, Unset):
            annotation_types = []
            for annotation_types_item_data in self.annotation_types:
                annotation_types_item: str = annotation_types_item_data
                annotation_types.append(annotation_types_item)

        classes: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.classes, Unset):
            classes = []
            for classes_item_data in self.classes:
                classes_item = classes_item_data.to_dict()
                classes.append(classes_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "name": name,
            }
        )
        if description is not UNSET:
            field_dict["description"] = description
        if readme is not UNSET:
            field_dict["readme"] = readme
        if annotation_types is not UNSET:
            field_dict["annotation_types"] = annotation_types
        if classes is not UNSET:
            field_dict["classes"] = classes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_class_input import DatasetClassInput  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        description = d.pop("description", UNSET)

        readme = d.pop("readme", UNSET)

        _annotation_types = d.pop("annotation_types", UNSET)
        annotation_types: list[AnnotationTypeName] | Unset = UNSET
        if _annotation_types is not UNSET:
            annotation_types = []
            for annotation_types_item_data in _annotation_types:
                annotation_types_item = check_annotation_type_name(
                    annotation_types_item_data
                )

                annotation_types.append(annotation_types_item)

        _classes = d.pop("classes", UNSET)
        classes: list[DatasetClassInput] | Unset = UNSET
        if _classes is not UNSET:
            classes = []
            for classes_item_data in _classes:
                classes_item = DatasetClassInput.from_dict(classes_item_data)

                classes.append(classes_item)

        dataset_create = cls(
            name=name,
            description=description,
            readme=readme,
            annotation_types=annotation_types,
            classes=classes,
        )

        return dataset_create
