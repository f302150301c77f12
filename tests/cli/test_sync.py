"""``pictograph datasets sync`` and ``datasets download --split/--folder`` against the local server's ``bench:90``
dataset (folders /a, /b and /b/c holding the same file names; every split and status)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from pictograph.testing import MockServer

from .conftest import Cli

MANIFEST = ".pictograph-mirror.sqlite"
Keep = Callable[[dict[str, Any]], bool]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(seed="bench:90") as srv:
        yield srv


def rows(server: MockServer) -> list[dict[str, Any]]:
    storage = server.state.storage
    ds = storage.one("SELECT id FROM datasets WHERE name = 'bench'")
    assert ds is not None
    return storage.all("SELECT * FROM images WHERE dataset_id = ? AND is_archived = 0", ds["id"])


def path_of(row: dict[str, Any]) -> str:
    folder = row["directory_path"].strip("/")
    return f"{folder}/{row['filename']}" if folder else row["filename"]


def expected_files(server: MockServer, keep: Keep = lambda row: True, mode: str = "full") -> set[str]:
    """The files a mirror of the dataset holds: each image, and ``NAME.json`` for each annotated one."""
    want: set[str] = set()
    for row in rows(server):
        if keep(row):
            if mode != "annotations_only":
                want.add(path_of(row))
            if mode != "images_only" and row["annotations"]:
                want.add(path_of(row) + ".json")
    return want


def files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file() and p.name != MANIFEST}


def in_folder(folder: str) -> Keep:
    return lambda row: row["directory_path"] == folder or row["directory_path"].startswith(folder + "/")


def summary(result: Any) -> tuple[str, ...]:
    """The sync's text line ``DIR: A added, U updated, D deleted, N unchanged (R API requests)``, as
    ``("", DIR, A, U, D, N, R)`` (so ``summary(r)[2]`` is A)."""
    line = result.stdout.splitlines()[0]
    found = re.fullmatch(r"(.+): (\d+) added, (\d+) updated, (\d+) deleted, (\d+) unchanged \((\d+) API requests\)",
                         line)
    assert found is not None, result.stdout
    return ("", *found.groups())


# ---------------------------------------------------------------------------------------------- sync
def test_sync_prints_what_it_did_and_a_rerun_changes_nothing(cli: Cli, server: MockServer, tmp_path: Path) -> None:
    out = tmp_path / "mirror"
    server.reset_api_requests()
    first = cli("datasets", "sync", "bench", str(out))
    assert first.exit_code == 0, first.stderr
    want = expected_files(server)
    assert files(out) == want
    line = summary(first)
    assert (line[1], int(line[2]), line[3:6]) == (str(out), len(want), ("0", "0", "0"))
    assert int(line[6]) == server.api_requests()

    server.reset_api_requests()
    again = cli("datasets", "sync", "bench", str(out))
    assert again.exit_code == 0, again.stderr
    line = summary(again)
    assert line[2:5] == ("0", "0", "0") and int(line[5]) == len(want)
    assert int(line[6]) == server.api_requests() <= 3  # the listing only


def test_sync_json_reports_the_files_added(cli: Cli, server: MockServer, tmp_path: Path) -> None:
    report = cli.json("datasets", "sync", "bench", str(tmp_path), "--mode", "images_only")
    want = expected_files(server, mode="images_only")
    assert set(report["added"]) == want == files(tmp_path)
    assert (report["updated"], report["deleted"], report["kept"], report["failures"]) == ([], [], [], [])
    assert report["unchanged"] == 0 and report["remaining"] == 0 and report["api_requests"] > 0


@pytest.mark.parametrize(("options", "keep"), [
    (("--split", "val"), lambda row: row["split"] == "val"),
    (("--folder", "/b"), in_folder("/b")),
    (("--folder", "/b/c", "--split", "train"), lambda row: in_folder("/b/c")(row) and row["split"] == "train"),
    (("--status", "review"), lambda row: row["status"] == "review"),
], ids=["split", "folder", "folder-and-split", "status"])
def test_sync_filters_keep_exactly_what_they_name(cli: Cli, server: MockServer, tmp_path: Path,
                                                  options: tuple[str, ...], keep: Keep) -> None:
    report = cli.json("datasets", "sync", "bench", str(tmp_path), *options)
    want = expected_files(server, keep)
    assert want and files(tmp_path) == want == set(report["added"])


def test_refresh_annotations_finds_an_edit_the_images_list_cannot_show(
        cli: Cli, server: MockServer, tmp_path: Path) -> None:
    cli.json("datasets", "sync", "bench", str(tmp_path))
    rows = server.state.storage.all("SELECT * FROM images WHERE annotations != '[]' ORDER BY seq")
    row = rows[0]
    folder = row["directory_path"].strip("/")
    path = f"{folder}/{row['filename']}" if folder else row["filename"]
    moved = [dict(a, bounding_box={**a["bounding_box"], "x": a["bounding_box"]["x"] + 1}) for a in row["annotations"]]
    with server.client() as client:
        client.annotations.save_by_path("bench", path, moved)
    assert cli.json("datasets", "sync", "bench", str(tmp_path))["updated"] == []
    refreshed = cli.json("datasets", "sync", "bench", str(tmp_path), "--refresh-annotations")
    assert refreshed["updated"] == [path + ".json"]
    written = json.loads((tmp_path / (path + ".json")).read_text())["annotations"]
    assert [a["bounding_box"] for a in written] == [a["bounding_box"] for a in moved]


def test_sync_removes_gone_images_unless_no_delete(cli: Cli, server: MockServer, tmp_path: Path) -> None:
    cli.json("datasets", "sync", "bench", str(tmp_path), "--mode", "images_only", "--folder", "/a")
    (tmp_path / "notes.txt").write_text("mine")
    victim = sorted(path for path in files(tmp_path) if path.endswith(".jpg"))[0]
    with server.client() as client:
        client.images.delete_by_path("bench", victim, permanent=True)
    kept = cli.json("datasets", "sync", "bench", str(tmp_path), "--mode", "images_only", "--folder", "/a",
                    "--no-delete")
    assert kept["deleted"] == [] and (tmp_path / victim).exists()
    removed = cli.json("datasets", "sync", "bench", str(tmp_path), "--mode", "images_only", "--folder", "/a")
    assert removed["deleted"] == [victim] and not (tmp_path / victim).exists()
    assert (tmp_path / "notes.txt").read_text() == "mine"  # not the mirror's: never touched
    assert files(tmp_path) == expected_files(server, in_folder("/a"), "images_only") | {"notes.txt"}


def test_sync_with_failed_files_exits_17_and_lists_them(cli: Cli, server: MockServer, tmp_path: Path) -> None:
    server.faults.update(file_error_rate=1.0)
    try:
        result = cli("datasets", "sync", "bench", str(tmp_path), "--mode", "images_only", "--folder", "/b/c")
    finally:
        server.faults.reset()
    assert result.exit_code == 17
    want = expected_files(server, in_folder("/b/c"), "images_only")
    failed = [line for line in result.stdout.splitlines() if line.startswith("failed image ")]
    assert len(failed) == min(len(want), 20)
    assert summary(result)[2] == "0" and files(tmp_path) == set()
    rerun = cli.json("datasets", "sync", "bench", str(tmp_path), "--mode", "images_only", "--folder", "/b/c")
    assert set(rerun["added"]) == want and rerun["failures"] == []


def test_sync_stopped_by_the_request_budget_exits_17_and_a_rerun_finishes(
        cli: Cli, server: MockServer, tmp_path: Path) -> None:
    server.set_request_budget(12)
    try:
        result = cli("datasets", "sync", "bench", str(tmp_path), "--json")
    finally:
        server.renew_request_budget()
        server.set_request_budget(None)
    assert result.exit_code == 17, result.stderr
    assert "request budget is spent" in result.stderr and "run the same call again" in result.stderr
    report = json.loads(result.stdout)
    assert report["remaining"] > 0 and report["stopped"] and report["failures"] == []
    rerun = cli.json("datasets", "sync", "bench", str(tmp_path))
    assert rerun["remaining"] == 0 and files(tmp_path) == expected_files(server)


# ---------------------------------------------------------------------------------------------- download
def test_download_split_and_folder_keep_exactly_what_they_name(cli: Cli, server: MockServer, tmp_path: Path) -> None:
    report = cli.json("datasets", "download", "bench", str(tmp_path), "--split", "train", "--folder", "/b")
    keep: Keep = lambda row: in_folder("/b")(row) and row["split"] == "train"  # noqa: E731
    want = expected_files(server, keep)
    assert files(tmp_path) == want
    assert report["images_downloaded"] == sum(1 for path in want if path.endswith(".jpg"))
    assert report["annotations_downloaded"] == sum(1 for path in want if path.endswith(".json"))
    assert report["failures"] == [] and report["truncated"] is False


def test_download_prints_its_line_and_skips_complete_files_on_rerun(
        cli: Cli, server: MockServer, tmp_path: Path) -> None:
    first = cli("datasets", "download", "bench", str(tmp_path), "--folder", "/a", "--mode", "images_only")
    assert first.exit_code == 0, first.stderr
    count = len(expected_files(server, in_folder("/a"), "images_only"))
    assert first.stdout.splitlines()[0] == f"{count} images and 0 annotation files in {tmp_path}"
    again = cli("datasets", "download", "bench", str(tmp_path), "--folder", "/a", "--mode", "images_only")
    assert again.stdout.splitlines()[0] == (f"0 images and 0 annotation files in {tmp_path} "
                                            f"({count} files already complete, skipped)")


def test_download_with_failed_files_exits_17(cli: Cli, server: MockServer, tmp_path: Path) -> None:
    server.faults.update(file_error_rate=1.0)
    try:
        result = cli("datasets", "download", "bench", str(tmp_path), "--split", "test", "--mode", "images_only")
    finally:
        server.faults.reset()
    assert result.exit_code == 17
    assert any(line.startswith("failed image ") for line in result.stdout.splitlines())


def test_a_bad_split_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    for command in ("sync", "download"):
        result = cli("datasets", command, "bench", str(tmp_path), "--split", "valid")
        assert result.exit_code == 2 and "valid" in result.stderr
