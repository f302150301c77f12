"""``pictograph.ray.write_annotations``: a Ray Data datasink that saves each row's annotations in bulk.

Protocol: docs/wire-protocol.md §4.3 (bulk save: at most 200 images a call, each a full replace), §4.4 (the
rules an annotation must meet). A save replaces everything an image had, and an annotation without an ``id``
gets one derived from the image, its place in the list and its content, so a task that Ray runs again, or a
rerun of the whole job, sends the same saves and leaves the same final state: never a duplicate.

A row that cannot be saved (annotations that break §4.4 or name a class the dataset does not have, an image
the server does not know) is a :class:`~pictograph.reports.WriteFailure` of the report, never a failed task. A
failure of the API itself (network, 5xx after the client's retries, the request budget) fails the task, so
that Ray retries it.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np
from ray.data import Datasink
from ray.data.block import BlockAccessor

from pictograph._async._client import AsyncClient
from pictograph._canonical import normalize_annotations
from pictograph._model_base import Model
from pictograph._ray._common import worker_client
from pictograph._request_count import counting_requests
from pictograph.errors import ValidationError
from pictograph.reports import WriteFailure, WriteReport

#: Images per bulk save (the API's cap, §4.3).
CHUNK = 200
# The namespace of the ids given to annotations that come without one (uuid5 of image, index and content).
_ID_NAMESPACE = uuid.UUID("6f1d7c1e-52a4-4b0e-9a51-3c2f0d8e7b21")

Canonical = list[dict[str, Any]]


@attrs.frozen
class WriteSpec:
    """What every write task needs, pickled with it: the dataset's id and class names, the column names and
    the client options (never a key)."""

    dataset_id: str
    classes: frozenset[str] | None
    id_column: str
    annotations_column: str
    client_options: tuple[tuple[str, Any], ...]


class AnnotationsDatasink(Datasink):  # type: ignore[misc]  # Ray is typed as Any (mypy skips it)
    """Saves the annotations of each row; the driver's copy collects the tasks' outcomes into :attr:`report`."""

    def __init__(self, spec: WriteSpec) -> None:
        self._spec = spec
        self.report = WriteReport()

    def get_name(self) -> str:
        return "PictographAnnotations"

    @property
    def min_rows_per_write(self) -> int:
        # Ray splits a read into many small blocks; bundled, each write task fills whole bulk saves.
        return CHUNK

    def write(self, blocks: Iterable[Any], ctx: Any) -> dict[str, Any]:
        return write_blocks(self._spec, blocks)

    def on_write_complete(self, write_result: Any) -> None:
        # A WriteResult since Ray 2.4x; before, the list of what each task returned.
        returns = getattr(write_result, "write_returns", write_result)
        report = WriteReport()
        for part in returns:
            if isinstance(part, Mapping):
                report = WriteReport(
                    rows=report.rows + int(part["rows"]), saved=report.saved + int(part["saved"]),
                    failures=[*report.failures, *(WriteFailure(i, e) for i, e in part["failures"])],
                    api_requests=report.api_requests + int(part["api_requests"]),
                )
        self.report = report


def write_blocks(spec: WriteSpec, blocks: Iterable[Any]) -> dict[str, Any]:
    """One write task: every row of ``blocks`` checked, then saved ``CHUNK`` images a call as rows come in.

    The blocks are pulled outside the task's event loop: in a task Ray fused with the read, pulling a block
    runs the read task's own loop. Returns plain values (they travel back to the driver): row and save
    counts, ``(image_id, error)`` pairs, the API requests the saves sent.
    """
    rows = 0
    saved: set[str] = set()
    failures: list[tuple[str, str]] = []
    pending: dict[str, Canonical] = {}
    spent = [0]
    loop = asyncio.new_event_loop()
    try:
        client = worker_client(dict(spec.client_options))
        try:
            for block in blocks:
                for image_id, value in _rows(BlockAccessor.for_block(block), spec):
                    rows += 1
                    checked = prepare(image_id, value, spec.classes)
                    if isinstance(checked, str):
                        failures.append((str(image_id), checked))
                        continue
                    pending.pop(checked[0], None)  # the same image twice: its last row wins
                    pending[checked[0]] = checked[1]
                    if len(pending) >= CHUNK:
                        loop.run_until_complete(_flush(client, pending, saved, failures, spent))
            if pending:
                loop.run_until_complete(_flush(client, pending, saved, failures, spent))
        finally:
            loop.run_until_complete(client.aclose())
    finally:
        loop.close()
    return {"rows": rows, "saved": len(saved), "failures": failures, "api_requests": spent[0]}


def _rows(block: Any, spec: WriteSpec) -> Iterable[tuple[Any, Any]]:
    if block.num_rows() == 0:
        return
    names = list(getattr(block.schema(), "names", None) or [])
    missing = [c for c in (spec.id_column, spec.annotations_column) if c not in names]
    if missing:
        raise ValueError(f"write_annotations needs the column(s) {', '.join(map(repr, missing))}; the dataset "
                         f"has {', '.join(map(repr, names))}")
    for row in block.iter_rows(public_row_format=True):
        yield row[spec.id_column], row[spec.annotations_column]


def prepare(image_id: Any, value: Any, classes: frozenset[str] | None) -> tuple[str, Canonical] | str:
    """``(image_id, canonical annotations)`` of one row, or the reason it cannot be saved.

    ``value`` is canonical JSON text (what ``read_images`` gives), or a list of annotation dicts or models (a
    column Arrow stored as structs gets its missing fields back as ``None``, which means absent here).
    """
    if isinstance(image_id, bytes):
        image_id = image_id.decode("utf-8", "replace")
    if not isinstance(image_id, str) or not image_id.strip():
        return f"the id column must hold image ids, got {image_id!r:.60}"
    items = _items(value)
    if isinstance(items, str):
        return items
    for index, item in enumerate(items):
        if isinstance(item, dict) and item.get("id") is None:
            content = json.dumps(item, sort_keys=True, default=str)
            item["id"] = str(uuid.uuid5(_ID_NAMESPACE, f"{image_id}/{index}/{content}"))
    try:
        canonical = normalize_annotations(items, loc_prefix=("annotations",), classes=classes)
    except ValidationError as exc:
        return exc.message
    return image_id, canonical


def _items(value: Any) -> list[Any] | str:
    if value is None:
        return "no annotations in the row (give [] to clear an image's annotations)"
    if isinstance(value, bytes | str):
        try:
            value = json.loads(value)
        except ValueError as exc:
            return f"the annotations column is not JSON: {exc}"
        if isinstance(value, Mapping) and isinstance(value.get("annotations"), list):
            value = value["annotations"]
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return f"the annotations column must hold a list of annotations, got {type(value).__name__}"
    return [_without_nulls(item) for item in value]


def _without_nulls(item: Any) -> Any:
    if isinstance(item, Model):
        return item
    if isinstance(item, Mapping):
        return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in item.items() if v is not None}
    return item


async def _flush(client: AsyncClient, pending: dict[str, Canonical], saved: set[str],
                 failures: list[tuple[str, str]], spent: list[int]) -> None:
    chunk = list(pending.items())
    pending.clear()
    # Counted inside the loop's task, whose context is its own: requests of a fused read are not counted.
    with counting_requests() as counter:
        await _save(client, chunk, saved, failures)
    spent[0] += counter[0]


async def _save(client: AsyncClient, chunk: list[tuple[str, Canonical]], saved: set[str],
                failures: list[tuple[str, str]]) -> None:
    """One bulk save; a 422 naming entries of the chunk fails those and saves the rest again.

    A 422 the saves cannot be told apart by is retried one image at a time, so only the bad row fails.
    """
    try:
        result = await client.annotations.save_bulk(dict(chunk))
    except ValidationError as exc:
        bad = _bad_entries(exc, len(chunk))
        if bad:
            failures.extend((chunk[i][0], _message_of(exc, i)) for i in sorted(bad))
            rest = [entry for i, entry in enumerate(chunk) if i not in bad]
            if rest:
                await _save(client, rest, saved, failures)
        elif len(chunk) > 1:
            for entry in chunk:
                await _save(client, [entry], saved, failures)
        else:
            failures.append((chunk[0][0], exc.message))
        return
    saved.update(s.image_id for s in result.saved)
    failures.extend((f.image_id, f.error) for f in result.failed)


def _bad_entries(exc: ValidationError, size: int) -> set[int]:
    """The indices of the saves a 422 points at (``loc``: ``body, saves, INDEX, ...``)."""
    bad: set[int] = set()
    for error in exc.field_errors or []:
        loc = list(error.get("loc") or [])
        if "saves" in loc:
            at = loc.index("saves") + 1
            if at < len(loc) and isinstance(loc[at], int) and 0 <= loc[at] < size:
                bad.add(loc[at])
    return bad


def _message_of(exc: ValidationError, index: int) -> str:
    for error in exc.field_errors or []:
        loc = list(error.get("loc") or [])
        if "saves" in loc and loc[loc.index("saves") + 1:loc.index("saves") + 2] == [index]:
            where = ".".join(str(p) for p in loc[loc.index("saves") + 2:])
            return f"{where}: {error.get('msg')}" if where else str(error.get("msg"))
    return exc.message
