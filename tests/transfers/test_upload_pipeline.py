"""``upload_many`` runs its chunks as a pipeline (chunk k registers while chunk k+1's files go up): the report
still follows the rules of one chunk after the other (sync and async)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

import pictograph._transfers._upload_many as upload_many
from pictograph import AsyncClient, Client
from pictograph.errors import ForbiddenError
from pictograph.reports import BulkUploadReport

from .conftest import BASE, KEY, FakeCloud, no_sleep, no_sleep_async, run

CHUNK = 4


class ChunkFaults:
    """FakeCloud with scripted answers for the bulk calls of the chunks that hold the named files."""

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.register: dict[str, int] = {}  # a filename -> status of the bulk-register that holds it
        self.urls: dict[str, int] = {}  # a filename -> status of the bulk-upload-url that holds it
        self.keys: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        for suffix, script in (("/images/bulk-register", self.register), ("/images/bulk-upload-url", self.urls)):
            if path.endswith(suffix):
                self.keys.append(request.headers.get("idempotency-key", ""))
                names = [item["filename"] for item in json.loads(request.content)["images"]]
                hit = [name for name in names if name in script]
                if hit:
                    self.cloud.requests.append(request)
                    status = script[hit[0]]
                    return httpx.Response(status, json={"error": {"code": "scripted", "message": f"HTTP {status}"}})
        return self.cloud(request)


def _files(tmp_path: Path, count: int) -> list[Path]:
    paths = []
    for i in range(count):
        p = tmp_path / f"f{i:02d}.jpg"
        p.write_bytes(b"\xff\xd8" + bytes([i]) * 10)
        paths.append(p)
    return paths


def _upload(handler: ChunkFaults, paths: list[Path], use_async: bool, progress: Any = None) -> BulkUploadReport:
    transport = httpx.MockTransport(handler)
    if use_async:
        async def go() -> BulkUploadReport:
            async with AsyncClient(api_key=KEY, base_url=BASE, http_transport=transport, sleep=no_sleep_async,
                                   storage_transport=transport) as client:
                return await client.images.upload_many("ds", paths, folder_path="/dir", max_workers=3,
                                                       progress=progress)
        return run(go())
    with Client(api_key=KEY, base_url=BASE, http_transport=transport, sleep=no_sleep,
                storage_transport=transport) as client:
        return client.images.upload_many("ds", paths, folder_path="/dir", max_workers=3, progress=progress)


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(upload_many, "UPLOAD_CHUNK", CHUNK)  # the sync client runs the same engine


def _names(items: list[Any]) -> list[str]:
    return sorted(i.filename for i in items)


@pytest.mark.parametrize("use_async", [False, True])
def test_every_chunk_registers_with_its_own_keys(tmp_path: Path, use_async: bool) -> None:
    cloud = FakeCloud()
    handler = ChunkFaults(cloud)
    paths = _files(tmp_path, 10)
    report = _upload(handler, paths, use_async)
    assert _names(report.succeeded) == [p.name for p in paths] and report.failed == []
    assert _names(report.succeeded) == sorted(r["filename"] for r in cloud.registered)
    assert len(handler.keys) == 6 and len(set(handler.keys)) == 6 and all(handler.keys)


@pytest.mark.parametrize("use_async", [False, True])
def test_a_failed_registration_fails_only_its_chunk(tmp_path: Path, use_async: bool) -> None:
    cloud = FakeCloud()
    handler = ChunkFaults(cloud)
    handler.register["f04.jpg"] = 500  # the second chunk, every attempt
    handler.urls["f08.jpg"] = 500  # the third chunk never gets upload URLs
    paths = _files(tmp_path, 12)
    report = _upload(handler, paths, use_async)
    assert _names(report.succeeded) == [f"f{i:02d}.jpg" for i in range(4)]
    assert _names(report.succeeded) == sorted(r["filename"] for r in cloud.registered)
    failed = {f.filename: f.error for f in report.failed}
    assert sorted(failed) == [f"f{i:02d}.jpg" for i in range(4, 12)]
    assert all(failed[f"f{i:02d}.jpg"].startswith("uploaded but not registered") for i in range(4, 8))
    # in chunk order: the second chunk (in the order its PUTs finished), then the third
    assert _names(report.failed[:4]) == [f"f{i:02d}.jpg" for i in range(4, 8)]
    assert [f.filename for f in report.failed[4:]] == [f"f{i:02d}.jpg" for i in range(8, 12)]


@pytest.mark.parametrize("use_async", [False, True])
def test_an_error_every_chunk_would_meet_fails_the_rest(tmp_path: Path, use_async: bool) -> None:
    cloud = FakeCloud()
    handler = ChunkFaults(cloud)
    handler.register["f04.jpg"] = 403
    paths = _files(tmp_path, 12)
    seen: list[tuple[int, int]] = []
    report = _upload(handler, paths, use_async, progress=lambda d, t, f: seen.append((d, t)))
    assert _names(report.succeeded) == [f"f{i:02d}.jpg" for i in range(4)]
    assert _names(report.succeeded) == sorted(r["filename"] for r in cloud.registered)
    assert _names(report.failed) == [f"f{i:02d}.jpg" for i in range(4, 12)]
    assert all("ForbiddenError" in f.error for f in report.failed)
    # progress counts every file once, whatever became of it
    assert [d for d, _ in seen] == list(range(1, 13)) and {t for _, t in seen} == {12}


@pytest.mark.parametrize("use_async", [False, True])
def test_an_error_of_the_first_chunk_is_raised(tmp_path: Path, use_async: bool) -> None:
    cloud = FakeCloud()
    handler = ChunkFaults(cloud)
    handler.register["f00.jpg"] = 403
    with pytest.raises(ForbiddenError):
        _upload(handler, _files(tmp_path, 10), use_async)
    assert cloud.registered == []


@pytest.mark.parametrize("use_async", [False, True])
def test_a_fatal_upload_url_error_stops_new_puts_but_registers_what_went_up(tmp_path: Path,
                                                                            use_async: bool) -> None:
    cloud = FakeCloud()
    handler = ChunkFaults(cloud)
    handler.urls["f08.jpg"] = 403  # the third chunk's URLs: an error every later chunk would meet too
    paths = _files(tmp_path, 16)
    report = _upload(handler, paths, use_async)
    # the first two chunks went up and are registered; nothing of the third or fourth was PUT
    assert _names(report.succeeded) == [f"f{i:02d}.jpg" for i in range(8)]
    assert _names(report.succeeded) == sorted(r["filename"] for r in cloud.registered)
    put_names = {r.url.path.rsplit("/", 1)[-1] for r in cloud.storage_requests() if r.method == "PUT"}
    assert put_names == {f"f{i:02d}.jpg" for i in range(8)}
    assert [f.filename for f in report.failed] == [f"f{i:02d}.jpg" for i in range(8, 16)]
    assert all("ForbiddenError" in f.error for f in report.failed)

