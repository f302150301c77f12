from typing import Literal

DownloadMode = Literal["annotations_only", "full", "images_only"]

DOWNLOAD_MODE_VALUES: set[DownloadMode] = {
    "annotations_only",
    "full",
    "images_only",
}


def check_download_mode(value: str) -> DownloadMode:
    if value in DOWNLOAD_MODE_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {DOWNLOAD_MODE_VALUES!r}"
    )
