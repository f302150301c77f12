"""The transport rules of docs/wire-protocol.md §1.2 and §1.6–§1.8 with a fake clock, for both front ends."""

from __future__ import annotations

import email.utils
import logging
import time
from typing import Any

import httpx
import pytest

from pictograph import (
    ApiError,
    AuthError,
    ConflictError,
    ForbiddenError,
    NetworkError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitError,
    RequestTimeoutError,
    ServerError,
    ValidationError,
)

from .conftest import KEY, FakeClock, envelope, error_body, make_client

DATASET = {"id": "0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11", "name": "cars", "created_at": "2026-01-01T00:00:00Z"}


def scripted(*responses: httpx.Response | Exception) -> tuple[list[httpx.Request], Any]:
    seen: list[httpx.Request] = []
    queue = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        return item

    return seen, handler


def ok() -> httpx.Response:
    return httpx.Response(200, json=envelope([DATASET], has_more=False))


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503, 504])
def test_retryable_statuses_are_retried_with_jittered_exponential_backoff(front: str, status: int) -> None:
    seen, handler = scripted(httpx.Response(status), httpx.Response(status), httpx.Response(status), ok())
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 0.0) as client:
        assert client.datasets.list()[0].name == "cars"
    assert len(seen) == 4
    assert clock.sleeps == [0.75, 1.5, 3.0]


def test_backoff_is_capped_at_30_seconds_and_jitter_is_at_most_25_percent(front: str) -> None:
    seen, handler = scripted(httpx.Response(503))
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 1.0, max_retries=7) as client, \
            pytest.raises(ServerError) as caught:
        client.datasets.list()
    assert len(seen) == 8 and caught.value.status_code == 503
    assert clock.sleeps == [1.25, 2.5, 5.0, 10.0, 20.0, 37.5, 37.5]


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, ValidationError), (401, AuthError), (402, PaymentRequiredError), (403, ForbiddenError),
     (404, NotFoundError), (409, ConflictError), (422, ValidationError), (410, ApiError)],
)
def test_client_errors_are_not_retried(front: str, status: int, error: type[Exception]) -> None:
    seen, handler = scripted(httpx.Response(status, json=error_body("x", "nope")))
    clock = FakeClock()
    with make_client(front, handler, clock=clock) as client, pytest.raises(error):
        client.organizations.me()
    assert len(seen) == 1 and clock.sleeps == []


def test_retries_used_up_map_the_last_response(front: str) -> None:
    seen, handler = scripted(httpx.Response(502, text="<html>bad gateway</html>", headers={"x-request-id": "r9"}))
    with make_client(front, handler, max_retries=2) as client, pytest.raises(ServerError) as caught:
        client.credits.balance()
    assert len(seen) == 3
    assert caught.value.request_id == "r9" and caught.value.response == "<html>bad gateway</html>"
    assert caught.value.message == "HTTP 502"


def test_max_retries_zero_turns_retrying_off(front: str) -> None:
    seen, handler = scripted(httpx.Response(503), ok())
    with make_client(front, handler, max_retries=0) as client, pytest.raises(ServerError):
        client.datasets.list()
    assert len(seen) == 1


def test_retry_after_seconds_is_honoured_when_longer_than_backoff(front: str) -> None:
    _seen, handler = scripted(httpx.Response(429, headers={"Retry-After": "7"}), ok())
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 0.5) as client:
        client.datasets.list()
    assert clock.sleeps == [7.0]


def test_retry_after_never_shortens_the_backoff(front: str) -> None:
    _seen, handler = scripted(httpx.Response(429, headers={"Retry-After": "0"}), ok())
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 0.5) as client:
        client.datasets.list()
    assert clock.sleeps == [1.0]


def test_retry_after_as_http_date(front: str) -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    _seen, handler = scripted(httpx.Response(429, headers={"Retry-After": when}), ok())
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 0.5) as client:
        client.datasets.list()
    (slept,) = clock.sleeps
    assert 27.0 <= slept <= 30.5


def test_retry_after_is_ignored_on_503(front: str) -> None:
    _seen, handler = scripted(httpx.Response(503, headers={"Retry-After": "60"}), ok())
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 0.5) as client:
        client.datasets.list()
    assert clock.sleeps == [1.0]


def test_retry_after_over_120s_raises_rate_limit_error_at_once(front: str) -> None:
    seen, handler = scripted(httpx.Response(429, headers={"Retry-After": "121"}, json=error_body("rate_limited", "slow")))
    clock = FakeClock()
    with make_client(front, handler, clock=clock) as client, pytest.raises(RateLimitError) as caught:
        client.datasets.list()
    assert len(seen) == 1 and clock.sleeps == []
    assert caught.value.retry_after == 121.0 and caught.value.code == "rate_limited"


