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
    from pictograph._sync._client import Client as Client
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
        ClassAttribute as ClassAttribute,
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
        Image as Image,
    )
    from pictograph.models import (
        Project as Project,
    )
    from pictograph.models import (
        SkeletonNode as SkeletonNode,
    )
    from pictograph.models import (
        SkeletonTemplate as SkeletonTemplate,
    )

# Public name -> module that defines it. Extend this table when a public name is added.
_EXPORTS: dict[str, str] = {
    "Client": "pictograph._sync._client",
    "AsyncClient": "pictograph._async._client",
    **dict.fromkeys(("ApiError", "AuthError", "AuthenticationError", "ConfigurationError", "ConflictError", "ForbiddenError", "FormatError", "NetworkError", "NotFoundError", "PaymentRequiredError", "PictographError", "PollTimeoutError", "RateLimitError", "RequestTimeoutError", "ServerError", "ValidationError"), "pictograph.errors"),
    **dict.fromkeys(("ClassAttribute", "Dataset", "DatasetClass", "DatasetDeleteSummary", "Image", "Project", "SkeletonNode", "SkeletonTemplate"), "pictograph.models"),
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
