"""Per-image formats stream: converting ten times more files does not need ten times the memory."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

from pictograph.formats import convert


def _labelme_folder(root: Path, files: int) -> Path:
    root.mkdir()
    shapes = [{"label": f"c{i % 5}", "shape_type": "polygon",
               "points": [[i % 90, 1], [i % 90 + 5, 1], [i % 90 + 5, 6], [i % 90, 6]]} for i in range(150)]
    text = json.dumps({"shapes": shapes, "imageWidth": 100, "imageHeight": 100, "imagePath": "x.jpg"})
    for n in range(files):
        (root / f"img_{n:04d}.json").write_text(text.replace('"x.jpg"', f'"img_{n:04d}.jpg"'))
    return root


def _peak(src: Path, dst: Path, to_format: str) -> int:
    tracemalloc.start()
    try:
        convert(src, dst, from_format="labelme", to_format=to_format)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_labelme_to_voc_memory_does_not_grow_with_the_number_of_files(tmp_path: Path) -> None:
    small = _peak(_labelme_folder(tmp_path / "s", 10), tmp_path / "so", "pascal_voc")
    large = _peak(_labelme_folder(tmp_path / "l", 80), tmp_path / "lo", "pascal_voc")
    assert len(list((tmp_path / "lo" / "Annotations").iterdir())) == 80
    assert large < 1.5 * small, (small, large)


def test_labelme_to_yolo_memory_does_not_grow_with_the_number_of_files(tmp_path: Path) -> None:
    small = _peak(_labelme_folder(tmp_path / "s", 10), tmp_path / "so", "yolo")
    large = _peak(_labelme_folder(tmp_path / "l", 80), tmp_path / "lo", "yolo")
    assert large < 1.5 * small, (small, large)
