"""The operations of ``openapi.yaml``, one function each, keyed by ``operationId``.

Requests reach these functions already authenticated and validated against the spec; they apply the service's
behaviour (organizations, roles, names, caps, jobs) and return a :class:`Reply`.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from pictograph.errors import ValidationError
from pictograph.testing._errors import (
    HttpError,
    bad_request,
    cap_exceeded,
    conflict,
    forbidden,
    not_found,
    unprocessable,
)
from pictograph.testing._signing import STORAGE_PREFIX
from pictograph.testing._spec import API_PREFIX
from pictograph.testing._state import ROLE_RANK, ServerState
from pictograph.testing._storage import Storage, new_id, utcnow_iso

UUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
PALETTE = ("#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#46f0f0", "#f032e6",
           "#bcf60c", "#fabebe", "#008080", "#e6beff", "#9a6324", "#800000", "#aaffc3", "#000075")
EXPORTS_PAGE_CAP = 100

# status_filter words -> image statuses they keep (None = every status)
STATUS_FILTERS: dict[str, tuple[str, ...] | None] = {
    "all": None, "complete": ("complete",), "in_progress": ("annotate", "review"), "new": ("new",),
}


@dataclass
class Reply:
    status: int = 200
    payload: Any = None
    file: Path | None = None
    data: bytes | None = None  # raw bytes to send as they are (an image kept in ``packed_blobs``)
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Ctx:
    state: ServerState
    org: dict[str, Any]
    role: str
    path: dict[str, str]
    query: dict[str, Any]
    body: Any
    base_url: str

    def require(self, role: str) -> None:
        if ROLE_RANK[self.role] < ROLE_RANK[role]:
            raise forbidden(role, self.role)

    @property
    def db(self) -> Any:
        return self.state.storage


Handler = Callable[[Ctx], Reply]
HANDLERS: dict[str, Handler] = {}


def op(operation_id: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        HANDLERS[operation_id] = fn
        return fn
    return register


# ---------------------------------------------------------------------------------------------- helpers
def image_path_of(image: dict[str, Any]) -> str:
    directory = (image["directory_path"] or "/").strip("/")
    return f"{directory}/{image['filename']}" if directory else image["filename"]


_PLAIN_PATH = re.compile(r"[A-Za-z0-9._~/-]*")


def quote_image_path(path: str) -> str:
    if _PLAIN_PATH.fullmatch(path):  # nothing to escape (most names): a tenth of the cost of quoting
        return path
    return "/".join(quote(part, safe="") for part in path.split("/"))


def normalize_directory(value: str | None) -> str:
    parts = [p for p in (value or "/").split("/") if p]
    return "/" + "/".join(parts)


def split_image_path(path: str) -> tuple[str, str]:
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        raise not_found("Image", path)
    return "/" + "/".join(parts[:-1]), parts[-1]


def find_dataset(ctx: Ctx, ref: str) -> dict[str, Any]:
    if UUID_RE.match(ref):
        row = ctx.db.one("SELECT * FROM datasets WHERE id = ? AND org_id = ?", ref.lower(), ctx.org["id"])
    else:
        row = ctx.db.one("SELECT * FROM datasets WHERE name = ? AND org_id = ?", ref, ctx.org["id"])
    if row is None:
        raise not_found("Dataset", ref)
    return dict(row)


def find_image_by_path(ctx: Ctx, dataset: dict[str, Any], image_path: str) -> dict[str, Any]:
    directory, filename = split_image_path(image_path)
    row = ctx.db.one("SELECT * FROM images WHERE dataset_id = ? AND directory_path = ? AND filename = ?",
                     dataset["id"], directory, filename)
    if row is None:
        raise not_found("Image", image_path)
    return dict(row)


def find_image_by_id(ctx: Ctx, image_id: str) -> dict[str, Any]:
    row = ctx.db.one("SELECT * FROM images WHERE id = ? AND org_id = ?", image_id.lower(), ctx.org["id"]) \
        if UUID_RE.match(image_id) else None
    if row is None:
        raise not_found("Image", image_id)
    return dict(row)


def dataset_json(ctx: Ctx, ds: dict[str, Any], images: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    counts = ctx.db.one(
        "SELECT SUM(is_archived = 0) AS active, SUM(is_archived = 0 AND status = 'complete') AS done, "
        "SUM(is_archived) AS archived, SUM(file_size) AS size FROM images WHERE dataset_id = ?", ds["id"]) or {}
    out: dict[str, Any] = {
        "id": ds["id"], "organization_id": ds["org_id"], "name": ds["name"], "description": ds["description"],
        "readme": ds["readme"], "annotation_types": ds["annotation_types"], "classes": ds["classes"],
        "image_count": counts.get("active") or 0, "completed_image_count": counts.get("done") or 0,
        "archived_image_count": counts.get("archived") or 0, "total_size": counts.get("size") or 0,
        "is_public": False, "is_archived": False, "archived_at": None, "storage_class": "standard",
        "created_at": ds["created_at"], "updated_at": ds["updated_at"],
    }
    if images is not None:
        out["images"] = images
    return out


def image_json(ctx: Ctx, img: dict[str, Any]) -> dict[str, Any]:
    anns = img["annotations"] or []
    confidences = [a.get("confidence", 1.0) for a in anns]
    path = quote_image_path(image_path_of(img))
    return {
        "id": img["id"], "dataset_id": img["dataset_id"], "filename": img["filename"],
        "directory_path": img["directory_path"], "status": img["status"], "split": img["split"],
        "annotation_count": len(anns), "file_size": img["file_size"],
        "min_confidence": min(confidences) if confidences else None, "width": img["width"],
        "height": img["height"], "content_type": img["content_type"], "tags": img["tags"] or [],
        "is_archived": bool(img["is_archived"]),
        "image_url": f"{ctx.base_url}{API_PREFIX}/images/{img['id']}", "thumbnail_url": None,
        "annotation_url": f"{ctx.base_url}{API_PREFIX}/annotations/{img['dataset_id']}/{path}" if anns else None,
        "created_at": img["created_at"],
    }


def page(items: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {"data": items, "pagination": {"has_more": offset + len(items) < total, "limit": limit,
                                          "offset": offset, "total": total}}


def org_usage(ctx: Ctx) -> tuple[int, int]:
    row = ctx.db.one("SELECT COUNT(*) AS n, COALESCE(SUM(file_size), 0) AS size FROM images WHERE org_id = ?",
                     ctx.org["id"]) or {}
    return int(row.get("n") or 0), int(row.get("size") or 0)


def check_image_caps(ctx: Ctx, adding_images: int, adding_bytes: int,
                     usage: tuple[int, int] | None = None) -> None:
    """402 when the organization would pass a plan cap; ``usage`` is ``org_usage`` when the caller knows it."""
    caps = ctx.state.caps(ctx.org)
    count, size = org_usage(ctx) if usage is None else usage
    max_images, max_storage = caps["max_images"], caps["max_storage_bytes"]
    if max_images is not None and count + adding_images > max_images:
        raise cap_exceeded("image_limit_exceeded",
                           f"This would exceed the image limit of your plan ({max_images} images)",
                           limit=max_images, current=count)
    if max_storage is not None and size + adding_bytes > max_storage:
        raise cap_exceeded("storage_limit_exceeded",
                           f"This would exceed the storage limit of your plan ({max_storage} bytes)",
                           limit=max_storage, current=size)


def storage_url(ctx: Ctx, method: str, path: str, content_type: str = "") -> str:
    return ctx.state.signer.sign(ctx.base_url, method, path, content_type)


def image_blob_route(img: dict[str, Any]) -> str:
    return f"{STORAGE_PREFIX}/blobs/{img['dataset_id']}/{Storage.blob_key(img['directory_path'], img['filename'])}"


def status_matches(status: str, status_filter: str | None) -> bool:
    if not status_filter:
        return True
    wanted = STATUS_FILTERS.get(status_filter, (status_filter,))
    return wanted is None or status in wanted


# ---------------------------------------------------------------------------------------------- datasets
def _classes_in(ctx: Ctx, classes: list[dict[str, Any]], loc: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, cls in enumerate(classes):
        if cls["name"] in seen:
            raise unprocessable(["body", loc, index, "name"], f"duplicate class name {cls['name']!r}")
        seen.add(cls["name"])
        item = {"name": cls["name"], "type": cls.get("type"), "color": cls.get("color"),
                "attributes": cls.get("attributes"), "skeleton": cls.get("skeleton")}
        if not item["color"]:
            item["color"] = PALETTE[index % len(PALETTE)]
        out.append(item)
    return out


def _merge_classes(stored: list[dict[str, Any]], base: list[dict[str, Any]],
                   wanted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Three-way merge: apply the caller's change (base -> wanted) to the stored list."""
    by_base = {c["name"]: c for c in base}
    by_wanted = {c["name"]: c for c in wanted}
    result = {c["name"]: c for c in stored}
    for name in by_base.keys() - by_wanted.keys():
        if name in result and result[name] != by_base[name] and _strip(result[name]) != _strip(by_base[name]):
            raise conflict(f"class {name!r} was changed by someone else; read the dataset again", "class_conflict")
        result.pop(name, None)
    for name, cls in by_wanted.items():
        before = by_base.get(name)
        if before is not None and _strip(before) == _strip(cls):
            continue
        current = result.get(name)
        if current is not None and (before is None or _strip(current) != _strip(before)) \
                and _strip(current) != _strip(cls):
            raise conflict(f"class {name!r} collides with a change made by someone else", "class_conflict")
        result[name] = cls
    return list(result.values())


