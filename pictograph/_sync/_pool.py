"""Run ``func`` on every item in at most ``limit`` threads, yielding results in completion order.

Hand-written counterpart of ``pictograph/_async/_pool.py`` (``scripts/unasync.py`` leaves it alone): threads
instead of tasks. Items are submitted lazily, results are yielded in the calling thread (so the caller updates
reports and progress without locks), and leaving the loop early cancels what has not started and waits for
the files in flight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(func: Callable[[T], R], items: Iterable[T], limit: int) -> Iterator[R]:
    """Yield ``func(item)`` for every item, at most ``limit`` running at once."""
    if limit < 1:
        raise ValueError(f"the concurrency limit must be >= 1, got {limit}")
    source = iter(items)
    running: set[Future[R]] = set()
    executor = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="pictograph-transfer")

    def refill() -> None:
        while len(running) < limit:
            try:
                item = next(source)
            except StopIteration:
                return
            running.add(executor.submit(func, item))

    try:
        refill()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            running.difference_update(done)
            refill()
            for future in done:
                yield future.result()
    finally:
        for future in running:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)
