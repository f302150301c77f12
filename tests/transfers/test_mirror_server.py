"""Datasets of any size against the local server: complete downloads past the listing's cap, and ``datasets.sync``
keeping an exact mirror (docs/wire-protocol.md §1.5, §1.11, §2.3, §3.1)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictograph import Client
from pictograph._transfers._mirror_plan import MANIFEST_NAME, shard_of
from pictograph._transfers._plan import JOURNAL_NAME
from pictograph.testing import MockServer


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(seed="bench:240") as srv:
        yield srv


@pytest.fixture
def client(server: MockServer) -> Iterator[Client]:
    with server.client() as c:
        yield c


def rows(server: MockServer, name: str = "bench") -> list[dict[str, Any]]:
    storage = server.state.storage
    ds = storage.one("SELECT id FROM datasets WHERE name = ?", name)
    assert ds is not None
    return storage.all("SELECT * FROM images WHERE dataset_id = ? AND is_archived = 0", ds["id"])


def path_of(row: dict[str, Any]) -> str:
    folder = (row["directory_path"] or "/").strip("/")
    return f"{folder}/{row['filename']}" if folder else row["filename"]


def blob(server: MockServer, row: dict[str, Any]) -> bytes:
    storage = server.state.storage
    data = storage.read_blob(row["dataset_id"], storage.blob_key(row["directory_path"], row["filename"]))
    assert data is not None
    return data


def expected_tree(server: MockServer, mode: str = "full", keep: Any = None) -> dict[str, Any]:
    """What a mirror of the server's dataset holds: image bytes, and each annotated image's annotations."""
    want: dict[str, Any] = {}
    for row in rows(server):
        if keep is not None and not keep(row):
            continue
        if mode != "annotations_only":
            want[path_of(row)] = blob(server, row)
        if mode != "images_only" and row["annotations"]:
            want[path_of(row) + ".json"] = row["annotations"]
    return want


def tree(root: Path, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The folder as the test reads it: bytes of images, parsed annotations of ``.json`` files."""
    out: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if not path.is_file() or rel in (MANIFEST_NAME, JOURNAL_NAME) or rel.startswith(skip):
            continue
        out[rel] = json.loads(path.read_bytes())["annotations"] if rel.endswith(".json") else path.read_bytes()
    return out


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


