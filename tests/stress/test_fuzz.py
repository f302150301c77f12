"""Fuzz: mutated real-looking files through every format reader, and arbitrary shorthand through the annotation
input rules.

Readers: each example copies a format's golden files (tests/formats/golden), mutates one of them (truncated,
a value swapped for a wrong type, a huge number, NaN, deep nesting, bytes that are not UTF-8, random bytes
spliced in) and converts the folder to Pictograph JSON. The outcome must be a written result or a
``FormatError``/``ValidationError``, never another exception, never a hang (an alarm stops the example after
10 s), and never a partial output (a failed conversion leaves nothing at the destination).

Annotations: arbitrary dicts and helper arguments through ``pictograph._canonical.normalize_annotations`` and
``client.annotations.create_*``: a canonical list or a ``ValidationError``, and a canonical result normalizes to
itself again. schemathesis over the whole spec runs in tests/server (test_schemathesis.py, test_stateful.py).
"""

from __future__ import annotations

import json
import math
import shutil
import signal
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import pictograph.annotations as helpers
from pictograph._canonical import normalize_annotations
from pictograph.errors import ValidationError
from pictograph.formats import FORMATS, FormatError, convert

from .conftest import Figures

GOLDEN = Path(__file__).resolve().parents[1] / "formats" / "golden"
YOLO_SIZES = {"voiture_é": (640, 480), "empty": (10, 10), "bad_class": (100, 100)}
FAST_EXAMPLES = 25
FULL_EXAMPLES = 400

OUTCOMES: dict[str, dict[str, int]] = {}
# Bugs these runs found, now fixed in pictograph/formats and kept as ordinary cases: deeply nested JSON
# (RecursionError), V7 huge integers (OverflowError), an unknown XML encoding in Pascal VOC and CVAT
# (LookupError) and a deeply nested YOLO data.yaml (RecursionError) all raise FormatError now.
FORMAT_PARAMS = list(FORMATS)
FULL_PARAMS = list(FORMATS)


class Hang(Exception):
    pass


