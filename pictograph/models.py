"""The SDK's public models (docs/wire-protocol.md §2–§7, §8): immutable, typed, readable as ``model["field"]``.

Each model names its fields as the spec (``openapi.yaml``) does; a test checks that every field exists in the
matching schema, so the models cannot drift from the spec.
"""

from __future__ import annotations

import datetime
import enum
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar, Literal, TypeAlias

import attrs

from pictograph._model_base import Model, raw_field

__all__ = [
    "Annotation",
    "AnnotationDeleteResult",
    "BBoxAnnotation",
    "BoundingBox",
    "BulkSaveFailure",
    "BulkSaveResult",
    "ClassAttribute",
    "ConnectorProvider",
    "CreditBalance",
    "CreditHistoryEntry",
    "Dataset",
    "DatasetClass",
    "DatasetDeleteSummary",
    "DatasetImportProgress",
    "Export",
    "ExportFormat",
    "ExportStatus",
    "Image",
    "ImportJob",
    "KeypointAnnotation",
    "LimitCheckResult",
    "Organization",
    "OrientedBox",
    "Point",
    "PolygonAnnotation",
    "PolygonGeometry",
    "PolylineAnnotation",
    "PolylineGeometry",
    "Project",
    "RemoteDataset",
    "SaveResult",
    "SkeletonNode",
    "SkeletonTemplate",
    "ValidationResult",
]


@attrs.frozen
class SkeletonNode(Model):
    """One joint of a keypoint class's skeleton, at a relative position in [0, 1]."""

    _spec_schema: ClassVar[str] = "SkeletonNode"
    name: str
    x: float = 0.5
    y: float = 0.5
    _raw: Any = raw_field()


@attrs.frozen
class SkeletonTemplate(Model):
    """The skeleton of a keypoint class: nodes, and edges as pairs of 0-based node indices."""

    _spec_schema: ClassVar[str] = "SkeletonTemplate"
    nodes: list[SkeletonNode]
    edges: list[list[int]] = attrs.Factory(list)
    _raw: Any = raw_field()


@attrs.frozen
class ClassAttribute(Model):
    """An attribute of a class's ontology: ``text``, ``number``, ``select`` (with ``values``) or ``checkbox``."""

    _spec_schema: ClassVar[str] = "ClassAttribute"
    name: str
    type: str = "text"
    values: list[str] | None = None
    _raw: Any = raw_field()


@attrs.frozen
class DatasetClass(Model):
    """A class of a dataset; annotations refer to it by ``name`` (case-sensitive)."""

    _spec_schema: ClassVar[str] = "DatasetClass"
    name: str
    type: str | None = None
    color: str | None = None
    attributes: list[ClassAttribute] | None = None
    skeleton: SkeletonTemplate | None = None
    _raw: Any = raw_field()


@attrs.frozen
class Image(Model):
    """An image's metadata. ``image_id`` is an alias of ``id``."""

    _spec_schema: ClassVar[str] = "Image"
    _aliases: ClassVar[dict[str, str]] = {"image_id": "id"}
    id: str
    filename: str
    created_at: datetime.datetime
    dataset_id: str | None = None
    directory_path: str | None = None
    status: str = "new"
    split: str | None = None
    annotation_count: int = 0
    file_size: int = 0
    min_confidence: float | None = None
    width: int | None = None
    height: int | None = None
    content_type: str | None = None
    tags: list[str] = attrs.Factory(list)
    is_archived: bool = False
    image_url: str | None = None
    thumbnail_url: str | None = None
    annotation_url: str | None = None
    _raw: Any = raw_field()

    @property
    def image_id(self) -> str:
        """The image's id (older name of :attr:`id`)."""
        return self.id

    @property
    def image_path(self) -> str:
        """The path that addresses the image inside its dataset: directory parts and filename joined by ``/``."""
        parts = [p for p in (self.directory_path or "").split("/") if p]
        return "/".join([*parts, self.filename])


@attrs.frozen
class Dataset(Model):
    """A dataset (also called a project): images sharing a class set, unique per organization by ``name``."""

    _spec_schema: ClassVar[str] = "Dataset"
    id: str
    name: str
    created_at: datetime.datetime
    organization_id: str | None = None
    description: str | None = None
    readme: str | None = None
    annotation_types: list[str] = attrs.Factory(lambda: ["bbox"])
    classes: list[DatasetClass] = attrs.Factory(list)
    image_count: int = 0
    completed_image_count: int = 0
    archived_image_count: int = 0
    total_size: int = 0
    is_public: bool = False
    is_archived: bool = False
    archived_at: datetime.datetime | None = None
    storage_class: str = "standard"
    images: list[Image] | None = None
    updated_at: datetime.datetime | None = None
    _raw: Any = raw_field()


