"""Benchmark: COCO → YOLO and COCO → Pascal VOC with pictograph.formats, globox and datumaro.

Generates a COCO file of 5,000 images and 100,000 annotations (half boxes, half 20-point polygons), then runs
each conversion in a fresh process per tool and run, measuring whole-process wall time (median of the runs)
and peak RSS (``ru_maxrss`` of the child from ``wait4``).  globox and datumaro run from the benchmark's own
environment ``bench/.env/`` (made by ``bench/formats_env.sh``); a tool that is not installed there is reported
and skipped, ours is always measured.

Usage::

    bash bench/formats_env.sh && .venv/bin/python bench/bench_formats.py [--runs 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
ENV_PYTHON = HERE / ".env" / "bin" / "python"
ENV_GLOBOX = HERE / ".env" / "bin" / "globox"

OURS = """
import sys
from pictograph.formats import convert
convert(sys.argv[1], sys.argv[2], from_format="coco", to_format=sys.argv[3])
"""
DATUMARO = """
import sys
import datumaro as dm
fmt = {"yolo": "yolo", "pascal_voc": "voc_detection"}[sys.argv[3]]
dm.Dataset.import_from(sys.argv[1], "coco_instances").export(sys.argv[2], fmt, save_media=False)
"""


def generate(path: Path, images: int, annotations: int, seed: int = 7) -> None:
    """A deterministic COCO instances file: alternately a box and a 20-point polygon per annotation."""
    rnd = random.Random(seed)
    imgs = [{"id": i + 1, "file_name": f"img_{i:05d}.jpg", "width": 1280, "height": 720} for i in range(images)]
    cats = [{"id": i + 1, "name": f"class_{i}", "supercategory": "object"} for i in range(20)]
    anns: list[dict[str, Any]] = []
    for k in range(annotations):
        w, h = rnd.uniform(8, 300), rnd.uniform(8, 200)
        x, y = rnd.uniform(0, 1280 - w), rnd.uniform(0, 720 - h)
        ann: dict[str, Any] = {"id": k + 1, "image_id": k * images // annotations + 1,
                               "category_id": rnd.randrange(20) + 1, "iscrowd": 0}
        if k % 2 == 0:
            ann.update(bbox=[round(x, 2), round(y, 2), round(w, 2), round(h, 2)], area=round(w * h, 2),
                       segmentation=[])
        else:
            ring: list[float] = []
            for j in range(20):
                t = 2 * math.pi * j / 20
                r = rnd.uniform(0.6, 1.0)
                ring += [round(x + w / 2 + r * w / 2 * math.cos(t), 2), round(y + h / 2 + r * h / 2 * math.sin(t), 2)]
            xs, ys = ring[0::2], ring[1::2]
            ann.update(segmentation=[ring], bbox=[min(xs), min(ys), round(max(xs) - min(xs), 2),
                                                  round(max(ys) - min(ys), 2)], area=round(w * h * 0.6, 2))
        anns.append(ann)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"info": {"description": "pictograph bench"}, "images": imgs, "annotations": anns,
                   "categories": cats}, f)


def run(cmd: list[str], out: Path) -> tuple[float, int, str]:
    """Wall seconds, peak RSS in KiB and stderr tail of one fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err.decode(errors='replace')[-800:]}")
    return wall, int(usage.ru_maxrss), err.decode(errors="replace")[-200:]


def count_outputs(out: Path, target: str) -> int:
    """How many boxes the tool wrote (a sanity check that every tool converted everything)."""
    if target == "yolo":
        return sum(1 for p in out.rglob("*.txt") if p.name not in ("train.txt", "classes.txt")
                   for line in p.read_text().splitlines() if len(line.split()) == 5)
    return sum(p.read_text(errors="replace").count("<bndbox>") - p.read_text(errors="replace").count("<part>")
               for p in out.rglob("*.xml"))


