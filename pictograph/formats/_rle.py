"""COCO run-length masks, in pure Python (no numpy needed).

* :func:`decode_counts` reads the compressed string form of ``counts`` (COCO's 5-bit variable-length,
  delta-coded encoding) into a list of run lengths.
* :func:`mask_to_polygons` traces a column-major RLE mask into exact pixel-boundary polygons: one
  ``(outline, holes…)`` group per connected region (4-connectivity), working on runs, never on single pixels.
* :func:`polygon_to_counts` rasterises a polygon with holes (even-odd rule, pixel centres) into uncompressed
  column-major counts, the form ``coco_holes="rle"`` writes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from pictograph.formats._model import point_in_ring, signed_ring_area

__all__ = ["decode_counts", "encode_counts", "mask_to_polygons", "polygon_to_counts"]

Ring = tuple[float, ...]


def decode_counts(text: str) -> list[int]:
    """Run lengths from COCO's compressed ``counts`` string; ValueError on malformed input."""
    counts: list[int] = []
    pos = 0
    n = len(text)
    while pos < n:
        value = 0
        shift = 0
        more = True
        while more:
            if pos >= n:
                raise ValueError("compressed RLE counts end in the middle of a number")
            c = ord(text[pos]) - 48
            if not 0 <= c < 64:
                raise ValueError(f"invalid character {text[pos]!r} in compressed RLE counts")
            value |= (c & 0x1F) << shift
            more = bool(c & 0x20)
            pos += 1
            shift += 5
            if not more and c & 0x10:
                value |= -1 << shift
        if len(counts) > 2:
            value += counts[-2]
        counts.append(value)
    return counts


def _columns(counts: Sequence[int], height: int, width: int) -> list[list[tuple[int, int]]]:
    """Foreground ``[y0, y1)`` intervals per column from column-major run lengths."""
    cols: list[list[tuple[int, int]]] = [[] for _ in range(width)]
    total = height * width
    index = 0
    fg = False
    for run in counts:
        if run < 0:
            raise ValueError("negative run length")
        end = index + run
        if end > total:
            raise ValueError("runs cover more pixels than the mask holds")
        if fg:
            i = index
            while i < end:
                x, y = divmod(i, height)
                stop = min(end, (x + 1) * height)
                cols[x].append((y, stop - x * height))
                i = stop
        index = end
        fg = not fg
    return cols