# ---------------------------------------------------------------------------------------------- sync
def test_a_first_sync_mirrors_the_dataset_and_a_second_one_writes_nothing(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    report = client.datasets.sync("bench", tmp_path)
    want = expected_tree(server)
    assert tree(tmp_path) == want
    assert sorted(report.added) == sorted(want) and report.ok and not report.updated and not report.deleted
    assert not list(tmp_path.rglob("*.part"))
    server.reset_api_requests()
    before = mtimes(tmp_path)
    again = client.datasets.sync("bench", tmp_path)
    assert mtimes(tmp_path) == before  # no file written, the manifest included
    assert (again.added, again.updated, again.deleted, again.unchanged) == ([], [], [], len(want))
    # Only listing requests: the dataset read before and after, and one images-list page per 1,000 images.
    assert again.api_requests == server.api_requests() == 3


def test_sync_follows_deletions_additions_replaced_bytes_and_edited_annotations(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    client.datasets.sync("bench", tmp_path)
    (tmp_path / "mine.txt").write_text("my notes")
    (tmp_path / "a" / "mine.jpg").write_bytes(b"my own picture")
    images = sorted(rows(server), key=path_of)
    annotated = [r for r in images if r["annotations"]]
    gone, replaced, edited, cleared = images[0], images[1], annotated[2], annotated[3]
    client.images.delete_by_path("bench", path_of(gone), permanent=True)
    client.images.delete_by_path("bench", path_of(replaced), permanent=True)
    new_bytes = blob(server, images[5]) + b"\x00" * 7  # still a JPEG to Pillow, of another size
    (tmp_path.parent / "up").mkdir(exist_ok=True)
    upload = tmp_path.parent / "up" / replaced["filename"]
    upload.write_bytes(new_bytes)
    client.images.upload("bench", upload, folder_path=replaced["directory_path"])
    added = tmp_path.parent / "up" / "zz_new.jpg"
    added.write_bytes(blob(server, images[6]))
    client.images.upload("bench", added, folder_path="/a/fresh")
    moved = [dict(a, bounding_box={**a["bounding_box"], "x": a["bounding_box"]["x"] + 1})
             for a in edited["annotations"]]
    client.annotations.save_by_path("bench", path_of(edited), moved)
    client.annotations.save_by_path("bench", path_of(cleared), [])

    report = client.datasets.sync("bench", tmp_path, refresh_annotations=True)
    assert tree(tmp_path, skip=("mine.txt", "a/mine.jpg")) == expected_tree(server)
    assert (tmp_path / "mine.txt").read_text() == "my notes"
    assert (tmp_path / "a" / "mine.jpg").read_bytes() == b"my own picture"
    assert path_of(gone) in report.deleted and path_of(cleared) + ".json" in report.deleted
    assert path_of(replaced) in report.updated and "a/fresh/zz_new.jpg" in report.added
    assert path_of(edited) + ".json" in report.updated
    assert report.ok and "mine.txt" not in report.deleted


def test_changed_annotations_are_found_from_the_images_list(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    client.datasets.sync("bench", tmp_path)
    target = next(r for r in sorted(rows(server), key=path_of) if r["annotations"])
    extra = dict(target["annotations"][0], id="added-by-test")
    client.annotations.save_by_path("bench", path_of(target), [*target["annotations"], extra])
    report = client.datasets.sync("bench", tmp_path)
    assert report.updated == [path_of(target) + ".json"]
    assert tree(tmp_path) == expected_tree(server)


def test_a_file_the_user_changed_is_kept_not_deleted(server: MockServer, client: Client, tmp_path: Path) -> None:
    client.datasets.sync("bench", tmp_path, mode="images_only")
    row = sorted(rows(server), key=path_of)[0]
    (tmp_path / path_of(row)).write_bytes(b"edited by hand")
    client.images.delete_by_path("bench", path_of(row), permanent=True)
    report = client.datasets.sync("bench", tmp_path, mode="images_only")
    assert report.kept == [path_of(row)] and not report.deleted
    assert (tmp_path / path_of(row)).read_bytes() == b"edited by hand"


def test_no_delete_keeps_the_files_of_gone_images(server: MockServer, client: Client, tmp_path: Path) -> None:
    client.datasets.sync("bench", tmp_path, mode="images_only")
    row = rows(server)[0]
    client.images.delete_by_path("bench", path_of(row), permanent=True)
    report = client.datasets.sync("bench", tmp_path, mode="images_only", delete=False)
    assert not report.deleted and (tmp_path / path_of(row)).exists()


def test_narrowing_the_filter_removes_what_no_longer_matches(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    client.datasets.sync("bench", tmp_path, mode="images_only")
    report = client.datasets.sync("bench", tmp_path, mode="images_only", split="val")
    want = expected_tree(server, "images_only", keep=lambda r: r["split"] == "val")
    assert tree(tmp_path) == want and len(report.deleted) == len(rows(server)) - len(want)


@pytest.mark.parametrize(("folder", "split"), [("/b", None), ("b/c", None), (None, "train"), ("/a", "test")])
def test_folder_and_split_keep_exactly_what_they_name(
        server: MockServer, client: Client, tmp_path: Path, folder: str | None, split: str | None) -> None:
    norm = None if folder is None else "/" + folder.strip("/")

    def keep(row: dict[str, Any]) -> bool:
        in_folder = norm is None or row["directory_path"] == norm or row["directory_path"].startswith(norm + "/")
        return in_folder and (split is None or row["split"] == split)

    report = client.datasets.download("bench", tmp_path, split=split, folder=folder)
    want = expected_tree(server, keep=keep)
    assert want and tree(tmp_path) == want and report.ok


def test_shards_are_disjoint_and_their_union_is_the_whole(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    seen: dict[str, int] = {}
    for index in range(4):
        out = tmp_path / f"shard{index}"
        client.datasets.download("bench", out, mode="images_only", shard=(index, 4))
        for rel in tree(out):
            assert rel not in seen, f"{rel} is in shards {seen[rel]} and {index}"
            assert shard_of(rel, 4) == index
            seen[rel] = index
    assert set(seen) == set(expected_tree(server, "images_only"))


def test_bad_arguments_raise_before_any_request(server: MockServer, client: Client, tmp_path: Path) -> None:
    server.reset_api_requests()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"split": "valid"}, "split"), ({"shard": (4, 4)}, "shard"), ({"folder": "a/../b"}, "folder"),
        ({"mode": "all"}, "mode"), ({"delete": "yes"}, "delete"), ({"max_workers": 0}, "max_workers")]
    for kwargs, word in cases:
        with pytest.raises(ValueError, match=word):
            client.datasets.sync("bench", tmp_path, **kwargs)
    assert server.api_requests() == 0


# ---------------------------------------------------------------------------------------------- any size
@pytest.mark.slow
def test_a_dataset_past_the_listing_cap_downloads_whole_and_byte_identical(tmp_path: Path) -> None:
    with MockServer(seed="bench:12300", faults={"file_error_rate": 0.1, "seed": 7}) as server, \
            server.client(max_retries=4, sleep=lambda seconds: None) as client:
        report = client.datasets.download("bench", tmp_path, mode="images_only", max_workers=16)
        want = expected_tree(server, "images_only")
        assert len(want) == 12300
        got = tree(tmp_path)
        assert got.keys() == want.keys()
        assert got == want  # three folders share every file name; each file holds its own image
        assert report.ok and not report.truncated and report.images_downloaded == 12300
        assert server.faults.injected and len(report.retries) > 500  # about 10 % of the GETs failed and were retried
        # Signed listings cover everything (one per status once the dataset's own is full): few API requests.
        assert report.api_requests < 40


def test_a_copied_folder_resumes_without_journal_or_manifest(server: MockServer, client: Client,
                                                               tmp_path: Path) -> None:
    first = tmp_path / "first"
    client.datasets.download("bench", first, mode="images_only")
    copy = tmp_path / "copy"
    shutil.copytree(first, copy)
    for own in (JOURNAL_NAME, MANIFEST_NAME):
        (copy / own).unlink(missing_ok=True)
    victim = sorted(p for p in copy.rglob("*.jpg"))[0]
    victim.write_bytes(b"short")
    report = client.datasets.download("bench", copy, mode="images_only")
    assert report.images_downloaded == 1 and report.images_skipped == len(rows(server)) - 1
    assert tree(copy) == expected_tree(server, "images_only")


# ---------------------------------------------------------------------------------------------- budget
def test_a_spent_request_budget_stops_cleanly_and_a_rerun_finishes(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    server.set_request_budget(4)  # the listing passes (two dataset reads, one page, one download listing)
    report = client.datasets.sync("bench", tmp_path)
    assert report.stopped is not None and "run the same call again" in report.stopped
    assert report.remaining > 0 and report.truncated and not report.failures
    assert not list(tmp_path.rglob("*.part"))
    partial = tree(tmp_path)
    want = expected_tree(server)
    assert all(want[k] == v for k, v in partial.items())  # what arrived is complete and right
    server.renew_request_budget()
    server.set_request_budget(None)
    again = client.datasets.sync("bench", tmp_path)
    assert again.ok and tree(tmp_path) == want
    assert len(again.added) == report.remaining


def test_the_report_counts_the_api_requests_the_server_saw(server: MockServer, client: Client,
                                                           tmp_path: Path) -> None:
    server.reset_api_requests()
    report = client.datasets.sync("bench", tmp_path)
    assert report.api_requests == server.api_requests() > 0


def test_sync_in_the_async_client(server: MockServer, tmp_path: Path) -> None:
    import asyncio

    from pictograph import AsyncClient

    async def main() -> None:
        async with AsyncClient(api_key=server.api_key, base_url=server.url) as client:
            report = await client.datasets.sync("bench", tmp_path, mode="images_only")
            assert report.ok and len(report.added) == len(rows(server))

    asyncio.run(main())
    assert tree(tmp_path) == expected_tree(server, "images_only")
    assert os.path.exists(tmp_path / MANIFEST_NAME)


class _ShiftOnce(httpx.HTTPTransport):
    """A real transport that runs ``change`` once, just before the images list's second page is asked for."""

    def __init__(self, change: Callable[[], None]) -> None:
        super().__init__()
        self._change: Callable[[], None] | None = change

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self._change is not None and request.url.path.endswith("/images/") \
                and request.url.params.get("offset") == "1000":
            change, self._change = self._change, None
            change()
        return super().handle_request(request)


def test_an_image_deleted_between_two_pages_costs_no_other_image(tmp_path: Path) -> None:
    with MockServer(seed="bench:2100") as server, server.client() as other:
        newest = rows(server)[-1]  # seeded last: the newest, on the first page (the list is newest first)

        def delete_one() -> None:  # every later image moves one place up: the first of page 2 is skipped
            other.images.delete_by_path("bench", path_of(newest), permanent=True)

        with server.client(http_transport=_ShiftOnce(delete_one)) as client:
            report = client.datasets.sync("bench", tmp_path, mode="images_only")
        want = expected_tree(server, "images_only")
        assert len(want) == 2099 and tree(tmp_path) == want
        assert report.ok and report.note is None


def test_a_dataset_that_keeps_changing_is_mirrored_without_removing_anything(tmp_path: Path) -> None:
    with MockServer(seed="bench:1500") as server, server.client() as other:
        with server.client() as client:
            client.datasets.sync("bench", tmp_path, mode="images_only")
        victims = iter(sorted(rows(server), key=path_of))

        def delete_one() -> None:
            other.images.delete_by_path("bench", path_of(next(victims)), permanent=True)

        class EveryPage(_ShiftOnce):
            def handle_request(self, request: httpx.Request) -> httpx.Response:
                if request.url.path.endswith("/images/"):
                    delete_one()  # the count never holds still: no listing can be trusted whole
                return httpx.HTTPTransport.handle_request(self, request)

        with server.client(http_transport=EveryPage(delete_one)) as client:
            report = client.datasets.sync("bench", tmp_path, mode="images_only")
        assert report.note is not None and "changed during the listing" in report.note
        assert not report.deleted and not report.ok  # nothing removed on a listing it could not trust


def test_a_budget_spent_before_the_listing_ends_raises_and_changes_nothing(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    from pictograph import RateLimitError

    (tmp_path / "keep.txt").write_text("mine")
    server.set_request_budget(1)  # the dataset read passes, the images list does not
    with pytest.raises(RateLimitError, match=r"nothing in .* was changed; run the same call again") as info:
        client.datasets.sync("bench", tmp_path)
    assert info.value.retry_after is not None and info.value.retry_after > 120
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_annotation_files_come_from_one_export_that_is_deleted_after(
        server: MockServer, client: Client, tmp_path: Path) -> None:
    annotated = sum(1 for r in rows(server) if r["annotations"])
    assert annotated >= 100  # enough for the export route
    server.reset_api_requests()
    report = client.datasets.sync("bench", tmp_path)
    assert tree(tmp_path) == expected_tree(server) and report.ok
    assert report.api_requests == server.api_requests() < 25  # not one request per annotation file
    assert [e.name for e in client.exports.list(dataset_name="bench")] == []
    # An edit that keeps the count, the lowest confidence and the status: found by a refresh, at export cost.
    target = next(r for r in sorted(rows(server), key=path_of) if r["annotations"])
    moved = [dict(a, bounding_box={**a["bounding_box"], "x": a["bounding_box"]["x"] + 1})
             for a in target["annotations"]]
    client.annotations.save_by_path("bench", path_of(target), moved)
    assert client.datasets.sync("bench", tmp_path).updated == []  # invisible to the images list
    stamps = mtimes(tmp_path)
    refresh = client.datasets.sync("bench", tmp_path, refresh_annotations=True)
    assert refresh.updated == [path_of(target) + ".json"] and refresh.api_requests < 25
    assert tree(tmp_path) == expected_tree(server)
    changed = {p for p, t in mtimes(tmp_path).items() if stamps.get(p) != t}
    assert changed == {path_of(target) + ".json", MANIFEST_NAME}


def test_without_an_export_the_annotation_files_are_fetched_one_by_one(tmp_path: Path) -> None:
    with MockServer(seed="bench:240", faults={"job_failure_rate": 1.0}) as server, server.client() as client:
        report = client.datasets.sync("bench", tmp_path)
        assert tree(tmp_path) == expected_tree(server) and report.ok
        annotated = sum(1 for r in rows(server) if r["annotations"])
        assert report.api_requests > annotated  # one request per annotation file


def test_images_no_listing_covers_come_from_one_export_when_they_are_many(
        server: MockServer, client: Client, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from pictograph._transfers import _mirror, _mirror_list

    async def no_listing(self: Any, pending: Any) -> Any:  # a server whose download listings reach nothing
        for _ in ():
            yield []

    monkeypatch.setattr(_mirror_list.Reader, "signed_batches", no_listing)
    monkeypatch.setattr(_mirror, "IMAGES_EXPORT_FROM", 50)
    server.reset_api_requests()
    report = client.datasets.sync("bench", tmp_path, mode="images_only")
    assert tree(tmp_path) == expected_tree(server, "images_only") and report.ok
    assert report.api_requests == server.api_requests() < 25  # not one byte-route request per image
    assert not list(tmp_path.glob(".pictograph-export-*")) and not list(tmp_path.rglob("*.part"))
    assert [e.name for e in client.exports.list(dataset_name="bench")] == []
    again = client.datasets.sync("bench", tmp_path, mode="images_only")
    assert not again.changed and again.unchanged == len(rows(server))
