from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.annotation_type_name import AnnotationTypeName, check_annotation_type_name
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_class_input import DatasetClassInput


T = TypeVar("T", bound="DatasetUpdate")


@_attrs_define
class DatasetUpdate:
    """
    Attributes:
        new_name (str | Unset):
        description (str | Unset):
        readme (str | Unset):
        annotation_types (list[AnnotationTypeName] | Unset):
        classes (list[DatasetClassInput] | Unset): Replaces the stored list, unless `classes_base` is sent (then a
            three-way merge).
        classes_base (list[DatasetClassInput] | Unset): The class list as the caller last read it. Requires `classes`.
    """

    new_name: str | Unset = UNSET
    description: str | Unset = UNSET
    readme: str | Unset = UNSET
    annotation_types: list[AnnotationTypeName] | Unset = UNSET
    classes: list[DatasetClassInput] | Unset = UNSET
    classes_base: list[DatasetClassInput] | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        new_name = self.new_name

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

        classes_base: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.classes_base, Unset):
            classes_base = []
            for classes_base_item_data in self.classes_base:
                classes_base_item = classes_base_item_data.to_dict()
                classes_base.append(classes_base_item)

        field_dict: dict[str, Any] = {}

        field_dict.update({})
        if new_name is not UNSET:
            field_dict["new_name"] = new_name
        if description is not UNSET:
            field_dict["description"] = description
        if readme is not UNSET:
            field_dict["readme"] = readme
        if annotation_types is not UNSET:
            field_dict["annotation_types"] = annotation_types
        if classes is not UNSET:
            field_dict["classes"] = classes
        if classes_base is not UNSET:
            field_dict["classes_base"] = classes_base

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_class_input import DatasetClassInput  # noqa: PLC0415

        d = dict(src_dict)
        new_name = d.pop("new_name", UNSET)

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

        _classes_base = d.pop("classes_base", UNSET)
        classes_base: list[DatasetClassInput] | Unset = UNSET
        if _classes_base is not UNSET:
            classes_base = []
            for classes_base_item_data in _classes_base:
                classes_base_item = DatasetClassInput.from_dict(classes_base_item_data)

                classes_base.append(classes_base_item)

        dataset_update = cls(
            new_name=new_name,
            description=description,
            readme=readme,
            annotation_types=annotation_types,
            classes=classes,
            classes_base=classes_base,
        )

        return dataset_update
