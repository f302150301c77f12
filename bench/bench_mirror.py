#!/usr/bin/env python3
"""``datasets.sync`` at 100,000 images on the local server (issue 18, "Tests and figures").

Setup: the ``bench:N`` seed (``BENCH_MIRROR_IMAGES``, default 100,000 tiny JPEGs in three folders sharing file
names, about two thirds of them annotated) is made once in a data folder (a RAM disk when there is one), then
the server runs in a process of its own (``python -m pictograph.testing``), with no added latency. On Linux
with 2 CPUs or more the server's threads are held to the first CPU and each measured client to the second, as
when the service runs on a machine of its own (see ``bench/bench_transfers.py``); the output says which.

Each measured sync is a child process, so its peak RSS (``VmHWM``) is that sync's alone. In one run:

* first sync, ``mode="images_only"``, into an empty folder (the measurement of record): wall time, files/s,
  client CPU, peak RSS, API requests (the report's count and the server's, ``GET /_admin/requests``);
* its no-change re-sync: wall time and API requests;
* a ``mode="full"`` sync of the same folder, which adds one annotation file per annotated image (the images are
  there already), and its no-change re-sync. ``BENCH_MIRROR_FULL_FROM_EMPTY=1`` makes it a first full sync into
  an empty folder instead (images and annotations: about two more minutes at 100,000 images);
* the cost of finding changed annotations, on the no-change re-sync of the full mirror: the default (what the
  images list says of each image: its annotation count, lowest confidence and status; no extra request) and
  ``refresh_annotations=True`` (every annotation file compared with the server's), as extra API requests, wall
  time and files rewritten per 10,000 images.

The no-change re-syncs run ``BENCH_MIRROR_RUNS`` times (default 3) and their medians are printed; the syncs that
write files run once (they take most of the run's minutes; ``BENCH_MIRROR_REFRESH_RUNS`` repeats the refresh).
The peak-RSS target is 150 MB: with ``BENCH_MIRROR_TRACE=1``, a sync that goes over it runs once more under
``tracemalloc`` (about ten times slower) and the largest allocation sites alive half way through its files are
printed. ``BENCH_MIRROR_IMAGES`` shrinks the dataset for a quick look. At 100,000 images the whole run took about
14 minutes on this project's 2-core machine (most of it the first syncs' per-image API requests).

Usage::

    .venv/bin/python bench/bench_mirror.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
N_IMAGES = int(os.environ.get("BENCH_MIRROR_IMAGES", "100000"))
RUNS = int(os.environ.get("BENCH_MIRROR_RUNS", "3"))
REFRESH_RUNS = int(os.environ.get("BENCH_MIRROR_REFRESH_RUNS", "1"))
TRACE = os.environ.get("BENCH_MIRROR_TRACE", "") not in ("", "0")
FULL_FROM_EMPTY = os.environ.get("BENCH_MIRROR_FULL_FROM_EMPTY", "") not in ("", "0")
WORKERS = 10
TARGET_RSS_MB = 150.0
DATASET = "bench"


# ---------------------------------------------------------------------------------------------- child runs
def _peak_rss_mb() -> float:
    """This process's peak RSS from ``VmHWM`` (``ru_maxrss`` may still hold the parent's peak before ``exec``)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024.0
    raise RuntimeError("no VmHWM in /proc/self/status")


