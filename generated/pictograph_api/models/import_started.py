from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.import_started_datasets_item import ImportStartedDatasetsItem


T = TypeVar("T", bound="ImportStarted")


@_attrs_define
class ImportStarted:
    """Servers may name the id `job` instead of `import_id`.

    Attributes:
        import_id (str | Unset):
        job (str | Unset):
        status (str | Unset):
        datasets (list[ImportStartedDatasetsItem] | Unset):
    """

    import_id: str | Unset = UNSET
    job: str | Unset = UNSET
    status: str | Unset = UNSET
    datasets: list[ImportStartedDatasetsItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        import_id = self.import_id

        job = self.job

        status = self.status

        datasets: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.datasets, Unset):
            datasets = []
            for datasets_item_data in self.datasets:
                datasets_item = datasets_item_data.to_dict()
                datasets.append(datasets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if import_id is not UNSET:
            field_dict["import_id"] = import_id
        if job is not UNSET:
            field_dict["job"] = job
        if status is not UNSET:
            field_dict["status"] = status
        if datasets is not UNSET:
            field_dict["datasets"] = datasets

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.import_started_datasets_item import ImportStartedDatasetsItem  # noqa: PLC0415

        d = dict(src_dict)
        import_id = d.pop("import_id", UNSET)

        job = d.pop("job", UNSET)

        status = d.pop("status", UNSET)

        _datasets = d.pop("datasets", UNSET)
        datasets: list[ImportStartedDatasetsItem] | Unset = UNSET
        if _datasets is not UNSET:
            datasets = []
            for datasets_item_data in _datasets:
                datasets_item = ImportStartedDatasetsItem.from_dict(datasets_item_data)

                datasets.append(datasets_item)

        import_started = cls(
            import_id=import_id,
            job=job,
            status=status,
            datasets=datasets,
        )

        import_started.additional_properties = d
        return import_started

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
