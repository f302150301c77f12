from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.b_box_annotation import BBoxAnnotation
    from ..models.keypoint_annotation import KeypointAnnotation
    from ..models.polygon_annotation import PolygonAnnotation
    from ..models.polyline_annotation import PolylineAnnotation


T = TypeVar("T", bound="AnnotationList")


@_attrs_define
class AnnotationList:
    """Clients ignore members besides `annotations`; a missing `annotations` means none.

    Attributes:
        annotations (list[BBoxAnnotation | KeypointAnnotation | PolygonAnnotation | PolylineAnnotation] | Unset):
    """

    annotations: (
        list[
            BBoxAnnotation | KeypointAnnotation | PolygonAnnotation | PolylineAnnotation
        ]
        | Unset
    ) = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.b_box_annotation import BBoxAnnotation  # noqa: PLC0415
        from ..models.polygon_annotation import PolygonAnnotation  # noqa: PLC0415
        from ..models.polyline_annotation import PolylineAnnotation  # noqa: PLC0415

        annotations: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.annotations, Unset):
            annotations = []
            for annotations_item_data in self.annotations:
                annotations_item: dict[str, Any]
                if isinstance(annotations_item_data, BBoxAnnotation):
                    annotations_item = annotations_item_data.to_dict()
                elif isinstance(annotations_item_data, PolygonAnnotation):
                    annotations_item = annotations_item_data.to_dict()
                elif isinstance(annotations_item_data, PolylineAnnotation):
                    annotations_item = annotations_item_data.to_dict()
                else:
                    annotations_item = annotations_item_data.to_dict()

                annotations.append(annotations_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if annotations is not UNSET:
            field_dict["annotations"] = annotations

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.b_box_annotation import BBoxAnnotation  # noqa: PLC0415
        from ..models.keypoint_annotation import KeypointAnnotation  # noqa: PLC0415
        from ..models.polygon_annotation import PolygonAnnotation  # noqa: PLC0415
        from ..models.polyline_annotation import PolylineAnnotation  # noqa: PLC0415

        d = dict(src_dict)
        _annotations = d.pop("annotations", UNSET)
        annotations: (
            list[
                BBoxAnnotation
                | KeypointAnnotation
                | PolygonAnnotation
                | PolylineAnnotation
            ]
            | Unset
        ) = UNSET
        if _annotations is not UNSET:
            annotations = []
            for annotations_item_data in _annotations:

                def _parse_annotations_item(
                    data: object,
                ) -> (
                    BBoxAnnotation
                    | KeypointAnnotation
                    | PolygonAnnotation
                    | PolylineAnnotation
                ):
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_annotation_type_0 = BBoxAnnotation.from_dict(
                            data
                        )

                        return componentsschemas_annotation_type_0
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_annotation_type_1 = (
                            PolygonAnnotation.from_dict(data)
                        )

                        return componentsschemas_annotation_type_1
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    try:
                        if not isinstance(data, dict):
                            raise TypeError()
                        componentsschemas_annotation_type_2 = (
                            PolylineAnnotation.from_dict(data)
                        )

                        return componentsschemas_annotation_type_2
                    except (TypeError, ValueError, AttributeError, KeyError):
                        pass
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_annotation_type_3 = KeypointAnnotation.from_dict(
                        data
                    )

                    return componentsschemas_annotation_type_3

                annotations_item = _parse_annotations_item(annotations_item_data)

                annotations.append(annotations_item)

        annotation_list = cls(
            annotations=annotations,
        )

        annotation_list.additional_properties = d
        return annotation_list

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
