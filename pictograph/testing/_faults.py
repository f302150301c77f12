"""Faults on demand: latency, 500/503 answers, 429 with ``Retry-After``, dropped connections, truncated files,
stalls (the request is served, but its answer only leaves after 1–3 s, beyond a short client timeout).

Every decision comes from one ``random.Random(seed)``, drawn in request order, so the same sequence of requests
meets the same faults on every run.  ``script`` forces the outcome of the next requests one by one (for example
``["429", "500", "ok"]``) before the random rates apply.

Settable at start (``MockServer(faults={...})``), from Python while running (``server.faults.update(...)``)
and over HTTP (``POST /_admin/faults`` with a JSON object of the same keys; ``GET`` reads them back).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

Outcome = Literal["ok", "500", "503", "429", "drop", "truncate", "stall"]
_OUTCOMES: frozenset[str] = frozenset({"ok", "500", "503", "429", "drop", "truncate", "stall"})


@dataclass
class FaultSettings:
    """The knobs; rates are fractions in [0, 1] of the requests they apply to."""

    seed: int = 0
    api_latency_ms: float = 0.0
    file_latency_ms: float = 0.0
    error_rate: float = 0.0            # API requests answered 500 or 503 (half each)
    rate_limit_rate: float = 0.0       # API requests answered 429
    retry_after: str = "1"             # the Retry-After value sent with a 429
    drop_rate: float = 0.0             # API and file requests whose connection drops after the headers
    file_error_rate: float = 0.0       # file requests (signed storage URLs) answered 500 or 503 (half each)
    truncate_rate: float = 0.0         # file downloads cut short (Content-Length promises more)
    stall_rate: float = 0.0            # API and file requests served, but answered only after a stall
    stall_min_ms: float = 1000.0       # a stall lasts between these two (drawn from the seeded sequence)
    stall_max_ms: float = 3000.0
    job_failure_rate: float = 0.0      # export builds and imports that end failed
    job_step_delay_ms: float = 0.0     # pause between job steps (to watch pending/processing, to cancel)
    script: list[str] = field(default_factory=list)


class Faults:
    """The live fault handle of a server (thread-safe).

    Example::

        server.faults.update(rate_limit_rate=1.0, retry_after="2")
        server.faults.update(script=["503", "ok"])   # the next request fails, the one after succeeds
        server.faults.reset()
    """

    def __init__(self, settings: FaultSettings | dict[str, Any] | None = None) -> None:
        self._lock = threading.Lock()
        self._settings = FaultSettings()
        self._rng = random.Random(0)
        self._script: deque[str] = deque()
        self._job_rng = random.Random(0)
        self._injected: dict[str, int] = {}
        self.update(**(asdict(settings) if isinstance(settings, FaultSettings) else (settings or {})))

    @property
    def settings(self) -> FaultSettings:
        with self._lock:
            return FaultSettings(**asdict(self._settings))

    def update(self, **changes: Any) -> FaultSettings:
        """Change some knobs; changing ``seed`` restarts the random sequence."""
        known = {f.name for f in fields(FaultSettings)}
        unknown = set(changes) - known
        if unknown:
            raise ValueError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        for key, value in changes.items():
            if key.endswith("_rate") and not (isinstance(value, (int, float)) and 0 <= value <= 1):
                raise ValueError(f"{key} must be a number in [0, 1]")
            if key.endswith("_ms") and not (isinstance(value, (int, float)) and value >= 0):
                raise ValueError(f"{key} must be a number >= 0")
        script = changes.get("script")
        if script is not None:
            bad = [s for s in script if s not in _OUTCOMES]
            if bad:
                raise ValueError(f"script entries must be among {sorted(_OUTCOMES)}, got {bad}")
        with self._lock:
            for key, value in changes.items():
                if key == "retry_after":
                    value = str(value)
                setattr(self._settings, key, value)
            if "seed" in changes:
                self._rng = random.Random(self._settings.seed)
                self._job_rng = random.Random(self._settings.seed + 1)
            if script is not None:
                self._script = deque(script)
                self._settings.script = list(script)
            return FaultSettings(**asdict(self._settings))

    @property
    def injected(self) -> dict[str, int]:
        """How many requests met each fault (``"500"``, ``"drop"``, ``"stall"``...) since start or reset."""
        with self._lock:
            return dict(self._injected)

    def reset(self) -> None:
        """Back to no faults, with the random sequence restarted and the injected counts cleared."""
        with self._lock:
            self._injected = {}
            self._settings = FaultSettings()
            self._rng = random.Random(0)
            self._job_rng = random.Random(0)
            self._script.clear()

    def decide(self, kind: Literal["api", "file"]) -> tuple[Outcome, float]:
        """The outcome of the next request and the latency (seconds) to add before it."""
        outcome, latency = self._decide(kind)
        if outcome != "ok":
            with self._lock:
                self._injected[outcome] = self._injected.get(outcome, 0) + 1
        return outcome, latency

    def stall_seconds(self) -> float:
        """How long the next stall lasts: between ``stall_min_ms`` and ``stall_max_ms``."""
        with self._lock:
            low, high = self._settings.stall_min_ms, max(self._settings.stall_min_ms, self._settings.stall_max_ms)
            return (low + (high - low) * self._rng.random()) / 1000.0

    def _decide(self, kind: Literal["api", "file"]) -> tuple[Outcome, float]:
        with self._lock:
            s = self._settings
            latency = (s.api_latency_ms if kind == "api" else s.file_latency_ms) / 1000.0
            if self._script:
                outcome = self._script.popleft()
                s.script = list(self._script)
                return outcome, latency  # type: ignore[return-value]
            if not (s.error_rate or s.rate_limit_rate or s.drop_rate or s.truncate_rate or s.stall_rate
                    or s.file_error_rate):
                return "ok", latency
            draw = self._rng.random()
            if kind == "api":
                if draw < s.rate_limit_rate:
                    return "429", latency
                draw -= s.rate_limit_rate
                if draw < s.error_rate:
                    return ("500" if self._rng.random() < 0.5 else "503"), latency
                draw -= s.error_rate
                if draw < s.drop_rate:
                    return "drop", latency
                draw -= s.drop_rate
                if draw < s.stall_rate:
                    return "stall", latency
                return "ok", latency
            if draw < s.file_error_rate:
                return ("500" if self._rng.random() < 0.5 else "503"), latency
            draw -= s.file_error_rate
            if draw < s.drop_rate:
                return "drop", latency
            draw -= s.drop_rate
            if draw < s.truncate_rate:
                return "truncate", latency
            draw -= s.truncate_rate
            if draw < s.stall_rate:
                return "stall", latency
            return "ok", latency

    def job_fails(self) -> bool:
        with self._lock:
            rate = self._settings.job_failure_rate
            return rate > 0 and self._job_rng.random() < rate

    def job_delay(self) -> float:
        with self._lock:
            return self._settings.job_step_delay_ms / 1000.0

    def retry_after(self) -> str:
        with self._lock:
            return self._settings.retry_after


class Delay:
    """Added latency whose average is the latency asked for.

    ``asyncio.sleep(0.020)`` does not last 20 ms: ``epoll`` waits whole milliseconds, the loop runs a timer's
    callback only when it gets round to it, and a sleeping CPU takes a while to wake (much longer in a virtual
    machine). On this project's 2-core test machine a server's 20 ms sleeps averaged 20.3 ms alone and up to
    20.6 ms under a transfer benchmark's load, which a client then counted as its own overhead. ``Delay``
    keeps a running average of how late its sleeps wake and asks the loop for that much less, so the sleeps
    average the configured value (single sleeps still vary by about a millisecond either way). The correction
    stays between 0 and ``max_correction``, and each wake counts as at most twice that late (or early), so
    one very late wake (a blocked loop) moves it only a little.

    One instance per event loop (it is not locked); ``sleep`` and ``clock`` are replaceable for tests.
    """

    def __init__(self, sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
                 clock: Callable[[], float] = time.perf_counter, *, weight: float = 0.05,
                 max_correction: float = 0.001) -> None:
        self._sleep = sleep
        self._clock = clock
        self._weight = weight
        self._max = max_correction
        self.lateness = 0.0
        """The current estimate (seconds) of how late a sleep wakes."""

    async def __call__(self, seconds: float) -> None:
        if seconds <= 0:
            return
        asked = max(0.0, seconds - self.lateness)
        start = self._clock()
        await self._sleep(asked)
        late = min(max(self._clock() - start - asked, -2 * self._max), 2 * self._max)
        estimate = self.lateness + self._weight * (late - self.lateness)
        self.lateness = min(max(estimate, 0.0), self._max)
