"""``client.connectors`` (docs/wire-protocol.md §6, §8.7): import datasets from V7 Darwin or Roboflow.

The source platform's key is sent only on ``validate`` and ``import_``; it never appears in a repr, a log line
or an exception message.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

import attrs
from pictograph_api.api.connectors import (
    cancel_import,
    check_import_limits,
    get_import_status,
    start_import,
    validate_connector,
)
from pictograph_api.models.connector_credentials import ConnectorCredentials
from pictograph_api.models.import_start_request import ImportStartRequest
from pictograph_api.models.limit_check_request import LimitCheckRequest
from pictograph_api.models.remote_dataset_ref import RemoteDatasetRef

from pictograph._args import check_flag, check_name, check_range
from pictograph._async._polling import check_wait_arguments, wait_for_job
from pictograph._model_base import build
from pictograph._protocol import schema_error, unwrap
from pictograph.errors import ValidationError
from pictograph.models import ConnectorProvider, ImportJob, LimitCheckResult, RemoteDataset, ValidationResult

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient

Provider = ConnectorProvider | Literal["v7", "roboflow"]
_PROVIDERS = ("v7", "roboflow")
_SUCCESS = frozenset({"completed"})
_FAILURE = frozenset({"error"})
_RETURNED = frozenset({"cancelled"})


def _invalid(loc: builtins.list[str | int], message: str) -> ValidationError:
    return ValidationError(message, field_errors=[{"loc": loc, "msg": message}], status_code=None)


def _provider(value: object) -> str:
    if not isinstance(value, str) or str(value) not in _PROVIDERS:
        raise _invalid(["provider"], f"provider must be one of {', '.join(_PROVIDERS)}, got {value!r}")
    return str(value)


def _source_key(value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError("api_key (the source platform's key) must be a non-empty string")
    return value


def _dataset_ref(item: object, index: int) -> dict[str, Any]:
    """A RemoteDatasetRef: ints become decimal strings, null members are dropped, others pass through."""
    if isinstance(item, RemoteDataset):
        data: Mapping[str, Any] = item.to_dict()
    elif isinstance(item, Mapping):
        data = item
    else:
        raise _invalid(["datasets", index], f"datasets[{index}] must be a RemoteDataset or a dict, got {type(item).__name__}")
    out = {str(k): v for k, v in data.items() if v is not None}
    value = out.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        out["id"] = str(value)
    for key in ("id", "name", "slug"):
        if not isinstance(out.get(key), str):
            raise _invalid(["datasets", index, key], f"datasets[{index}] needs a string {key!r}")
    return out


def _import_id(payload: Any, model: str) -> str:
    if isinstance(payload, Mapping):
        for key in ("import_id", "job"):
            value = payload.get(key)
            if isinstance(value, str) and value:
                return value
    raise schema_error(model, "required field 'import_id' (or 'job') is missing", payload)


class AsyncConnectors:
    """Imports from other annotation platforms, run as server-side jobs."""

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client._transport
        # import_id -> the datasets this client asked to import (for DatasetImportProgress.total_images)
        self._requested: dict[str, builtins.list[dict[str, Any]]] = {}

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def validate(self, provider: Provider, api_key: str) -> ValidationResult:
        """Check a source platform key and list the datasets it can read (no quota used).

        A rejected source key is ``valid=False`` with ``error`` set, not an exception.

        Example::

            result = client.connectors.validate(provider="v7", api_key="v7_api_token_...")
            if result.valid:
                print([d.name for d in result.datasets])
        """
        body = ConnectorCredentials(provider=_provider(provider), api_key=_source_key(api_key))  # type: ignore[arg-type]
        response = await self._transport.send(validate_connector._get_kwargs(body=body))
        return build(ValidationResult, unwrap(response.status_code, response.content, "data", "ValidationResult"))

    async def check_limits(self, total_images: int, estimated_size_bytes: int) -> LimitCheckResult:
        """Whether an import of this size fits the plan's caps (``allowed``; ``exceeded`` says which).

        Example::

            check = client.connectors.check_limits(total_images=12500, estimated_size_bytes=4_000_000_000)
        """
        check_range("total_images", total_images, 0)
        check_range("estimated_size_bytes", estimated_size_bytes, 0)
        body = LimitCheckRequest(total_images=total_images, estimated_size_bytes=estimated_size_bytes)
        response = await self._transport.send(check_import_limits._get_kwargs(body=body))
        return build(LimitCheckResult, unwrap(response.status_code, response.content, "data", "LimitCheckResult"))

    async def import_(
        self,
        provider: Provider,
        api_key: str,
        datasets: Sequence[RemoteDataset | Mapping[str, Any]],
        wait: bool = True,
        poll_interval: float = 3.0,
        timeout: float = 3600.0,
    ) -> ImportJob:
        """Start importing datasets; with ``wait=True`` (the default) return the job once it is terminal.

        ``wait=False`` returns a local ``processing`` job at once. A failed import raises ``ApiError``
        (``code="job_failed"``); a cancelled one is returned.

        Example::

            job = client.connectors.import_(
                provider="v7", api_key="v7_api_token_...",
                datasets=[{"id": "ds_abc", "name": "Road signs", "slug": "road-signs"}],
            )
            for ds in job.datasets:
                print(ds.dataset_name, ds.images_imported, "/", ds.total_images)
        """
        name = _provider(provider)
        key = _source_key(api_key)
        if isinstance(datasets, str | bytes | Mapping) or not isinstance(datasets, Sequence):
            raise _invalid(["datasets"], "datasets must be a list of RemoteDataset objects or dicts")
        if not datasets:
            raise _invalid(["datasets"], "datasets is empty: give at least one dataset to import")
        check_flag("wait", wait)
        if wait:
            check_wait_arguments(poll_interval, timeout)
        refs = [_dataset_ref(item, i) for i, item in enumerate(datasets)]
        body = ImportStartRequest(
            provider=name,  # type: ignore[arg-type]
            api_key=key,
            datasets=[RemoteDatasetRef.from_dict(ref) for ref in refs],
        )
        response = await self._transport.send(start_import._get_kwargs(body=body))
        payload = unwrap(response.status_code, response.content, "data", "ImportStarted")
        import_id = _import_id(payload, "ImportStarted")
        self._requested[import_id] = refs
        if not wait:
            return ImportJob(status="processing", import_id=import_id)
        return await self.wait_for_import(import_id, poll_interval=poll_interval, timeout=timeout)

    def _job(self, payload: Any, import_id: str, model: str = "ImportJob") -> ImportJob:
        job = build(ImportJob, payload, where=model)
        if not job.import_id:
            job = attrs.evolve(job, import_id=import_id)
        requested = self._requested.get(job.import_id)
        if not requested or not job.datasets:
            return job
        by_name = {ref["name"]: ref for ref in requested}
        same_length = len(requested) == len(job.datasets)
        progress = []
        for index, item in enumerate(job.datasets):
            ref = by_name.get(item.dataset_name or "")
            if ref is None and same_length:
                ref = requested[index]
            count = ref.get("image_count") if ref is not None else None
            if isinstance(count, int) and not isinstance(count, bool):
                item = attrs.evolve(item, _requested_total=count)
            progress.append(item)
        return attrs.evolve(job, datasets=progress)

    async def get_import(self, import_id: str) -> ImportJob:
        """The current state of an import job.

        Example::

            job = client.connectors.get_import(import_id)
            print(job.status, job.progress)
        """
        check_name("import_id", import_id)
        response = await self._transport.send(get_import_status._get_kwargs(import_id))
        return self._job(unwrap(response.status_code, response.content, "data", "ImportJob"), import_id)

    async def wait_for_import(self, import_id: str, poll_interval: float = 3.0, timeout: float = 3600.0) -> ImportJob:
        """Poll an import until it is ``completed`` or ``cancelled`` (returned) or ``error`` (``ApiError``).

        Example::

            job = client.connectors.wait_for_import(import_id, timeout=600.0)
        """
        check_name("import_id", import_id)
        check_wait_arguments(poll_interval, timeout)

        async def fetch() -> ImportJob:
            return await self.get_import(import_id)

        return await wait_for_job(
            fetch,
            status_of=lambda job: job.status,
            success=_SUCCESS,
            failure=_FAILURE,
            returned=_RETURNED,
            failure_message=lambda job: f"import {job.import_id!r} ended in error "
            f"({job.imported_images} imported, {job.failed_images} failed)",
            describe=f"import {import_id!r}",
            poll_interval=poll_interval,
            timeout=timeout,
            sleep=self._transport.sleep,
            clock=self._transport.clock,
        )

    async def cancel_import(self, import_id: str) -> ImportJob:
        """Cancel an import and return the job as the server now reports it.

        Example::

            job = client.connectors.cancel_import(import_id)
            print(job.status)   # "cancelled"
        """
        check_name("import_id", import_id)
        response = await self._transport.send(cancel_import._get_kwargs(import_id))
        payload = unwrap(response.status_code, response.content, "data", "ImportCancelled")
        if isinstance(payload, Mapping) and "status" in payload and (payload.get("import_id") or payload.get("job")):
            return await self.get_import(_import_id(payload, "ImportCancelled"))
        return self._job(payload if payload is not None else {"status": "cancelled"}, import_id, "ImportCancelled")
