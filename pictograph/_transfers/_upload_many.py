"""``images.upload_many``: many files up to a dataset, as a pipeline of chunks.

Protocol: docs/wire-protocol.md §3.3 (bulk upload URLs, bulk register: at most 500 files a call). The files are cut
into chunks (:func:`~pictograph._transfers._upload_plan.upload_chunk_sizes`); per chunk, one bulk upload-URL
call, the PUTs (:func:`~pictograph._transfers._upload.put`), ``max_workers`` at a time over all chunks, and one
bulk register of the PUTs that worked. Files the dataset already holds (same folder, name and size) are
skipped, so a rerun after a crash uploads only the rest. Only what the server registered counts as uploaded.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from typing import Any

import attrs
from pictograph_api.api.images import bulk_register_images, create_bulk_upload_urls
from pictograph_api.models.bulk_register_request import BulkRegisterRequest
from pictograph_api.models.bulk_upload_url_request import BulkUploadUrlRequest
from pictograph_api.models.register_item import RegisterItem
from pictograph_api.models.upload_url_item import UploadUrlItem
from pictograph_api.types import UNSET

from pictograph._args import check_name, normalize_folder
from pictograph._imaging import measure
from pictograph._model_base import build
from pictograph._progress import ProgressReporter
from pictograph._protocol import schema_error, unwrap
from pictograph._transfers._engine import Engine
from pictograph._transfers._options import TransferOptions
from pictograph._transfers._plan import describe_error
from pictograph._transfers._pool import Background, run_bounded
from pictograph._transfers._upload import put, small_file, upload_url_of
from pictograph._transfers._upload_plan import (
    UPLOAD_CHUNK,
    UploadEntry,
    in_shard,
    plan_uploads,
    split_sizes,
    upload_chunk_sizes,
)
from pictograph.errors import AuthError, ForbiddenError, NotFoundError, PaymentRequiredError, PictographError
from pictograph.models import Image
from pictograph.reports import BulkUploadReport, UploadFailure

# Errors that no other chunk of an upload would escape: stop instead of repeating them chunk after chunk.
_FATAL_FOR_ALL = (AuthError, ForbiddenError, NotFoundError, PaymentRequiredError)


@attrs.frozen
class _PutOutcome:
    entry: UploadEntry
    size: int = 0
    dims: tuple[int, int] | None = None
    error: str | None = None


@attrs.define(eq=False)
class _ChunkPuts:
    """One chunk of an upload: its upload URLs, what went up, what did not, and its registration."""

    index: int
    entries: Sequence[UploadEntry]
    urls: list[str] | None = None
    urls_job: Background[list[str]] | None = None
    url_error: PictographError | None = None
    started: int = 0  # files handed to a worker
    finished: int = 0  # files whose PUT (or failure to get a URL) is over
    uploaded: list[_PutOutcome] = attrs.Factory(list)
    failures: list[UploadFailure] = attrs.Factory(list)
    registration: Background[tuple[list[Image], dict[tuple[str, str], str]]] | None = None
    settled: bool = False


async def _put_entry(engine: Engine, entry: UploadEntry, url: str) -> _PutOutcome:
    try:
        size = entry.path.stat().st_size
        # A small file is read once, for its size and its PUT; a larger one is streamed (memory stays flat).
        data = small_file(entry.path, size)
        dims = measure(entry.path, data)
        await put(engine, url, entry.path, entry.content_type, size, data)
    except (PictographError, OSError) as exc:
        return _PutOutcome(entry, error=f"upload PUT failed: {describe_error(exc)}")
    return _PutOutcome(entry, size, dims)


async def upload_many(
    engine: Engine, dataset: str, file_paths: Iterable[str | os.PathLike[str]], folder_path: str,
    transfer: TransferOptions,
) -> BulkUploadReport:
    """Upload the files and folders of ``file_paths`` into ``folder_path`` of ``dataset`` (``images.upload_many``)."""
    check_name("dataset", dataset)
    max_workers = transfer.checked_workers()
    shard = transfer.checked_shard()
    folder = normalize_folder(folder_path, "folder_path")
    entries = in_shard(plan_uploads(file_paths, folder), shard)
    reporter = transfer.reporter(per="file")
    succeeded: list[Image] = []
    failed: list[UploadFailure] = []
    seen: set[tuple[str, str]] = set()
    unique: list[UploadEntry] = []
    for entry in entries:
        key = (entry.directory_path, entry.filename)
        if key in seen:
            failed.append(UploadFailure(entry.filename, entry.directory_path,
                                        "another file of this call has the same name in the same folder"))
        else:
            seen.add(key)
            unique.append(entry)
    unique, skipped = await _already_uploaded(engine, dataset, unique)
    reporter.start(len(unique), unit="file", description=f"upload to {dataset}")
    try:
        pieces = split_sizes(unique, upload_chunk_sizes(len(unique), max_workers, UPLOAD_CHUNK))
        done, problems = await _upload_chunks(engine, dataset, pieces, max_workers, reporter)
    finally:
        reporter.finish()
    succeeded.extend(done)
    failed.extend(problems)
    return BulkUploadReport(succeeded=succeeded, failed=failed, skipped=skipped)


async def _already_uploaded(
    engine: Engine, dataset: str, entries: list[UploadEntry]
) -> tuple[list[UploadEntry], list[Image]]:
    """Split off the files the dataset already holds (same folder, name and size), so a rerun after a crash
    uploads only the rest. One listing per target folder; a same-named image of another size is not
    skipped (the server then refuses it as a duplicate and the report says so)."""
    if not entries:
        return entries, []
    present: dict[tuple[str, str], Image] = {}
    for directory in sorted({e.directory_path for e in entries}):
        for image in await engine.client.datasets.list_images(dataset, directory_path=directory):
            present[(directory, image.filename)] = image
    if not present:
        return entries, []
    todo: list[UploadEntry] = []
    skipped: list[Image] = []
    for entry in entries:
        existing = present.get((entry.directory_path, entry.filename))
        if existing is not None and existing.file_size == entry.path.stat().st_size:
            skipped.append(existing)
        else:
            todo.append(entry)
    return todo, skipped


async def _upload_chunks(
    engine: Engine, dataset: str, pending: list[Sequence[UploadEntry]], max_workers: int, reporter: ProgressReporter
) -> tuple[list[Image], list[UploadFailure]]:
    """Chunks of ≤ 500 as a pipeline: bulk upload URLs, PUTs side by side, bulk register of the PUTs that worked.

    The PUTs run as one stream over all chunks: the workers go on to chunk k+1 while chunk k's last files
    are in flight, chunk k+1's upload URLs are asked for as soon as chunk k starts, and chunk k is
    registered, once its last PUT is over, while the next files go up. Registrations run one at a time,
    in chunk order, and a chunk is reported once its registration is settled; only what the server
    registered counts as uploaded. An error of the first chunk's calls is raised (the request itself is
    wrong: dataset, key, plan); later, an error that every chunk would meet (auth, role, dataset gone,
    plan) stops the call, and the files not registered by then fail with it; any other error fails its
    own chunk.
    """
    succeeded: list[Image] = []
    failed: list[UploadFailure] = []
    if not pending:
        return succeeded, failed
    parts = [_ChunkPuts(index, entries) for index, entries in enumerate(pending)]
    parts[0].urls = await _chunk_urls(engine, dataset, parts[0].entries)
    # The error that stopped the call: no PUT starts after it. Files already up are still registered,
    # unless a registration met it (``halted``).
    fatal: PictographError | None = None
    halted = False
    settled = 0

    def feed() -> Iterable[tuple[_ChunkPuts, int]]:
        for part in parts:
            if part.index + 1 < len(parts) and fatal is None:
                following = parts[part.index + 1]
                following.urls_job = Background(_chunk_urls, engine, dataset, following.entries)
            for position in range(len(part.entries)):
                if fatal is not None:
                    return
                part.started += 1
                yield part, position

    async def put(item: tuple[_ChunkPuts, int]) -> tuple[_ChunkPuts, _PutOutcome | PictographError]:
        nonlocal fatal
        part, position = item
        if fatal is not None:  # the call stopped after this file was taken: it is not sent
            return part, _PutOutcome(part.entries[position], error=describe_error(fatal))
        urls = part.urls
        if urls is None:
            assert part.urls_job is not None
            try:
                urls = await part.urls_job.result()
            except PictographError as exc:
                if isinstance(exc, _FATAL_FOR_ALL) and fatal is None:
                    fatal = exc  # at once: the workers take their next files without waiting for the caller
                return part, exc
            part.urls = urls
        return part, await _put_entry(engine, part.entries[position], urls[position])

    async def settle_ready(wait: bool) -> None:
        """Register and report, in chunk order, the chunks whose PUTs are over; ``wait``: all PUTs are over,
        wait for the registrations.

        While PUTs run, only a chunk whose every file came back is over: the workers take items from
        ``feed`` themselves (in threads, for the sync client), so how many of a chunk's files started is
        final only once they have all stopped."""
        nonlocal settled, halted, fatal
        while settled < len(parts):
            part = parts[settled]
            over = part.finished == len(part.entries) or (wait and part.finished == part.started)
            if not over:
                return
            if part.registration is None and part.uploaded and not halted and part.url_error is None:
                part.registration = Background(_register_chunk, engine, dataset, part.uploaded)
            if not wait and part.registration is not None and not part.registration.done():
                return
            stop = await _settle(part, succeeded, failed, reporter, fatal)
            settled += 1
            if stop is not None:  # a registration met it: register nothing more
                halted = True
                fatal = fatal or stop

    try:
        async for part, outcome in run_bounded(put, feed(), max_workers):
            part.finished += 1
            if isinstance(outcome, PictographError):
                if part.url_error is None:
                    part.url_error = outcome
                    if isinstance(outcome, _FATAL_FOR_ALL) and fatal is None:
                        fatal = outcome
            elif outcome.error is None:
                part.uploaded.append(outcome)
            else:
                part.failures.append(UploadFailure(outcome.entry.filename, outcome.entry.directory_path,
                                                   outcome.error))
                reporter.advance(1, outcome.entry.filename)
            await settle_ready(wait=False)
        await settle_ready(wait=True)
    finally:
        # Only when the call is being abandoned (an error raised, Ctrl-C) is anything still under way here.
        for part in parts:
            if part.urls_job is not None and part.urls is None and part.url_error is None:
                await part.urls_job.cancel()
            if part.registration is not None and not part.settled:
                await part.registration.cancel()
    return succeeded, failed


async def _chunk_urls(engine: Engine, dataset: str, items: Sequence[UploadEntry]) -> list[str]:
    """The signed upload URLs of one chunk, in its order (one bulk call)."""
    request = BulkUploadUrlRequest(
        dataset=dataset,
        images=[UploadUrlItem(filename=e.filename, content_type=e.content_type, directory_path=e.directory_path)
                for e in items],
    )
    response = await engine.transport.send(create_bulk_upload_urls._get_kwargs(body=request))
    payload = unwrap(response.status_code, response.content, "data", "BulkUploadUrls")
    raw_urls = payload.get("upload_urls") if isinstance(payload, dict) else None
    if not isinstance(raw_urls, list) or len(raw_urls) != len(items):
        raise schema_error("BulkUploadUrls", f"expected {len(items)} upload_urls in request order", payload)
    return [upload_url_of(u) for u in raw_urls]


async def _register_chunk(
    engine: Engine, dataset: str, uploaded: list[_PutOutcome]
) -> tuple[list[Image], dict[tuple[str, str], str]]:
    """Bulk register the files of one chunk whose PUT worked (one call)."""
    register = BulkRegisterRequest(
        dataset=dataset,
        images=[
            RegisterItem(
                filename=o.entry.filename, directory_path=o.entry.directory_path,
                content_type=o.entry.content_type, file_size=o.size,
                width=o.dims[0] if o.dims else UNSET, height=o.dims[1] if o.dims else UNSET,
            )
            for o in uploaded
        ],
    )
    response = await engine.transport.send(bulk_register_images._get_kwargs(body=register))
    return _bulk_register_result(unwrap(response.status_code, response.content, "data", "BulkRegisterResult"))


async def _settle(
    puts: _ChunkPuts, succeeded: list[Image], failed: list[UploadFailure], reporter: ProgressReporter,
    stopped: PictographError | None,
) -> PictographError | None:
    """Wait for a chunk's registration and report the chunk; the error that must stop the call, if any.

    ``stopped`` is the error that stopped the call before this chunk was registered: every file of the
    chunk that did not fail on its own fails with it."""
    puts.settled = True
    registered: list[Image] = []
    failures = list(puts.failures)
    unsettled = [o.entry for o in puts.uploaded]  # not yet counted by the progress reporter
    never_started = puts.entries[puts.started:]
    if puts.url_error is not None:
        error = describe_error(puts.url_error)
        failures = [UploadFailure(e.filename, e.directory_path, error) for e in puts.entries]
        unsettled = list(puts.entries)
    elif puts.registration is not None:
        try:
            images, refused = await puts.registration.result()
        except PictographError as exc:
            if isinstance(exc, _FATAL_FOR_ALL):
                if puts.index == 0:
                    raise  # nothing was registered yet: the request itself is wrong (dataset, key, plan)
                failed.extend(UploadFailure(e.filename, e.directory_path, describe_error(exc))
                              for e in puts.entries)
                for entry in [*unsettled, *never_started]:
                    reporter.advance(1, entry.filename)
                return exc
            error = f"uploaded but not registered: {describe_error(exc)}"
            failures.extend(UploadFailure(o.entry.filename, o.entry.directory_path, error) for o in puts.uploaded)
        else:
            by_key = {(_folder_of(img.directory_path), img.filename): img for img in images}
            for o in puts.uploaded:
                key = (o.entry.directory_path, o.entry.filename)
                image = by_key.pop(key, None)
                if image is not None:
                    registered.append(image)
                else:
                    reason = refused.get(key, "the server did not confirm the registration")
                    failures.append(UploadFailure(o.entry.filename, o.entry.directory_path, reason))
    elif stopped is not None:  # uploaded, but a registration already met an error every chunk meets
        error = describe_error(stopped)
        failures.extend(UploadFailure(e.filename, e.directory_path, error) for e in unsettled)
    if never_started and puts.url_error is None:
        assert stopped is not None  # only a stop leaves files of a chunk unstarted
        error = describe_error(stopped)
        failures.extend(UploadFailure(e.filename, e.directory_path, error) for e in never_started)
        unsettled.extend(never_started)
    for entry in unsettled:
        reporter.advance(1, entry.filename)
    succeeded.extend(registered)
    failed.extend(failures)
    return None


def _folder_of(directory_path: str | None) -> str:
    return normalize_folder(directory_path or "/")


def _bulk_register_result(payload: Any) -> tuple[list[Image], dict[tuple[str, str], str]]:
    if not isinstance(payload, dict):
        raise schema_error("BulkRegisterResult", "expected an object", payload)
    succeeded = payload.get("succeeded", [])
    failed = payload.get("failed", [])
    if not isinstance(succeeded, list) or not isinstance(failed, list):
        raise schema_error("BulkRegisterResult", "'succeeded' and 'failed' must be lists", payload)
    images = [build(Image, item, where=f"BulkRegisterResult.succeeded[{i}]") for i, item in enumerate(succeeded)]
    refused: dict[tuple[str, str], str] = {}
    for item in failed:
        if isinstance(item, dict) and isinstance(item.get("filename"), str):
            key = (_folder_of(item.get("directory_path")), item["filename"])
            refused[key] = str(item.get("error") or "refused by the server")
    return images, refused