def _minus(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Intervals of ``a`` not covered by ``b`` (both sorted and disjoint)."""
    out: list[tuple[int, int]] = []
    j = 0
    for lo, hi in a:
        cur = lo
        while j < len(b) and b[j][1] <= cur:
            j += 1
        k = j
        while k < len(b) and b[k][0] < hi:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < hi:
            out.append((cur, hi))
    return out


def mask_to_polygons(counts: Sequence[int], height: int, width: int) -> list[list[Ring]]:
    """Exact pixel-boundary polygons of an RLE mask: ``[[outline, hole, …], …]`` per region.

    Boundary edges are oriented with the foreground on their right (y down), so outlines have positive and
    holes negative shoelace area; edges are chained into rings, then every hole joins the smallest outline
    that contains one of its foreground neighbours.
    """
    cols = _columns(counts, height, width)
    out_edges: dict[tuple[int, int], list[tuple[int, int]]] = {}

    def edge(a: tuple[int, int], b: tuple[int, int]) -> None:
        out_edges.setdefault(a, []).append(b)

    empty: list[tuple[int, int]] = []
    for x, col in enumerate(cols):
        for y0, y1 in col:
            edge((x, y0), (x + 1, y0))  # top, left to right
            edge((x + 1, y1), (x, y1))  # bottom, right to left
        for a, b in _minus(col, cols[x - 1] if x > 0 else empty):
            edge((x, b), (x, a))  # left side, upwards
        for a, b in _minus(col, cols[x + 1] if x + 1 < width else empty):
            edge((x + 1, a), (x + 1, b))  # right side, downwards
    rings: list[Ring] = []
    while out_edges:
        start = next(iter(out_edges))
        path = [start]
        prev = start
        cur = _take(out_edges, start, None)
        while cur != start:
            path.append(cur)
            nxt = _take(out_edges, cur, (cur[0] - prev[0], cur[1] - prev[1]))
            prev, cur = cur, nxt
        rings.append(_simplify(path))
    outers = [r for r in rings if signed_ring_area(r) > 0]
    holes = [r for r in rings if signed_ring_area(r) < 0]
    groups: list[list[Ring]] = [[r] for r in outers]
    areas = [signed_ring_area(r) for r in outers]
    for hole in holes:
        # Centre of the foreground pixel to the right of the hole's first edge.
        ax, ay, bx, by = hole[0], hole[1], hole[2], hole[3]
        dx = (bx > ax) - (bx < ax)
        dy = (by > ay) - (by < ay)
        px = ax + dx * 0.5 - dy * 0.5
        py = ay + dy * 0.5 + dx * 0.5
        best = None
        for i, outer in enumerate(outers):
            if point_in_ring(px, py, outer) and (best is None or areas[i] < areas[best]):
                best = i
        if best is not None:
            groups[best].append(hole)
    return groups


def _take(out_edges: dict[tuple[int, int], list[tuple[int, int]]], at: tuple[int, int],
          heading: tuple[int, int] | None) -> tuple[int, int]:
    """Pop the next edge from ``at``; where two regions touch at a corner, turn right (keeps 4-connectivity)."""
    options = out_edges[at]
    choice = 0
    if heading is not None and len(options) > 1:
        hx = (heading[0] > 0) - (heading[0] < 0)
        hy = (heading[1] > 0) - (heading[1] < 0)
        right = (-hy, hx)
        for i, (bx, by) in enumerate(options):
            d = ((bx > at[0]) - (bx < at[0]), (by > at[1]) - (by < at[1]))
            if d == right:
                choice = i
                break
    nxt = options.pop(choice)
    if not options:
        del out_edges[at]
    return nxt


def _simplify(path: list[tuple[int, int]]) -> Ring:
    """Drop vertices in the middle of straight runs; flatten to ``x0, y0, x1, y1, …``."""
    n = len(path)
    flat: list[float] = []
    for i in range(n):
        ax, ay = path[i - 1]
        bx, by = path[i]
        cx, cy = path[(i + 1) % n]
        if (bx - ax) * (cy - by) - (by - ay) * (cx - bx) != 0:
            flat += (bx, by)
    return tuple(flat)


def polygon_to_counts(rings: Sequence[Sequence[float]], height: int, width: int) -> list[int]:
    """Column-major uncompressed RLE counts of a polygon with holes: a pixel is foreground when its centre is
    inside by the even-odd rule (so holes stay holes)."""
    edges: list[tuple[float, float, float, float]] = []
    for ring in rings:
        n = len(ring) // 2
        for i in range(n):
            j = (i + 1) % n
            x0, y0, x1, y1 = ring[2 * i], ring[2 * i + 1], ring[2 * j], ring[2 * j + 1]
            if x0 != x1:
                edges.append((x0, y0, x1, y1))
    intervals: list[tuple[int, int]] = []
    for x in range(width):
        cx = x + 0.5
        ys = sorted(y0 + (cx - x0) * (y1 - y0) / (x1 - x0) for x0, y0, x1, y1 in edges
                    if (x0 <= cx) != (x1 <= cx))
        for i in range(0, len(ys) - 1, 2):
            first = max(0, min(height, math.ceil(ys[i] - 0.5)))
            stop = max(0, min(height, math.ceil(ys[i + 1] - 0.5)))
            if stop > first:
                intervals.append((x * height + first, x * height + stop))
    counts: list[int] = []
    pos = 0
    for a, b in intervals:
        if counts and a == pos:
            counts[-1] += b - a
        else:
            counts += (a - pos, b - a)
        pos = b
    counts.append(height * width - pos)
    return counts


def encode_counts(counts: Sequence[int]) -> str:
    """COCO's compressed ``counts`` string for run lengths (inverse of :func:`decode_counts`)."""
    out: list[str] = []
    for i, run in enumerate(counts):
        x = run - counts[i - 2] if i > 2 else run
        more = True
        while more:
            c = x & 0x1F
            x >>= 5
            more = x != -1 if c & 0x10 else x != 0
            if more:
                c |= 0x20
            out.append(chr(c + 48))
    return "".join(out)
