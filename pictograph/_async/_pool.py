# unasync: hand-written sync counterpart at pictograph/_sync/_pool.py
"""Run one coroutine per item with at most ``limit`` in flight, yielding results in completion order.

The only place where the async and sync front ends differ in how transfers run side by side: here tasks
bounded by a count, in ``pictograph/_sync/_pool.py`` a thread pool; :class:`Background` runs one call beside
the caller (a task here, a thread there), and :func:`send_direct` names the method of an httpx transport that
takes a request. Items are pulled lazily, so a long input
never sits in memory as pending tasks; results are yielded in the caller's task, so the caller updates
reports and progress without locks. Leaving the loop early (an exception, ``break``, cancellation) cancels
what is still running.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Generic, TypeVar

import httpx

T = TypeVar("T")
R = TypeVar("R")


async def run_bounded(func: Callable[[T], Awaitable[R]], items: Iterable[T], limit: int) -> AsyncIterator[R]:
    """Yield ``await func(item)`` for every item, at most ``limit`` running at once."""
    if limit < 1:
        raise ValueError(f"the concurrency limit must be >= 1, got {limit}")
    source = iter(items)
    running: set[asyncio.Future[R]] = set()

    def refill() -> None:
        while len(running) < limit:
            try:
                item = next(source)
            except StopIteration:
                return
            running.add(asyncio.ensure_future(func(item)))

    try:
        refill()
        while running:
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                running.discard(task)
            refill()
            for task in done:
                yield task.result()
    finally:
        for task in running:
            task.cancel()
        if running:
            await asyncio.gather(*running, return_exceptions=True)


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
