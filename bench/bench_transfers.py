#!/usr/bin/env python3
"""Transfer throughput, client CPU and memory against the local server (issue 6).

Setup: the server runs in its own process (``python -m pictograph.testing``, data on a RAM disk when there is
one: see ``server_folder``) with 20 ms added to every storage
request; a dataset of 2,000 images of 100 KB is uploaded first (without the added latency).

* Dataset download at 10 and 32 workers: efficiency = (N × latency / workers) / wall time (target ≥ 0.85),
  client CPU seconds per 1,000 files, peak RSS.
* Upload of 1,000 images of 100 KB (``images.upload_many``) at 10 and 32 workers: the same figures.
* Export download of a 1 GiB ZIP: wall time, throughput and peak RSS (target < 100 MB).

Each measured run is a fresh child process (so peak RSS belongs to that run alone); medians of ``BENCH_RUNS``
runs (default 3) are printed. ``BENCH_FILES`` shrinks the dataset for a quick look. The clock starts once the
client has built the resources it uses (their first use imports their modules, a one-off cost of the process,
not of a transfer).

The server runs apart from the client, as a remote service would: its CPU is not the client's, and the two do
not share a GIL. On Linux with 2 cores or more, every download and upload figure is measured twice in the same
run, the runs of the two placements taking turns:

* ``own CPUs``, the measurement of record: the server's threads held to one CPU and the measured client to
  another, as when the service runs on a machine of its own. A remote storage service never takes CPU time,
  cache or scheduler wake-ups from the client's cores;
* ``shared CPUs``: both processes free to run on any core, so the operating system moves their threads across
  the same two cores. On a small virtual machine this adds the server's load and wake-ups to the client's
  figures (on this project's 2-vCPU test machine, upload at 32 workers loses about 0.05 of efficiency to it).

``BENCH_IN_PROCESS=1`` adds the download and upload rows once more with the server inside the measured process
(a ``MockServer`` thread over the same data folder), to show what sharing one GIL costs.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

N_FILES = int(os.environ.get("BENCH_FILES", "2000"))
N_UPLOAD = int(os.environ.get("BENCH_UPLOADS", "1000"))
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
FILE_SIZE = 100 * 1024
LATENCY_MS = 20.0
EXPORT_SIZE = 1 << 30
WORKERS = (10, 32)
TARGET_EFFICIENCY = 0.85
TARGET_EXPORT_RSS_MB = 100.0


# ---------------------------------------------------------------------------------------------- child runs
def _peak_rss_mb() -> float:
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kb / 1024.0 if sys.platform != "darwin" else kb / (1024.0 * 1024.0)


def child(argv: list[str]) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("task", choices=["download", "upload", "export"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--workers", type=int, default=10)
    parser.add_argument("--out", required=True)
    parser.add_argument("--source", default="")
    parser.add_argument("--folder", default="/")
    parser.add_argument("--in-process", default="", help="serve this data folder from a thread of this process")
    parser.add_argument("--cpu", type=int, default=-1, help="hold this process to one CPU")
    args = parser.parse_args(argv)
    if args.cpu >= 0:
        os.sched_setaffinity(0, {args.cpu})
    from pictograph import Client

    url, server = args.url, None
    if args.in_process:
        from pictograph.testing import MockServer

        server = MockServer(seed=None, data_dir=args.in_process, api_key=args.key).start()
        server.faults.update(file_latency_ms=LATENCY_MS)
        url = server.url
    with Client(api_key=args.key, base_url=url) as client:
        client.datasets, client.images  # noqa: B018  (built on first use: not part of the measured transfer)
        cpu0, t0 = time.process_time(), time.perf_counter()
        if args.task == "download":
            report = client.datasets.download("bench", args.out, mode="images_only", max_workers=args.workers)
            files, problems = report.images_downloaded, len(report.failures)
        elif args.task == "upload":
            paths = sorted(Path(args.source).iterdir())
            up = client.images.upload_many("bench-up", paths, folder_path=args.folder, max_workers=args.workers)
            files, problems = len(up.succeeded), len(up.failed)
        else:
            path = client.exports.download("bench", "big", Path(args.out) / "big.zip")
            files, problems = path.stat().st_size, 0
        wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    if server is not None:
        server.stop()
    print(json.dumps({"wall": wall, "cpu": cpu, "rss_mb": _peak_rss_mb(), "files": files, "problems": problems}))


def run_child(*args: str, cpu: int = -1) -> dict[str, Any]:
    pin = ["--cpu", str(cpu)] if cpu >= 0 else []
    out = subprocess.run([sys.executable, __file__, "--child", *args, *pin], capture_output=True, text=True,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


# ---------------------------------------------------------------------------------------------- setup
CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
#: (label, server CPUs, client CPU or -1): the placements measured, the measurement of record first.
PLACEMENTS: list[tuple[str, set[int], int]] = [("own CPUs", {CPUS[0]}, CPUS[1])] if len(CPUS) >= 2 else []
PLACEMENTS.append(("shared CPUs", set(CPUS), -1))


def place_server(pid: int, cpus: set[int]) -> None:
    """Hold every thread of the server process to ``cpus`` (threads it starts later inherit it)."""
    if not cpus:
        return
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except ProcessLookupError:  # a thread that just ended
            continue


def start_server(data_dir: Path) -> tuple[subprocess.Popen[str], str, str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "pictograph.testing", "--port", "0", "--seed", "empty", "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    assert proc.stdout is not None
    url = key = ""
    deadline = time.monotonic() + 30
    while not (url and key) and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if found := re.search(r"listening on (\S+)", line):
            url = found.group(1)
        if found := re.search(r"API key: (\S+)", line):
            key = found.group(1)
    if not (url and key):
        proc.kill()
        raise SystemExit("the local server did not start")
    return proc, url, key


def server_folder(work: Path) -> Path:
    """The server's data folder: on a RAM disk when the machine has one with room to spare.

    The server stands for a remote storage service, so its disk is not part of what is measured; on a slow
    disk its own file writes (about 0.5 ms of kernel time per stored PUT here) would set the pace of the
    uploads on a 2-core machine. ``BENCH_SERVER_DIR`` names another parent folder. The client's files (the
    downloads) always go to the temporary folder, an ordinary disk.
    """
    parent = os.environ.get("BENCH_SERVER_DIR") or "/dev/shm"
    try:
        roomy = shutil.disk_usage(parent).free > 4 * 2**30
    except OSError:
        roomy = False
    return Path(tempfile.mkdtemp(prefix="pictograph-bench-server-", dir=parent)) if roomy else work / "server"


def set_latency(url: str, ms: float) -> None:
    httpx.post(f"{url}/_admin/faults", json={"reset": True, "file_latency_ms": ms}).raise_for_status()


def make_images(folder: Path, count: int) -> None:
    """``count`` JPEG files of 100 KB each: a small real JPEG (so sizes can be measured) padded after its end."""
    from PIL import Image

    folder.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (120, 30, 200)).save(buffer, format="JPEG")
    head = buffer.getvalue()
    for i in range(count):
        pad = os.urandom(FILE_SIZE - len(head))
        (folder / f"img_{i:05d}.jpg").write_bytes(head + pad)


def median(values: list[float]) -> float:
    return statistics.median(values)


def main() -> int:
    from pictograph import Client

    work = Path(tempfile.mkdtemp(prefix="pictograph-bench-transfers-"))
    server_dir = server_folder(work)
    proc, url, key = start_server(server_dir)
    try:
        set_latency(url, 0)
        source = work / "source"
        make_images(source, max(N_FILES, N_UPLOAD))
        uploads = work / "uploads"
        uploads.mkdir()
        for path in sorted(source.iterdir())[:N_UPLOAD]:
            os.link(path, uploads / path.name)
        with Client(api_key=key, base_url=url) as client:
            client.datasets.create("bench")
            client.datasets.create("bench-up")
            t0 = time.perf_counter()
            setup = client.images.upload_many("bench", sorted(source.iterdir())[:N_FILES], max_workers=16)
            print(f"setup: {len(setup.succeeded)} images of 100 KB uploaded in {time.perf_counter() - t0:.1f} s "
                  f"({len(setup.failed)} failed)")
            client.exports.create("bench", "big", include_images=False, status_filter="all")
            export = client.exports.get("bench", "big")
        # A 1 GiB ZIP in the server's data folder, in place of the small one it built (sparse: cheap to make).
        zip_path = server_dir / "exports" / f"{export.id}.zip"
        with open(zip_path, "r+b") as fh:
            fh.truncate(EXPORT_SIZE)

        set_latency(url, LATENCY_MS)
        print(f"\nserver: {url}, {LATENCY_MS:.0f} ms added to each storage request; {RUNS} runs per figure, medians; "
              f"the first placement is the measurement of record (see the top of this file)")
        print(f"{'what':<38}{'workers':>8}{'CPUs':>8}{'wall s':>9}{'ideal s':>9}{'efficiency':>12}{'CPU s/1000':>12}"
              f"{'peak RSS MB':>13}")
        verdicts: list[str] = []
        in_process = os.environ.get("BENCH_IN_PROCESS", "") not in ("", "0")
        rows = [(task, count, "") for task, count in (("download", N_FILES), ("upload", N_UPLOAD))]
        rows += [(task, count, " (srv in-proc)") for task, count, _ in rows if in_process]
        for task, count, where in rows:
            for workers in WORKERS:
                placements = PLACEMENTS if not where else PLACEMENTS[-1:]
                runs: dict[str, list[dict[str, Any]]] = {label: [] for label, _, _ in placements}
                for run in range(RUNS):
                    for label, server_cpus, client_cpu in placements:  # the placements take turns
                        place_server(proc.pid, server_cpus)
                        out = work / f"out-{task}-{workers}-{run}"
                        extra = ["--in-process", str(server_dir)] if where else []
                        folder = f"/w{workers}/r{run}-{label.split()[0]}{'-in' if where else ''}"
                        result = run_child(task, "--url", url, "--key", key, "--workers", str(workers), "--out",
                                           str(out), "--source", str(uploads), "--folder", folder, *extra,
                                           cpu=client_cpu)
                        if result["files"] != count or result["problems"]:
                            raise SystemExit(f"{task} run moved {result['files']} of {count} files: {result}")
                        runs[label].append(result)
                        shutil.rmtree(out, ignore_errors=True)
                ideal = count * LATENCY_MS / 1000.0 / workers
                figures = []
                for label, results in runs.items():
                    wall = median([r["wall"] for r in results])
                    cpu = median([r["cpu"] for r in results])
                    efficiency = ideal / wall
                    figures.append((label, efficiency))
                    print(f"{task + f' {count} x 100 KB' + where:<38}{workers:>8}{label.split()[0]:>8}{wall:>9.2f}"
                          f"{ideal:>9.2f}{efficiency:>12.2f}{cpu / count * 1000:>12.2f}"
                          f"{median([r['rss_mb'] for r in results]):>13.1f}")
                if where:
                    continue  # shown for comparison, not a verdict
                (label, efficiency), others = figures[0], figures[1:]
                verdicts.append(f"{task} at {workers} workers: efficiency {efficiency:.2f} with {label} "
                                f"({'meets' if efficiency >= TARGET_EFFICIENCY else 'MISSES'} ≥ {TARGET_EFFICIENCY})"
                                + "".join(f"; {e:.2f} with {lbl}" for lbl, e in others))
        place_server(proc.pid, set(CPUS))
        walls, rss = [], []
        for run in range(RUNS):
            out = work / f"out-export-{run}"
            out.mkdir()
            result = run_child("export", "--url", url, "--key", key, "--out", str(out))
            if result["files"] != EXPORT_SIZE:
                raise SystemExit(f"export download wrote {result['files']} bytes, expected {EXPORT_SIZE}")
            walls.append(result["wall"])
            rss.append(result["rss_mb"])
            shutil.rmtree(out, ignore_errors=True)
        print(f"{'export 1 GiB ZIP':<38}{'':>8}{'':>8}{median(walls):>9.2f}{'':>9}{'':>12}{'':>12}{median(rss):>13.1f}"
              f"   ({EXPORT_SIZE / median(walls) / 2**20:.0f} MiB/s)")
        verdicts.append(f"export 1 GiB: peak RSS {median(rss):.1f} MB "
                        f"({'meets' if median(rss) < TARGET_EXPORT_RSS_MB else 'MISSES'} < {TARGET_EXPORT_RSS_MB:.0f} MB)")
        print("\n" + "\n".join(verdicts))
        return 0
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
        shutil.rmtree(server_dir, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2:])
    else:
        raise SystemExit(main())
