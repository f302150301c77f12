"""pictograph.ray without Ray loaded: importing it loads no Ray, and a missing extra is the one-line install hint."""

from __future__ import annotations

import subprocess
import sys


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_importing_pictograph_ray_imports_no_ray() -> None:
    out = _run("import sys, pictograph, pictograph.ray; dir(pictograph.ray); "
               "print(sorted(m for m in sys.modules if m.split('.')[0] in ('ray', 'pyarrow')))")
    assert out == "[]"


def test_without_the_extra_each_entry_point_says_what_to_install() -> None:
    code = """
import sys
sys.modules["ray"] = None  # as if the extra were not installed
from pictograph.ray import read_images, write_annotations
for call in (lambda: read_images("road-scenes"), lambda: write_annotations(None, "road-scenes")):
    try:
        call()
    except ModuleNotFoundError as exc:
        print(exc)
"""
    lines = _run(code).splitlines()
    assert lines == ["pictograph.ray needs Ray Data: pip install 'pictograph[ray]' (missing: ray.data)"] * 2
