"""Load: 8 threads sharing one ``Client`` and 8 tasks sharing one ``AsyncClient`` run mixed reads and writes
against the local server for a bounded time, with a seeded share of API requests answered 500/503/429.

Retries are off (``max_retries=0``), so every injected fault surfaces as exactly one error: the run passes
only when the errors are exactly the injected ones. File descriptors (sockets and files) are counted before
the clients exist and after they are closed; Python memory is sampled with ``tracemalloc`` and must stay flat.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import random
import statistics
import threading
import time
import tracemalloc
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import pytest

from pictograph import AsyncClient, Client
from pictograph.errors import PictographError
from pictograph.testing import MockServer

from ._support import write_images
from .conftest import Figures

DATASET = "load"
THREADS = 8
TASKS = 8
OPS = ("list_datasets", "get_dataset", "list_images", "get_annotations", "save_annotations", "upload",
       "download_image")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


def settled_fds(target: int) -> int:
    """Open descriptors once closed connections have left the server's side too (it notices a moment later)."""
    count = open_fds()
    for _ in range(40):
        if count <= target:
            break
        time.sleep(0.05)
        count = open_fds()
    return count


class Book:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.ops: dict[str, int] = dict.fromkeys(OPS, 0)
        self.errors: list[str] = []

    def done(self, op: str, error: BaseException | None) -> None:
        with self.lock:
            self.ops[op] += 1
            if error is not None:
                self.errors.append(f"{op}: {type(error).__name__}: {error}")


def _annotations(rng: random.Random) -> list[dict[str, Any]]:
    return [{"name": "car", "type": "bbox", "bbox": [rng.randrange(10), rng.randrange(10), 5, 5]}
            for _ in range(rng.randrange(0, 4))]


def sync_worker(client: Client, index: int, deadline: float, paths: list[Path], work: Path, book: Book,
                names: itertools.count[int]) -> None:
    rng = random.Random(index)
    while time.monotonic() < deadline:
        op = rng.choice(OPS)
        target = rng.choice(paths).name
        error: BaseException | None = None
        try:
            if op == "list_datasets":
                client.datasets.list()
            elif op == "get_dataset":
                client.datasets.get(DATASET)
            elif op == "list_images":
                client.datasets.list_images(DATASET, limit=20)
            elif op == "get_annotations":
                client.annotations.get_by_path(DATASET, f"base/{target}")
            elif op == "save_annotations":
                client.annotations.save_by_path(DATASET, f"base/{target}", _annotations(rng))
            elif op == "upload":
                client.images.upload(DATASET, rng.choice(paths), folder_path=f"/t{index}",
                                     filename=f"u{next(names)}.png")
            else:
                client.images.download(DATASET, f"base/{target}", work / f"t{index}.png")
        except PictographError as exc:
            error = exc
        book.done(op, error)


async def async_worker(client: AsyncClient, index: int, deadline: float, paths: list[Path], work: Path,
                       book: Book, names: itertools.count[int]) -> None:
    rng = random.Random(1000 + index)
    while time.monotonic() < deadline:
        op = rng.choice(OPS)
        target = rng.choice(paths).name
        pending: Awaitable[Any]
        if op == "list_datasets":
            pending = client.datasets.list()
        elif op == "get_dataset":
            pending = client.datasets.get(DATASET)
        elif op == "list_images":
            pending = client.datasets.list_images(DATASET, limit=20)
        elif op == "get_annotations":
            pending = client.annotations.get_by_path(DATASET, f"base/{target}")
        elif op == "save_annotations":
            pending = client.annotations.save_by_path(DATASET, f"base/{target}", _annotations(rng))
        elif op == "upload":
            pending = client.images.upload(DATASET, rng.choice(paths), folder_path=f"/a{index}",
                                           filename=f"a{next(names)}.png")
        else:
            pending = client.images.download(DATASET, f"base/{target}", work / f"a{index}.png")
        error: BaseException | None = None
        try:
            await pending
        except PictographError as exc:
            error = exc
        book.done(op, error)


