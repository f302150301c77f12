"""A scripted API host plus a storage host behind one ``httpx.MockTransport``, for transfer tests.

``FakeCloud`` answers the download listing, annotation URLs, image bytes by path, upload URLs, registration and
export URLs, and serves signed storage URLs; every request is recorded, and per-URL fault scripts make storage
answer 500, drop the connection, cut the body short or refuse an expired signature.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections import defaultdict, deque
from collections.abc import Callable, Coroutine, Iterator
from typing import Any, TypeVar

import httpx
import pytest

from pictograph import AsyncClient, Client
from pictograph._transfers import AsyncTransfers, Transfers

KEY = "pk_live_transfer_secret_0123456789"
BASE = "https://api.test"
API = BASE + "/api/v1/developer"
STORAGE = "https://storage.test"

T = TypeVar("T")


def image_bytes(name: str, size: int = 3000) -> bytes:
    seed = hashlib.sha256(name.encode()).digest()
    return (seed * (size // len(seed) + 1))[:size]


class FakeCloud:
    """The fake API and storage. ``faults[path]`` is a queue of outcomes for the next GETs of that storage path:
    ``"500"``, ``"drop"``, ``"truncate"``, ``"403"`` (expired) or ``"redirect"``."""

    def __init__(self, images: dict[str, bytes] | None = None, annotations: dict[str, bytes] | None = None,
                 extra_items: list[dict[str, Any]] | None = None) -> None:
        self.images = dict(images or {})
        self.annotations = dict(annotations or {})
        self.extra_items = list(extra_items or [])
        self.requests: list[httpx.Request] = []
        self.faults: dict[str, deque[str]] = defaultdict(deque)
        self.generation = 0
        self.expired_generation = -1
        self.listings = 0
        self.annotation_host = BASE
        self.uploaded: dict[str, tuple[str, bytes]] = {}
        self.registered: list[dict[str, Any]] = []
        self.put_faults: dict[str, deque[str]] = defaultdict(deque)
        self.register_refuse: set[str] = set()
        self.export = b""
        self.export_etag = '"v1"'

    # -------------------------------------------------------------- routing
    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.host == "storage.test":
            return self.storage(request)
        return self.api(request)

    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host != "storage.test"]

    def storage_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.host == "storage.test"]

    def listing(self, mode: str) -> dict[str, Any]:
        items: list[dict[str, Any]] = []
        for name in self.images:
            item: dict[str, Any] = {"filename": name}
            if mode != "annotations_only":
                item["image_url"] = f"{STORAGE}/blobs/{name}?gen={self.generation}&signature=s3cr3t"
            if mode != "images_only" and name in self.annotations:
                item["annotation_url"] = f"{self.annotation_host}/api/v1/developer/annotations/ds/{name}"
            items.append(item)
        items.extend(self.extra_items)
        return {"data": {"id": "ds-id", "items": items}}

    def api(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/api/v1/developer/datasets/ds/download":
            self.listings += 1
            self.generation += 1
            return httpx.Response(200, json=self.listing(request.url.params["mode"]))
        if path.startswith("/api/v1/developer/annotations/ds/"):
            name = path[len("/api/v1/developer/annotations/ds/"):]
            return httpx.Response(200, content=self.annotations[name])
        if path.startswith("/api/v1/developer/images/ds/"):
            name = path[len("/api/v1/developer/images/ds/"):]
            if name not in self.images:
                return httpx.Response(404, json={"error": {"code": "not_found", "message": "no image"}})
            return httpx.Response(200, content=self.images[name])
        if path == "/api/v1/developer/images/" and request.method == "GET":  # what upload_many checks first
            if request.url.params["dataset"] == "missing":
                return httpx.Response(404, json={"error": {"code": "not_found", "message": "no dataset"}})
            directory = request.url.params.get("directory_path")
            present = [self._image(i) for i in self.registered if i["directory_path"] == directory]
            return httpx.Response(200, json={"data": present, "pagination": {"has_more": False}})
        if path == "/api/v1/developer/datasets/ds" or path == "/api/v1/developer/datasets/missing":
            return httpx.Response(404, json={"error": {"code": "not_found", "message": "no dataset"}})
        body = json.loads(request.content) if request.content else {}
        if path == "/api/v1/developer/images/upload-url":
            return httpx.Response(200, json={"data": {"upload_url": self._upload_url(body)}})
        if path == "/api/v1/developer/images/bulk-upload-url":
            urls = [{"upload_url": self._upload_url(item)} for item in body["images"]]
            return httpx.Response(200, json={"data": {"upload_urls": urls}})
        if path == "/api/v1/developer/images/register":
            self.registered.append(body)
            return httpx.Response(201, json={"data": self._image(body)})
        if path == "/api/v1/developer/images/bulk-register":
            ok, failed = [], []
            for item in body["images"]:
                if item["filename"] in self.register_refuse:
                    failed.append({"filename": item["filename"], "directory_path": item["directory_path"],
                                   "error": "already exists"})
                else:
                    self.registered.append(item)
                    ok.append(self._image(item))
            return httpx.Response(200, json={"data": {"succeeded": ok, "failed": failed}})
        if path == "/api/v1/developer/exports/e1/download":
            self.generation += 1
            return httpx.Response(200, json={"data": {"download_url": f"{STORAGE}/exports/e1.zip?gen={self.generation}"}})
        return httpx.Response(404, json={"error": {"code": "not_found", "message": f"no route {path}"}})

    @staticmethod
    def _upload_url(item: dict[str, Any]) -> str:
        return f"{STORAGE}/put{item['directory_path'].rstrip('/')}/{item['filename']}?ct={item['content_type']}&signature=x"

    @staticmethod
    def _image(item: dict[str, Any]) -> dict[str, Any]:
        return {"id": hashlib.md5(item["filename"].encode()).hexdigest(), "filename": item["filename"],
                "directory_path": item["directory_path"], "content_type": item["content_type"],
                "file_size": item["file_size"], "width": item.get("width"), "height": item.get("height"),
                "created_at": "2026-01-01T00:00:00Z"}

    # -------------------------------------------------------------- storage
    def storage(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "PUT":
            fault = self.put_faults[path].popleft() if self.put_faults[path] else "ok"
            if fault == "500":
                request.read()
                return httpx.Response(500, content=b"<Error>busy</Error>")
            if fault == "403":
                request.read()
                return httpx.Response(403, content=b"<Error>denied</Error>")
            self.uploaded[path] = (request.headers.get("content-type", ""), request.read())
            return httpx.Response(200)
        if path.startswith("/exports/"):
            return self._export(request)
        name = path[len("/blobs/"):]
        fault = self.faults[name].popleft() if self.faults[name] else "ok"
        gen = int(request.url.params.get("gen", "0"))
        if fault == "403" or gen <= self.expired_generation:
            return httpx.Response(403, content=b"<Error><Code>AccessDenied</Code></Error>")
        if fault == "500":
            return httpx.Response(500, content=b"<Error><Code>InternalError</Code></Error>")
        if fault == "redirect":
            return httpx.Response(302, headers={"Location": "https://elsewhere.test/x"})
        data = self.images[name]
        if fault == "drop":
            raise httpx.ReadError("connection dropped")
        if fault == "truncate":
            return httpx.Response(200, headers={"Content-Length": str(len(data))},
                                  stream=httpx.ByteStream(data[: len(data) // 2]))
        return httpx.Response(200, content=data)

    def _export(self, request: httpx.Request) -> httpx.Response:
        fault = self.faults["export"].popleft() if self.faults["export"] else "ok"
        gen = int(request.url.params.get("gen", "0"))
        if fault == "403" or gen <= self.expired_generation:
            return httpx.Response(403, content=b"<Error><Code>AccessDenied</Code></Error>")
        data = self.export
        start = 0
        rng = request.headers.get("range")
        headers = {"ETag": self.export_etag}
        if rng and request.headers.get("if-range") == self.export_etag:
            start = int(rng[len("bytes="):].rstrip("-"))
            headers["Content-Range"] = f"bytes {start}-{len(data) - 1}/{len(data)}"
        body = data[start:]
        headers["Content-Length"] = str(len(body))
        status = 206 if start else 200
        if fault == "truncate":
            return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body[: len(body) // 3]))
        return httpx.Response(status, headers=headers, stream=httpx.ByteStream(body))


def no_sleep(seconds: float) -> None:
    return None


async def no_sleep_async(seconds: float) -> None:
    return None


def make_client(cloud: FakeCloud, **kwargs: Any) -> Client:
    transport = httpx.MockTransport(cloud)
    client = Client(api_key=KEY, base_url=BASE, http_transport=transport, sleep=no_sleep, **kwargs)
    Transfers.set_storage_transport(client, transport)
    return client


def make_async_client(cloud: FakeCloud, **kwargs: Any) -> AsyncClient:
    transport = httpx.MockTransport(cloud)
    client = AsyncClient(api_key=KEY, base_url=BASE, http_transport=transport, sleep=no_sleep_async, **kwargs)
    AsyncTransfers.set_storage_transport(client, transport)
    return client


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


@pytest.fixture
def cloud() -> Iterator[FakeCloud]:
    names = [f"train/img_{i:03d}.jpg" for i in range(12)]
    yield FakeCloud(
        images={n: image_bytes(n) for n in names},
        annotations={n: json.dumps({"annotations": [{"id": n}]}).encode() for n in names[:8]},
    )


Factory = Callable[..., Client]
