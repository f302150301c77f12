from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.import_status import ImportStatus, check_import_status
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.dataset_import_progress import DatasetImportProgress


T = TypeVar("T", bound="ImportJob")


@_attrs_define
class ImportJob:
    """Servers may name the id `job` instead of `import_id`.

    Attributes:
        status (ImportStatus | str):
        import_id (str | Unset):
        job (str | Unset):
        progress (float | Unset):  Default: 0.0.
        total_images (int | Unset):  Default: 0.
        imported_images (int | Unset):  Default: 0.
        failed_images (int | Unset):  Default: 0.
        current_dataset (None | str | Unset):  Default: ''.
        datasets (list[DatasetImportProgress] | Unset):
    """

    status: ImportStatus | str
    import_id: str | Unset = UNSET
    job: str | Unset = UNSET
    progress: float | Unset = 0.0
    total_images: int | Unset = 0
    imported_images: int | Unset = 0
    failed_images: int | Unset = 0
    current_dataset: None | str | Unset = ""
    datasets: list[DatasetImportProgress] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status: str
        if isinstance(self.status, str):
            status = self.status
        else:
            status = self.status

        import_id = self.import_id

        job = self.job

        progress = self.progress

        total_images = self.total_images

        imported_images = self.imported_images

        failed_images = self.failed_images

        current_dataset: None | str | Unset
        if isinstance(self.current_dataset, Unset):
            current_dataset = UNSET
        else:
            current_dataset = self.current_dataset

        datasets: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.datasets, Unset):
            datasets = []
            for datasets_item_data in self.datasets:
                datasets_item = datasets_item_data.to_dict()
                datasets.append(datasets_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
            }
        )
        if import_id is not UNSET:
            field_dict["import_id"] = import_id
        if job is not UNSET:
            field_dict["job"] = job
        if progress is not UNSET:
            field_dict["progress"] = progress
        if total_images is not UNSET:
            field_dict["total_images"] = total_images
        if imported_images is not UNSET:
            field_dict["imported_images"] = imported_images
        if failed_images is not UNSET:
            field_dict["failed_images"] = failed_images
        if current_dataset is not UNSET:
            field_dict["current_dataset"] = current_dataset
        if datasets is not UNSET:
            field_dict["datasets"] = datasets

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.dataset_import_progress import DatasetImportProgress  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_status(data: object) -> ImportStatus | str:
            try:
                if not isinstance(data, str):
                    raise TypeError()
                status_type_0 = check_import_status(data)

                return status_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ImportStatus | str, data)

        status = _parse_status(d.pop("status"))

        import_id = d.pop("import_id", UNSET)

        job = d.pop("job", UNSET)

        progress = d.pop("progress", UNSET)

        total_images = d.pop("total_images", UNSET)

        imported_images = d.pop("imported_images", UNSET)

        failed_images = d.pop("failed_images", UNSET)

        def _parse_current_dataset(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        current_dataset = _parse_current_dataset(d.pop("current_dataset", UNSET))

        _datasets = d.pop("datasets", UNSET)
        datasets: list[DatasetImportProgress] | Unset = UNSET
        if _datasets is not UNSET:
            datasets = []
            for datasets_item_data in _datasets:
                datasets_item = DatasetImportProgress.from_dict(datasets_item_data)

                datasets.append(datasets_item)

        import_job = cls(
            status=status,
            import_id=import_id,
            job=job,
            progress=progress,
            total_images=total_images,
            imported_images=imported_images,
            failed_images=failed_images,
            current_dataset=current_dataset,
            datasets=datasets,
        )

        import_job.additional_properties = d
        return import_job

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
