"""Background jobs: export builds and connector imports, run by one worker thread.

Exports go ``pending`` → ``processing`` → ``completed`` | ``failed`` and write a real ZIP through
``pictograph.formats`` (all seven formats); when that package cannot be imported only ``pictograph`` JSON is
built and other formats fail with a clear ``error_message``.  Imports count progress per image and stop at the
next image once cancelled.  Fault settings can slow each step down or make jobs fail.
"""

from __future__ import annotations

import json
import logging
import queue
import shutil
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

from pictograph.testing._state import ServerState
from pictograph.testing._storage import new_id, utcnow_iso

log = logging.getLogger("pictograph.testing")

SPLIT_FOLDERS = {"train": "train", "val": "valid", "test": "test"}


class JobRunner:
    """Runs submitted jobs in order on a daemon thread."""

    def __init__(self, state: ServerState) -> None:
        self.state = state
        self._queue: queue.Queue[tuple[str, str] | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="pictograph-mock-jobs", daemon=True)
        self._idle = threading.Event()
        self._idle.set()

    def start(self) -> None:
        self._thread.start()
        # jobs left unfinished by a previous run of the same data folder are picked up again
        for row in self.state.storage.all("SELECT id FROM exports WHERE status IN ('pending', 'processing')"):
            self.submit_export(row["id"])
        for row in self.state.storage.all("SELECT id FROM imports WHERE status = 'processing'"):
            self.submit_import(row["id"])

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def submit_export(self, export_id: str) -> None:
        self._idle.clear()
        self._queue.put(("export", export_id))

    def submit_import(self, import_id: str) -> None:
        self._idle.clear()
        self._queue.put(("import", import_id))

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Block until every submitted job has ended (for tests and the seed)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._queue.unfinished_tasks == 0:
                return True
            time.sleep(0.01)
        return False

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            try:
                if item is None:
                    return
                kind, job_id = item
                if kind == "export":
                    self._export(job_id)
                else:
                    self._import(job_id)
            except Exception:
                log.exception("job %s failed unexpectedly", item)
            finally:
                self._queue.task_done()

    # ------------------------------------------------------------------ exports
    def _export(self, export_id: str) -> None:
        db = self.state.storage
        faults = self.state.faults
        time.sleep(faults.job_delay())
        if db.one("SELECT id FROM exports WHERE id = ?", export_id) is None:
            return
        db.update("exports", export_id, {"status": "processing"})
        time.sleep(faults.job_delay())
        row = db.one("SELECT * FROM exports WHERE id = ?", export_id)
        if row is None:
            return
        try:
            if faults.job_fails():
                raise RuntimeError("storage quota exceeded while writing the archive (injected fault)")
            images, annotations, size = self._build_zip(row)
        except Exception as exc:
            db.update("exports", export_id, {"status": "failed", "error_message": str(exc)})
            return
        if db.one("SELECT id FROM exports WHERE id = ?", export_id) is None:  # deleted meanwhile
            db.export_path(export_id).unlink(missing_ok=True)
            return
        expires = utcnow_iso(self.state.clock.now() + 30 * 86400)
        db.update("exports", export_id, {"status": "completed", "file_size": size, "image_count": images,
                                         "annotation_count": annotations, "expires_at": expires})

    def _build_zip(self, export: dict[str, Any]) -> tuple[int, int, int]:
        from pictograph.testing._handlers import image_path_of, status_matches

        db = self.state.storage
        ds = db.one("SELECT * FROM datasets WHERE id = ?", export["dataset_id"])
        if ds is None:
            raise RuntimeError("the dataset was deleted while the export was building")
        status_filter = export["status_filter"] or "all"
        keep = set(export["class_filter"]) if export["class_filter"] is not None else None
        rows = [r for r in db.all("SELECT * FROM images WHERE dataset_id = ? AND is_archived = 0 ORDER BY seq",
                                  ds["id"]) if status_matches(r["status"], status_filter)]
        groups: dict[str, list[dict[str, Any]]] = {}
        for r in rows:
            anns = [a for a in (r["annotations"] or []) if keep is None or a["name"] in keep]
            r = {**r, "annotations": anns}
            folder = SPLIT_FOLDERS.get(r["split"] or "train", "train") if export["organize_by_split"] else ""
            groups.setdefault(folder, []).append(r)
        classes = [c["name"] for c in ds["classes"] if keep is None or c["name"] in keep]
        # Members go straight into the ZIP: files made one by one in a staging folder cost more than the rest of
        # the build on a slow disk (0.5 ms a file here).
        partial = db.export_path(export["id"]).with_suffix(".zip.part")
        try:
            with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
                for folder, items in groups.items():
                    prefix = f"{folder}/" if folder else ""
                    self._zip_annotations(zf, items, classes, export["format"], prefix + "annotations/")
                    if export["include_images"]:
                        for r in items:
                            key = db.blob_key(r["directory_path"], r["filename"])
                            src = db.blob_path(r["dataset_id"], key)
                            arcname = prefix + "images/" + image_path_of(r)
                            if src.is_file():
                                zf.write(src, arcname)
                            elif (packed := db.packed_blob(r["dataset_id"], key)) is not None:
                                zf.writestr(arcname, packed)
            final = db.export_path(export["id"])
            partial.replace(final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        return len(rows), sum(len(r["annotations"]) for g in groups.values() for r in g), final.stat().st_size

    def _zip_annotations(self, zf: zipfile.ZipFile, items: list[dict[str, Any]], classes: list[str], fmt: str,
                         prefix: str) -> None:
        from pictograph.testing._handlers import image_path_of

        if fmt == "pictograph":
            # The canonical JSON reads give (docs/wire-protocol.md §5.2, §4.3), derived boxes of polygons and
            # polylines included: each image's file holds its annotations as stored, beside the manifest the
            # format's reader takes (pictograph.formats.pictograph). Nothing to convert.
            for r in items:
                zf.writestr(f"{prefix}{image_path_of(r)}.json", json.dumps(r["annotations"]))
            manifest = {"format": "pictograph", "version": 1, "classes": classes, "images": [
                {"filename": image_path_of(r), "width": r["width"], "height": r["height"],
                 **({"subset": r["split"]} if r["split"] else {})} for r in items]}
            zf.writestr(prefix + "pictograph.json", json.dumps(manifest, indent=1))
            return
        try:
            from pictograph import formats
        except ImportError as exc:
            raise RuntimeError(f"format {fmt!r} needs pictograph.formats, which is not available") from exc
        records = [formats.ImageRecord(
            image_path_of(r), r["width"], r["height"],
            tuple(formats.Annotation.from_dict(a) for a in r["annotations"]),
            subset=r["split"]) for r in items]
        staging = Path(tempfile.mkdtemp(prefix="export-", dir=self.state.storage.export_dir))
        try:
            formats.write(formats.AnnotatedDataset(images=records, classes=classes), staging, fmt, overwrite=True)
            for path in sorted(staging.rglob("*")):
                if path.is_file():
                    zf.write(path, prefix + path.relative_to(staging).as_posix())
        finally:
            shutil.rmtree(staging, ignore_errors=True)

    # ------------------------------------------------------------------ imports
    def _import(self, import_id: str) -> None:
        from pictograph.testing._connectors import Providers
        from pictograph.testing._handlers import _validate_annotations

        db = self.state.storage
        faults = self.state.faults
        job = db.one("SELECT * FROM imports WHERE id = ?", import_id)
        if job is None or job["status"] != "processing":
            return
        providers = Providers(self.state.providers_dir)
        available = {r.id: r for r in providers.datasets(job["provider"], job["source_key"])}
        progress: list[dict[str, Any]] = job["datasets"]
        imported = failed = 0

        def cancelled() -> bool:
            return bool(db.scalar("SELECT cancel_requested FROM imports WHERE id = ?", import_id))

        def save(**extra: Any) -> bool:
            """Write progress unless the job was cancelled meanwhile; tells whether to go on."""
            with db.lock:
                if cancelled():
                    return False
                db.update("imports", import_id, {"datasets": progress, "imported_images": imported,
                                                 "failed_images": failed, **extra})
                return True

        for index, ref in enumerate(job["requested"]):
            remote = available.get(str(ref["id"])) or next(
                (r for r in available.values() if r.slug == ref.get("slug")), None)
            entry = progress[index]
            if remote is None:
                entry["status"] = "error"
                if not save():
                    return
                continue
            if faults.job_fails():
                entry["status"] = "error"
                save(status="error", current_dataset=None)
                return
            name = self._free_name(job["org_id"], remote.name)
            sources = list(remote.images())
            class_names = sorted({a["name"] for s in sources for a in s.annotations})
            ds = {"id": new_id(), "org_id": job["org_id"], "name": name,
                  "description": f"Imported from {job['provider']} ({remote.slug})", "readme": None,
                  "annotation_types": sorted({a["type"] for s in sources for a in s.annotations}) or ["bbox"],
                  "classes": [{"name": c, "type": None, "color": None, "attributes": None, "skeleton": None}
                              for c in class_names], "created_at": utcnow_iso(), "updated_at": None}
            from pictograph.testing._handlers import PALETTE

            for i, c in enumerate(ds["classes"]):
                c["color"] = PALETTE[i % len(PALETTE)]
            db.insert("datasets", ds)
            entry.update(name=name, dataset_id=ds["id"], status="processing")
            if not save(current_dataset=name):
                return
            for src in sources:
                time.sleep(faults.job_delay())
                if cancelled():
                    return
                try:
                    anns = _validate_annotations(ds, src.annotations, ["annotations"])
                    blob = db.blob_path(ds["id"], db.blob_key("/", src.filename))
                    blob.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(src.file, blob)
                    ctype = "image/png" if src.filename.lower().endswith(".png") else "image/jpeg"
                    db.insert("images", {
                        "id": new_id(), "org_id": job["org_id"], "dataset_id": ds["id"], "filename": src.filename,
                        "directory_path": "/", "status": "complete" if anns else "new", "split": None,
                        "file_size": blob.stat().st_size, "width": src.width, "height": src.height,
                        "content_type": ctype, "tags": [], "is_archived": 0, "annotations": anns,
                        "created_at": utcnow_iso()})
                    entry["imported"] += 1
                    imported += 1
                except Exception as exc:
                    log.warning("import %s: %s failed: %s", import_id, src.filename, exc)
                    entry["failed"] += 1
                    failed += 1
                if not save():
                    return
            entry["status"] = "completed"
            if not save():
                return
        any_ok = any(d["status"] == "completed" for d in progress)
        save(status="completed" if any_ok or not progress else "error", current_dataset=None)

    def _free_name(self, org_id: str, wanted: str) -> str:
        db = self.state.storage
        name, n = wanted, 1
        while db.one("SELECT id FROM datasets WHERE org_id = ? AND name = ?", org_id, name):
            n += 1
            name = f"{wanted} ({n})"
        return name
