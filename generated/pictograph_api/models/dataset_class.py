from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.class_attribute import ClassAttribute
    from ..models.skeleton_template import SkeletonTemplate


T = TypeVar("T", bound="DatasetClass")


@_attrs_define
class DatasetClass:
    """
    Attributes:
        name (str):
        type_ (None | str | Unset):
        color (None | str | Unset):
        attributes (list[ClassAttribute] | None | Unset):
        skeleton (None | SkeletonTemplate | Unset):
    """

    name: str
    type_: None | str | Unset = UNSET
    color: None | str | Unset = UNSET
    attributes: list[ClassAttribute] | None | Unset = UNSET
    skeleton: None | SkeletonTemplate | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.skeleton_template import SkeletonTemplate  # noqa: PLC0415

        name = self.name

        type_: None | str | Unset
        if isinstance(self.type_, Unset):
            type_ = UNSET
        else:
            type_ = self.type_

        color: None | str | Unset
        if isinstance(self.color, Unset):
            color = UNSET
        else:
            color = self.color

        attributes: list[dict[str, Any]] | None | Unset
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, list):
            attributes = []
            for attributes_type_0_item_data in self.attributes:
                attributes_type_0_item = attributes_type_0_item_data.to_dict()
                attributes.append(attributes_type_0_item)

        else:
            attributes = self.attributes

        skeleton: dict[str, Any] | None | Unset
        if isinstance(self.skeleton, Unset):
            skeleton = UNSET
        elif isinstance(self.skeleton, SkeletonTemplate):
            skeleton = self.skeleton.to_dict()
        else:
            skeleton = self.skeleton

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "name": name,
            }
        )
        if type_ is not UNSET:
            field_dict["type"] = type_
        if color is not UNSET:
            field_dict["color"] = color
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if skeleton is not UNSET:
            field_dict["skeleton"] = skeleton

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.class_attribute import ClassAttribute  # noqa: PLC0415
        from ..models.skeleton_template import SkeletonTemplate  # noqa: PLC0415

        d = dict(src_dict)
        name = d.pop("name")

        def _parse_type_(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        type_ = _parse_type_(d.pop("type", UNSET))

        def _parse_color(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        color = _parse_color(d.pop("color", UNSET))

        def _parse_attributes(data: object) -> list[ClassAttribute] | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, list):
                    raise TypeError()
                attributes_type_0 = []
                _attributes_type_0 = data
                for attributes_type_0_item_data in _attributes_type_0:
                    attributes_type_0_item = ClassAttribute.from_dict(
                        attributes_type_0_item_data
                    )

                    attributes_type_0.append(attributes_type_0_item)

                return attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(list[ClassAttribute] | None | Unset, data)

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        def _parse_skeleton(data: object) -> None | SkeletonTemplate | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                skeleton_type_0 = SkeletonTemplate.from_dict(data)

                return skeleton_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | SkeletonTemplate | Unset, data)

        skeleton = _parse_skeleton(d.pop("skeleton", UNSET))

        dataset_class = cls(
            name=name,
            type_=type_,
            color=color,
            attributes=attributes,
            skeleton=skeleton,
        )

        dataset_class.additional_properties = d
        return dataset_class

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
