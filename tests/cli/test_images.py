"""``pictograph images ...`` against the local server."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from pictograph.cli.images import collect_uploads

from .conftest import Cli, one_line


def _png(path: Path, colour: tuple[int, int, int] = (10, 20, 30)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    buf = io.BytesIO()
    Image.new("RGB", (8, 6), colour).save(buf, "PNG")
    path.write_bytes(buf.getvalue())
    return path


def test_collect_uploads_keeps_sub_folders_under_the_target(tmp_path: Path) -> None:
    _png(tmp_path / "a.png")
    _png(tmp_path / "sub" / "b.png")
    (tmp_path / "notes.txt").write_text("not an image")
    flat = collect_uploads((tmp_path,), "/batch", recursive=False)
    assert {k: [p.name for p in v] for k, v in flat.items()} == {"/batch": ["a.png"]}
    deep = collect_uploads((tmp_path,), "/batch/", recursive=True)
    assert {k: [p.name for p in v] for k, v in deep.items()} == {"/batch": ["a.png"], "/batch/sub": ["b.png"]}


def test_upload_folder_then_download_and_delete(cli: Cli, tmp_path: Path) -> None:
    cli.json("datasets", "create", "cli-images", "--class", "thing")
    _png(tmp_path / "up" / "one.png")
    _png(tmp_path / "up" / "nested" / "two.png", (200, 0, 0))
    report = cli.json("images", "upload", "cli-images", str(tmp_path / "up"), "--recursive", "--folder", "/in")
    assert report["failed"] == []
    paths = sorted((r["directory_path"], r["filename"]) for r in report["succeeded"])
    assert paths == [("/in", "one.png"), ("/in/nested", "two.png")]

    out = tmp_path / "down.png"
    written = cli.json("images", "download", "cli-images", "in/nested/two.png", "-o", str(out))
    assert Path(written["path"]) == out
    assert Image.open(out).getpixel((0, 0)) == (200, 0, 0)

    assert cli.json("images", "delete", "cli-images", "in/one.png")["result"] == "archived"
    remaining = cli.json("datasets", "images", "cli-images")
    assert [r["filename"] for r in remaining] == ["two.png"]
    cli.json("datasets", "delete", "cli-images", "--yes")


def test_upload_missing_file_is_exit_15(cli: Cli, tmp_path: Path) -> None:
    result = cli("images", "upload", "road-scenes", str(tmp_path / "missing.png"))
    assert result.exit_code == 15
    one_line(result)


def test_upload_folder_without_images_is_exit_15(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    result = cli("images", "upload", "road-scenes", str(tmp_path / "empty"))
    assert result.exit_code == 15
    assert "no image files" in one_line(result)


def test_download_unknown_image_is_exit_6(cli: Cli, tmp_path: Path) -> None:
    result = cli("images", "download", "road-scenes", "train/images/missing.jpg", "-o", str(tmp_path / "x.jpg"))
    assert result.exit_code == 6
    one_line(result)
    assert not (tmp_path / "x.jpg").exists()


def test_delete_needs_a_path_or_an_id(cli: Cli) -> None:
    result = cli("images", "delete", "road-scenes")
    assert result.exit_code == 2