@contextmanager
def alarm(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: FrameType | None) -> None:
        raise Hang(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _deep(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = [value] if depth % 2 else {"a": value}
    return value


HOSTILE_VALUES: list[Any] = [None, "", "x" * 1000, -1, 0, 10**40, 1e308, -1e308, True, [], {}, [[1, 2]],
                             "NaN", "../../etc/passwd", "/abs/name.jpg", _deep(400)]


def _json_paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out.extend(_json_paths(v, (*prefix, k)))
    elif isinstance(value, list):
        for i, v in enumerate(value[:20]):
            out.extend(_json_paths(v, (*prefix, i)))
    return out


def _set_path(root: Any, path: tuple[Any, ...], new: Any) -> Any:
    if not path:
        return new
    node = root
    for step in path[:-1]:
        node = node[step]
    node[path[-1]] = new
    return root


@st.composite
def mutation(draw: st.DrawFn, data: bytes) -> bytes:
    kind = draw(st.sampled_from(["truncate", "splice", "non-utf8", "json-value", "nan", "huge", "deep"]))
    if kind == "truncate":
        return data[: draw(st.integers(0, max(0, len(data) - 1)))]
    if kind == "splice":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(st.binary(min_size=1, max_size=40)) + data[at + draw(st.integers(0, 40)):]
    if kind == "non-utf8":
        at = draw(st.integers(0, len(data)))
        return data[:at] + b"\xff\xfe\xc3(\x80" + data[at:]
    if kind in ("nan", "huge", "deep"):
        text = data.decode("utf-8", errors="replace")
        digits = [i for i, ch in enumerate(text) if ch.isdigit()]
        if not digits:
            return data + b"NaN"
        at = draw(st.sampled_from(digits))
        inject = {"nan": "NaN", "huge": "1" + "0" * draw(st.integers(20, 400)),
                  "deep": "[" * 5000 + "1" + "]" * 5000}[kind]
        return (text[:at] + inject + text[at + 1:]).encode()
    # json-value: a wrong type, a huge number or deep nesting in place of one value of a JSON file.
    try:
        doc = json.loads(data)
    except ValueError:
        return data[::-1]
    path = draw(st.sampled_from(_json_paths(doc)))
    return json.dumps(_set_path(doc, path, draw(st.sampled_from(HOSTILE_VALUES)))).encode()


def fuzz_format(fmt: str, examples: int) -> None:
    seed_dir = GOLDEN / fmt
    files = sorted(p.relative_to(seed_dir) for p in seed_dir.rglob("*") if p.is_file())
    assert files, fmt
    counts = OUTCOMES.setdefault(fmt, {"examples": 0, "results": 0, "format_errors": 0, "validation_errors": 0})
    options = {"image_sizes": YOLO_SIZES} if fmt == "yolo" else {}

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def one(data: st.DataObject) -> None:
        rel = data.draw(st.sampled_from(files))
        original = (seed_dir / rel).read_bytes()
        mutated = data.draw(mutation(original))
        with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
            src = Path(tmp) / "src"
            shutil.copytree(seed_dir, src)
            (src / rel).write_bytes(mutated)
            dst = Path(tmp) / "out" / "converted"
            dst.parent.mkdir()
            counts["examples"] += 1
            try:
                with alarm(10):
                    convert(src, dst, from_format=fmt, to_format="pictograph", read_options=options)
            except FormatError:
                counts["format_errors"] += 1
                leftovers = sorted(p.name for p in dst.parent.iterdir())
                assert leftovers == [], f"{fmt}: a failed conversion left {leftovers}"
            except ValidationError:
                counts["validation_errors"] += 1
                assert sorted(dst.parent.iterdir()) == []
            else:
                counts["results"] += 1
                assert dst.exists()

    one()


@pytest.mark.parametrize("fmt", FORMAT_PARAMS)
def test_fuzz_format_reader_fast(fmt: str, figures: Figures) -> None:
    _fuzz_and_record(fmt, FAST_EXAMPLES, "fast", figures)


def _fuzz_and_record(fmt: str, examples: int, label: str, figures: Figures) -> None:
    """Run the fuzzer; record its figures either way (hypothesis stops at the first bad outcome, shrunk)."""
    run = f"{fmt} reader ({examples} mutated inputs, {label})"
    try:
        fuzz_format(fmt, examples)
    except BaseException as exc:
        counts = OUTCOMES.pop(fmt, {})
        figures.record("fuzz", run, **counts, other_exceptions=1, first_bad_outcome=type(exc).__name__)
        raise
    figures.record("fuzz", run, **OUTCOMES.pop(fmt), other_exceptions=0, hangs=0, partial_outputs=0)


@pytest.mark.stress
@pytest.mark.parametrize("fmt", FULL_PARAMS)
def test_fuzz_format_reader_full(fmt: str, figures: Figures) -> None:
    _fuzz_and_record(fmt, FULL_EXAMPLES, "full", figures)


# ---------------------------------------------------------------------------------------------- annotations
numbers = st.one_of(st.integers(-(10**30), 10**30), st.floats(allow_nan=True, allow_infinity=True),
                    st.sampled_from([0, 1, -1, 1e308, math.nan, 2**63, True]))
scalars = st.one_of(st.none(), numbers, st.text(max_size=8), st.binary(max_size=4))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=5),
                                                       st.dictionaries(st.text(max_size=6), inner, max_size=4)),
                      max_leaves=20)
points = st.lists(st.one_of(st.lists(numbers, min_size=2, max_size=2),
                            st.fixed_dictionaries({"x": numbers, "y": numbers}), values), max_size=6)
KEYS = ["id", "name", "type", "bbox", "bounding_box", "polygon", "polyline", "keypoint", "points", "path",
        "confidence", "metadata", "attributes", "oriented_box", "holes", "paths", "x", "y", "w", "h", "extra"]
shorthand = st.dictionaries(st.sampled_from(KEYS), st.one_of(values, points, st.sampled_from(
    ["bbox", "polygon", "polyline", "keypoint", "car", ""])), max_size=7)

ANN_COUNTS = {"examples": 0, "results": 0, "validation_errors": 0}

# Well-formed shorthand (docs/wire-protocol.md §4.5) of every type, and the defects that must make it invalid (§4.4).
finite = st.one_of(st.integers(-(10**6), 10**6), st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False))
positive = st.one_of(st.integers(1, 10**6), st.floats(1e-3, 1e6))
point = st.lists(finite, min_size=2, max_size=2)
common = {"name": st.sampled_from(["car", "road", "lane", "left_wrist", "é"]),
          "confidence": st.floats(0, 1), "metadata": st.dictionaries(st.text(max_size=4), st.integers(), max_size=2)}
