"""The transfer engine of one ``AsyncClient``: what every transfer job shares.

Protocol: docs/wire-protocol.md §1.9 (timeouts), §1.10 (signed URLs), §2.3 (download listing). The engine owns the
storage client and the settings of the client (timeouts, attempts, backoff), and offers the primitives the jobs
are built from (one module per job: ``_download``, ``_image``, ``_export``, ``_upload``, ``_upload_many``):

* :meth:`Engine.fetch_signed` — a signed storage GET written to a file;
* :meth:`Engine.fetch_api` — an API GET streamed to a file;
* :meth:`Engine.fetch` — either of them for one listed file (an API URL found in a listing re-pointed at the
  configured base URL: :func:`~pictograph._transfers._plan.rebase_api_url`), with the retry loop and its
  classification, as an :class:`Outcome` that never raises;
* :meth:`Engine.listing` — the signed download listing (§2.3);
* :func:`write_body` — an answer streamed to ``NAME.part``, checked complete, renamed into place, then handed to
  a ``done`` hook (a job's journal or manifest records the file there, before any await);
* :meth:`Engine.run_bounded` — the bounded runner the jobs run their files with (:mod:`._pool`).

The sync client runs this same engine on an event loop of its own (:mod:`pictograph._transfers._threaded`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import httpx
from pictograph_api.api.datasets import get_dataset_download_listing
from pictograph_api.types import UNSET

from pictograph._async._client import _TRANSFERS_ATTRIBUTE as _ENGINE_ATTRIBUTE
from pictograph._fileio import WRITE_FLAGS, write_all
from pictograph._protocol import backoff_delay, unwrap
from pictograph._transfers._plan import (
    COPY_CHUNK,
    LISTING_LIMIT,
    READ_TIMEOUT_IMAGES,
    READ_WRITE_TIMEOUT_UPLOAD,
    DownloadPlan,
    ListedFile,
    LocalState,
    Mode,
    describe_error,
    part_path,
    plan_download,
    rebase_api_url,
    redact_url,
)
from pictograph._transfers._pool import run_bounded
from pictograph._transfers._storage import Expired, Retryable, Stopped, StorageClient, storage_failure
from pictograph.errors import PictographError
from pictograph.reports import DownloadRetry

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient

#: Called with a file's size and modification time the moment it is renamed into place.
Done = Callable[[LocalState], None]

_ENGINE_LOCK = threading.Lock()


def engine_of(client: AsyncClient) -> Engine:
    """The client's transfer engine, made on first use (it owns the storage connection pool)."""
    engine = client.__dict__.get(_ENGINE_ATTRIBUTE)
    if engine is None:
        with _ENGINE_LOCK:
            engine = client.__dict__.get(_ENGINE_ATTRIBUTE)
            if engine is None:
                engine = Engine(client)
                client.__dict__[_ENGINE_ATTRIBUTE] = engine
    assert isinstance(engine, Engine)
    return engine


def set_storage_transport(client: AsyncClient, transport: httpx.AsyncBaseTransport | None) -> None:
    """Route ``client``'s signed-URL requests through ``transport`` (an ``httpx.MockTransport`` in tests).

    Call it before the first transfer of the client.
    """
    with _ENGINE_LOCK:
        client.__dict__[_ENGINE_ATTRIBUTE] = Engine(client, storage_transport=transport)


async def close_engine(client: AsyncClient) -> None:
    """Close the storage pool of ``client``'s transfer engine, if one was made (for ``client.aclose()``)."""
    engine = client.__dict__.pop(_ENGINE_ATTRIBUTE, None)
    if isinstance(engine, Engine):
        await engine.aclose()


