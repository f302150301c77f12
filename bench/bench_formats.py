"""Benchmark: COCO → YOLO and COCO → Pascal VOC with pictograph.formats, globox and datumaro.

Generates a COCO file of 5,000 images and 100,000 annotations (half boxes, half 20-point polygons), then runs
each conversion in a fresh process per tool and run, measuring whole-process wall time (median of the runs),
its user and system CPU time, and peak RSS (``ru_maxrss`` of the child from ``wait4``).  globox and datumaro run
from the benchmark's own environment ``bench/.env/`` (made by ``bench/formats_env.sh``); a tool that is not
installed there is reported and skipped, ours is always measured.

Fairness details:

* Every tool first does one untimed warm-up conversion per target (file cache, and for ours the bytecode: the
  other tools were installed by pip, which compiles their ``.pyc`` files, while this checkout may run with
  ``PYTHONDONTWRITEBYTECODE`` set; ours therefore runs with ``PYTHONPYCACHEPREFIX`` pointing into the work
  folder so the warm-up leaves the compiled bytecode there, outside the source tree).
* Each timed run writes into a new output folder and the outputs are deleted only after all runs.  Deleting
  thousands of files right before a run made that run pay for it: ext4 without a journal skips recently
  deleted inodes one by one when it allocates new ones, which added up to 0.8 s of system time to whichever
  tool ran next.
* For the same reason the outputs go to a RAM disk when the machine has one with room (``/dev/shm``;
  ``--out-root`` names another folder): on this machine's ext4 (mounted with ``discard``) the system time of
  writing the same 5,000 files ranged from 0.05 s to 0.6 s depending on how many files other programs (an
  earlier benchmark, a test run) had just deleted, for every tool alike. The conversions' own work, reading
  the COCO file and making the files, is what is compared.

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
import tempfile
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


def _ram_disk() -> Path | None:
    """``/dev/shm`` when it exists with room for the outputs (a few hundred MB), else ``None``."""
    shm = Path("/dev/shm")
    try:
        return shm if shm.is_dir() and shutil.disk_usage(shm).free > 2 * 2**30 else None
    except OSError:
        return None


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


def run(cmd: list[str], out: Path, env: dict[str, str] | None = None) -> tuple[float, int, float, float]:
    """Wall seconds, peak RSS in KiB, user and system CPU seconds of one fresh process writing to ``out``
    (a folder that must not exist yet)."""
    if out.exists():
        raise RuntimeError(f"output folder {out} exists already")
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {err.decode(errors='replace')[-800:]}")
    return wall, int(usage.ru_maxrss), usage.ru_utime, usage.ru_stime


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


def measure(tools: dict[str, Any], envs: dict[str, dict[str, str] | None], target: str, runs: int,
            work: Path) -> list[dict[str, Any]]:
    """One untimed warm-up per tool, then ``runs`` interleaved timed runs, each into a new folder."""
    walls: dict[str, list[float]] = {name: [] for name in tools}
    rss: dict[str, list[int]] = {name: [] for name in tools}
    cpu: dict[str, list[tuple[float, float]]] = {name: [] for name in tools}
    failed: set[str] = set()
    last: dict[str, Path] = {}
    # Runs are interleaved (tool A, B, C, then A, B, C again …) so that a change in machine load during the
    # benchmark weighs on every tool alike; run 0 is the warm-up.
    for i in range(runs + 1):
        for name, make in tools.items():
            if name in failed:
                continue
            out = work / f"{name}_{target}_{i}"
            try:
                wall, peak, user, system = run(make(target, out), out, envs.get(name))
            except RuntimeError as exc:
                print(f"{name} {target}: FAILED: {exc}")
                failed.add(name)
                continue
            last[name] = out
            if i:
                walls[name].append(wall)
                rss[name].append(peak)
                cpu[name].append((user, system))
    results = []
    for name in tools:
        if name in failed or not walls[name]:
            continue
        results.append({"tool": name, "target": target, "median_s": statistics.median(walls[name]),
                        "min_s": min(walls[name]), "runs_s": walls[name],
                        "median_user_s": statistics.median(u for u, _ in cpu[name]),
                        "median_sys_s": statistics.median(s for _, s in cpu[name]),
                        "peak_rss_mib": max(rss[name]) / 1024, "boxes_written": count_outputs(last[name], target)})
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--images", type=int, default=5000)
    parser.add_argument("--annotations", type=int, default=100_000)
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "results" / "formats")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    parser.add_argument("--out-root", type=Path, default=None,
                        help="where the conversions write (default: a RAM disk when there is one, else --work)")
    args = parser.parse_args()
    out_root = args.out_root or _ram_disk() or args.work

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
    ours_env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    ours_env["PYTHONPYCACHEPREFIX"] = str(args.work / "pycache")
    envs: dict[str, dict[str, str] | None] = {"pictograph": ours_env}
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

    # Outputs of earlier invocations go first; those of this one stay until every run is done (see above).
    for old in args.work.glob("out_*"):
        shutil.rmtree(old, ignore_errors=True)
    runs = Path(tempfile.mkdtemp(prefix="pictograph-bench-formats-", dir=out_root))
    print(f"outputs written under {runs}")
    results: list[dict[str, Any]] = []
    try:
        for target in ("yolo", "pascal_voc"):
            results += measure(tools, envs, target, args.runs, runs)
    finally:
        shutil.rmtree(runs, ignore_errors=True)

    print()
    print(f"{'conversion':<18}{'tool':<12}{'median s':>10}{'min s':>8}{'user s':>8}{'sys s':>7}{'peak RSS MiB':>14}"
          f"{'boxes':>9}{'time vs ours':>14}{'RSS vs ours':>13}")
    for target in ("yolo", "pascal_voc"):
        ours = next((r for r in results if r["tool"] == "pictograph" and r["target"] == target), None)
        for r in (r for r in results if r["target"] == target):
            t_ratio = r["median_s"] / ours["median_s"] if ours else float("nan")
            m_ratio = r["peak_rss_mib"] / ours["peak_rss_mib"] if ours else float("nan")
            r["time_ratio_vs_ours"], r["rss_ratio_vs_ours"] = t_ratio, m_ratio
            print(f"{'coco->' + target:<18}{r['tool']:<12}{r['median_s']:>10.2f}{r['min_s']:>8.2f}"
                  f"{r['median_user_s']:>8.2f}{r['median_sys_s']:>7.2f}{r['peak_rss_mib']:>14.0f}"
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
