"""Shared fixtures of the stress suites: the figures book, the request recorder, a no-wait sleep.

Every suite records its figures through the ``figures`` fixture. They are printed at the end of the run and,
when ``PICTOGRAPH_STRESS_FIGURES`` names a file, appended to it as JSON lines for ``tests/stress/report.py``,
which turns them into ``docs/reliability.md``.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from pictograph._transfers._storage_http import AsyncStorageTransport, plain_head

FIGURES_ENV = "PICTOGRAPH_STRESS_FIGURES"


class Figures:
    """The figures of one pytest session: one row per suite run."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def record(self, suite: str, run: str, **counts: Any) -> None:
        row = {"suite": suite, "run": run, **counts}
        with self._lock:
            self.rows.append(row)
            if self.path is not None:
                with open(self.path, "a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row, sort_keys=False) + "\n")


_BOOK = Figures(Path(os.environ[FIGURES_ENV]) if os.environ.get(FIGURES_ENV) else None)


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _BOOK


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _BOOK.rows:
        return
    terminalreporter.section("stress figures")
    for row in _BOOK.rows:
        rest = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("suite", "run"))
        terminalreporter.write_line(f"{row['suite']} / {row['run']}: {rest}")


class Recorded:
    """One request as the SDK handed it to httpx, and how it ended."""

    def __init__(self, request: httpx.Request) -> None:
        self.method = request.method
        self.url = str(request.url)
        self.host = request.url.host
        self.port = request.url.port
        self.path = request.url.path
        self.headers = dict(request.headers)
        self.body = request.content if _has_body(request) else b""
        self.status: int | None = None
        self.error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None or (self.status is not None and (self.status >= 500 or self.status == 429))


def _has_body(request: httpx.Request) -> bool:
    try:
        request.content  # noqa: B018 - raises for an unread stream (a streamed upload)
    except httpx.RequestNotRead:
        return False
    return True


class RequestRecorder:
    """Every request any httpx client of this process sends (patched at the transport classes)."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()

    def add(self, request: httpx.Request) -> Recorded:
        item = Recorded(request)
        with self._lock:
            self.requests.append(item)
        return item

    def snapshot(self) -> list[Recorded]:
        with self._lock:
            return list(self.requests)

    def failed_attempts(self) -> int:
        return sum(1 for r in self.snapshot() if r.failed)


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> Iterator[RequestRecorder]:
    book = RequestRecorder()

    def recording(send: Callable[[Any, httpx.Request], httpx.Response]) -> Callable[[Any, httpx.Request], httpx.Response]:
        def handle(self: Any, request: httpx.Request) -> httpx.Response:
            item = book.add(request)
            try:
                response = send(self, request)
            except Exception as exc:
                item.error = type(exc).__name__
                raise
            item.status = response.status_code
            return response

        return handle

    async def recorded(request: httpx.Request, answer: Awaitable[httpx.Response]) -> httpx.Response:
        item = book.add(request)
        try:
            response = await answer
        except Exception as exc:
            item.error = type(exc).__name__
            raise
        item.status = response.status_code
        return response

    def arecording(
        send: Callable[[Any, httpx.Request], Awaitable[httpx.Response]],
    ) -> Callable[[Any, httpx.Request], Awaitable[httpx.Response]]:
        async def ahandle(self: Any, request: httpx.Request) -> httpx.Response:
            return await recorded(request, send(self, request))

        return ahandle

    # The sync client's transfers run on its own event loop, through the async transports.
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", recording(httpx.HTTPTransport.handle_request))
    for async_class in (httpx.AsyncHTTPTransport, AsyncStorageTransport):
        monkeypatch.setattr(async_class, "handle_async_request", arecording(async_class.handle_async_request))
    # Signed URLs usually go through AsyncStorageTransport.send, which builds no httpx.Request: record one.
    plain_send = AsyncStorageTransport.send

    async def send(self: AsyncStorageTransport, method: str, url: str, headers: Any, body: Any,
                   timeouts: Any) -> httpx.Response:
        return await recorded(httpx.Request(method, url, headers=headers),
                              plain_send(self, method, url, headers, body, timeouts))

    monkeypatch.setattr(AsyncStorageTransport, "send", send)
    # Uploads use AsyncStorageTransport.call (the whole answer, no httpx.Response): recorded the same way. A URL
    # it cannot send as written goes through ``send``, which records it already.
    plain_call = AsyncStorageTransport.call

    async def call(self: AsyncStorageTransport, method: str, url: str, headers: Any, body: Any,
                   timeouts: Any) -> tuple[int, bytes]:
        if plain_head(method, url, headers, timeouts) is None:
            return await plain_call(self, method, url, headers, body, timeouts)
        item = book.add(httpx.Request(method, url, headers=headers))
        try:
            status, content = await plain_call(self, method, url, headers, body, timeouts)
        except Exception as exc:
            item.error = type(exc).__name__
            raise
        item.status = status
        return status, content

    monkeypatch.setattr(AsyncStorageTransport, "call", call)
    yield book


class ShortSleep:
    """The client's sleep (backoff, Retry-After, polling), shortened to at most ``cap`` seconds so runs stay
    short; the delays the SDK asked for are kept in ``asked``."""

    def __init__(self, cap: float = 0.02) -> None:
        self.cap = cap
        self.asked: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, seconds: float) -> None:
        with self._lock:
            self.asked.append(seconds)
        time.sleep(min(seconds, self.cap))

    async def asleep(self, seconds: float) -> None:
        with self._lock:
            self.asked.append(seconds)
        await asyncio.sleep(min(seconds, self.cap))
