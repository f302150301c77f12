"""Run ``func`` on every item in at most ``limit`` threads, yielding results in completion order.

Hand-written counterpart of ``pictograph/_async/_pool.py`` (``scripts/unasync.py`` leaves it alone): threads
instead of tasks. Items are submitted lazily, results are yielded in the calling thread (so the caller updates
reports and progress without locks), and leaving the loop early cancels what has not started and waits for
the files in flight. Finished futures arrive through a queue, so each completion costs O(1), not a scan of
every running future. :class:`Background` runs one call in a thread of its own beside the caller, and
:func:`send_direct` is the sync form of handing a request to an httpx transport.
"""

from __future__ import annotations

import queue
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")


def run_bounded(func: Callable[[T], R], items: Iterable[T], limit: int) -> Iterator[R]:
    """Yield ``func(item)`` for every item, at most ``limit`` running at once."""
    if limit < 1:
        raise ValueError(f"the concurrency limit must be >= 1, got {limit}")
    source = iter(items)
    finished: queue.SimpleQueue[Future[R]] = queue.SimpleQueue()
    running: set[Future[R]] = set()
    executor = ThreadPoolExecutor(max_workers=limit, thread_name_prefix="pictograph-transfer")

    def submit_next() -> bool:
        try:
            item = next(source)
        except StopIteration:
            return False
        future = executor.submit(func, item)
        running.add(future)
        future.add_done_callback(finished.put)
        return True

    try:
        while len(running) < limit and submit_next():
            pass
        while running:
            future = finished.get()
            running.discard(future)
            submit_next()
            yield future.result()
    finally:
        for future in running:
            future.cancel()
        executor.shutdown(wait=True, cancel_futures=True)


def send_direct(transport: httpx.BaseTransport, request: httpx.Request) -> httpx.Response:
    """Hand ``request`` to ``transport`` itself, with no client layer; the caller reads and closes the body."""
    return transport.handle_request(request)


class Background(Generic[R]):
    """``func(*args)`` running beside the caller from now on (a thread); ``result()`` waits for its outcome."""

    def __init__(self, func: Callable[..., R], *args: Any) -> None:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pictograph-transfer")
        self._future: Future[R] = executor.submit(func, *args)
        executor.shutdown(wait=False)  # the thread ends with the call

    def result(self) -> R:
        return self._future.result()

    def done(self) -> bool:
        """Whether it has finished (``result()`` would not wait)."""
        return self._future.done()

    def cancel(self) -> None:
        """Stop it if it has not started, else wait until it has finished (a thread cannot be interrupted);
        its outcome is dropped."""
        if not self._future.cancel():
            self._future.exception()
