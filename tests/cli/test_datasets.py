"""``pictograph datasets ...`` against the local server."""

from __future__ import annotations

import json
from pathlib import Path

from .conftest import Cli, error_of, names, one_line


def test_list_gives_every_dataset_as_json(cli: Cli) -> None:
    rows = cli.json("datasets", "list")
    assert {"road-scenes", "people-poses"} <= set(names(rows))
    assert all("id" in r and "image_count" in r for r in rows)


def test_list_table_has_headers(cli: Cli) -> None:
    result = cli("datasets", "list")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].split()[:3] == ["NAME", "IMAGES", "COMPLETE"]


def test_get_shows_classes_with_colours(cli: Cli) -> None:
    data = cli.json("datasets", "get", "road-scenes")
    assert data["name"] == "road-scenes"
    assert {c["name"]: c["color"] for c in data["classes"]}["car"] == "#e6194b"
    table = cli("datasets", "get", "road-scenes").stdout
    assert "#e6194b" in table and "road-scenes" in table


def test_get_unknown_dataset_exit_6(cli: Cli) -> None:
    result = cli("datasets", "get", "nope-not-here", "--json")
    assert result.exit_code == 6
    assert error_of(result)["kind"] == "not_found"


def test_create_update_delete_round_trip(cli: Cli) -> None:
    created = cli.json("datasets", "create", "cli-roundtrip", "--type", "bbox", "--class", "cat:#ff0000",
                       "--class", "dog", "--description", "made by the CLI test")
    assert created["name"] == "cli-roundtrip"
    assert [c["name"] for c in created["classes"]] == ["cat", "dog"]
    assert created["classes"][0]["color"].lower() == "#ff0000"
    updated = cli.json("datasets", "update", "cli-roundtrip", "--new-name", "cli-roundtrip-2")
    assert updated["name"] == "cli-roundtrip-2"
    summary = cli.json("datasets", "delete", "cli-roundtrip-2", "--yes")
    assert summary.get("deleted", True) is not False
    assert cli("datasets", "get", "cli-roundtrip-2").exit_code == 6


def test_create_taken_name_is_a_conflict_exit_7(cli: Cli) -> None:
    result = cli("datasets", "create", "road-scenes")
    assert result.exit_code == 7
    one_line(result)


def test_create_with_classes_file(cli: Cli, tmp_path: Path) -> None:
    file = tmp_path / "classes.json"
    file.write_text(json.dumps([{"name": "tree", "color": "#00ff00", "type": "polygon"}]))
    created = cli.json("datasets", "create", "cli-classes-file", "--classes-file", str(file))
    assert created["classes"][0]["name"] == "tree"
    cli.json("datasets", "delete", "cli-classes-file", "--yes")


def test_update_with_nothing_to_change_is_a_usage_error(cli: Cli) -> None:
    result = cli("datasets", "update", "road-scenes")
    assert result.exit_code == 2
    assert "nothing to change" in one_line(result)


def test_delete_without_yes_off_a_terminal_refuses(cli: Cli) -> None:
    result = cli("datasets", "delete", "people-poses")
    assert result.exit_code == 2
    assert "--yes" in one_line(result)
    assert cli("datasets", "get", "people-poses").exit_code == 0


def test_images_lists_with_filters(cli: Cli) -> None:
    rows = cli.json("datasets", "images", "road-scenes", "--folder", "/val/images")
    assert rows and all(r["directory_path"] == "/val/images" for r in rows)
    limited = cli.json("datasets", "images", "road-scenes", "--limit", "3")
    assert len(limited) == 3


def test_download_writes_images_and_annotations(cli: Cli, tmp_path: Path) -> None:
    report = cli.json("datasets", "download", "people-poses", str(tmp_path / "out"))
    assert report["images_downloaded"] == 20
    assert report["failures"] == []
    files = sorted(p.name for p in (tmp_path / "out").rglob("*") if p.is_file())
    assert "person_000.jpg" in files and "person_000.jpg.json" in files


def test_download_unknown_dataset_exit_6(cli: Cli, tmp_path: Path) -> None:
    result = cli("datasets", "download", "nope", str(tmp_path / "x"))
    assert result.exit_code == 6
    one_line(result)
