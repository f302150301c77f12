"""The one transport of an ``AsyncClient``: headers, retries, ``Retry-After``, idempotency keys, errors.

Every API request of the facade goes through :meth:`AsyncTransport.send` (or :meth:`AsyncTransport.stream` for
byte routes) with the request built by a generated operation's ``_get_kwargs``.  The rules are those of
docs/wire-protocol.md §1.2 and §1.6–§1.8; the I/O-free parts live in :mod:`pictograph._protocol`.
"""

from __future__ import annotations

import asyncio
import logging
import random
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from time import monotonic
from typing import TYPE_CHECKING, Any

import httpx

from pictograph._config import Config
from pictograph._protocol import (
    IDEMPOTENT_METHODS,
    MAX_RETRY_AFTER,
    RETRY_STATUSES,
    backoff_delay,
    error_from_response,
    new_idempotency_key,
    parse_retry_after,
)
from pictograph._request_count import REQUESTS_SENT
from pictograph._version import __version__
from pictograph.errors import NetworkError, PictographError, RateLimitError, RequestTimeoutError

if TYPE_CHECKING:
    import ssl

logger = logging.getLogger("pictograph")

USER_AGENT = f"pictograph-python-async/{__version__}"

Sleep = Callable[[float], Awaitable[None]]


def _network_error(exc: httpx.TransportError, method: str, path: str) -> NetworkError:
    what = f"{method} {path}"
    if isinstance(exc, httpx.TimeoutException):
        return RequestTimeoutError(f"{what} timed out ({type(exc).__name__}); the retries were used up")
    return NetworkError(f"{what} failed without an HTTP answer ({type(exc).__name__}: {exc})")


