"""``pictograph exports ...`` against the local server."""

from __future__ import annotations

import zipfile
from pathlib import Path

from .conftest import Cli, error_of, one_line


def test_list_shows_the_seeded_export(cli: Cli) -> None:
    rows = cli.json("exports", "list", "--dataset", "road-scenes")
    assert "road-scenes-v1" in [r["name"] for r in rows]


def test_get_unknown_export_is_exit_6(cli: Cli) -> None:
    result = cli("exports", "get", "road-scenes", "no-such-export", "--json")
    assert result.exit_code == 6
    assert error_of(result)["kind"] == "not_found"


def test_create_wait_download_delete(cli: Cli, tmp_path: Path) -> None:
    started = cli.json("exports", "create", "people-poses", "cli-coco", "--format", "coco", "--no-wait",
                       "--status", "all")
    assert started["status"] in ("pending", "processing", "completed")
    done = cli.json("exports", "wait", "people-poses", "cli-coco", "--poll-interval", "0.05", "--timeout", "30")
    assert done["status"] == "completed"
    assert cli.json("exports", "get", "people-poses", "cli-coco")["format"] == "coco"
    out = tmp_path / "cli-coco.zip"
    written = cli.json("exports", "download", "people-poses", "cli-coco", "-o", str(out))
    assert Path(written["path"]) == out
    assert zipfile.is_zipfile(out)
    assert cli.json("exports", "delete", "people-poses", "cli-coco", "--yes")["deleted"] is True
    assert cli("exports", "get", "people-poses", "cli-coco").exit_code == 6


def test_create_waits_by_default(cli: Cli) -> None:
    export = cli.json("exports", "create", "road-scenes", "cli-waited", "--no-images", "--class", "car",
                      "--poll-interval", "0.05")
    assert export["status"] == "completed"
    assert export["class_filter"] == ["car"]


def test_create_duplicate_name_is_exit_7(cli: Cli) -> None:
    result = cli("exports", "create", "road-scenes", "road-scenes-v1", "--no-wait")
    assert result.exit_code == 7
    one_line(result)


def test_create_unknown_format_is_exit_8(cli: Cli) -> None:
    result = cli("exports", "create", "road-scenes", "cli-bad-format", "--format", "tiff", "--no-wait")
    assert result.exit_code == 8
    one_line(result)


def test_wait_timeout_is_exit_13(cli: Cli) -> None:
    cli.server.faults.update(job_step_delay_ms=300)
    try:
        cli.json("exports", "create", "road-scenes", "cli-slow", "--no-wait")
        result = cli("exports", "wait", "road-scenes", "cli-slow", "--timeout", "0.05", "--poll-interval", "0.01")
    finally:
        cli.server.faults.reset()
    assert result.exit_code == 13
    assert "cli-slow" in one_line(result) or "export" in one_line(result)


def test_failed_build_is_exit_16(cli: Cli) -> None:
    cli.server.faults.update(job_failure_rate=1.0)
    try:
        result = cli("exports", "create", "road-scenes", "cli-fails", "--poll-interval", "0.02", "--json")
    finally:
        cli.server.faults.reset()
    assert result.exit_code == 16
    assert error_of(result)["code"] == "job_failed"
