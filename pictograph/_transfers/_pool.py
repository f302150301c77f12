"""Run a coroutine per item with at most ``limit`` in flight, yielding results in completion order.

``limit`` worker tasks; :class:`Background` runs one call beside the caller (a task), and :func:`send_direct`
names the method of an httpx transport that takes a request. A worker takes the next item itself as soon as it
is free, so items are pulled lazily (a long input never sits in memory as pending tasks) and no round trip
through the caller separates one file from the next; results are yielded in the caller's task, so the caller
updates reports and progress without locks. Leaving the loop early (an exception, ``break``, cancellation)
cancels what is still running. Async only: the sync client runs the transfer jobs on an event loop too.
"""

from __future__ import annotations

import asyncio
import collections
import operator
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")


async def run_bounded(func: Callable[[T], Awaitable[R]], items: Iterable[T], limit: int) -> AsyncGenerator[R, None]:
    """Yield ``await func(item)`` for every item, at most ``limit`` running at once."""
    if limit < 1:
        raise ValueError(f"the concurrency limit must be >= 1, got {limit}")
    source = iter(items)
    results: collections.deque[R] = collections.deque()
    errors: list[BaseException] = []
    ready = asyncio.Event()
    live = 0

    async def worker() -> None:
        # Each worker takes its next item the moment it is free, in the same step: no round trip through the
        # caller's task between one file and the next (with 32 files in flight those round trips cost about a
        # tenth of a latency-bound transfer's time).
        nonlocal live
        try:
            for item in source:
                results.append(await func(item))
                ready.set()
        except BaseException as exc:  # the caller raises it (a cancellation from the finally below included)
            errors.append(exc)
        finally:
            live -= 1
            ready.set()

    workers: list[asyncio.Future[None]] = []
    try:
        for _ in range(min(limit, operator.length_hint(items, limit))):
            live += 1
            workers.append(asyncio.ensure_future(worker()))
        while True:
            while results:
                yield results.popleft()
            if errors:
                raise errors[0]
            if not live:
                return
            ready.clear()
            await ready.wait()
    finally:
        for task in workers:
            task.cancel()
        if workers:
            await asyncio.gather(*workers, return_exceptions=True)


async def send_direct(transport: httpx.AsyncBaseTransport, request: httpx.Request) -> httpx.Response:
    """Hand ``request`` to ``transport`` itself, with no client layer; the caller reads and closes the body."""
    return await transport.handle_async_request(request)


class Background(Generic[R]):
    """``func(*args)`` running beside the caller from now on (a task); ``result()`` waits for its outcome."""

    def __init__(self, func: Callable[..., Awaitable[R]], *args: Any) -> None:
        self._task: asyncio.Future[R] = asyncio.ensure_future(func(*args))

    async def result(self) -> R:
        return await self._task

    def done(self) -> bool:
        """Whether it has finished (``result()`` would not wait)."""
        return self._task.done()

    async def cancel(self) -> None:
        """Stop it if it still runs and wait until it has; its outcome is dropped."""
        self._task.cancel()
        await asyncio.gather(self._task, return_exceptions=True)