Project = Dataset


@attrs.frozen
class DatasetDeleteSummary(Model):
    """What a dataset delete removed; the server may leave any field out."""

    _spec_schema: ClassVar[str] = "DatasetDeleteSummary"
    id: str | None = None
    name: str | None = None
    deleted: bool | None = None
    images_deleted: int | None = None
    directories_deleted: int | None = None
    gcs_blobs_deleted: int | None = None
    gcs_blobs_retained_for_forks: int | None = None
    _raw: Any = raw_field()


# --- annotations: results (§4.2) ------------------------------------------------------------------------------


@attrs.frozen
class SaveResult(Model):
    """The outcome of saving one image's annotations (a full replace)."""

    _spec_schema: ClassVar[str] = "SaveResult"
    image_id: str
    previous_count: int
    new_count: int
    status: str
    _raw: Any = raw_field()


@attrs.frozen
class AnnotationDeleteResult(Model):
    """How many annotations a delete removed from an image."""

    _spec_schema: ClassVar[str] = "AnnotationDeleteResult"
    image_id: str | None = None
    deleted_count: int = 0
    _raw: Any = raw_field()


@attrs.frozen
class BulkSaveFailure(Model):
    """An image of a bulk save that the server could not save, and why."""

    _spec_schema: ClassVar[str] = "BulkSaveFailure"
    image_id: str
    error: str
    _raw: Any = raw_field()


@attrs.frozen
class BulkSaveResult(Model):
    """The merged outcome of a bulk save: the saved images and the failed ones."""

    _spec_schema: ClassVar[str] = "BulkSaveResult"
    saved: list[SaveResult] = attrs.Factory(list)
    failed: list[BulkSaveFailure] = attrs.Factory(list)
    _raw: Any = raw_field()


# --- exports (§5) ---------------------------------------------------------------------------------------------


class ExportFormat(enum.StrEnum):
    """Export formats of docs/wire-protocol.md §5.2 (the server may accept others; any string is passed through)."""

    PICTOGRAPH = "pictograph"
    COCO = "coco"
    YOLO = "yolo"
    CVAT = "cvat"
    PASCAL_VOC = "pascal_voc"
    LABELME = "labelme"
    CSV = "csv"


class ExportStatus(enum.StrEnum):
    """Export build states; ``COMPLETED`` and ``FAILED`` are terminal."""

    PENDING = "pending"
    PROCESSING = "processing"
    COMPLETED = "completed"
    FAILED = "failed"


@attrs.frozen
class Export(Model):
    """A server-built ZIP of a dataset in one format. ``status`` compares equal to :class:`ExportStatus` values."""

    _spec_schema: ClassVar[str] = "Export"
    _fallbacks: ClassVar[dict[str, tuple[str, ...]]] = {"dataset_id": ("project_id",)}
    id: str
    dataset_name: str
    name: str
    format: str
    status: str
    created_at: datetime.datetime
    dataset_id: str | None = None
    include_images: bool = False
    class_filter: list[str] | None = None
    status_filter: str | None = None
    error_message: str | None = None
    file_size: int | None = None
    image_count: int | None = None
    annotation_count: int | None = None
    expires_at: datetime.datetime | None = None
    download_url: str | None = None
    organization_id: str | None = None
    _raw: Any = raw_field()


# --- connectors (§6) ------------------------------------------------------------------------------------------


class ConnectorProvider(enum.StrEnum):
    """Sources a connector imports from."""

    V7 = "v7"
    ROBOFLOW = "roboflow"


@attrs.frozen
class RemoteDataset(Model):
    """A dataset of the source platform, as listed by ``connectors.validate``; pass it to ``import_``."""

    _spec_schema: ClassVar[str] = "RemoteDataset"
    id: str
    name: str
    slug: str
    image_count: int = 0
    version: int | None = None
    _raw: Any = raw_field()


@attrs.frozen
class ValidationResult(Model):
    """Whether the source key is valid (check ``valid`` first) and, when it is, the datasets it can read."""

    _spec_schema: ClassVar[str] = "ValidationResult"
    valid: bool
    workspace: str = ""
    datasets: list[RemoteDataset] = attrs.Factory(list)
    error: str | None = None
    _raw: Any = raw_field()


