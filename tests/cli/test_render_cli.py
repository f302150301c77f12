"""``pictograph render``: local files, a dataset image, a contact sheet."""

from __future__ import annotations

import json
from pathlib import Path

from PIL import Image

from .conftest import Cli, error_of, one_line


def test_render_local_image_and_annotation_file(cli: Cli, tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    Image.new("RGB", (64, 48), (255, 255, 255)).save(image)
    ann = tmp_path / "a.png.json"
    ann.write_text(json.dumps([{"name": "car", "type": "bbox", "bbox": [4, 4, 20, 20]}]))
    out = tmp_path / "preview.png"
    result = cli.json("render", str(image), str(ann), "-o", str(out), "--no-labels", "--line-width", "1")
    assert result["width"] == 64 and Path(result["path"]) == out
    assert Image.open(out).getpixel((4, 4)) != (255, 255, 255)


def test_render_a_dataset_image(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "scene.png"
    result = cli.json("render", "--dataset", "road-scenes", "train/images/scene_000.jpg", "-o", str(out))
    assert (result["width"], result["height"]) == (320, 240)
    assert Image.open(out).format == "PNG"


def test_render_contact_sheet(cli: Cli, tmp_path: Path) -> None:
    out = tmp_path / "sheet.png"
    result = cli.json("render", "--dataset", "people-poses", "--sheet", "4", "--columns", "2", "--tile", "50",
                      "-o", str(out))
    assert (result["width"], result["height"]) == (100, 2 * (50 + 16))


def test_render_bad_annotation_file_is_exit_14(cli: Cli, tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    Image.new("RGB", (8, 8)).save(image)
    ann = tmp_path / "a.png.json"
    ann.write_text("{not json")
    result = cli("render", str(image), str(ann), "-o", str(tmp_path / "x.png"), "--format", "pictograph",
                 "--json")
    assert result.exit_code == 14
    assert error_of(result)["kind"] == "bad_file"
    assert not (tmp_path / "x.png").exists()


def test_render_missing_image_is_exit_15(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", str(tmp_path / "nope.png"), "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 15
    one_line(result)


def test_render_unknown_dataset_image_is_exit_6(cli: Cli, tmp_path: Path) -> None:
    result = cli("render", "--dataset", "road-scenes", "train/images/nope.jpg", "-o", str(tmp_path / "x.png"))
    assert result.exit_code == 6
    one_line(result)


def test_render_sheet_without_dataset_is_a_usage_error(cli: Cli, tmp_path: Path) -> None:
    assert cli("render", "--sheet", "4", "-o", str(tmp_path / "x.png")).exit_code == 2