def _strip(cls: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in cls.items() if k != "color" and v is not None}


@op("listDatasets")
def list_datasets(ctx: Ctx) -> Reply:
    limit, offset = ctx.query.get("limit", 100), ctx.query.get("offset", 0)
    total = ctx.db.scalar("SELECT COUNT(*) FROM datasets WHERE org_id = ?", ctx.org["id"])
    rows = ctx.db.all("SELECT * FROM datasets WHERE org_id = ? ORDER BY created_at, name LIMIT ? OFFSET ?",
                      ctx.org["id"], limit, offset)
    return Reply(payload=page([dataset_json(ctx, r) for r in rows], total, limit, offset))


@op("createDataset")
def create_dataset(ctx: Ctx) -> Reply:
    ctx.require("member")
    body = ctx.body
    if ctx.db.one("SELECT id FROM datasets WHERE org_id = ? AND name = ?", ctx.org["id"], body["name"]):
        raise conflict(f"a dataset named {body['name']!r} already exists in this organization")
    max_ds = ctx.state.caps(ctx.org)["max_datasets"]
    count = ctx.db.scalar("SELECT COUNT(*) FROM datasets WHERE org_id = ?", ctx.org["id"])
    if max_ds is not None and count >= max_ds:
        raise cap_exceeded("dataset_limit_exceeded", f"Your plan allows {max_ds} datasets", limit=max_ds)
    ds = {"id": new_id(), "org_id": ctx.org["id"], "name": body["name"], "description": body.get("description"),
          "readme": body.get("readme"), "annotation_types": body.get("annotation_types") or ["bbox"],
          "classes": _classes_in(ctx, body.get("classes") or [], "classes"), "created_at": utcnow_iso(),
          "updated_at": None}
    ctx.db.insert("datasets", ds)
    return Reply(201, {"data": dataset_json(ctx, ds)})


