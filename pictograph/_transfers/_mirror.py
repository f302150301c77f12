"""``datasets.sync``: a folder kept an exact mirror of a dataset, at any size (and ``datasets.download`` past the
reach of one listing).

One run: list the dataset's images until the listing is whole (:mod:`._mirror_list`); decide for each file from
the manifest and the disk whether it is current (:mod:`._mirror_plan`); record the files about to be written as
``pending``; fetch them, each recorded as the mirror's own the moment it is renamed into place; remove the files
the mirror wrote for images that are gone; store the images' metadata and the classes for offline readers. A run
stopped anywhere leaves complete files and a manifest that says which are its own, so the next run converges.

Bytes come from signed listings where they cover an image, otherwise from the API's byte route
(docs/wire-protocol.md §3.1), which counts against the hourly request budget (docs/wire-protocol.md §1.11).
Annotation files are written for the images whose annotations changed by what the images list tells (their
count, lowest confidence and status), or for every annotated image with ``refresh_annotations``; from one
annotations export when there are many (:mod:`._mirror_export`), else one request each. The trade-off is
measured and documented in docs/download-a-dataset.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
import os
import threading
from pathlib import Path
from typing import Any, Literal

import attrs
from pictograph_api.api.annotations import get_annotations
from pictograph_api.api.images import get_image_bytes

from pictograph._args import check_name
from pictograph._progress import ProgressReporter
from pictograph._protocol import json_body
from pictograph._request_count import counting_requests
from pictograph._transfers._engine import Engine, Outcome
from pictograph._transfers._manifest import Manifest
from pictograph._transfers._mirror_disk import (
    remove_stale,
    remove_work_folders,
    safe_recorded,
    stat_file,
    write_small,
    write_stream,
)
from pictograph._transfers._mirror_export import (
    EXPORT_FROM,
    IMAGES_EXPORT_FROM,
    IMAGES_EXPORT_SHARE,
    annotations_by_export,
    images_by_export,
)
from pictograph._transfers._mirror_list import Reader
from pictograph._transfers._mirror_plan import (
    FileRecord,
    Listed,
    Scope,
    annotation_bytes,
    annotation_digest,
    annotations_of,
    image_decision,
    wanted_file,
)
from pictograph._transfers._options import SyncOptions, TransferOptions
from pictograph._transfers._plan import (
    ListedFile,
    LocalState,
    describe_error,
)
from pictograph._transfers._zipstream import Readable
from pictograph.errors import NotFoundError, PictographError, RateLimitError
from pictograph.reports import DownloadFailure, DownloadRetry, SyncReport

logger = logging.getLogger("pictograph")

Kind = Literal["image", "annotation"]


@attrs.frozen
class MirrorOptions:
    """What a mirror run does, checked by the caller: which files, which images, and whether it removes."""

    mode: str = "full"
    scope: Scope = attrs.Factory(Scope)
    delete: bool = True
    max_workers: int = 10
    refresh_annotations: bool = False


@attrs.define
class _Task:
    image: Listed
    kind: Kind
    relpath: str
    update: bool  # the folder had a file there (it is replaced)
    recorded: bool  # the manifest had a record of the path before this run
    url: str | None = None  # a signed URL, set just before the fetch; ``None``: the API route


class _Run:
    """The state of one mirror run over one folder."""

    def __init__(self, engine: Engine, reader: Reader, root: Path, options: MirrorOptions, manifest: Manifest,
                 reporter: ProgressReporter, dataset_id: str) -> None:
        self.engine = engine
        self.dataset_id = dataset_id
        self.reader = reader
        self.root = root
        self.options = options
        self.manifest = manifest
        self.reporter = reporter
        self.stop = threading.Event()
        self.dirs: set[Path] = set()
        self.added: list[str] = []
        self.updated: list[str] = []
        self.deleted: list[str] = []
        self.kept: list[str] = []
        self.unchanged: list[str] = []
        self.failures: list[DownloadFailure] = []
        self.task_failures = 0
        self.confirmed = 0  # tasks whose file turned out to hold the right bytes already
        self.retries: list[DownloadRetry] = []
        self.written: dict[Kind, int] = {"image": 0, "annotation": 0}
        self.skipped: dict[Kind, int] = {"image": 0, "annotation": 0}

    def target(self, relpath: str) -> Path:
        return self.root.joinpath(*relpath.split("/"))

    # ------------------------------------------------------------------ planning
    def plan(self, wanted: dict[str, Listed]) -> tuple[list[_Task], list[FileRecord]]:
        """Files to write, and files already in place that the manifest should now hold."""
        tasks: list[_Task] = []
        found: list[FileRecord] = []
        images, annotations = self.options.mode != "annotations_only", self.options.mode != "images_only"
        for relpath, image in wanted.items():
            if images:
                record = self._record(relpath)
                local = stat_file(self.target(relpath))
                decision = image_decision(image, record, local)
                if decision == "fetch":
                    tasks.append(_Task(image, "image", relpath, local is not None, record is not None))
                else:
                    self.unchanged.append(relpath)
                    self.skipped["image"] += 1
                    if decision == "adopt" and local is not None:
                        mine = record is not None and record.origin == "pending"
                        found.append(FileRecord(relpath, "image", image.id, local[0], local[1],
                                                "written" if mine else "adopted"))
            if annotations and image.annotation_count:
                self._plan_annotation(image, tasks)
        return tasks, found

    def _record(self, relpath: str) -> FileRecord | None:
        record = self.manifest.record(relpath)
        return record if record is None or safe_recorded(record.relpath) else None

    def _plan_annotation(self, image: Listed, tasks: list[_Task]) -> None:
        relpath = image.relpath + ".json"
        record = self._record(relpath)
        local = stat_file(self.target(relpath))
        current = record is not None and record.image_id == image.id and record.origin == "written" \
            and local == (record.size, record.mtime_ns)
        if current and not self.options.refresh_annotations and self.manifest.signal(image.id) == (
                image.annotation_count, image.min_confidence, image.status):
            self.unchanged.append(relpath)
            self.skipped["annotation"] += 1
        else:
            tasks.append(_Task(image, "annotation", relpath, local is not None, record is not None))

    def stale(self, wanted: dict[str, Listed]) -> list[FileRecord]:
        """Recorded files that no image in scope wants any more (an image gone, or its annotations cleared)."""
        mode = self.options.mode
        return self.manifest.unwanted(lambda path: not safe_recorded(path) or wanted_file(path, wanted, mode))

    # ------------------------------------------------------------------ fetching
    async def fetch_images(self, tasks: list[_Task], in_scope: int) -> None:
        """The images: from signed listings as far as they reach, each listing's URLs used at once; the rest
        from one export with images when they are many (``in_scope``: the images the call takes), else by the
        API's byte route."""
        pending = {t.relpath: t for t in tasks}
        workers = self.options.max_workers
        async for batch in self.reader.signed_batches(pending):
            async for _ in self.engine.run_bounded(self.fetch, batch, workers):
                pass
            for task in batch:
                task.url = None  # let the URL go
            del batch
            gc.collect()  # a listing's 10,000 parsed items, given back before the next one is asked for
        if len(pending) >= IMAGES_EXPORT_FROM and len(pending) >= IMAGES_EXPORT_SHARE * in_scope \
                and self.reader.spent is None:
            await self._images_by_export(pending)
        async for _ in self.engine.run_bounded(self.fetch, list(pending.values()), workers):
            pass

    async def _images_by_export(self, pending: dict[str, _Task]) -> None:
        """The images no listing covered, from one export with images (taken out of ``pending`` as they land)."""

        def take(path: str, stream: Readable) -> None:
            task = pending.pop(path)
            target = self.target(task.relpath)
            local = write_stream(target, stream, task.image.file_size, self.dirs)
            self._landed(task, None, LocalState(*local))

        try:
            await images_by_export(self.engine, self.reader.name, self.options.scope.status_filter,
                                   {p: t.image.file_size for p, t in pending.items()}, take,
                                   timeout=max(600.0, len(pending) / 20), workdir=self.root)
        except PictographError as exc:
            if not self.reader.notice(exc) and self.reader.spent is None:
                logger.info("no export with images for %r (%s): fetching the %d images no listing covers one "
                            "by one", self.reader.name, describe_error(exc), len(pending))

    async def fetch(self, task: _Task) -> None:
        """Write one file and record it; a failure is a row of the report, never an exception."""
        if self.reader.spent is not None:
            return  # left for the next run
        if task.kind == "annotation":
            await self._annotation(task)
            return
        file = ListedFile("image", task.relpath, task.relpath, task.url or "", task.image.file_size)
        request = None if task.url is not None else get_image_bytes._get_kwargs(task.image.id)
        outcome: Outcome = await self.engine.fetch(
            file, self.target(task.relpath), self.stop, self.dirs, functools.partial(self._landed, task, None),
            request=request)
        self.retries.extend(outcome.retries)
        if outcome.status == "downloaded":
            return
        if outcome.status == "expired":  # storage refused the signed URL: the API's byte route still serves it
            task.url = None
            await self.fetch(task)
        elif self.reader.notice(outcome.cause):
            return
        elif isinstance(outcome.cause, NotFoundError):
            self._failed(task, "the image is no longer on the server (deleted during the sync)")
        else:
            self._failed(task, outcome.error)

    async def _annotation(self, task: _Task) -> None:
        image = task.image
        folder = image.directory_path.strip("/")
        try:
            response = await self.reader.call(get_annotations._get_kwargs(
                self.dataset_id, f"{folder}/{image.filename}" if folder else image.filename))
            data = annotation_bytes(annotations_of(json_body(response.status_code, response.content, "Annotations")))
            self._write_annotation(task, data)
        except NotFoundError:
            self._failed(task, "the image is no longer on the server (deleted during the sync)")
            return
        except (PictographError, OSError, ValueError) as exc:
            if self.reader.spent is None:  # else it is left for the next run, not a failure
                self._failed(task, describe_error(exc))

    def _landed(self, task: _Task, digest: str | None, local: LocalState) -> None:
        """Record a file the moment it is in place (before any await: a cancelled run still knows it)."""
        self.manifest.put(FileRecord(task.relpath, task.kind, task.image.id, local.size, local.mtime_ns,
                                     "written", digest))
        (self.updated if task.update else self.added).append(task.relpath)
        self.written[task.kind] += 1
        self.reporter.advance(1, task.relpath)

    def _failed(self, task: _Task, error: str) -> None:
        self.failures.append(DownloadFailure(task.relpath, task.kind, error))
        self.task_failures += 1
        if not task.recorded:
            self.manifest.drop(task.relpath)  # its pending record: nothing of the mirror's is at that path
        self.reporter.advance(1, task.relpath)

    async def by_export(self, tasks: list[_Task], name: str) -> list[_Task]:
        """Write the annotation files of ``tasks`` from one annotations export; the tasks still to do (all of
        them when no export could be had, which is logged, not failed)."""
        todo = {t.image.relpath: t for t in tasks}
        if self.reader.spent is not None:
            return tasks
        done: set[str] = set()

        def take(path: str, annotations: list[Any]) -> None:
            self._write_annotation(todo[path], annotation_bytes(annotations))
            done.add(path)

        try:
            await annotations_by_export(self.engine, name, self.options.scope.status_filter, todo.keys(), take,
                                        timeout=max(600.0, len(todo) / 50))
        except PictographError as exc:
            if not self.reader.notice(exc) and self.reader.spent is None:
                logger.info("no annotations export for %r (%s): fetching the %d annotation files one by one",
                            name, describe_error(exc), len(todo) - len(done))
        except OSError as exc:
            logger.info("an annotations export could not be written (%s): fetching the files one by one", exc)
        return [t for t in tasks if t.image.relpath not in done]

    def _write_annotation(self, task: _Task, data: bytes) -> None:
        """Write an annotation file unless the folder holds those bytes already (then only record them)."""
        digest = annotation_digest(data)
        target = self.target(task.relpath)
        record = self._record(task.relpath)
        local = stat_file(target)
        if local is not None and local[0] == len(data) and target.read_bytes() == data:
            mine = record is not None and record.origin in ("written", "pending")
            if record is None or record.digest != digest or record.image_id != task.image.id \
                    or (record.size, record.mtime_ns) != local:
                self.manifest.put(FileRecord(task.relpath, "annotation", task.image.id, local[0], local[1],
                                             "written" if mine else "adopted", digest))
            self.confirmed += 1
            self.unchanged.append(task.relpath)
            self.skipped["annotation"] += 1
            self.reporter.advance(1, task.relpath)
            return
        self._landed(task, digest, LocalState(*write_small(target, data, self.dirs)))

