"""``client.images.iter`` (issue 18, point 4) and the light listing of the mirror, against a scripted images list.

The fake server below plays ``GET /images/`` (docs/wire-protocol.md §3.1) over a fixed set of images: it filters by ``status``,
``split`` and exact ``directory_path`` as the API does, may cap the page size, and records every query.
"""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from pictograph import AsyncClient, Client, Image, NotFoundError, OffsetPager
from pictograph._args import in_folder
from pictograph._async._listing import listed_pages as async_listed_pages
from pictograph._sync._listing import ListedImage, listed_pages

from .conftest import BASE, KEY, FakeClock, error_body, make_client


def image(i: int, folder: str | None = "/a", status: str = "new", split: str | None = None) -> dict[str, Any]:
    return {
        "id": f"img-{i}", "dataset_id": "ds-1", "filename": f"{i}.jpg", "directory_path": folder,
        "status": status, "split": split, "file_size": 100 + i, "width": 64, "height": 48,
        "content_type": "image/jpeg", "tags": [], "annotation_count": i % 3,
        "image_url": f"{BASE}/api/v1/developer/images/img-{i}", "created_at": "2026-01-01T00:00:00Z",
    }


class ImagesList:
    """A scripted images list over ``images``, capping pages at ``cap`` items."""

    def __init__(self, images: list[dict[str, Any]], cap: int = 1000) -> None:
        self.images, self.cap = images, cap
        self.queries: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/developer/images/"
        query = dict(request.url.params)
        self.queries.append(query)
        if query["dataset"] != "cars":
            return httpx.Response(404, json=error_body("not_found", "dataset not found"))
        rows = [
            row for row in self.images
            if all(query.get(key) in (None, row[key]) for key in ("status", "split", "directory_path"))
        ]
        offset, limit = int(query["offset"]), int(query["limit"])
        page = rows[offset:offset + min(limit, self.cap)]
        more = offset + len(page) < len(rows)
        return httpx.Response(200, json={"data": page, "pagination": {"has_more": more, "total": len(rows)}})

    @property
    def offsets(self) -> list[tuple[int, int]]:
        return [(int(q["offset"]), int(q["limit"])) for q in self.queries]


def test_nothing_is_sent_before_iteration_and_each_page_is_one_request(front: str) -> None:
    server = ImagesList([image(i) for i in range(25)])
    with make_client(front, server) as client:
        pager = client.images.iter("cars", page_size=10)
        assert server.queries == []
        first = next(iter(pager))
        assert first.id == "img-0" and server.offsets == [(0, 10)]
        rest = list(pager)
    assert [i.id for i in [first, *rest]] == [f"img-{i}" for i in range(25)]
    assert server.offsets == [(0, 10), (10, 10), (20, 10)]
    assert all(isinstance(i, Image) for i in rest)


def test_offsets_advance_by_the_items_received_when_the_server_caps_pages(front: str) -> None:
    server = ImagesList([image(i) for i in range(23)], cap=7)
    with make_client(front, server) as client:
        listed = client.images.iter("cars").all()
    assert [i.id for i in listed] == [f"img-{i}" for i in range(23)]
    assert server.offsets == [(0, 1000), (7, 1000), (14, 1000), (21, 1000)]


def test_status_and_split_filter_on_the_server(front: str) -> None:
    rows = [image(0, status="complete", split="train"), image(1, status="new", split="train"),
            image(2, status="complete", split="val"), image(3, status="in_progress", split=None)]
    server = ImagesList(rows)
    with make_client(front, server) as client:
        got = client.images.iter("cars", status="complete", split="train").all()
        assert [i.id for i in got] == ["img-0"]
        assert [i.status for i in client.images.iter("cars", status="in_progress").all()] == ["in_progress"]
    assert server.queries[0] == {"dataset": "cars", "limit": "1000", "offset": "0", "status": "complete",
                                 "split": "train"}


def test_folder_keeps_the_folder_and_its_sub_folders_but_not_a_sibling_sharing_its_prefix(front: str) -> None:
    rows = [image(0, "/a"), image(1, "/ab"), image(2, "/a/b"), image(3, "/"), image(4, None),
            image(5, "/a/b/c"), image(6, "/b/a"), image(7, "/abc/a")]
    server = ImagesList(rows)
    with make_client(front, server) as client:
        assert [i.id for i in client.images.iter("cars", folder="/a").all()] == ["img-0", "img-2", "img-5"]
        assert [i.id for i in client.images.iter("cars", folder="a/b/").all()] == ["img-2", "img-5"]
        assert [i.id for i in client.images.iter("cars", folder="/ab").all()] == ["img-1"]
        assert len(client.images.iter("cars", folder="/").all()) == len(rows)
    # The subtree is chosen on the client side: the wire's exact-folder filter is never sent for it.
    assert all("directory_path" not in q for q in server.queries)


def test_a_page_the_folder_filter_empties_does_not_end_the_listing(front: str) -> None:
    rows = [image(i, "/other") for i in range(6)] + [image(6, "/a/x"), image(7, "/a")]
    server = ImagesList(rows, cap=3)
    with make_client(front, server) as client:
        assert [i.id for i in client.images.iter("cars", page_size=3, folder="/a").all()] == ["img-6", "img-7"]
    assert server.offsets == [(0, 3), (3, 3), (6, 3)]


