"""Idempotency, faults, admin route, restart persistence."""

from __future__ import annotations

import uuid
from pathlib import Path

import httpx

from pictograph.testing import MockServer

from .conftest import Factory


def test_idempotent_replay_repeats_no_side_effect(fresh: httpx.Client, server: MockServer) -> None:
    key = uuid.uuid4().hex
    first = fresh.post("/datasets/", json={"name": "idem"}, headers={"Idempotency-Key": key})
    again = fresh.post("/datasets/", json={"name": "idem"}, headers={"Idempotency-Key": key})
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert again.headers["x-request-id"] != first.headers["x-request-id"]
    assert len(fresh.get("/datasets/").json()["data"]) == 1
    other = fresh.post("/datasets/", json={"name": "idem2"}, headers={"Idempotency-Key": key})
    assert other.status_code == 422 and other.json()["error"]["code"] == "idempotency_key_reused"
    server.clock.advance(24 * 3600 + 1)  # past the window the key is forgotten
    late = fresh.post("/datasets/", json={"name": "idem"}, headers={"Idempotency-Key": key})
    assert late.status_code == 409


def test_faults_are_seeded_and_repeatable(server: MockServer, api: httpx.Client) -> None:
    def run() -> list[int]:
        server.faults.update(seed=42, error_rate=0.3, rate_limit_rate=0.2, retry_after="3")
        return [api.get("/organizations/me").status_code for _ in range(30)]

    a, b = run(), run()
    assert a == b
    assert {429, 200} <= set(a) and ({500, 503} & set(a))
    server.faults.update(seed=1, rate_limit_rate=1.0, error_rate=0.0)
    r = api.get("/organizations/me")
    assert r.status_code == 429 and r.headers["retry-after"] == "3" and r.json()["error"]["code"] == "rate_limited"


def test_fault_script_latency_drop_truncate(server: MockServer, api: httpx.Client) -> None:
    server.faults.update(script=["503", "drop", "ok"])
    assert api.get("/credits/balance").status_code == 503
    try:
        api.get("/credits/balance").read()
        raise AssertionError("the connection should have dropped")
    except httpx.HTTPError:
        pass
    assert api.get("/credits/balance").status_code == 200
    url = api.get("/datasets/people-poses/download", params={"mode": "images_only"}).json()["data"]["items"][0][
        "image_url"]
    server.faults.update(truncate_rate=1.0)
    try:
        httpx.get(url)
        raise AssertionError("the download should have been cut short")
    except httpx.HTTPError:
        pass


def test_admin_route_sets_faults(server: MockServer, api: httpx.Client) -> None:
    r = httpx.post(server.url + "/_admin/faults", json={"script": ["500"]})
    assert r.status_code == 200 and r.json()["script"] == ["500"]
    assert api.get("/organizations/me").status_code == 500
    assert httpx.post(server.url + "/_admin/faults", json={"nope": 1}).status_code == 400
    httpx.post(server.url + "/_admin/faults", json={"reset": True})
    assert api.get("/organizations/me").status_code == 200


def test_restart_keeps_data_with_same_data_dir(tmp_path: Path) -> None:
    with MockServer(seed="demo", data_dir=tmp_path, api_key="pk_live_fixed") as first:
        c = httpx.Client(base_url=first.api_url, headers={"X-API-Key": "pk_live_fixed"})
        assert c.post("/datasets/", json={"name": "kept"}).status_code == 201
        c.close()
    with MockServer(seed="demo", data_dir=tmp_path) as second:
        assert second.api_key == "pk_live_fixed"
        c = httpx.Client(base_url=second.api_url, headers={"X-API-Key": "pk_live_fixed"})
        names = {d["name"] for d in c.get("/datasets/").json()["data"]}
        assert {"kept", "road-scenes", "people-poses"} <= names
        c.close()


def test_org_and_credits(api: httpx.Client, make_client: Factory) -> None:
    org = api.get("/organizations/me").json()["organization"]
    assert org["name"] == "Demo Organization" and org["subscription_tier"] == "pro"
    assert api.get("/credits/balance").json()["included_allowance_micro_usd"] > 0
