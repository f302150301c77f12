"""``AsyncOffsetPager``: lazy offset/limit paging with the stop rules of docs/wire-protocol.md §1.5.

A pager fetches one page at a time, only when the items already fetched are used up, and yields them one by
one. ``pagination.has_more`` decides whether another page exists; the next offset is the previous one plus
the number of items actually received (a server that caps the page size never makes items go missing).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from pictograph._args import check_range

T = TypeVar("T")

# fetch(offset, limit) -> (items of the page, has_more or None when the server did not say)
PageFetcher = Callable[[int, int], Awaitable[tuple[list[T], bool | None]]]


def is_last_page(received: int, limit: int, has_more: bool | None) -> bool:
    """Whether a page of ``received`` items, asked with ``limit``, ends a listing (§1.5).

    ``has_more`` decides when the server sent it; an empty page always ends; without ``has_more`` a page
    shorter than asked ends (a short page with ``has_more: true`` only means the server capped the size).
    """
    return received == 0 or has_more is False or (has_more is None and received < limit)


class AsyncOffsetPager(Generic[T]):
    """Items of a listing, fetched page by page as they are consumed.

    Stops when ``has_more`` is false, a page is empty, ``max_total`` items were yielded (without another
    request), or ``has_more`` is absent and the page was shorter than asked. A short page with
    ``has_more: true`` does not stop it. ``keep``, when given, drops items on the client side: the offsets and
    the stop rules still count every item the server sent, so a page that ``keep`` empties does not end it.

    Example::

        async for export in client.exports.iter(page_size=50):
            print(export.name)
        everything = await client.datasets.iter().all()
    """

    def __init__(
        self,
        fetch: PageFetcher[T],
        *,
        page_size: int,
        max_total: int | None = None,
        offset: int = 0,
        keep: Callable[[T], bool] | None = None,
    ) -> None:
        check_range("page_size", page_size, 1)
        if max_total is not None:
            check_range("max_total", max_total, 0)
        check_range("offset", offset, 0)
        self._fetch = fetch
        self._page_size = page_size
        self._max_total = max_total
        self._offset = offset
        # A client-side filter: it chooses what is yielded, never what is counted for offsets and stop rules.
        self._keep = keep
        # The current page, read by index (the cheapest step per item); items handed out of earlier pages.
        self._page: list[T] = []
        self._index = 0
        self._before = 0
        self._done = max_total == 0
        self.pages_fetched = 0

    @property
    def _yielded(self) -> int:
        return self._before + self._index

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(page_size={self._page_size}, max_total={self._max_total}, "
            f"offset={self._offset}, yielded={self._yielded})"
        )

    def __aiter__(self) -> AsyncOffsetPager[T]:
        return self

    async def __anext__(self) -> T:
        index = self._index
        if index < len(self._page):
            self._index = index + 1
            return self._page[index]
        while True:
            self._before += len(self._page)
            self._page, self._index = [], 0
            if self._done:
                raise StopAsyncIteration
            await self._next_page()
            if self._page:
                self._index = 1
                return self._page[0]

    async def _next_page(self) -> None:
        limit = self._page_size
        if self._max_total is not None and self._keep is None:
            limit = min(limit, self._max_total - self._before)
        items, has_more = await self._fetch(self._offset, limit)
        self.pages_fetched += 1
        self._offset += len(items)
        if is_last_page(len(items), limit, has_more):
            self._done = True
        page = items if self._keep is None else [item for item in items if self._keep(item)]
        if self._max_total is not None and len(page) >= self._max_total - self._before:
            # The last items wanted: no further request once they are handed out.
            page = page[: self._max_total - self._before]
            self._done = True
        self._page = page

    async def all(self) -> list[T]:
        """Every remaining item, as a list."""
        items: list[T] = []
        async for item in self:
            items.append(item)
        return items

    async def first(self) -> T | None:
        """The next item, or ``None`` when there is none (fetches at most one page)."""
        try:
            return await self.__anext__()
        except StopAsyncIteration:
            return None
