"""Run ``func`` on every item in at most ``limit`` threads, yielding results in completion order.

Hand-written counterpart of ``pictograph/_async/_pool.py`` (``scripts/unasync.py`` leaves it alone): threads
instead of tasks. Each thread takes the next item itself when it is free (items are still taken lazily, one at
a time, under a lock), results are yielded in the calling thread through a queue (so the caller updates reports
and progress without locks), and leaving the loop early stops the threads taking items and waits for the
files in flight. :class:`Background` runs one call in a thread of its own beside the caller, and
:func:`send_direct` is the sync form of handing a request to an httpx transport.
"""

from __future__ import annotations

import operator
import queue
import threading
from collections.abc import Callable, Generator, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")

_END = object()  # the items are exhausted (or the caller left)
_RESULT, _ERROR, _EXITED = 0, 1, 2


def run_bounded(func: Callable[[T], R], items: Iterable[T], limit: int) -> Generator[R, None, None]:
    """Yield ``func(item)`` for every item, at most ``limit`` running at once."""
    if limit < 1:
        raise ValueError(f"the concurrency limit must be >= 1, got {limit}")
    source = iter(items)
    pull = threading.Lock()  # one thread at a time advances ``source`` (a generator cannot run twice at once)
    stop = threading.Event()
    finished: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()

    def take() -> Any:
        with pull:
            return _END if stop.is_set() else next(source, _END)

    def work() -> None:
        # Each thread takes its next item the moment it is free: no hand-over through the calling thread
        # between one file and the next (two thread wake-ups per file, a tenth of the time of a latency-bound
        # transfer with 32 files in flight on a small machine).
        try:
            while (item := take()) is not _END:
                finished.put((_RESULT, func(item)))
        except BaseException as exc:  # the caller raises it
            finished.put((_ERROR, exc))
        finally:
            finished.put((_EXITED, None))

    started: list[threading.Thread] = []
    try:
        for i in range(min(limit, operator.length_hint(items, limit))):
            thread = threading.Thread(target=work, name=f"pictograph-transfer-{i}")
            thread.start()
            started.append(thread)
        live = len(started)
        while live:
            kind, value = finished.get()
            if kind == _RESULT:
                yield value
            elif kind == _ERROR:
                raise value
            else:
                live -= 1
    finally:
        stop.set()
        for thread in started:
            thread.join()


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
