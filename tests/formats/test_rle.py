"""COCO run-length masks: compressed counts, tracing masks into polygons with holes, rasterising polygons."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pictograph.formats._model import ring_area
from pictograph.formats._rle import decode_counts, encode_counts, mask_to_polygons, polygon_to_counts


def _mask(rows: list[str]) -> tuple[list[int], int, int]:
    """Column-major counts of a mask drawn as text rows ('#' = foreground)."""
    h, w = len(rows), len(rows[0])
    flat = [rows[y][x] == "#" for x in range(w) for y in range(h)]
    counts: list[int] = []
    cur, run = False, 0
    for v in flat:
        if v != cur:
            counts.append(run)
            cur, run = v, 0
        run += 1
    counts.append(run)
    return counts, h, w


def test_compressed_counts_known_values() -> None:
    assert decode_counts("04") == [0, 4]
    assert decode_counts("532N") == [5, 3, 2, 1]  # the 4th value is a delta from the 2nd (3 - 2 = 1)
    assert encode_counts([5, 3, 2, 1]) == "532N"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 100_000), max_size=30))
def test_compressed_counts_round_trip(counts: list[int]) -> None:
    assert decode_counts(encode_counts(counts)) == counts


def test_malformed_compressed_counts_raise() -> None:
    with pytest.raises(ValueError):
        decode_counts("0\x7f")
    with pytest.raises(ValueError):
        decode_counts("P")  # continuation bit set, then nothing


def test_square_with_a_hole_becomes_one_polygon_with_one_hole() -> None:
    counts, h, w = _mask(["#####",
                          "#...#",
                          "#...#",
                          "#####"])
    [group] = mask_to_polygons(counts, h, w)
    outline, hole = group
    assert sorted(zip(outline[0::2], outline[1::2], strict=True)) == [(0, 0), (0, 4), (5, 0), (5, 4)]
    assert sorted(zip(hole[0::2], hole[1::2], strict=True)) == [(1, 1), (1, 3), (4, 1), (4, 3)]


def test_separate_regions_and_an_island_in_a_hole() -> None:
    counts, h, w = _mask(["#######.##",
                          "#.....#.##",
                          "#.###.#...",
                          "#.....#...",
                          "#######..."])
    groups = mask_to_polygons(counts, h, w)
    assert sorted(len(g) for g in groups) == [1, 1, 2]
    areas = sorted(ring_area(g[0]) - sum(ring_area(r) for r in g[1:]) for g in groups)
    assert areas == [3, 4, 20]


def test_diagonal_touch_is_two_regions() -> None:
    counts, h, w = _mask(["#.", ".#"])
    assert len(mask_to_polygons(counts, h, w)) == 2


def test_rasterised_square_with_hole_keeps_the_hole() -> None:
    outline = (0, 0, 6, 0, 6, 6, 0, 6)
    hole = (2, 2, 4, 2, 4, 4, 2, 4)
    counts = polygon_to_counts([outline, hole], 8, 8)
    assert sum(counts) == 64 and sum(counts[1::2]) == 36 - 4
    [group] = mask_to_polygons(counts, 8, 8)
    assert [ring_area(r) for r in group] == [36, 4]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.booleans(), min_size=6, max_size=6), min_size=5, max_size=5))
def test_traced_polygons_rasterise_back_to_the_same_mask(bits: list[list[bool]]) -> None:
    rows = ["".join("#" if b else "." for b in row) for row in bits]
    counts, h, w = _mask(rows)
    union = [0] * (h * w)
    for group in mask_to_polygons(counts, h, w):
        back = polygon_to_counts(group, h, w)
        pos, fg = 0, False
        for run in back:
            if fg:
                for i in range(pos, pos + run):
                    union[i] += 1
            pos += run
            fg = not fg
    expected = [1 if rows[y][x] == "#" else 0 for x in range(w) for y in range(h)]
    assert union == expected


def test_coco_rle_option_keeps_holes_through_a_round_trip(tmp_path: object) -> None:
    from pathlib import Path

    from pictograph.formats import AnnotatedDataset, Annotation, ImageRecord, read, write

    out = Path(str(tmp_path)) / "c.json"
    ring, hole = (1, 1, 9, 1, 9, 7, 1, 7), (3, 3, 5, 3, 5, 5, 3, 5)
    ds = AnnotatedDataset([ImageRecord("a.jpg", 12, 10, (Annotation.polygon("lake", [ring, hole]),))])
    report = write(ds, out, "coco", coco_holes="rle")
    assert report.count("lossy") == 0 and report.count("normalized") == 1
    [image] = list(read(out, "coco").images)
    [lake] = image.annotations
    assert [sorted(zip(r[0::2], r[1::2], strict=True)) for r in lake.paths] == [
        sorted(zip(ring[0::2], ring[1::2], strict=True)), sorted(zip(hole[0::2], hole[1::2], strict=True))]
    default = write(ds, Path(str(tmp_path)) / "d.json", "coco")
    assert [i.reason for i in default.lossy] == ["1 polygon hole(s) dropped (COCO polygons have no holes)"]
