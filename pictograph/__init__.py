"""Pictograph Python SDK: datasets, images, annotations, exports and connectors of the Pictograph platform.

Example::

    from pictograph import Client

    with Client() as client:                      # key from PICTOGRAPH_API_KEY
        for dataset in client.datasets.list():
            print(dataset.name, dataset.image_count)

Public names are imported on first use, so ``import pictograph`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pictograph._version import __version__

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient as AsyncClient
    from pictograph._async._paging import AsyncOffsetPager as AsyncOffsetPager
    from pictograph._progress import ProgressReporter as ProgressReporter
    from pictograph._sync._client import Client as Client
    from pictograph._sync._paging import OffsetPager as OffsetPager
    from pictograph.annotations import (
        create_bbox as create_bbox,
    )
    from pictograph.annotations import (
        create_keypoint as create_keypoint,
    )
    from pictograph.annotations import (
        create_polygon as create_polygon,
    )
    from pictograph.annotations import (
        create_polyline as create_polyline,
    )
    from pictograph.errors import (
        ApiError as ApiError,
    )
    from pictograph.errors import (
        AuthenticationError as AuthenticationError,
    )
    from pictograph.errors import (
        AuthError as AuthError,
    )
    from pictograph.errors import (
        ConfigurationError as ConfigurationError,
    )
    from pictograph.errors import (
        ConflictError as ConflictError,
    )
    from pictograph.errors import (
        ForbiddenError as ForbiddenError,
    )
    from pictograph.errors import (
        FormatError as FormatError,
    )
    from pictograph.errors import (
        NetworkError as NetworkError,
    )
    from pictograph.errors import (
        NotFoundError as NotFoundError,
    )
    from pictograph.errors import (
        PaymentRequiredError as PaymentRequiredError,
    )
    from pictograph.errors import (
        PictographError as PictographError,
    )
    from pictograph.errors import (
        PollTimeoutError as PollTimeoutError,
    )
    from pictograph.errors import (
        RateLimitError as RateLimitError,
    )
    from pictograph.errors import (
        RequestTimeoutError as RequestTimeoutError,
    )
    from pictograph.errors import (
        ServerError as ServerError,
    )
    from pictograph.errors import (
        ValidationError as ValidationError,
    )
    from pictograph.models import (
        Annotation as Annotation,
    )
    from pictograph.models import (
        AnnotationDeleteResult as AnnotationDeleteResult,
    )
    from pictograph.models import (
        BBoxAnnotation as BBoxAnnotation,
    )
    from pictograph.models import (
        BoundingBox as BoundingBox,
    )
    from pictograph.models import (
        BulkSaveFailure as BulkSaveFailure,
    )
    from pictograph.models import (
        BulkSaveResult as BulkSaveResult,
    )
    from pictograph.models import (
        ClassAttribute as ClassAttribute,
    )
    from pictograph.models import (
        ConnectorProvider as ConnectorProvider,
    )
    from pictograph.models import (
        CreditBalance as CreditBalance,
    )
    from pictograph.models import (
        CreditHistoryEntry as CreditHistoryEntry,
    )
    from pictograph.models import (
        Dataset as Dataset,
    )
    from pictograph.models import (
        DatasetClass as DatasetClass,
    )
    from pictograph.models import (
        DatasetDeleteSummary as DatasetDeleteSummary,
    )
    from pictograph.models import (
        DatasetImportProgress as DatasetImportProgress,
    )
    from pictograph.models import (
        Export as Export,
    )
    from pictograph.models import (
        ExportFormat as ExportFormat,
    )
    from pictograph.models import (
        ExportStatus as ExportStatus,
    )
    from pictograph.models import (
        Image as Image,
    )
    from pictograph.models import (
        ImportJob as ImportJob,
    )
    from pictograph.models import (
        KeypointAnnotation as KeypointAnnotation,
    )
    from pictograph.models import (
        LimitCheckResult as LimitCheckResult,
    )
    from pictograph.models import (
        Organization as Organization,
    )
    from pictograph.models import (
        OrientedBox as OrientedBox,
    )
    from pictograph.models import (
        Point as Point,
    )
    from pictograph.models import (
        PolygonAnnotation as PolygonAnnotation,
    )
    from pictograph.models import (
        PolygonGeometry as PolygonGeometry,
    )
    from pictograph.models import (
        PolylineAnnotation as PolylineAnnotation,
    )
    from pictograph.models import (
        PolylineGeometry as PolylineGeometry,
    )
    from pictograph.models import (
        Project as Project,
    )
    from pictograph.models import (
        RemoteDataset as RemoteDataset,
    )
    from pictograph.models import (
        SaveResult as SaveResult,
    )
    from pictograph.models import (
        SkeletonNode as SkeletonNode,
    )
    from pictograph.models import (
        SkeletonTemplate as SkeletonTemplate,
    )
    from pictograph.models import (
        ValidationResult as ValidationResult,
    )
    from pictograph.render import render as render
    from pictograph.reports import BulkUploadReport as BulkUploadReport
    from pictograph.reports import DownloadFailure as DownloadFailure
    from pictograph.reports import DownloadReport as DownloadReport
    from pictograph.reports import DownloadRetry as DownloadRetry
    from pictograph.reports import UploadFailure as UploadFailure

# Public name -> module that defines it. Extend this table when a public name is added.
_EXPORTS: dict[str, str] = {
    "Client": "pictograph._sync._client",
    "AsyncClient": "pictograph._async._client",
    "render": "pictograph.render",
    "ProgressReporter": "pictograph._progress",
    **dict.fromkeys(("BulkUploadReport", "DownloadFailure", "DownloadReport", "DownloadRetry", "UploadFailure"), "pictograph.reports"),
    "OffsetPager": "pictograph._sync._paging",
    "AsyncOffsetPager": "pictograph._async._paging",
    **dict.fromkeys(
        (
            "create_bbox",
            "create_keypoint",
            "create_polygon",
            "create_polyline",
        ),
        "pictograph.annotations",
    ),
    **dict.fromkeys(
        (
            "ApiError",
            "AuthError",
            "AuthenticationError",
            "ConfigurationError",
            "ConflictError",
            "ForbiddenError",
            "FormatError",
            "NetworkError",
            "NotFoundError",
            "PaymentRequiredError",
            "PictographError",
            "PollTimeoutError",
            "RateLimitError",
            "RequestTimeoutError",
            "ServerError",
            "ValidationError",
        ),
        "pictograph.errors",
    ),
    **dict.fromkeys(
        (
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
        ),
        "pictograph.models",
    ),
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'pictograph' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return __all__
