from typing import Literal

ExportStatus = Literal["completed", "failed", "pending", "processing"]

EXPORT_STATUS_VALUES: set[ExportStatus] = {
    "completed",
    "failed",
    "pending",
    "processing",
}


def check_export_status(value: str) -> ExportStatus:
    if value in EXPORT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EXPORT_STATUS_VALUES!r}"
    )