def child(argv: list[str]) -> None:
    """One sync in this process; prints one JSON line with its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--mode", default="full")
    parser.add_argument("--refresh", action="store_true")
    parser.add_argument("--cpu", type=int, default=-1)
    parser.add_argument("--trace", action="store_true", help="run under tracemalloc; print the top sites")
    args = parser.parse_args(argv)
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    from pictograph import Client

    top: list[str] = []
    traced_peak_mb = 0.0
    progress = None
    if args.trace:
        import tracemalloc

        def snapshot_halfway(done: int, total: int, name: str) -> None:
            # Half way through the files every structure of the run is alive: what it holds then is the peak's.
            nonlocal traced_peak_mb
            if done != total // 2:
                return
            traced_peak_mb = tracemalloc.get_traced_memory()[0] / 2**20
            for stat in tracemalloc.take_snapshot().statistics("traceback")[:15]:
                frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in list(stat.traceback)[:3])
                top.append(f"{stat.size / 2**20:6.1f} MB in {stat.count:>7} blocks at {frames}")

        progress = snapshot_halfway
    with Client(api_key=args.key, base_url=args.url) as client:
        client.datasets  # noqa: B018  (built on first use: a one-off cost of the process, not of the sync)
        if args.trace:
            tracemalloc.start(3)
        cpu0, t0 = time.process_time(), time.perf_counter()
        report = client.datasets.sync(DATASET, args.out, mode=args.mode, max_workers=WORKERS,
                                      refresh_annotations=args.refresh, progress=progress)
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(json.dumps({
        "wall": wall, "cpu": cpu, "rss_mb": _peak_rss_mb(), "added": len(report.added),
        "updated": len(report.updated), "deleted": len(report.deleted), "unchanged": report.unchanged,
        "failures": [f"{f.filename}: {f.error}" for f in report.failures[:5]], "n_failures": len(report.failures),
        "api_requests": report.api_requests, "ok": report.ok, "top": top, "traced_peak_mb": traced_peak_mb,
    }))


def run_child(url: str, key: str, out: Path, mode: str, cpu: int, *, refresh: bool = False,
              trace: bool = False) -> dict[str, Any]:
    """One sync in a fresh child process, with the server's API request count around it."""
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--url", url, "--key", key,
               "--out", str(out), "--mode", mode, "--cpu", str(cpu)]
    command += ["--refresh"] if refresh else []
    command += ["--trace"] if trace else []
    httpx.post(f"{url}/_admin/requests", json={"reset": True}).raise_for_status()
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=HERE.parent)
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["server_api_requests"] = httpx.get(f"{url}/_admin/requests").json()["total"]
    print(f"  ({mode}{', refresh_annotations' if refresh else ''}{', traced' if trace else ''}: "
          f"{result['added'] + result['updated']} files written, {result['wall']:.2f} s, peak RSS "
          f"{result['rss_mb']:.1f} MB, {result['api_requests']} API requests)", file=sys.stderr, flush=True)
    if result["n_failures"]:
        raise SystemExit(f"the {mode} sync had {result['n_failures']} failures: {result['failures']}")
    return result


# ---------------------------------------------------------------------------------------------- main
def seed(data_dir: Path, count: int) -> int:
    """Make the ``bench:N`` dataset at ``data_dir``; how many of its images carry annotations."""
    from pictograph.testing import MockServer

    with MockServer(seed=f"bench:{count}", data_dir=data_dir) as server:
        return sum(1 for row in server.state.storage.all("SELECT annotations FROM images") if row["annotations"])


def measure(url: str, key: str, out: Path, mode: str, cpu: int, work: Path) -> dict[str, Any]:
    """A sync of ``mode`` into ``out`` (the files it adds are timed), then ``RUNS`` no-change re-syncs."""
    result = run_child(url, key, out, mode, cpu)
    files = result["added"]
    resyncs = [run_child(url, key, out, mode, cpu) for _ in range(RUNS)]
    for again in resyncs:
        if again["added"] or again["updated"] or again["deleted"]:
            raise SystemExit(f"a no-change {mode} re-sync changed files: {again}")
    row: dict[str, Any] = {
        "files": files, "wall_s": round(result["wall"], 2), "files_per_s": round(files / result["wall"]),
        "client_cpu_s": round(result["cpu"], 2), "peak_rss_mb": round(result["rss_mb"], 1),
        "api_requests": result["api_requests"], "server_api_requests": result["server_api_requests"],
        "resync_wall_s": round(_median(resyncs, "wall"), 2),
        "resync_client_cpu_s": round(_median(resyncs, "cpu"), 2),
        "resync_peak_rss_mb": round(_median(resyncs, "rss_mb"), 1),
        "resync_api_requests": int(_median(resyncs, "api_requests")),
        "resync_server_api_requests": int(_median(resyncs, "server_api_requests")),
    }
    if TRACE and result["rss_mb"] > TARGET_RSS_MB:  # where the memory goes: the same sync into a fresh folder
        traced = run_child(url, key, work / f"traced-{mode}", mode, cpu, trace=True)
        row["tracemalloc_peak_mb"] = round(traced["traced_peak_mb"], 1)
        row["tracemalloc_top_at_end"] = traced["top"]
    return row


