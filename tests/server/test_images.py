from __future__ import annotations

import httpx

from pictograph.testing import MockServer

from .conftest import Factory, png, upload


def test_upload_register_and_fetch_bytes(fresh: httpx.Client) -> None:
    fresh.post("/datasets/", json={"name": "up", "classes": [{"name": "car"}]})
    data = png(12, 7)
    r = upload(fresh, "up", "img 1#a.png", data, "/train/images")
    assert r.status_code == 201, r.text
    img = r.json()["data"]
    assert (img["width"], img["height"], img["file_size"]) == (12, 7, len(data))
    assert img["directory_path"] == "/train/images"
    by_path = fresh.get("/images/up/train/images/img%201%23a.png")
    assert by_path.status_code == 200 and by_path.content == data
    assert by_path.headers["content-type"] == "image/png"
    assert fresh.get(f"/images/{img['id']}").content == data
    meta = fresh.get(f"/images/{img['id']}/metadata").json()["data"]
    assert meta["image_url"].endswith(f"/api/v1/developer/images/{img['id']}")
    dup = upload(fresh, "up", "other.png", data)  # fine
    assert dup.status_code == 201
    again = fresh.post("/images/upload-url", json={"dataset": "up", "filename": "other.png", "directory_path": "/",
                                                    "content_type": "image/png"})
    assert again.status_code == 400 and "already exists" in again.json()["error"]["message"]


def test_list_images_newest_first_and_filters(api: httpx.Client) -> None:
    r = api.get("/images/", params={"dataset": "road-scenes", "limit": 5})
    names = [i["filename"] for i in r.json()["data"]]
    assert names == sorted(names, reverse=True)
    assert r.json()["pagination"]["has_more"] is True
    val = api.get("/images/", params={"dataset": "road-scenes", "split": "val", "limit": 100}).json()["data"]
    assert len(val) == 5 and {i["split"] for i in val} == {"val"}
    d = api.get("/images/", params={"dataset": "road-scenes", "directory_path": "/test/images"}).json()["data"]
    assert len(d) == 3


def test_upload_content_type_is_bound_into_signature(fresh: httpx.Client) -> None:
    fresh.post("/datasets/", json={"name": "sig"})
    r = fresh.post("/images/upload-url", json={"dataset": "sig", "filename": "a.png", "directory_path": "/",
                                               "content_type": "image/png"})
    url = r.json()["data"]["upload_url"]
    bad = httpx.put(url, content=b"x", headers={"Content-Type": "image/jpeg"})
    assert bad.status_code == 403 and bad.text.startswith("<?xml")
    assert httpx.put(url, content=b"x", headers={"Content-Type": "image/png"}).status_code == 200


def test_tampered_or_expired_signed_url_is_403(api: httpx.Client, server: MockServer) -> None:
    items = api.get("/datasets/people-poses/download", params={"mode": "images_only"}).json()["data"]["items"]
    url = items[0]["image_url"]
    assert httpx.get(url).status_code == 200
    assert httpx.get(url.replace("signature=", "signature=0")).status_code == 403
    other = items[1]["image_url"]
    spliced = other.split("?")[0] + "?" + url.split("?")[1]
    assert httpx.get(spliced).status_code == 403
    server.clock.advance(3601)
    expired = httpx.get(url)
    assert expired.status_code == 403 and "<Error>" in expired.text


def test_archive_then_permanent_delete(server: MockServer, fresh: httpx.Client, make_client: Factory) -> None:
    fresh.post("/datasets/", json={"name": "del"})
    upload(fresh, "del", "a.png", png())
    org_id = fresh.get("/organizations/me").json()["organization"]["id"]
    member = make_client(server.add_key("member", org_id))
    assert member.delete("/images/del/a.png", params={"permanent": "true"}).status_code == 403
    assert member.delete("/images/del/a.png").status_code == 204
    assert fresh.get("/images/", params={"dataset": "del"}).json()["data"] == []
    archived = fresh.get("/images/", params={"dataset": "del", "include_archived": "true"}).json()["data"]
    assert archived[0]["is_archived"] is True
    assert fresh.delete("/images/del/a.png", params={"permanent": "true"}).status_code == 204
    assert fresh.get("/images/del/a.png").status_code == 404


def test_metadata_route_wins_over_image_path(api: httpx.Client) -> None:
    img = api.get("/images/", params={"dataset": "people-poses", "limit": 1}).json()["data"][0]
    r = api.get(f"/images/{img['id']}/metadata")
    assert r.status_code == 200 and r.json()["data"]["id"] == img["id"]


def test_bulk_upload_and_register(fresh: httpx.Client) -> None:
    fresh.post("/datasets/", json={"name": "bulk"})
    files = [{"filename": f"f{i}.png", "directory_path": "/b", "content_type": "image/png"} for i in range(3)]
    urls = fresh.post("/images/bulk-upload-url", json={"dataset": "bulk", "images": files}).json()["data"]
    data = png()
    for u in urls["upload_urls"][:2]:
        assert httpx.put(u["upload_url"], content=data, headers={"Content-Type": "image/png"}).status_code == 200
    reg = fresh.post("/images/bulk-register", json={"dataset": "bulk", "images": [
        {**f, "file_size": len(data)} for f in files]}).json()["data"]
    assert len(reg["succeeded"]) == 2 and reg["failed"][0]["filename"] == "f2.png"


def test_tier_cap_402(server: MockServer, make_client: Factory) -> None:
    org = server.add_organization(tier="free", max_images=1)
    c = make_client(org.api_key)
    c.post("/datasets/", json={"name": "cap"})
    assert upload(c, "cap", "a.png", png()).status_code == 201
    r = c.post("/images/upload-url", json={"dataset": "cap", "filename": "b.png", "directory_path": "/",
                                           "content_type": "image/png"})
    assert r.status_code == 402
    err = r.json()["error"]
    assert err["code"] == "image_limit_exceeded" and err["details"]["upgrade_url"].startswith("https://")
    lim = c.post("/connectors/check-limits", json={"total_images": 1, "estimated_size_bytes": 0})
    assert lim.status_code == 402
    org2 = server.add_organization(tier="free")
    c2 = make_client(org2.api_key)
    res = c2.post("/connectors/check-limits", json={"total_images": 5000, "estimated_size_bytes": 10}).json()
    assert res["allowed"] is False and res["exceeded"] == "images" and res["image_limit"] == 1000
    assert c2.get("/organizations/me").json()["organization"]["max_images"] == 1000
