"""Transfers against the local server (``pictograph.testing.MockServer``) with faults switched on."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("uvicorn")
from pictograph._async._transport import AsyncTransport
from pictograph._transfers._plan import COPY_CHUNK
from pictograph._transfers._upload import small_file
from pictograph.testing import MockServer

DATASET = "road-scenes"
EXTRA = 90


def _no_sleep(seconds: float) -> None:
    return None


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and p.name != ".pictograph-download.jsonl"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    with MockServer(seed="demo") as srv:
        src = tmp_path_factory.mktemp("uploads")
        rng = random.Random(7)
        paths = []
        for i in range(EXTRA):
            path = src / f"extra_{i:03d}.jpg"
            path.write_bytes(b"\xff\xd8" + rng.randbytes(2000 + 97 * i))
            paths.append(path)
        with srv.client() as client:
            report = client.images.upload_many(DATASET, paths, folder_path="/extra", max_workers=8)
        assert report.failed == [] and len(report.succeeded) == EXTRA
        yield srv


@pytest.fixture(scope="module")
def reference(server: MockServer, tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    out = tmp_path_factory.mktemp("reference")
    with server.client() as client:
        report = client.datasets.download(DATASET, out)
    assert report.failures == [] and report.images_downloaded == 30 + EXTRA
    return _tree(out)


def test_ten_percent_of_file_gets_failing_still_ends_complete(
    server: MockServer, reference: dict[str, bytes], tmp_path: Path
) -> None:
    rng = random.Random(11)
    script = ["ok"] + [rng.choice(["500", "drop", "truncate"]) if rng.random() < 0.10 else "ok" for _ in range(400)]
    assert script.count("ok") < 370  # about one request in ten fails
    server.faults.update(script=script)
    try:
        with server.client(sleep=_no_sleep, max_retries=6) as client:
            report = client.datasets.download(DATASET, tmp_path, max_workers=6)
    finally:
        server.faults.reset()
    assert report.failures == []
    assert report.images_downloaded == 30 + EXTRA and report.annotations_downloaded > 0
    assert _tree(tmp_path) == reference
    assert not list(tmp_path.rglob("*.part"))
    assert len(report.retries) >= 10
    errors = " ".join(r.error for r in report.retries)
    assert "HTTP 500" in errors  # a storage 500
    assert "received 1 bytes, expected 1000" in errors  # a dropped connection
    assert "expected" in errors.replace("received 1 bytes, expected 1000", "")  # a body cut short
    assert "signature=" not in errors  # signed URLs are not quoted with their signature


def test_expired_urls_are_refreshed_once(server: MockServer, reference: dict[str, bytes], tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    # Expire the URLs between the listing and the GETs: the first listing's URLs all fail with 403. (The sync
    # client's transfers run the async engine, so its API calls go through AsyncTransport.)
    original = AsyncTransport.send

    async def send_then_expire(self: AsyncTransport, request: dict[str, Any]) -> Any:
        response = await original(self, request)
        if str(request.get("url", "")).endswith("/download") and not getattr(send_then_expire, "done", False):
            send_then_expire.done = True  # type: ignore[attr-defined]
            server.clock.advance(3601)
        return response

    monkeypatch.setattr(AsyncTransport, "send", send_then_expire)
    with server.client() as client:
        try:
            report = client.datasets.download(DATASET, tmp_path, mode="images_only")
        finally:
            server.clock.reset()
    assert report.failures == [] and report.listings == 2
    assert report.images_downloaded == 30 + EXTRA


def test_export_download_from_the_server(server: MockServer, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with server.client(sleep=_no_sleep) as client:
        client.exports.create(DATASET, "transfer-test", include_images=True, status_filter="all")
        server.faults.update(script=["ok", "truncate"])
        try:
            path = client.exports.download(DATASET, "transfer-test", tmp_path / "x.zip",
                                           progress=lambda d, t: seen.append((d, t)))
        finally:
            server.faults.reset()
    import zipfile

    assert zipfile.ZipFile(path).testzip() is None
    assert seen[-1][0] == seen[-1][1] == path.stat().st_size


_CHILD = """
import sys
from pictograph import Client
client = Client(api_key=sys.argv[1], base_url=sys.argv[2])
client.datasets.download(sys.argv[3], sys.argv[4], mode="images_only", max_workers=2)
"""


@pytest.mark.slow
def test_download_killed_with_sigkill_resumes_with_only_the_missing_files(
    server: MockServer, reference: dict[str, bytes], tmp_path: Path
) -> None:
    images = {k: v for k, v in reference.items() if not k.endswith(".json")}
    server.faults.update(file_latency_ms=40)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    child = subprocess.Popen([sys.executable, "-c", _CHILD, server.api_key, server.url, DATASET, str(tmp_path)],
                             env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            done = [p for p in tmp_path.rglob("*") if p.is_file() and not p.name.endswith(".part")]
            if len(done) >= len(images) // 2:
                break
            if child.poll() is not None:
                pytest.fail("the download finished before it could be killed")
            time.sleep(0.01)
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        server.faults.reset()
        if child.poll() is None:
            child.kill()
    present = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")
               if p.is_file() and not p.name.endswith(".part") and p.name != ".pictograph-download.jsonl"}
    assert 0 < len(present) < len(images)
    with server.client() as client:
        report = client.datasets.download(DATASET, tmp_path, mode="images_only")
    assert report.failures == []
    assert report.images_skipped + report.images_downloaded == len(images)
    # Files finished before the kill are skipped, except at most the two in flight whose journal line was lost.
    assert report.images_skipped >= len(present) - 2
    assert report.images_downloaded <= len(images) - len(present) + 2
    assert _tree(tmp_path) == images
    assert not list(tmp_path.rglob("*.part"))


def _oriented_jpeg(size: int) -> bytes:
    """A 40 x 30 JPEG whose EXIF says "rotate 90°" (shown as 30 x 40), padded after its end to ``size`` bytes."""
    from PIL import Image

    im = Image.new("RGB", (40, 30), (200, 10, 10))
    exif = im.getexif()
    exif[0x0112] = 6
    buffer = io.BytesIO()
    im.save(buffer, format="JPEG", exif=exif)
    head = buffer.getvalue()
    return head + random.Random(size).randbytes(size - len(head))


@pytest.mark.parametrize("many", [True, False], ids=["upload_many", "upload"])
def test_small_and_streamed_uploads_arrive_intact_and_measured(server: MockServer, tmp_path: Path,
                                                               many: bool) -> None:
    """A file up to one copy block goes up from the content read for its size; a larger one is streamed."""
    sizes = {"small.jpg": 100 * 1024, "large.jpg": COPY_CHUNK * 2 + 12345}
    paths = []
    for name, size in sizes.items():
        path = tmp_path / name
        path.write_bytes(_oriented_jpeg(size))
        paths.append(path)
    folder = f"/sizes-{'many' if many else 'one'}"
    with server.client() as client:
        if many:
            report = client.images.upload_many(DATASET, paths, folder_path=folder, max_workers=2)
            assert report.failed == []
            images = report.succeeded
        else:
            images = [client.images.upload(DATASET, p, folder_path=folder) for p in paths]
        assert sorted((i.filename, i.width, i.height, i.file_size) for i in images) == sorted(
            (name, 30, 40, size) for name, size in sizes.items())
        for path in paths:
            back = client.images.download(DATASET, f"{folder.strip('/')}/{path.name}", tmp_path / f"back-{path.name}")
            assert back.read_bytes() == path.read_bytes()


def test_a_small_file_that_shrank_since_it_was_sized_is_not_sent(tmp_path: Path) -> None:
    path = tmp_path / "a.jpg"
    path.write_bytes(b"x" * 100)
    assert small_file(path, 100) == b"x" * 100
    assert small_file(path, COPY_CHUNK + 1) is None  # larger files are streamed, not held whole
    with pytest.raises(OSError, match="became shorter"):
        small_file(path, 101)