class AsyncTransport:
    """Sends API requests with the protocol's cross-cutting rules.

    ``http_transport`` replaces the network (an ``httpx.MockTransport`` in tests); ``sleep``, ``rng`` and
    ``clock`` replace the sleep, the jitter source and the monotonic clock, so retry and polling timing can be
    tested without waiting.

    The pooled ``httpx.AsyncClient`` and its TLS settings are made when the first request needs them, not here:
    making them imports httpcore, h11, anyio and certifi and loads the certificate bundle, most of what making a
    client would otherwise cost, and a client that is made and never used (a CLI's ``--help``, a configuration
    check) should not pay it.
    """

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.config.base_url!r})"

    def __init__(
        self,
        config: Config,
        *,
        http_transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep | None = None,
        rng: Callable[[], float] | None = None,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.config = config
        # What the caller injected (None: the default), for an engine that builds a transport of its own.
        self.injected = (http_transport, sleep, rng, clock)
        self._http_transport = http_transport
        self._sleep: Sleep = sleep or asyncio.sleep
        self._rng = rng or random.random
        self.clock: Callable[[], float] = clock or monotonic
        self._ssl_context: ssl.SSLContext | None = None
        self._http: httpx.AsyncClient | None = None
        self._closed = False
        # Threads of one sync client may make its first requests at once; each must see the same pool. Nothing
        # under the lock awaits, so on an event loop the check and the making are one step for every task too.
        self._lock = threading.Lock()

    @property
    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS settings httpx would make by itself (about 15 ms of certificate loading), made once on first
        use so that another client of the same settings can share them (the sync client's transfer engine does).

        ``None`` when the network was replaced by an injected ``http_transport``.
        """
        if self._ssl_context is None and self._http_transport is None:
            with self._lock:
                self._make_ssl_context()
        return self._ssl_context

    def _make_ssl_context(self) -> None:
        """Make the TLS settings unless they exist or are not needed; the caller holds ``_lock``."""
        if self._ssl_context is None and self._http_transport is None:
            self._ssl_context = httpx.create_ssl_context()

    @property
    def http(self) -> httpx.AsyncClient:
        """The pooled client bound to the API (with the key), made on first use; never use it for signed URLs.

        Raises ``PictographError`` once :meth:`aclose` has run: a closed client sends nothing more.
        """
        http = self._http
        if http is None or self._closed:
            with self._lock:
                if self._closed:
                    raise PictographError(
                        "this client is closed, so it sends no more requests; make a new client "
                        "(or use it in a `with` block that ends after its last request)"
                    )
                if self._http is None:
                    self._make_ssl_context()
                    self._http = self._new_http()
                http = self._http
        return http

    def _new_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.config.api_url,
            headers={
                "X-API-Key": self.config.api_key,
                "User-Agent": USER_AGENT,
                "Accept": "application/json",
            },
            timeout=httpx.Timeout(self.config.timeout),
            follow_redirects=False,
            verify=self._ssl_context if self._ssl_context is not None else True,
            transport=self._http_transport,
        )

    async def aclose(self) -> None:
        """Close the connection pool, if a request ever opened one. Closing twice is harmless."""
        with self._lock:
            self._closed = True
            http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    async def sleep(self, seconds: float) -> None:
        """Sleep with the injected sleep function (backoff and polling share it)."""
        await self._sleep(seconds)

    @staticmethod
    def _count() -> None:
        counter = REQUESTS_SENT.get()
        if counter is not None:
            counter[0] += 1

    def _prepare(self, request: dict[str, Any]) -> tuple[dict[str, Any], str, str]:
        prepared = dict(request)
        method = str(prepared.pop("method")).upper()
        headers = dict(prepared.pop("headers", None) or {})
        if method in IDEMPOTENT_METHODS and not any(k.lower() == "idempotency-key" for k in headers):
            headers["Idempotency-Key"] = new_idempotency_key()
        prepared["headers"] = headers
        params = prepared.get("params")
        if isinstance(params, dict):
            prepared["params"] = {k: v for k, v in params.items() if v is not None}
        return prepared, method, str(prepared.get("url", ""))

    async def _retry_wait(self, attempt: int, response: httpx.Response | None) -> None:
        delay = backoff_delay(attempt, self._rng)
        if response is not None and response.status_code == 429:
            retry_after = parse_retry_after(response.headers.get("retry-after"))
            if retry_after is not None:
                delay = max(delay, retry_after)
        await self._sleep(delay)

    def _give_up_now(self, response: httpx.Response) -> RateLimitError | None:
        """A 429 whose ``Retry-After`` is over 120 s is raised at once, never slept on."""
        if response.status_code != 429:
            return None
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if retry_after is not None and retry_after > MAX_RETRY_AFTER:
            error = error_from_response(429, response.headers, response.content, retry_after=retry_after)
            assert isinstance(error, RateLimitError)
            return error
        return None

    async def _retry_or_raise(self, response: httpx.Response, attempt: int, last: bool) -> None:
        """After a non-2xx answer: sleep before the next attempt when the status is retried, else raise."""
        give_up = self._give_up_now(response)
        if give_up is not None:
            raise give_up
        if response.status_code in RETRY_STATUSES and not last:
            await self._retry_wait(attempt, response)
            return
        raise error_from_response(response.status_code, response.headers, response.content)

    async def send(self, request: dict[str, Any]) -> httpx.Response:
        """Send one logical call (retrying as §1.7 says) and return its 2xx response, body read."""
        prepared, method, path = self._prepare(request)
        attempts = 1 + self.config.max_retries
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                self._count()
                response = await self.http.request(method, **prepared)
            except httpx.TransportError as exc:
                logger.debug("%s %s: %s (attempt %d of %d)", method, path, type(exc).__name__, attempt + 1, attempts)
                if last:
                    raise _network_error(exc, method, path) from None
                await self._retry_wait(attempt, None)
                continue
            logger.debug(
                "%s %s -> %d (request id %s)", method, path, response.status_code, response.headers.get("x-request-id")
            )
            if response.is_success:
                return response
            await self._retry_or_raise(response, attempt, last)
        raise AssertionError("unreachable")  # pragma: no cover

    @asynccontextmanager
    async def stream(self, request: dict[str, Any], *, timeout: httpx.Timeout | None = None) -> AsyncIterator[httpx.Response]:
        """Open a 2xx streamed response. Retries apply until the body starts, never after (§1.7)."""
        prepared, method, path = self._prepare(request)
        if timeout is not None:
            prepared["timeout"] = timeout
        attempts = 1 + self.config.max_retries
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                http = self.http
                self._count()
                response = await http.send(http.build_request(method, **prepared), stream=True)
            except httpx.TransportError as exc:
                if last:
                    raise _network_error(exc, method, path) from None
                await self._retry_wait(attempt, None)
                continue
            if response.is_success:
                try:
                    yield response
                finally:
                    await response.aclose()
                return
            await response.aread()
            await response.aclose()
            await self._retry_or_raise(response, attempt, last)
