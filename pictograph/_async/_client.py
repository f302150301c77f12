"""``AsyncClient``: configuration, the one transport, and the resources (API reference §8.1, §8.10)."""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import httpx

from pictograph._async._account import AsyncCredits, AsyncOrganizations
from pictograph._async._annotations import AsyncAnnotations
from pictograph._async._connectors import AsyncConnectors
from pictograph._async._datasets import AsyncDatasets
from pictograph._async._exports import AsyncExports
from pictograph._async._images import AsyncImages
from pictograph._async._transfer import close_transfers, set_storage_transport
from pictograph._async._transport import AsyncTransport, Sleep
from pictograph._config import Config, resolve_config


class AsyncClient:
    """The Pictograph API client.

    Settings come from the arguments, then the environment (``PICTOGRAPH_API_KEY``, ``PICTOGRAPH_BASE_URL``,
    ``PICTOGRAPH_TIMEOUT``, ``PICTOGRAPH_MAX_RETRIES``), then the defaults. A missing key raises
    ``ConfigurationError`` before any request.

    ``http_transport``, ``storage_transport``, ``sleep``, ``rng`` and ``clock`` are for tests: they replace the
    network (API and signed-URL storage), the sleep function (retry backoff and polling), the jitter source and
    the monotonic clock.

    Example::

        async with AsyncClient() as client:
            dataset = await client.datasets.get("road-signs")
    """

    def __init__(
        self,
        api_key: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        *,
        http_transport: httpx.AsyncBaseTransport | None = None,
        sleep: Sleep | None = None,
        rng: Callable[[], float] | None = None,
        clock: Callable[[], float] | None = None,
        storage_transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._config: Config = resolve_config(api_key, base_url, timeout, max_retries)
        self._transport = AsyncTransport(
            self._config, http_transport=http_transport, sleep=sleep, rng=rng, clock=clock
        )
        self.datasets = AsyncDatasets(self)
        self.projects = self.datasets
        self.images = AsyncImages(self)
        self.annotations = AsyncAnnotations(self)
        self.exports = AsyncExports(self)
        self.connectors = AsyncConnectors(self)
        self.organizations = AsyncOrganizations(self)
        self.credits = AsyncCredits(self)
        if storage_transport is not None:
            set_storage_transport(self, storage_transport)

    @property
    def base_url(self) -> str:
        return self._config.base_url

    @property
    def timeout(self) -> float:
        return self._config.timeout

    @property
    def max_retries(self) -> int:
        return self._config.max_retries

    def __repr__(self) -> str:
        config = self._config
        return (
            f"{type(self).__name__}(base_url={config.base_url!r}, timeout={config.timeout!r}, "
            f"max_retries={config.max_retries!r})"
        )

    async def aclose(self) -> None:
        """Close the connection pool."""
        try:
            await close_transfers(self)
        finally:
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
