"""``images.download``: one image's bytes, by its path in the dataset, into a file.

Protocol: docs/wire-protocol.md §3.1 (image bytes), §3.2 (an image by path). The bytes come from the API itself (no
signed URL), streamed to ``NAME.part`` and renamed when complete; a body cut short is fetched again, up to the
client's attempts.
"""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from pictograph_api.api.images import get_image_bytes_by_path

from pictograph._args import check_name, image_path_of
from pictograph._transfers._engine import Engine
from pictograph._transfers._plan import describe_error
from pictograph._transfers._storage import Retryable
from pictograph.errors import NetworkError


async def download_image(engine: Engine, dataset: str, image_path: str, output_path: str | os.PathLike[str]) -> Path:
    """Write the image at ``image_path`` of ``dataset`` to ``output_path`` and return that path."""
    check_name("dataset", dataset)
    image_path_of(image_path)
    target = Path(output_path)
    if target.is_dir():
        raise ValueError(f"output_path {str(target)!r} is a folder; give the file to write")
    request = get_image_bytes_by_path._get_kwargs(dataset, image_path)
    for attempt in range(1, engine.attempts + 1):
        try:
            await engine.fetch_api(request, target)
            return target
        except (Retryable, httpx.TransportError) as exc:
            if attempt == engine.attempts:
                error = describe_error(exc) if isinstance(exc, httpx.TransportError) else str(exc)
                raise NetworkError(
                    f"GET image {image_path!r} of {dataset!r} failed mid-body {attempt} times ({error})"
                ) from None
            await engine.backoff(attempt - 1)
    raise AssertionError("unreachable")  # pragma: no cover
