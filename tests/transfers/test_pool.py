"""run_bounded, the engine of parallel transfers (the sync client runs the same one on its loop): bounds,
laziness, errors, early exit, and workers that go on to their next item without waiting for the caller."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Iterator

import pytest

from pictograph._transfers._pool import run_bounded as run_bounded_async


class Probe:
    """Counts items taken and calls running at once (thread-safe)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.taken = 0
        self.running = 0
        self.peak = 0
        self.calls = 0

    def items(self, n: int) -> Iterator[int]:
        for i in range(n):
            with self.lock:
                self.taken += 1
            yield i

    def enter(self) -> None:
        with self.lock:
            self.running += 1
            self.calls += 1
            self.peak = max(self.peak, self.running)

    def leave(self) -> None:
        with self.lock:
            self.running -= 1


async def _async_collect(probe: Probe, n: int, limit: int, delay: float = 0.002) -> list[int]:
    async def work(i: int) -> int:
        probe.enter()
        await asyncio.sleep(delay)
        probe.leave()
        return i * 2

    return [r async for r in run_bounded_async(work, probe.items(n), limit)]


@pytest.mark.parametrize(("n", "limit"), [(0, 4), (1, 4), (3, 8), (50, 4), (40, 1)])
def test_every_item_once_with_at_most_limit_at_once(n: int, limit: int) -> None:
    probe = Probe()
    results = asyncio.run(_async_collect(probe, n, limit))
    assert sorted(results) == [2 * i for i in range(n)]
    assert probe.calls == n
    assert probe.peak <= limit
    if n >= 2 * limit:
        assert probe.peak == limit  # the bound is used, not just respected


def test_async_workers_go_on_without_the_caller() -> None:
    async def main() -> None:
        probe = Probe()
        gate = asyncio.Event()

        async def work(i: int) -> int:
            probe.enter()
            if i == 0:
                await gate.wait()
            else:
                await asyncio.sleep(0)
            probe.leave()
            return i

        results = run_bounded_async(work, probe.items(50), 3)
        first = await results.__anext__()
        assert first != 0
        for _ in range(100):  # the caller does not ask for results; the loop runs the workers anyway
            await asyncio.sleep(0)
        assert probe.calls >= 10
        gate.set()
        rest = [r async for r in results]
        assert sorted([first, *rest]) == list(range(50))

    asyncio.run(main())


async def _sleepy(probe: Probe, i: int) -> int:
    """``i`` after a millisecond, counted as running meanwhile (a cancelled call leaves the count too)."""
    probe.enter()
    try:
        await asyncio.sleep(0.001)
    finally:
        probe.leave()
    return i


def test_an_error_is_raised_to_the_caller_and_stops_taking_items() -> None:
    probe = Probe()

    def check(i: int) -> int:
        if i == 5:
            raise KeyError("boom")
        return i

    async def awork(i: int) -> int:
        return check(await _sleepy(probe, i))

    async def drain() -> list[int]:
        return [r async for r in run_bounded_async(awork, probe.items(1000), 4)]

    with pytest.raises(KeyError, match="boom"):
        asyncio.run(drain())
    assert probe.taken < 1000
    assert probe.running == 0  # nothing left running once the call is over


def test_leaving_early_stops_the_workers() -> None:
    probe = Probe()

    async def awork(i: int) -> int:
        return await _sleepy(probe, i)

    async def first_three() -> None:
        gen = run_bounded_async(awork, probe.items(1000), 4)
        for _ in range(3):
            await gen.__anext__()
        await gen.aclose()

    asyncio.run(first_three())
    taken = probe.taken
    assert taken < 100
    assert probe.running == 0
    time.sleep(0.02)
    assert probe.taken == taken  # nothing is taken after the caller left


def test_a_limit_below_one_is_refused() -> None:
    async def awork(i: int) -> int:
        return i

    async def go() -> None:
        async for _ in run_bounded_async(awork, [1], 0):
            pass

    with pytest.raises(ValueError, match="concurrency limit"):
        asyncio.run(go())
