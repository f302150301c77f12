#!/usr/bin/env python3
"""Images per second through ``DataLoader(num_workers=2)``: ``as_pytorch`` against the official client 1.69.146
(issue 19), with the API requests each spends.

Setup: the local server's ``bench:N`` seed (``BENCH_TORCH_IMAGES``, default 2,000 tiny JPEGs, boxes on most) with
20 ms of latency on every file GET (``faults={"file_latency_ms": 20}``), in this process. Each client runs in a
child process of its own interpreter (ours: this venv; the official: ``bench/.env/official``, made by
``bench/torch_env.sh``, as the two share a package name) and reads two epochs through ``DataLoader(ds,
batch_size=16, num_workers=2)`` (the fork start method, Linux's default), each item opened as a PIL image and batched
by each client's own collate function (ours: ``pictograph.torch.collate``; the official has none, so a list). The
official's workers get fresh connections from a ``worker_init_fn`` (without it they share the parent's pooled
socket and fail in the first batches, see ``_fresh_official_connections``):

* cold: from the ``as_pytorch(...)`` call (which for ours syncs the whole dataset into an empty folder first, and
  for the official lists the images) to the end of the first epoch;
* warm: the second epoch, from the same dataset object.

The server counts the API requests of each phase (signed storage GETs are not API requests). Targets: cold ≥ 3×
the official's images/s with ≤ 1 % of its API requests; warm ≥ 10×.

Usage::

    .venv/bin/python bench/bench_torch.py [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OFFICIAL_PYTHON = HERE / ".env" / "official" / "bin" / "python"
N_IMAGES = int(os.environ.get("BENCH_TORCH_IMAGES", "2000"))
BATCH = 16


def _collate(batch: list[Any]) -> tuple[list[Any], list[Any]]:
    return [item[0] for item in batch], [item[1] for item in batch]


def _fresh_official_connections(_worker: int) -> None:
    """The official dataset keeps the parent's pooled connections, which forked workers then share: their
    requests interleave on one socket and answers go to the wrong worker (it fails in the first batches, with
    image bytes read as JSON). A worker gets a pool of its own here, as a user of that client has to do."""
    from torch.utils.data import get_worker_info

    info = get_worker_info()
    assert info is not None
    transport = info.dataset._images._transport  # type: ignore[attr-defined]
    transport._client = transport._build_client()


def child(argv: list[str]) -> None:
    """One client's two epochs; prints one JSON line per epoch and waits for the parent between them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("which", choices=["ours", "official"])
    parser.add_argument("--url", required=True)
    parser.add_argument("--root", required=True)
    args = parser.parse_args(argv)
    from torch.utils.data import DataLoader

    from pictograph import Client

    client = Client(base_url=args.url)  # the key comes from PICTOGRAPH_API_KEY
    started = time.perf_counter()
    ds = client.datasets.as_pytorch("bench", root=args.root)
    if args.which == "ours":
        import pictograph.torch

        collate, init = pictograph.torch.collate, None
    else:
        collate, init = _collate, _fresh_official_connections
    loader = DataLoader(ds, batch_size=BATCH, num_workers=2, collate_fn=collate, worker_init_fn=init)
    for epoch in (1, 2):
        if epoch == 2:
            started = time.perf_counter()
        count = sum(len(images) for images, _targets in loader)
        print(json.dumps({"epoch": epoch, "images": count, "seconds": time.perf_counter() - started}), flush=True)
        if epoch == 1:
            sys.stdin.readline()  # the parent reads the request count of the cold phase first


def _run(which: str, python: Path, server: Any) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PICTOGRAPH_")}
    env["PICTOGRAPH_API_KEY"] = server.api_key
    if which == "official":
        env.pop("PYTHONPATH", None)  # the official client must never see this checkout
    with tempfile.TemporaryDirectory(prefix=f"bench-torch-{which}-") as root:
        server.reset_api_requests()
        proc = subprocess.Popen([str(python), str(Path(__file__).resolve()), "child", which, "--url", server.url,
                                 "--root", root], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env,
                                cwd=tempfile.gettempdir())
        assert proc.stdin is not None and proc.stdout is not None
        cold = json.loads(proc.stdout.readline())
        cold["api_requests"] = server.api_requests()
        server.reset_api_requests()
        proc.stdin.write("go\n")
        proc.stdin.flush()
        warm = json.loads(proc.stdout.readline())
        proc.wait(timeout=600)
        warm["api_requests"] = server.api_requests()
    if proc.returncode != 0:
        raise RuntimeError(f"the {which} child exited {proc.returncode}")
    for phase in (cold, warm):
        phase["images_per_s"] = phase["images"] / phase["seconds"]
    return {"cold": cold, "warm": warm}


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        child(sys.argv[2:])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    from pictograph.testing import MockServer

    results: dict[str, Any] = {}
    with MockServer(seed=f"bench:{N_IMAGES}", faults={"file_latency_ms": 20}) as server:
        results["ours"] = _run("ours", Path(sys.executable), server)
        if OFFICIAL_PYTHON.exists() and subprocess.run([str(OFFICIAL_PYTHON), "-c", "import torch, pictograph"],
                                                       capture_output=True, check=False).returncode == 0:
            results["official"] = _run("official", OFFICIAL_PYTHON, server)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"as_pytorch through DataLoader(num_workers=2), {N_IMAGES} images, 20 ms file latency")
    for which, phases in results.items():
        for phase, r in phases.items():
            print(f"  {which:8} {phase}: {r['images']:5} images in {r['seconds']:6.2f} s = {r['images_per_s']:7.0f} "
                  f"images/s, {r['api_requests']:5} API requests")
    official = results.get("official")
    if official is None:
        print("  official client not available (bench/torch_env.sh could not build it): no ratio")
        return 0
    ours = results["ours"]
    cold = ours["cold"]["images_per_s"] / official["cold"]["images_per_s"]
    warm = ours["warm"]["images_per_s"] / official["warm"]["images_per_s"]
    share = ours["cold"]["api_requests"] / max(1, official["cold"]["api_requests"])
    print(f"  cold: {cold:.1f}x the official's images/s (target >= 3x) with {share:.2%} of its API requests "
          f"(target <= 1%); warm: {warm:.1f}x (target >= 10x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
