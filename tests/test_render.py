"""``pictograph.render``: checked on pixels."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

import pictograph.render as previews
from pictograph.formats import Annotation

WHITE = (255, 255, 255)
RED = (255, 0, 0)
COLORS = {"car": "#ff0000", "road": "#0000ff", "lane": "#00ff00", "head": "#ff00ff"}


def _pixels(im: Image.Image) -> list[tuple[int, ...]]:
    return [im.getpixel((x, y)) for y in range(im.height) for x in range(im.width)]  # type: ignore[misc]


def _blank(w: int = 100, h: int = 80) -> Image.Image:
    return Image.new("RGB", (w, h), WHITE)


def test_a_box_colours_its_outline_and_nothing_else() -> None:
    out = previews.render(_blank(), [{"name": "car", "type": "bbox", "bbox": [20, 10, 40, 30]}], colors=COLORS,
                          line_width=1, labels=False)
    # the outline: x 20..59, y 10..39
    for x in (20, 40, 59):
        assert out.getpixel((x, 10)) == RED and out.getpixel((x, 39)) == RED
    for y in (10, 25, 39):
        assert out.getpixel((20, y)) == RED and out.getpixel((59, y)) == RED
    # inside and outside stay white
    for point in ((40, 25), (21, 11), (19, 25), (60, 25), (40, 9), (40, 40), (0, 0), (99, 79)):
        assert out.getpixel(point) == WHITE, point
    red = sum(1 for px in _pixels(out) if px == RED)
    assert red == 2 * 40 + 2 * 28  # the perimeter of a 40x30 box, each pixel once


def test_a_polygon_hole_stays_unfilled() -> None:
    outer = [[10, 10], [90, 10], [90, 70], [10, 70]]
    hole = [[40, 30], [60, 30], [60, 50], [40, 50]]
    out = previews.render(_blank(), [{"name": "road", "type": "polygon", "polygon": [outer, hole]}],
                          colors=COLORS, line_width=1, labels=False, fill_opacity=0.5)
    filled = out.getpixel((20, 20))
    assert isinstance(filled, tuple)
    assert filled != WHITE and filled[2] > filled[0]         # blue tint between the rings
    assert out.getpixel((50, 40)) == WHITE                    # the hole's middle is untouched
    assert out.getpixel((95, 75)) == WHITE                    # outside too
    assert out.getpixel((40, 40)) == (0, 0, 255)              # the hole's edge is drawn


def test_polylines_and_keypoints_are_drawn_in_their_class_colour() -> None:
    anns = [
        Annotation.polyline("lane", [5, 40, 95, 40]),
        Annotation.keypoint("head", 50, 10, instance_id=1),
    ]
    out = previews.render(_blank(), anns, colors=COLORS, line_width=1, labels=False)
    assert out.getpixel((30, 40)) == (0, 255, 0)
    assert out.getpixel((50, 10)) == (255, 0, 255)
    assert out.getpixel((30, 60)) == WHITE


def test_a_rotated_box_is_drawn_rotated() -> None:
    box = Annotation.rotated_bbox("car", 50, 40, 40, 10, 90)
    out = previews.render(_blank(), [box], colors=COLORS, line_width=1, labels=False)
    assert out.getpixel((45, 22)) == RED or out.getpixel((45, 21)) == RED   # top edge of the upright box
    assert out.getpixel((30, 40)) == WHITE                                  # where the unrotated edge was


def test_labels_write_class_names_in_the_class_colour() -> None:
    plain = previews.render(_blank(200, 100), [{"name": "car", "type": "bbox", "bbox": [20, 40, 100, 40]}],
                            colors=COLORS, labels=False)
    labelled = previews.render(_blank(200, 100), [{"name": "car", "type": "bbox", "bbox": [20, 40, 100, 40]}],
                               colors=COLORS, labels=True)
    region = (20, 20, 80, 40)
    assert _pixels(plain.crop(region)) != _pixels(labelled.crop(region))
    assert RED in set(_pixels(labelled.crop(region)))


def test_class_colours_come_from_the_dataset_classes() -> None:
    classes = [{"name": "car", "color": "#00ff00"}]
    out = previews.render(_blank(), [{"name": "car", "type": "bbox", "bbox": [10, 10, 20, 20]}],
                          classes=classes, line_width=1, labels=False)
    assert out.getpixel((10, 10)) == (0, 255, 0)


def test_classes_without_a_colour_get_a_stable_one() -> None:
    assert previews._class_color("anything") == previews._class_color("anything")
    assert previews._class_color("car", {"car": "#010203"}) == (1, 2, 3)


def test_local_files_in_any_format_and_atomic_png(tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    _blank().save(image)
    coco = {"images": [{"id": 1, "file_name": "a.png", "width": 100, "height": 80},
                       {"id": 2, "file_name": "b.png", "width": 100, "height": 80}],
            "categories": [{"id": 1, "name": "car"}],
            "annotations": [{"id": 1, "image_id": 1, "category_id": 1, "bbox": [20, 10, 40, 30], "area": 1,
                             "iscrowd": 0},
                            {"id": 2, "image_id": 2, "category_id": 1, "bbox": [0, 0, 5, 5], "area": 1,
                             "iscrowd": 0}]}
    ann = tmp_path / "coco.json"
    ann.write_text(json.dumps(coco))
    out = tmp_path / "previews" / "a.png"
    result = previews.render(image, ann, format="coco", colors=COLORS, line_width=1, labels=False, output=out)
    assert result.getpixel((20, 10)) == RED and result.getpixel((0, 0)) == WHITE   # b.png's box is not drawn
    assert Image.open(out).getpixel((20, 10)) == RED
    assert [p.name for p in out.parent.iterdir()] == ["a.png"]                     # no temporary file left


def test_the_module_is_callable_as_pictograph_render() -> None:
    import pictograph

    render: Any = pictograph.render   # the function once pictograph exports it, else the callable module
    out = render(_blank(), [], labels=False)
    assert out.size == (100, 80)
    assert hasattr(out, "_repr_png_")  # a notebook shows it inline


def test_server_image_and_contact_sheet(tmp_path: Path) -> None:
    pytest.importorskip("uvicorn")
    from pictograph.testing import MockServer

    with MockServer(seed="demo") as server, server.client() as client:
        if not hasattr(client.images, "download"):
            pytest.skip("images.download has not landed yet")
        one = previews.render("train/images/scene_000.jpg", client=client, dataset="road-scenes",
                              output=tmp_path / "one.png")
        assert one.size == (320, 240)
        sheet = previews.contact_sheet(client, "people-poses", count=6, columns=3, tile=64,
                                       output=tmp_path / "sheet.png")
        assert sheet.size == (3 * 64, 2 * (64 + 16))
        assert Image.open(tmp_path / "sheet.png").size == sheet.size


def test_contact_sheet_rejects_a_bad_count() -> None:
    with pytest.raises(ValueError):
        previews.contact_sheet(None, "x", count=0)
