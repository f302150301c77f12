"""``exports.download``: a completed export's ZIP into a file, resumed where an earlier call stopped.

Protocol: docs/wire-protocol.md §5.1 (export download URL), §1.10 (signed URLs). The ZIP is streamed to ``NAME.part``
and renamed when complete. An interrupted download keeps its ``.part``; the next attempt (in this call or a
later one) asks storage for the rest with ``Range``, guarded by ``If-Range`` so that two versions of an export
are never spliced together. A signed URL refused as expired is asked for once more.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import IO

import httpx
from pictograph_api.api.exports import get_export_download_url

from pictograph._args import check_name
from pictograph._protocol import schema_error, unwrap
from pictograph._transfers._engine import (
    Engine,
    declared_length,
    local_state,
    received_length,
    unlink_quietly,
)
from pictograph._transfers._options import TransferOptions
from pictograph._transfers._plan import EXPIRED_URL_STATUSES, READ_TIMEOUT_EXPORT, describe_error, part_path
from pictograph._transfers._storage import Expired, Retryable, storage_failure
from pictograph.errors import ApiError, NetworkError, RequestTimeoutError

logger = logging.getLogger("pictograph")


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


async def _export_url(engine: Engine, dataset_name: str, name: str) -> str:
    response = await engine.transport.send(get_export_download_url._get_kwargs(name, dataset=dataset_name))
    payload = unwrap(response.status_code, response.content, "data", "ExportDownloadUrl")
    url = payload.get("download_url") if isinstance(payload, dict) else None
    if not isinstance(url, str) or not url:
        raise schema_error("ExportDownloadUrl", "required field 'download_url' is missing", payload)
    return url


async def download_export(
    engine: Engine, dataset_name: str, name: str, output_path: str | os.PathLike[str], transfer: TransferOptions
) -> Path:
    """Write the ZIP of export ``name`` of ``dataset_name`` to ``output_path``, resuming a ``.part`` left by an
    earlier call, and return that path (``exports.download``)."""
    check_name("dataset_name", dataset_name)
    check_name("name", name)
    target = Path(output_path)
    if target.is_dir():
        raise ValueError(f"output_path {str(target)!r} is a folder; give the file to write, e.g. 'export.zip'")
    target.parent.mkdir(parents=True, exist_ok=True)
    reporter = transfer.reporter(per="byte")
    part = part_path(target)
    resume = _ResumeInfo(part)
    url = await _export_url(engine, dataset_name, name)
    refreshed = False
    failures = 0
    timeout = httpx.Timeout(engine.config.timeout, read=READ_TIMEOUT_EXPORT)
    try:
        while True:
            try:
                headers = resume.request_headers()
                async with engine.storage.client().stream("GET", url, headers=headers, timeout=timeout) as response:
                    status = response.status_code
                    if status in EXPIRED_URL_STATUSES and not refreshed:
                        refreshed = True
                        url = await _export_url(engine, dataset_name, name)
                        continue
                    if status == 416 and headers:
                        resume.discard()
                        raise Retryable("storage refused the resume range")
                    if status >= 300:
                        error = await storage_failure(response, f"GET export {name!r}")
                        if isinstance(error, Expired):
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
                    declared = declared_length(response)
                    received = received_length(response, written)
                    if declared is not None and received != declared:
                        raise Retryable(f"truncated body: {received} of {declared} bytes")
                os.replace(part, target)
                resume.done()
                return target
            except (Retryable, httpx.TransportError) as exc:
                failures += 1
                why = describe_error(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                if failures >= engine.attempts:
                    kind = RequestTimeoutError if isinstance(exc, httpx.TimeoutException) else NetworkError
                    raise kind(
                        f"downloading export {name!r} failed {failures} times ({why}); the partial file "
                        f"{str(part)!r} is kept and the next call resumes it"
                    ) from None
                logger.debug("export %r: %s; retrying", name, why)
                await engine.backoff(failures - 1)
    finally:
        reporter.finish()


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
            unlink_quietly(self.part)

    def request_headers(self) -> dict[str, str]:
        size = local_state(self.part)
        if self.validator is None or size is None or size.size == 0:
            return {}
        return {"Range": f"bytes={size.size}-", "If-Range": self.validator}

    def open(self, response: httpx.Response) -> IO[bytes]:
        """The file to append to (206 at the right offset) or to write from the start (anything else)."""
        size = local_state(self.part)
        have = size.size if size is not None else 0
        if response.status_code == 206:
            span = _content_range(response.headers.get("content-range"))
            if span is None or span[0] != have:
                self.discard()
                raise Retryable("storage answered an unexpected byte range; starting over")
            self.offset = have
            self.total = span[1] or 0
            return open(self.part, "ab")
        self.offset = 0
        declared = declared_length(response)
        self.total = declared or 0
        validator = response.headers.get("etag") or response.headers.get("last-modified")
        self.validator = validator
        if validator:
            self.sidecar.write_text(validator, encoding="utf-8")
        else:
            unlink_quietly(self.sidecar)
        return open(self.part, "wb")

    def discard(self) -> None:
        unlink_quietly(self.part)
        unlink_quietly(self.sidecar)
        self.validator = None

    def done(self) -> None:
        unlink_quietly(self.sidecar)

