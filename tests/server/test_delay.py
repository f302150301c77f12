"""The server's added latency averages what was asked for, however late the event loop wakes."""

from __future__ import annotations

import asyncio
import statistics

import pytest

from pictograph.testing import MockServer
from pictograph.testing._faults import Delay


class LateLoop:
    """A fake clock and sleep: every sleep wakes ``late`` seconds after the time asked for."""

    def __init__(self, late: list[float]) -> None:
        self.now = 0.0
        self.late = late
        self.asked: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.asked.append(seconds)
        self.now += seconds + self.late[(len(self.asked) - 1) % len(self.late)]


def _lasted(delay: Delay, loop: LateLoop, seconds: float, times: int) -> list[float]:
    async def run() -> list[float]:
        lasted = []
        for _ in range(times):
            start = loop.now
            await delay(seconds)
            lasted.append(loop.now - start)
        return lasted

    return asyncio.run(run())


@pytest.mark.parametrize("late", [[0.0004], [0.0002, 0.0009, -0.0003, 0.0005]])
def test_sleeps_average_the_latency_asked_for(late: list[float]) -> None:
    loop = LateLoop(late)
    delay = Delay(loop.sleep, loop.clock)
    lasted = _lasted(delay, loop, 0.020, 400)
    assert lasted[0] == pytest.approx(0.020 + late[0])  # the first sleep is not corrected yet
    assert statistics.mean(lasted[200:]) == pytest.approx(0.020, abs=0.00002)
    assert delay.lateness == pytest.approx(statistics.mean(late), abs=0.00002)


def test_a_punctual_loop_is_not_corrected() -> None:
    loop = LateLoop([0.0])
    delay = Delay(loop.sleep, loop.clock)
    assert _lasted(delay, loop, 0.020, 50) == pytest.approx([0.020] * 50)
    assert loop.asked == pytest.approx([0.020] * 50, abs=1e-12)


def test_the_correction_is_bounded() -> None:
    loop = LateLoop([0.050])  # a loop blocked for 50 ms after each sleep
    delay = Delay(loop.sleep, loop.clock, max_correction=0.001)
    _lasted(delay, loop, 0.020, 200)
    assert delay.lateness == 0.001
    assert min(loop.asked) == pytest.approx(0.019)
    loop.late = [-0.005]  # waking early never lengthens a sleep beyond what was asked
    _lasted(delay, loop, 0.020, 200)
    assert delay.lateness == 0.0
    assert loop.asked[-1] == 0.020


def test_no_latency_no_sleep() -> None:
    loop = LateLoop([0.001])
    delay = Delay(loop.sleep, loop.clock)
    _lasted(delay, loop, 0.0, 5)
    assert loop.asked == []


def test_the_server_uses_it_for_added_latency() -> None:
    with MockServer(seed="demo") as server, server.client(max_retries=0) as client:
        server.faults.update(api_latency_ms=30)
        app = server._app
        assert app is not None
        calls: list[float] = []
        real = app._delay

        async def spy(seconds: float) -> None:
            calls.append(seconds)
            await real(seconds)

        app._delay = spy
        client.datasets.list()
        assert calls == [0.030]