async def mirror_dataset(engine: Engine, name: str, root: Path, options: MirrorOptions,
                         reporter: ProgressReporter) -> SyncReport:
    """One mirror run from listing to report (see the module docstring)."""
    return (await run_mirror(engine, name, root, options, reporter))[1]


async def run_mirror(engine: Engine, name: str, root: Path, options: MirrorOptions,
                     reporter: ProgressReporter) -> tuple[_Run, SyncReport]:
    """A mirror run, and its state (for callers that tell its outcome in their own report)."""
    with counting_requests() as counter:
        run, report = await _mirror_run(engine, name, root, options, reporter)
    return run, attrs.evolve(report, api_requests=counter[0])


async def _mirror_run(engine: Engine, name: str, root: Path, options: MirrorOptions,
                      reporter: ProgressReporter) -> tuple[_Run, SyncReport]:
    reader = Reader(engine.transport, name, options.scope)
    remove_work_folders(root)  # an export a killed run was reading
    with Manifest(root) as manifest:
        try:
            dataset, wanted, refused, whole = await reader.images()
        except RateLimitError as exc:
            if reader.spent is None:
                raise
            raise RateLimitError(
                f"the organization's hourly request budget ran out while the images of {name!r} were listed, so "
                f"nothing in {root} was changed; run the same call again in {exc.retry_after or 0:.0f} s",
                retry_after=exc.retry_after, request_id=exc.request_id) from None
        run = _Run(engine, reader, root, options, manifest, reporter, dataset["id"])
        run.failures.extend(refused)
        tasks, found = run.plan(wanted)
        gc.collect()  # the listing's pages are garbage now; a large one is worth giving back before the fetches
        if found:
            manifest.put_many(found)
        if tasks:
            manifest.put_many(FileRecord(t.relpath, t.kind, t.image.id, -1, -1, "pending") for t in tasks
                              if not t.recorded)
            manifest.commit()
        reporter.start(len(tasks), unit="file", description=name)
        notes = [t for t in tasks if t.kind == "annotation"]
        exported = len(notes) >= EXPORT_FROM
        # The export is built on the server while the images arrive; what it did not cover is fetched after.
        export = asyncio.ensure_future(run.by_export(notes, name)) if exported else None
        try:
            await run.fetch_images([t for t in tasks if t.kind == "image"], len(wanted))
            rest = await export if export is not None else notes
            async for _ in engine.run_bounded(run.fetch, rest, options.max_workers):
                pass
        finally:
            if export is not None and not export.done():
                export.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await export
            run.stop.set()
            reporter.finish()
            manifest.commit()
        if options.delete and whole and reader.spent is None:
            deleted, kept, failed = remove_stale(root, run.stale(wanted), manifest)
            run.deleted.extend(deleted)
            run.kept.extend(kept)
            run.failures.extend(failed)
        if tasks or found or run.deleted or manifest.exists:
            manifest.set_meta("dataset", {"id": dataset["id"], "name": dataset.get("name"),
                                          "classes": dataset.get("classes") or []})
            manifest.replace_images(wanted)
        manifest.commit()
    left = len(tasks) - len(run.added) - len(run.updated) - run.task_failures - run.confirmed
    stopped = None
    if reader.spent is not None:
        stopped = (f"the organization's hourly request budget is spent (the API asks to wait "
                   f"{reader.spent.retry_after:.0f} s): {left} files are left; run the same call again later "
                   f"and it resumes where this one stopped")
    return run, SyncReport(
        output_dir=root, dataset_id=dataset["id"], added=run.added, updated=run.updated, deleted=run.deleted,
        kept=run.kept, unchanged=len(run.unchanged), failures=run.failures,
        remaining=left, truncated=left > 0, stopped=stopped, note=reader.note,
    )


async def sync_dataset(engine: Engine, name: str, output_dir: str | os.PathLike[str], options: SyncOptions,
                       transfer: TransferOptions) -> SyncReport:
    """``datasets.sync``: make ``output_dir`` an exact mirror of dataset ``name`` as filtered."""
    check_name("name", name)
    options.checked_mode()
    scope = options.checked_scope()
    delete, refresh = options.checked_flags()
    max_workers = transfer.checked_workers()
    root = Path(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    mirror = MirrorOptions(options.mode, scope, delete, max_workers, refresh)
    return await mirror_dataset(engine, name, root, mirror, transfer.reporter(per="file"))
