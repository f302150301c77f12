"""Dataset, image and export downloads and uploads against a scripted API and storage (httpx.MockTransport)."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from pictograph import ApiError
from pictograph._transfers._upload_plan import upload_chunk_sizes
from pictograph.errors import NetworkError, NotFoundError
from pictograph.reports import DownloadReport

from .conftest import KEY, FakeCloud, image_bytes, make_async_client, make_client, run

API_HEADERS = ("x-api-key", "idempotency-key")


def _check_tree(cloud: FakeCloud, root: Path, mode: str = "full") -> None:
    for name, data in cloud.images.items():
        if mode != "annotations_only":
            assert (root / name).read_bytes() == data
        if mode != "images_only" and name in cloud.annotations:
            assert (root / (name + ".json")).read_bytes() == cloud.annotations[name]
    assert not list(root.rglob("*.part"))


def test_download_writes_every_file_and_never_sends_the_key_to_storage(cloud: FakeCloud, tmp_path: Path) -> None:
    calls: list[tuple[int, int, str]] = []
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, progress=lambda d, t, f: calls.append((d, t, f)))
    assert isinstance(report, DownloadReport)
    assert (report.images_downloaded, report.annotations_downloaded, report.failures) == (12, 8, [])
    assert report.dataset_id == "ds-id" and report.output_dir == tmp_path and not report.truncated
    _check_tree(cloud, tmp_path)
    assert [c[0] for c in calls] == list(range(1, 21)) and {c[1] for c in calls} == {20}
    storage = cloud.storage_requests()
    assert len(storage) == 12
    for request in storage:
        for header in API_HEADERS:
            assert header not in request.headers
        assert KEY not in str(request.headers) and KEY not in str(request.url)
        assert "pictograph" not in request.headers.get("user-agent", "")
        assert request.headers.get("accept") != "application/json"
    annotation_gets = [r for r in cloud.api_requests() if "/annotations/" in r.url.path]
    assert len(annotation_gets) == 8 and all(r.headers["x-api-key"] == KEY for r in annotation_gets)
    (listing,) = [r for r in cloud.api_requests() if r.url.path.endswith("/download")]
    assert dict(listing.url.params) == {"mode": "full", "limit": "10000"}


def test_annotation_urls_on_another_host_are_fetched_from_the_base_url(
    cloud: FakeCloud, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    cloud.annotation_host = "https://attacker.test"
    with caplog.at_level(logging.WARNING, logger="pictograph"), make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, mode="annotations_only", status_filter="complete")
    assert report.annotations_downloaded == 8 and report.images_downloaded == 0
    assert all(r.url.host in ("api.test",) for r in cloud.requests)
    assert "attacker.test" in caplog.text
    assert not any(tmp_path.rglob("*.jpg"))


def test_path_traversal_filenames_are_refused_and_nothing_is_written_outside(tmp_path: Path) -> None:
    evil = ["../escape.jpg", "/abs/escape.jpg", "C:\\win.jpg", "sub/../../escape2.jpg", "a\\b.jpg"]
    cloud = FakeCloud(
        images={"good.jpg": b"good"},
        extra_items=[{"filename": n, "image_url": "https://storage.test/blobs/good.jpg"} for n in evil],
    )
    out = tmp_path / "out"
    with make_client(cloud) as client:
        report = client.datasets.download("ds", out, mode="images_only")
    assert report.images_downloaded == 1
    assert sorted(f.filename for f in report.failures) == sorted(evil)
    assert all("refused" in f.error for f in report.failures)
    assert sorted(p.name for p in tmp_path.rglob("*") if p.is_file()) == [".pictograph-download.jsonl", "good.jpg"]
    assert len(cloud.storage_requests()) == 1


def test_failed_gets_are_retried_and_listed_in_the_report(cloud: FakeCloud, tmp_path: Path) -> None:
    cloud.faults["train/img_000.jpg"].extend(["500", "drop"])
    cloud.faults["train/img_001.jpg"].append("truncate")
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, mode="images_only")
    assert report.failures == [] and report.images_downloaded == 12
    _check_tree(cloud, tmp_path, "images_only")
    retried = sorted((r.filename, r.attempt) for r in report.retries)
    assert retried == [("train/img_000.jpg", 1), ("train/img_000.jpg", 2), ("train/img_001.jpg", 1)]
    assert any("truncated" in r.error for r in report.retries)


def test_a_file_failing_every_attempt_is_a_failure_not_an_exception(cloud: FakeCloud, tmp_path: Path) -> None:
    cloud.faults["train/img_002.jpg"].extend(["500"] * 10)
    cloud.faults["train/img_003.jpg"].append("redirect")
    with make_client(cloud, max_retries=2) as client:
        report = client.datasets.download("ds", tmp_path, mode="images_only")
    assert report.images_downloaded == 10
    errors = {f.filename: f.error for f in report.failures}
    assert "after 3 attempts" in errors["train/img_002.jpg"]
    assert "302" in errors["train/img_003.jpg"]
    assert not (tmp_path / "train/img_002.jpg").exists() and not list(tmp_path.rglob("*.part"))
    assert not [r for r in cloud.requests if r.url.host == "elsewhere.test"]


def test_expired_signed_urls_trigger_one_fresh_listing(cloud: FakeCloud, tmp_path: Path) -> None:
    cloud.expired_generation = 1  # every URL of the first listing is refused
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, mode="images_only")
    assert report.failures == [] and report.images_downloaded == 12
    assert cloud.listings == 2 and report.listings == 2
    cloud.expired_generation = 99  # still expired after the refresh: failures, and no third listing
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path / "again", mode="images_only")
    assert cloud.listings == 4 and len(report.failures) == 12


def test_rerun_skips_complete_files_and_refetches_changed_ones(cloud: FakeCloud, tmp_path: Path) -> None:
    with make_client(cloud) as client:
        client.datasets.download("ds", tmp_path)
        (tmp_path / "train/img_004.jpg").write_bytes(b"damaged")
        (tmp_path / "train/img_005.jpg").unlink()
        (tmp_path / "train/img_006.jpg.part").write_bytes(b"half")
        before = len(cloud.storage_requests())
        report = client.datasets.download("ds", tmp_path)
    fetched = sorted(r.url.path for r in cloud.storage_requests()[before:])
    assert fetched == ["/blobs/train/img_004.jpg", "/blobs/train/img_005.jpg"]
    assert (report.images_downloaded, report.images_skipped, report.annotations_skipped) == (2, 10, 8)
    assert "train/img_000.jpg" in report.skipped
    _check_tree(cloud, tmp_path)


def test_present_files_of_another_dataset_are_not_skipped(cloud: FakeCloud, tmp_path: Path) -> None:
    for name, data in cloud.images.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(data)
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, mode="images_only")
    assert report.images_downloaded == 12 and report.images_skipped == 0


def test_listing_sizes_and_checksums_decide_skips(tmp_path: Path) -> None:
    import hashlib

    data = image_bytes("a.jpg")
    cloud = FakeCloud(images={"a.jpg": data})
    item = {"filename": "a.jpg", "image_url": "https://storage.test/blobs/a.jpg?gen=0", "file_size": len(data),
            "md5": hashlib.md5(data).hexdigest()}
    cloud.images = {}
    cloud.extra_items = [item]
    cloud.images_backup = {"a.jpg": data}  # type: ignore[attr-defined]
    cloud.images["a.jpg"] = data
    cloud.extra_items = []
    cloud.listing = lambda mode: {"data": {"id": "x", "items": [item]}}  # type: ignore[method-assign]
    (tmp_path / "a.jpg").write_bytes(data)
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, mode="images_only")
        assert report.images_skipped == 1 and not cloud.storage_requests()
        (tmp_path / "a.jpg").write_bytes(bytes(len(data)))  # same size, wrong bytes
        report = client.datasets.download("ds", tmp_path, mode="images_only")
    assert report.images_downloaded == 1 and (tmp_path / "a.jpg").read_bytes() == data


def test_bad_arguments_raise_before_sending(cloud: FakeCloud, tmp_path: Path) -> None:
    with make_client(cloud) as client:
        with pytest.raises(ValueError):
            client.datasets.download("ds", tmp_path, mode="everything")
        with pytest.raises(ValueError):
            client.datasets.download("ds", tmp_path, max_workers=0)
        with pytest.raises(ValueError):
            client.images.upload("ds", tmp_path / "scan.jp2")
        with pytest.raises(ValueError):
            client.images.download("ds", "../x.jpg", tmp_path / "x.jpg")
    assert cloud.requests == []


def test_unknown_dataset_raises_not_found(cloud: FakeCloud, tmp_path: Path) -> None:
    with make_client(cloud) as client, pytest.raises(NotFoundError, match="missing"):
        client.datasets.download("missing", tmp_path)


def test_async_download_matches_the_sync_one(cloud: FakeCloud, tmp_path: Path) -> None:
    cloud.faults["train/img_007.jpg"].extend(["drop", "truncate"])

    async def go() -> DownloadReport:
        async with make_async_client(cloud) as client:
            return await client.datasets.download("ds", tmp_path, max_workers=3)

    report = run(go())
    assert (report.images_downloaded, report.annotations_downloaded, report.failures) == (12, 8, [])
    assert len(report.retries) == 2
    _check_tree(cloud, tmp_path)
    assert all("x-api-key" not in r.headers for r in cloud.storage_requests())


def test_image_download_by_path(cloud: FakeCloud, tmp_path: Path) -> None:
    target = tmp_path / "deep" / "one.jpg"
    with make_client(cloud) as client:
        assert client.images.download("ds", "train/img_001.jpg", target) == target
        assert target.read_bytes() == cloud.images["train/img_001.jpg"]
        with pytest.raises(NotFoundError):
            client.images.download("ds", "train/none.jpg", tmp_path / "none.jpg")
    assert not (tmp_path / "none.jpg").exists() and not list(tmp_path.rglob("*.part"))


# ---------------------------------------------------------------------------------------------- exports
def test_export_download_resumes_with_range_and_refreshes_an_expired_url(tmp_path: Path) -> None:
    cloud = FakeCloud()
    cloud.export = bytes(range(256)) * 4000
    cloud.faults["export"].extend(["403", "truncate", "truncate"])
    seen: list[tuple[int, int]] = []
    target = tmp_path / "e1.zip"
    with make_client(cloud) as client:
        assert client.exports.download("ds", "e1", target, progress=lambda d, t: seen.append((d, t))) == target
    assert target.read_bytes() == cloud.export
    assert not list(tmp_path.glob("*.part*"))
    gets = cloud.storage_requests()
    assert [r.headers.get("range") is not None for r in gets] == [False, False, True, True]
    assert all(r.headers.get("if-range") == '"v1"' for r in gets[2:])
    assert seen[-1] == (len(cloud.export), len(cloud.export))
    assert all(d <= t for d, t in seen)
    assert len([r for r in cloud.api_requests() if r.url.path.endswith("/e1/download")]) == 2


def test_export_partial_file_is_resumed_by_a_later_call_only_for_the_same_version(tmp_path: Path) -> None:
    cloud = FakeCloud()
    cloud.export = b"A" * 300_000
    cloud.faults["export"].extend(["truncate"] * 4)
    target = tmp_path / "e1.zip"
    with make_client(cloud, max_retries=3) as client:
        with pytest.raises(NetworkError, match="resumes"):
            client.exports.download("ds", "e1", target)
        assert (tmp_path / "e1.zip.part").exists()
        report_first = len(cloud.storage_requests())
        client.exports.download("ds", "e1", target)
        assert cloud.storage_requests()[report_first].headers.get("range")
        assert target.read_bytes() == cloud.export
        # A new version of the export (another ETag): the stale part is not spliced in.
        cloud.faults["export"].extend(["truncate"] * 4)
        cloud.export = b"B" * 300_000
        with pytest.raises(NetworkError):
            client.exports.download("ds", "e1", target)
        cloud.export_etag = '"v2"'
        cloud.export = b"C" * 300_000
        client.exports.download("ds", "e1", target)
    assert target.read_bytes() == cloud.export


def test_export_download_async(tmp_path: Path) -> None:
    cloud = FakeCloud()
    cloud.export = b"zip" * 50_000
    cloud.faults["export"].append("truncate")

    async def go() -> Path:
        async with make_async_client(cloud) as client:
            return await client.exports.download("ds", "e1", tmp_path / "e.zip")

    assert run(go()).read_bytes() == cloud.export


# ---------------------------------------------------------------------------------------------- uploads
def _png(path: Path, width: int, height: int) -> Path:
    import struct
    import zlib

    raw = b"".join(b"\x00" + b"\x00" * width * 3 for _ in range(height))
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path


def test_upload_puts_exact_headers_without_api_headers_and_registers(tmp_path: Path) -> None:
    cloud = FakeCloud()
    path = _png(tmp_path / "pic.png", 7, 5)
    with make_client(cloud) as client:
        image = client.images.upload("ds", path, folder_path="train//images/")
    assert image.filename == "pic.png" and image.directory_path == "/train/images"
    (put,) = [r for r in cloud.storage_requests() if r.method == "PUT"]
    assert put.headers["content-type"] == "image/png"
    assert put.headers["content-length"] == str(path.stat().st_size)
    assert "transfer-encoding" not in put.headers
    for header in API_HEADERS:
        assert header not in put.headers
    assert cloud.uploaded["/put/train/images/pic.png"] == ("image/png", path.read_bytes())
    (registered,) = cloud.registered
    assert registered == {"dataset": "ds", "filename": "pic.png", "directory_path": "/train/images",
                          "content_type": "image/png", "file_size": path.stat().st_size, "width": 7, "height": 5}
    url_request = next(r for r in cloud.api_requests() if r.url.path.endswith("/upload-url"))
    assert b'"directory_path": "/train/images"' in url_request.content or b'"directory_path":"/train/images"' in url_request.content


def test_upload_with_content_type_and_filename(tmp_path: Path) -> None:
    cloud = FakeCloud()
    path = tmp_path / "blob.bin"
    path.write_bytes(b"\x00" * 100)
    with make_client(cloud) as client:
        image = client.images.upload("ds", path, filename="scan.jp2", content_type="image/jp2")
    assert image.filename == "scan.jp2" and image.content_type == "image/jp2"
    assert cloud.uploaded["/put/scan.jp2"][0] == "image/jp2"
    assert "width" not in cloud.registered[0]


def test_failed_put_is_retried_then_raised_and_never_registered(tmp_path: Path) -> None:
    cloud = FakeCloud()
    path = _png(tmp_path / "a.png", 2, 2)
    cloud.put_faults["/put/a.png"].extend(["500", "403"])
    with make_client(cloud) as client, pytest.raises(ApiError) as info:
        client.images.upload("ds", path)
    assert info.value.status_code == 403 and cloud.registered == []


def test_upload_many_chunks_by_500_registers_only_successful_puts(tmp_path: Path) -> None:
    cloud = FakeCloud()
    paths = []
    for i in range(503):
        p = tmp_path / f"f{i:03d}.jpg"
        p.write_bytes(b"\xff\xd8" + bytes([i % 256]) * 10)
        paths.append(p)
    cloud.put_faults["/put/dir/f007.jpg"].extend(["403"])
    cloud.put_faults["/put/dir/f501.jpg"].extend(["500", "500", "500", "500"])
    cloud.register_refuse.add("f100.jpg")
    seen: list[int] = []
    with make_client(cloud) as client:
        report = client.images.upload_many("ds", [*paths, paths[0]], folder_path="/dir", max_workers=8,
                                           progress=lambda d, t, f: seen.append(d))
    failed = {f.filename: f.error for f in report.failed}
    assert sorted(failed) == ["f000.jpg", "f007.jpg", "f100.jpg", "f501.jpg"]
    assert "same name" in failed["f000.jpg"] and "already exists" in failed["f100.jpg"]
    assert "403" in failed["f007.jpg"] and "500" in failed["f501.jpg"]
    assert len(report.succeeded) == 503 - 3
    assert {i.filename for i in report.succeeded} == {r["filename"] for r in cloud.registered}
    bulk_urls = [r for r in cloud.api_requests() if r.url.path.endswith("/bulk-upload-url")]
    bulk_registers = [r for r in cloud.api_requests() if r.url.path.endswith("/bulk-register")]
    url_items = [[i["filename"] for i in json.loads(r.content)["images"]] for r in bulk_urls]
    register_items = [[i["filename"] for i in json.loads(r.content)["images"]] for r in bulk_registers]
    # every file of the call, in order, in chunks of at most 500: small ones first and last (the pipeline)
    assert [len(c) for c in url_items] == upload_chunk_sizes(503, 8) == [32, 423, 32, 16]
    assert [n for c in url_items for n in c] == [p.name for p in paths]
    assert len(register_items) == len(url_items)
    for urls, registered in zip(url_items, register_items, strict=True):
        assert set(registered) == set(urls) - {"f007.jpg", "f501.jpg"}
    assert seen[-1] == 503


def test_upload_many_async(tmp_path: Path) -> None:
    cloud = FakeCloud()
    paths = [_png(tmp_path / f"p{i}.png", i + 1, 3) for i in range(5)]

    async def go() -> int:
        async with make_async_client(cloud) as client:
            report = await client.images.upload_many("ds", paths, max_workers=2)
            return len(report.succeeded)

    assert run(go()) == 5
    assert sorted((r["filename"], r["width"]) for r in cloud.registered) == [(f"p{i}.png", i + 1) for i in range(5)]
