"""Exports and connector imports as background jobs."""

from __future__ import annotations

import io
import time
import zipfile
from typing import Any

import httpx

from pictograph.testing import MockServer


def _wait(get: Any, done: set[str], timeout: float = 15.0) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        body: dict[str, Any] = get()
        if body["status"] in done or time.monotonic() > deadline:
            return body
        time.sleep(0.05)


def test_seeded_export_is_completed_and_downloads(api: httpx.Client) -> None:
    e = api.get("/exports/road-scenes-v1", params={"dataset": "road-scenes"}).json()["data"]
    assert e["status"] == "completed" and e["image_count"] > 0
    url = api.get("/exports/road-scenes-v1/download", params={"dataset": "road-scenes"}).json()["data"][
        "download_url"]
    r = httpx.get(url)
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert any(n.startswith("images/") for n in names)
    part = httpx.get(url, headers={"Range": "bytes=10-"})
    assert part.status_code == 206 and part.content == r.content[10:]


def test_export_lifecycle_and_filters(server: MockServer, api: httpx.Client) -> None:
    server.faults.update(job_step_delay_ms=150)
    name = f"yolo-{time.monotonic_ns()}"
    r = api.post("/exports/", json={"dataset_name": "road-scenes", "name": name, "format": "yolo",
                                    "include_images": False, "class_filter": ["car"], "status_filter": "complete"})
    assert r.status_code == 202 and r.json()["data"]["status"] == "pending"
    assert "download_url" not in r.json()["data"] or r.json()["data"]["download_url"] is None
    seen = {r.json()["data"]["status"]}
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        status = api.get(f"/exports/{name}", params={"dataset": "road-scenes"}).json()["data"]["status"]
        seen.add(status)
        if status in ("completed", "failed"):
            break
        time.sleep(0.03)
    assert {"pending", "processing", "completed"} <= seen
    dup = api.post("/exports/", json={"dataset_name": "road-scenes", "name": name, "format": "coco",
                                      "include_images": False})
    assert dup.status_code == 409
    listed = api.get("/exports/", params={"dataset_name": "road-scenes", "status": "completed"}).json()["data"]
    assert name in {e["name"] for e in listed}


def test_failed_export(server: MockServer, api: httpx.Client) -> None:
    server.faults.update(job_failure_rate=1.0)
    name = f"fail-{time.monotonic_ns()}"
    api.post("/exports/", json={"dataset_name": "people-poses", "name": name, "format": "coco",
                                "include_images": False})
    e = _wait(lambda: api.get(f"/exports/{name}", params={"dataset": "people-poses"}).json()["data"],
              {"completed", "failed"})
    assert e["status"] == "failed" and e["error_message"]
    assert api.get(f"/exports/{name}/download", params={"dataset": "people-poses"}).status_code == 409
    assert api.post("/exports/", json={"dataset_name": "people-poses", "name": "x", "format": "nope",
                                       "include_images": False}).status_code == 422
    assert api.delete(f"/exports/{name}", params={"dataset": "people-poses"}).status_code == 204


def test_connector_validate_and_import(fresh: httpx.Client) -> None:
    bad = fresh.post("/connectors/validate", json={"provider": "v7", "api_key": "nope"}).json()
    assert bad["valid"] is False and bad["error"]
    good = fresh.post("/connectors/validate", json={"provider": "v7", "api_key": "v7_demo_key"}).json()
    assert good["valid"] and good["datasets"][0]["image_count"] == 6
    started = fresh.post("/connectors/import/start", json={"provider": "v7", "api_key": "v7_demo_key",
                                                           "datasets": [{k: v for k, v in d.items() if v is not None}
                                                                        for d in good["datasets"]]})
    assert started.status_code == 202
    job_id = started.json()["import_id"]
    job = _wait(lambda: fresh.get(f"/connectors/import/status/{job_id}").json(), {"completed", "error"})
    assert job["status"] == "completed" and job["imported_images"] == 6 and job["progress"] == 100
    name = job["datasets"][0]["name"]
    anns = fresh.get(f"/annotations/{name}/v7_00.jpg").json()["annotations"]
    assert {a["type"] for a in anns} == {"polygon", "polyline", "bbox", "keypoint"}
    assert fresh.post("/connectors/import/cancel/" + job_id).status_code == 409
    assert fresh.get("/connectors/import/status/imp_nope").status_code == 404


def test_roboflow_import_progress_and_cancel(server: MockServer, fresh: httpx.Client) -> None:
    refs = fresh.post("/connectors/validate", json={"provider": "roboflow", "api_key": "rf_demo_key"}).json()
    assert refs["datasets"][0]["version"] == 3
    server.faults.update(job_step_delay_ms=100)
    job_id = fresh.post("/connectors/import/start", json={"provider": "roboflow", "api_key": "rf_demo_key",
                                                          "datasets": refs["datasets"]}).json()["import_id"]
    job = _wait(lambda: fresh.get(f"/connectors/import/status/{job_id}").json(), {"x"}, timeout=0.35)
    assert job["status"] == "processing" and 0 < job["imported_images"] < 6 and 0 < job["progress"] < 100
    r = fresh.post(f"/connectors/import/cancel/{job_id}")
    assert r.json() == {"status": "cancelled", "import_id": job_id}
    time.sleep(0.3)
    after = fresh.get(f"/connectors/import/status/{job_id}").json()
    assert after["status"] == "cancelled" and after["imported_images"] < 6


def test_import_rejected_key_is_422(fresh: httpx.Client) -> None:
    r = fresh.post("/connectors/import/start", json={"provider": "v7", "api_key": "bad",
                                                     "datasets": [{"id": "1", "name": "a", "slug": "a"}]})
    assert r.status_code == 422 and r.json()["error"]["code"] == "source_key_rejected"


def test_every_format_builds_a_zip(server: MockServer, api: httpx.Client) -> None:
    formats = ["pictograph", "coco", "yolo", "cvat", "pascal_voc", "labelme", "csv"]
    tag = time.monotonic_ns()
    for fmt in formats:
        r = api.post("/exports/", json={"dataset_name": "people-poses", "name": f"{fmt}-{tag}", "format": fmt,
                                        "include_images": fmt == "yolo", "organize_by_split": fmt == "yolo"})
        assert r.status_code == 202, r.text
    assert server.wait_for_jobs()
    for fmt in formats:
        e = api.get(f"/exports/{fmt}-{tag}", params={"dataset": "people-poses"}).json()["data"]
        assert e["status"] == "completed", (fmt, e["error_message"])
        names = zipfile.ZipFile(io.BytesIO(httpx.get(e["download_url"]).content)).namelist()
        assert names, fmt
        if fmt == "yolo":
            assert any(n.startswith("train/images/") for n in names) and any(n.startswith("valid/") for n in names)
