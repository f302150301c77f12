"""The ASGI application: the API under ``/api/v1/developer``, signed storage under ``/_storage`` (served by
``_storage_routes``), and the admin routes under ``/_admin``.

The API path runs, in order: the request count and hourly budget (429, see ``_budget``), faults, routing on the
raw path, authentication (401), spec validation (422), ``Idempotency-Key`` replay, the handler, optional
response validation.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from urllib.parse import parse_qsl

from starlette.responses import FileResponse, Response

from pictograph.testing._asgi import (
    DropConnection,
    Receive,
    Scope,
    Send,
    error_response,
    new_request_id,
    read_body,
    storage_error,
)
from pictograph.testing._budget import WINDOW_SECONDS, check_budget
from pictograph.testing._errors import HttpError
from pictograph.testing._faults import Delay
from pictograph.testing._handlers import HANDLERS, Ctx, Reply
from pictograph.testing._signing import STORAGE_PREFIX
from pictograph.testing._spec import API_PREFIX, Match, dumps, problems_body
from pictograph.testing._state import ServerState
from pictograph.testing._storage_routes import StorageRoutes

log = logging.getLogger("pictograph.testing")

IDEMPOTENCY_WINDOW = 24 * 3600

_MAX_OFFSET = 2**62


class MockApp:
    """The root ASGI callable of the local server."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._storage = StorageRoutes(state, self._apply_faults)
        self._delay = Delay()  # the added latency, calibrated to average what was asked for
        self._api_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pictograph-local-api")
        self._key_orgs: dict[str, tuple[str, str]] = {}  # API key -> (organization id, tier), as keys are seen

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
            await self._storage(scope, receive, send, raw_path)
        elif raw_path.startswith(API_PREFIX + "/"):
            await self.api(scope, receive, send, raw_path[len(API_PREFIX):])
        elif raw_path.startswith("/_admin/"):
            await self.admin(scope, receive, send, raw_path)
        else:
            rid = new_request_id()
            await error_response(HttpError(404, "not_found", f"no route {raw_path}"), rid)(scope, receive, send)

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
                await error_response(exc, request_id)(scope, receive, send)
            else:
                resp = storage_error(status, "InternalError" if status != 429 else "SlowDown",
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

    # ------------------------------------------------------------------ admin
    async def admin(self, scope: Scope, receive: Receive, send: Send, raw_path: str) -> None:
        request_id = new_request_id()
        headers = {"X-Request-Id": request_id}
        if raw_path.rstrip("/") == "/_admin/faults":
            if scope["method"] in ("POST", "PUT", "PATCH"):
                try:
                    changes = json.loads(await read_body(receive) or b"{}")
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
        if raw_path.rstrip("/") == "/_admin/requests":
            await self._admin_requests(scope, receive, send, headers)
            return
        if raw_path.rstrip("/") == "/_admin/clock" and scope["method"] == "POST":
            body = json.loads(await read_body(receive) or b"{}")
            self.state.clock.advance(float(body.get("advance", 0)))
            await Response(dumps({"now": self.state.clock.now()}), 200, headers=headers,
                           media_type="application/json")(scope, receive, send)
            return
        await Response(dumps({"error": "unknown admin route"}), 404, headers=headers,
                       media_type="application/json")(scope, receive, send)

    async def _admin_requests(self, scope: Scope, receive: Receive, send: Send, headers: dict[str, str]) -> None:
        """``GET /_admin/requests``: the request counts; ``POST`` with ``{"reset": true}`` zeroes them,
        ``{"budget": N | "plan" | null, "organization_id": ...}`` sets a budget, ``{"renew": true}`` ends the
        budget hour (for a server in another process, as ``bench/`` runs it)."""
        counter = self.state.requests
        if scope["method"] in ("POST", "PUT", "PATCH"):
            try:
                body = json.loads(await read_body(receive) or b"{}")
                if not isinstance(body, dict):
                    raise ValueError("send a JSON object: reset, renew, budget, organization_id")
                unknown = set(body) - {"reset", "renew", "budget", "organization_id"}
                if unknown:
                    raise ValueError(f"unknown key(s) {sorted(unknown)}: send reset, renew, budget, organization_id")
                org_id = body.get("organization_id")
                if "budget" in body:
                    counter.set_budget(check_budget(body["budget"], "budget"), org_id)
                if body.get("renew"):
                    counter.renew(org_id)
                if body.get("reset"):
                    counter.reset_counts()
            except ValueError as exc:
                await Response(dumps({"error": str(exc)}), 400, headers=headers,
                               media_type="application/json")(scope, receive, send)
                return
        payload = {"total": counter.total, "by_organization": counter.counts()}
        await Response(dumps(payload), 200, headers=headers, media_type="application/json")(scope, receive, send)

    # ------------------------------------------------------------------ API
    async def api(self, scope: Scope, receive: Receive, send: Send, rel_path: str) -> None:
        request_id = new_request_id()
        refused = self._count_request(scope)
        if refused is not None:
            await error_response(refused, request_id)(scope, receive, send)
            return
        outcome = await self._apply_faults("api", scope, receive, send, request_id)
        if outcome == "handled":
            return
        try:
            response = await self._api_response(scope, receive, rel_path, request_id)
        except Exception as exc:
            log.exception("request failed")
            response = error_response(HttpError(500, "internal_error", f"the local server failed: {exc}"),
                                      request_id)
        if outcome == "stall":  # the work is done; only the answer is late (a retry must not repeat it)
            await asyncio.sleep(self.state.faults.stall_seconds())
        await response(scope, receive, send)

    def _count_request(self, scope: Scope) -> HttpError | None:
        """Count the request for its organization; the 429 to answer when that organization's budget is spent."""
        key = next((v.decode("latin-1").strip() for k, v in scope["headers"] if k == b"x-api-key"), "")
        org = self._key_orgs.get(key) if key else None
        if org is None and key:
            row = self.state.storage.one("SELECT o.id AS id, o.tier AS tier FROM api_keys k JOIN orgs o "
                                         "ON o.id = k.org_id WHERE k.key = ?", key)
            if row is not None:  # unknown keys are looked up again: they may be added later
                org = self._key_orgs[key] = (row["id"], row["tier"])
        refusal = self.state.requests.arrive(*org) if org is not None else self.state.requests.arrive(None)
        if refusal is None:
            return None
        return HttpError(429, "rate_limited",
                         f"this organization's {refusal.limit} API requests for the hour are spent; the budget "
                         f"renews in {refusal.retry_after} s (signed storage URLs do not count against it)",
                         {"limit": refusal.limit, "window_seconds": WINDOW_SECONDS,
                          "retry_after": refusal.retry_after},
                         headers={"Retry-After": str(refusal.retry_after), "X-RateLimit-Limit": str(refusal.limit),
                                  "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": str(refusal.retry_after)})

    async def _api_response(self, scope: Scope, receive: Receive, rel_path: str, request_id: str) -> Response:
        state = self.state
        method = scope["method"]
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        match, allowed = state.spec.match(method, rel_path)
        if match is None:
            if allowed:
                return error_response(HttpError(405, "method_not_allowed", f"{method} is not allowed here",
                                                headers={"Allow": ", ".join(sorted(set(allowed)))}), request_id)
            return error_response(HttpError(404, "not_found", f"no route {API_PREFIX}{rel_path}"), request_id)
        body = await read_body(receive)
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
            return error_response(HttpError(401, "unauthorized", "the X-API-Key header is missing or not valid"),
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
            return error_response(exc, request_id)
        except Exception as exc:
            log.exception("handler %s failed", operation_id)
            return error_response(HttpError(500, "internal_error", f"the local server failed: {exc}"), request_id)

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
        if reply.data is not None:
            return Response(reply.data, reply.status, headers=headers, media_type=reply.content_type)
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
        request_id = response.headers.get("x-request-id", new_request_id())
        return error_response(HttpError(500, "response_validation_failed", text), request_id)

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
            return error_response(exc, request_id)
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