@op("getDataset")
def get_dataset(ctx: Ctx) -> Reply:
    ds = find_dataset(ctx, ctx.path["dataset"])
    images = None
    if ctx.query.get("include_images"):
        limit, offset = ctx.query.get("images_limit", 1000), ctx.query.get("images_offset", 0)
        rows = ctx.db.all("SELECT * FROM images WHERE dataset_id = ? AND is_archived = 0 ORDER BY seq DESC "
                          "LIMIT ? OFFSET ?", ds["id"], limit, offset)
        images = [image_json(ctx, r) for r in rows]
    return Reply(payload={"data": dataset_json(ctx, ds, images)})


@op("updateDataset")
def update_dataset(ctx: Ctx) -> Reply:
    ctx.require("member")
    ds = find_dataset(ctx, ctx.path["dataset"])
    body = ctx.body
    changes: dict[str, Any] = {}
    new_name = body.get("new_name")
    if new_name is not None and new_name != ds["name"]:
        if ctx.db.one("SELECT id FROM datasets WHERE org_id = ? AND name = ?", ctx.org["id"], new_name):
            raise conflict(f"a dataset named {new_name!r} already exists in this organization")
        changes["name"] = new_name
    for key in ("description", "readme", "annotation_types"):
        if key in body:
            changes[key] = body[key]
    if "classes_base" in body and "classes" not in body:
        raise unprocessable(["body", "classes"], "classes_base requires classes")
    if "classes" in body:
        wanted = _classes_in(ctx, body["classes"], "classes")
        if "classes_base" in body:
            base = _classes_in(ctx, body["classes_base"], "classes_base")
            changes["classes"] = _merge_classes(ds["classes"], base, wanted)
        else:
            changes["classes"] = wanted
    changes["updated_at"] = utcnow_iso()
    ctx.db.update("datasets", ds["id"], changes)
    ds.update(changes)
    return Reply(payload={"data": dataset_json(ctx, ds)})


@op("deleteDataset")
def delete_dataset(ctx: Ctx) -> Reply:
    ctx.require("admin")
    ds = find_dataset(ctx, ctx.path["dataset"])
    images = ctx.db.all("SELECT directory_path FROM images WHERE dataset_id = ?", ds["id"])
    directories = {i["directory_path"] for i in images}
    exports = ctx.db.all("SELECT id FROM exports WHERE dataset_id = ?", ds["id"])
    with ctx.db.transaction() as db:
        db.execute("DELETE FROM images WHERE dataset_id = ?", (ds["id"],))
        db.execute("DELETE FROM exports WHERE dataset_id = ?", (ds["id"],))
        db.execute("DELETE FROM datasets WHERE id = ?", (ds["id"],))
    blob_dir = ctx.db.blob_dir / ds["id"]
    blobs = 0
    if blob_dir.is_dir():
        for f in blob_dir.iterdir():
            f.unlink(missing_ok=True)
            blobs += 1
        blob_dir.rmdir()
    blobs += ctx.db.delete_packed_blobs(ds["id"])
    for e in exports:
        ctx.db.export_path(e["id"]).unlink(missing_ok=True)
    summary = {"id": ds["id"], "name": ds["name"], "deleted": True, "images_deleted": len(images),
               "directories_deleted": len(directories), "gcs_blobs_deleted": blobs, "gcs_blobs_retained_for_forks": 0}
    return Reply(payload={"data": summary})


