from typing import Literal

ConnectorProvider = Literal["roboflow", "v7"]

CONNECTOR_PROVIDER_VALUES: set[ConnectorProvider] = {
    "roboflow",
    "v7",
}


def check_connector_provider(value: str) -> ConnectorProvider:
    if value in CONNECTOR_PROVIDER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {CONNECTOR_PROVIDER_VALUES!r}"
    )
