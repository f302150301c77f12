"""Crash and resume of ``datasets.sync``: a sync runs in a real client process (``_crash_child.py sync``), is
killed with SIGKILL while files land (20 ms added to each storage GET so the window is wide), then run again.

Every rerun must converge: the folder equals the server's dataset (image bytes and annotation files), no
``.part`` file is left, the manifest reads, images already on disk at the kill are not fetched again, a second
rerun writes nothing, and the files the killed run wrote are recorded as the mirror's own (an image deleted on
the server afterwards has its file removed by the next sync). ``crash_sync`` is shared with the one-point
variant in ``tests/transfers/test_mirror_crash.py``, which runs in ``make test``.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from pictograph._transfers._manifest import Manifest
from pictograph._transfers._mirror_plan import MANIFEST_NAME
from pictograph.testing import MockServer

if TYPE_CHECKING:
    from .conftest import Figures

CHILD = Path(__file__).with_name("_crash_child.py")
ROOT = Path(__file__).resolve().parents[2]
DATASET = "bench"


# ---------------------------------------------------------------------------------------------- the server's truth
def server_rows(server: MockServer) -> list[dict[str, Any]]:
    storage = server.state.storage
    ds = storage.one("SELECT id FROM datasets WHERE name = ?", DATASET)
    assert ds is not None
    return storage.all("SELECT * FROM images WHERE dataset_id = ? AND is_archived = 0", ds["id"])


def image_path(row: dict[str, Any]) -> str:
    folder = (row["directory_path"] or "/").strip("/")
    return f"{folder}/{row['filename']}" if folder else row["filename"]


def expected_mirror(server: MockServer) -> dict[str, Any]:
    """What a full mirror of the dataset holds: each image's bytes, each annotated image's annotations."""
    storage = server.state.storage
    want: dict[str, Any] = {}
    for row in server_rows(server):
        data = storage.read_blob(row["dataset_id"], storage.blob_key(row["directory_path"], row["filename"]))
        assert data is not None
        want[image_path(row)] = data
        if row["annotations"]:
            want[image_path(row) + ".json"] = row["annotations"]
    return want


# ---------------------------------------------------------------------------------------------- the folder
def mirror_tree(root: Path) -> dict[str, Any]:
    """The folder as a reader sees it: image bytes and parsed annotations (the manifest left out)."""
    out: dict[str, Any] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel != MANIFEST_NAME:
            out[rel] = json.loads(path.read_bytes())["annotations"] if rel.endswith(".json") else path.read_bytes()
    return out


def mtimes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): p.stat().st_mtime_ns for p in root.rglob("*") if p.is_file()}


def part_files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.part*"))


def images_on_disk(root: Path) -> set[str]:
    """Complete image files (a ``.part`` is never one) present now."""
    return {p.relative_to(root).as_posix() for p in root.rglob("*.jpg") if p.is_file()}


# ---------------------------------------------------------------------------------------------- the child
def _child(args: list[str]) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.Popen([sys.executable, str(CHILD), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env, cwd=ROOT)


def _started(proc: subprocess.Popen[str]) -> None:
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "start", (line, proc.stderr.read() if proc.stderr else "")


def run_sync(args: list[str]) -> dict[str, Any]:
    """A sync child run to its end; its outcome."""
    proc = _child(args)
    out, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    lines = out.strip().splitlines()
    assert lines[0] == "start"
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def sync_seconds(args: list[str]) -> float:
    """How long an uninterrupted sync takes from ``start`` to exit: the window the kills fall in."""
    proc = _child(args)
    _started(proc)
    began = time.monotonic()
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 0, err
    return time.monotonic() - began


def kill_when(args: list[str], ready: Callable[[], bool], timeout: float = 60.0) -> bool:
    """Start a sync child, SIGKILL it once ``ready()`` holds; True when it was still running at the kill."""
    proc = _child(args)
    _started(proc)
    deadline = time.monotonic() + timeout
    while not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    running = proc.poll() is None
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return running


# ---------------------------------------------------------------------------------------------- the scenario
def crash_sync(work: Path, points: int, seed: int, images: int, *, at_fraction: float | None = None,
               figures: Figures | None = None, label: str = "") -> dict[str, int]:
    """Kill a sync ``points`` times and check that each rerun converges (see the module docstring).

    Each kill lands ``at_fraction`` of the way through the images (by the count of image files on disk), or
    at a random moment of the measured sync window when ``at_fraction`` is None. Returns the figures.
    """
    rng = random.Random(seed)
    counts = {"kill_points": points, "killed_mid_sync": 0, "images_on_disk_at_kill": 0,
              "renamed_but_unrecorded_at_kill": 0, "part_files_at_kill": 0, "rerun_fetched": 0,
              "rerun_refetched_an_image_on_disk": 0, "deleted_after_server_delete": 0}
    with MockServer(seed=f"bench:{images}", data_dir=work / "server") as server:
        server.faults.update(file_latency_ms=20)
        window = 0.0 if at_fraction is not None else sync_seconds(
            ["sync", server.url, server.api_key, DATASET, str(work / "timed")])
        counts["sync_window_ms"] = round(window * 1000)
        for point in range(points):
            want = expected_mirror(server)  # the dataset loses an image at each point (the ownership check)
            n_images = sum(1 for rel in want if not rel.endswith(".json"))
            out = work / f"sync-{point}"
            args = ["sync", server.url, server.api_key, DATASET, str(out)]
            if at_fraction is not None:
                enough = max(1, int(n_images * at_fraction))
                ready: Callable[[], bool] = lambda: out.exists() and len(images_on_disk(out)) >= enough  # noqa: B023,E731
            else:
                until = time.monotonic() + rng.uniform(0.1, 0.9) * window
                ready = lambda: time.monotonic() >= until  # noqa: B023,E731
            counts["killed_mid_sync"] += kill_when(args, ready)
            at_kill = images_on_disk(out) if out.exists() else set()
            counts["images_on_disk_at_kill"] += len(at_kill)
            counts["part_files_at_kill"] += len(part_files(out)) if out.exists() else 0
            unrecorded: set[str] = set()
            if (out / MANIFEST_NAME).exists():
                with Manifest(out) as manifest:  # what the killed run had committed
                    records = manifest.records()
                unrecorded = {rel for rel in at_kill if rel in records and records[rel].origin == "pending"}
            counts["renamed_but_unrecorded_at_kill"] += len(unrecorded)

            result = run_sync(args)
            assert result["failures"] == [] and result["ok"], result
            assert mirror_tree(out) == want, f"kill point {point}: the rerun's folder is not the dataset"
            assert part_files(out) == [], f"kill point {point}: .part files after the rerun"
            refetched = at_kill & set(result["added"] + result["updated"])
            assert not refetched, f"kill point {point}: complete images fetched again: {sorted(refetched)[:5]}"
            counts["rerun_fetched"] += len(result["added"]) + len(result["updated"])
            with Manifest(out) as manifest:
                listed = [image.relpath for image in manifest.images()]
                records = manifest.records()
                dataset = manifest.meta("dataset")
            assert sorted(listed) == sorted(rel for rel in want if not rel.endswith(".json"))
            assert set(records) == set(want) and {r.origin for r in records.values()} == {"written"}
            assert dataset["name"] == DATASET

            stamps = mtimes(out)
            again = run_sync(args)
            assert (again["added"], again["updated"], again["deleted"]) == ([], [], []), again
            assert again["unchanged"] == len(want) and mtimes(out) == stamps, f"kill point {point}: rewrote files"

            # An image the killed run wrote (one it renamed but had not recorded, when there is one) is the
            # mirror's own: deleted on the server, its files go with the next sync.
            if at_kill:
                victim = sorted(unrecorded or at_kill)[0]
                with server.client() as client:
                    client.images.delete_by_path(DATASET, victim, permanent=True)
                after = run_sync(args)
                gone = {victim} | ({victim + ".json"} if victim + ".json" in want else set())
                assert set(after["deleted"]) == gone and not after["kept"], after
                assert mirror_tree(out) == expected_mirror(server)
                counts["deleted_after_server_delete"] += 1
    if figures is not None:
        figures.record("crash and resume", f"datasets.sync ({label})", **counts)
    return counts


@pytest.mark.stress
def test_a_sync_killed_at_16_random_points_converges_on_every_rerun(tmp_path: Path, figures: Figures) -> None:
    counts = crash_sync(tmp_path, 16, 303, 600, figures=figures, label="full")
    assert counts["killed_mid_sync"] >= 12, "most kills should land while the sync runs"
    assert counts["images_on_disk_at_kill"] > 0 and counts["deleted_after_server_delete"] > 0
