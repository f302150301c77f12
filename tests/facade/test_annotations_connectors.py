"""Annotation models, helpers and saves (docs/wire-protocol.md §4, §8.4–§8.5) and connector encoding (§6), sync and async."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pictograph import (
    BBoxAnnotation,
    KeypointAnnotation,
    PolygonAnnotation,
    PolylineAnnotation,
    RemoteDataset,
    ServerError,
    ValidationError,
    create_bbox,
    create_keypoint,
    create_polygon,
    create_polyline,
)

from .conftest import make_client

IMAGE_ID = "5d0c6a8e-2f4b-4c1e-9a7d-0e3b1f2a4c6d"
DATASET_ID = "0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11"
CANONICAL = [
    {"id": "a1", "name": "car", "type": "bbox", "confidence": 1.0, "attributes": [],
     "bounding_box": {"x": 100, "y": 200, "w": 50, "h": 80}},
    {"id": "a2", "name": "road", "type": "polygon", "confidence": 0.93, "attributes": {"surface": "asphalt"},
     "polygon": {"paths": [[{"x": 0, "y": 0}, {"x": 40, "y": 0}, {"x": 40, "y": 30}, {"x": 0, "y": 30}],
                           [{"x": 10, "y": 5}, {"x": 20, "y": 5}, {"x": 15, "y": 12}]]}},
    {"id": "a3", "name": "lane", "type": "polyline", "confidence": 1.0, "attributes": [],
     "polyline": {"path": [{"x": 0, "y": 100}, {"x": 50, "y": 100}]}},
    {"id": "a4", "name": "left_wrist", "type": "keypoint", "confidence": 1.0, "attributes": [],
     "keypoint": {"x": 150, "y": 200}, "instance_id": 1},
]


class Api:
    """Records requests; answers image metadata, annotations and saves like the real API."""

    def __init__(self, annotations: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.annotations = CANONICAL if annotations is None else annotations

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/api/v1/developer")
        if path.endswith("/metadata"):
            return httpx.Response(200, json={"id": IMAGE_ID, "dataset_id": DATASET_ID, "filename": "a 1#.jpg",
                                             "directory_path": "/train/x", "created_at": "2026-01-01T00:00:00Z"})
        if path == "/annotations/bulk":
            saves = json.loads(request.content)["saves"]
            return httpx.Response(200, json={"saved": [
                {"image_id": s["image_id"], "previous_count": 0, "new_count": len(s["annotations"]),
                 "status": "annotate"} for s in saves[1:]],
                "failed": [{"image_id": saves[0]["image_id"], "error": "not found"}]})
        if request.method == "GET":
            return httpx.Response(200, json={"annotations": self.annotations, "extra": 1})
        if request.method == "DELETE":
            return httpx.Response(200, json={"deleted_count": 3})
        sent = json.loads(request.content)["annotations"]
        return httpx.Response(200, json={"image_id": IMAGE_ID, "previous_count": 4, "new_count": len(sent),
                                         "status": "annotate"})


def test_helpers_build_the_canonical_models() -> None:
    box = create_bbox("a1", "car", [100, 200, 50, 80])
    assert isinstance(box, BBoxAnnotation) and box.to_dict() == CANONICAL[0]
    polygon = create_polygon("a2", "road", [[[0, 0], [40, 0], [40, 30], [0, 30]], [[10, 5], [20, 5], [15, 12]]],
                             confidence=0.93, metadata={"surface": "asphalt"})
    assert isinstance(polygon, PolygonAnnotation) and polygon.to_dict() == CANONICAL[1]
    line = create_polyline("a3", "lane", [(0, 100), (50, 100)])
    assert isinstance(line, PolylineAnnotation) and line.to_dict() == CANONICAL[2]
    point = create_keypoint("a4", "left_wrist", [150, 200])
    assert isinstance(point, KeypointAnnotation) and point.keypoint.x == 150 and point.instance_id is None
    assert create_bbox(None, "car", [0, 0, 1, 1]).id  # a random UUID when no id is given


@pytest.mark.parametrize(
    "build",
    [
        lambda: create_bbox("a", "car", [0, 0, -1, 5]),
        lambda: create_polygon("a", "road", [[0, 0], [1, 1]]),
        lambda: create_polyline("a", "lane", [[0, 0]]),
        lambda: create_keypoint("a", " ", [0, 0]),
        lambda: create_bbox("a", "car", [0, 0, 1, 1], confidence=1.5),
        lambda: BBoxAnnotation(name="car", bounding_box={"x": 0, "y": 0, "w": 1, "h": True}),
        lambda: KeypointAnnotation(name="nose", keypoint=[1, 2], instance_id=0),
        lambda: PolygonAnnotation(name="r", polygon={"paths": []}),
    ],
)
def test_models_check_the_rules_on_construction(build: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.status_code is None and caught.value.field_errors


def test_models_are_immutable_and_read_like_dicts() -> None:
    box = create_bbox("a1", "car", [1, 2, 3, 4], metadata={"k": "v"})
    assert box["type"] == "bbox" and box["bbox"] == [1, 2, 3, 4] and box["metadata"] == {"k": "v"}
    with pytest.raises(AttributeError):
        box.name = "truck"  # type: ignore[misc]


def test_get_by_id_resolves_the_path_through_metadata(front: str) -> None:
    api = Api()
    with make_client(front, api) as client:
        got = client.annotations.get(IMAGE_ID)
    assert [a.to_dict() for a in got] == CANONICAL
    assert api.requests[0].url.raw_path == f"/api/v1/developer/images/{IMAGE_ID}/metadata".encode()
    assert api.requests[1].url.raw_path == f"/api/v1/developer/annotations/{DATASET_ID}/train/x/a%201%23.jpg".encode()


def test_a_response_annotation_breaking_the_rules_is_a_server_error(front: str) -> None:
    api = Api([{**CANONICAL[0], "polygon": {"paths": []}}])
    with make_client(front, api) as client, pytest.raises(ServerError, match="annotation 0") as caught:
        client.annotations.get_by_path("cars", "a.jpg")
    assert caught.value.status_code is None


def test_save_accepts_models_canonical_and_shorthand_dicts(front: str) -> None:
    api = Api()
    with make_client(front, api) as client:
        result = client.annotations.save(IMAGE_ID, [
            create_bbox("a1", "car", [100, 200, 50, 80]),
            CANONICAL[1],
            {"id": "a3", "name": "lane", "type": "polyline", "polyline": [[0, 100], [50, 100]]},
            {"id": "a4", "name": "left_wrist", "type": "keypoint", "keypoint": [150, 200], "instance_id": 1},
        ])
    assert result.new_count == 4 and result["previous_count"] == 4
    save = api.requests[-1]
    assert save.method == "POST" and "idempotency-key" in save.headers
    assert json.loads(save.content) == {"annotations": CANONICAL}


def test_invalid_input_is_refused_before_anything_is_sent(front: str) -> None:
    api = Api()
    with make_client(front, api) as client:
        with pytest.raises(ValidationError) as caught:
            client.annotations.save(IMAGE_ID, [CANONICAL[0], {"name": "car", "type": "bbox", "polygon": [[0, 0]]}])
        with pytest.raises(ValidationError):
            client.annotations.save_by_path("cars", "a.jpg", [CANONICAL[0], CANONICAL[0]])  # duplicate id
        with pytest.raises(ValidationError):
            client.annotations.save_bulk({IMAGE_ID: [{"name": "car", "bbox": [0, 0, 1, 1]}]})  # no type
        with pytest.raises(ValueError):
            client.annotations.save_by_path("cars", "train/../a.jpg", [])
    assert api.requests == []
    assert caught.value.status_code is None
    assert any(e["loc"][:2] == ["annotations", 1] for e in caught.value.field_errors)


def test_save_bulk_sends_chunks_of_200_each_with_its_own_key_and_merges(front: str) -> None:
    api = Api()
    saves = {f"img-{i:03}": [create_bbox(f"b{i}", "car", [0, 0, 1, 1])] for i in range(450)}
    with make_client(front, api) as client:
        result = client.annotations.save_bulk(saves)
    chunks = [json.loads(r.content)["saves"] for r in api.requests]
    assert [len(c) for c in chunks] == [200, 200, 50]
    assert [s["image_id"] for c in chunks for s in c] == list(saves)
    keys = {r.headers["idempotency-key"] for r in api.requests}
    assert len(keys) == 3
    assert len(result.saved) == 447 and [f.image_id for f in result.failed] == ["img-000", "img-200", "img-400"]


def test_delete_by_id_fills_the_image_id(front: str) -> None:
    api = Api()
    with make_client(front, api) as client:
        deleted = client.annotations.delete(IMAGE_ID)
        by_path = client.annotations.delete_by_path("cars", "a.jpg")
    assert (deleted.image_id, deleted.deleted_count) == (IMAGE_ID, 3)
    assert by_path.image_id is None and api.requests[-1].method == "DELETE"


class Connectors:
    def __init__(self, status_body: dict[str, Any], cancel_body: Any = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status_body = status_body
        self.cancel_body = cancel_body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        path = request.url.path.removeprefix("/api/v1/developer/connectors")
        if path == "/import/start":
            return httpx.Response(200, json={"job": "imp_9", "status": "started", "datasets": []})
        if path.startswith("/import/cancel/"):
            return httpx.Response(200, json=self.cancel_body)
        return httpx.Response(200, json=self.status_body)


def test_import_encodes_refs_and_returns_a_local_job_without_waiting(front: str) -> None:
    api = Connectors({})
    remote = RemoteDataset(id="r2", name="Signs", slug="signs", image_count=9)
    with make_client(front, api) as client:
        job = client.connectors.import_("roboflow", "rf_secret_key", [
            {"id": 1234, "name": "Road signs", "slug": "road-signs", "version": None, "workspace": "w"},
            remote,
        ], wait=False)
    (start,) = api.requests
    assert json.loads(start.content) == {"provider": "roboflow", "api_key": "rf_secret_key", "datasets": [
        {"id": "1234", "name": "Road signs", "slug": "road-signs", "workspace": "w"},
        {"id": "r2", "name": "Signs", "slug": "signs", "image_count": 9},
    ]}
    assert "idempotency-key" in start.headers
    assert (job.import_id, job.status, job.progress, job.datasets) == ("imp_9", "processing", 0, [])


def test_progress_attributes_use_the_requested_datasets(front: str) -> None:
    status = {"import_id": "imp_9", "status": "completed", "progress": 100, "datasets": [
        {"project_name": "Signs", "project_id": "p2", "imported": 8, "failed": 1, "status": "completed"},
        {"name": "Cars", "imported": 3, "failed": 0, "status": "completed"},
    ]}
    api = Connectors(status)
    with make_client(front, api) as client:
        job = client.connectors.import_("v7", "v7_key", [
            {"id": "a", "name": "Cars", "slug": "cars", "image_count": 5},
            {"id": "b", "name": "Signs", "slug": "signs", "image_count": 9},
        ], poll_interval=1.0)
        other = client.connectors.get_import("imp_other")
    signs, cars = job.datasets
    assert (signs.dataset_name, signs.project_name, signs.name, signs.dataset_id) == ("Signs", "Signs", "Signs", "p2")
    assert (signs.images_imported, signs.total_images, signs["total_images"]) == (8, 9, 9)
    assert (cars.dataset_name, cars.total_images) == ("Cars", 5)
    assert other.datasets[0].total_images == 9  # not started here: imported + failed


def test_cancel_reads_the_status_route_when_the_body_names_the_job(front: str) -> None:
    api = Connectors({"import_id": "imp_9", "status": "cancelled", "progress": 40}, {"status": "cancelled", "job": "imp_9"})
    with make_client(front, api) as client:
        job = client.connectors.cancel_import("imp_9")
    assert [r.method for r in api.requests] == ["POST", "GET"]
    assert api.requests[0].content == b"" and "content-type" not in api.requests[0].headers
    assert (job.status, job.progress) == ("cancelled", 40)
    api = Connectors({}, {"status": "cancelled", "progress": 10})
    with make_client(front, api) as client:
        job = client.connectors.cancel_import("imp_9")
    assert len(api.requests) == 1 and (job.import_id, job.status, job.progress) == ("imp_9", "cancelled", 10)


def test_the_source_key_never_shows_in_errors(front: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"error": {"code": "invalid", "message": "provider rejected the key"}})

    with make_client(front, handler) as client, pytest.raises(ValidationError) as caught:
        client.connectors.validate("v7", "v7_very_secret")
    assert "v7_very_secret" not in str(caught.value) + repr(caught.value)


def test_image_metadata_without_a_dataset_id_is_a_server_error(front: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": {"id": IMAGE_ID, "filename": "a.jpg", "created_at": "2026-01-01T00:00:00"}})

    with make_client(front, handler) as client:
        with pytest.raises(ServerError, match="dataset_id") as caught:
            client.annotations.get(IMAGE_ID)
        assert caught.value.status_code is None
        with pytest.raises(ServerError):
            client.images.delete(IMAGE_ID)


def test_unknown_enum_values_are_kept_as_strings_and_aliases_are_read(front: str) -> None:
    body: dict[str, Any] = {"data": [{"id": "e1", "project_id": "p1", "dataset_name": "cars", "name": "v1", "format": "darwin",
                      "status": "archived", "created_at": "2026-01-01T00:00:00", "download_url": None}],
            "pagination": {"has_more": False}}

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body)

    with make_client(front, handler) as client:
        (export,) = client.exports.list()
    assert (export.format, export.status, export.dataset_id) == ("darwin", "archived", "p1")
    assert export.created_at.tzinfo is not None and export["download_url"] is None
    assert export.to_dict() == body["data"][0]
