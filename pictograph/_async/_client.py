"""``AsyncClient``: configuration, the one transport, and the resources (docs/wire-protocol.md §8.1, §8.10)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from pictograph._async._transport import AsyncTransport, Sleep
from pictograph._config import Config, resolve_config

if TYPE_CHECKING:
    from pictograph._async._account import AsyncCredits, AsyncOrganizations
    from pictograph._async._annotations import AsyncAnnotations
    from pictograph._async._connectors import AsyncConnectors
    from pictograph._async._datasets import AsyncDatasets
    from pictograph._async._exports import AsyncExports
    from pictograph._async._images import AsyncImages

# Where pictograph._transfers keeps a client's transfer engine (checked here without importing it).
_TRANSFERS_ATTRIBUTE = "_pictograph_transfers"


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
        if storage_transport is not None:
            from pictograph._transfers import AsyncTransfers

            AsyncTransfers.set_storage_transport(self, storage_transport)

    # Resources are built on first use, so that making a client imports only what it needs.

    @cached_property
    def datasets(self) -> AsyncDatasets:
        """Datasets, addressed by name or UUID (§8.2)."""
        from pictograph._async._datasets import AsyncDatasets

        return AsyncDatasets(self)

    @property
    def projects(self) -> AsyncDatasets:
        """The same resource as :attr:`datasets`, under its older name."""
        return self.datasets

    @cached_property
    def images(self) -> AsyncImages:
        """Images: metadata, bytes, uploads, downloads, deletes (§8.3)."""
        from pictograph._async._images import AsyncImages

        return AsyncImages(self)

    @cached_property
    def annotations(self) -> AsyncAnnotations:
        """Annotations of an image, by id or by path, and bulk saves (§8.4)."""
        from pictograph._async._annotations import AsyncAnnotations

        return AsyncAnnotations(self)

    @cached_property
    def exports(self) -> AsyncExports:
        """Server-built exports (§8.6)."""
        from pictograph._async._exports import AsyncExports

        return AsyncExports(self)

    @cached_property
    def connectors(self) -> AsyncConnectors:
        """Imports from V7 Darwin and Roboflow (§8.7)."""
        from pictograph._async._connectors import AsyncConnectors

        return AsyncConnectors(self)

    @cached_property
    def organizations(self) -> AsyncOrganizations:
        """The organization that owns the key (§8.8)."""
        from pictograph._async._account import AsyncOrganizations

        return AsyncOrganizations(self)

    @cached_property
    def credits(self) -> AsyncCredits:
        """The organization's credit balance (§8.8)."""
        from pictograph._async._account import AsyncCredits

        return AsyncCredits(self)

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
            if _TRANSFERS_ATTRIBUTE in self.__dict__:
                from pictograph._transfers import AsyncTransfers

                await AsyncTransfers.close_for(self)
        finally:
            await self._transport.aclose()

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()
