# unasync: hand-written sync counterpart at pictograph/_sync/_transfer.py
"""The transfer engine of an ``AsyncClient``: dataset and export downloads, image downloads and uploads.

Protocol: API reference §1.9 (timeouts), §1.10 (signed URLs), §2.3 (download listing), §3.3 (uploads), §5.1
(export download). Signed URLs go through a storage client of their own that carries no API header at all;
API URLs found in responses are re-pointed at the configured base URL and sent through the API transport.
Every file is written to ``NAME.part`` and renamed when complete. The decisions that need no I/O live in
:mod:`pictograph._transfer_plan`; running side by side lives in ``_pool``. The sync client runs this same
engine on an event loop of its own (``pictograph/_sync/_transfer.py``).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import os
import stat
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any
from urllib.request import getproxies

import attrs
import httpx
from pictograph_api.api.datasets import get_dataset_download_listing
from pictograph_api.api.exports import get_export_download_url
from pictograph_api.api.images import (
    bulk_register_images,
    create_bulk_upload_urls,
    create_upload_url,
    get_image_bytes_by_path,
    register_image,
)
from pictograph_api.models.bulk_register_request import BulkRegisterRequest
from pictograph_api.models.bulk_upload_url_request import BulkUploadUrlRequest
from pictograph_api.models.register_item import RegisterItem
from pictograph_api.models.register_request import RegisterRequest
from pictograph_api.models.upload_url_item import UploadUrlItem
from pictograph_api.models.upload_url_request import UploadUrlRequest
from pictograph_api.types import UNSET

from pictograph._args import check_name, check_range, image_path_of, normalize_folder
from pictograph._async._client import _TRANSFERS_ATTRIBUTE as _ENGINE_ATTRIBUTE
from pictograph._async._pool import Background, run_bounded, send_direct
from pictograph._fileio import WRITE_FLAGS, read_up_to, write_all
from pictograph._imaging import measure
from pictograph._model_base import build
from pictograph._progress import ProgressReporter, reporter_for
from pictograph._protocol import backoff_delay, schema_error, unwrap
from pictograph._storage_http import AsyncStorageTransport
from pictograph._transfer_plan import (
    COPY_CHUNK,
    EXPIRED_URL_STATUSES,
    JOURNAL_NAME,
    LISTING_LIMIT,
    MODES,
    READ_TIMEOUT_EXPORT,
    READ_TIMEOUT_IMAGES,
    READ_WRITE_TIMEOUT_UPLOAD,
    RETRY_FILE_STATUSES,
    UPLOAD_CHUNK,
    DownloadPlan,
    JournalEntry,
    ListedFile,
    LocalState,
    Mode,
    UploadEntry,
    content_type_for,
    describe_error,
    fresh_urls,
    journal_line,
    part_path,
    plan_download,
    plan_uploads,
    read_journal,
    rebase_api_url,
    redact_url,
    skip_decision,
    split_sizes,
    storage_error_text,
    upload_chunk_sizes,
)
from pictograph.errors import (
    ApiError,
    AuthError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    PaymentRequiredError,
    PictographError,
    RequestTimeoutError,
)
from pictograph.models import Image
from pictograph.reports import BulkUploadReport, DownloadFailure, DownloadReport, DownloadRetry, UploadFailure

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient

logger = logging.getLogger("pictograph")

_ENGINE_LOCK = threading.Lock()
_STORAGE_LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=256)
# The only header of a signed-URL request (besides Host and, on a PUT, Content-Type and Content-Length).
_STORAGE_HEADERS = {"Accept-Encoding": "identity"}
# Errors that no other chunk of an upload would escape: stop instead of repeating them chunk after chunk.
_FATAL_FOR_ALL = (AuthError, ForbiddenError, NotFoundError, PaymentRequiredError)


class _Retryable(Exception):
    """An attempt failed in a way another attempt may not (network, 5xx, truncated body)."""


class _Expired(Exception):
    """Storage refused a signed URL (400/403): it has probably expired."""


class _Stopped(Exception):
    """The transfer is being abandoned (Ctrl-C, an error elsewhere)."""


def transfers_of(client: AsyncClient) -> AsyncTransfers:
    """The client's transfer engine, made on first use (it owns the storage connection pool)."""
    engine = client.__dict__.get(_ENGINE_ATTRIBUTE)
    if engine is None:
        with _ENGINE_LOCK:
            engine = client.__dict__.get(_ENGINE_ATTRIBUTE)
            if engine is None:
                engine = AsyncTransfers(client)
                client.__dict__[_ENGINE_ATTRIBUTE] = engine
    assert isinstance(engine, AsyncTransfers)
    return engine


