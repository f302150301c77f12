from typing import Literal

ImageStatus = Literal["annotate", "complete", "new", "review"]

IMAGE_STATUS_VALUES: set[ImageStatus] = {
    "annotate",
    "complete",
    "new",
    "review",
}


def check_image_status(value: str) -> ImageStatus:
    if value in IMAGE_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMAGE_STATUS_VALUES!r}"
    )
