"""The storage client of the transfer jobs: requests to signed URLs, and what their answers mean.

Signed URLs (docs/wire-protocol.md §1.10) go through a client of their own that carries no API key, no API header and
follows no redirect. Its transport is the lean HTTP/1.1 client of :mod:`pictograph._transfers._storage_http`,
unless the environment names a proxy or a test injects a transport (then httpx's own machinery is used). The
exceptions below classify an attempt that failed, so that each job's retry loop decides in one place.
"""

from __future__ import annotations

import threading
from typing import Any
from urllib.request import getproxies

import httpx

from pictograph._transfers._plan import EXPIRED_URL_STATUSES, RETRY_FILE_STATUSES, storage_error_text
from pictograph._transfers._pool import send_direct
from pictograph._transfers._storage_http import AsyncStorageTransport
from pictograph.errors import ApiError

_STORAGE_LIMITS = httpx.Limits(max_connections=None, max_keepalive_connections=256)
#: The only header of a signed-URL request (besides Host and, on a PUT, Content-Type and Content-Length).
STORAGE_HEADERS = {"Accept-Encoding": "identity"}


class Retryable(Exception):
    """An attempt failed in a way another attempt may not (network, 5xx, truncated body)."""


class Expired(Exception):
    """Storage refused a signed URL (400/403): it has probably expired."""


class Stopped(Exception):
    """The transfer is being abandoned (Ctrl-C, an error elsewhere)."""


def _environment_proxies() -> bool:
    """Whether the environment names an HTTP proxy (which httpx clients follow, with their default trust_env)."""
    return any(scheme in ("http", "https", "all") for scheme in getproxies())


async def storage_failure(response: httpx.Response, what: str) -> Exception:
    """The exception for a storage answer >= 300 (its body read, at most a few KB): :class:`Retryable` for a
    status worth another attempt, :class:`Expired` for a stale signature, else an :class:`ApiError`."""
    body = b""
    async for block in response.aiter_bytes():
        body += block
        if len(body) >= 4096:
            break
    status = response.status_code
    text = storage_error_text(body)
    message = f"storage answered {what} with HTTP {status}"
    if status in RETRY_FILE_STATUSES:
        return Retryable(message)
    if status in EXPIRED_URL_STATUSES:
        return Expired(f"{message} (the signed URL has probably expired)")
    return ApiError(message, status_code=status, response=text)


class StorageClient:
    """Requests to signed URLs for one engine; the connection pool is made on first use."""

    def __init__(self, timeout: float, transport: httpx.AsyncBaseTransport | None) -> None:
        self._timeout = timeout
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        # The client's own transport, when requests may skip the client layer (see ``client``).
        self._direct: httpx.AsyncBaseTransport | None = None
        self._lock = threading.Lock()

    def client(self) -> httpx.AsyncClient:
        """The httpx client for signed URLs: no base URL, no API key, no API header, no redirects.

        Its transport is :mod:`pictograph._transfers._storage_http` (every storage socket on one event loop),
        kept also in ``_direct`` so that image GETs and PUTs, thousands of small requests, go to it without the
        client layer (URL merging, cookies, auth and redirect hooks). Not when the environment names a proxy:
        then httpx's own transport routes through it and a request must not go around it.
        """
        if self._client is None:
            with self._lock:
                if self._client is None:
                    transport = self._transport
                    proxied = _environment_proxies()
                    if transport is None and not proxied:
                        transport = AsyncStorageTransport()
                    self._client = httpx.AsyncClient(
                        headers=STORAGE_HEADERS,
                        timeout=httpx.Timeout(self._timeout),
                        follow_redirects=False,
                        limits=_STORAGE_LIMITS,
                        transport=transport,
                    )
                    self._direct = None if proxied else transport
        return self._client

    async def request(
        self, method: str, url: str, timeout: httpx.Timeout, headers: dict[str, str] | None = None,
        content: Any = None,
    ) -> httpx.Response:
        """Send a signed-URL request; the answer's body is left unread (the caller reads it and closes it).

        Redirects are never followed (a 3xx comes back as it is), and nothing but ``STORAGE_HEADERS`` and
        ``headers`` is sent: no API key, no API header.
        """
        client = self.client()
        direct = self._direct
        merged = STORAGE_HEADERS if headers is None else {**STORAGE_HEADERS, **headers}
        if direct is None:
            request = client.build_request(method, url, headers=merged, content=content, timeout=timeout)
            return await client.send(request, stream=True)
        if isinstance(direct, AsyncStorageTransport):  # the usual case: no httpx.Request built at all
            return await direct.send(method, url, merged, content, timeout.as_dict())
        request = httpx.Request(method, url, headers=merged, content=content,
                                extensions={"timeout": timeout.as_dict()})
        return await send_direct(direct, request)

    async def call(
        self, method: str, url: str, timeout: httpx.Timeout, headers: dict[str, str], content: Any,
    ) -> tuple[int, bytes]:
        """:meth:`request` with the whole answer read (a small one: an upload's): status and body."""
        self.client()
        direct = self._direct
        if isinstance(direct, AsyncStorageTransport):  # no httpx.Response made
            return await direct.call(method, url, {**STORAGE_HEADERS, **headers}, content, timeout.as_dict())
        response = await self.request(method, url, timeout, headers, content)
        try:
            return response.status_code, await response.aread()
        finally:
            await response.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
