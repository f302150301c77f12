from typing import Literal

ImportStatus = Literal["cancelled", "completed", "error", "processing"]

IMPORT_STATUS_VALUES: set[ImportStatus] = {
    "cancelled",
    "completed",
    "error",
    "processing",
}


def check_import_status(value: str) -> ImportStatus:
    if value in IMPORT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {IMPORT_STATUS_VALUES!r}"
    )