@op("getDatasetDownloadListing")
def download_listing(ctx: Ctx) -> Reply:
    ds = find_dataset(ctx, ctx.path["dataset"])
    mode = ctx.query["mode"]
    limit = ctx.query.get("limit", 10000)
    where, args = _status_where(ctx.query.get("status_filter"))
    # Only the columns the listing needs, and only the rows it returns: decoding every image's tags and
    # annotations would cost more than the rest of the call (whether an image has annotations is all that
    # matters here), and a 100,000-image dataset must not be read whole for a listing capped at 10,000.
    rows = ctx.db.all("SELECT dataset_id, directory_path, filename, annotations != '[]' AS has_annotations "
                      f"FROM images WHERE dataset_id = ? AND is_archived = 0{where} ORDER BY seq LIMIT ?",
                      ds["id"], *args, limit)
    items: list[dict[str, Any]] = []
    for img in rows:
        item: dict[str, Any] = {"filename": image_path_of(img)}
        if mode != "annotations_only":
            item["image_url"] = storage_url(ctx, "GET", image_blob_route(img))
        if mode != "images_only" and img["has_annotations"]:
            item["annotation_url"] = (f"{ctx.base_url}{API_PREFIX}/annotations/{ds['id']}/"
                                      f"{quote_image_path(image_path_of(img))}")
        items.append(item)
    return Reply(payload={"data": {"id": ds["id"], "items": items}})


def _status_where(status_filter: str | None) -> tuple[str, list[Any]]:
    """The SQL condition (starting with `` AND``, or empty) and arguments that keep the images of a status
    filter word or image status, as :func:`status_matches` does for one image."""
    if not status_filter:
        return "", []
    wanted = STATUS_FILTERS.get(status_filter, (status_filter,))
    if wanted is None:
        return "", []
    return f" AND status IN ({', '.join('?' * len(wanted))})", list(wanted)


# ---------------------------------------------------------------------------------------------- images
@op("listImages")
def list_images(ctx: Ctx) -> Reply:
    ds = find_dataset(ctx, ctx.query["dataset"])
    q = ctx.query
    where = ["dataset_id = ?"]
    args: list[Any] = [ds["id"]]
    if not q.get("include_archived"):
        where.append("is_archived = 0")
    if q.get("directory_path") is not None:
        where.append("directory_path = ?")
        args.append(normalize_directory(q["directory_path"]))
    if q.get("filename") is not None:
        where.append("filename = ?")
        args.append(q["filename"])
    if q.get("split") is not None:
        where.append("split = ?")
        args.append(q["split"])
    status_sql, status_args = _status_where(q.get("status"))
    condition = " AND ".join(where) + status_sql
    args.extend(status_args)
    threshold = q.get("min_confidence_lt")
    if threshold is not None:
        # the lowest confidence among the image's annotations (1.0 where one has none); no annotations, no match
        condition += (" AND (SELECT MIN(COALESCE(json_extract(value, '$.confidence'), 1.0)) "
                      "FROM json_each(images.annotations)) < ?")
        args.append(threshold)
    # The page and its total come from SQL: slicing every row in Python made a full listing quadratic.
    limit, offset = q.get("limit", 100), q.get("offset", 0)
    total = ctx.db.counted(f"SELECT COUNT(*) FROM images WHERE {condition}", *args)
    rows = ctx.db.all(f"SELECT * FROM images WHERE {condition} ORDER BY seq DESC LIMIT ? OFFSET ?",
                      *args, limit, offset)
    return Reply(payload=page([image_json(ctx, r) for r in rows], total, limit, offset))


@op("getImageMetadata")
def get_image_metadata(ctx: Ctx) -> Reply:
    return Reply(payload={"data": image_json(ctx, find_image_by_id(ctx, ctx.path["image_id"]))})


def _bytes_reply(ctx: Ctx, img: dict[str, Any]) -> Reply:
    key = ctx.db.blob_key(img["directory_path"], img["filename"])
    path = ctx.db.blob_path(img["dataset_id"], key)
    content_type = img["content_type"] or "application/octet-stream"
    if path.is_file():
        return Reply(file=path, content_type=content_type)
    packed = ctx.db.packed_blob(img["dataset_id"], key)
    if packed is None:
        raise not_found("Image bytes", image_path_of(img))
    return Reply(data=packed, content_type=content_type)


@op("getImageBytes")
def get_image_bytes(ctx: Ctx) -> Reply:
    return _bytes_reply(ctx, find_image_by_id(ctx, ctx.path["image_id"]))


@op("getImageBytesByPath")
def get_image_bytes_by_path(ctx: Ctx) -> Reply:
    ds = find_dataset(ctx, ctx.path["dataset"])
    return _bytes_reply(ctx, find_image_by_path(ctx, ds, ctx.path["image_path"]))


@op("deleteImageByPath")
def delete_image_by_path(ctx: Ctx) -> Reply:
    permanent = bool(ctx.query.get("permanent"))
    ctx.require("admin" if permanent else "member")
    ds = find_dataset(ctx, ctx.path["dataset"])
    img = find_image_by_path(ctx, ds, ctx.path["image_path"])
    if permanent:
        ctx.db.execute("DELETE FROM images WHERE id = ?", img["id"])
        key = ctx.db.blob_key(img["directory_path"], img["filename"])
        ctx.db.blob_path(ds["id"], key).unlink(missing_ok=True)
        ctx.db.delete_packed_blobs(ds["id"], key)
    else:
        ctx.db.update("images", img["id"], {"is_archived": 1})
    return Reply(204)


def _check_new_image(ctx: Ctx, ds: dict[str, Any], directory: str, filename: str, loc: list[str | int]) -> None:
    if "/" in filename or filename in (".", ".."):
        raise unprocessable([*loc, "filename"], "a file name cannot contain '/' or be '.' or '..'")
    if ctx.db.one("SELECT id FROM images WHERE dataset_id = ? AND directory_path = ? AND filename = ?",
                  ds["id"], directory, filename):
        raise bad_request(f"image {filename!r} already exists in {directory}", "already_exists")