valid_shorthand = st.one_of(
    st.fixed_dictionaries({"type": st.just("bbox"), "bbox": st.lists(finite, min_size=2, max_size=2).flatmap(
        lambda xy: st.lists(positive, min_size=2, max_size=2).map(lambda wh: xy + wh))}, optional=common),
    st.fixed_dictionaries({"type": st.just("polygon"), "polygon": st.lists(point, min_size=3, max_size=8)},
                          optional=common),
    st.fixed_dictionaries({"type": st.just("polyline"), "polyline": st.lists(point, min_size=2, max_size=8)},
                          optional=common),
    st.fixed_dictionaries({"type": st.just("keypoint"), "keypoint": point}, optional=common),
).map(lambda d: {"name": "car", **d})
SPOILERS = ["drop geometry", "unknown key", "blank name", "bad confidence", "nan coordinate", "both spellings"]


def _spoil(item: dict[str, Any], how: str) -> None:
    geometry = {"bbox": "bbox", "polygon": "polygon", "polyline": "polyline", "keypoint": "keypoint"}[item["type"]]
    if how == "drop geometry":
        del item[geometry]
    elif how == "unknown key":
        item["colour"] = "red"
    elif how == "blank name":
        item["name"] = "  "
    elif how == "bad confidence":
        item["confidence"] = 1.5
    elif how == "nan coordinate":
        value = item[geometry]
        if item["type"] in ("bbox", "keypoint"):
            item[geometry] = [math.nan, *value[1:]]
        else:
            item[geometry] = [[math.nan, value[0][1]], *value[1:]]
    else:
        item["attributes"] = {}
        item["metadata"] = {}


def _check_normalize(items: Any) -> None:
    ANN_COUNTS["examples"] += 1
    try:
        canonical = normalize_annotations(items)
    except ValidationError:
        ANN_COUNTS["validation_errors"] += 1
        return
    ANN_COUNTS["results"] += 1
    assert isinstance(canonical, list)
    assert normalize_annotations(canonical) == canonical, "a canonical list must normalize to itself"
    json.dumps(canonical, allow_nan=False)  # what the SDK would send is plain JSON


def _annotation_fuzz(examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.lists(shorthand, max_size=4), values))
    def shorthand_inputs(items: Any) -> None:
        _check_normalize(items)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(helper=st.sampled_from(["create_bbox", "create_polygon", "create_polyline", "create_keypoint"]),
           ident=st.one_of(st.none(), st.text(max_size=5), numbers), name=st.one_of(st.text(max_size=5), numbers),
           geometry=st.one_of(points, values, st.lists(numbers, max_size=5)), confidence=numbers,
           metadata=st.one_of(st.none(), values))
    def helper_inputs(helper: str, ident: Any, name: Any, geometry: Any, confidence: Any, metadata: Any) -> None:
        make = getattr(helpers, helper)
        ANN_COUNTS["examples"] += 1
        try:
            made = make(ident, name, geometry, confidence, metadata)
        except ValidationError:
            ANN_COUNTS["validation_errors"] += 1
            return
        ANN_COUNTS["results"] += 1
        ANN_COUNTS["examples"] -= 1
        _check_normalize([made])

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    @given(items=st.lists(valid_shorthand, max_size=5), spoil=st.sampled_from(SPOILERS))
    def near_valid_inputs(items: list[dict[str, Any]], spoil: str) -> None:
        # Well-formed shorthand must be accepted as it is; the same list with one defect must be refused.
        ANN_COUNTS["examples"] += 1
        canonical = normalize_annotations(items)
        ANN_COUNTS["results"] += 1
        assert len(canonical) == len(items)
        assert normalize_annotations(canonical) == canonical
        if not items:
            return
        broken = [dict(item) for item in items]
        _spoil(broken[-1], spoil)
        ANN_COUNTS["examples"] += 1
        with pytest.raises(ValidationError):
            normalize_annotations(broken)
        ANN_COUNTS["validation_errors"] += 1

    shorthand_inputs()
    helper_inputs()
    near_valid_inputs()


def test_fuzz_annotation_inputs_fast(figures: Figures) -> None:
    _annotation_fuzz(150)
    figures.record("fuzz", "annotation shorthand and create_* helpers (fast)", **ANN_COUNTS, other_exceptions=0)
    ANN_COUNTS.update(dict.fromkeys(ANN_COUNTS, 0))


@pytest.mark.stress
def test_fuzz_annotation_inputs_full(figures: Figures) -> None:
    _annotation_fuzz(3000)
    figures.record("fuzz", "annotation shorthand and create_* helpers (full)", **ANN_COUNTS, other_exceptions=0)
    ANN_COUNTS.update(dict.fromkeys(ANN_COUNTS, 0))
