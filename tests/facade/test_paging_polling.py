"""Paging stop rules (docs/wire-protocol.md §1.5) and the wait engine (§1.12), sync and async, against httpx.MockTransport."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from pictograph import ApiError, ExportStatus, ImportJob, PollTimeoutError

from .conftest import FakeClock, envelope, make_client


def image(i: int) -> dict[str, Any]:
    return {"id": f"img-{i}", "filename": f"{i}.jpg", "created_at": "2026-01-01T00:00:00Z"}


class Listing:
    """A server of ``total`` images that caps pages at ``cap`` and reports has_more as told."""

    def __init__(self, total: int, cap: int = 1000, has_more: str = "exact") -> None:
        self.total, self.cap, self.has_more = total, cap, has_more
        self.requests: list[tuple[int, int]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        offset, limit = int(request.url.params["offset"]), int(request.url.params["limit"])
        self.requests.append((offset, limit))
        end = min(offset + min(limit, self.cap), self.total)
        items = [image(i) for i in range(offset, end)]
        body: dict[str, Any] = {"data": items}
        if self.has_more == "exact":
            body["pagination"] = {"has_more": end < self.total, "total": 999999}
        elif self.has_more == "true-until-empty":
            body["pagination"] = {"has_more": True}
        return httpx.Response(200, json=body)


def test_a_server_capping_the_page_size_never_loses_items(front: str) -> None:
    server = Listing(total=25, cap=10)
    with make_client(front, server) as client:
        images = client.datasets.list_images("cars")
    assert [i.id for i in images] == [f"img-{i}" for i in range(25)]
    assert server.requests == [(0, 1000), (10, 1000), (20, 1000)]


def test_short_pages_with_has_more_true_continue_until_an_empty_page(front: str) -> None:
    server = Listing(total=5, cap=2, has_more="true-until-empty")
    with make_client(front, server) as client:
        assert len(client.datasets.list_images("cars")) == 5
    assert server.requests[-1] == (5, 1000) and len(server.requests) == 4


def test_has_more_absent_and_a_short_page_stops(front: str) -> None:
    server = Listing(total=5, cap=1000, has_more="absent")
    with make_client(front, server) as client:
        assert len(client.datasets.list_images("cars")) == 5
    assert server.requests == [(0, 1000)]


def test_has_more_absent_and_a_full_page_asks_again(front: str) -> None:
    server = Listing(total=4, has_more="absent")
    with make_client(front, server) as client:
        assert len(client.datasets.list_images("cars", limit=None)) == 4
        server.requests.clear()
        pager = client.images._pager("cars", page_size=2)
        assert len(pager.all()) == 4
    assert server.requests == [(0, 2), (2, 2), (4, 2)]


def test_max_total_at_a_page_boundary_makes_no_extra_request(front: str) -> None:
    server = Listing(total=100)
    with make_client(front, server) as client:
        got = client.datasets.list_images("cars", limit=20)
        assert len(got) == 20
        assert server.requests == [(0, 20)]
        server.requests.clear()
        pager = client.images._pager("cars", page_size=10, max_total=20)
        assert len(list(pager)) == 20
    assert server.requests == [(0, 10), (10, 10)]


def test_pager_is_lazy_and_first_fetches_one_page(front: str) -> None:
    server = Listing(total=50)
    with make_client(front, server) as client:
        pager = client.images._pager("cars", page_size=10)
        assert server.requests == []
        first = pager.first()
        assert first is not None and first.id == "img-0" and server.requests == [(0, 10)]
        rest = pager.all()
    assert len(rest) == 49 and pager.pages_fetched == 5


def test_datasets_and_exports_iter_advance_by_items_received(front: str) -> None:
    requests: list[str] = []
    dataset = {"id": "0b7c1a52-5f7e-4a43-9a55-3f8e8d0c9a11", "name": "a", "created_at": "2026-01-01T00:00:00Z"}

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(str(request.url.params))
        offset = int(request.url.params["offset"])
        return httpx.Response(200, json=envelope([dataset] if offset < 3 else [], has_more=offset < 3))

    with make_client(front, handler) as client:
        assert len(client.datasets.iter(page_size=2).all()) == 3
        assert requests == ["limit=2&offset=0", "limit=2&offset=1", "limit=2&offset=2", "limit=2&offset=3"]
        with pytest.raises(ValueError):
            client.datasets.iter(page_size=0)
        with pytest.raises(ValueError):
            client.exports.iter(page_size=1001)


def export(status: str, **extra: Any) -> dict[str, Any]:
    return {"data": {"id": "e1", "dataset_name": "cars", "name": "v1", "format": "coco", "status": status,
                     "created_at": "2026-01-01T00:00:00Z", **extra}}


def sequence(*bodies: dict[str, Any]) -> tuple[list[httpx.Request], Any]:
    seen: list[httpx.Request] = []
    queue = list(bodies)

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=queue.pop(0) if len(queue) > 1 else queue[0])

    return seen, handler


def test_export_create_sends_the_documented_defaults_and_waits(front: str) -> None:
    seen, handler = sequence(export("pending"), export("pending"), export("processing"), export("completed"))
    clock = FakeClock()
    with make_client(front, handler, clock=clock) as client:
        done = client.exports.create("cars", "v1")
    assert done.status == ExportStatus.COMPLETED
    body = json.loads(seen[0].content)
    assert body == {"dataset_name": "cars", "name": "v1", "format": "pictograph", "include_images": True,
                    "status_filter": "complete"}
    assert seen[1].method == "GET" and seen[1].url.path.endswith("/exports/v1")
    assert seen[1].url.params["dataset"] == "cars"
    assert clock.sleeps == [2.0, 2.0]  # first fetch at once, then every poll_interval


def test_export_create_passes_options_through(front: str) -> None:
    seen, handler = sequence(export("pending"))
    with make_client(front, handler) as client:
        pending = client.exports.create("cars", "v1", format="yolo_obb", include_images=False,
                                        class_filter=["car"], status_filter=None, organize_by_split=True, wait=False)
    assert pending.status == "pending" and len(seen) == 1
    assert json.loads(seen[0].content) == {"dataset_name": "cars", "name": "v1", "format": "yolo_obb",
                                           "include_images": False, "class_filter": ["car"],
                                           "organize_by_split": True}


def test_a_failed_export_raises_job_failed_with_its_message(front: str) -> None:
    _seen, handler = sequence(export("processing"), export("failed", error_message="disk full"))
    with make_client(front, handler) as client, pytest.raises(ApiError) as caught:
        client.exports.wait_for_completion("cars", "v1")
    assert caught.value.status_code is None and caught.value.code == "job_failed"
    assert "disk full" in caught.value.message


def test_poll_timeout_carries_the_last_job_and_the_timeout(front: str) -> None:
    seen, handler = sequence(export("processing", image_count=3))
    clock = FakeClock()
    with make_client(front, handler, clock=clock) as client, pytest.raises(PollTimeoutError) as caught:
        client.exports.wait_for_completion("cars", "v1", poll_interval=2.0, timeout=5.0)
    assert isinstance(caught.value, TimeoutError)
    assert caught.value.timeout == 5.0 and caught.value.job.status == "processing"
    assert len(seen) == 4 and clock.sleeps == [2.0, 2.0, 2.0]


def test_unknown_statuses_keep_polling(front: str) -> None:
    seen, handler = sequence(export("queued"), export("completed"))
    with make_client(front, handler) as client:
        assert client.exports.wait_for_completion("cars", "v1").status == "completed"
    assert len(seen) == 2


@pytest.mark.parametrize(("interval", "timeout"), [(0, 10), (-1, 10), (1, 0), (1, -5)])
def test_bad_poll_arguments_raise_value_error_before_sending(front: str, interval: float, timeout: float) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("nothing may be sent")

    with make_client(front, handler) as client:
        with pytest.raises(ValueError):
            client.exports.wait_for_completion("cars", "v1", poll_interval=interval, timeout=timeout)
        with pytest.raises(ValueError):
            client.connectors.wait_for_import("imp_1", poll_interval=interval, timeout=timeout)


def job(status: str, **extra: Any) -> dict[str, Any]:
    return {"job": "imp_1", "status": status, **extra}


def test_import_polling_returns_cancelled_and_raises_on_error(front: str) -> None:
    _seen, handler = sequence(job("processing", progress=-3), job("cancelled", progress=140))
    clock = FakeClock()
    with make_client(front, handler, clock=clock) as client:
        got = client.connectors.wait_for_import("imp_1")
    assert isinstance(got, ImportJob) and got.status == "cancelled" and got.import_id == "imp_1"
    assert got.progress == 100 and clock.sleeps == [3.0]
    _seen, handler = sequence(job("error"))
    with make_client(front, handler) as client, pytest.raises(ApiError) as caught:
        client.connectors.wait_for_import("imp_1")
    assert caught.value.code == "job_failed" and caught.value.status_code is None


def test_import_wait_times_out_after_the_default_window(front: str) -> None:
    _seen, handler = sequence(job("processing", progress=50))
    clock = FakeClock()
    with make_client(front, handler, clock=clock) as client, pytest.raises(PollTimeoutError) as caught:
        client.connectors.wait_for_import("imp_1")
    assert caught.value.timeout == 3600.0 and caught.value.job.progress == 50
    assert sum(clock.sleeps) >= 3600.0 and set(clock.sleeps) == {3.0}