def _median(results: list[dict[str, Any]], key: str) -> float:
    return float(statistics.median(r[key] for r in results))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_transfers import CPUS, place_server, server_folder, start_server

    work = Path(tempfile.mkdtemp(prefix="pictograph-bench-mirror-"))
    data_dir = server_folder(work)
    proc = None
    report: dict[str, Any] = {"images": N_IMAGES, "workers": WORKERS, "resync_runs": RUNS}
    try:
        t0 = time.perf_counter()
        annotated = seed(data_dir, N_IMAGES)
        report["annotated_images"] = annotated
        report["seed_s"] = round(time.perf_counter() - t0, 1)
        proc, url, key = start_server(data_dir)
        server_cpus, client_cpu = ({CPUS[0]}, CPUS[1]) if len(CPUS) >= 2 else (set(), -1)
        place_server(proc.pid, server_cpus)
        report["placement"] = (f"server on CPU {CPUS[0]}, client on CPU {CPUS[1]}" if client_cpu >= 0
                               else "server and client share the CPUs")

        mirror = work / "mirror"
        full_root = work / "mirror-full" if FULL_FROM_EMPTY else mirror
        report["images_only"] = measure(url, key, mirror, "images_only", client_cpu, work)
        report["full"] = measure(url, key, full_root, "full", client_cpu, work)
        report["full"]["from"] = "an empty folder" if FULL_FROM_EMPTY else "the images_only mirror above"
        refreshed = [run_child(url, key, full_root, "full", client_cpu, refresh=True) for _ in range(REFRESH_RUNS)]
        default_requests = report["full"]["resync_api_requests"]
        refresh_requests = int(_median(refreshed, "api_requests"))
        refresh_wall = _median(refreshed, "wall")
        report["annotation_strategies"] = {
            "from_images_list": {
                "resync_wall_s": report["full"]["resync_wall_s"], "api_requests": default_requests,
                "extra_requests_per_10k_images": 0.0,
            },
            "refresh_annotations": {
                "runs": REFRESH_RUNS, "resync_wall_s": round(refresh_wall, 2), "api_requests": refresh_requests,
                "server_api_requests": int(_median(refreshed, "server_api_requests")),
                "files_rewritten": int(_median(refreshed, "updated")),
                "extra_requests_per_10k_images": round((refresh_requests - default_requests) / N_IMAGES * 10_000, 1),
                "extra_wall_s_per_10k_images": round(
                    (refresh_wall - report["full"]["resync_wall_s"]) / N_IMAGES * 10_000, 2),
            },
        }
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        if data_dir != work / "server":
            shutil.rmtree(data_dir, ignore_errors=True)
    report["target_peak_rss_mb"] = TARGET_RSS_MB
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    _print(report)
    return 0


def _print(report: dict[str, Any]) -> None:
    out = sys.stdout.write
    out(f"datasets.sync of a {report['images']:,}-image dataset ({report['annotated_images']:,} annotated) on the "
        f"local server, {report['workers']} workers, {report['placement']}; seed made in {report['seed_s']} s; "
        f"no-change re-syncs: medians of {report['resync_runs']} runs\n")
    for mode in ("images_only", "full"):
        row = report[mode]
        verdict = "meets" if row["peak_rss_mb"] < TARGET_RSS_MB else "MISSES"
        what = "first sync" if mode == "images_only" else f"sync from {row['from']}"
        out(f"  {what}, mode={mode}: {row['files']:,} files in {row['wall_s']} s ({row['files_per_s']:,} files/s), "
            f"client CPU {row['client_cpu_s']} s, peak RSS {row['peak_rss_mb']} MB ({verdict} < "
            f"{TARGET_RSS_MB:.0f} MB), {row['api_requests']:,} API requests (server counted "
            f"{row['server_api_requests']:,})\n")
        again = "meets" if row["resync_peak_rss_mb"] < TARGET_RSS_MB else "MISSES"
        out(f"  no-change re-sync, mode={mode}: {row['resync_wall_s']} s, client CPU {row['resync_client_cpu_s']} s, "
            f"peak RSS {row['resync_peak_rss_mb']} MB ({again} < {TARGET_RSS_MB:.0f} MB), "
            f"{row['resync_api_requests']} API requests (server counted "
            f"{row['resync_server_api_requests']})\n")
        for line in row.get("tracemalloc_top_at_end", []):
            out(f"    tracemalloc (traced half way: {row['tracemalloc_peak_mb']} MB): {line}\n")
    strategies = report["annotation_strategies"]
    default, refresh = strategies["from_images_list"], strategies["refresh_annotations"]
    out("  changed annotations, measured on the no-change re-sync of the full mirror:\n")
    out(f"    from the images list (default): {default['api_requests']} API requests, {default['resync_wall_s']} s; "
        f"0 extra requests per 10,000 images\n")
    out(f"    refresh_annotations=True ({refresh['runs']} run): {refresh['api_requests']:,} API requests, "
        f"{refresh['resync_wall_s']} s, "
        f"{refresh['files_rewritten']:,} annotation files rewritten; {refresh['extra_requests_per_10k_images']:,} "
        f"extra requests and {refresh['extra_wall_s_per_10k_images']} s per 10,000 images\n")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        raise SystemExit(main())