def set_storage_transport(client: AsyncClient, transport: httpx.AsyncBaseTransport | None) -> None:
    """Route ``client``'s signed-URL requests through ``transport`` (an ``httpx.MockTransport`` in tests).

    Call it before the first transfer of the client.
    """
    with _ENGINE_LOCK:
        client.__dict__[_ENGINE_ATTRIBUTE] = AsyncTransfers(client, storage_transport=transport)


async def close_transfers(client: AsyncClient) -> None:
    """Close the storage pool of ``client``'s transfer engine, if one was made (for ``client.aclose()``)."""
    engine = client.__dict__.pop(_ENGINE_ATTRIBUTE, None)
    if isinstance(engine, AsyncTransfers):
        await engine.aclose()


def _environment_proxies() -> bool:
    """Whether the environment names an HTTP proxy (which httpx clients follow, with their default trust_env)."""
    return any(scheme in ("http", "https", "all") for scheme in getproxies())


def _local_state(path: Path) -> LocalState | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return LocalState(st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def _digest_of(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(COPY_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def _declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def _received(response: httpx.Response, written: int) -> int:
    """Body bytes as sent (what ``Content-Length`` counts): the bytes written, unless a content coding was undone."""
    coding = response.headers.get("content-encoding", "").strip().lower()
    return written if coding in ("", "identity") else response.num_bytes_downloaded


def _content_range(value: str | None) -> tuple[int, int | None] | None:
    """``(first byte, total or None)`` of a ``Content-Range: bytes a-b/n`` header."""
    if not value or not value.startswith("bytes "):
        return None
    span, _, total = value[6:].partition("/")
    first, _, _last = span.partition("-")
    try:
        return int(first), (None if total.strip() == "*" else int(total))
    except ValueError:
        return None


async def _file_chunks(path: Path, size: int) -> AsyncIterator[bytes]:
    """Exactly ``size`` bytes of ``path`` in chunks, so an upload never holds a whole file in memory."""
    remaining = size
    with open(path, "rb") as fh:
        while remaining > 0:
            block = fh.read(min(COPY_CHUNK, remaining))
            if not block:
                raise OSError(f"{path} became shorter while it was being uploaded")
            remaining -= len(block)
            yield block


def _small_file(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path`` when ``size`` is at most one copy block (:data:`COPY_CHUNK`), else
    ``None``."""
    if size > COPY_CHUNK:
        return None
    data = read_up_to(path, size)
    if len(data) < size:
        raise OSError(f"{path} became shorter while it was being uploaded")
    return data


@attrs.define
class _DownloadJob:
    root: Path
    dataset_id: str | None
    journal: dict[str, JournalEntry]
    stop: threading.Event = attrs.Factory(threading.Event)
    dirs: set[Path] = attrs.Factory(set)
    journal_file: IO[str] | None = None

    def record(self, relpath: str, local: LocalState) -> None:
        """Journal a file the moment it is renamed into place (before any await: a transfer cancelled right
        after still counts it as complete, and a rerun skips it)."""
        entry = JournalEntry(self.dataset_id, local.size, local.mtime_ns)
        self.journal[relpath] = entry
        if self.journal_file is not None:
            self.journal_file.write(journal_line(relpath, entry))
            self.journal_file.flush()


@attrs.frozen
class _Outcome:
    file: ListedFile
    status: str  # "downloaded" | "skipped" | "failed" | "expired"
    retries: list[DownloadRetry] = attrs.Factory(list)
    error: str = ""


@attrs.frozen
class _PutOutcome:
    entry: UploadEntry
    size: int = 0
    dims: tuple[int, int] | None = None
    error: str | None = None


class AsyncTransfers:
    """Moves bytes for one client. Made by :func:`transfers_of`; the resources' transfer methods delegate here."""

    def __init__(self, client: AsyncClient, *, storage_transport: httpx.AsyncBaseTransport | None = None) -> None:
        self._client = client
        self._transport = client._transport
        self._config = client._transport.config
        self._storage_transport = storage_transport or getattr(client, "_storage_transport", None)
        self._storage: httpx.AsyncClient | None = None
        # The storage client's own transport, when requests may skip the client layer (see ``storage``).
        self._direct: httpx.AsyncBaseTransport | None = None
        self._lock = threading.Lock()
        timeout = self._config.timeout
        self._image_timeout = httpx.Timeout(timeout, read=READ_TIMEOUT_IMAGES)
        self._upload_timeout = httpx.Timeout(timeout, read=READ_WRITE_TIMEOUT_UPLOAD, write=READ_WRITE_TIMEOUT_UPLOAD)

    # ------------------------------------------------------------------ plumbing
    def storage(self) -> httpx.AsyncClient:
        """The client for signed URLs: no base URL, no API key, no API header, no redirects.

        Its transport is :mod:`pictograph._storage_http` (every storage socket on one event loop), kept also in
        ``_direct`` so that image GETs and PUTs, thousands of small requests, go to it without the client layer
        (URL merging, cookies, auth and redirect hooks). Not when the environment names a proxy: then httpx's
        own transport routes through it and a request must not go around it.
        """
        if self._storage is None:
            with self._lock:
                if self._storage is None:
                    transport = self._storage_transport
                    proxied = _environment_proxies()
                    if transport is None and not proxied:
                        transport = AsyncStorageTransport()
                    self._storage = httpx.AsyncClient(
                        headers=_STORAGE_HEADERS,
                        timeout=httpx.Timeout(self._config.timeout),
                        follow_redirects=False,
                        limits=_STORAGE_LIMITS,
                        transport=transport,
                    )
                    self._direct = None if proxied else transport
        return self._storage

    async def _storage_request(
        self, method: str, url: str, timeout: httpx.Timeout, headers: dict[str, str] | None = None,
        content: Any = None,
    ) -> httpx.Response:
        """Send a signed-URL request; the answer's body is left unread (the caller reads it and closes it).

        Redirects are never followed (a 3xx comes back as it is), and nothing but ``_STORAGE_HEADERS`` and
        ``headers`` is sent: no API key, no API header.
        """
        client = self.storage()
        direct = self._direct
        merged = _STORAGE_HEADERS if headers is None else {**_STORAGE_HEADERS, **headers}
        if direct is None:
            request = client.build_request(method, url, headers=merged, content=content, timeout=timeout)
            return await client.send(request, stream=True)
        if isinstance(direct, AsyncStorageTransport):  # the usual case: no httpx.Request built at all
            return await direct.send(method, url, merged, content, timeout.as_dict())
        request = httpx.Request(method, url, headers=merged, content=content,
                                extensions={"timeout": timeout.as_dict()})
        return await send_direct(direct, request)

    async def _storage_call(
        self, method: str, url: str, timeout: httpx.Timeout, headers: dict[str, str], content: Any,
    ) -> tuple[int, bytes]:
        """:meth:`_storage_request` with the whole answer read (a small one: an upload's): status and body."""
        self.storage()
        direct = self._direct
        if isinstance(direct, AsyncStorageTransport):  # no httpx.Response made
            return await direct.call(method, url, {**_STORAGE_HEADERS, **headers}, content, timeout.as_dict())
        response = await self._storage_request(method, url, timeout, headers, content)
        try:
            return response.status_code, await response.aread()
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        if self._storage is not None:
            await self._storage.aclose()
            self._storage = None

    async def _backoff(self, retry_number: int) -> None:
        await self._transport._sleep(backoff_delay(retry_number, self._transport._rng))

    @property
    def _attempts(self) -> int:
        return 1 + self._config.max_retries

    async def _storage_failure(self, response: httpx.Response, what: str) -> Exception:
        """The exception for a storage answer >= 300 (its body read, at most a few KB)."""
        body = b""
        async for block in response.aiter_bytes():
            body += block
            if len(body) >= 4096:
                break
        status = response.status_code
        text = storage_error_text(body)
        message = f"storage answered {what} with HTTP {status}"
        if status in RETRY_FILE_STATUSES:
            return _Retryable(message)
        if status in EXPIRED_URL_STATUSES:
            return _Expired(f"{message} (the signed URL has probably expired)")
        return ApiError(message, status_code=status, response=text)

    async def _write_body(
        self,
        response: httpx.Response,
        target: Path,
        *,
        stop: threading.Event | None = None,
        expected_size: int | None = None,
        digest: tuple[str, str] | None = None,
        dirs: set[Path] | None = None,
        done: Callable[[LocalState], None] | None = None,
    ) -> LocalState:
        """Stream a response to ``target.part``, check it is complete, rename it into place, call ``done``.

        Returns the size and modification time of the file written (read from the open file once the last
        byte is out: the rename changes neither).
        """
        declared = _declared_length(response)
        parent = target.parent
        if dirs is None or parent not in dirs:
            parent.mkdir(parents=True, exist_ok=True)
            if dirs is not None:
                dirs.add(parent)
        part = part_path(target)
        hasher = hashlib.new(digest[0]) if digest is not None else None
        written = 0
        try:
            fd = os.open(part, WRITE_FLAGS, 0o666)  # a bare descriptor: see pictograph._fileio
            try:
                async for block in response.aiter_bytes():
                    if stop is not None and stop.is_set():
                        raise _Stopped()
                    write_all(fd, block)
                    written += len(block)
                    if hasher is not None:
                        hasher.update(block)
                st = os.fstat(fd)
            finally:
                os.close(fd)
            received = _received(response, written)
            if declared is not None and received != declared:
                raise _Retryable(f"truncated body: {received} of {declared} bytes")
            if expected_size is not None and written != expected_size:
                raise _Retryable(f"got {written} bytes, the listing says {expected_size}")
            if hasher is not None and digest is not None and hasher.hexdigest() != digest[1]:
                raise _Retryable(f"{digest[0]} checksum mismatch")
            os.replace(part, target)
        except BaseException:
            _unlink_quietly(part)
            raise
        local = LocalState(st.st_size, st.st_mtime_ns)
        if done is not None:
            done(local)
        return local

    # ------------------------------------------------------------------ dataset download
    async def _listing(self, name: str, mode: Mode, status_filter: str | None) -> DownloadPlan:
        request = get_dataset_download_listing._get_kwargs(
            name, mode=mode, limit=LISTING_LIMIT, status_filter=UNSET if status_filter is None else status_filter
        )
        response = await self._transport.send(request)
        payload = unwrap(response.status_code, response.content, "data", "DownloadListing")
        return plan_download(payload, mode)

    async def _fetch_image(self, job: _DownloadJob, file: ListedFile, target: Path) -> LocalState:
        response = await self._storage_request("GET", file.url, self._image_timeout)
        try:
            if response.status_code >= 300:
                raise await self._storage_failure(response, f"GET {redact_url(file.url)}")
            return await self._write_body(
                response, target, stop=job.stop, expected_size=file.expected_size,
                digest=file.expected_digest, dirs=job.dirs, done=functools.partial(job.record, file.relpath),
            )
        finally:
            await response.aclose()

    async def _fetch_api_file(self, request: dict[str, Any], target: Path, job: _DownloadJob | None,
                              relpath: str | None = None) -> LocalState:
        """``relpath``: the file's path in the job's journal (a dataset download)."""
        async with self._transport.stream(request, timeout=self._image_timeout) as response:
            return await self._write_body(
                response, target, stop=None if job is None else job.stop,
                dirs=None if job is None else job.dirs,
                done=None if job is None or relpath is None else functools.partial(job.record, relpath),
            )

    async def _fetch_listed(self, job: _DownloadJob, file: ListedFile) -> _Outcome:
        """One file of a dataset download: skip it, fetch it (retrying), or say why not. Never raises."""
        target = job.root.joinpath(*file.relpath.split("/"))
        try:
            local = _local_state(target)
            decision = skip_decision(file, local, job.journal.get(file.relpath), job.dataset_id)
            if decision == "verify-digest" and file.expected_digest is not None:
                matches = _digest_of(target, file.expected_digest[0]) == file.expected_digest[1]
                decision = "skip" if matches else "fetch"
        except OSError as exc:
            return _Outcome(file, "failed", error=describe_error(exc))
        if decision == "skip":
            _unlink_quietly(part_path(target))  # a leftover of an earlier crash beside the complete file
            return _Outcome(file, "skipped")
        retries: list[DownloadRetry] = []
        for attempt in range(1, self._attempts + 1):
            try:
                if file.kind == "image":
                    await self._fetch_image(job, file, target)
                else:
                    url = rebase_api_url(file.url, self._config.base_url)
                    await self._fetch_api_file({"method": "get", "url": url}, target, job, file.relpath)
                return _Outcome(file, "downloaded", retries)
            except _Expired as exc:
                return _Outcome(file, "expired", retries, error=str(exc))
            except (_Retryable, httpx.TransportError) as exc:
                error = describe_error(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                if attempt == self._attempts:
                    return _Outcome(file, "failed", retries, error=f"{error} (after {attempt} attempts)")
                retries.append(DownloadRetry(file.filename, file.kind, attempt, error))
                await self._backoff(attempt - 1)
            except _Stopped:
                return _Outcome(file, "failed", retries, error="stopped before the file was complete")
            except (PictographError, OSError) as exc:
                return _Outcome(file, "failed", retries, error=describe_error(exc))
        raise AssertionError("unreachable")  # pragma: no cover

    async def download_dataset(
        self,
        name: str,
        output_dir: str | os.PathLike[str],
        mode: str = "full",
        status_filter: str | None = None,
        max_workers: int = 10,
        progress: object = None,
        show_progress: bool = False,
    ) -> DownloadReport:
        check_name("name", name)
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(sorted(MODES))}, got {mode!r}")
        if status_filter is not None:
            check_name("status_filter", status_filter)
        check_range("max_workers", max_workers, 1, 1024)
        reporter = reporter_for(progress, show_progress, per="file")
        root = Path(output_dir)
        root.mkdir(parents=True, exist_ok=True)
        typed_mode: Mode = mode  # type: ignore[assignment]

        plan = await self._listing(name, typed_mode, status_filter)
        if plan.truncated:
            logger.warning(
                "the download listing of %r holds %d items, its maximum: the dataset may have more images, "
                "which were not downloaded (narrow it with status_filter)", name, LISTING_LIMIT,
            )
        journal_path = root / JOURNAL_NAME
        journal = self._load_journal(journal_path)
        job = _DownloadJob(root, plan.dataset_id, journal)
        tally = _Tally(failures=list(plan.failures))
        listings = 1
        reporter.start(len(plan.files), unit="file", description=name)
        try:
            with open(journal_path, "a", encoding="utf-8") as journal_file:
                job.journal_file = journal_file

                async def fetch(file: ListedFile) -> _Outcome:
                    return await self._fetch_listed(job, file)

                expired: list[ListedFile] = []
                async for outcome in run_bounded(fetch, plan.files, max_workers):
                    if outcome.status == "expired":
                        expired.append(outcome.file)
                        tally.retries.extend(outcome.retries)
                        continue
                    tally.add(outcome, reporter)
                if expired:
                    # Signed URLs expire after an hour: one fresh listing, then each such file gets one more go.
                    listings += 1
                    retry_files, missing = await self._refresh(name, typed_mode, status_filter, expired)
                    for file, why in missing:
                        tally.add(_Outcome(file, "failed", error=why), reporter)
                    async for outcome in run_bounded(fetch, retry_files, max_workers):
                        tally.add(outcome, reporter)
        finally:
            job.stop.set()
            job.journal_file = None
            reporter.finish()
            self._compact_journal(journal_path, journal)
        return DownloadReport(
            output_dir=root,
            dataset_id=plan.dataset_id,
            images_downloaded=tally.downloaded["image"],
            annotations_downloaded=tally.downloaded["annotation"],
            failures=tally.failures,
            truncated=plan.truncated,
            images_skipped=tally.skipped["image"],
            annotations_skipped=tally.skipped["annotation"],
            skipped=tally.skipped_paths,
            retries=tally.retries,
            listings=listings,
        )

    async def _refresh(
        self, name: str, mode: Mode, status_filter: str | None, expired: list[ListedFile]
    ) -> tuple[list[ListedFile], list[tuple[ListedFile, str]]]:
        try:
            fresh = fresh_urls(await self._listing(name, mode, status_filter))
        except PictographError as exc:
            return [], [(f, f"signed URL expired and a fresh listing failed: {describe_error(exc)}") for f in expired]
        retry: list[ListedFile] = []
        missing: list[tuple[ListedFile, str]] = []
        for file in expired:
            url = fresh.get((file.kind, file.relpath))
            if url is None:
                missing.append((file, "signed URL expired and the file is no longer listed"))
            else:
                retry.append(attrs.evolve(file, url=url))
        return retry, missing

    @staticmethod
    def _load_journal(path: Path) -> dict[str, JournalEntry]:
        try:
            return read_journal(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            logger.warning("ignoring the unreadable download journal %s (%s)", path, exc)
            return {}

    @staticmethod
    def _compact_journal(path: Path, journal: dict[str, JournalEntry]) -> None:
        tmp = part_path(path)
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                fh.writelines(journal_line(p, e) for p, e in journal.items())
            os.replace(tmp, path)
        except OSError as exc:
            logger.warning("could not rewrite the download journal %s (%s)", path, exc)
            _unlink_quietly(tmp)

    # ------------------------------------------------------------------ single image download
    async def download_image(
        self, dataset: str, image_path: str, output_path: str | os.PathLike[str]
    ) -> Path:
        check_name("dataset", dataset)
        image_path_of(image_path)
        target = Path(output_path)
        if target.is_dir():
            raise ValueError(f"output_path {str(target)!r} is a folder; give the file to write")
        request = get_image_bytes_by_path._get_kwargs(dataset, image_path)
        for attempt in range(1, self._attempts + 1):
            try:
                await self._fetch_api_file(request, target, None)
                return target
            except (_Retryable, httpx.TransportError) as exc:
                if attempt == self._attempts:
                    error = describe_error(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                    raise NetworkError(
                        f"GET image {image_path!r} of {dataset!r} failed mid-body {attempt} times ({error})"
                    ) from None
                await self._backoff(attempt - 1)
        raise AssertionError("unreachable")  # pragma: no cover

    # ------------------------------------------------------------------ export download
    async def _export_url(self, dataset_name: str, name: str) -> str:
        response = await self._transport.send(get_export_download_url._get_kwargs(name, dataset=dataset_name))
        payload = unwrap(response.status_code, response.content, "data", "ExportDownloadUrl")
        url = payload.get("download_url") if isinstance(payload, dict) else None
        if not isinstance(url, str) or not url:
            raise schema_error("ExportDownloadUrl", "required field 'download_url' is missing", payload)
        return url

    async def download_export(
        self,
        dataset_name: str,
        name: str,
        output_path: str | os.PathLike[str],
        progress: object = None,
        show_progress: bool = False,
    ) -> Path:
        check_name("dataset_name", dataset_name)
        check_name("name", name)
        target = Path(output_path)
        if target.is_dir():
            raise ValueError(f"output_path {str(target)!r} is a folder; give the file to write, e.g. 'export.zip'")
        target.parent.mkdir(parents=True, exist_ok=True)
        reporter = reporter_for(progress, show_progress, per="byte")
        part = part_path(target)
        resume = _ResumeInfo(part)
        url = await self._export_url(dataset_name, name)
        refreshed = False
        failures = 0
        timeout = httpx.Timeout(self._config.timeout, read=READ_TIMEOUT_EXPORT)
        try:
            while True:
                try:
                    headers = resume.request_headers()
                    async with self.storage().stream("GET", url, headers=headers, timeout=timeout) as response:
                        status = response.status_code
                        if status in EXPIRED_URL_STATUSES and not refreshed:
                            refreshed = True
                            url = await self._export_url(dataset_name, name)
                            continue
                        if status == 416 and headers:
                            resume.discard()
                            raise _Retryable("storage refused the resume range")
                        if status >= 300:
                            error = await self._storage_failure(response, f"GET export {name!r}")
                            if isinstance(error, _Expired):
                                raise ApiError(str(error), status_code=status)
                            raise error
                        handle = resume.open(response)
                        written = 0
                        with handle:
                            reporter.start(resume.total, unit="B", description=name)
                            reporter.advance(resume.offset)
                            async for block in response.aiter_bytes():
                                handle.write(block)
                                written += len(block)
                                reporter.advance(len(block))
                        declared = _declared_length(response)
                        received = _received(response, written)
                        if declared is not None and received != declared:
                            raise _Retryable(f"truncated body: {received} of {declared} bytes")
                    os.replace(part, target)
                    resume.done()
                    return target
                except (_Retryable, httpx.TransportError) as exc:
                    failures += 1
                    why = describe_error(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                    if failures >= self._attempts:
                        kind = RequestTimeoutError if isinstance(exc, httpx.TimeoutException) else NetworkError
                        raise kind(
                            f"downloading export {name!r} failed {failures} times ({why}); the partial file "
                            f"{str(part)!r} is kept and the next call resumes it"
                        ) from None
                    logger.debug("export %r: %s; retrying", name, why)
                    await self._backoff(failures - 1)
        finally:
            reporter.finish()

    # ------------------------------------------------------------------ uploads
    async def _put(self, url: str, path: Path, content_type: str, size: int, data: bytes | None = None) -> None:
        """PUT a file to a signed upload URL: exact Content-Type, explicit Content-Length; ``data``, the file's
        content when the caller read it already (a small file), else streamed from the file."""
        headers = {"Content-Type": content_type, "Content-Length": str(size)}
        for attempt in range(1, self._attempts + 1):
            error: PictographError
            try:
                status, content = await self._storage_call(
                    "PUT", url, self._upload_timeout, headers, _file_chunks(path, size) if data is None else data)
            except httpx.TransportError as exc:
                kind = RequestTimeoutError if isinstance(exc, httpx.TimeoutException) else NetworkError
                error = kind(f"upload PUT of {path.name!r} failed without an answer ({describe_error(exc)})")
            else:
                if status in (200, 201):
                    return
                error = ApiError(
                    f"storage answered the upload PUT of {path.name!r} with HTTP {status}",
                    status_code=status,
                    response=storage_error_text(content),
                )
                if status not in RETRY_FILE_STATUSES:
                    raise error
            if attempt == self._attempts:
                raise error
            await self._backoff(attempt - 1)

    async def upload(
        self,
        dataset: str,
        file_path: str | os.PathLike[str],
        folder_path: str = "/",
        filename: str | None = None,
        content_type: str | None = None,
    ) -> Image:
        check_name("dataset", dataset)
        path = Path(file_path)
        name = path.name if filename is None else check_name("filename", filename)
        if "/" in name or name in (".", ".."):
            raise ValueError(f"filename must be a plain file name without '/', got {name!r}")
        if content_type is None and filename is not None and path.suffix and not Path(name).suffix:
            mime = content_type_for(path, None)
        else:
            mime = content_type_for(name, content_type)
        folder = normalize_folder(folder_path, "folder_path")
        if not path.is_file():
            raise FileNotFoundError(f"no such file to upload: {str(path)!r}")
        size = path.stat().st_size
        data = _small_file(path, size)
        dims = measure(path, data)
        body = UploadUrlRequest(dataset=dataset, filename=name, content_type=mime, directory_path=folder)
        response = await self._transport.send(create_upload_url._get_kwargs(body=body))
        url = _upload_url_of(unwrap(response.status_code, response.content, "data", "UploadUrl"))
        await self._put(url, path, mime, size, data)
        register = RegisterRequest(
            dataset=dataset, filename=name, directory_path=folder, content_type=mime, file_size=size,
            width=dims[0] if dims else UNSET, height=dims[1] if dims else UNSET,
        )
        response = await self._transport.send(register_image._get_kwargs(body=register))
        return build(Image, unwrap(response.status_code, response.content, "data", "Image"))

    async def _put_entry(self, entry: UploadEntry, url: str) -> _PutOutcome:
        try:
            size = entry.path.stat().st_size
            # A small file is read once, for its size and its PUT; a larger one is streamed (memory stays flat).
            data = _small_file(entry.path, size)
            dims = measure(entry.path, data)
            await self._put(url, entry.path, entry.content_type, size, data)
        except (PictographError, OSError) as exc:
            return _PutOutcome(entry, error=f"upload PUT failed: {describe_error(exc)}")
        return _PutOutcome(entry, size, dims)

    async def upload_many(
        self,
        dataset: str,
        file_paths: Iterable[str | os.PathLike[str]],
        folder_path: str = "/",
        max_workers: int = 10,
        progress: object = None,
        show_progress: bool = False,
    ) -> BulkUploadReport:
        check_name("dataset", dataset)
        check_range("max_workers", max_workers, 1, 1024)
        folder = normalize_folder(folder_path, "folder_path")
        entries = plan_uploads(file_paths, folder)
        reporter: ProgressReporter = reporter_for(progress, show_progress, per="file")
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
        unique, skipped = await self._already_uploaded(dataset, unique)
        reporter.start(len(unique), unit="file", description=f"upload to {dataset}")
        try:
            pieces = split_sizes(unique, upload_chunk_sizes(len(unique), max_workers, UPLOAD_CHUNK))
            done, problems = await self._upload_chunks(dataset, pieces, max_workers, reporter)
        finally:
            reporter.finish()
        succeeded.extend(done)
        failed.extend(problems)
        return BulkUploadReport(succeeded=succeeded, failed=failed, skipped=skipped)

    async def _already_uploaded(
        self, dataset: str, entries: list[UploadEntry]
    ) -> tuple[list[UploadEntry], list[Image]]:
        """Split off the files the dataset already holds (same folder, name and size), so a rerun after a crash
        uploads only the rest. One listing per target folder; a same-named image of another size is not
        skipped (the server then refuses it as a duplicate and the report says so)."""
        if not entries:
            return entries, []
        present: dict[tuple[str, str], Image] = {}
        for directory in sorted({e.directory_path for e in entries}):
            for image in await self._client.datasets.list_images(dataset, directory_path=directory):
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
        self, dataset: str, pending: list[Sequence[UploadEntry]], max_workers: int, reporter: ProgressReporter
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
        parts[0].urls = await self._chunk_urls(dataset, parts[0].entries)
        # The error that stopped the call: no PUT starts after it. Files already up are still registered,
        # unless a registration met it (``halted``).
        fatal: PictographError | None = None
        halted = False
        settled = 0

        def feed() -> Iterable[tuple[_ChunkPuts, int]]:
            for part in parts:
                if part.index + 1 < len(parts) and fatal is None:
                    following = parts[part.index + 1]
                    following.urls_job = Background(self._chunk_urls, dataset, following.entries)
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
            return part, await self._put_entry(part.entries[position], urls[position])

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
                    part.registration = Background(self._register_chunk, dataset, part.uploaded)
                if not wait and part.registration is not None and not part.registration.done():
                    return
                stop = await self._settle(part, succeeded, failed, reporter, fatal)
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

    async def _chunk_urls(self, dataset: str, items: Sequence[UploadEntry]) -> list[str]:
        """The signed upload URLs of one chunk, in its order (one bulk call)."""
        request = BulkUploadUrlRequest(
            dataset=dataset,
            images=[UploadUrlItem(filename=e.filename, content_type=e.content_type, directory_path=e.directory_path)
                    for e in items],
        )
        response = await self._transport.send(create_bulk_upload_urls._get_kwargs(body=request))
        payload = unwrap(response.status_code, response.content, "data", "BulkUploadUrls")
        raw_urls = payload.get("upload_urls") if isinstance(payload, dict) else None
        if not isinstance(raw_urls, list) or len(raw_urls) != len(items):
            raise schema_error("BulkUploadUrls", f"expected {len(items)} upload_urls in request order", payload)
        return [_upload_url_of(u) for u in raw_urls]

    async def _register_chunk(
        self, dataset: str, uploaded: list[_PutOutcome]
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
        response = await self._transport.send(bulk_register_images._get_kwargs(body=register))
        return _bulk_register_result(unwrap(response.status_code, response.content, "data", "BulkRegisterResult"))

    async def _settle(
        self, puts: _ChunkPuts, succeeded: list[Image], failed: list[UploadFailure], reporter: ProgressReporter,
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


@attrs.define
class _Tally:
    """The running counts of a dataset download (updated only in the caller's task or thread)."""

    failures: list[DownloadFailure]
    downloaded: dict[str, int] = attrs.Factory(lambda: {"image": 0, "annotation": 0})
    skipped: dict[str, int] = attrs.Factory(lambda: {"image": 0, "annotation": 0})
    skipped_paths: list[str] = attrs.Factory(list)
    retries: list[DownloadRetry] = attrs.Factory(list)

    def add(self, outcome: _Outcome, reporter: ProgressReporter) -> None:
        file = outcome.file
        self.retries.extend(outcome.retries)
        if outcome.status == "downloaded":
            self.downloaded[file.kind] += 1  # journaled already, as it was renamed into place
        elif outcome.status == "skipped":
            self.skipped[file.kind] += 1
            self.skipped_paths.append(file.relpath)
        else:
            self.failures.append(DownloadFailure(file.filename, file.kind, outcome.error))
        reporter.advance(1, file.relpath)


class _ResumeInfo:
    """The ``.part`` of an export download and what is needed to resume it with ``Range``.

    The validator (``ETag`` or ``Last-Modified``) of the first answer is kept beside the ``.part`` (in
    ``NAME.part.resume``), so a later call resumes only the same file (``If-Range``) and never splices two
    versions of an export together.
    """

    def __init__(self, part: Path) -> None:
        self.part = part
        self.sidecar = part.with_name(part.name + ".resume")
        self.offset = 0
        self.total = 0
        self.validator: str | None = None
        try:
            self.validator = self.sidecar.read_text(encoding="utf-8").strip() or None
        except OSError:
            self.validator = None
        if self.validator is None:
            _unlink_quietly(self.part)

    def request_headers(self) -> dict[str, str]:
        size = _local_state(self.part)
        if self.validator is None or size is None or size.size == 0:
            return {}
        return {"Range": f"bytes={size.size}-", "If-Range": self.validator}

    def open(self, response: httpx.Response) -> IO[bytes]:
        """The file to append to (206 at the right offset) or to write from the start (anything else)."""
        size = _local_state(self.part)
        have = size.size if size is not None else 0
        if response.status_code == 206:
            span = _content_range(response.headers.get("content-range"))
            if span is None or span[0] != have:
                self.discard()
                raise _Retryable("storage answered an unexpected byte range; starting over")
            self.offset = have
            self.total = span[1] or 0
            return open(self.part, "ab")
        self.offset = 0
        declared = _declared_length(response)
        self.total = declared or 0
        validator = response.headers.get("etag") or response.headers.get("last-modified")
        self.validator = validator
        if validator:
            self.sidecar.write_text(validator, encoding="utf-8")
        else:
            _unlink_quietly(self.sidecar)
        return open(self.part, "wb")

    def discard(self) -> None:
        _unlink_quietly(self.part)
        _unlink_quietly(self.sidecar)
        self.validator = None

    def done(self) -> None:
        _unlink_quietly(self.sidecar)


def _upload_url_of(payload: Any) -> str:
    url = payload.get("upload_url") if isinstance(payload, dict) else None
    if not isinstance(url, str) or not url:
        raise schema_error("UploadUrl", "required field 'upload_url' is missing", payload)
    return url


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
