"""The I/O-free rules of the wire protocol, shared by the sync and async transports.

Error mapping (docs/wire-protocol.md §1.6), retry policy and ``Retry-After`` (§1.7), idempotency keys (§1.8) and
response envelopes (§1.4) live here, once, so both front ends apply exactly the same rules.
"""

from __future__ import annotations

import email.utils
import json
import random
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any, Literal

from pictograph.errors import (
    ApiError,
    PaymentRequiredError,
    RateLimitError,
    ServerError,
    ValidationError,
    error_for_status,
)

RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
IDEMPOTENT_METHODS = frozenset({"POST", "PUT", "PATCH"})
MAX_RETRY_AFTER = 120.0
BACKOFF_BASE = 1.0
BACKOFF_CAP = 30.0

EnvelopeKind = Literal["data", "bare", "organization"]


def new_idempotency_key() -> str:
    """32 lowercase hex characters from a random UUID, one per logical call (§1.8)."""
    return uuid.uuid4().hex


def backoff_delay(retry_number: int, rng: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry ``retry_number`` (0-based): ``min(2^n, 30)`` with ±25 % jitter."""
    base = min(BACKOFF_BASE * (2.0**retry_number), BACKOFF_CAP)
    return base * (0.75 + 0.5 * rng())


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """``Retry-After`` as seconds: delta-seconds or an HTTP-date; negative → 0; unparsable → ``None``."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    if seconds != seconds or seconds in (float("inf"), float("-inf")):
        return None
    return max(seconds, 0.0)


def _first_text(*candidates: Any) -> str | None:
    for candidate in candidates:
        if isinstance(candidate, str) and candidate.strip():
            return candidate
    return None


def _dig(mapping: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(mapping, Mapping):
            return None
        mapping = mapping.get(key)
    return mapping


def _int_or_none(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _first_present(body: Any, *paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = _dig(body, *path)
        if value is not None:
            return value
    return None


def decode_body(content: bytes) -> Any:
    """The JSON value of an error body, or its text when it is not JSON (an HTML 502 page, say)."""
    if not content:
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        return content.decode("utf-8", errors="replace")


def error_from_response(
    status_code: int, headers: Mapping[str, str], content: bytes, *, retry_after: float | None = None
) -> ApiError:
    """The exception for a non-2xx API response (§1.6). Never raises while parsing."""
    body = decode_body(content)
    error = _dig(body, "error")
    detail = _dig(body, "detail")
    message = _first_text(
        _dig(error, "message"),
        detail if isinstance(detail, str) else None,
        error if isinstance(error, str) else None,
        _dig(body, "message"),
        _dig(detail, "message"),
        _dig(detail, "detail"),
    ) or f"HTTP {status_code}"
    code = _dig(error, "code")
    code = code if isinstance(code, str) and code else None
    request_id = headers.get("x-request-id") or None
    common: dict[str, Any] = {
        "status_code": status_code,
        "code": code,
        "request_id": request_id,
        "response": body,
    }
    cls = error_for_status(status_code)
    if cls is ValidationError:
        entries = _dig(error, "details", "errors")
        if not isinstance(entries, list):
            entries = detail if isinstance(detail, list) else []
        field_errors = [
            {"loc": list(e.get("loc") or []), "msg": str(e.get("msg", ""))}
            for e in entries
            if isinstance(e, Mapping)
        ]
        return ValidationError(message, field_errors=field_errors, **common)
    if cls is PaymentRequiredError:
        return PaymentRequiredError(
            message,
            credit_cost=_int_or_none(
                _first_present(
                    body,
                    ("error", "details", "required_micro_usd"),
                    ("credit_cost",),
                    ("required",),
                    ("detail", "credit_cost"),
                    ("detail", "required"),
                )
            ),
            credits_remaining=_int_or_none(
                _first_present(
                    body,
                    ("error", "details", "remaining_micro_usd"),
                    ("credits_remaining",),
                    ("remaining",),
                    ("detail", "credits_remaining"),
                    ("detail", "remaining"),
                )
            ),
            unit=_first_text(_dig(error, "details", "unit"), _dig(body, "unit")),
            upgrade_url=_first_text(_dig(error, "details", "upgrade_url"), _dig(body, "upgrade_url")),
            **common,
        )
    if cls is RateLimitError:
        if retry_after is None:
            retry_after = parse_retry_after(headers.get("retry-after"))
        return RateLimitError(message, retry_after=retry_after, **common)
    return cls(message, **common)


def json_body(status_code: int, content: bytes, model: str) -> Any:
    """The JSON body of a 2xx response; ``None`` for 204 or an empty body; ``ServerError`` when not JSON."""
    if status_code == 204 or not content.strip():
        return None
    try:
        return json.loads(content)
    except (ValueError, UnicodeDecodeError):
        raise ServerError(
            f"the API answered {model} with a body that is not JSON", status_code=None, response=content[:2000]
        ) from None


def unwrap(status_code: int, content: bytes, kind: EnvelopeKind, model: str) -> Any:
    """The payload of a 2xx JSON response (§1.4); ``None`` for 204 or an empty body."""
    body = json_body(status_code, content, model)
    if body is None:
        return None
    if isinstance(body, dict):
        if kind == "organization" and "organization" in body:
            return body["organization"]
        if kind != "bare" and "data" in body:
            return body["data"]
    return body


def schema_error(model: str, problem: str, payload: Any = None) -> ServerError:
    """A response that does not match its schema (§1.4 rule 5)."""
    return ServerError(f"unexpected response from the API: {model}: {problem}", status_code=None, response=payload)
