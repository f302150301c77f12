from typing import Literal

ClassAttributeType = Literal["checkbox", "number", "select", "text"]

CLASS_ATTRIBUTE_TYPE_VALUES: set[ClassAttributeType] = {
    "checkbox",
    "number",
    "select",
    "text",
}


def check_class_attribute_type(value: str) -> ClassAttributeType:
    if value in CLASS_ATTRIBUTE_TYPE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CLASS_ATTRIBUTE_TYPE_VALUES!r}"
    )