# ---------------------------------------------------------------------------------------------- files
def local_state(path: Path) -> LocalState | None:
    """Size and modification time of the regular file at ``path``; ``None`` when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return LocalState(st.st_size, st.st_mtime_ns) if stat.S_ISREG(st.st_mode) else None


def digest_of(path: Path, algorithm: str) -> str:
    h = hashlib.new(algorithm)
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(COPY_CHUNK), b""):
            h.update(block)
    return h.hexdigest()


def unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def declared_length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    if value is None:
        return None
    try:
        length = int(value)
    except ValueError:
        return None
    return length if length >= 0 else None


def received_length(response: httpx.Response, written: int) -> int:
    """Body bytes as sent (what ``Content-Length`` counts): the bytes written, unless a content coding was undone."""
    coding = response.headers.get("content-encoding", "").strip().lower()
    return written if coding in ("", "identity") else response.num_bytes_downloaded


async def write_body(
    response: httpx.Response,
    target: Path,
    *,
    stop: threading.Event | None = None,
    expected_size: int | None = None,
    digest: tuple[str, str] | None = None,
    dirs: set[Path] | None = None,
    done: Done | None = None,
) -> LocalState:
    """Stream a response to ``target.part``, check it is complete, rename it into place, call ``done``.

    ``stop``, once set, abandons the body (:class:`Stopped`); a body shorter than its ``Content-Length``, or of
    another size than ``expected_size``, or whose ``digest`` (hashlib name, hex) differs, is :class:`Retryable`.
    ``dirs`` holds the folders already made (a job of many files makes each once). Nothing is left of the
    ``.part`` when this raises. Returns the size and modification time of the file written (read from the open
    file once the last byte is out: the rename changes neither).
    """
    declared = declared_length(response)
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
                    raise Stopped()
                write_all(fd, block)
                written += len(block)
                if hasher is not None:
                    hasher.update(block)
            st = os.fstat(fd)
        finally:
            os.close(fd)
        received = received_length(response, written)
        if declared is not None and received != declared:
            raise Retryable(f"truncated body: {received} of {declared} bytes")
        if expected_size is not None and written != expected_size:
            raise Retryable(f"got {written} bytes, the listing says {expected_size}")
        if hasher is not None and digest is not None and hasher.hexdigest() != digest[1]:
            raise Retryable(f"{digest[0]} checksum mismatch")
        os.replace(part, target)
    except BaseException:
        unlink_quietly(part)
        raise
    local = LocalState(st.st_size, st.st_mtime_ns)
    if done is not None:
        done(local)
    return local


@attrs.frozen
class Outcome:
    """What became of one listed file (:meth:`Engine.fetch`, or a job's decision to skip it)."""

    file: ListedFile
    status: str  # "downloaded" | "skipped" | "failed" | "expired"
    retries: list[DownloadRetry] = attrs.Factory(list)
    error: str = ""
    #: The API error behind a ``"failed"`` outcome, when there was one (a job tells a spent budget from the rest).
    cause: PictographError | None = attrs.field(default=None, eq=False)


# ---------------------------------------------------------------------------------------------- engine
class Engine:
    """Moves bytes for one client. Made by :func:`engine_of`; the job modules are built on its primitives."""

    def __init__(self, client: AsyncClient, *, storage_transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.client = client
        self.transport = client._transport
        self.config = client._transport.config
        self.storage = StorageClient(
            self.config.timeout, storage_transport or getattr(client, "_storage_transport", None)
        )
        timeout = self.config.timeout
        self.image_timeout = httpx.Timeout(timeout, read=READ_TIMEOUT_IMAGES)
        self.upload_timeout = httpx.Timeout(timeout, read=READ_WRITE_TIMEOUT_UPLOAD, write=READ_WRITE_TIMEOUT_UPLOAD)
        #: Tries per file (the first and the client's ``max_retries`` more).
        self.attempts = 1 + self.config.max_retries

    #: The bounded runner of a job's files (:func:`pictograph._transfers._pool.run_bounded`).
    run_bounded = staticmethod(run_bounded)

    async def aclose(self) -> None:
        await self.storage.aclose()

    async def backoff(self, retry_number: int) -> None:
        """Wait before retry ``retry_number`` (0 for the first), with the client's sleep and jitter."""
        await self.transport._sleep(backoff_delay(retry_number, self.transport._rng))

    async def fetch_signed(
        self, url: str, target: Path, *, stop: threading.Event | None = None, expected_size: int | None = None,
        digest: tuple[str, str] | None = None, dirs: set[Path] | None = None, done: Done | None = None,
    ) -> LocalState:
        """GET a signed storage URL into ``target`` (see :func:`write_body` for the checks and the arguments).

        An answer >= 300 raises what :func:`~pictograph._transfers._storage.storage_failure` classifies it as.
        """
        response = await self.storage.request("GET", url, self.image_timeout)
        try:
            if response.status_code >= 300:
                raise await storage_failure(response, f"GET {redact_url(url)}")
            return await write_body(
                response, target, stop=stop, expected_size=expected_size, digest=digest, dirs=dirs, done=done
            )
        finally:
            await response.aclose()

    async def fetch_api(
        self, request: dict[str, Any], target: Path, *, stop: threading.Event | None = None,
        expected_size: int | None = None, dirs: set[Path] | None = None, done: Done | None = None,
    ) -> LocalState:
        """Send an API request (a generated module's ``_get_kwargs``) and stream its answer into ``target``.

        The API transport retries what it retries for every call and raises the mapped error for a status
        >= 400; a body cut short, or of another size than ``expected_size``, is :class:`Retryable`.
        """
        async with self.transport.stream(request, timeout=self.image_timeout) as response:
            return await write_body(response, target, stop=stop, expected_size=expected_size, dirs=dirs, done=done)

    async def fetch(
        self, file: ListedFile, target: Path, stop: threading.Event | None, dirs: set[Path] | None,
        done: Done | None, *, request: dict[str, Any] | None = None,
    ) -> Outcome:
        """Fetch one listed file into ``target`` (an image from storage, an annotation from the API), retrying
        what may work another time; never raises.

        ``request`` (a generated module's ``_get_kwargs``) fetches the file through that API call instead of
        ``file.url``: an image no signed listing covers comes by the API's byte route (§3.1).
        ``"expired"``: storage refused the signed URL (the job may ask for a fresh listing and try again).
        """
        retries: list[DownloadRetry] = []
        for attempt in range(1, self.attempts + 1):
            try:
                if request is not None:
                    await self.fetch_api(request, target, stop=stop, expected_size=file.expected_size, dirs=dirs,
                                         done=done)
                elif file.kind == "image":
                    await self.fetch_signed(file.url, target, stop=stop, expected_size=file.expected_size,
                                          digest=file.expected_digest, dirs=dirs, done=done)
                else:
                    url = rebase_api_url(file.url, self.config.base_url)
                    await self.fetch_api({"method": "get", "url": url}, target, stop=stop, dirs=dirs, done=done)
                return Outcome(file, "downloaded", retries)
            except Expired as exc:
                return Outcome(file, "expired", retries, error=str(exc))
            except (Retryable, httpx.TransportError) as exc:
                error = describe_error(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                if attempt == self.attempts:
                    return Outcome(file, "failed", retries, error=f"{error} (after {attempt} attempts)")
                retries.append(DownloadRetry(file.filename, file.kind, attempt, error))
                await self.backoff(attempt - 1)
            except Stopped:
                return Outcome(file, "failed", retries, error="stopped before the file was complete")
            except PictographError as exc:
                return Outcome(file, "failed", retries, error=describe_error(exc), cause=exc)
            except OSError as exc:
                return Outcome(file, "failed", retries, error=describe_error(exc))
        raise AssertionError("unreachable")  # pragma: no cover

    async def listing(self, name: str, mode: Mode, status_filter: str | None) -> DownloadPlan:
        """The signed download listing of a dataset (§2.3, at most :data:`LISTING_LIMIT` items), as a plan."""
        request = get_dataset_download_listing._get_kwargs(
            name, mode=mode, limit=LISTING_LIMIT, status_filter=UNSET if status_filter is None else status_filter
        )
        response = await self.transport.send(request)
        payload = unwrap(response.status_code, response.content, "data", "DownloadListing")
        return plan_download(payload, mode)
