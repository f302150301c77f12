#!/usr/bin/env python3
"""Client CPU per listed image: ``images.iter`` against the official client 1.69.146 (issue 18, point 4).

Setup: the local server's ``bench:N`` seed makes a dataset of ``BENCH_LIST_IMAGES`` images (default 20,000),
then the server runs in a process of its own (``python -m pictograph.testing``), held to one CPU when
the machine has two or more. Each client runs in a child process held to another CPU and lists every image
in pages of 1,000 ``BENCH_LIST_RUNS`` times (default 5) after one warm-up listing; the figure is the CPU
time of the child process (``time.process_time``) over one whole listing, divided by the images listed: the
HTTP requests, the JSON decoding and the building of each image's object, for both clients alike.

* ours: ``client.images.iter(dataset)``, public ``Image`` models (the measurement of record), with the
  ``speedups`` extra that ``make install`` puts in ``.venv`` (orjson decodes the pages);
* ours without orjson: the same, with the standard library's JSON decoder (``orjson`` made unimportable in
  that child), informative: what a plain ``pip install pictograph`` gets;
* ours, light records: the mirror's listing (``pictograph._sync._listing.listed_pages``), informative;
* official: ``client.images.iter(dataset, page_size=1000)`` of ``pictograph==1.69.146`` (pydantic v2 models),
  run by the interpreter of ``bench/.env/official`` that ``bench/listing_env.sh`` builds. It has the same
  package name as this SDK, so it can only run in its own environment.

Children of the two clients take turns (``BENCH_LIST_ROUNDS`` rounds, default 3), so a slow moment of the
machine falls on both; the medians over every run are printed with the ratio ours / official (target ≤ 1).

Usage::

    .venv/bin/python bench/bench_listing.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OFFICIAL_PYTHON = HERE / ".env" / "official" / "bin" / "python"
OFFICIAL_VERSION = "1.69.146"
N_IMAGES = int(os.environ.get("BENCH_LIST_IMAGES", "20000"))
RUNS = int(os.environ.get("BENCH_LIST_RUNS", "5"))
ROUNDS = int(os.environ.get("BENCH_LIST_ROUNDS", "3"))
PAGE_SIZE = 1000
TARGET_RATIO = 1.0


# ---------------------------------------------------------------------------------------------- child runs
def _list_ours(client: Any, dataset: str) -> int:
    return sum(1 for _ in client.images.iter(dataset, page_size=PAGE_SIZE))


def _list_light(client: Any, dataset: str) -> int:
    from pictograph._sync._listing import listed_pages

    return sum(len(page.images) for page in listed_pages(client, dataset, page_size=PAGE_SIZE))


def _list_official(client: Any, dataset: str) -> int:
    return sum(1 for _ in client.images.iter(dataset, page_size=PAGE_SIZE))


def child(argv: list[str]) -> None:
    """Run in a child process (ours or the official client's interpreter): list ``--runs`` times, print JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=["ours", "stdjson", "light", "official"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--runs", type=int, default=RUNS)
    parser.add_argument("--cpu", type=int, default=-1)
    args = parser.parse_args(argv)
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    if args.which == "stdjson":
        sys.modules["orjson"] = None  # type: ignore[assignment]  # an import of it now raises ImportError
    import pictograph
    from pictograph import Client

    listing = {"ours": _list_ours, "stdjson": _list_ours, "light": _list_light, "official": _list_official}[
        args.which
    ]
    with Client(api_key=args.key, base_url=args.url) as client:
        expected = listing(client, args.dataset)  # warm-up: the connection, the imports, the model plans
        cpus: list[float] = []
        walls: list[float] = []
        for _ in range(args.runs):
            cpu0, wall0 = time.process_time(), time.perf_counter()
            seen = listing(client, args.dataset)
            cpus.append(time.process_time() - cpu0)
            walls.append(time.perf_counter() - wall0)
            if seen != expected:
                raise SystemExit(f"{args.which}: listed {seen} images, then {expected}")
    print(json.dumps({
        "version": getattr(pictograph, "__version__", "?"), "images": expected, "cpu": cpus, "wall": walls,
        "rss_mb": _peak_rss_mb(),
    }))


def _peak_rss_mb() -> float:
    """This process's peak RSS. On Linux from ``VmHWM``: ``ru_maxrss`` would still hold the parent's peak from
    before the ``exec`` of this child."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_child(python: Path | str, which: str, url: str, key: str, dataset: str, cpu: int) -> dict[str, Any]:
    pin = ["--cpu", str(cpu)] if cpu >= 0 else []
    command = [str(python), str(Path(__file__).resolve()), "--child", which, "--url", url, "--key", key,
               "--dataset", dataset, "--runs", str(RUNS), *pin]
    # The child runs from bench/ so that ``import pictograph`` finds the interpreter's own package (the official
    # client's in its environment), never this checkout by accident.
    env = dict(os.environ)
    if which == "official":  # nothing of this checkout on its path (a PYTHONPATH would shadow its package)
        env.pop("PYTHONPATH", None)
    out = subprocess.run(command, capture_output=True, text=True, check=False, cwd=HERE, env=env)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child ({which}) failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------- setup
def official_python() -> Path | None:
    """The official client's interpreter, when ``listing_env.sh`` installed the version measured against."""
    if not OFFICIAL_PYTHON.exists():
        return None
    probe = subprocess.run(
        [str(OFFICIAL_PYTHON), "-c", "import importlib.metadata as m; print(m.version('pictograph'))"],
        capture_output=True, text=True, check=False, cwd=HERE,
    )
    return OFFICIAL_PYTHON if probe.stdout.strip() == OFFICIAL_VERSION else None


def seed(data_dir: Path, count: int) -> str:
    """The local server's ``bench:N`` dataset (three folders, every status and split), stored at ``data_dir``."""
    from pictograph.testing import MockServer

    with MockServer(seed=f"bench:{count}", data_dir=data_dir):
        return "bench"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args()
    from bench_transfers import CPUS, place_server, server_folder, start_server

    official = official_python()
    work = Path(tempfile.mkdtemp(prefix="pictograph-bench-listing-"))
    data_dir = server_folder(work)
    proc = None
    try:
        dataset = seed(data_dir, N_IMAGES)
        proc, url, key = start_server(data_dir)
        server_cpus, client_cpu = ({CPUS[0]}, CPUS[1]) if len(CPUS) >= 2 else (set(), -1)
        place_server(proc.pid, server_cpus)
        peers: list[tuple[str, Path | str]] = [
            ("ours", sys.executable), ("stdjson", sys.executable), ("light", sys.executable)
        ]
        if official is not None:
            peers.append(("official", official))
        runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _ in peers}
        for _ in range(ROUNDS):
            for label, python in peers:
                result = run_child(python, label, url, key, dataset, client_cpu)
                if result["images"] != N_IMAGES:
                    raise SystemExit(f"{label}: listed {result['images']} images of {N_IMAGES}")
                runs[label].append(result)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
        if data_dir != work / "server":
            shutil.rmtree(data_dir, ignore_errors=True)

    report: dict[str, Any] = {"images": N_IMAGES, "page_size": PAGE_SIZE, "runs_per_client": RUNS * ROUNDS,
                              "placement": "server and client on CPUs of their own" if client_cpu >= 0
                              else "shared CPUs"}
    for label, results in runs.items():
        cpus = [c for r in results for c in r["cpu"]]
        walls = [w for r in results for w in r["wall"]]
        report[label] = {
            "version": results[0]["version"],
            "client_cpu_us_per_image_median": round(statistics.median(cpus) / N_IMAGES * 1e6, 2),
            "client_cpu_us_per_image_min": round(min(cpus) / N_IMAGES * 1e6, 2),
            "wall_s_median": round(statistics.median(walls), 3),
            "peak_rss_mb": round(max(r["rss_mb"] for r in results), 1),
        }
    if "official" in report:
        report["ratio_ours_to_official"] = round(
            report["ours"]["client_cpu_us_per_image_median"] / report["official"]["client_cpu_us_per_image_median"], 3
        )
        # The minimum is the run least disturbed by the rest of the machine (other work on a shared host only
        # ever adds CPU time), so its ratio is printed beside the ratio of the medians.
        report["ratio_ours_to_official_min"] = round(
            report["ours"]["client_cpu_us_per_image_min"] / report["official"]["client_cpu_us_per_image_min"], 3
        )
        report["target_ratio"] = TARGET_RATIO
    if args.json:
        sys.stdout.write(json.dumps(report, indent=2) + "\n")
        return 0
    names = {"ours": "ours (images.iter, public models)", "stdjson": "ours without orjson (informative)",
             "light": "ours (mirror's light records, informative)",
             "official": f"official {OFFICIAL_VERSION} (images.iter, pydantic)"}
    sys.stdout.write(f"listing {N_IMAGES} images in pages of {PAGE_SIZE}, {report['placement']}, "
                     f"{report['runs_per_client']} runs per client:\n")
    for label in runs:
        row = report[label]
        sys.stdout.write(
            f"  {names[label]}: {row['client_cpu_us_per_image_median']} us client CPU per image (median; min "
            f"{row['client_cpu_us_per_image_min']}), {row['wall_s_median']} s wall, peak RSS {row['peak_rss_mb']} MB\n"
        )
    if "ratio_ours_to_official" in report:
        sys.stdout.write(f"  ratio ours / official: {report['ratio_ours_to_official']} of the medians, "
                         f"{report['ratio_ours_to_official_min']} of the minimums (target <= {TARGET_RATIO})\n")
    else:
        sys.stdout.write("  official client not installed (bash bench/listing_env.sh): no ratio\n")
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        raise SystemExit(main())
