"""``datasets.download``: a dataset's images and annotations into a folder, and the journal that lets a rerun skip
what is already complete.

Protocol: docs/wire-protocol.md §2.3 (download listing). One signed listing names every file; files are fetched
``max_workers`` at a time, each written to ``NAME.part`` and renamed when complete. A file whose size (and
digest) the listing gives is skipped when the local copy matches; otherwise only a file journaled by an earlier
run, unchanged since, is skipped (``.pictograph-download.jsonl`` in the output folder, one line per file,
rewritten compactly at the end). Signed URLs that expired mid-run get one fresh listing.
"""

from __future__ import annotations

import functools
import logging
import os
import threading
from pathlib import Path
from typing import IO

import attrs

from pictograph._args import check_name
from pictograph._progress import ProgressReporter
from pictograph._request_count import counting_requests
from pictograph._transfers._engine import Engine, Outcome, digest_of, local_state, unlink_quietly
from pictograph._transfers._mirror import MirrorOptions, run_mirror
from pictograph._transfers._mirror_list import Reader
from pictograph._transfers._options import DownloadOptions, TransferOptions
from pictograph._transfers._plan import (
    JOURNAL_NAME,
    LISTING_LIMIT,
    JournalEntry,
    ListedFile,
    LocalState,
    Mode,
    describe_error,
    fresh_urls,
    journal_line,
    part_path,
    read_journal,
    skip_decision,
)
from pictograph._transfers._pool import run_bounded
from pictograph.errors import PictographError, RateLimitError
from pictograph.reports import DownloadFailure, DownloadReport, DownloadRetry

logger = logging.getLogger("pictograph")


@attrs.define
class _DownloadJob:
    root: Path
    dataset_id: str | None
    journal: dict[str, JournalEntry]
    stop: threading.Event = attrs.Factory(threading.Event)
    dirs: set[Path] = attrs.Factory(set)
    journal_file: IO[str] | None = None
    spent: RateLimitError | None = None  # the 429 that said the hourly request budget is gone

    def record(self, relpath: str, local: LocalState) -> None:
        """Journal a file the moment it is renamed into place (before any await: a transfer cancelled right
        after still counts it as complete, and a rerun skips it)."""
        entry = JournalEntry(self.dataset_id, local.size, local.mtime_ns)
        self.journal[relpath] = entry
        if self.journal_file is not None:
            self.journal_file.write(journal_line(relpath, entry))
            self.journal_file.flush()


@attrs.define
class _Tally:
    """The running counts of a dataset download (updated only in the caller's task or thread)."""

    failures: list[DownloadFailure]
    downloaded: dict[str, int] = attrs.Factory(lambda: {"image": 0, "annotation": 0})
    skipped: dict[str, int] = attrs.Factory(lambda: {"image": 0, "annotation": 0})
    skipped_paths: list[str] = attrs.Factory(list)
    retries: list[DownloadRetry] = attrs.Factory(list)
    left: int = 0  # not fetched because the request budget is spent

    def add(self, outcome: Outcome, reporter: ProgressReporter) -> None:
        file = outcome.file
        self.retries.extend(outcome.retries)
        if outcome.status == "left":
            self.left += 1
        elif outcome.status == "downloaded":
            self.downloaded[file.kind] += 1  # journaled already, as it was renamed into place
        elif outcome.status == "skipped":
            self.skipped[file.kind] += 1
            self.skipped_paths.append(file.relpath)
        else:
            self.failures.append(DownloadFailure(file.filename, file.kind, outcome.error))
        reporter.advance(1, file.relpath)