def run_load(seconds: float, fault_rate: float, work: Path, figures: Figures, label: str) -> None:
    with MockServer(seed="empty") as server:
        setup = server.client()
        setup.datasets.create(DATASET, classes=[{"name": "car"}], annotation_types=["bbox"])
        write_images(work / "src", 12, 5, "base")
        paths = sorted((work / "src").iterdir())
        assert setup.images.upload_many(DATASET, paths, folder_path="/base").ok
        setup.close()
        time.sleep(0.3)
        fds_before = open_fds()

        tracemalloc.start()
        samples: list[int] = []
        book = Book()
        names = itertools.count()
        client = server.client(max_retries=0, timeout=10)
        aclient = server.async_client(max_retries=0, timeout=10)
        server.faults.update(seed=7, error_rate=fault_rate * 0.7, rate_limit_rate=fault_rate * 0.3,
                             retry_after="1")
        deadline = time.monotonic() + seconds

        async def async_side() -> None:
            await asyncio.gather(*(async_worker(aclient, i, deadline, paths, work, book, names)
                                   for i in range(TASKS)))
            await aclient.aclose()

        threads = [threading.Thread(target=sync_worker, args=(client, i, deadline, paths, work, book, names))
                   for i in range(THREADS)]
        threads.append(threading.Thread(target=asyncio.run, args=(async_side(),)))
        for thread in threads:
            thread.start()
        peak_fds = fds_before
        while any(t.is_alive() for t in threads):
            samples.append(tracemalloc.get_traced_memory()[0])
            peak_fds = max(peak_fds, open_fds())
            time.sleep(0.1)
        for thread in threads:
            thread.join()
        client.close()
        tracemalloc.stop()
        injected = server.faults.injected
        server.faults.reset()
        fds_after = settled_fds(fds_before)

    total_ops = sum(book.ops.values())
    third = max(1, len(samples) // 3)
    early = statistics.median(samples[third: 2 * third] or samples)
    late = statistics.median(samples[2 * third:] or samples)
    growth_mb = (late - early) / 2**20
    not_injected = [e for e in book.errors if "injected fault" not in e]
    figures.record("load", f"{THREADS} threads + {TASKS} tasks, {seconds:g} s ({label})", operations=total_ops,
                   writes=book.ops["save_annotations"] + book.ops["upload"], errors=len(book.errors),
                   injected_faults=sum(injected.values()), errors_not_injected=len(not_injected),
                   fds_before=fds_before, fds_peak=peak_fds, fds_after=fds_after,
                   memory_growth_mb=round(growth_mb, 2))
    assert total_ops > 0 and all(book.ops.values()), book.ops
    assert not_injected == [], not_injected[:5]
    assert len(book.errors) == sum(injected.values()), (len(book.errors), injected)
    assert fds_after <= fds_before, (fds_before, fds_after)
    assert growth_mb < 8, f"memory grew {growth_mb:.1f} MB between the middle and the end of the run"


def test_client_close_releases_storage_connections(tmp_path: Path) -> None:
    """Closing a client also closes the signed-URL pool its uploads opened (sockets on both ends go away)."""
    with MockServer(seed="empty") as server:
        setup = server.client()
        setup.datasets.create(DATASET)
        setup.close()
        write_images(tmp_path, 3, 9, "leak")
        before = settled_fds(0)
        client = server.client()
        for path in sorted(tmp_path.iterdir()):
            client.images.upload(DATASET, path)
        client.close()
        assert settled_fds(before) <= before


def test_load_fast_subset(tmp_path: Path, figures: Figures) -> None:
    run_load(3.0, 0.05, tmp_path, figures, "fast")


@pytest.mark.stress
def test_load_60_seconds(tmp_path: Path, figures: Figures) -> None:
    run_load(60.0, 0.05, tmp_path, figures, "full")
