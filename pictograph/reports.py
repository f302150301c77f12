"""What a transfer did: the reports of ``datasets.download`` and ``images.upload_many`` (docs/wire-protocol.md §8.2, §8.3).

Transfers of many files never raise for one file: each problem is a row of the report, so a caller can retry
exactly the files that failed.

Example::

    report = client.datasets.download("road-signs", "./dump")
    for failure in report.failures:
        print(failure.kind, failure.filename, failure.error)
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Literal

import attrs

if TYPE_CHECKING:
    from pictograph.models import Image

__all__ = ["BulkUploadReport", "DownloadFailure", "DownloadReport", "DownloadRetry", "SyncReport", "UploadFailure",
           "WriteFailure", "WriteReport"]


@attrs.frozen
class DownloadFailure:
    """A file of a dataset download that is not on disk: ``kind`` is ``"image"`` or ``"annotation"``."""

    filename: str
    kind: Literal["image", "annotation"]
    error: str


@attrs.frozen
class DownloadRetry:
    """A failed attempt that was tried again (``attempt`` counts from 1)."""

    filename: str
    kind: Literal["image", "annotation"]
    attempt: int
    error: str


@attrs.frozen
class DownloadReport:
    """The outcome of ``datasets.download``.

    ``images_downloaded``/``annotations_downloaded`` count files fetched by this call; files already complete
    on disk are counted in ``images_skipped``/``annotations_skipped`` and listed in ``skipped`` (paths relative
    to ``output_dir``). ``truncated`` is true when the listing hit its limit of 10,000 items and the dataset
    may hold more.
    """

    output_dir: Path
    dataset_id: str | None
    images_downloaded: int = 0
    annotations_downloaded: int = 0
    failures: list[DownloadFailure] = attrs.Factory(list)
    truncated: bool = False
    images_skipped: int = 0
    annotations_skipped: int = 0
    skipped: list[str] = attrs.Factory(list)
    retries: list[DownloadRetry] = attrs.Factory(list)
    listings: int = 1
    api_requests: int = 0
    remaining: int = 0
    stopped: str | None = None

    @property
    def ok(self) -> bool:
        """True when every listed file is on disk and the listing was complete."""
        return not self.failures and not self.truncated


@attrs.frozen
class SyncReport:
    """The outcome of ``datasets.sync``: what changed in the output folder, as paths relative to it.

    ``added`` and ``updated`` are files written by this call (``updated``: a file the folder had, replaced
    because the image's bytes or annotations changed on the server); ``deleted`` are files this SDK had written
    for images that are gone or out of the filter; ``kept`` are such files left in place because they are not
    the mirror's own (they were there before it, or were edited since). ``unchanged`` counts files already
    current. ``api_requests`` is what the call spent of the organization's hourly request budget. When that
    budget ran out, ``stopped`` says so and ``remaining`` counts the files still to fetch: the same call again
    finishes the job. ``note`` explains a listing that stayed inconsistent (the dataset changed meanwhile).
    """

    output_dir: Path
    dataset_id: str | None
    added: list[str] = attrs.Factory(list)
    updated: list[str] = attrs.Factory(list)
    deleted: list[str] = attrs.Factory(list)
    kept: list[str] = attrs.Factory(list)
    unchanged: int = 0
    failures: list[DownloadFailure] = attrs.Factory(list)
    api_requests: int = 0
    remaining: int = 0
    truncated: bool = False
    stopped: str | None = None
    note: str | None = None

    @property
    def ok(self) -> bool:
        """True when the folder is now an exact mirror: no failure, nothing left to fetch, no doubt."""
        return not self.failures and not self.remaining and self.note is None

    @property
    def changed(self) -> bool:
        """True when this call wrote or removed a file."""
        return bool(self.added or self.updated or self.deleted)


@attrs.frozen
class UploadFailure:
    """A file of ``upload_many`` that was not registered, with the reason (PUT failure or server refusal)."""

    filename: str
    directory_path: str | None
    error: str


@attrs.frozen
class BulkUploadReport:
    """The outcome of ``images.upload_many``: ``succeeded`` holds only images this call registered.

    ``skipped`` holds the images the dataset already had under the same folder, name and size (a rerun after
    an interruption uploads only what is missing).
    """

    succeeded: list[Image] = attrs.Factory(list)
    failed: list[UploadFailure] = attrs.Factory(list)
    skipped: list[Image] = attrs.Factory(list)

    @property
    def ok(self) -> bool:
        return not self.failed


@attrs.frozen
class WriteFailure:
    """A row of ``pictograph.ray.write_annotations`` whose annotations were not saved, and why (an unknown class,
    a bad geometry, an image the server does not know): the rest of the job went on without it."""

    image_id: str
    error: str


@attrs.frozen
class WriteReport:
    """The outcome of ``pictograph.ray.write_annotations``.

    ``rows`` counts the rows the write tasks took, ``saved`` the images whose annotations the server replaced
    (a row naming an image twice counts once), ``failures`` the rows that were not saved. ``api_requests`` is
    what the write spent of the organization's hourly request budget (retried tasks included only as their last
    attempt counted it).
    """

    rows: int = 0
    saved: int = 0
    failures: list[WriteFailure] = attrs.Factory(list)
    api_requests: int = 0

    @property
    def ok(self) -> bool:
        """True when every row was saved."""
        return not self.failures


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