def available(module: str) -> bool:
    if not ENV_PYTHON.exists():
        return False
    probe = subprocess.run([str(ENV_PYTHON), "-c", f"import {module}"], capture_output=True)
    return probe.returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "formats")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args()

    src_root = args.work / "coco"
    src = src_root / "annotations" / "instances_default.json"
    (src_root / "images" / "default").mkdir(parents=True, exist_ok=True)  # datumaro's expected layout
    if not src.exists():
        print(f"generating {args.images} images / {args.annotations} annotations -> {src}")
        generate(src, args.images, args.annotations)
    print(f"source: {src} ({src.stat().st_size / 1e6:.1f} MB)")

    tools: dict[str, Any] = {
        "pictograph": lambda target, out: [sys.executable, "-c", OURS, str(src), str(out), target],
    }
    if ENV_GLOBOX.exists() and available("globox"):
        fmt = {"yolo": "yolo-darknet", "pascal_voc": "pascalvoc"}
        tools["globox"] = lambda target, out: [str(ENV_GLOBOX), "--quiet", "convert", "-f", "coco",
                                               "-F", fmt[target], str(src), str(out)]
    else:
        print("globox is not installed in bench/.env (run bench/formats_env.sh): measuring without it")
    if available("datumaro"):
        tools["datumaro"] = lambda target, out: [str(ENV_PYTHON), "-c", DATUMARO, str(src_root), str(out), target]
    else:
        print("datumaro is not installed in bench/.env (run bench/formats_env.sh): measuring without it")

    # Runs are interleaved (tool A, B, C, then A, B, C again …) so that a change in machine load during the
    # benchmark weighs on every tool alike.
    results: list[dict[str, Any]] = []
    for target in ("yolo", "pascal_voc"):
        walls: dict[str, list[float]] = {name: [] for name in tools}
        rss: dict[str, list[int]] = {name: [] for name in tools}
        failed: set[str] = set()
        for _ in range(args.runs):
            for name, make in tools.items():
                if name in failed:
                    continue
                out = args.work / f"out_{name}_{target}"
                try:
                    wall, peak, _ = run(make(target, out), out)
                except RuntimeError as exc:
                    print(f"{name} {target}: FAILED: {exc}")
                    failed.add(name)
                    continue
                walls[name].append(wall)
                rss[name].append(peak)
        for name in tools:
            if name in failed or not walls[name]:
                continue
            boxes = count_outputs(args.work / f"out_{name}_{target}", target)
            results.append({"tool": name, "target": target, "median_s": statistics.median(walls[name]),
                            "min_s": min(walls[name]), "runs_s": walls[name],
                            "peak_rss_mib": max(rss[name]) / 1024, "boxes_written": boxes})

    print()
    print(f"{'conversion':<18}{'tool':<12}{'median s':>10}{'min s':>8}{'peak RSS MiB':>14}{'boxes':>9}"
          f"{'time vs ours':>14}{'RSS vs ours':>13}")
    for target in ("yolo", "pascal_voc"):
        ours = next((r for r in results if r["tool"] == "pictograph" and r["target"] == target), None)
        for r in (r for r in results if r["target"] == target):
            t_ratio = r["median_s"] / ours["median_s"] if ours else float("nan")
            m_ratio = r["peak_rss_mib"] / ours["peak_rss_mib"] if ours else float("nan")
            r["time_ratio_vs_ours"], r["rss_ratio_vs_ours"] = t_ratio, m_ratio
            print(f"{'coco->' + target:<18}{r['tool']:<12}{r['median_s']:>10.2f}{r['min_s']:>8.2f}"
                  f"{r['peak_rss_mib']:>14.0f}"
                  f"{r['boxes_written']:>9}{t_ratio:>13.2f}x{m_ratio:>12.2f}x")
    for target in ("yolo", "pascal_voc"):
        ours = next((r for r in results if r["tool"] == "pictograph" and r["target"] == target), None)
        others = [r for r in results if r["target"] == target and r["tool"] != "pictograph"]
        if ours and others:
            fastest = min(others, key=lambda r: r["median_s"])
            verdict = "meets" if fastest["median_s"] >= 3 * ours["median_s"] and all(
                ours["peak_rss_mib"] <= r["peak_rss_mib"] for r in others) else "misses"
            print(f"coco->{target}: {fastest['median_s'] / ours['median_s']:.2f}x faster than the faster other "
                  f"tool ({fastest['tool']}); target 3x with peak RSS no higher: {verdict}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
