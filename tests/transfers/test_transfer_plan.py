"""The I/O-free rules of transfers: safe paths, MIME types, skip decisions, journal, URL re-pointing."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from pictograph._imaging import measure, measure_header
from pictograph._progress import ByteCallbackProgress, FileCallbackProgress, NullProgress, reporter_for
from pictograph._transfers._plan import (
    JOURNAL_NAME,
    LISTING_LIMIT,
    JournalEntry,
    ListedFile,
    LocalState,
    UnsafePathError,
    journal_line,
    part_path,
    plan_download,
    read_journal,
    rebase_api_url,
    safe_parts,
    skip_decision,
)
from pictograph._transfers._upload_plan import content_type_for, plan_uploads, split_sizes, upload_chunk_sizes


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../up.jpg", "a/../../b.jpg", "C:evil.jpg", "c:/x.jpg", "a\\..\\b.jpg", "a//b.jpg", "./a.jpg",
     "", "a/", "x\x00.jpg"],
)
def test_unsafe_filenames_are_refused(name: str) -> None:
    with pytest.raises(UnsafePathError):
        safe_parts(name)


def test_colon_in_a_part_is_refused_on_windows_only() -> None:
    assert safe_parts("a/b:c.jpg", windows=False) == ("a", "b:c.jpg")
    with pytest.raises(UnsafePathError):
        safe_parts("a/b:c.jpg", windows=True)


def test_nested_filenames_keep_their_folders() -> None:
    assert safe_parts("train/images/a b.jpg") == ("train", "images", "a b.jpg")
    assert part_path(Path("/x/a.jpg")) == Path("/x/a.jpg.part")


@pytest.mark.parametrize(
    ("name", "mime"),
    [("a.JPG", "image/jpeg"), ("a.jpeg", "image/jpeg"), ("a.png", "image/png"), ("a.gif", "image/gif"),
     ("a.bmp", "image/bmp"), ("a.webp", "image/webp"), ("a.tif", "image/tiff"), ("a.TIFF", "image/tiff"),
     ("a.heic", "image/heic"), ("a.heif", "image/heif")],
)
def test_mime_type_comes_from_the_extension_table(name: str, mime: str) -> None:
    assert content_type_for(name, None) == mime


def test_unknown_extension_needs_a_content_type() -> None:
    with pytest.raises(ValueError, match="content_type"):
        content_type_for("scan.jp2", None)
    assert content_type_for("scan.jp2", "image/jp2") == "image/jp2"
    with pytest.raises(ValueError):
        content_type_for("a.png", "png")


def test_listing_plan_refuses_traversal_and_reports_missing_image_urls() -> None:
    payload = {
        "id": "d",
        "items": [
            {"filename": "ok.jpg", "image_url": "https://s/ok", "annotation_url": "https://api/ann"},
            {"filename": "../evil.jpg", "image_url": "https://s/evil"},
            {"filename": "noimg.jpg"},
            {"filename": "ok.jpg", "image_url": "https://s/again"},
            {"filename": JOURNAL_NAME, "image_url": "https://s/j"},
        ],
    }
    plan = plan_download(payload, "full")
    assert [(f.kind, f.relpath) for f in plan.files] == [("image", "ok.jpg"), ("annotation", "ok.jpg.json")]
    reasons = {f.filename: f.error for f in plan.failures}
    assert "refused" in reasons["../evil.jpg"]
    assert "image_url" in reasons["noimg.jpg"]
    assert "same path" in reasons[JOURNAL_NAME]
    assert len(plan.failures) == 4
    assert not plan.truncated


def test_missing_annotation_url_is_not_a_failure() -> None:
    plan = plan_download({"id": "d", "items": [{"filename": "a.jpg"}]}, "annotations_only")
    assert plan.files == [] and plan.failures == []


def test_a_listing_of_exactly_10000_items_is_truncated() -> None:
    items = [{"filename": f"{i}.jpg", "image_url": f"https://s/{i}"} for i in range(LISTING_LIMIT)]
    assert plan_download({"id": "d", "items": items}, "images_only").truncated
    assert not plan_download({"id": "d", "items": items[:-1]}, "images_only").truncated


def test_skip_needs_proof_that_the_file_is_complete() -> None:
    plain = ListedFile("image", "a.jpg", "a.jpg", "u")
    sized = ListedFile("image", "a.jpg", "a.jpg", "u", expected_size=10)
    digest = ListedFile("image", "a.jpg", "a.jpg", "u", expected_size=10, expected_digest=("md5", "0" * 32))
    here = LocalState(10, 5)
    assert skip_decision(plain, None, None, "d") == "fetch"
    assert skip_decision(plain, here, None, "d") == "fetch"  # present is not enough
    assert skip_decision(plain, here, JournalEntry("d", 10, 5), "d") == "skip"
    assert skip_decision(plain, here, JournalEntry("other", 10, 5), "d") == "fetch"
    assert skip_decision(plain, here, JournalEntry("d", 10, 6), "d") == "fetch"  # touched since
    assert skip_decision(sized, here, None, "d") == "skip"
    assert skip_decision(sized, LocalState(9, 5), None, "d") == "fetch"
    assert skip_decision(digest, here, None, "d") == "verify-digest"


def test_journal_ignores_torn_lines() -> None:
    text = journal_line("a.jpg", JournalEntry("d", 3, 4)) + '{"p": "b.jpg", "s": 1' + "\nnot json\n"
    assert read_journal(text) == {"a.jpg": JournalEntry("d", 3, 4)}


def test_api_urls_are_repointed_to_the_base_url(caplog: pytest.LogCaptureFixture) -> None:
    same = rebase_api_url("https://api.test/api/v1/developer/annotations/d/a.jpg?x=1", "https://api.test")
    assert same == "https://api.test/api/v1/developer/annotations/d/a.jpg?x=1"
    with caplog.at_level(logging.WARNING, logger="pictograph"):
        moved = rebase_api_url("https://evil.test/api/v1/developer/annotations/d/a.jpg?x=1", "http://localhost:9")
    assert moved == "http://localhost:9/api/v1/developer/annotations/d/a.jpg?x=1"
    assert "evil.test" in caplog.text


def test_folder_upload_keeps_subfolders_and_refuses_unknown_extensions(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "a.jpg").write_bytes(b"x")
    (tmp_path / "sub" / "b.PNG").write_bytes(b"x")
    (tmp_path / "notes.txt").write_text("skip me in folders")
    entries = plan_uploads([tmp_path], "/root")
    assert [(e.filename, e.directory_path, e.content_type) for e in entries] == [
        ("a.jpg", "/root", "image/jpeg"), ("b.PNG", "/root/sub", "image/png")]
    with pytest.raises(ValueError, match="nothing was uploaded"):
        plan_uploads([tmp_path / "notes.txt"], "/")
    with pytest.raises(ValueError):
        plan_uploads(str(tmp_path / "a.jpg"), "/")


def _jpeg_with_orientation(orientation: int, width: int, height: int) -> bytes:
    import struct

    ifd = struct.pack("<H", 1) + struct.pack("<HHIHH", 0x0112, 3, 1, orientation, 0) + b"\0\0\0\0"
    tiff = b"II*\x00" + struct.pack("<I", 8) + ifd
    app1 = b"Exif\x00\x00" + tiff
    sof = b"\x08" + struct.pack(">HH", height, width) + b"\x03" + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    return (b"\xff\xd8" + b"\xff\xe1" + struct.pack(">H", len(app1) + 2) + app1
            + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9")


def test_header_reader_applies_exif_orientation(tmp_path: Path) -> None:
    upright = tmp_path / "a.jpg"
    upright.write_bytes(_jpeg_with_orientation(1, 40, 30))
    rotated = tmp_path / "b.jpg"
    rotated.write_bytes(_jpeg_with_orientation(6, 40, 30))
    assert measure_header(upright) == (40, 30)
    assert measure_header(rotated) == (30, 40)


def test_pillow_measure_applies_exif_orientation(tmp_path: Path) -> None:
    pil = pytest.importorskip("PIL.Image")
    path = tmp_path / "r.jpg"
    im = pil.new("RGB", (40, 30))
    exif = im.getexif()
    exif[0x0112] = 6
    im.save(path, exif=exif)
    assert measure(path) == (30, 40)
    png = tmp_path / "p.png"
    pil.new("RGB", (7, 5)).save(png)
    assert measure(png) == measure_header(png) == (7, 5)
    (tmp_path / "junk.jpg").write_bytes(b"not an image")
    assert measure(tmp_path / "junk.jpg") is None


def test_progress_adapters() -> None:
    seen: list[tuple[int, int, str]] = []
    files = reporter_for(lambda d, t, f: seen.append((d, t, f)), False)
    assert isinstance(files, FileCallbackProgress)
    files.start(2, unit="file", description="x")
    files.advance(1, "a")
    files.advance(1, "b")
    assert seen == [(1, 2, "a"), (2, 2, "b")]
    got: list[tuple[int, int]] = []
    byte = reporter_for(lambda d, t: got.append((d, t)), False, per="byte")
    assert isinstance(byte, ByteCallbackProgress)
    byte.start(None, unit="B", description="x")
    byte.advance(5)
    assert got == [(5, 0)]
    # Not a terminal under pytest: the bar stays off and nothing is printed.
    assert isinstance(reporter_for(None, True), NullProgress)
    with pytest.raises(ValueError):
        reporter_for(42, False)


@pytest.mark.parametrize(("total", "workers"), [(1, 10), (31, 10), (100, 10), (503, 8), (1000, 32), (1000, 10),
                                                (2000, 32), (5000, 300), (12, 3)])
def test_upload_chunks_cover_every_file_once_in_order_within_the_bulk_limit(total: int, workers: int) -> None:
    sizes = upload_chunk_sizes(total, workers)
    assert sum(sizes) == total and all(0 < s <= 500 for s in sizes)
    pieces = split_sizes(list(range(total)), sizes)
    assert [i for piece in pieces for i in piece] == list(range(total))
    edge = min(500, max(2 * workers, 32))
    # small at both ends: the first PUTs start early and little is left to register after the last one
    last = min(500, max(workers, 16))  # one round of PUTs; what is left over is not sent as a stub of its own
    assert sizes[0] == min(edge, total) and (len(sizes) == 1 or sizes[-1] < 2 * last)
    assert len(sizes) < 3 or sizes[-2] >= last


def test_upload_chunk_plan_for_the_benchmark_case() -> None:
    assert upload_chunk_sizes(1000, 32) == [64, 420, 420, 64, 32]
    assert upload_chunk_sizes(12, 3, limit=4) == [4, 4, 4]
    assert upload_chunk_sizes(0, 10) == []
