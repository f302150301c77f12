from typing import Literal

LimitExceeded = Literal["both", "images", "storage"]

LIMIT_EXCEEDED_VALUES: set[LimitExceeded] = {
    "both",
    "images",
    "storage",
}


def check_limit_exceeded(value: str) -> LimitExceeded:
    if value in LIMIT_EXCEEDED_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {LIMIT_EXCEEDED_VALUES!r}"
    )
