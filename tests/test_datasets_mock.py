"""datasets.list / datasets.get end to end through the generated client, against httpx.MockTransport."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from pictograph import AsyncClient, Client, Dataset, NotFoundError, ServerError

KEY = "pk_live_secret_value"
DATASET = {
    "id": "0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11",
    "organization_id": None,
    "name": "road-signs",
    "description": None,
    "classes": [{"name": "stop", "color": "#ff0000", "attributes": [{"name": "occluded", "type": "checkbox"}]}],
    "image_count": 12,
    "created_at": "2026-03-02T10:15:00",
    "future_field": {"ignored": True},
}

Handler = Callable[[httpx.Request], httpx.Response]


def _client(handler: Handler) -> Client:
    return Client(api_key=KEY, base_url="https://api.test", http_transport=httpx.MockTransport(handler), max_retries=0)


def test_list_sends_the_documented_request_and_parses_the_page() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [DATASET], "pagination": {"has_more": False, "total": 1}})

    with _client(handler) as client:
        datasets = client.datasets.list(limit=5, offset=10)

    (request,) = seen
    assert request.method == "GET"
    assert request.url.path == "/api/v1/developer/datasets/"
    assert dict(request.url.params) == {"limit": "5", "offset": "10"}
    assert request.headers["x-api-key"] == KEY
    assert request.headers["accept"] == "application/json"
    assert request.headers["user-agent"].startswith("pictograph-python/")
    assert "authorization" not in request.headers
    assert "idempotency-key" not in request.headers
    (dataset,) = datasets
    assert isinstance(dataset, Dataset)
    assert dataset.name == "road-signs" and dataset["image_count"] == 12
    assert dataset.classes[0].attributes is not None and dataset.classes[0].attributes[0].type == "checkbox"
    assert dataset.annotation_types == ["bbox"] and dataset.total_size == 0
    assert dataset.created_at.utcoffset() is not None
    assert dataset.to_dict()["future_field"] == {"ignored": True}
    with pytest.raises(AttributeError):
        dataset.name = "other"  # type: ignore[misc]


def test_get_encodes_the_name_as_one_segment_and_sends_image_paging_only_when_asked() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": {**DATASET, "images": []}})

    with _client(handler) as client:
        client.datasets.get("road signs/v2")
        dataset = client.datasets.get("road-signs", include_images=True, images_limit=50)

    assert seen[0].url.raw_path == b"/api/v1/developer/datasets/road%20signs%2Fv2"
    assert not seen[0].url.params
    assert dict(seen[1].url.params) == {"include_images": "true", "images_limit": "50", "images_offset": "0"}
    assert dataset.images == []


def test_get_accepts_a_bare_object_and_rejects_a_schema_mismatch() -> None:
    bodies: list[Any] = [DATASET, {"data": {"id": "x", "created_at": "2026-01-01T00:00:00Z"}}, "<html>oops</html>"]

    def handler(request: httpx.Request) -> httpx.Response:
        body = bodies.pop(0)
        if isinstance(body, str):
            return httpx.Response(200, text=body, headers={"content-type": "text/html"})
        return httpx.Response(200, json=body)

    with _client(handler) as client:
        assert client.datasets.get("road-signs").id == DATASET["id"]
        with pytest.raises(ServerError, match=r"Dataset.*'name'") as missing:
            client.datasets.get("road-signs")
        assert missing.value.status_code is None
        with pytest.raises(ServerError, match="not JSON"):
            client.datasets.get("road-signs")


def test_a_missing_dataset_names_it_and_suggests_a_close_name() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/datasets/"):
            return httpx.Response(200, json={"data": [DATASET], "pagination": {"has_more": False}})
        body = {"error": {"code": "not_found", "message": "Dataset not found", "details": {}}, "detail": "x"}
        return httpx.Response(404, json=body, headers={"x-request-id": "req-42"})

    with _client(handler) as client, pytest.raises(NotFoundError) as caught:
        client.datasets.get("road-sign")
    error = caught.value
    assert "'road-sign'" in str(error) and "did you mean 'road-signs'" in str(error)
    assert (error.status_code, error.code, error.request_id) == (404, "not_found", "req-42")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.datasets.list(limit=0), "limit"),
        (lambda c: c.datasets.list(limit=1001), "limit"),
        (lambda c: c.datasets.list(offset=-1), "offset"),
        (lambda c: c.datasets.get(""), "name"),
        (lambda c: c.datasets.get("x", include_images=True, images_limit=10001), "images_limit"),
        (lambda c: c.datasets.get_by_id("road-signs"), "UUID"),
    ],
)
def test_bad_arguments_raise_value_error_before_sending(call: Callable[[Client], Any], message: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with _client(handler) as client, pytest.raises(ValueError, match=message):
        call(client)


def test_async_client_lists_and_gets_the_same_way() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/datasets/"):
            return httpx.Response(200, content=json.dumps({"data": [DATASET], "pagination": {"has_more": False}}))
        return httpx.Response(200, json={"data": DATASET})

    async def main() -> tuple[list[Dataset], Dataset]:
        async with AsyncClient(
            api_key=KEY, base_url="https://api.test", http_transport=httpx.MockTransport(handler)
        ) as client:
            return await client.datasets.list(), await client.datasets.get_by_id(str(DATASET["id"]))

    listed, got = asyncio.run(main())
    assert listed[0] == got
    assert all(r.headers["user-agent"].startswith("pictograph-python-async/") for r in seen)
