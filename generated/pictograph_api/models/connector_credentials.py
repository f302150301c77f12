from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..models.connector_provider import ConnectorProvider, check_connector_provider

T = TypeVar("T", bound="ConnectorCredentials")


@_attrs_define
class ConnectorCredentials:
    """
    Attributes:
        provider (ConnectorProvider):
        api_key (str): The source's key; never stored or echoed.
    """

    provider: ConnectorProvider
    api_key: str

    def to_dict(self) -> dict[str, Any]:
        provider: str = self.provider

        api_key = self.api_key

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "provider": provider,
                "api_key": api_key,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        provider = check_connector_provider(d.pop("provider"))

        api_key = d.pop("api_key")

        connector_credentials = cls(
            provider=provider,
            api_key=api_key,
        )

        return connector_credentials
