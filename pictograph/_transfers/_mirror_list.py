"""What the mirror reads from the API before it moves a byte: the dataset, every image in scope, signed URLs.

Protocol: docs/wire-protocol.md §1.5 (offset pages, not a snapshot), §1.11 (the hourly request budget), §2.3
(the download listing and its cap), §3.1 (the images list). Every API request goes through :meth:`Reader.call`,
which counts what the call spent of the budget and notices when the budget is gone (a 429 whose
``Retry-After`` is over 120 s, which the transport raises at once instead of waiting).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable
from typing import Any, Protocol, TypeVar

import httpx
from pictograph_api.api.datasets import get_dataset, get_dataset_download_listing
from pictograph_api.api.images import list_images
from pictograph_api.types import UNSET

from pictograph._async._paging import is_last_page
from pictograph._async._transport import AsyncTransport
from pictograph._protocol import json_body, unwrap
from pictograph._transfers._mirror_plan import Listed, Scope, dedupe, listed_from_json
from pictograph._transfers._plan import LISTING_LIMIT, UnsafePathError
from pictograph.errors import PictographError, RateLimitError
from pictograph.reports import DownloadFailure

PAGE = 1000
LISTING_ROUNDS = 3  # listings of the images list before the mirror settles for what it has
# The download listing's status words (§2.3) for each image status, then the image-status word itself, which a
# server may use instead: tried in this order for the images a full listing left out.
LISTING_WORDS: dict[str, tuple[str, ...]] = {
    "new": ("new",), "annotate": ("in_progress", "annotate"), "review": ("in_progress", "review"),
    "complete": ("complete",),
}


class Wanted(Protocol):
    """A file the mirror wants, as the listings see it: its image, and the signed URL a listing gave."""

    image: Listed
    url: str | None


W = TypeVar("W", bound=Wanted)


class Reader:
    """The API requests of one mirror run (counted by the caller, :func:`~pictograph._async._transport.counting_requests`)."""

    def __init__(self, transport: AsyncTransport, name: str, scope: Scope) -> None:
        self._transport = transport
        self.name = name
        self.scope = scope
        self.listings = 0  # signed download listings asked for
        self.spent: RateLimitError | None = None
        self.note: str | None = None

    def notice(self, exc: PictographError | None) -> bool:
        """Whether ``exc`` says the budget is spent (then remembered: nothing more is asked of the API)."""
        if isinstance(exc, RateLimitError) and exc.retry_after is not None:
            self.spent = exc
            return True
        return False

    async def call(self, request: dict[str, Any]) -> httpx.Response:
        """Send one API request; once the budget is spent, every later call raises that same ``RateLimitError``
        at once, without a request."""
        if self.spent is not None:
            raise self.spent
        try:
            return await self._transport.send(request)
        except RateLimitError as exc:
            self.notice(exc)
            raise

    # ------------------------------------------------------------------ dataset and images
    async def dataset(self) -> dict[str, Any]:
        response = await self.call(get_dataset._get_kwargs(self.name))
        payload = unwrap(response.status_code, response.content, "data", "Dataset")
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            raise PictographError(f"the API answered dataset {self.name!r} without an id")
        return payload

    async def page(self, dataset_id: str, offset: int, limit: int = PAGE) -> tuple[
            list[Listed], list[DownloadFailure], int, bool | None]:
        """One page of the images list in the server's filters: the images, the refused ones (a path that would
        escape the folder), how many items came (the next offset adds it, §1.5) and ``has_more``."""
        scope = self.scope
        request = list_images._get_kwargs(
            dataset=dataset_id, limit=limit, offset=offset,
            status=UNSET if scope.status_filter is None else scope.status_filter,
            split=UNSET if scope.split is None else scope.split,  # type: ignore[arg-type]
        )
        response = await self.call(request)
        body = json_body(response.status_code, response.content, "Image list")
        items = body.get("data") if isinstance(body, dict) else body
        if not isinstance(items, list):
            raise PictographError("the images list answered without a 'data' array")
        images: list[Listed] = []
        failures: list[DownloadFailure] = []
        for item in items:
            try:
                images.append(listed_from_json(item))
            except UnsafePathError as exc:
                name = item.get("filename") if isinstance(item, dict) else None
                failures.append(DownloadFailure(str(name), "image", f"refused: {exc}; nothing was written"))
        pagination = body.get("pagination") if isinstance(body, dict) else None
        has_more = pagination.get("has_more") if isinstance(pagination, dict) else None
        return images, failures, len(items), has_more if isinstance(has_more, bool) else None

    async def list_once(self, dataset_id: str) -> tuple[dict[str, Listed], list[DownloadFailure]]:
        images: list[Listed] = []
        failures: list[DownloadFailure] = []
        offset = 0
        while True:
            page, refused, received, has_more = await self.page(dataset_id, offset)
            images.extend(page)
            failures.extend(refused)
            offset += received  # §1.5: what was received, never the limit
            if is_last_page(received, PAGE, has_more):
                break
        return dedupe(images), failures

    async def images(self) -> tuple[dict[str, Any], dict[str, Listed], list[DownloadFailure], bool]:
        """The dataset, its images in scope by path, the refused ones, and whether the listing is whole.

        Whole: the dataset's image count did not move while the images were listed and (when the server
        filters nothing) equals the number of distinct images listed. Otherwise the images are listed again, up
        to :data:`LISTING_ROUNDS` times; a listing still inconsistent then is used as the union of the last two
        (no image is lost to a shifted page), ``note`` says so, and the caller removes nothing.
        """
        before = await self.dataset()
        previous: dict[str, Listed] = {}
        for round_number in range(LISTING_ROUNDS):
            images, failures = await self.list_once(before["id"])
            after = await self.dataset()
            count = after.get("image_count")
            if before.get("image_count") == count and (
                    self.scope.narrowed or not isinstance(count, int) or len(images) == count):
                return after, self._by_path(images.values()), failures, True
            if round_number == LISTING_ROUNDS - 1:
                merged = {**previous, **images}
                self.note = (f"the images list gave {len(merged)} images while the dataset counts {count}: it "
                             f"changed during the listing, so no file was removed; sync again when it is idle")
                return after, self._by_path(merged.values()), failures, False
            previous, before = images, after
        raise AssertionError("unreachable")  # pragma: no cover

    def _by_path(self, images: Iterable[Listed]) -> dict[str, Listed]:
        keeps = self.scope.keeps
        by_path: dict[str, Listed] = {}
        for image in images:
            # Two ids at one path happen only while an image is replaced; the newest, listed first, wins.
            if keeps(image) and image.relpath not in by_path:
                by_path[image.relpath] = image
        return by_path

    # ------------------------------------------------------------------ signed URLs
    async def signed_batches(self, pending: dict[str, W]) -> AsyncIterator[list[W]]:
        """Give the images ``pending`` (by path) signed URLs from as few download listings as reach them, one
        listing's worth at a time: each batch is taken out of ``pending`` with its ``url`` set, to be fetched
        before the next listing is asked for (a listing's URLs are never all held at once, nor left to expire).

        The listing of the caller's filter first; when it comes back full (it cannot be paged, §2.3), one listing
        per status of the images still pending, each of which may fit under the cap. What is left in
        ``pending`` at the end, no listing covers.
        """
        tried: set[str | None] = set()
        queue: list[str | None] = [self.scope.status_filter]
        while queue and pending:
            word = queue.pop(0)
            if word in tried:
                continue
            tried.add(word)
            try:
                items = await self.listing(word)
            except PictographError:
                if self.spent is not None:
                    return  # the images no listing covered wait for the next run
                if word == self.scope.status_filter:
                    raise
                continue  # a status word this server does not take; the next may do
            batch: list[W] = []
            for item in items:
                path, url = item.get("filename"), item.get("image_url")
                want = pending.get(path) if isinstance(path, str) else None
                if want is not None and isinstance(url, str) and url:
                    want.url = url
                    batch.append(want)
                    del pending[want.image.relpath]
            full = len(items) >= LISTING_LIMIT
            del items
            if batch:
                yield batch
            if full and self.scope.status_filter is None:
                for want in pending.values():
                    status = want.image.status
                    queue.extend(w for w in LISTING_WORDS.get(status, (status,)) if w not in tried and w not in queue)

    async def listing(self, status: str | None) -> list[dict[str, Any]]:
        """The items of one signed download listing (§2.3) of the dataset, ``images_only``."""
        self.listings += 1
        request = get_dataset_download_listing._get_kwargs(
            self.name, mode="images_only", limit=LISTING_LIMIT, status_filter=UNSET if status is None else status)
        response = await self.call(request)
        payload = unwrap(response.status_code, response.content, "data", "DownloadListing")
        items = payload.get("items") if isinstance(payload, dict) else None
        return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []
