#!/usr/bin/env python3
"""Client benchmarks of the facade (issue 4).

1. Import time: ``python -c "import pictograph"`` against ``python -c "import httpx, attrs"``, alternated in
   the same run, median of ``--runs`` (≥ 15) each; target ratio ≤ 1.15.
2. Listing cost: client CPU per image while iterating 20,000 images in pages of 1,000 from the local server
   (``pictograph.testing.MockServer``, running in a thread of this process; only the CPU time of the calling
   thread is counted, so the server's work is left out); target ≤ 25 µs per image. Both front ends.

Usage::

    .venv/bin/python bench/bench_client.py [--runs 21] [--images 20000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
import uuid
from typing import Any

IMPORT_TARGET = 1.15
LIST_TARGET_US = 25.0


def _time_command(code: str) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], check=True)
    return time.perf_counter() - start


def bench_import(runs: int) -> dict[str, Any]:
    """Median wall time of a fresh interpreter importing pictograph, and of one importing httpx and attrs."""
    ours: list[float] = []
    base: list[float] = []
    client: list[float] = []
    client_code = "from pictograph import Client"
    for _ in range(2):  # warm the file cache and the bytecode
        _time_command("import pictograph")
        _time_command("import httpx, attrs")
        _time_command(client_code)
    for _ in range(runs):
        ours.append(_time_command("import pictograph"))
        base.append(_time_command("import httpx, attrs"))
        client.append(_time_command(client_code))
    ours_median, base_median = statistics.median(ours), statistics.median(base)
    client_median = statistics.median(client)
    return {
        "runs": runs,
        "import_pictograph_median_s": round(ours_median, 4),
        "import_httpx_attrs_median_s": round(base_median, 4),
        "ratio": round(ours_median / base_median, 3),
        "target_ratio": IMPORT_TARGET,
        # informative: the first use of a public name loads the client, httpx and the generated operations
        "from_pictograph_import_client_median_s": round(client_median, 4),
        "client_ratio": round(client_median / base_median, 3),
    }


def _seed(server: Any, count: int) -> str:
    """A dataset of ``count`` image rows, written straight into the local server's store."""
    client = server.client()
    name = f"bench-{uuid.uuid4().hex[:8]}"
    dataset = client.projects.create(name)
    client.close()
    storage = server.state.storage
    stamp = "2026-01-01T00:00:00+00:00"
    with storage.transaction():
        for i in range(count):
            storage.insert("images", {
                "id": str(uuid.uuid4()), "org_id": server.organization_id, "dataset_id": dataset.id,
                "filename": f"img_{i:05}.jpg", "directory_path": "/train/images", "status": "new", "split": None,
                "file_size": 1000 + i, "width": 640, "height": 480, "content_type": "image/jpeg", "tags": [],
                "is_archived": 0, "annotations": [], "created_at": stamp,
            })
    return name


def _measure_sync(server: Any, dataset: str, count: int) -> tuple[float, float, int]:
    client = server.client()
    try:
        client.datasets.list(limit=1)  # open the connection outside the measured window
        cpu, wall = time.thread_time(), time.perf_counter()
        seen = sum(1 for _ in client.images._pager(dataset, page_size=1000))
        return time.thread_time() - cpu, time.perf_counter() - wall, seen
    finally:
        client.close()


def _measure_async(server: Any, dataset: str, count: int) -> tuple[float, float, int]:
    async def run() -> tuple[float, float, int]:
        async with server.async_client() as client:
            await client.datasets.list(limit=1)
            cpu, wall = time.thread_time(), time.perf_counter()
            seen = 0
            async for _ in client.images._pager(dataset, page_size=1000):
                seen += 1
            return time.thread_time() - cpu, time.perf_counter() - wall, seen

    return asyncio.run(run())


def bench_listing(count: int, repeats: int) -> dict[str, Any]:
    from pictograph.testing import MockServer

    results: dict[str, Any] = {"images": count, "page_size": 1000, "target_us_per_image": LIST_TARGET_US}
    with MockServer(seed="empty") as server:
        dataset = _seed(server, count)
        for label, measure in (("sync", _measure_sync), ("async", _measure_async)):
            cpu_runs: list[float] = []
            wall_runs: list[float] = []
            for _ in range(repeats):
                cpu, wall, seen = measure(server, dataset, count)
                if seen != count:
                    raise SystemExit(f"{label}: listed {seen} images, expected {count}")
                cpu_runs.append(cpu)
                wall_runs.append(wall)
            results[label] = {
                "client_cpu_us_per_image_median": round(statistics.median(cpu_runs) / count * 1e6, 2),
                "wall_s_median": round(statistics.median(wall_runs), 3),
                "repeats": repeats,
            }
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=21, help="interpreter starts per import benchmark (>= 15)")
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=5, help="listing runs per front end (median)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    if args.runs < 15:
        parser.error("--runs must be at least 15")
    report = {"import": bench_import(args.runs), "listing": bench_listing(args.images, args.repeats)}
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
    else:
        imp, lst = report["import"], report["listing"]
        sys.stdout.write(
            f"import pictograph: {imp['import_pictograph_median_s'] * 1000:.1f} ms median, "
            f"import httpx, attrs: {imp['import_httpx_attrs_median_s'] * 1000:.1f} ms; "
            f"ratio {imp['ratio']} (target <= {IMPORT_TARGET}); "
            f"from pictograph import Client: {imp['from_pictograph_import_client_median_s'] * 1000:.1f} ms "
            f"(ratio {imp['client_ratio']})\n"
        )
        for label in ("sync", "async"):
            row = lst[label]
            sys.stdout.write(
                f"list {lst['images']} images ({label}): {row['client_cpu_us_per_image_median']} us client CPU "
                f"per image, {row['wall_s_median']} s wall (target <= {LIST_TARGET_US} us)\n"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
