"""``images.upload``: one file up to a dataset; and the signed PUT that every upload is made of.

Protocol: docs/wire-protocol.md §3.3 (uploads). An upload asks the API for a signed upload URL, PUTs the bytes to it
with the exact ``Content-Type`` and an explicit ``Content-Length``, then registers the image with its size and
its width and height measured locally. A small file is read once (for its size, its measure and its PUT); a
larger one is streamed, so memory stays flat. Uploads of many files are in :mod:`._upload_many`.
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from pictograph_api.api.images import create_upload_url, register_image
from pictograph_api.models.register_request import RegisterRequest
from pictograph_api.models.upload_url_request import UploadUrlRequest
from pictograph_api.types import UNSET

from pictograph._args import check_name, normalize_folder
from pictograph._fileio import read_up_to
from pictograph._imaging import measure
from pictograph._model_base import build
from pictograph._protocol import schema_error, unwrap
from pictograph._transfers._engine import Engine
from pictograph._transfers._plan import COPY_CHUNK, RETRY_FILE_STATUSES, describe_error, storage_error_text
from pictograph._transfers._upload_plan import content_type_for
from pictograph.errors import ApiError, NetworkError, PictographError, RequestTimeoutError
from pictograph.models import Image


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


def small_file(path: Path, size: int) -> bytes | None:
    """The first ``size`` bytes of ``path`` when ``size`` is at most one copy block (:data:`COPY_CHUNK`), else
    ``None``."""
    if size > COPY_CHUNK:
        return None
    data = read_up_to(path, size)
    if len(data) < size:
        raise OSError(f"{path} became shorter while it was being uploaded")
    return data


def upload_url_of(payload: Any) -> str:
    url = payload.get("upload_url") if isinstance(payload, dict) else None
    if not isinstance(url, str) or not url:
        raise schema_error("UploadUrl", "required field 'upload_url' is missing", payload)
    return url


async def put(
    engine: Engine, url: str, path: Path, content_type: str, size: int, data: bytes | None = None
) -> None:
    """PUT a file to a signed upload URL: exact Content-Type, explicit Content-Length; ``data``, the file's
    content when the caller read it already (a small file), else streamed from the file."""
    headers = {"Content-Type": content_type, "Content-Length": str(size)}
    for attempt in range(1, engine.attempts + 1):
        error: PictographError
        try:
            status, content = await engine.storage.call(
                "PUT", url, engine.upload_timeout, headers, _file_chunks(path, size) if data is None else data)
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
        if attempt == engine.attempts:
            raise error
        await engine.backoff(attempt - 1)


async def upload(
    engine: Engine,
    dataset: str,
    file_path: str | os.PathLike[str],
    folder_path: str = "/",
    filename: str | None = None,
    content_type: str | None = None,
) -> Image:
    """Upload one file and register it (``images.upload``): upload URL, PUT, register."""
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
    data = small_file(path, size)
    dims = measure(path, data)
    body = UploadUrlRequest(dataset=dataset, filename=name, content_type=mime, directory_path=folder)
    response = await engine.transport.send(create_upload_url._get_kwargs(body=body))
    url = upload_url_of(unwrap(response.status_code, response.content, "data", "UploadUrl"))
    await put(engine, url, path, mime, size, data)
    register = RegisterRequest(
        dataset=dataset, filename=name, directory_path=folder, content_type=mime, file_size=size,
        width=dims[0] if dims else UNSET, height=dims[1] if dims else UNSET,
    )
    response = await engine.transport.send(register_image._get_kwargs(body=register))
    return build(Image, unwrap(response.status_code, response.content, "data", "Image"))