def _upload_url(ctx: Ctx, ds: dict[str, Any], item: dict[str, Any]) -> str:
    directory = normalize_directory(item["directory_path"])
    key = ctx.db.blob_key(directory, item["filename"])
    return storage_url(ctx, "PUT", f"{STORAGE_PREFIX}/blobs/{ds['id']}/{key}", item["content_type"])


@op("createUploadUrl")
def create_upload_url(ctx: Ctx) -> Reply:
    ctx.require("member")
    ds = find_dataset(ctx, ctx.body["dataset"])
    _check_new_image(ctx, ds, normalize_directory(ctx.body["directory_path"]), ctx.body["filename"], ["body"])
    check_image_caps(ctx, 1, 0)
    return Reply(payload={"data": {"upload_url": _upload_url(ctx, ds, ctx.body)}})


@op("createBulkUploadUrls")
def create_bulk_upload_urls(ctx: Ctx) -> Reply:
    ctx.require("member")
    ds = find_dataset(ctx, ctx.body["dataset"])
    check_image_caps(ctx, len(ctx.body["images"]), 0)
    urls = [{"upload_url": _upload_url(ctx, ds, item)} for item in ctx.body["images"]]
    return Reply(payload={"data": {"upload_urls": urls}})


def uploaded_path(blob: Path) -> Path:
    """Where a signed PUT stores an image's bytes until it is registered.

    Keeping uploads apart from registered blobs means a PUT for a name the dataset already holds (a rerun,
    a duplicate) can never replace the bytes of the registered image; registration moves the upload in.
    """
    return blob.with_name(blob.name + ".uploaded")


def _measure(path: Path) -> tuple[int | None, int | None]:
    try:
        from PIL import Image, ImageOps

        with Image.open(path) as opened:
            im = ImageOps.exif_transpose(opened) or opened
            return int(im.width), int(im.height)
    except Exception:
        return None, None


def _register(ctx: Ctx, ds: dict[str, Any], item: dict[str, Any], loc: list[str | int],
              usage: list[int] | None = None) -> dict[str, Any]:
    """Check and insert one image; ``usage`` (``[images, bytes]`` of the organization) is kept up to date."""
    directory = normalize_directory(item["directory_path"])
    _check_new_image(ctx, ds, directory, item["filename"], loc)
    blob = ctx.db.blob_path(ds["id"], ctx.db.blob_key(directory, item["filename"]))
    staged = uploaded_path(blob)  # where signed PUTs land; registered bytes are never overwritten
    source = staged if staged.is_file() else blob
    if not source.is_file():
        raise bad_request(f"no bytes were uploaded for {item['filename']!r}; PUT them to the upload URL first",
                          "upload_missing")
    size = source.stat().st_size
    if size != item["file_size"]:
        raise bad_request(f"file_size {item['file_size']} does not match the {size} bytes uploaded",
                          "size_mismatch")
    check_image_caps(ctx, 1, size, None if usage is None else (usage[0], usage[1]))
    if source is staged:
        os.replace(staged, blob)
    width, height = item.get("width"), item.get("height")
    if width is None or height is None:
        width, height = _measure(blob)
    img = {"id": new_id(), "org_id": ctx.org["id"], "dataset_id": ds["id"], "filename": item["filename"],
           "directory_path": directory, "status": "new", "split": None, "file_size": size, "width": width,
           "height": height, "content_type": item["content_type"], "tags": [], "is_archived": 0,
           "annotations": [], "created_at": utcnow_iso()}
    ctx.db.insert("images", img)
    if usage is not None:
        usage[0] += 1
        usage[1] += size
    return img


@op("registerImage")
def register_image(ctx: Ctx) -> Reply:
    ctx.require("member")
    ds = find_dataset(ctx, ctx.body["dataset"])
    return Reply(201, {"data": image_json(ctx, _register(ctx, ds, ctx.body, ["body"]))})


@op("bulkRegisterImages")
def bulk_register_images(ctx: Ctx) -> Reply:
    ctx.require("member")
    ds = find_dataset(ctx, ctx.body["dataset"])
    succeeded: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    # One transaction for the whole call (it holds the storage lock, so no job inserts images meanwhile):
    # the organization's usage is read once and kept up to date item by item, and one commit ends it.
    with ctx.db.transaction():
        usage = list(org_usage(ctx))
        for index, item in enumerate(ctx.body["images"]):
            try:
                succeeded.append(image_json(ctx, _register(ctx, ds, item, ["body", "images", index], usage)))
            except HttpError as exc:
                if exc.status == 402 and not succeeded and not failed:
                    raise
                failed.append({"filename": item["filename"], "directory_path": item.get("directory_path"),
                               "error": exc.message})
    return Reply(payload={"data": {"succeeded": succeeded, "failed": failed}})