@attrs.frozen
class LimitCheckResult(Model):
    """Whether an import of the given size fits the plan's image and storage caps."""

    _spec_schema: ClassVar[str] = "LimitCheckResult"
    allowed: bool
    current_images: int
    image_limit: int
    images_after_import: int
    current_storage_bytes: int
    storage_limit_bytes: int
    storage_after_import_bytes: int
    exceeded: str | None = None
    _raw: Any = raw_field()


@attrs.frozen
class DatasetImportProgress(Model):
    """Progress of one dataset of an import job.

    Besides the wire fields, ``dataset_name``, ``images_imported`` and ``total_images`` are read the way the
    Connectors document uses them (docs/wire-protocol.md §6.3).
    """

    _spec_schema: ClassVar[str] = "DatasetImportProgress"
    _fallbacks: ClassVar[dict[str, tuple[str, ...]]] = {
        "name": ("project_name",),
        "project_name": ("name",),
        "dataset_id": ("project_id",),
    }
    _item_properties: ClassVar[frozenset[str]] = frozenset({"dataset_name", "images_imported", "total_images"})
    name: str | None = None
    project_name: str | None = None
    dataset_id: str | None = None
    status: str | None = None
    imported: int = 0
    failed: int = 0
    _requested_total: int | None = attrs.field(
        default=None, eq=False, repr=False, kw_only=True, alias="_requested_total"
    )
    _raw: Any = raw_field()

    @property
    def dataset_name(self) -> str | None:
        """The target dataset's name (``None`` until the server has created it)."""
        return self.name if self.name is not None else self.project_name

    @property
    def images_imported(self) -> int:
        """Images imported so far into this dataset."""
        return self.imported

    @property
    def total_images(self) -> int:
        """Images expected: the requested dataset's ``image_count`` when this client started the import."""
        if self._requested_total is not None:
            return self._requested_total
        return self.imported + self.failed


def _clamp_progress(value: Any) -> Any:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return min(max(value, 0), 100)
    return value


@attrs.frozen
class ImportJob(Model):
    """A connector import job; ``status`` is ``processing``, ``completed``, ``error`` or ``cancelled``."""

    _spec_schema: ClassVar[str] = "ImportJob"
    _fallbacks: ClassVar[dict[str, tuple[str, ...]]] = {"import_id": ("job",)}
    status: str
    import_id: str = ""
    progress: float = attrs.field(default=0.0, converter=_clamp_progress)
    total_images: int = 0
    imported_images: int = 0
    failed_images: int = 0
    current_dataset: str = ""
    datasets: list[DatasetImportProgress] = attrs.Factory(list)
    _raw: Any = raw_field()


# --- organization and credits (§7) ----------------------------------------------------------------------------


@attrs.frozen
class Organization(Model):
    """The organization of the API key. A ``None`` cap means the plan has no cap."""

    _spec_schema: ClassVar[str] = "Organization"
    id: str
    name: str
    slug: str | None = None
    subscription_tier: str | None = None
    max_users: int | None = None
    max_images: int | None = None
    max_storage_bytes: int | None = None
    _raw: Any = raw_field()


@attrs.frozen
class CreditHistoryEntry(Model):
    """One movement of the credit balance (``amount`` in signed micro-USD)."""

    _spec_schema: ClassVar[str] = "CreditHistoryEntry"
    id: str
    operation: str
    amount: int
    created_at: datetime.datetime
    balance_after: int | None = None
    description: str | None = None
    metadata: dict[str, Any] | None = None
    _raw: Any = raw_field()


@attrs.frozen
class CreditBalance(Model):
    """The credit balance; amounts are integer micro-USD (1 USD = 1,000,000)."""

    _spec_schema: ClassVar[str] = "CreditBalance"
    included_allowance_micro_usd: int = 0
    included_remaining_micro_usd: int = 0
    budget_micro_usd: int = 0
    budget_remaining_micro_usd: int = 0
    period_spend_micro_usd: int = 0
    period_overage_micro_usd: int = 0
    period_start: datetime.datetime | None = None
    credits_reset_at: datetime.datetime | None = None
    credits_remaining: float = 0
    credits_monthly_allowance: float = 0
    recent_history: list[CreditHistoryEntry] = attrs.Factory(list)
    _raw: Any = raw_field()


# --- canonical annotations (§4.3, §4.4) -----------------------------------------------------------------------