def test_list_images_takes_split_and_folder_too(front: str) -> None:
    rows = [image(0, "/a/b", split="val"), image(1, "/a", split="train"), image(2, "/ab", split="val")]
    server = ImagesList(rows)
    with make_client(front, server) as client:
        assert [i.id for i in client.datasets.list_images("cars", split="val", folder="/a")] == ["img-0"]
        assert [i.id for i in client.datasets.list_images("cars", directory_path="/a")] == ["img-1"]
        with pytest.raises(ValueError, match="not both"):
            client.datasets.list_images("cars", directory_path="/a", folder="/a")


def test_a_limit_with_the_folder_filter_counts_kept_images_and_stops_asking_once_reached(front: str) -> None:
    rows = [image(0, "/b"), image(1, "/a"), image(2, "/b"), image(3, "/a/x"), image(4, "/a"), image(5, "/a")]
    server = ImagesList(rows, cap=2)
    with make_client(front, server) as client:
        got = client.datasets.list_images("cars", limit=2, folder="/a")
        assert [i.id for i in got] == ["img-1", "img-3"]
        # Full pages are asked for (the filter may drop items); the page holding the second match is the last.
        assert server.offsets == [(0, 1000), (2, 1000)]
        server.queries.clear()
        assert [i.id for i in client.datasets.list_images("cars", limit=3, offset=1)] == ["img-1", "img-2", "img-3"]
        assert server.offsets == [(1, 3), (3, 1)]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"split": "training"}, "split must be one of 'train', 'val', 'test' or None, got 'training'"),
        ({"split": "Train"}, "split must be one of"),
        ({"page_size": 0}, "page_size must be between 1 and 1000, got 0"),
        ({"page_size": 1001}, "page_size must be between 1 and 1000, got 1001"),
        ({"page_size": True}, "page_size must be an integer"),
        ({"folder": "/a/../b"}, "folder '/a/../b' must not contain"),
        ({"folder": 3}, "folder must be a string"),
        ({"status": 1}, "status must be a string or None"),
    ],
)
def test_bad_arguments_raise_value_error_before_any_request(
    front: str, arguments: dict[str, Any], message: str
) -> None:
    server = ImagesList([image(0)])
    with make_client(front, server) as client:
        with pytest.raises(ValueError, match=message):
            client.images.iter("cars", **arguments)
        with pytest.raises(ValueError, match="dataset must be a non-empty string"):
            client.images.iter("  ")
    assert server.queries == []


def test_a_missing_dataset_is_a_not_found_error_naming_it(front: str) -> None:
    server = ImagesList([image(0)])
    with make_client(front, server) as client:
        pager = client.images.iter("trucks")
        with pytest.raises(NotFoundError, match="dataset 'trucks' not found"):
            list(pager)


def test_the_sync_client_returns_an_offset_pager_of_images() -> None:
    with Client(api_key=KEY, base_url=BASE, http_transport=httpx.MockTransport(ImagesList([image(0)]))) as client:
        pager = client.images.iter("cars")
        assert isinstance(pager, OffsetPager)
        assert pager.first() == client.images.iter("cars").all()[0]


@pytest.mark.parametrize(
    ("directory_path", "folder", "expected"),
    [("/a", "/a", True), ("/a/b", "/a", True), ("/ab", "/a", False), (None, "/a", False), (None, "/", True),
     ("a/b/", "/a", True), ("//a//b", "/a/b", True), ("/a", "/a/b", False)],
)
def test_in_folder_compares_whole_path_parts(directory_path: str | None, folder: str, expected: bool) -> None:
    assert in_folder(directory_path, folder) is expected


# ------------------------------------------------------------------ the light listing used by the mirror
def test_listed_pages_yields_light_records_page_by_page_with_offsets() -> None:
    rows = [image(i, "/other") for i in range(3)] + [image(i, "/a/b") for i in range(3, 8)]
    server = ImagesList(rows, cap=3)
    transport = httpx.MockTransport(server)
    with Client(api_key=KEY, base_url=BASE, http_transport=transport, clock=FakeClock()) as client:
        pages = list(listed_pages(client, "cars", folder="/a", page_size=4))
    assert [(p.offset, p.received, p.has_more) for p in pages] == [(0, 3, True), (3, 3, True), (6, 2, False)]
    assert [len(p.images) for p in pages] == [0, 3, 2]
    record = pages[1].images[0]
    assert isinstance(record, ListedImage) and not hasattr(record, "_raw")
    assert (record.id, record.image_path, record.file_size, record.width, record.annotation_count) == (
        "img-3", "a/b/3.jpg", 103, 64, 0)
    assert server.offsets == [(0, 4), (3, 4), (6, 4)]


def test_listed_pages_of_the_async_client_match_the_sync_ones() -> None:
    rows = [image(i, split="train" if i % 2 else "val") for i in range(5)]

    async def collect() -> list[Any]:
        transport = httpx.MockTransport(ImagesList(rows, cap=2))
        async with AsyncClient(api_key=KEY, base_url=BASE, http_transport=transport) as client:
            return [page async for page in async_listed_pages(client, "cars", split="train")]

    pages = asyncio.run(collect())
    assert [i.id for p in pages for i in p.images] == ["img-1", "img-3"]
    with pytest.raises(ValueError, match="split must be one of"):
        asyncio.run(anext(async_listed_pages(Any, "cars", split="dev")))  # type: ignore[arg-type]