# ---------------------------------------------------------------------------------------------- annotations
def _bbox_of(points: list[dict[str, Any]]) -> dict[str, Any]:
    xs = [p["x"] for p in points]
    ys = [p["y"] for p in points]
    return {"x": min(xs), "y": min(ys), "w": max(max(xs) - min(xs), 1), "h": max(max(ys) - min(ys), 1)}


def _validate_annotations(ds: dict[str, Any], items: list[Any], loc: list[str | int]) -> list[dict[str, Any]]:
    from pictograph._canonical import normalize_annotations

    try:
        anns = normalize_annotations(items, loc_prefix=tuple(loc), classes={c["name"] for c in ds["classes"]},
                                     generate_ids=False)
    except ValidationError as exc:
        errors = exc.field_errors or [{"loc": loc, "msg": exc.message}]
        raise HttpError(422, "validation_error", exc.message, {"errors": errors}) from None
    out: list[dict[str, Any]] = []
    for ann in anns:
        clean = {k: v for k, v in ann.items() if v is not None or (k == "instance_id" and "instance_id" in ann)}
        if clean.get("type") == "keypoint" and clean.get("instance_id") is None:
            clean.pop("instance_id", None)
        clean.setdefault("confidence", 1.0)
        clean.setdefault("attributes", [])
        clean.setdefault("created_by", "api")
        if clean["type"] == "polygon" and "bounding_box" not in clean:
            clean["bounding_box"] = _bbox_of([p for ring in clean["polygon"]["paths"][:1] for p in ring])
        if clean["type"] == "polyline" and "bounding_box" not in clean:
            clean["bounding_box"] = _bbox_of(clean["polyline"]["path"])
        out.append(clean)
    return out


def _save(ctx: Ctx, ds: dict[str, Any], img: dict[str, Any], items: list[Any], loc: list[str | int]) -> dict[str, Any]:
    anns = _validate_annotations(ds, items, loc)
    ctx.db.update("images", img["id"], {"annotations": anns})
    return {"image_id": img["id"], "previous_count": len(img["annotations"] or []), "new_count": len(anns),
            "status": img["status"]}


@op("getAnnotations")
def get_annotations(ctx: Ctx) -> Reply:
    ds = find_dataset(ctx, ctx.path["dataset"])
    img = find_image_by_path(ctx, ds, ctx.path["image_path"])
    return Reply(payload={"annotations": img["annotations"] or []})


@op("saveAnnotations")
def save_annotations(ctx: Ctx) -> Reply:
    ctx.require("member")
    ds = find_dataset(ctx, ctx.path["dataset"])
    img = find_image_by_path(ctx, ds, ctx.path["image_path"])
    return Reply(payload=_save(ctx, ds, img, ctx.body["annotations"], ["body", "annotations"]))


@op("deleteAnnotations")
def delete_annotations(ctx: Ctx) -> Reply:
    ctx.require("admin")
    ds = find_dataset(ctx, ctx.path["dataset"])
    img = find_image_by_path(ctx, ds, ctx.path["image_path"])
    ctx.db.update("images", img["id"], {"annotations": []})
    return Reply(payload={"image_id": img["id"], "deleted_count": len(img["annotations"] or [])})


@op("bulkSaveAnnotations")
def bulk_save_annotations(ctx: Ctx) -> Reply:
    ctx.require("member")
    saves = ctx.body["saves"]
    # validate everything first: a bad shape fails the whole request (nothing saved)
    resolved: list[tuple[dict[str, Any], dict[str, Any], list[dict[str, Any]]] | str] = []
    for index, entry in enumerate(saves):
        row = ctx.db.one("SELECT * FROM images WHERE id = ? AND org_id = ?", entry["image_id"].lower(),
                         ctx.org["id"]) if UUID_RE.match(entry["image_id"]) else None
        if row is None:
            resolved.append(f"image {entry['image_id']!r} not found")
            continue
        ds = ctx.db.one("SELECT * FROM datasets WHERE id = ?", row["dataset_id"])
        assert ds is not None
        anns = _validate_annotations(ds, entry["annotations"], ["body", "saves", index, "annotations"])
        resolved.append((ds, row, anns))
    saved: list[dict[str, Any]] = []
    failed: list[dict[str, Any]] = []
    for entry, item in zip(saves, resolved, strict=True):
        if isinstance(item, str):
            failed.append({"image_id": entry["image_id"], "error": item})
            continue
        _ds, row, anns = item
        ctx.db.update("images", row["id"], {"annotations": anns})
        saved.append({"image_id": row["id"], "previous_count": len(row["annotations"] or []),
                      "new_count": len(anns), "status": row["status"]})
    return Reply(payload={"saved": saved, "failed": failed})


# ---------------------------------------------------------------------------------------------- exports
def export_json(ctx: Ctx, e: dict[str, Any], with_url: bool = False) -> dict[str, Any]:
    url = None
    if with_url and e["status"] == "completed":
        url = storage_url(ctx, "GET", f"{STORAGE_PREFIX}/exports/{e['id']}.zip")
    return {
        "id": e["id"], "dataset_id": e["dataset_id"], "dataset_name": e["dataset_name"], "name": e["name"],
        "format": e["format"], "include_images": bool(e["include_images"]), "class_filter": e["class_filter"],
        "status_filter": e["status_filter"], "status": e["status"], "error_message": e["error_message"],
        "file_size": e["file_size"], "image_count": e["image_count"], "annotation_count": e["annotation_count"],
        "created_at": e["created_at"], "expires_at": e["expires_at"], "download_url": url,
        "organization_id": e["org_id"],
    }


