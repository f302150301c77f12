from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define

from ..models.connector_provider import ConnectorProvider, check_connector_provider

if TYPE_CHECKING:
    from ..models.remote_dataset_ref import RemoteDatasetRef


T = TypeVar("T", bound="ImportStartRequest")


@_attrs_define
class ImportStartRequest:
    """
    Attributes:
        provider (ConnectorProvider):
        api_key (str):
        datasets (list[RemoteDatasetRef]):
    """

    provider: ConnectorProvider
    api_key: str
    datasets: list[RemoteDatasetRef]

    def to_dict(self) -> dict[str, Any]:
        provider: str = self.provider

        api_key = self.api_key

        datasets = []
        for datasets_item_data in self.datasets:
            datasets_item = datasets_item_data.to_dict()
            datasets.append(datasets_item)

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "provider": provider,
                "api_key": api_key,
                "datasets": datasets,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.remote_dataset_ref import RemoteDatasetRef  # noqa: PLC0415

        d = dict(src_dict)
        provider = check_connector_provider(d.pop("provider"))

        api_key = d.pop("api_key")

        datasets = []
        _datasets = d.pop("datasets")
        for datasets_item_data in _datasets:
            datasets_item = RemoteDatasetRef.from_dict(datasets_item_data)

            datasets.append(datasets_item)

        import_start_request = cls(
            provider=provider,
            api_key=api_key,
            datasets=datasets,
        )

        return import_start_request
