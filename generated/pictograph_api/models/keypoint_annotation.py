from __future__ import annotations

from collections.abc import Mapping
from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeVar,
    cast,
)

from attrs import define as _attrs_define

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.annotation_attributes_type_0 import AnnotationAttributesType0
    from ..models.attribute_entry_type_0 import AttributeEntryType0
    from ..models.attribute_entry_type_1_item_type_3 import AttributeEntryType1ItemType3
    from ..models.point import Point


T = TypeVar("T", bound="KeypointAnnotation")


@_attrs_define
class KeypointAnnotation:
    """One joint; keypoints sharing an `instance_id` form one object. Never has a bounding box.

    Attributes:
        id (str):
        name (str):
        type_ (Literal['keypoint']):
        keypoint (Point):
        confidence (float | Unset):  Default: 1.0.
        created_by (str | Unset):
        attributes (AnnotationAttributesType0 | list[AttributeEntryType0 | bool | float |
            list[AttributeEntryType1ItemType3 | bool | float | None | str] | None | str] | Unset): Values of the class's
            attributes, as an object or an array.
        instance_id (int | None | Unset):
    """

    id: str
    name: str
    type_: Literal["keypoint"]
    keypoint: Point
    confidence: float | Unset = 1.0
    created_by: str | Unset = UNSET
    attributes: (
        AnnotationAttributesType0
        | list[
            AttributeEntryType0
            | bool
            | float
            | list[AttributeEntryType1ItemType3 | bool | float | None | str]
            | None
            | str
        ]
        | Unset
    ) = UNSET
    instance_id: int | None | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        from ..models.annotation_attributes_type_0 import AnnotationAttributesType0  # noqa: PLC0415
        from ..models.attribute_entry_type_0 import AttributeEntryType0  # noqa: PLC0415
        from ..models.attribute_entry_type_1_item_type_3 import (
            AttributeEntryType1ItemType3,  # noqa: PLC0415
        )

        id = self.id

        name = self.name

        type_ = self.type_

        keypoint = self.keypoint.to_dict()

        confidence = self.confidence

        created_by = self.created_by

        attributes: (
            dict[str, Any]
            | list[
                bool
                | dict[str, Any]
                | float
                | list[bool | dict[str, Any] | float | None | str]
                | None
                | str
            ]
            | Unset
        )
        if isinstance(self.attributes, Unset):
            attributes = UNSET
        elif isinstance(self.attributes, AnnotationAttributesType0):
            attributes = self.attributes.to_dict()
        else:
            attributes = []
            for (
                componentsschemas_annotation_attributes_type_1_item_data
            ) in self.attributes:
                componentsschemas_annotation_attributes_type_1_item: (
                    bool
                    | dict[str, Any]
                    | float
                    | list[bool | dict[str, Any] | float | None | str]
                    | None
                    | str
                )
                if isinstance(
                    componentsschemas_annotation_attributes_type_1_item_data,
                    AttributeEntryType0,
                ):
                    componentsschemas_annotation_attributes_type_1_item = componentsschemas_annotation_attributes_type_1_item_data.to_dict()
                elif isinstance(
                    componentsschemas_annotation_attributes_type_1_item_data, list
                ):
                    componentsschemas_annotation_attributes_type_1_item = []
                    for (
                        componentsschemas_attribute_entry_type_1_item_data
                    ) in componentsschemas_annotation_attributes_type_1_item_data:
                        componentsschemas_attribute_entry_type_1_item: (
                            bool | dict[str, Any] | float | None | str
                        )
                        if isinstance(
                            componentsschemas_attribute_entry_type_1_item_data,
                            AttributeEntryType1ItemType3,
                        ):
                            componentsschemas_attribute_entry_type_1_item = componentsschemas_attribute_entry_type_1_item_data.to_dict()
                        else:
                            componentsschemas_attribute_entry_type_1_item = (
                                componentsschemas_attribute_entry_type_1_item_data
                            )
                        componentsschemas_annotation_attributes_type_1_item.append(
                            componentsschemas_attribute_entry_type_1_item
                        )

                else:
                    componentsschemas_annotation_attributes_type_1_item = (
                        componentsschemas_annotation_attributes_type_1_item_data
                    )
                attributes.append(componentsschemas_annotation_attributes_type_1_item)

        instance_id: int | None | Unset
        if isinstance(self.instance_id, Unset):
            instance_id = UNSET
        else:
            instance_id = self.instance_id

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "id": id,
                "name": name,
                "type": type_,
                "keypoint": keypoint,
            }
        )
        if confidence is not UNSET:
            field_dict["confidence"] = confidence
        if created_by is not UNSET:
            field_dict["created_by"] = created_by
        if attributes is not UNSET:
            field_dict["attributes"] = attributes
        if instance_id is not UNSET:
            field_dict["instance_id"] = instance_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.annotation_attributes_type_0 import AnnotationAttributesType0  # noqa: PLC0415
        from ..models.attribute_entry_type_0 import AttributeEntryType0  # noqa: PLC0415
        from ..models.attribute_entry_type_1_item_type_3 import (
            AttributeEntryType1ItemType3,  # noqa: PLC0415
        )
        from ..models.point import Point  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        type_ = cast(Literal["keypoint"], d.pop("type"))
        if type_ != "keypoint":
            raise ValueError(f"type must match const 'keypoint', got '{type_}'")

        keypoint = Point.from_dict(d.pop("keypoint"))

        confidence = d.pop("confidence", UNSET)

        created_by = d.pop("created_by", UNSET)

        def _parse_attributes(
            data: object,
        ) -> (
            AnnotationAttributesType0
            | list[
                AttributeEntryType0
                | bool
                | float
                | list[AttributeEntryType1ItemType3 | bool | float | None | str]
                | None
                | str
            ]
            | Unset
        ):
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_annotation_attributes_type_0 = (
                    AnnotationAttributesType0.from_dict(data)
                )

                return componentsschemas_annotation_attributes_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, list):
                raise TypeError()
            componentsschemas_annotation_attributes_type_1 = []
            _componentsschemas_annotation_attributes_type_1 = data
            for (
                componentsschemas_annotation_attributes_type_1_item_data
            ) in _componentsschemas_annotation_attributes_type_1:

                def _parse_componentsschemas_annotation_attributes_type_1_item(
                    data: object,
                ) -> (
                    AttributeEntryType0
                    | bool
                    | float
                    | list[AttributeEntryType1ItemType3 | bool | float | None | str]
                    | None
                    | str
                ):
                    if data is None:
                        return data
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_attribute_entry_type_0 = (
                            AttributeEntryType0.from_dict(data)
                        )

                        return componentsschemas_attribute_entry_type_0
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, list):
                            raise TypeError()
                        componentsschemas_attribute_entry_type_1 = []
                        _componentsschemas_attribute_entry_type_1 = data
                        for (
                            componentsschemas_attribute_entry_type_1_item_data
                        ) in _componentsschemas_attribute_entry_type_1:

                            def _parse_componentsschemas_attribute_entry_type_1_item(
                                data: object,
                            ) -> (
                                AttributeEntryType1ItemType3 | bool | float | None | str
                            ):
                                if data is None:
                                    return data
                                try:
                                    if not isinstance(data, dict):
                                        raise TypeError()
                                    componentsschemas_attribute_entry_type_1_item_type_3 = AttributeEntryType1ItemType3.from_dict(
                                        data
                                    )

                                    return componentsschemas_attribute_entry_type_1_item_type_3
                                except (
                                    TypeError,
                                    ValueError,
                                    AttributeError,
                                    KeyError,
                                ):
                                    pass
                                return cast(
                                    AttributeEntryType1ItemType3
                                    | bool
                                    | float
                                    | None
                                    | str,
                                    data,
                                )

                            componentsschemas_attribute_entry_type_1_item = (
                                _parse_componentsschemas_attribute_entry_type_1_item(
                                    componentsschemas_attribute_entry_type_1_item_data
                                )
                            )

                            componentsschemas_attribute_entry_type_1.append(
                                componentsschemas_attribute_entry_type_1_item
                            )

                        return componentsschemas_attribute_entry_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    return cast(
                        AttributeEntryType0
                        | bool
                        | float
                        | list[AttributeEntryType1ItemType3 | bool | float | None | str]
                        | None
                        | str,
                        data,
                    )

                componentsschemas_annotation_attributes_type_1_item = (
                    _parse_componentsschemas_annotation_attributes_type_1_item(
                        componentsschemas_annotation_attributes_type_1_item_data
                    )
                )

                componentsschemas_annotation_attributes_type_1.append(
                    componentsschemas_annotation_attributes_type_1_item
                )

            return componentsschemas_annotation_attributes_type_1

        attributes = _parse_attributes(d.pop("attributes", UNSET))

        def _parse_instance_id(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        instance_id = _parse_instance_id(d.pop("instance_id", UNSET))

        keypoint_annotation = cls(
            id=id,
            name=name,
            type_=type_,
            keypoint=keypoint,
            confidence=confidence,
            created_by=created_by,
            attributes=attributes,
            instance_id=instance_id,
        )

        return keypoint_annotation