def _find_export(ctx: Ctx) -> dict[str, Any]:
    ds = find_dataset(ctx, ctx.query["dataset"])
    row = ctx.db.one("SELECT * FROM exports WHERE dataset_id = ? AND name = ?", ds["id"], ctx.path["export_name"])
    if row is None:
        raise not_found("Export", ctx.path["export_name"])
    return dict(row)


@op("listExports")
def list_exports(ctx: Ctx) -> Reply:
    where, args = ["org_id = ?"], [ctx.org["id"]]
    if ctx.query.get("dataset_name") is not None:
        where.append("dataset_name = ?")
        args.append(ctx.query["dataset_name"])
    if ctx.query.get("status") is not None:
        where.append("status = ?")
        args.append(ctx.query["status"])
    limit, offset = ctx.query.get("limit", 100), ctx.query.get("offset", 0)
    served = min(limit, EXPORTS_PAGE_CAP)
    total = ctx.db.scalar(f"SELECT COUNT(*) FROM exports WHERE {' AND '.join(where)}", *args)
    rows = ctx.db.all(f"SELECT * FROM exports WHERE {' AND '.join(where)} ORDER BY seq LIMIT ? OFFSET ?",
                      *args, served, offset)
    return Reply(payload=page([export_json(ctx, r) for r in rows], total, limit, offset))


@op("createExport")
def create_export(ctx: Ctx) -> Reply:
    ctx.require("member")
    body = ctx.body
    ds = find_dataset(ctx, body["dataset_name"])
    if ctx.db.one("SELECT id FROM exports WHERE dataset_id = ? AND name = ?", ds["id"], body["name"]):
        raise conflict(f"an export named {body['name']!r} already exists in dataset {ds['name']!r}")
    row = {"id": new_id(), "org_id": ctx.org["id"], "dataset_id": ds["id"], "dataset_name": ds["name"],
           "name": body["name"], "format": body["format"], "include_images": int(body["include_images"]),
           "class_filter": body.get("class_filter"), "status_filter": body.get("status_filter"),
           "organize_by_split": int(bool(body.get("organize_by_split"))), "status": "pending",
           "error_message": None, "file_size": None, "image_count": None, "annotation_count": None,
           "created_at": utcnow_iso(), "expires_at": None}
    ctx.db.insert("exports", row)
    ctx.state.jobs.submit_export(row["id"])
    return Reply(202, {"data": export_json(ctx, row)})


@op("getExport")
def get_export(ctx: Ctx) -> Reply:
    return Reply(payload={"data": export_json(ctx, _find_export(ctx), with_url=True)})


@op("getExportDownloadUrl")
def get_export_download_url(ctx: Ctx) -> Reply:
    e = _find_export(ctx)
    if e["status"] != "completed" or not ctx.db.export_path(e["id"]).is_file():
        raise conflict(f"export {e['name']!r} is {e['status']}, not completed", "export_not_ready")
    return Reply(payload={"data": {"download_url": storage_url(ctx, "GET", f"{STORAGE_PREFIX}/exports/{e['id']}.zip")}})


@op("deleteExport")
def delete_export(ctx: Ctx) -> Reply:
    ctx.require("admin")
    e = _find_export(ctx)
    ctx.db.execute("DELETE FROM exports WHERE id = ?", e["id"])
    ctx.db.export_path(e["id"]).unlink(missing_ok=True)
    return Reply(204)


# ---------------------------------------------------------------------------------------------- connectors
@op("validateConnector")
def validate_connector(ctx: Ctx) -> Reply:
    from pictograph.testing._connectors import Providers

    providers = Providers(ctx.state.providers_dir)
    workspace = providers.workspace(ctx.body["provider"], ctx.body["api_key"])
    if workspace is None:
        return Reply(payload={"valid": False, "workspace": "", "datasets": [],
                              "error": f"{ctx.body['provider']} rejected the API key"})
    remote = [r.as_json() for r in providers.datasets(ctx.body["provider"], workspace)]
    return Reply(payload={"valid": True, "workspace": workspace, "datasets": remote, "error": None})


BIG = 2**53


@op("checkImportLimits")
def check_import_limits(ctx: Ctx) -> Reply:
    caps = ctx.state.caps(ctx.org)
    count, size = org_usage(ctx)
    max_images = caps["max_images"]
    max_storage = caps["max_storage_bytes"]
    if (max_images is not None and count >= max_images) or (max_storage is not None and size >= max_storage):
        raise cap_exceeded("image_limit_exceeded" if max_images is not None and count >= max_images
                           else "storage_limit_exceeded",
                           "Your organization is already at its plan's cap; nothing more can be imported")
    after_images = count + ctx.body["total_images"]
    after_size = size + ctx.body["estimated_size_bytes"]
    over_images = max_images is not None and after_images > max_images
    over_storage = max_storage is not None and after_size > max_storage
    exceeded = "both" if over_images and over_storage else "images" if over_images else \
        "storage" if over_storage else None
    return Reply(payload={
        "allowed": exceeded is None, "current_images": count,
        "image_limit": BIG if max_images is None else max_images, "images_after_import": after_images,
        "current_storage_bytes": size, "storage_limit_bytes": BIG if max_storage is None else max_storage,
        "storage_after_import_bytes": after_size, "exceeded": exceeded})