@attrs.frozen
class Point(Model):
    """A point in absolute pixels (origin top-left, y down)."""

    _spec_schema: ClassVar[str] = "Point"
    x: float
    y: float

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y}


@attrs.frozen
class BoundingBox(Model):
    """An axis-aligned box: top-left corner ``x``, ``y`` and size ``w``, ``h`` (both > 0)."""

    _spec_schema: ClassVar[str] = "BoundingBox"
    x: float
    y: float
    w: float
    h: float

    def to_dict(self) -> dict[str, Any]:
        return {"x": self.x, "y": self.y, "w": self.w, "h": self.h}


@attrs.frozen
class OrientedBox(Model):
    """A rotated box: centre, size and ``angle`` in degrees in [0, 360), clockwise in the y-down frame."""

    _spec_schema: ClassVar[str] = "OrientedBox"
    cx: float
    cy: float
    w: float
    h: float
    angle: float = 0

    def to_dict(self) -> dict[str, Any]:
        return {"cx": self.cx, "cy": self.cy, "w": self.w, "h": self.h, "angle": self.angle}


def _point(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"x", "y"}:
        return Point(x=value["x"], y=value["y"])
    if isinstance(value, list | tuple) and len(value) == 2:
        return Point(x=value[0], y=value[1])
    return value


def _points(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_point(p) for p in value]
    return value


