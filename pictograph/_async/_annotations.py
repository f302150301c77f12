"""``client.annotations`` (docs/wire-protocol.md §4, §8.4, §8.5): read, replace and delete an image's annotations.

Input is checked against the rules of §4.4 before anything is sent: models, canonical dicts and the shorthand
dicts of §4.5 are all accepted and sent in the canonical form.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pictograph_api.api.annotations import (
    bulk_save_annotations,
    delete_annotations,
    get_annotations,
    save_annotations,
)
from pictograph_api.models.annotation_save_request import AnnotationSaveRequest
from pictograph_api.models.bulk_save_request import BulkSaveRequest

from pictograph._args import check_name, image_path_of
from pictograph._canonical import check_response_annotations, normalize_annotations
from pictograph._model_base import build
from pictograph._protocol import schema_error, unwrap
from pictograph.annotations import create_bbox, create_keypoint, create_polygon, create_polyline
from pictograph.errors import NotFoundError, ValidationError
from pictograph.models import (
    Annotation,
    AnnotationDeleteResult,
    BulkSaveFailure,
    BulkSaveResult,
    SaveResult,
    _annotations_from_canonical,
)

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient

AnnotationInput = Annotation | Mapping[str, Any]
BULK_CHUNK = 200


def _request_body(cls: Any, data: Mapping[str, Any]) -> Any:
    """The generated request model of already validated canonical data."""
    try:
        return cls.from_dict(data)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # pragma: no cover - guarded by §4.4 checks
        raise ValidationError(f"annotation input cannot be encoded: {exc}", status_code=None) from None


class AsyncAnnotations:
    """Annotations of one image at a time (a save replaces them all), plus bulk save."""

    create_bbox = staticmethod(create_bbox)
    create_polygon = staticmethod(create_polygon)
    create_polyline = staticmethod(create_polyline)
    create_keypoint = staticmethod(create_keypoint)

    def __init__(self, client: AsyncClient) -> None:
        self._client = client
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def get(self, image_id: str) -> builtins.list[Annotation]:
        """An image's annotations, by image id (``[]`` when it has none).

        Example::

            for ann in client.annotations.get(image.id):
                print(ann.id, ann.name, ann.type)
        """
        image = await self._client.images._resolve_image(image_id)
        return await self.get_by_path(str(image.dataset_id), image.image_path)

    async def get_by_path(self, dataset: str, image_path: str) -> builtins.list[Annotation]:
        """An image's annotations, by dataset and image path.

        Example::

            anns = client.annotations.get_by_path("road-signs", "train/img_001.jpg")
        """
        check_name("dataset", dataset)
        image_path_of(image_path)
        try:
            response = await self._transport.send(get_annotations._get_kwargs(dataset, image_path))
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset, exc, f"image {image_path!r}") from None
        payload = unwrap(response.status_code, response.content, "data", "AnnotationList")
        if payload is None:
            return []
        if isinstance(payload, Mapping):
            payload = payload.get("annotations", [])
            if payload is None:
                payload = []
        if not isinstance(payload, builtins.list):
            raise schema_error("AnnotationList", "'annotations' must be a list", payload)
        return _annotations_from_canonical(check_response_annotations(payload))

    async def save(self, image_id: str, annotations: Sequence[AnnotationInput]) -> SaveResult:
        """Replace an image's annotations (``[]`` clears them), by image id.

        Example::

            client.annotations.save(image.id, [
                {"name": "car", "type": "bbox", "bbox": [100, 200, 50, 80]},
                client.annotations.create_keypoint("k1", "nose", [150, 210]),
            ])
        """
        canonical = normalize_annotations(annotations)
        image = await self._client.images._resolve_image(image_id)
        return await self._save(str(image.dataset_id), image.image_path, canonical)

    async def save_by_path(
        self, dataset: str, image_path: str, annotations: Sequence[AnnotationInput]
    ) -> SaveResult:
        """Replace an image's annotations, by dataset and image path.

        Example::

            client.annotations.save_by_path("road-signs", "train/img_001.jpg", [car, road])
        """
        check_name("dataset", dataset)
        image_path_of(image_path)
        return await self._save(dataset, image_path, normalize_annotations(annotations))

    async def _save(self, dataset: str, image_path: str, canonical: builtins.list[dict[str, Any]]) -> SaveResult:
        body = _request_body(AnnotationSaveRequest, {"annotations": canonical})
        try:
            response = await self._transport.send(save_annotations._get_kwargs(dataset, image_path, body=body))
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset, exc, f"image {image_path!r}") from None
        return build(SaveResult, unwrap(response.status_code, response.content, "data", "SaveResult"))

    async def save_bulk(self, saves: Mapping[str, Sequence[AnnotationInput]]) -> BulkSaveResult:
        """Replace the annotations of many images at once: ``saves`` maps image id → annotations.

        Sent in chunks of 200 images (each chunk is one logical call with its own idempotency key); the
        results are merged. Images the server cannot resolve are listed in ``failed``.

        Example::

            result = client.annotations.save_bulk({image_a.id: [car], image_b.id: []})
            print(len(result.saved), result.failed)
        """
        if not isinstance(saves, Mapping):
            raise ValueError("saves must be a mapping of image id -> list of annotations")
        if not saves:
            raise ValueError("saves is empty: give at least one image id and its annotations")
        entries: builtins.list[dict[str, Any]] = []
        problems: builtins.list[dict[str, Any]] = []
        for image_id, items in saves.items():
            if not isinstance(image_id, str) or not image_id.strip():
                raise ValueError(f"image ids in saves must be non-empty strings, got {image_id!r}")
            try:
                canonical = normalize_annotations(items, loc_prefix=("saves", image_id))
            except ValidationError as exc:
                problems.extend(exc.field_errors)
                continue
            entries.append({"image_id": image_id, "annotations": canonical})
        if problems:
            first = problems[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationError(
                f"invalid annotation input: {where}: {first['msg']}"
                + (f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""),
                field_errors=problems,
                status_code=None,
            )
        saved: builtins.list[SaveResult] = []
        failed: builtins.list[BulkSaveFailure] = []
        for start in range(0, len(entries), BULK_CHUNK):
            body = _request_body(BulkSaveRequest, {"saves": entries[start : start + BULK_CHUNK]})
            response = await self._transport.send(bulk_save_annotations._get_kwargs(body=body))
            payload = unwrap(response.status_code, response.content, "data", "BulkSaveResult")
            part = build(BulkSaveResult, {} if payload is None else payload)
            saved.extend(part.saved)
            failed.extend(part.failed)
        return BulkSaveResult(saved=saved, failed=failed)

    async def delete(self, image_id: str) -> AnnotationDeleteResult:
        """Delete every annotation of an image, by image id (needs admin or owner).

        Example::

            print(client.annotations.delete(image.id).deleted_count)
        """
        image = await self._client.images._resolve_image(image_id)
        return await self._delete(str(image.dataset_id), image.image_path, image.id)

    async def delete_by_path(self, dataset: str, image_path: str) -> AnnotationDeleteResult:
        """Delete every annotation of an image, by dataset and image path.

        Example::

            client.annotations.delete_by_path("road-signs", "train/img_001.jpg")
        """
        check_name("dataset", dataset)
        image_path_of(image_path)
        return await self._delete(dataset, image_path, None)

    async def _delete(self, dataset: str, image_path: str, image_id: str | None) -> AnnotationDeleteResult:
        try:
            response = await self._transport.send(delete_annotations._get_kwargs(dataset, image_path))
        except NotFoundError as exc:
            raise await self._client.datasets._explain_miss(dataset, exc, f"image {image_path!r}") from None
        payload = unwrap(response.status_code, response.content, "data", "AnnotationDeleteResult")
        data = dict(payload) if isinstance(payload, Mapping) else {}
        if data.get("image_id") is None and image_id is not None:
            data["image_id"] = image_id
        return build(AnnotationDeleteResult, data)
