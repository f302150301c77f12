#!/usr/bin/env python3
"""Read throughput of ``pictograph.ray.read_images`` against a single-process ``datasets.download`` (issue 20).

Setup: the ``bench:N`` seed (``BENCH_RAY_IMAGES``, default 4,000 tiny JPEGs) in a data folder, served by the local
server in a process of its own with 20 ms added to every file request (``file_latency_ms``: storage that is
not on this machine). In one run, each measured ``BENCH_RAY_RUNS`` times (default 3, medians printed):

* ``datasets.download(mode="images_only")`` into an empty folder, one process, its default 10 workers;
* ``read_images(annotations=False).materialize()`` on a local Ray cluster of 1 CPU, then of 2 CPUs (a fresh
  ``ray.init`` each, warmed by one small read so that worker start-up is not timed), both with the same plan:
  ``override_num_blocks=4`` (``BENCH_RAY_BLOCKS``), a multiple of the CPUs with a page of 1,000 images per
  task, as docs/ray.md advises.

Printed: images/s of each, the Ray 2-CPU / 1-CPU scaling ratio and Ray / download ratios, and the API requests
of one read (signed listings carry the bytes, so they stay a few per task). The machine has 2 cores shared by
the server, the driver and the Ray workers: the ratio says how far the read scales when the storage latency,
not the CPU, sets the pace.

Usage::

    .venv/bin/python bench/bench_ray.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent
N_IMAGES = int(os.environ.get("BENCH_RAY_IMAGES", "4000"))
#: Read tasks of every Ray read: the same plan on 1 and 2 CPUs, one page of 1,000 images each by default.
BLOCKS = int(os.environ.get("BENCH_RAY_BLOCKS", "4"))
RUNS = int(os.environ.get("BENCH_RAY_RUNS", "3"))
FILE_LATENCY_MS = 20
DATASET = "bench"


def seed(data_dir: Path, count: int) -> None:
    from pictograph.testing import MockServer

    with MockServer(seed=f"bench:{count}", data_dir=data_dir):
        pass


def api_requests(url: str) -> int:
    return int(httpx.get(f"{url}/_admin/requests").json()["total"])


def reset_requests(url: str) -> None:
    httpx.post(f"{url}/_admin/requests", json={"reset": True}).raise_for_status()


def time_download(url: str, key: str, work: Path) -> tuple[float, int]:
    from pictograph import Client

    out = work / "download"
    shutil.rmtree(out, ignore_errors=True)
    with Client(api_key=key, base_url=url) as client:
        client.datasets  # noqa: B018  (built on first use: not part of the download)
        reset_requests(url)
        t0 = time.perf_counter()
        report = client.datasets.download(DATASET, out, mode="images_only")
        wall = time.perf_counter() - t0
    if not report.ok or report.images_downloaded != N_IMAGES:
        raise SystemExit(f"the download was not whole: {report.images_downloaded} images, {report.failures[:3]}")
    return wall, api_requests(url)


def time_ray(url: str, key: str, cpus: int) -> tuple[list[float], int]:
    import ray

    from pictograph.ray import read_images

    os.environ["PICTOGRAPH_API_KEY"] = key  # the workers read it from the environment they start in
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False)
    try:
        options = {"base_url": url}
        read_images(DATASET, split="test", annotations=False, client_options=options).materialize()  # warm-up
        walls: list[float] = []
        requests = 0
        for _ in range(RUNS):
            reset_requests(url)
            t0 = time.perf_counter()
            ds = read_images(DATASET, annotations=False, override_num_blocks=BLOCKS,
                             client_options=options).materialize()
            walls.append(time.perf_counter() - t0)
            requests = api_requests(url)
            if ds.count() != N_IMAGES:
                raise SystemExit(f"the Ray read gave {ds.count()} rows for {N_IMAGES} images")
        return walls, requests
    finally:
        ray.shutdown()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    try:
        import ray  # noqa: F401
    except ModuleNotFoundError:
        print("bench_ray: Ray is not installed (pip install 'pictograph[ray]'); nothing measured", file=sys.stderr)
        return 1
    sys.path.insert(0, str(HERE))
    from bench_transfers import server_folder, start_server

    work = Path(tempfile.mkdtemp(prefix="pictograph-bench-ray-"))
    data_dir = server_folder(work)
    proc = None
    report: dict[str, Any] = {"images": N_IMAGES, "file_latency_ms": FILE_LATENCY_MS, "runs": RUNS,
                              "blocks": BLOCKS, "cpus": os.cpu_count()}
    try:
        seed(data_dir, N_IMAGES)
        proc, url, key = start_server(data_dir)
        httpx.post(f"{url}/_admin/faults", json={"file_latency_ms": FILE_LATENCY_MS}).raise_for_status()

        downloads = [time_download(url, key, work) for _ in range(RUNS)]
        download_wall = statistics.median(w for w, _ in downloads)
        report["download_images_per_s"] = round(N_IMAGES / download_wall)
        report["download_api_requests"] = downloads[-1][1]
        for cpus in (1, 2):
            walls, requests = time_ray(url, key, cpus)
            report[f"ray_{cpus}cpu_images_per_s"] = round(N_IMAGES / statistics.median(walls))
            report[f"ray_{cpus}cpu_api_requests"] = requests
        report["ray_scaling_2cpu_over_1cpu"] = round(report["ray_2cpu_images_per_s"] / report["ray_1cpu_images_per_s"], 2)
        report["ray_1cpu_over_download"] = round(report["ray_1cpu_images_per_s"] / report["download_images_per_s"], 2)
        report["ray_2cpu_over_download"] = round(report["ray_2cpu_images_per_s"] / report["download_images_per_s"], 2)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(data_dir, ignore_errors=True)
    if args.json:
        print(json.dumps(report))
    else:
        print(f"read of {N_IMAGES:,} images, {FILE_LATENCY_MS} ms per file request, median of {RUNS}:")
        print(f"  datasets.download (1 process, 10 workers): {report['download_images_per_s']:>6} images/s, "
              f"{report['download_api_requests']} API requests")
        for cpus in (1, 2):
            print(f"  pictograph.ray.read_images, {cpus} CPU{'s' if cpus > 1 else ' '}, {BLOCKS} tasks: "
                  f"{report[f'ray_{cpus}cpu_images_per_s']:>6} images/s, {report[f'ray_{cpus}cpu_api_requests']} API requests")
        print(f"  scaling 2 CPUs / 1 CPU: {report['ray_scaling_2cpu_over_1cpu']}x; Ray / download: "
              f"{report['ray_1cpu_over_download']}x (1 CPU), {report['ray_2cpu_over_download']}x (2 CPUs)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
