"""The transfer engine: moving files between a folder and a dataset, for both clients.

One module per job, each an ``async def`` over the shared :class:`~pictograph._transfers._engine.Engine`:

====================  ==========================================================================================
``_download.py``      ``datasets.download``: a dataset into a folder, and the journal that lets a rerun skip
``_mirror.py``        ``datasets.sync``: a folder kept an exact mirror (and downloads past one listing's reach)
``_image.py``         ``images.download``: one image by its path
``_export.py``        ``exports.download``: an export's ZIP, resumed where it stopped
``_upload.py``        ``images.upload``: one file, and the signed PUT every upload is made of
``_upload_many.py``   ``images.upload_many``: many files as a pipeline of chunks
====================  ==========================================================================================

What the jobs share: ``_engine.py`` (one per client: settings, storage, the fetch primitives), ``_storage.py``
(the storage client for signed URLs and the meaning of its answers), ``_storage_http.py`` (its lean HTTP/1.1
transport), ``_pool.py`` (the bounded runner), ``_options.py`` (a call's options as values), ``_plan.py`` and
``_upload_plan.py`` (the decisions that need no I/O).

The facade reaches the jobs through two doors with the same methods: ``AsyncTransfers`` (``_front.py``, the jobs
run in the caller's task) and ``Transfers`` (``_threaded.py``, the sync client's: the jobs run on a loop thread
of its own). ``scripts/unasync.py`` writes the sync facade's ``Transfers`` from the async facade's
``AsyncTransfers``, so ``pictograph/_sync`` stays generated only. Each door is imported on first use, so that
neither client imports the other's.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from pictograph._transfers._options import DownloadOptions, SyncOptions, TransferOptions

if TYPE_CHECKING:
    from pictograph._transfers._front import AsyncTransfers as AsyncTransfers
    from pictograph._transfers._threaded import Transfers as Transfers

__all__ = ["AsyncTransfers", "DownloadOptions", "SyncOptions", "TransferOptions", "Transfers"]

_DOORS = {"AsyncTransfers": "pictograph._transfers._front", "Transfers": "pictograph._transfers._threaded"}


def __getattr__(name: str) -> Any:
    module = _DOORS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
