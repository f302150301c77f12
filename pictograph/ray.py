"""Pictograph datasets on Ray Data: read a dataset's images into a ``ray.data.Dataset`` and write annotations back
(needs the ``ray`` extra: ``pip install 'pictograph[ray]'``; ``import pictograph`` never imports Ray).

Every read and write task builds its own client on its worker, from the worker's environment
(``PICTOGRAPH_API_KEY``, ``PICTOGRAPH_BASE_URL``, ...) and ``client_options`` (``base_url``, ``timeout``,
``max_retries``, never the key): the key is in no pickled task, no row and no object in Ray's object store.
The guide is docs/ray.md.

Example::

    import ray
    from pictograph.ray import read_images, write_annotations

    ray.init(num_cpus=2)
    ds = read_images("road-scenes", decode=True)
    predictions = ds.map_batches(predict, batch_format="numpy")   # adds an "annotations" column
    report = write_annotations(predictions, "road-scenes")
    print(report.saved, report.failures)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pictograph._args import check_flag, check_name, check_optional_text, check_split, normalize_folder
from pictograph._protocol import json_body
from pictograph._ray._common import check_client_options, require_ray
from pictograph.reports import WriteFailure, WriteReport

if TYPE_CHECKING:
    from pictograph._sync._client import Client

__all__ = ["WriteFailure", "WriteReport", "read_images", "write_annotations"]


def _driver_client(options: Mapping[str, Any]) -> Client:
    from pictograph._sync._client import Client

    return Client(**options)


def _filtered_total(client: Client, dataset_id: str, split: str | None, status: str | None, default: int) -> int:
    """The images list's total under the server-side filters: one page of one item (docs/wire-protocol.md §3.1)."""
    from pictograph_api.api.images import list_images
    from pictograph_api.types import UNSET

    request = list_images._get_kwargs(dataset=dataset_id, limit=1, offset=0,
                                      status=UNSET if status is None else status,
                                      split=UNSET if split is None else split)  # type: ignore[arg-type]
    response = client._transport.send(request)
    body = json_body(response.status_code, response.content, "Image list")
    pagination = body.get("pagination") if isinstance(body, dict) else None
    total = pagination.get("total") if isinstance(pagination, dict) else None
    return total if isinstance(total, int) and not isinstance(total, bool) and total >= 0 else default


def read_images(
    dataset: str,
    *,
    split: str | None = None,
    folder: str | None = None,
    status: str | None = None,
    annotations: bool = True,
    decode: bool = False,
    override_num_blocks: int | None = None,
    client_options: Mapping[str, Any] | None = None,
) -> Any:
    """A ``ray.data.Dataset`` of a dataset's images, one row per image, read by Ray tasks in parallel.

    Rows: ``id``, ``dataset_id``, ``path`` (the image path, ``folder/filename`` without a leading ``/``),
    ``filename``, ``folder`` (``/a/b``), ``split``, ``status``, ``width``, ``height``, then ``bytes`` (the file as
    stored) or, with ``decode=True``, ``image`` (an H×W×3 ``uint8`` array, EXIF orientation applied), and with
    ``annotations=True`` ``annotations``: the image's annotations as canonical JSON text (a list,
    docs/wire-protocol.md §4.3; ``"[]"`` for none), which :func:`write_annotations` takes back as it is.

    ``split`` and ``status`` filter on the server, ``folder`` keeps a folder and its sub-folders (filtered in
    the tasks). Each read task takes one offset range of the images list and reads it in pages of 1,000; the
    bytes come from a signed download listing (one request per task, no request per image) and, for the images
    no listing covers, from the API's byte route (one request each). ``override_num_blocks`` sets the number of
    read tasks (by default Ray's choice, with at least 1,000 images per task: a task costs a listing
    request and start-up time of its own).

    The images list is not a snapshot: images added while the job reads are picked up at the end or shift a
    slice's edge so that a few rows repeat, and images removed meanwhile can shift others past an edge. Each
    task reads an image once; read an idle dataset when every image must appear exactly once.

    The driver makes one request for the dataset (and one for the filtered total when ``split`` or ``status``
    is given); nothing is listed until Ray runs the tasks.
    """
    check_name("dataset", dataset)
    check_split(split)
    check_optional_text("status", status)
    subtree = None if folder is None else normalize_folder(check_name("folder", folder), "folder")
    check_flag("annotations", annotations)
    check_flag("decode", decode)
    if override_num_blocks is not None and (
            not isinstance(override_num_blocks, int) or isinstance(override_num_blocks, bool)
            or override_num_blocks < 1):
        raise ValueError(f"override_num_blocks must be a whole number >= 1 or None, got {override_num_blocks!r}")
    options = check_client_options(client_options)
    ray_data = require_ray()
    from pictograph._ray._read import ImagesDatasource, ReadSpec

    with _driver_client(options) as client:
        found = client.datasets.get(dataset)
        total = found.image_count
        if split is not None or status is not None:
            total = _filtered_total(client, found.id, split, status, total)
    spec = ReadSpec(
        dataset_id=found.id, dataset_name=found.name, status=status, split=split,
        folder=None if subtree == "/" else subtree, annotations=annotations, decode=decode,
        client_options=tuple(sorted(options.items())), total=total, override=override_num_blocks,
    )
    return ray_data.read_datasource(ImagesDatasource(spec), override_num_blocks=override_num_blocks)


def write_annotations(
    ds: Any,
    dataset: str,
    *,
    id_column: str = "id",
    annotations_column: str = "annotations",
    client_options: Mapping[str, Any] | None = None,
    ray_remote_args: Mapping[str, Any] | None = None,
) -> WriteReport:
    """Save each row's annotations (a full replace per image) from a ``ray.data.Dataset``; the report.

    ``id_column`` holds image ids (as :func:`read_images` gives them), ``annotations_column`` canonical JSON
    text or a list of annotation dicts (canonical or the shorthand of docs/wire-protocol.md §4.5). Write tasks
    save 200 images a call.
    Reruns are safe: a save replaces what the image had and annotations without an ``id`` get one derived from
    the image and the annotation, so a task Ray retries, or the whole job run again, leaves the same state.

    A bad row (an unknown class, a bad geometry, an image the server does not know) is a
    :class:`WriteFailure` in ``report.failures``, never a failed job. ``ray_remote_args`` go to the write tasks
    (for example ``{"max_retries": 3, "retry_exceptions": True}`` to retry a task that met a network error).
    """
    check_name("dataset", dataset)
    check_name("id_column", id_column)
    check_name("annotations_column", annotations_column)
    if ray_remote_args is not None and not isinstance(ray_remote_args, Mapping):
        raise ValueError(f"ray_remote_args must be a dict of ray.remote arguments, got {ray_remote_args!r:.80}")
    options = check_client_options(client_options)
    require_ray()
    from pictograph._ray._write import AnnotationsDatasink, WriteSpec

    with _driver_client(options) as client:
        found = client.datasets.get(dataset)
    classes = frozenset(c.name for c in found.classes) if found.classes else None
    sink = AnnotationsDatasink(WriteSpec(found.id, classes, id_column, annotations_column,
                                         tuple(sorted(options.items()))))
    ds.write_datasink(sink, ray_remote_args=dict(ray_remote_args or {}))
    report: WriteReport = sink.report
    return report


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
