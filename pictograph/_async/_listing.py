"""The paged images list (docs/wire-protocol.md §3.1, §1.5) as the SDK reads it, for ``images.iter`` and the mirror.

Two readers share one request: ``client.images.iter`` builds public :class:`~pictograph.models.Image`
objects; :func:`listed_pages` yields pages of :class:`ListedImage`, a small record without the wire JSON
behind it, so a caller that walks a whole dataset (the mirror of ``datasets.sync``) never holds every
listed image as a public model.

``folder=`` means a folder *and its sub-folders*. The wire's ``directory_path`` filter matches one folder
exactly, so a subtree is listed without it and each image is kept when its ``directory_path`` is the folder
or lies below it, compared part by part (``/a`` holds ``/a/b`` but not ``/ab``). The offsets still advance by
every item the server sent (§1.5), so the filter never shifts a page.
"""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import attrs
from pictograph_api.api.images import list_images
from pictograph_api.types import UNSET

from pictograph._args import (
    check_name,
    check_optional_text,
    check_range,
    check_split,
    in_folder,
    normalize_folder,
)
from pictograph._async._paging import is_last_page
from pictograph._model_base import Model, read_page
from pictograph.errors import NotFoundError

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient

R = TypeVar("R", bound=Model)

MAX_PAGE_SIZE = 1000


@attrs.frozen
class ListedImage(Model):
    """One image of a listing, reduced to what a local copy needs (no tags, thumbnails or wire JSON)."""

    _spec_schema: ClassVar[str] = "Image"
    id: str
    filename: str
    dataset_id: str | None = None
    directory_path: str | None = None
    file_size: int = 0
    status: str = "new"
    split: str | None = None
    width: int | None = None
    height: int | None = None
    annotation_count: int = 0
    content_type: str | None = None
    image_url: str | None = None
    annotation_url: str | None = None

    @property
    def image_path(self) -> str:
        """The path that addresses the image inside its dataset (§3.2): folder parts and filename, by ``/``."""
        parts = [p for p in (self.directory_path or "").split("/") if p]
        return "/".join([*parts, self.filename])


@attrs.frozen
class ListedPage:
    """One page of the images list: the records kept, and what the server sent (for offsets and counts)."""

    offset: int
    received: int
    has_more: bool | None
    images: list[ListedImage]


@attrs.frozen
class ListingQuery:
    """The checked arguments of an images listing: what goes on the wire and what is filtered locally."""

    dataset: str
    status: str | None
    split: str | None
    # The exact folder sent as ``directory_path`` (``None``: no such filter).
    directory_path: str | None
    # The folder whose subtree is kept on the client side (``None``: every image the server sends).
    subtree: str | None
    page_size: int

    def keeps(self, directory_path: str | None) -> bool:
        """Whether an image in ``directory_path`` belongs to this query's subtree."""
        return self.subtree is None or in_folder(directory_path, self.subtree)


def listing_query(
    dataset: str,
    *,
    status: str | None = None,
    split: str | None = None,
    folder: str | None = None,
    directory_path: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> ListingQuery:
    """Check the arguments of a listing before anything is sent (``ValueError`` naming the bad one)."""
    check_name("dataset", dataset)
    check_optional_text("status", status)
    check_range("page_size", page_size, 1, MAX_PAGE_SIZE)
    exact = None if directory_path is None else normalize_folder(directory_path)
    subtree = None if folder is None else normalize_folder(folder, "folder")
    if exact is not None and subtree is not None:
        raise ValueError("give folder (a folder and its sub-folders) or directory_path (one folder), not both")
    return ListingQuery(dataset, status, check_split(split), exact, None if subtree == "/" else subtree, page_size)


async def fetch_page(
    client: AsyncClient, query: ListingQuery, offset: int, limit: int, model: type[R]
) -> tuple[builtins.list[R], bool | None]:
    """One page of the images list read into ``model``, before the subtree filter; ``(items, has_more)``."""
    request = list_images._get_kwargs(
        dataset=query.dataset,
        limit=limit,
        offset=offset,
        directory_path=UNSET if query.directory_path is None else query.directory_path,
        status=UNSET if query.status is None else query.status,
        split=UNSET if query.split is None else query.split,  # type: ignore[arg-type]
    )
    try:
        response = await client._transport.send(request)
    except NotFoundError as exc:
        raise await client.datasets._not_found(query.dataset, exc) from None
    return read_page(response.status_code, response.content, model)


def subtree_filter(query: ListingQuery) -> Callable[[Any], bool] | None:
    """The ``keep`` of a pager over ``query``: ``None`` when the server's answer is kept whole."""
    if query.subtree is None:
        return None
    return lambda image: query.keeps(image.directory_path)


async def listed_pages(
    client: AsyncClient,
    dataset: str,
    *,
    status: str | None = None,
    split: str | None = None,
    folder: str | None = None,
    page_size: int = MAX_PAGE_SIZE,
) -> AsyncIterator[ListedPage]:
    """Every page of a dataset's images list as light records, one request per page, lazily.

    Filters as ``client.images.iter`` does (``folder`` includes sub-folders). Each page says where it started
    and how many items the server sent, before the folder filter: the next page starts at ``offset +
    received`` (§1.5). The list is not a snapshot: items can repeat or go missing while the dataset changes,
    so a caller that must see every image deduplicates by ``id`` and checks the total.

    Example::

        async for page in listed_pages(client, "road-signs", folder="/train"):
            for image in page.images:
                print(image.image_path, image.file_size)
    """
    query = listing_query(dataset, status=status, split=split, folder=folder, page_size=page_size)
    offset = 0
    while True:
        items, has_more = await fetch_page(client, query, offset, query.page_size, ListedImage)
        kept = items if query.subtree is None else [i for i in items if query.keeps(i.directory_path)]
        yield ListedPage(offset, len(items), has_more, kept)
        if is_last_page(len(items), query.page_size, has_more):
            return
        offset += len(items)
