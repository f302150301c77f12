from typing import Literal

ExportStatusFilter = Literal["all", "complete", "in_progress", "new"]

EXPORT_STATUS_FILTER_VALUES: set[ExportStatusFilter] = {
    "all",
    "complete",
    "in_progress",
    "new",
}


def check_export_status_filter(value: str) -> ExportStatusFilter:
    if value in EXPORT_STATUS_FILTER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {EXPORT_STATUS_FILTER_VALUES!r}"
    )