async def _fetch_one(engine: Engine, job: _DownloadJob, file: ListedFile) -> Outcome:
    """One file of a dataset download: skip it, fetch it (retrying), or say why not. Never raises."""
    target = job.root.joinpath(*file.relpath.split("/"))
    try:
        local = local_state(target)
        decision = skip_decision(file, local, job.journal.get(file.relpath), job.dataset_id)
        if decision == "verify-digest" and file.expected_digest is not None:
            matches = digest_of(target, file.expected_digest[0]) == file.expected_digest[1]
            decision = "skip" if matches else "fetch"
    except OSError as exc:
        return Outcome(file, "failed", error=describe_error(exc))
    if decision == "skip":
        unlink_quietly(part_path(target))  # a leftover of an earlier crash beside the complete file
        return Outcome(file, "skipped")
    if job.spent is not None and file.kind == "annotation":
        return Outcome(file, "left")  # an API request; signed image URLs do not count and go on
    outcome = await engine.fetch(file, target, job.stop, job.dirs, functools.partial(job.record, file.relpath))
    cause = outcome.cause
    if isinstance(cause, RateLimitError) and cause.retry_after is not None:
        job.spent = cause
        return Outcome(file, "left")
    return outcome


async def download_dataset(
    engine: Engine, name: str, output_dir: str | os.PathLike[str], options: DownloadOptions,
    transfer: TransferOptions,
) -> DownloadReport:
    """Download the files the listing of dataset ``name`` names into ``output_dir`` (``datasets.download``)."""
    with counting_requests() as counter:
        report = await _download_dataset(engine, name, output_dir, options, transfer)
    return attrs.evolve(report, api_requests=counter[0])


