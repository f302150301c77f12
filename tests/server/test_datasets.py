from __future__ import annotations

import httpx

from pictograph.testing import MockServer

from .conftest import Factory


def test_demo_seed_lists_two_datasets(api: httpx.Client) -> None:
    r = api.get("/datasets/")
    assert r.status_code == 200
    names = {d["name"] for d in r.json()["data"]}
    assert {"road-scenes", "people-poses"} <= names
    assert r.json()["pagination"]["has_more"] is False


def test_every_response_has_a_request_id(api: httpx.Client, server: MockServer) -> None:
    assert api.get("/datasets/").headers["x-request-id"]
    assert api.get("/datasets/nope").headers["x-request-id"]
    assert httpx.get(server.url + "/_storage/blobs/x/y").headers["x-request-id"]


def test_other_organization_gets_404(api: httpx.Client, fresh: httpx.Client) -> None:
    ds = api.get("/datasets/road-scenes").json()["data"]
    assert fresh.get("/datasets/road-scenes").status_code == 404
    assert fresh.get(f"/datasets/{ds['id']}").status_code == 404
    assert fresh.get("/images/", params={"dataset": ds["id"]}).status_code == 404


def test_missing_or_wrong_key_is_401(make_client: Factory) -> None:
    r = make_client("pk_live_wrong").get("/datasets/")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "unauthorized"


def test_name_or_uuid_addressing_and_slash_in_name(fresh: httpx.Client) -> None:
    r = fresh.post("/datasets/", json={"name": "road signs/v2", "classes": [{"name": "stop"}]})
    assert r.status_code == 201, r.text
    ds = r.json()["data"]
    assert ds["classes"][0]["color"]
    assert fresh.get("/datasets/road%20signs%2Fv2").json()["data"]["id"] == ds["id"]
    assert fresh.get(f"/datasets/{ds['id']}").json()["data"]["name"] == "road signs/v2"


def test_duplicate_name_is_409_and_names_are_case_sensitive(fresh: httpx.Client) -> None:
    assert fresh.post("/datasets/", json={"name": "Cars"}).status_code == 201
    r = fresh.post("/datasets/", json={"name": "Cars"})
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "conflict"
    assert fresh.post("/datasets/", json={"name": "cars"}).status_code == 201
    assert fresh.get("/datasets/CARS").status_code == 404
    assert fresh.patch("/datasets/cars", json={"new_name": "Cars"}).status_code == 409


def test_roles(server: MockServer, make_client: Factory) -> None:
    org = server.add_organization(tier="pro")
    owner = make_client(org.api_key)
    viewer = make_client(server.add_key("viewer", org.id))
    member = make_client(server.add_key("member", org.id))
    admin = make_client(server.add_key("admin", org.id))
    assert viewer.post("/datasets/", json={"name": "a"}).status_code == 403
    assert member.post("/datasets/", json={"name": "a"}).status_code == 201
    assert viewer.get("/datasets/a").status_code == 200
    assert member.patch("/datasets/a", json={"description": "x"}).status_code == 200
    assert member.delete("/datasets/a").status_code == 403
    assert admin.delete("/datasets/a").status_code == 200
    assert owner.post("/datasets/", json={"name": "b"}).status_code == 201
    r = owner.delete("/datasets/b")
    assert r.json()["data"]["deleted"] is True
    assert owner.get("/datasets/b").status_code == 404


def test_pagination_caps_and_has_more(fresh: httpx.Client) -> None:
    for i in range(5):
        assert fresh.post("/datasets/", json={"name": f"d{i}"}).status_code == 201
    first = fresh.get("/datasets/", params={"limit": 2}).json()
    assert len(first["data"]) == 2 and first["pagination"]["has_more"] is True
    last = fresh.get("/datasets/", params={"limit": 2, "offset": 4}).json()
    assert len(last["data"]) == 1 and last["pagination"]["has_more"] is False
    assert fresh.get("/datasets/", params={"limit": 1001}).status_code == 422
    assert fresh.get("/datasets/", params={"limit": 0}).status_code == 422


def test_unknown_query_keys_rejected(api: httpx.Client) -> None:
    r = api.get("/images/", params={"dataset": "road-scenes", "dataset_id": "x"})
    assert r.status_code == 422
    body = r.json()
    assert body["error"]["details"]["errors"][0]["loc"] == ["query", "dataset_id"]
    assert body["detail"][0]["loc"] == ["query", "dataset_id"]
    assert api.get("/datasets/", params={"foo": "1"}).status_code == 422


def test_bad_body_is_422_with_field_errors(fresh: httpx.Client) -> None:
    r = fresh.post("/datasets/", json={"name": "x", "annotation_types": ["circle"]})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["details"]["errors"][0]["loc"][0] == "body"


def test_class_three_way_merge(fresh: httpx.Client) -> None:
    fresh.post("/datasets/", json={"name": "m", "classes": [{"name": "a"}, {"name": "b"}]})
    base = [{"name": "a"}, {"name": "b"}]
    # someone else adds c
    fresh.patch("/datasets/m", json={"classes": [{"name": "a"}, {"name": "b"}, {"name": "c"}]})
    # we remove b against the base we read: c must survive
    r = fresh.patch("/datasets/m", json={"classes": [{"name": "a"}], "classes_base": base})
    assert r.status_code == 200, r.text
    assert [c["name"] for c in r.json()["data"]["classes"]] == ["a", "c"]


def test_retired_routes_are_404(api: httpx.Client) -> None:
    assert api.get("/datasets/by-name/road-scenes").status_code == 404
    assert api.get("/projects/").status_code == 404


def test_download_listing(api: httpx.Client) -> None:
    r = api.get("/datasets/road-scenes/download", params={"mode": "full", "limit": 10000})
    items = r.json()["data"]["items"]
    assert len(items) == 30
    assert all("image_url" in i for i in items)
    assert any("annotation_url" in i for i in items)
    done = api.get("/datasets/road-scenes/download", params={"mode": "annotations_only",
                                                              "status_filter": "complete"}).json()["data"]["items"]
    assert done and all("image_url" not in i for i in done)
    assert api.get("/datasets/road-scenes/download", params={"mode": "bogus"}).status_code == 422
    # annotation_url is an API URL that needs the key
    url = next(i["annotation_url"] for i in items if "annotation_url" in i)
    assert httpx.get(url).status_code == 401
    assert api.get(url).json()["annotations"]
