from __future__ import annotations

from typing import Any

import httpx

from .conftest import png, upload


def _setup(c: httpx.Client) -> str:
    c.post("/datasets/", json={"name": "ann", "classes": [{"name": "car"}, {"name": "road"}, {"name": "nose"}]})
    return str(upload(c, "ann", "a.png", png(), "/x").json()["data"]["id"])


BOX: dict[str, Any] = {"id": "a1", "name": "car", "type": "bbox", "confidence": 1.0, "attributes": [],
                       "bounding_box": {"x": 1, "y": 2, "w": 3, "h": 4}}


def test_save_get_delete(fresh: httpx.Client) -> None:
    image_id = _setup(fresh)
    poly = {"id": "a2", "name": "road", "type": "polygon", "attributes": {},
            "polygon": {"paths": [[{"x": 0, "y": 0}, {"x": 4, "y": 0}, {"x": 4, "y": 3}]]}}
    kp = {"id": "a3", "name": "nose", "type": "keypoint", "keypoint": {"x": 1, "y": 1}, "instance_id": 1}
    r = fresh.post("/annotations/ann/x/a.png", json={"annotations": [BOX, poly, kp]})
    assert r.status_code == 200, r.text
    assert r.json()["new_count"] == 3 and r.json()["image_id"] == image_id
    got = fresh.get("/annotations/ann/x/a.png").json()["annotations"]
    assert got[1]["bounding_box"] == {"x": 0, "y": 0, "w": 4, "h": 3}
    assert got[0]["confidence"] == 1.0
    assert fresh.delete("/annotations/ann/x/a.png").json()["deleted_count"] == 3
    assert fresh.get("/annotations/ann/x/a.png").json()["annotations"] == []


def test_unknown_class_extra_key_and_bad_geometry_rejected(fresh: httpx.Client) -> None:
    _setup(fresh)
    r = fresh.post("/annotations/ann/x/a.png", json={"annotations": [{**BOX, "name": "Car"}]})
    assert r.status_code == 422
    assert r.json()["error"]["details"]["errors"][0]["loc"][-1] == "name"
    assert fresh.post("/annotations/ann/x/a.png", json={"annotations": [BOX], "image_id": "x"}).status_code == 422
    bad = {**BOX, "bounding_box": {"x": 1, "y": 2, "w": 0, "h": 4}}
    assert fresh.post("/annotations/ann/x/a.png", json={"annotations": [bad]}).status_code == 422
    assert fresh.post("/annotations/ann/x/a.png", json={"annotations": [{**BOX, "metadata": {}}]}).status_code == 422


def test_bulk_save(fresh: httpx.Client) -> None:
    image_id = _setup(fresh)
    r = fresh.post("/annotations/bulk", json={"saves": [
        {"image_id": image_id, "annotations": [BOX]},
        {"image_id": "00000000-0000-0000-0000-000000000000", "annotations": []}]})
    assert r.status_code == 200
    assert r.json()["saved"][0]["new_count"] == 1 and len(r.json()["failed"]) == 1