async def _download_dataset(
    engine: Engine, name: str, output_dir: str | os.PathLike[str], options: DownloadOptions,
    transfer: TransferOptions,
) -> DownloadReport:
    check_name("name", name)
    mode = options.checked_mode()
    max_workers = transfer.checked_workers()
    reporter = transfer.reporter(per="file")
    root = Path(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    status_filter = options.status_filter

    if options.scoped:  # split, folder and shard: the images list knows them, the download listing does not
        return await download_by_mirror(engine, name, root, options, max_workers, reporter)
    plan = await engine.listing(name, mode, status_filter)
    if plan.truncated:
        logger.info(
            "the download listing of %r holds %d items, its maximum: completing the download from the images "
            "list", name, LISTING_LIMIT,
        )
        return await download_by_mirror(engine, name, root, options, max_workers, reporter)
    journal_path = root / JOURNAL_NAME
    journal = _load_journal(journal_path)
    files = await _sized(engine, name, root, plan.files, journal, options, plan.dataset_id)
    job = _DownloadJob(root, plan.dataset_id, journal)
    tally = _Tally(failures=list(plan.failures))
    listings = 1
    reporter.start(len(files), unit="file", description=name)
    try:
        with open(journal_path, "a", encoding="utf-8") as journal_file:
            job.journal_file = journal_file
            fetch = functools.partial(_fetch_one, engine, job)
            expired: list[ListedFile] = []
            async for outcome in run_bounded(fetch, files, max_workers):
                if outcome.status == "expired":
                    expired.append(outcome.file)
                    tally.retries.extend(outcome.retries)
                    continue
                tally.add(outcome, reporter)
            if expired:
                # Signed URLs expire after an hour: one fresh listing, then each such file gets one more go.
                listings += 1
                retry_files, missing = await _refresh(engine, name, mode, status_filter, expired)
                for file, why in missing:
                    tally.add(Outcome(file, "failed", error=why), reporter)
                async for outcome in run_bounded(fetch, retry_files, max_workers):
                    tally.add(outcome, reporter)
    finally:
        job.stop.set()
        job.journal_file = None
        reporter.finish()
        _compact_journal(journal_path, journal)
    spent = job.spent
    return DownloadReport(
        output_dir=root,
        dataset_id=plan.dataset_id,
        images_downloaded=tally.downloaded["image"],
        annotations_downloaded=tally.downloaded["annotation"],
        failures=tally.failures,
        truncated=bool(tally.left),
        images_skipped=tally.skipped["image"],
        annotations_skipped=tally.skipped["annotation"],
        skipped=tally.skipped_paths,
        retries=tally.retries,
        listings=listings,
        remaining=tally.left,
        stopped=None if spent is None else (
            f"the organization's hourly request budget is spent (the API asks to wait {spent.retry_after:.0f} s): "
            f"{tally.left} files are left; run the same call again later and it resumes where this one stopped"),
    )


async def _refresh(
    engine: Engine, name: str, mode: Mode, status_filter: str | None, expired: list[ListedFile]
) -> tuple[list[ListedFile], list[tuple[ListedFile, str]]]:
    try:
        fresh = fresh_urls(await engine.listing(name, mode, status_filter))
    except PictographError as exc:
        return [], [(f, f"signed URL expired and a fresh listing failed: {describe_error(exc)}") for f in expired]
    retry: list[ListedFile] = []
    missing: list[tuple[ListedFile, str]] = []
    for file in expired:
        url = fresh.get((file.kind, file.relpath))
        if url is None:
            missing.append((file, "signed URL expired and the file is no longer listed"))
        else:
            retry.append(attrs.evolve(file, url=url))
    return retry, missing


def _load_journal(path: Path) -> dict[str, JournalEntry]:
    try:
        return read_journal(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        logger.warning("ignoring the unreadable download journal %s (%s)", path, exc)
        return {}


def _compact_journal(path: Path, journal: dict[str, JournalEntry]) -> None:
    tmp = part_path(path)
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.writelines(journal_line(p, e) for p, e in journal.items())
        os.replace(tmp, path)
    except OSError as exc:
        logger.warning("could not rewrite the download journal %s (%s)", path, exc)
        unlink_quietly(tmp)


async def _sized(engine: Engine, name: str, root: Path, files: list[ListedFile], journal: dict[str, JournalEntry],
                 options: DownloadOptions, dataset_id: str | None) -> list[ListedFile]:
    """The listed files, with each image's size from the images list when a file is already on disk that the
    journal does not vouch for (a copied folder, a lost journal): a file of that size is then skipped, a file of
    another size fetched again. One request per 1,000 images, and none when the journal covers every file."""
    unvouched = False
    for file in files:
        if file.kind != "image" or file.expected_size is not None:
            continue
        local = local_state(root.joinpath(*file.relpath.split("/")))
        if local is not None and skip_decision(file, local, journal.get(file.relpath), dataset_id) != "skip":
            unvouched = True
            break
    if not unvouched:
        return files
    try:
        sizes = await listed_sizes(engine, name, options)
    except PictographError as exc:  # without sizes, such files are fetched again: slower, never wrong
        logger.info("could not read the images list of %r for file sizes (%s)", name, describe_error(exc))
        return files
    return [attrs.evolve(f, expected_size=sizes[f.relpath]) if f.kind == "image" and f.expected_size is None
            and f.relpath in sizes else f for f in files]


async def download_by_mirror(engine: Engine, name: str, root: Path, options: DownloadOptions, max_workers: int,
                             reporter: ProgressReporter) -> DownloadReport:
    """A download the signed listing cannot do alone (it came back full, or the call filters by split, folder
    or shard): the mirror without removals, its report told as a download's."""
    mirror = MirrorOptions(options.mode, options.checked_scope(), False, max_workers)
    run, report = await run_mirror(engine, name, root, mirror, reporter)
    return DownloadReport(
        output_dir=root, dataset_id=report.dataset_id,
        images_downloaded=run.written["image"], annotations_downloaded=run.written["annotation"],
        failures=report.failures, truncated=report.truncated,
        images_skipped=run.skipped["image"], annotations_skipped=run.skipped["annotation"], skipped=run.unchanged,
        retries=run.retries, listings=run.reader.listings, api_requests=report.api_requests, remaining=report.remaining,
        stopped=report.stopped,
    )


async def listed_sizes(engine: Engine, name: str, options: DownloadOptions) -> dict[str, int]:
    """``file_size`` of every image in scope, by path, from the images list (pages of 1,000)."""
    reader = Reader(engine.transport, name, options.checked_scope())
    dataset = await reader.dataset()
    images, _refused = await reader.list_once(dataset["id"])
    return {image.relpath: image.file_size for image in images.values()}
