from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

if TYPE_CHECKING:
    from ..models.b_box_annotation import BBoxAnnotation
    from ..models.keypoint_annotation import KeypointAnnotation
    from ..models.polygon_annotation import PolygonAnnotation
    from ..models.polyline_annotation import PolylineAnnotation


T = TypeVar("T", bound="AnnotationSaveRequest")


@_attrs_define
class AnnotationSaveRequest:
    """
    Attributes:
        annotations (list[BBoxAnnotation | KeypointAnnotation | PolygonAnnotation | PolylineAnnotation]):
    """

    annotations: list[
        BBoxAnnotation | KeypointAnnotation | PolygonAnnotation | PolylineAnnotation
    ]

    def to_dict(self) -> dict[str, Any]:
        from ..models.b_box_annotation import BBoxAnnotation  # noqa: PLC0415
        from ..models.polygon_annotation import PolygonAnnotation  # noqa: PLC0415
        from ..models.polyline_annotation import PolylineAnnotation  # noqa: PLC0415

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

        field_dict.update(
            {
                "annotations": annotations,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.b_box_annotation import BBoxAnnotation  # noqa: PLC0415
        from ..models.keypoint_annotation import KeypointAnnotation  # noqa: PLC0415
        from ..models.polygon_annotation import PolygonAnnotation  # noqa: PLC0415
        from ..models.polyline_annotation import PolylineAnnotation  # noqa: PLC0415

        d = dict(src_dict)
        annotations = []
        _annotations = d.pop("annotations")
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
                    componentsschemas_annotation_type_0 = BBoxAnnotation.from_dict(data)

                    return componentsschemas_annotation_type_0
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_annotation_type_1 = PolygonAnnotation.from_dict(
                        data
                    )

                    return componentsschemas_annotation_type_1
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                try:
                    if not isinstance(data, dict):
                        raise TypeError()
                    componentsschemas_annotation_type_2 = PolylineAnnotation.from_dict(
                        data
                    )

                    return componentsschemas_annotation_type_2
                except (TypeError, ValueError, AttributeError, KeyError):
                    pass
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_annotation_type_3 = KeypointAnnotation.from_dict(data)

                return componentsschemas_annotation_type_3

            annotations_item = _parse_annotations_item(annotations_item_data)

            annotations.append(annotations_item)

        annotation_save_request = cls(
            annotations=annotations,
        )

        return annotation_save_request
