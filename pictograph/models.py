"""The SDK's public models (API reference §2–§7, §8): immutable, typed, readable as ``model["field"]``.

Each model names its fields as the spec (``openapi.yaml``) does; a test checks that every field exists in the
matching schema, so the models cannot drift from the spec.
"""

from __future__ import annotations

import datetime
from typing import Any, ClassVar

import attrs

from pictograph._model_base import Model, raw_field

__all__ = [
    "ClassAttribute",
    "Dataset",
    "DatasetClass",
    "DatasetDeleteSummary",
    "Image",
    "Project",
    "SkeletonNode",
    "SkeletonTemplate",
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
