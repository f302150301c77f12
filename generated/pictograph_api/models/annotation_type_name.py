from typing import Literal

AnnotationTypeName = Literal["bbox", "box", "keypoint", "polygon", "polyline"]

ANNOTATION_TYPE_NAME_VALUES: set[AnnotationTypeName] = {
    "bbox",
    "box",
    "keypoint",
    "polygon",
    "polyline",
}


def check_annotation_type_name(value: str) -> AnnotationTypeName:
    if value in ANNOTATION_TYPE_NAME_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {ANNOTATION_TYPE_NAME_VALUES!r}"
    )
