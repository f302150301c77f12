"""The ASGI application: the API under ``/api/v1/developer``, signed storage under ``/_storage``, and the
admin routes under ``/_admin``.

The API path runs, in order: faults, routing on the raw path, authentication (401), spec validation (422),
``Idempotency-Key`` replay, the handler, optional response validation.  The storage path is kept cheap on
purpose (no spec validation, no Starlette request object): it checks the signature and streams the file.
Starlette supplies the response classes (``FileResponse`` handles ``Range``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote

from starlette.responses import FileResponse, Response

from pictograph._fileio import write_all
from pictograph.testing._errors import HttpError
from pictograph.testing._faults import Delay
from pictograph.testing._handlers import HANDLERS, Ctx, Reply, uploaded_path
from pictograph.testing._signing import STORAGE_PREFIX, storage_error_xml
from pictograph.testing._spec import API_PREFIX, Match, dumps, problems_body
from pictograph.testing._state import ServerState

log = logging.getLogger("pictograph.testing")

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

IDEMPOTENCY_WINDOW = 24 * 3600
_SMALL_FILE = 1 << 20

_MAX_OFFSET = 2**62


class DropConnection(Exception):
    """Raised after the response headers went out, so the server closes the connection mid-answer."""


def _request_id() -> str:
    return "req_" + uuid.uuid4().hex


async def _read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            # The client went away mid-body: never act on (or store) a partial body.
            raise DropConnection("the client disconnected before the request body was complete")
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def _error_response(exc: HttpError, request_id: str) -> Response:
    headers = {"X-Request-Id": request_id, **exc.headers}
    return Response(dumps(exc.body()), exc.status, headers=headers, media_type="application/json")


def _store_upload(target: Path, body: bytes, made: set[str]) -> str:
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


def _storage_error(status: int, code: str, message: str, request_id: str) -> Response:
    return Response(storage_error_xml(code, message), status, media_type="application/xml",
                    headers={"X-Request-Id": request_id})


class MockApp:
    """The root ASGI callable of the local server."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._folders: set[str] = set()
        self._delay = Delay()  # the added latency, calibrated to average what was asked for
        self._api_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pictograph-local-api")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        raw = scope.get("raw_path") or scope["path"].encode()
        raw_path = raw.decode("latin-1").split("?", 1)[0]
        if raw_path.startswith(STORAGE_PREFIX + "/"):
            await self.storage(scope, receive, send, raw_path)
        elif raw_path.startswith(API_PREFIX + "/"):
            await self.api(scope, receive, send, raw_path[len(API_PREFIX):])
        elif raw_path.startswith("/_admin/"):
            await self.admin(scope, receive, send, raw_path)
        else:
            rid = _request_id()
            await _error_response(HttpError(404, "not_found", f"no route {raw_path}"), rid)(scope, receive, send)

    # ------------------------------------------------------------------ faults
    async def _apply_faults(self, kind: str, scope: Scope, receive: Receive, send: Send,
                            request_id: str) -> str:
        outcome, latency = self.state.faults.decide("api" if kind == "api" else "file")
        if latency:
            await self._delay(latency)
        if outcome in ("500", "503", "429"):
            status = int(outcome)
            if kind == "api":
                code = {"500": "internal_error", "503": "service_unavailable", "429": "rate_limited"}[outcome]
                headers = {"Retry-After": self.state.faults.retry_after()} if status == 429 else {}
                exc = HttpError(status, code, f"injected fault: HTTP {status}", headers=headers)
                await _error_response(exc, request_id)(scope, receive, send)
            else:
                resp = _storage_error(status, "InternalError" if status != 429 else "SlowDown",
                                      "injected fault", request_id)
                if status == 429:
                    resp.headers["Retry-After"] = self.state.faults.retry_after()
                await resp(scope, receive, send)
            return "handled"
        if outcome == "drop":
            await send({"type": "http.response.start", "status": 200,
                        "headers": [(b"content-length", b"1000"), (b"x-request-id", request_id.encode())]})
            await send({"type": "http.response.body", "body": b"{", "more_body": True})
            raise DropConnection("injected fault: connection dropped")
        return outcome

    # ------------------------------------------------------------------ storage
    async def storage(self, scope: Scope, receive: Receive, send: Send, raw_path: str) -> None:
        request_id = _request_id()
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
            await _storage_error(403, problem if problem != "ExpiredToken" else "AccessDenied", msg,
                                 request_id)(scope, receive, send)
            return
        target = self._storage_file(path)
        if target is None:
            await _storage_error(404, "NoSuchKey", "The specified key does not exist.", request_id)(scope, receive, send)
            return
        if method == "PUT":
            body = await _read_body(receive)
            if path.startswith(f"{STORAGE_PREFIX}/blobs/"):
                target = uploaded_path(target)
            if len(body) <= _SMALL_FILE:  # a few dozen microseconds: not worth a thread hand-over
                etag = _store_upload(target, body, self._folders)
            else:  # the loop keeps serving the other requests while a big body is written
                etag = await asyncio.to_thread(_store_upload, target, body, self._folders)
            if outcome == "stall":  # stored, but the answer comes late
                await asyncio.sleep(self.state.faults.stall_seconds())
            await Response(b"", 200, headers={"ETag": f'"{etag}"', "X-Request-Id": request_id})(scope, receive, send)
            return
        if outcome == "stall":
            await asyncio.sleep(self.state.faults.stall_seconds())
        if method not in ("GET", "HEAD"):
            await _storage_error(405, "MethodNotAllowed", "method not allowed", request_id)(scope, receive, send)
            return
        try:
            size = os.stat(target).st_size
        except FileNotFoundError:
            await _storage_error(404, "NoSuchKey", "The specified key does not exist.", request_id)(scope, receive, send)
            return
        ctype = "application/zip" if path.endswith(".zip") else "application/octet-stream"
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

    def _storage_file(self, path: str) -> Any:
        parts = path[len(STORAGE_PREFIX) + 1:].split("/")
        db = self.state.storage
        if len(parts) == 3 and parts[0] == "blobs" and all(p and p not in (".", "..") for p in parts[1:]):
            return db.blob_path(parts[1], parts[2])
        if len(parts) == 2 and parts[0] == "exports" and parts[1].endswith(".zip") and ".." not in parts[1]:
            return db.export_path(parts[1][:-4])
        return None

    # ------------------------------------------------------------------ admin
    async def admin(self, scope: Scope, receive: Receive, send: Send, raw_path: str) -> None:
        request_id = _request_id()
        headers = {"X-Request-Id": request_id}
        if raw_path.rstrip("/") == "/_admin/faults":
            if scope["method"] in ("POST", "PUT", "PATCH"):
                try:
                    changes = json.loads(await _read_body(receive) or b"{}")
                    if not isinstance(changes, dict):
                        raise ValueError("send a JSON object of fault settings")
                    if changes.pop("reset", False):
                        self.state.faults.reset()
                    self.state.faults.update(**changes)
                except ValueError as exc:
                    await Response(dumps({"error": str(exc)}), 400, headers=headers,
                                   media_type="application/json")(scope, receive, send)
                    return
            settings = asdict(self.state.faults.settings)
            await Response(dumps(settings), 200, headers=headers, media_type="application/json")(scope, receive, send)
            return
        if raw_path.rstrip("/") == "/_admin/clock" and scope["method"] == "POST":
            body = json.loads(await _read_body(receive) or b"{}")
            self.state.clock.advance(float(body.get("advance", 0)))
            await Response(dumps({"now": self.state.clock.now()}), 200, headers=headers,
                           media_type="application/json")(scope, receive, send)
            return
        await Response(dumps({"error": "unknown admin route"}), 404, headers=headers,
                       media_type="application/json")(scope, receive, send)

    # ------------------------------------------------------------------ API
    async def api(self, scope: Scope, receive: Receive, send: Send, rel_path: str) -> None:
        request_id = _request_id()
        outcome = await self._apply_faults("api", scope, receive, send, request_id)
        if outcome == "handled":
            return
        try:
            response = await self._api_response(scope, receive, rel_path, request_id)
        except Exception as exc:
            log.exception("request failed")
            response = _error_response(HttpError(500, "internal_error", f"the local server failed: {exc}"),
                                       request_id)
        if outcome == "stall":  # the work is done; only the answer is late (a retry must not repeat it)
            await asyncio.sleep(self.state.faults.stall_seconds())
        await response(scope, receive, send)

    async def _api_response(self, scope: Scope, receive: Receive, rel_path: str, request_id: str) -> Response:
        state = self.state
        method = scope["method"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        match, allowed = state.spec.match(method, rel_path)
        if match is None:
            if allowed:
                return _error_response(HttpError(405, "method_not_allowed", f"{method} is not allowed here",
                                                 headers={"Allow": ", ".join(sorted(set(allowed)))}), request_id)
            return _error_response(HttpError(404, "not_found", f"no route {API_PREFIX}{rel_path}"), request_id)
        body = await _read_body(receive)
        # The rest runs in the one API thread: API calls still run one at a time and whole (an idempotent
        # replay sees the first call's answer), but a long one, such as a 500-image bulk register, no longer
        # holds up the storage answers this event loop serves meanwhile.
        return await asyncio.get_running_loop().run_in_executor(
            self._api_thread, self._api_call, scope, rel_path, headers, match, body, request_id)

    def _api_call(self, scope: Scope, rel_path: str, headers: dict[str, str], match: Match, body: bytes,
                  request_id: str) -> Response:
        state = self.state
        method = scope["method"]
        key = headers.get("x-api-key", "").strip()
        key_row = state.storage.one("SELECT * FROM api_keys WHERE key = ?", key) if key else None
        if key_row is None:
            return _error_response(HttpError(401, "unauthorized", "the X-API-Key header is missing or not valid"),
                                   request_id)
        org = state.storage.one("SELECT * FROM orgs WHERE id = ?", key_row["org_id"])
        assert org is not None
        query_pairs = parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True)
        content_type = headers.get("content-type", "")
        outcome = state.spec.validate_request(match, query_pairs, headers, body, content_type)
        if outcome.problems:
            response = Response(dumps(problems_body(outcome.problems)), 422, media_type="application/json",
                                headers={"X-Request-Id": request_id})
            return self._checked(response, match, query_pairs, headers, body, content_type)
        idem_key = headers.get("idempotency-key") if method in ("POST", "PUT", "PATCH") else None
        fingerprint = hashlib.sha256(body).hexdigest()
        if idem_key:
            replay = self._replay(org["id"], method, rel_path, idem_key, fingerprint, request_id)
            if replay is not None:
                return replay
        try:
            parsed = json.loads(body) if body else None
        except ValueError:
            parsed = None
        base_url = self._base_url(scope, headers)
        # Offsets beyond any table are valid per the spec; SQLite integers stop at 2**63 - 1.
        query = {k: min(v, _MAX_OFFSET) if k.endswith("offset") and isinstance(v, int) else v
                 for k, v in outcome.query.items()}
        ctx = Ctx(state, org, key_row["role"], match.path_params, query, parsed, base_url)
        response = self._handle(match.route.operation_id, ctx, request_id)
        response = self._checked(response, match, query_pairs, headers, body, content_type)
        if idem_key and response.status_code < 500 and not isinstance(response, FileResponse):
            self._remember(org["id"], method, rel_path, idem_key, fingerprint, response)
        return response

    def close(self) -> None:
        """Wait for the API call under way, if any, and end the API thread."""
        self._api_thread.shutdown(wait=True)

    def _handle(self, operation_id: str, ctx: Ctx, request_id: str) -> Response:
        try:
            return self._render(HANDLERS[operation_id](ctx), request_id)
        except HttpError as exc:
            return _error_response(exc, request_id)
        except Exception as exc:
            log.exception("handler %s failed", operation_id)
            return _error_response(HttpError(500, "internal_error", f"the local server failed: {exc}"), request_id)

    @staticmethod
    def _base_url(scope: Scope, headers: dict[str, str]) -> str:
        host = headers.get("host")
        if not host:
            server = scope.get("server") or ("127.0.0.1", 80)
            host = f"{server[0]}:{server[1]}"
        return f"{scope.get('scheme', 'http')}://{host}"

    @staticmethod
    def _render(reply: Reply, request_id: str) -> Response:
        headers = {"X-Request-Id": request_id, **reply.headers}
        if reply.file is not None:
            return FileResponse(reply.file, media_type=reply.content_type, headers=headers)
        if reply.status == 204 or reply.payload is None:
            return Response(b"", 204 if reply.status in (200, 204) else reply.status, headers=headers)
        return Response(dumps(reply.payload), reply.status, headers=headers, media_type=reply.content_type)

    def _checked(self, response: Response, match: Match, query_pairs: list[tuple[str, str]],
                 req_headers: dict[str, str], req_body: bytes, req_ct: str) -> Response:
        if not self.state.validate_responses:
            return response
        body = b"" if isinstance(response, FileResponse) else bytes(response.body)
        resp_headers = {k.lower(): v for k, v in response.headers.items()}
        problems = self.state.spec.validate_response(match, query_pairs, req_headers, req_body, req_ct,
                                                     response.status_code, resp_headers, body)
        if not problems:
            return response
        text = f"{match.route.operation_id} answered {response.status_code} off-spec: {'; '.join(problems)}"
        log.error("%s", text)
        self.state.response_problems.append(text)
        request_id = response.headers.get("x-request-id", _request_id())
        return _error_response(HttpError(500, "response_validation_failed", text), request_id)

    # ------------------------------------------------------------------ idempotency
    def _replay(self, org_id: str, method: str, path: str, key: str, fingerprint: str,
                request_id: str) -> Response | None:
        db = self.state.storage
        now = self.state.clock.now()
        row = db.one("SELECT * FROM idempotency WHERE org_id = ? AND method = ? AND path = ? AND key = ?",
                     org_id, method, path, key)
        if row is None:
            return None
        if now - row["created"] > IDEMPOTENCY_WINDOW:
            db.execute("DELETE FROM idempotency WHERE org_id = ? AND method = ? AND path = ? AND key = ?",
                       org_id, method, path, key)
            return None
        if row["fingerprint"] != fingerprint:
            errors = [{"loc": ["header", "Idempotency-Key"],
                       "msg": "this key was already used with a different request body"}]
            exc = HttpError(422, "idempotency_key_reused",
                            "Idempotency-Key was already used with a different request body", {"errors": errors})
            return _error_response(exc, request_id)
        headers = json.loads(row["headers"])
        headers["X-Request-Id"] = request_id
        headers["Idempotent-Replayed"] = "true"
        return Response(bytes(row["body"]), row["status"], headers=headers)

    def _remember(self, org_id: str, method: str, path: str, key: str, fingerprint: str,
                  response: Response) -> None:
        headers = {k: v for k, v in response.headers.items() if k.lower() in ("content-type", "retry-after")}
        self.state.storage.execute(
            "INSERT OR REPLACE INTO idempotency (org_id, method, path, key, fingerprint, status, headers, body, "
            "created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", org_id, method, path, key, fingerprint,
            response.status_code, json.dumps(headers), bytes(response.body), self.state.clock.now())
