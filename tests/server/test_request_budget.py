"""The hourly request budget per organization (429 + ``Retry-After`` once spent) and the API request counters."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from pictograph import RateLimitError
from pictograph.testing import MockServer


@pytest.fixture(scope="module")
def srv() -> Iterator[MockServer]:
    with MockServer(seed="bench:30", validate_responses=True) as server:
        yield server


@pytest.fixture(autouse=True)
def _fresh_budget(srv: MockServer) -> Iterator[None]:
    srv.set_request_budget(None)
    srv.reset_api_requests()
    srv.clock.reset()
    before = len(srv.response_problems)
    yield
    srv.set_request_budget(None)
    srv.clock.reset()
    assert srv.response_problems[before:] == []


@pytest.fixture
def api(srv: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.api_url, headers={"X-API-Key": srv.api_key}, timeout=10) as client:
        yield client


def test_spent_budget_answers_429_with_the_error_envelope_and_retry_after(srv: MockServer,
                                                                          api: httpx.Client) -> None:
    srv.set_request_budget(3)
    assert [api.get("/datasets/").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/datasets/")
    assert refused.status_code == 429
    body = refused.json()
    assert body["error"]["code"] == "rate_limited"
    assert body["error"]["details"]["limit"] == 3
    assert "3 API requests" in body["error"]["message"] and body["detail"] == body["error"]["message"]
    retry_after = int(refused.headers["Retry-After"])
    assert 120 < retry_after <= 3600
    assert refused.headers["X-Request-Id"].startswith("req_")
    assert refused.headers["X-RateLimit-Remaining"] == "0"
    # every route of the API is refused, the byte routes too
    assert api.get("/images/bench/a/img_000000.jpg").status_code == 429


def test_the_sdk_stops_at_once_on_a_spent_budget(srv: MockServer) -> None:
    srv.set_request_budget(1)
    with srv.client(max_retries=3) as client:
        client.datasets.list()
        before = srv.api_requests()
        with pytest.raises(RateLimitError) as caught:
            client.datasets.list()
    assert caught.value.retry_after is not None and caught.value.retry_after > 120
    assert srv.api_requests() == before + 1  # no retry: Retry-After is over 120 s


def test_signed_storage_urls_are_neither_counted_nor_refused(srv: MockServer, api: httpx.Client) -> None:
    items = api.get("/datasets/bench/download", params={"mode": "images_only", "limit": 10}).json()["data"]["items"]
    srv.set_request_budget(0)
    used = srv.api_requests()
    total = srv.api_requests_total()
    assert api.get("/datasets/").status_code == 429
    assert all(httpx.get(item["image_url"]).status_code == 200 for item in items)
    assert srv.api_requests() == used + 1
    assert srv.api_requests_total() == total + 1


def test_every_api_request_counts_whatever_its_answer(srv: MockServer, api: httpx.Client) -> None:
    assert srv.api_requests() == 0
    api.get("/datasets/")                                      # 200
    api.get("/datasets/no-such-dataset")                       # 404
    api.get("/images/", params={"dataset": "bench", "bogus": "1"})  # 422
    api.get("/no-such-route")                                  # 404 before routing
    srv.faults.update(script=["503"])
    api.get("/datasets/")                                      # injected fault
    srv.faults.reset()
    assert srv.api_requests() == 5
    srv.reset_api_requests()
    assert srv.api_requests() == 0 and srv.api_requests_total() == 0


def test_a_request_with_a_bad_key_counts_only_in_the_total(srv: MockServer) -> None:
    with httpx.Client(base_url=srv.api_url, headers={"X-API-Key": "pk_live_wrong"}) as stranger:
        assert stranger.get("/datasets/").status_code == 401
    assert httpx.get(f"{srv.api_url}/datasets/").status_code == 401
    assert srv.api_requests() == 0
    assert srv.api_requests_total() == 2


def test_budgets_and_counts_are_per_organization(srv: MockServer, api: httpx.Client) -> None:
    other = srv.add_organization(tier="free")
    srv.set_request_budget(1, organization_id=other.id)
    with httpx.Client(base_url=srv.api_url, headers={"X-API-Key": other.api_key}) as them:
        assert them.get("/datasets/").status_code == 200
        assert them.get("/datasets/").status_code == 429
    assert [api.get("/datasets/").status_code for _ in range(3)] == [200, 200, 200]  # the seeded org has none
    assert srv.api_requests(other.id) == 2
    assert srv.api_requests() == 3
    # a key added later to the organization spends the same budget
    srv.renew_request_budget(other.id)
    with httpx.Client(base_url=srv.api_url, headers={"X-API-Key": srv.add_key("viewer", other.id)}) as viewer:
        assert viewer.get("/datasets/").status_code == 200
        assert viewer.get("/datasets/").status_code == 429


def test_the_budget_hour_ends_with_the_server_clock(srv: MockServer, api: httpx.Client) -> None:
    srv.set_request_budget(2)
    api.get("/datasets/")
    api.get("/datasets/")
    srv.clock.advance(1000)
    refused = api.get("/datasets/")
    assert refused.status_code == 429
    assert 2590 <= int(refused.headers["Retry-After"]) <= 2600
    srv.clock.advance(2600)
    assert api.get("/datasets/").status_code == 200  # a new hour, a new budget
    api.get("/datasets/")
    assert api.get("/datasets/").status_code == 429
    srv.renew_request_budget()
    assert api.get("/datasets/").status_code == 200


def test_plan_budget_follows_each_organization_plan(srv: MockServer) -> None:
    srv.set_request_budget("plan")
    free = srv.add_organization(tier="free")
    enterprise = srv.add_organization(tier="enterprise")
    assert srv.requests.limit(free.id, "free") == 1000
    assert srv.requests.limit(enterprise.id, "enterprise") == 100_000
    srv.set_request_budget(0, organization_id=free.id)  # one organization's own budget wins over the plan's
    with httpx.Client(base_url=srv.api_url, headers={"X-API-Key": free.api_key}) as them:
        assert them.get("/datasets/").status_code == 429


def test_admin_route_reads_counts_and_sets_the_budget(srv: MockServer, api: httpx.Client) -> None:
    api.get("/datasets/")
    counts = httpx.get(f"{srv.url}/_admin/requests").json()
    assert counts == {"total": 1, "by_organization": {srv.organization_id: 1}}
    assert httpx.post(f"{srv.url}/_admin/requests", json={"budget": 0}).status_code == 200
    assert api.get("/datasets/").status_code == 429
    assert httpx.post(f"{srv.url}/_admin/requests", json={"budget": None, "reset": True}).json()["total"] == 0
    assert api.get("/datasets/").status_code == 200
    bad = httpx.post(f"{srv.url}/_admin/requests", json={"budget": "lots"})
    assert bad.status_code == 400 and "whole number" in bad.json()["error"]
    assert httpx.post(f"{srv.url}/_admin/requests", json={"limit": 3}).status_code == 400


@pytest.mark.parametrize("budget", [-1, "lots", 2.5, True])
def test_a_bad_budget_is_refused_with_what_is_accepted(budget: object) -> None:
    with pytest.raises(ValueError, match="whole number of requests per hour"):
        MockServer(seed="empty", request_budget=budget)  # type: ignore[arg-type]


def test_budget_given_at_start_applies_to_the_seeded_organization() -> None:
    with MockServer(seed="empty", request_budget=1) as server, server.client(max_retries=0) as client:
        client.datasets.list()
        with pytest.raises(RateLimitError):
            client.datasets.list()
        assert server.api_requests() == 2