def _rings(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return [_points(r) for r in value]
    return value


def _box(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"x", "y", "w", "h"}:
        return BoundingBox(**value)
    if isinstance(value, list | tuple) and len(value) == 4:
        return BoundingBox(*value)
    return value


def _oriented(value: Any) -> Any:
    if isinstance(value, Mapping) and {"cx", "cy", "w", "h"} <= set(value) <= {"cx", "cy", "w", "h", "angle"}:
        return OrientedBox(**value)
    return value


@attrs.frozen
class PolygonGeometry(Model):
    """Rings of a polygon: the first is the outline, the others are holes (each ring ≥ 3 points)."""

    _spec_schema: ClassVar[str] = "PolygonGeometry"
    paths: list[list[Point]] = attrs.field(converter=_rings)

    def to_dict(self) -> dict[str, Any]:
        return {"paths": [[_wire(p) for p in ring] for ring in self.paths]}


@attrs.frozen
class PolylineGeometry(Model):
    """The points of an open polyline (≥ 2)."""

    _spec_schema: ClassVar[str] = "PolylineGeometry"
    path: list[Point] = attrs.field(converter=_points)

    def to_dict(self) -> dict[str, Any]:
        return {"path": [_wire(p) for p in self.path]}


def _polygon(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"paths"}:
        return PolygonGeometry(paths=value["paths"])
    return value


def _polyline(value: Any) -> Any:
    if isinstance(value, Mapping) and set(value) == {"path"}:
        return PolylineGeometry(path=value["path"])
    return value


def _wire(value: Any) -> Any:
    return value.to_dict() if isinstance(value, Model) else value


def _new_id() -> str:
    return str(uuid.uuid4())


def _common_wire(ann: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"id": ann.id, "name": ann.name, "type": ann.type, "confidence": ann.confidence}
    if ann.created_by is not None:
        out["created_by"] = ann.created_by
    out["attributes"] = ann.attributes
    return out


def _check_annotation(ann: Any) -> None:
    """Apply the §4.4 rules to a freshly built annotation; a violation raises ``ValidationError``."""
    from pictograph._canonical import normalize_annotation

    normalize_annotation(ann.to_dict(), loc=("annotation",), generate_ids=False)


class _AnnotationBase(Model):
    __slots__ = ()
    _aliases: ClassVar[Mapping[str, str]] = {"metadata": "attributes"}
    _item_properties: ClassVar[frozenset[str]] = frozenset({"type"})


@attrs.frozen(kw_only=True)
class BBoxAnnotation(_AnnotationBase):
    """A box; ``oriented_box`` only on a rotated box (``bounding_box`` is then its axis-aligned hull).

    ``ann["bbox"]`` reads ``[x, y, w, h]`` as older code did.
    """

    _spec_schema: ClassVar[str] = "BBoxAnnotation"
    _item_properties: ClassVar[frozenset[str]] = frozenset({"type", "bbox"})
    id: str = attrs.Factory(_new_id)
    name: str
    bounding_box: BoundingBox = attrs.field(converter=_box)
    oriented_box: OrientedBox | None = attrs.field(default=None, converter=_oriented)
    confidence: float = 1.0
    attributes: dict[str, Any] | list[Any] = attrs.Factory(list)
    created_by: str | None = None

    @property
    def type(self) -> Literal["bbox"]:
        return "bbox"

    @property
    def bbox(self) -> list[float]:
        box = self.bounding_box
        return [box.x, box.y, box.w, box.h]

    def __attrs_post_init__(self) -> None:
        _check_annotation(self)

    def to_dict(self) -> dict[str, Any]:
        out = _common_wire(self)
        out["bounding_box"] = _wire(self.bounding_box)
        if self.oriented_box is not None:
            out["oriented_box"] = _wire(self.oriented_box)
        return out


@attrs.frozen(kw_only=True)
class PolygonAnnotation(_AnnotationBase):
    """A polygon: ``polygon.paths`` holds the outline then any holes. ``bounding_box`` is filled on reads."""

    _spec_schema: ClassVar[str] = "PolygonAnnotation"
    id: str = attrs.Factory(_new_id)
    name: str
    polygon: PolygonGeometry = attrs.field(converter=_polygon)
    bounding_box: BoundingBox | None = attrs.field(default=None, converter=_box)
    confidence: float = 1.0
    attributes: dict[str, Any] | list[Any] = attrs.Factory(list)
    created_by: str | None = None

    @property
    def type(self) -> Literal["polygon"]:
        return "polygon"

    def __attrs_post_init__(self) -> None:
        _check_annotation(self)

    def to_dict(self) -> dict[str, Any]:
        out = _common_wire(self)
        out["polygon"] = _wire(self.polygon)
        if self.bounding_box is not None:
            out["bounding_box"] = _wire(self.bounding_box)
        return out


@attrs.frozen(kw_only=True)
class PolylineAnnotation(_AnnotationBase):
    """An open polyline: ``polyline.path`` holds ≥ 2 points."""

    _spec_schema: ClassVar[str] = "PolylineAnnotation"
    id: str = attrs.Factory(_new_id)
    name: str
    polyline: PolylineGeometry = attrs.field(converter=_polyline)
    bounding_box: BoundingBox | None = attrs.field(default=None, converter=_box)
    confidence: float = 1.0
    attributes: dict[str, Any] | list[Any] = attrs.Factory(list)
    created_by: str | None = None

    @property
    def type(self) -> Literal["polyline"]:
        return "polyline"

    def __attrs_post_init__(self) -> None:
        _check_annotation(self)

    def to_dict(self) -> dict[str, Any]:
        out = _common_wire(self)
        out["polyline"] = _wire(self.polyline)
        if self.bounding_box is not None:
            out["bounding_box"] = _wire(self.bounding_box)
        return out


@attrs.frozen(kw_only=True)
class KeypointAnnotation(_AnnotationBase):
    """One named point; keypoints sharing an ``instance_id`` (≥ 1) are the joints of one object."""

    _spec_schema: ClassVar[str] = "KeypointAnnotation"
    id: str = attrs.Factory(_new_id)
    name: str
    keypoint: Point = attrs.field(converter=_point)
    instance_id: int | None = None
    confidence: float = 1.0
    attributes: dict[str, Any] | list[Any] = attrs.Factory(list)
    created_by: str | None = None

    @property
    def type(self) -> Literal["keypoint"]:
        return "keypoint"

    def __attrs_post_init__(self) -> None:
        _check_annotation(self)

    def to_dict(self) -> dict[str, Any]:
        out = _common_wire(self)
        out["keypoint"] = _wire(self.keypoint)
        if self.instance_id is not None:
            out["instance_id"] = self.instance_id
        return out


Annotation: TypeAlias = BBoxAnnotation | PolygonAnnotation | PolylineAnnotation | KeypointAnnotation

_ANNOTATION_CLASSES: dict[str, type[Any]] = {
    "bbox": BBoxAnnotation,
    "polygon": PolygonAnnotation,
    "polyline": PolylineAnnotation,
    "keypoint": KeypointAnnotation,
}


def _annotation_from_canonical(data: Mapping[str, Any]) -> Annotation:
    """The model of one canonical annotation dict (already checked against §4.4)."""
    fields = {k: v for k, v in data.items() if k != "type"}
    cls = _ANNOTATION_CLASSES[str(data["type"])]
    result: Annotation = cls(**fields)
    return result


def _annotations_from_canonical(items: Sequence[Mapping[str, Any]]) -> list[Annotation]:
    return [_annotation_from_canonical(item) for item in items]


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
