from typing import Literal

DatasetImportStatus = Literal[
    "cancelled", "completed", "error", "pending", "processing"
]

DATASET_IMPORT_STATUS_VALUES: set[DatasetImportStatus] = {
    "cancelled",
    "completed",
    "error",
    "pending",
    "processing",
}


def check_dataset_import_status(value: str) -> DatasetImportStatus:
    if value in DATASET_IMPORT_STATUS_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {DATASET_IMPORT_STATUS_VALUES!r}"
    )
