"""Crash and resume: a dataset download and a folder upload run in a real client process, killed with SIGKILL at
seeded moments of the transfer, then run again. Each rerun must end complete and byte-identical, with no stray
``.part`` file and no image registered twice on the server (a persistent-``data_dir`` server in this process).
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from pictograph.testing import MockServer

from ._support import image_rows, stored_blob, stray_parts, tree_digests, write_images
from .conftest import Figures

CHILD = Path(__file__).with_name("_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]


def _child(args: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)


def _kill_during_transfer(args: list[str], delay: float) -> bool:
    """Start the child, wait until its transfer begins, SIGKILL it ``delay`` s later. True if it was killed
    before finishing on its own."""
    proc = _child(args)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "start", (line, proc.stderr.read() if proc.stderr else "")
    time.sleep(delay)
    finished = proc.poll() is not None
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return not finished


def _run_to_end(args: list[str]) -> dict[str, Any]:
    proc = _child(args)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "start"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _transfer_seconds(args: list[str]) -> float:
    """How long the transfer of an uninterrupted child takes (from ``start`` to exit): the kill window."""
    proc = _child(args)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "start"
    began = time.monotonic()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    return time.monotonic() - began


def _crash_downloads(points: int, seed: int, work: Path, figures: Figures, label: str) -> None:
    rng = random.Random(seed)
    data = work / "server"
    with MockServer(seed="demo", data_dir=data) as server:
        server.faults.update(file_latency_ms=0, api_latency_ms=0)
        with server.client() as client:  # closed: its transfer thread must not outlive this test
            reference = client.datasets.download("road-scenes", work / "reference")
        assert reference.ok
        want = tree_digests(work / "reference")
        server.faults.update(file_latency_ms=40, api_latency_ms=10)
        window = _transfer_seconds(["download", server.url, server.api_key, "road-scenes", str(work / "timed")])
        killed = stray_at_kill = refetched = skipped = 0
        for point in range(points):
            out = work / f"dl-{point}"
            args = ["download", server.url, server.api_key, "road-scenes", str(out)]
            killed += _kill_during_transfer(args, rng.uniform(0.0, 0.7 * window))
            stray_at_kill += len(stray_parts(out)) if out.exists() else 0
            result = _run_to_end(args)
            assert result["failures"] == [], result
            refetched += result["downloaded"]
            skipped += result["skipped"]
            assert stray_parts(out) == [], f"kill point {point}: stray .part files after the rerun"
            assert tree_digests(out) == want, f"kill point {point}: the rerun is not byte-identical"
    figures.record("crash and resume", f"dataset download ({label})", kill_points=points,
                   transfer_seconds=round(window, 2),
                   killed_mid_transfer=killed, part_files_at_kill=stray_at_kill, rerun_fetched=refetched,
                   rerun_skipped=skipped, complete_and_identical=points, stray_part_after_rerun=0)
    assert killed >= points * 3 // 4, "most kills should land while the transfer runs"


def _crash_uploads(points: int, seed: int, work: Path, figures: Figures, label: str) -> None:
    rng = random.Random(seed)
    files = write_images(work / "src", 30, seed, "up")
    paths = [str(work / "src" / name) for name in sorted(files)]
    killed = reported_existing = 0
    with MockServer(seed="empty", data_dir=work / "server", faults={"file_latency_ms": 40}) as server:
        client = server.client()
        client.datasets.create("timing")
        window = _transfer_seconds(["upload", server.url, server.api_key, "timing", "/up", *paths])
        for point in range(points):
            ds = f"crash-{point}"
            client.datasets.create(ds)
            args = ["upload", server.url, server.api_key, ds, "/up", *paths]
            killed += _kill_during_transfer(args, rng.uniform(0.0, 0.7 * window))
            result = _run_to_end(args)
            # The rerun uploads everything again: images registered before the kill are refused as existing.
            existing = [e for e in result["failures"] if "already exists" in e]
            assert len(existing) == len(result["failures"]), result["failures"]
            assert result["succeeded"] + len(existing) == len(files)
            reported_existing += len(existing)
            rows = image_rows(server, ds)
            names = [r["filename"] for r in rows]
            assert sorted(names) == sorted(files), f"kill point {point}: duplicate or missing images"
            for name, data in files.items():
                assert stored_blob(server, ds, "/up", name) == data, f"kill point {point}: {name} differs"
        client.close()
    figures.record("crash and resume", f"folder upload ({label})", kill_points=points,
                   transfer_seconds=round(window, 2),
                   killed_mid_transfer=killed, complete_and_identical=points, duplicate_images=0,
                   rerun_refused_as_existing=reported_existing)
    assert killed >= points * 3 // 4


def test_crash_resume_fast_subset(tmp_path: Path, figures: Figures) -> None:
    _crash_downloads(2, 1, tmp_path / "dl", figures, "fast")
    _crash_uploads(2, 2, tmp_path / "up", figures, "fast")


@pytest.mark.stress
def test_crash_resume_download_20_points(tmp_path: Path, figures: Figures) -> None:
    _crash_downloads(24, 101, tmp_path, figures, "full")


@pytest.mark.stress
def test_crash_resume_upload_20_points(tmp_path: Path, figures: Figures) -> None:
    _crash_uploads(24, 202, tmp_path, figures, "full")
