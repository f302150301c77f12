"""Faults suite: uploads, annotation saves, exports, imports and downloads against a local server that fails a
seeded share of requests (500, 503, 429 with Retry-After, dropped connections, truncated bodies, 1–3 s stalls
beyond the client timeout).

Every run ends with checks against the server's own tables and files: nothing reported as done is missing or
different, no object was created twice, no annotation reported saved was lost. The figures of each run go to
the ``figures`` book (and from there to ``docs/reliability.md``).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

from pictograph import Client
from pictograph.errors import PictographError
from pictograph.reports import DownloadReport
from pictograph.testing import MockServer

from ._support import (
    dataset_id,
    image_rows,
    scalar,
    stored_blob,
    stray_parts,
    tree_digests,
    write_images,
)
from .conftest import Figures, RequestRecorder, ShortSleep

T = TypeVar("T")

CLASSES = ["car", "person", "sign"]
TIMEOUT = 0.5  # the stalls (1–3 s) go beyond it
# A failure must say what happened: one of these words appears in every error the SDK reports.
CLEAR_WORDS = ("HTTP", "timed out", "without an HTTP answer", "failed", "truncated", "connection", "Error")


@dataclass
class Sizes:
    uploads: int
    singles: int
    saves: int
    bulk_saves: int
    exports: int
    imports: int


FAST = Sizes(uploads=12, singles=2, saves=6, bulk_saves=4, exports=1, imports=1)
FULL = Sizes(uploads=120, singles=10, saves=60, bulk_saves=40, exports=4, imports=1)


@dataclass
class Tally:
    attempted: int = 0
    succeeded: int = 0
    retried: int = 0
    failed: int = 0
    unclear: list[str] = field(default_factory=list)
    identical: int = 0
    different: int = 0
    duplicates: int = 0
    lost: int = 0

    def failure(self, error: str) -> None:
        self.failed += 1
        if not error.strip() or not any(w in error for w in CLEAR_WORDS):
            self.unclear.append(error)

    def counts(self) -> dict[str, int]:
        return {"attempted": self.attempted, "succeeded": self.succeeded, "retried": self.retried,
                "failed_clearly": self.failed - len(self.unclear), "failed_unclear": len(self.unclear),
                "identical": self.identical, "different": self.different, "duplicates": self.duplicates,
                "lost": self.lost}


def fault_settings(rate: float, seed: int) -> dict[str, Any]:
    """``rate`` of API requests and of file requests fail, spread over every kind of fault.

    API: 500/503 2/5, 429 1/5, dropped 1/5, stalled 1/5. Files: 500/503 2/5, dropped 1/5, truncated 1/5,
    stalled 1/5 (signed file routes keep a long read timeout, so there a stall delays rather than fails).
    """
    share = rate / 5
    return {"seed": seed, "error_rate": 2 * share, "rate_limit_rate": share, "retry_after": "1",
            "drop_rate": share, "stall_rate": share, "stall_min_ms": 1000, "stall_max_ms": 3000,
            "file_error_rate": 2 * share, "truncate_rate": share}


def attempt(recorder: RequestRecorder, call: Callable[[], T]) -> tuple[T | None, str | None, bool]:
    """Run one logical call: its result or error text, and whether any of its requests failed (a retry)."""
    before = len(recorder.snapshot())
    try:
        result: T | None = call()
        error = None
    except PictographError as exc:
        result, error = None, f"{type(exc).__name__}: {exc}"
    retried = any(r.failed for r in recorder.snapshot()[before:])
    return result, error, retried


def run_faults(server: MockServer, client: Client, recorder: RequestRecorder, work: Path, sizes: Sizes,
               rate: float, seed: int) -> tuple[dict[str, Tally], dict[str, int]]:
    rng = random.Random(seed)
    tallies = {name: Tally() for name in ("uploads", "annotation saves", "exports", "imports", "downloads")}
    ds = "faults-target"
    client.datasets.create(ds, classes=[{"name": c} for c in CLASSES], annotation_types=["bbox"])
    dsid = dataset_id(server, ds)
    server.faults.update(**fault_settings(rate, seed))

    # ---------------------------------------------------------------- imports (connector job + polling)
    t = tallies["imports"]
    for _ in range(sizes.imports):
        t.attempted += 1
        job, error, retried = attempt(recorder, lambda: client.connectors.import_(
            "v7", "v7_demo_key", [{"id": "v7-street-001", "name": "street-v7", "slug": "street-v7"}],
            poll_interval=0.05, timeout=60))
        t.retried += retried
        if error is not None:
            t.failure(error)
        else:
            assert job is not None
            t.succeeded += 1

    # ---------------------------------------------------------------- uploads: one bulk call plus single ones
    t = tallies["uploads"]
    batch = write_images(work / "batch", sizes.uploads, seed, "batch")
    singles = write_images(work / "single", sizes.singles, seed + 1, "single")
    before = len(recorder.snapshot())
    report = client.images.upload_many(ds, sorted((work / "batch").iterdir()), folder_path="/batch", max_workers=6)
    put_failed = {r.path for r in recorder.snapshot()[before:] if r.method == "PUT" and r.failed}
    put_paths = {r.path for r in recorder.snapshot()[before:] if r.method == "PUT"}
    t.attempted += len(batch)
    t.retried += len(put_failed)
    t.succeeded += len(report.succeeded)
    for failure in report.failed:
        t.failure(failure.error)
    assert len(report.succeeded) + len(report.failed) == len(batch)
    assert len(put_paths) >= len(report.succeeded)
    uploaded = {("/batch", img.filename) for img in report.succeeded}
    for name in sorted(singles):
        t.attempted += 1
        _image, error, retried = attempt(recorder, lambda n=name: client.images.upload(  # type: ignore[misc]
            ds, work / "single" / n, folder_path="/single"))
        t.retried += retried
        if error is not None:
            t.failure(error)
        else:
            t.succeeded += 1
            uploaded.add(("/single", name))
    sources = {("/batch", n): b for n, b in batch.items()} | {("/single", n): b for n, b in singles.items()}

    # ---------------------------------------------------------------- annotation saves (single and bulk)
    t = tallies["annotation saves"]
    saved: dict[tuple[str, str], list[tuple[str, list[float]]]] = {}
    targets = sorted(uploaded)
    for folder, name in targets[: sizes.saves]:
        boxes = [(rng.choice(CLASSES), [float(rng.randrange(0, 20)), float(rng.randrange(0, 20)),
                                        float(rng.randrange(1, 10)), float(rng.randrange(1, 10))])
                 for _ in range(rng.randrange(1, 5))]
        anns = [{"name": n, "type": "bbox", "bbox": b} for n, b in boxes]
        t.attempted += 1
        path = f"{folder.strip('/')}/{name}"
        _, error, retried = attempt(recorder, lambda p=path, a=anns: client.annotations.save_by_path(  # type: ignore[misc]
            ds, p, a))
        t.retried += retried
        if error is not None:
            t.failure(error)
        else:
            t.succeeded += 1
            saved[(folder, name)] = boxes
    ids = {(r["directory_path"], r["filename"]): str(r["id"]) for r in image_rows(server, ds)}
    bulk_targets = targets[sizes.saves: sizes.saves + sizes.bulk_saves]
    if bulk_targets:
        plan = {key: [(rng.choice(CLASSES), [1.0, 2.0, float(rng.randrange(1, 9)), 4.0])] for key in bulk_targets}
        saves = {ids[key]: [{"name": n, "type": "bbox", "bbox": b} for n, b in boxes] for key, boxes in plan.items()}
        t.attempted += len(plan)
        result, error, retried = attempt(recorder, lambda: client.annotations.save_bulk(saves))
        t.retried += len(plan) if retried else 0
        if error is not None:
            for _ in plan:
                t.failure(error)
        else:
            assert result is not None
            done = {r.image_id for r in result.saved}
            for key, boxes in plan.items():
                if ids[key] in done:
                    t.succeeded += 1
                    saved[key] = boxes
                else:
                    t.failure(f"bulk save failed for {key}: {result.failed}")

    # ---------------------------------------------------------------- exports: build, poll, download
    t = tallies["exports"]
    formats = ["pictograph", "coco", "yolo", "pascal_voc"]
    export_files: dict[str, Path] = {}
    for i in range(sizes.exports):
        name = f"faults-export-{i}"
        t.attempted += 1

        def build_and_fetch(n: str = name, f: str = formats[i % len(formats)]) -> Path:
            client.exports.create(ds, n, format=f, status_filter=None, poll_interval=0.05, timeout=60)
            return client.exports.download(ds, n, work / "exports" / f"{n}.zip")

        out, error, retried = attempt(recorder, build_and_fetch)
        t.retried += retried
        if error is not None:
            t.failure(error)
        else:
            assert out is not None
            t.succeeded += 1
            export_files[name] = out

    # ---------------------------------------------------------------- downloads: the new dataset and a demo one
    t = tallies["downloads"]
    reports: dict[str, DownloadReport] = {}
    for name in (ds, "road-scenes"):
        reports[name] = client.datasets.download(name, work / "dl" / name, max_workers=6)

    # ---------------------------------------------------------------- checks, faults off
    injected = server.faults.injected
    server.faults.reset()
    # Uploads: every reported image is on the server with the same bytes, once.
    t = tallies["uploads"]
    rows = image_rows(server, ds)
    keys = [(r["directory_path"], r["filename"]) for r in rows]
    t.duplicates = len(keys) - len(set(keys))
    assert set(keys) >= uploaded, f"reported uploaded but not registered: {sorted(uploaded - set(keys))}"
    for folder, name in sorted(uploaded):
        if stored_blob(server, ds, folder, name) == sources[(folder, name)]:
            t.identical += 1
        else:
            t.different += 1
    # Annotation saves: what the server holds is what was reported saved.
    t = tallies["annotation saves"]
    by_key = {(r["directory_path"], r["filename"]): r for r in rows}
    for key, boxes in saved.items():
        held = sorted((a["name"], [float(a["bounding_box"][k]) for k in "xywh"]) for a in by_key[key]["annotations"])
        if held == sorted(boxes):
            t.identical += 1
        else:
            t.lost += 1
    # Exports: one row per name; the downloaded ZIP is the server's file byte for byte.
    t = tallies["exports"]
    for i in range(sizes.exports):
        count = scalar(server, "SELECT count(*) FROM exports WHERE dataset_id = ? AND name = ?", dsid,
                       f"faults-export-{i}")
        t.duplicates += max(0, count - 1)
    for export_name, zip_path in export_files.items():
        row = server.state.storage.one("SELECT id FROM exports WHERE dataset_id = ? AND name = ?", dsid,
                                       export_name)
        assert row is not None
        same = zip_path.read_bytes() == server.state.storage.export_path(row["id"]).read_bytes()
        t.identical += same
        t.different += not same
    # Imports: one job per call that was made, the imported dataset complete.
    t = tallies["imports"]
    jobs = scalar(server, "SELECT count(*) FROM imports WHERE org_id = ?", server.organization_id)
    t.duplicates = max(0, jobs - tallies["imports"].attempted)
    if t.succeeded:
        t.identical = len(image_rows(server, "street-v7"))
        t.lost = 6 - t.identical
    # Downloads: compare with a fault-free download made now.
    t = tallies["downloads"]
    for name, dl_report in reports.items():
        reference = client.datasets.download(name, work / "ref" / name)
        assert reference.ok, reference.failures
        want = tree_digests(work / "ref" / name)
        got = tree_digests(work / "dl" / name)
        t.attempted += len(want)
        t.succeeded += len(got)
        t.retried += len({r.filename + r.kind for r in dl_report.retries})
        for dl_failure in dl_report.failures:
            t.failure(dl_failure.error)
        assert stray_parts(work / "dl" / name) == []
        assert set(got) <= set(want)
        t.identical += sum(1 for k, v in got.items() if want[k] == v)
        t.different += sum(1 for k, v in got.items() if want[k] != v)
        assert len(got) + len(dl_report.failures) == len(want), (name, len(got), dl_report.failures)
    return tallies, injected


def check_and_record(figures: Figures, tallies: dict[str, Tally], rate: float, size: str,
                     injected: dict[str, int], seconds: float) -> None:
    for op, t in tallies.items():
        figures.record("faults", f"{op} @ {rate:.0%} ({size})", **t.counts())
        assert t.attempted > 0, op
        assert t.succeeded + t.failed == t.attempted or op == "downloads", (op, t)
        assert t.unclear == [], (op, t.unclear)
        assert t.different == 0, (op, t)
        assert t.duplicates == 0, (op, t)
        assert t.lost == 0, (op, t)
    figures.record("faults", f"injected @ {rate:.0%} ({size})", seconds=round(seconds, 1),
                   **{f"injected_{k}": v for k, v in sorted(injected.items())})
    assert sum(injected.values()) > 0


def _run(rate: float, seed: int, sizes: Sizes, label: str, tmp_path: Path, recorder: RequestRecorder,
         figures: Figures) -> None:
    started = time.monotonic()
    sleeper = ShortSleep()
    with MockServer(seed="demo", validate_responses=True) as server:
        client = server.client(max_retries=6, timeout=TIMEOUT, sleep=sleeper)
        try:
            tallies, injected_box = run_faults(server, client, recorder, tmp_path, sizes, rate, seed)
        finally:
            client.close()
        assert server.response_problems == []
    # 429 answers carried Retry-After: 1, and the SDK asked to wait at least that long after them.
    if injected_box.get("429"):
        assert max(sleeper.asked) >= 1.0
    check_and_record(figures, tallies, rate, label, injected_box, time.monotonic() - started)


def test_faults_fast_subset_keeps_every_file_and_annotation(tmp_path: Path, recorder: RequestRecorder,
                                                            figures: Figures) -> None:
    _run(0.10, 11, FAST, "fast", tmp_path, recorder, figures)


@pytest.mark.stress
@pytest.mark.parametrize("rate", [0.05, 0.10, 0.25])
def test_faults_full_runs(rate: float, tmp_path: Path, recorder: RequestRecorder, figures: Figures) -> None:
    _run(rate, int(rate * 1000), FULL, "full", tmp_path, recorder, figures)