def test_network_errors_are_retried_then_raised(front: str) -> None:
    seen, handler = scripted(httpx.ConnectError("refused"))
    clock = FakeClock()
    with make_client(front, handler, clock=clock, rng=lambda: 0.0, max_retries=2) as client, \
            pytest.raises(NetworkError):
        client.datasets.list()
    assert len(seen) == 3 and clock.sleeps == [0.75, 1.5]
    seen, handler = scripted(httpx.ReadTimeout("slow"), ok())
    with make_client(front, handler) as client:
        assert client.datasets.list()
    seen, handler = scripted(httpx.ReadTimeout("slow"))
    with make_client(front, handler, max_retries=1) as client, pytest.raises(RequestTimeoutError):
        client.datasets.list()


def test_one_idempotency_key_per_logical_post_reused_on_every_retry(front: str) -> None:
    created = {"data": DATASET}
    seen, handler = scripted(httpx.Response(500), httpx.Response(429), httpx.Response(200, json=created))
    with make_client(front, handler) as client:
        client.projects.create("cars")
        client.projects.create("cars")
    keys = [r.headers.get("idempotency-key") for r in seen]
    assert len(keys) == 4 and keys[0] == keys[1] == keys[2] and keys[3] != keys[0]
    assert all(k is not None and len(k) == 32 and k == k.lower() and "-" not in k for k in keys)


def test_no_idempotency_key_on_get_or_delete(front: str) -> None:
    seen, handler = scripted(httpx.Response(200, json={"data": {**DATASET, "deleted": True}}))
    with make_client(front, handler) as client:
        client.projects.delete("cars")
        client.datasets.get("cars")
    assert all("idempotency-key" not in r.headers for r in seen)


def test_headers_of_every_api_request(front: str) -> None:
    seen, handler = scripted(ok())
    with make_client(front, handler) as client:
        client.datasets.list()
    (request,) = seen
    assert request.headers["x-api-key"] == KEY and "authorization" not in request.headers
    agent = "pictograph-python-async/" if front == "async" else "pictograph-python/"
    assert request.headers["user-agent"].startswith(agent)
    assert request.headers["accept"] == "application/json"


def test_redirects_are_not_followed(front: str) -> None:
    seen, handler = scripted(httpx.Response(302, headers={"location": "https://elsewhere.test/x"}))
    with make_client(front, handler) as client, pytest.raises(ApiError) as caught:
        client.datasets.list()
    assert len(seen) == 1 and caught.value.status_code == 302


def test_402_fields_and_422_field_errors_are_parsed(front: str) -> None:
    body402 = {"error": {"code": "insufficient_credits", "message": "no credits",
                         "details": {"required_micro_usd": 500, "remaining_micro_usd": 20, "unit": "micro_usd",
                                     "upgrade_url": "https://x.test/up"}}}
    body422 = {"detail": [{"loc": ["body", "name"], "msg": "field required", "type": "missing"}]}
    _seen, handler = scripted(httpx.Response(402, json=body402), httpx.Response(422, json=body422))
    with make_client(front, handler) as client:
        with pytest.raises(PaymentRequiredError) as paid:
            client.projects.create("cars")
        with pytest.raises(ValidationError) as invalid:
            client.projects.create("cars")
    assert (paid.value.credit_cost, paid.value.credits_remaining, paid.value.unit, paid.value.upgrade_url) == (
        500, 20, "micro_usd", "https://x.test/up")
    assert invalid.value.field_errors == [{"loc": ["body", "name"], "msg": "field required"}]


def test_the_key_is_never_logged_nor_in_exceptions(front: str, caplog: pytest.LogCaptureFixture) -> None:
    _seen, handler = scripted(httpx.Response(503), httpx.ConnectError("refused"),
                             httpx.Response(401, json=error_body("unauthorized", "bad key")))
    caplog.set_level(logging.DEBUG)
    with make_client(front, handler) as client, pytest.raises(AuthError) as caught:
        client.datasets.list()
    assert caplog.records, "the transport logs each attempt at DEBUG"
    assert KEY not in caplog.text
    assert KEY not in str(caught.value) and KEY not in repr(caught.value)
    assert KEY not in repr(client) and KEY not in repr(client._config)


def test_no_public_call_lets_the_caller_choose_the_idempotency_key() -> None:
    """docs/wire-protocol.md §1.8 (binding): the key is generated once per logical call and the caller cannot choose
    it; the issue's "a caller may pass its own" yields to it. Pin that no resource method grows such an
    argument by accident, sync or async."""
    import inspect

    from pictograph import AsyncClient, Client

    resources = ("datasets", "images", "annotations", "exports", "connectors", "organizations", "credits")
    checked = 0
    sync_client = Client(api_key="pk_test_x", base_url="http://127.0.0.1:9")
    async_client = AsyncClient(api_key="pk_test_x", base_url="http://127.0.0.1:9")
    try:
        for owner in (sync_client, async_client):
            for resource in resources:
                for name, method in inspect.getmembers(getattr(owner, resource), callable):
                    if name.startswith("_"):
                        continue
                    params = inspect.signature(method).parameters
                    assert not any("idempotency" in p.lower() for p in params), (type(owner).__name__, resource, name)
                    checked += 1
    finally:
        sync_client.close()
    assert checked > 40