@op("startImport")
def start_import(ctx: Ctx) -> Reply:
    from pictograph.testing._connectors import Providers

    ctx.require("member")
    provider, key = ctx.body["provider"], ctx.body["api_key"]
    providers = Providers(ctx.state.providers_dir)
    workspace = providers.workspace(provider, key)
    if workspace is None:
        raise unprocessable(["body", "api_key"], f"{provider} rejected the API key", "source_key_rejected")
    available = {r.id: r for r in providers.datasets(provider, workspace)}
    total = 0
    size = 0
    for ref in ctx.body["datasets"]:
        remote = available.get(str(ref["id"])) or next(
            (r for r in available.values() if r.slug == ref.get("slug")), None)
        if remote is not None:
            total += remote.image_count
            size += remote.total_bytes
    check_image_caps(ctx, total, size)
    job_id = "imp_" + new_id().replace("-", "")[:16]
    progress = [{"name": None, "dataset_id": None, "status": "pending", "imported": 0, "failed": 0}
                for _ in ctx.body["datasets"]]
    ctx.db.insert("imports", {"id": job_id, "org_id": ctx.org["id"], "provider": provider, "source_key": workspace,
                              "status": "processing", "total_images": total, "imported_images": 0,
                              "failed_images": 0, "current_dataset": None, "datasets": progress,
                              "requested": ctx.body["datasets"], "cancel_requested": 0, "created_at": utcnow_iso()})
    ctx.state.jobs.submit_import(job_id)
    echo = [{"id": str(r["id"]), "name": r["name"], "slug": r["slug"]} for r in ctx.body["datasets"]]
    return Reply(202, {"import_id": job_id, "status": "started", "datasets": echo})


def import_json(job: dict[str, Any]) -> dict[str, Any]:
    total = job["total_images"] or 0
    done = (job["imported_images"] or 0) + (job["failed_images"] or 0)
    progress = 100.0 if job["status"] == "completed" else (min(100.0, 100.0 * done / total) if total else 0.0)
    return {"import_id": job["id"], "status": job["status"], "progress": round(progress, 2) if math.isfinite(progress)
            else 0.0, "total_images": total, "imported_images": job["imported_images"],
            "failed_images": job["failed_images"], "current_dataset": job["current_dataset"] or "",
            "datasets": job["datasets"]}


def _find_import(ctx: Ctx) -> dict[str, Any]:
    row = ctx.db.one("SELECT * FROM imports WHERE id = ? AND org_id = ?", ctx.path["import_id"], ctx.org["id"])
    if row is None:
        raise not_found("Import", ctx.path["import_id"])
    return dict(row)


@op("getImportStatus")
def get_import_status(ctx: Ctx) -> Reply:
    return Reply(payload=import_json(_find_import(ctx)))


@op("cancelImport")
def cancel_import(ctx: Ctx) -> Reply:
    ctx.require("member")
    with ctx.db.lock:
        job = _find_import(ctx)
        if job["status"] not in ("processing", "cancelled"):
            raise conflict(f"import {job['id']} already ended with status {job['status']}", "import_finished")
        datasets = [dict(d, status="cancelled") if d["status"] in ("pending", "processing") else d
                    for d in job["datasets"]]
        ctx.db.update("imports", job["id"], {"status": "cancelled", "cancel_requested": 1, "datasets": datasets})
    return Reply(payload={"status": "cancelled", "import_id": job["id"]})


# ---------------------------------------------------------------------------------------------- org, credits
@op("getMyOrganization")
def get_my_organization(ctx: Ctx) -> Reply:
    caps = ctx.state.caps(ctx.org)
    org = ctx.org
    return Reply(payload={"organization": {
        "id": org["id"], "name": org["name"], "slug": org["slug"], "subscription_tier": org["tier"],
        "max_users": caps["max_users"], "max_images": caps["max_images"],
        "max_storage_bytes": caps["max_storage_bytes"]}})


@op("getCreditBalance")
def get_credit_balance(ctx: Ctx) -> Reply:
    allowance = int(ctx.state.caps(ctx.org)["allowance"] or 0)
    spent = 1_250_000 if allowance else 0
    return Reply(payload={
        "included_allowance_micro_usd": allowance, "included_remaining_micro_usd": allowance - spent,
        "budget_micro_usd": 0, "budget_remaining_micro_usd": 0, "period_spend_micro_usd": spent,
        "period_overage_micro_usd": 0, "period_start": ctx.org["created_at"], "credits_reset_at": None,
        "credits_remaining": (allowance - spent) / 1_000_000, "credits_monthly_allowance": allowance / 1_000_000,
        "recent_history": [{"id": "ch_1", "operation": "auto_annotate", "amount": -spent,
                            "balance_after": allowance - spent, "description": "Demo charge", "metadata": None,
                            "created_at": ctx.org["created_at"]}]})
