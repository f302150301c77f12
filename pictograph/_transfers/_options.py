"""The options of a transfer call, as values: the facade builds them from the caller's keywords, the jobs read them.

A job takes one :class:`TransferOptions` (how the files run and whom they report to) and, for a dataset
download, one :class:`DownloadOptions` (what to fetch), instead of a row of positional arguments; a new option
is one field here, not one more argument threaded through the facade, both fronts and the job.
The values are checked where a job starts (:meth:`DownloadOptions.checked_mode`,
:meth:`TransferOptions.checked_workers`), so the errors name the caller's keyword.
"""

from __future__ import annotations

import attrs

from pictograph._args import check_flag, check_name, check_range, check_split, normalize_folder
from pictograph._progress import ProgressReporter, reporter_for
from pictograph._transfers._mirror_plan import Scope, check_shard
from pictograph._transfers._plan import MODES, Mode


@attrs.frozen
class TransferOptions:
    """How a transfer runs: ``max_workers`` files at once, progress to ``progress`` and/or a terminal bar."""

    max_workers: int = 10
    #: ``None``, a callback or a :class:`~pictograph.ProgressReporter` (see :func:`pictograph._progress.reporter_for`).
    progress: object = None
    show_progress: bool = False
    #: ``(index, count)``: an upload takes only the files whose target image path falls in that shard
    #: (:func:`~pictograph._transfers._mirror_plan.shard_of`, the hash the downloads use).
    shard: tuple[int, int] | None = None

    def checked_workers(self) -> int:
        """``max_workers``, or ``ValueError`` when it is not an integer from 1 to 1024."""
        return check_range("max_workers", self.max_workers, 1, 1024)

    def checked_shard(self) -> tuple[int, int] | None:
        """``shard``, or ``ValueError`` naming the bad value."""
        return check_shard(self.shard)

    def reporter(self, *, per: str) -> ProgressReporter:
        """The reporter of ``progress`` and ``show_progress``, counting files (``per="file"``) or bytes."""
        return reporter_for(self.progress, self.show_progress, per=per)

    def reporting_to(self, reporter: ProgressReporter) -> TransferOptions:
        """The same options with every report going to ``reporter`` (the sync client's relay to its thread)."""
        return attrs.evolve(self, progress=reporter, show_progress=False)


@attrs.frozen
class DownloadOptions:
    """What a dataset download fetches: ``mode`` (``full``, ``images_only``, ``annotations_only``) and the images
    whose status is ``status_filter`` (``None``: every status)."""

    mode: str = "full"
    status_filter: str | None = None
    #: Only images of this split (``train``, ``val``, ``test``), of this folder and its sub-folders, of this shard.
    split: str | None = None
    folder: str | None = None
    shard: tuple[int, int] | None = None

    def checked_scope(self) -> Scope:
        """The images the call takes, once ``split``, ``folder`` and ``shard`` are checked (``ValueError``)."""
        folder = None if self.folder is None else normalize_folder(check_name("folder", self.folder), "folder")
        return Scope(self.status_filter, check_split(self.split), folder, check_shard(self.shard))

    @property
    def scoped(self) -> bool:
        """True when the call narrows the dataset in a way the download listing cannot (split, folder, shard)."""
        return self.split is not None or self.folder is not None or self.shard is not None

    def checked_mode(self) -> Mode:
        """``mode``, once ``mode`` and ``status_filter`` are checked (``ValueError`` naming the bad one)."""
        if self.mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(sorted(MODES))}, got {self.mode!r}")
        if self.status_filter is not None:
            check_name("status_filter", self.status_filter)
        mode: Mode = self.mode  # type: ignore[assignment]  # one of MODES, checked above
        return mode


@attrs.frozen
class SyncOptions(DownloadOptions):
    """A download that keeps the folder an exact mirror: ``delete`` removes the files the SDK wrote for images
    that are gone; ``refresh_annotations`` fetches every annotation file again instead of only the changed ones."""

    delete: bool = True
    refresh_annotations: bool = False

    def checked_flags(self) -> tuple[bool, bool]:
        return check_flag("delete", self.delete), check_flag("refresh_annotations", self.refresh_annotations)
