"""The signed storage routes (``/_storage/...``): image uploads (PUT) and downloads (GET, HEAD) of blobs and
export archives.

Kept cheap on purpose (no spec validation, no Starlette request object): check the signature, then stream the
file, or the bytes of ``packed_blobs`` when the image has no file (the bench seed). Starlette supplies the
response classes (``FileResponse`` handles ``Range``); packed bytes get the same ``Range`` answers here.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.responses import FileResponse, Response

from pictograph._fileio import write_all
from pictograph.testing._asgi import (
    DropConnection,
    Receive,
    Scope,
    Send,
    new_request_id,
    read_body,
    storage_error,
)
from pictograph.testing._handlers import uploaded_path
from pictograph.testing._signing import STORAGE_PREFIX
from pictograph.testing._state import ServerState

_SMALL_FILE = 1 << 20

ApplyFaults = Callable[[str, Scope, Receive, Send, str], Awaitable[str]]


def byte_range(header: str, size: int) -> tuple[int | None, int | None]:
    """The first and last byte of one ``Range: bytes=...`` request over ``size`` bytes; ``(None, None)`` when it
    cannot be satisfied. A header naming several ranges is served its first."""
    unit, _, spec = header.partition("=")
    start, _, end = spec.split(",")[0].strip().partition("-")
    try:
        if unit.strip() != "bytes":
            raise ValueError(unit)
        if start == "":  # the last ``end`` bytes
            first, last = max(0, size - int(end)), size - 1
        else:
            first, last = int(start), min(int(end), size - 1) if end else size - 1
    except ValueError:
        return None, None
    if first > last or first >= size:
        return None, None
    return first, last


def store_upload(target: Path, body: bytes, made: set[str]) -> str:
    """Write a PUT body to ``target`` atomically (a unique ``.part``, then a rename); its ETag.

    ``made`` remembers the folders known to exist, so a burst of uploads into one dataset costs one
    ``mkdir``. The ETag is a fresh random token: the API never compares it with anything, and hashing every
    body would cost more than storing it."""
    folder = str(target.parent)
    if folder not in made:
        os.makedirs(folder, exist_ok=True)
        made.add(folder)
    final = str(target)
    etag = uuid.uuid4().hex
    tmp = f"{final}.{etag}.part"
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(tmp, flags, 0o644)
    except FileNotFoundError:  # the folder went away since it was made (a dataset deleted meanwhile)
        os.makedirs(folder, exist_ok=True)
        fd = os.open(tmp, flags, 0o644)
    try:
        write_all(fd, body)
    finally:
        os.close(fd)
    os.replace(tmp, final)
    return etag


class StorageRoutes:
    """Answers every request under ``/_storage``; ``apply_faults`` is the app's fault step (shared with the API)."""

    def __init__(self, state: ServerState, apply_faults: ApplyFaults) -> None:
        self.state = state
        self._apply_faults = apply_faults
        self._folders: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send, raw_path: str) -> None:
        request_id = new_request_id()
        outcome = await self._apply_faults("file", scope, receive, send, request_id)
        if outcome == "handled":
            return
        method = scope["method"]
        path = unquote(raw_path)
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1")))
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        content_type = headers.get("content-type", "") if method == "PUT" else ""
        problem = self.state.signer.check(method if method != "HEAD" else "GET", path, query.get("expires", ""),
                                          query.get("signature", ""), content_type)
        if problem is not None:
            msg = ("Request has expired" if problem == "ExpiredToken" else
                   "The request signature we calculated does not match the signature you provided.")
            await storage_error(403, problem if problem != "ExpiredToken" else "AccessDenied", msg,
                                request_id)(scope, receive, send)
            return
        target = self._storage_file(path)
        if target is None:
            await storage_error(404, "NoSuchKey", "The specified key does not exist.", request_id)(scope, receive, send)
            return
        if method == "PUT":
            body = await read_body(receive)
            if path.startswith(f"{STORAGE_PREFIX}/blobs/"):
                target = uploaded_path(target)
            if len(body) <= _SMALL_FILE:  # a few dozen microseconds: not worth a thread hand-over
                etag = store_upload(target, body, self._folders)
            else:  # the loop keeps serving the other requests while a big body is written
                etag = await asyncio.to_thread(store_upload, target, body, self._folders)
            if outcome == "stall":  # stored, but the answer comes late
                await asyncio.sleep(self.state.faults.stall_seconds())
            await Response(b"", 200, headers={"ETag": f'"{etag}"', "X-Request-Id": request_id})(scope, receive, send)
            return
        if outcome == "stall":
            await asyncio.sleep(self.state.faults.stall_seconds())
        if method not in ("GET", "HEAD"):
            await storage_error(405, "MethodNotAllowed", "method not allowed", request_id)(scope, receive, send)
            return
        ctype = "application/zip" if path.endswith(".zip") else "application/octet-stream"
        try:
            size = os.stat(target).st_size
        except (FileNotFoundError, NotADirectoryError):
            size = -1
        if size < 0:  # no file: the bytes may be packed (bench seed)
            packed = self._packed(path)
            if packed is None:
                await storage_error(404, "NoSuchKey", "The specified key does not exist.",
                                    request_id)(scope, receive, send)
                return
            await self._send_packed(scope, receive, send, packed, ctype, outcome, request_id)
            return
        if outcome == "truncate":
            with open(target, "rb") as fh:
                data = fh.read(max(1, size // 2))
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", str(size).encode()), (b"content-type", ctype.encode()),
                                    (b"x-request-id", request_id.encode())]})
            await send({"type": "http.response.body", "body": data, "more_body": True})
            raise DropConnection("injected fault: truncated download")
        has_range = any(k == b"range" for k, _ in scope["headers"])
        if size <= _SMALL_FILE and not has_range and method == "GET":
            with open(target, "rb") as fh:
                data = fh.read()
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", str(len(data)).encode()), (b"content-type", ctype.encode()),
                                    (b"accept-ranges", b"bytes"), (b"x-request-id", request_id.encode())]})
            await send({"type": "http.response.body", "body": data})
            return
        response = FileResponse(target, media_type=ctype, headers={"X-Request-Id": request_id})
        await response(scope, receive, send)

    def _packed(self, path: str) -> bytes | None:
        parts = path[len(STORAGE_PREFIX) + 1:].split("/")
        if len(parts) == 3 and parts[0] == "blobs":
            return self.state.storage.packed_blob(parts[1], parts[2])
        return None

    @staticmethod
    async def _send_packed(scope: Scope, receive: Receive, send: Send, data: bytes, ctype: str, outcome: str,
                           request_id: str) -> None:
        """Answer a storage GET or HEAD from bytes in memory, as ``FileResponse`` would answer for a file
        (``Range`` included), with the truncate fault applied."""
        if outcome == "truncate":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", str(len(data)).encode()), (b"content-type", ctype.encode()),
                                    (b"x-request-id", request_id.encode())]})
            await send({"type": "http.response.body", "body": data[:max(1, len(data) // 2)], "more_body": True})
            raise DropConnection("injected fault: truncated download")
        headers = {"Accept-Ranges": "bytes", "X-Request-Id": request_id}
        status, body = 200, data
        wanted = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"range"), None)
        if wanted is not None:
            first, last = byte_range(wanted, len(data))
            if first is None:
                headers["Content-Range"] = f"bytes */{len(data)}"
                await Response(b"", 416, headers=headers)(scope, receive, send)
                return
            assert last is not None
            status, body = 206, data[first:last + 1]
            headers["Content-Range"] = f"bytes {first}-{last}/{len(data)}"
        response = Response(body if scope["method"] != "HEAD" else b"", status, headers=headers, media_type=ctype)
        if scope["method"] == "HEAD":
            response.headers["content-length"] = str(len(body))
        await response(scope, receive, send)

    def _storage_file(self, path: str) -> Any:
        parts = path[len(STORAGE_PREFIX) + 1:].split("/")
        db = self.state.storage
        if len(parts) == 3 and parts[0] == "blobs" and all(p and p not in (".", "..") for p in parts[1:]):
            return db.blob_path(parts[1], parts[2])
        if len(parts) == 2 and parts[0] == "exports" and parts[1].endswith(".zip") and ".." not in parts[1]:
            return db.export_path(parts[1][:-4])
        return None
