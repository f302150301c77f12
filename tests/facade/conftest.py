"""Run every facade test against both front ends.

``front`` is ``"sync"`` or ``"async"``. ``make_client(front, ...)`` returns a ``Client``, or an ``AsyncClient``
behind a thin adapter that runs each coroutine on its own event loop and turns an ``AsyncOffsetPager`` into
a plain iterator, so one test body checks both front ends with the same calls and assertions.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pictograph import AsyncClient, AsyncOffsetPager, Client

KEY = "pk_live_facade_secret_0123456789"
BASE = "https://api.test"
API = BASE + "/api/v1/developer"

Handler = Callable[[httpx.Request], httpx.Response]


class FakeClock:
    """A monotonic clock that only moves when the code under test sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)


class SyncPager:
    """An ``AsyncOffsetPager`` driven from synchronous test code."""

    def __init__(self, pager: AsyncOffsetPager[Any], loop: asyncio.AbstractEventLoop) -> None:
        self._pager = pager
        self._loop = loop

    def __iter__(self) -> Iterator[Any]:
        return self

    def __next__(self) -> Any:
        try:
            return self._loop.run_until_complete(self._pager.__anext__())
        except StopAsyncIteration:
            raise StopIteration from None

    def all(self) -> list[Any]:
        return self._loop.run_until_complete(self._pager.all())

    def first(self) -> Any:
        return self._loop.run_until_complete(self._pager.first())

    @property
    def pages_fetched(self) -> int:
        return self._pager.pages_fetched


class AsyncView:
    """Proxy of an ``AsyncClient`` (or one of its resources) with synchronous calls."""

    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def _wrap(self, value: Any) -> Any:
        if inspect.iscoroutine(value):
            value = self._loop.run_until_complete(value)
        if isinstance(value, AsyncOffsetPager):
            return SyncPager(value, self._loop)
        return value

    def __getattr__(self, name: str) -> Any:
        if name == "close":
            return lambda: self._loop.run_until_complete(self._target.aclose())
        value = getattr(self._target, name)
        if type(value).__module__.startswith("pictograph._async"):
            return AsyncView(value, self._loop)
        if callable(value) and not isinstance(value, type):

            def call(*args: Any, **kwargs: Any) -> Any:
                return self._wrap(value(*args, **kwargs))

            return call
        return value

    def __repr__(self) -> str:
        return repr(self._target)

    def __enter__(self) -> AsyncView:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


FRONTS = ["sync", "async"]


@pytest.fixture(params=FRONTS)
def front(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def make_client(
    front: str,
    handler: Handler | None = None,
    *,
    clock: FakeClock | None = None,
    base_url: str = BASE,
    api_key: str = KEY,
    rng: Callable[[], float] | None = None,
    **kwargs: Any,
) -> Any:
    """A client of ``front`` talking to ``handler`` (an ``httpx.MockTransport``) or to ``base_url``."""
    clock = clock or FakeClock()
    options: dict[str, Any] = {"api_key": api_key, "base_url": base_url, "clock": clock, **kwargs}
    if rng is not None:
        options["rng"] = rng
    if front == "sync":
        if handler is not None:
            options["http_transport"] = httpx.MockTransport(handler)
        return Client(sleep=clock.sleep, **options)
    if handler is not None:
        options["http_transport"] = httpx.MockTransport(handler)
    loop = asyncio.new_event_loop()
    client = AsyncClient(sleep=clock.asleep, **options)
    view = AsyncView(client, loop)
    original_close = view.close

    def close() -> None:
        try:
            original_close()
        finally:
            loop.close()

    object.__setattr__(view, "close", close)
    return view


def envelope(data: Any, has_more: bool | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"data": data}
    if has_more is not None:
        body["pagination"] = {"has_more": has_more}
    return body


def error_body(code: str, message: str) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": {}}, "detail": message}
