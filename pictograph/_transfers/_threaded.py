"""``Transfers``: the sync client's door to the transfer jobs, which run on an event loop in a thread of the
client's own.

The sync facade reaches it as ``Transfers`` (``scripts/unasync.py`` writes it from the async facade's
``AsyncTransfers``, :mod:`pictograph._transfers._front`); each method runs the same async job there.

Why a loop and not threads: a transfer is thousands of small GETs or PUTs, latency bound, so what matters is
how little CPU each file costs between two answers. With one worker thread per file in flight, every file
passed between a worker and the I/O loop several times, and on a 2-core machine the GIL hand-overs between 32
workers and the loop cost more than the HTTP itself (2,000 downloads at 32 workers: about 0.7 s of CPU per
1,000 files and 1.45–1.55 s of wall time, against 0.4 s and 1.37 s for the same engine on one loop). So the
sync client runs the async engine: its tasks are the workers (``max_workers`` of them), one loop moves every
byte, and the calling thread starts the transfer and waits for it.

What the caller sees does not change:

* Progress reports (a :class:`~pictograph.ProgressReporter`, a callback, the terminal bar) run in the calling
  thread: the engine's reports come back through a queue the caller empties while it waits.
* Errors are raised in the calling thread. Ctrl-C, or a progress callback that raises, cancels the transfer
  and waits until it has cleaned up (no ``.part`` file left of the files in flight) before it propagates.
* The test hooks of the ``Client`` carry over: the engine's private ``AsyncClient`` gets the same settings,
  ``http_transport``, ``storage_transport``, ``sleep``, ``rng`` and ``clock``. An ``httpx.MockTransport``
  answers on the loop as it is; any other sync transport runs in a worker thread of the loop (and reads a
  request body whole).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import os
import queue
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx

import pictograph._async._datasets  # noqa: F401  (imported with the engine: it lists folders through it)
from pictograph._async._client import AsyncClient
from pictograph._progress import NullProgress, ProgressReporter
from pictograph._sync._client import _TRANSFERS_ATTRIBUTE as _ENGINE_ATTRIBUTE
from pictograph._sync._transport import USER_AGENT
from pictograph._transfers._front import AsyncTransfers
from pictograph._transfers._options import DownloadOptions, SyncOptions, TransferOptions
from pictograph.errors import PictographError
from pictograph.models import Image
from pictograph.reports import BulkUploadReport, DownloadReport, SyncReport

if TYPE_CHECKING:
    from pictograph._sync._client import Client

T = TypeVar("T")

# httpx's async client imports anyio's asyncio backend on its first request (13 ms): done here, when the client
# builds the resources that transfer, rather than inside the first transfer. A private module of anyio, so a
# version that moved it only means the import happens later.
with contextlib.suppress(ImportError):
    importlib.import_module("anyio._backends._asyncio")

_ENGINE_LOCK = threading.Lock()
_DONE = object()  # the transfer is over (its outcome is in its task)
#: How long an interrupted transfer is given to stop its files in flight and remove their ``.part`` files.
CLEANUP_SECONDS = 30.0

Job = Callable[[AsyncTransfers, ProgressReporter], Awaitable[T]]


# uvloop, when installed, is imported with the engine too (2 ms that the first transfer used to wait for).
_uvloop: Any
try:
    import uvloop as _uvloop
except ImportError:
    _uvloop = None


def _new_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop when it is installed (the ``speedups`` extra; ``server`` brings it with uvicorn),
    else asyncio's.

    The engine's code is the same on both; uvloop's C loop spends 12-15 % less CPU per file (1,000 uploads of
    100 KB at 32 workers: 0.22 s instead of 0.25 s; 2,000 downloads: 0.63 s instead of 0.76 s)."""
    if _uvloop is None:
        return asyncio.new_event_loop()
    loop: asyncio.AbstractEventLoop = _uvloop.new_event_loop()
    return loop


class LoopThread:
    """An event loop running in a daemon thread of its own, started on first use."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def loop(self) -> asyncio.AbstractEventLoop:
        loop = self._loop
        if loop is None:
            with self._lock:
                if self._loop is None:
                    ready = threading.Event()
                    new_loop = _new_loop()

                    def serve() -> None:
                        asyncio.set_event_loop(new_loop)
                        new_loop.call_soon(ready.set)
                        new_loop.run_forever()

                    self._thread = threading.Thread(target=serve, name=self._name, daemon=True)
                    self._thread.start()
                    ready.wait()
                    self._loop = new_loop
                loop = self._loop
        return loop

    def stop(self, last: Callable[[], Coroutine[Any, Any, None]]) -> None:
        """Run ``last()`` on the loop (closing what lives there), then stop the loop and its thread."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        with contextlib.suppress(Exception):
            asyncio.run_coroutine_threadsafe(last(), loop).result(timeout=10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        if not thread.is_alive():
            loop.close()


class _Relay:
    """The engine's progress reporter: it queues each report for the calling thread."""

    def __init__(self, events: queue.SimpleQueue[Any]) -> None:
        self._events = events

    def start(self, total: int | None, *, unit: str, description: str) -> None:
        self._events.put(("start", (total,), {"unit": unit, "description": description}))

    def advance(self, amount: int, item: str | None = None) -> None:
        self._events.put(("advance", (amount, item), {}))

    def finish(self) -> None:
        self._events.put(("finish", (), {}))


class _AsyncOverSync(httpx.AsyncBaseTransport):
    """A sync transport serving the async engine: ``httpx.MockTransport`` answers on the loop as it is, any
    other transport is called in a worker thread (its request body read whole first, its answer streamed)."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        inner = self._inner
        if isinstance(inner, httpx.MockTransport):
            return await inner.handle_async_request(request)
        await request.aread()
        response = await asyncio.to_thread(inner.handle_request, request)
        return httpx.Response(response.status_code, headers=response.headers, stream=_ThreadedBody(response),
                              extensions=response.extensions)

    async def aclose(self) -> None:
        await asyncio.to_thread(self._inner.close)


class _ThreadedBody(httpx.AsyncByteStream):
    def __init__(self, response: httpx.Response) -> None:
        self._response = response
        self._blocks = iter(response.stream)  # type: ignore[arg-type]  # a sync transport's answer

    async def __aiter__(self) -> Any:
        while (block := await asyncio.to_thread(next, self._blocks, None)) is not None:
            yield block

    async def aclose(self) -> None:
        await asyncio.to_thread(self._response.close)


def _async_sleep(sleep: Callable[[float], None]) -> Callable[[float], Awaitable[None]]:
    async def pause(seconds: float) -> None:
        sleep(seconds)  # an injected sleep (tests): called as given

    return pause


class Transfers:
    """The transfer jobs of one ``Client``, run on its loop thread (one per client: :meth:`of`)."""

    def __init__(self, client: Client, *, storage_transport: httpx.BaseTransport | None = None) -> None:
        self._client = client
        self._storage_transport = storage_transport
        self._runner = LoopThread("pictograph-transfers")
        self._shadow: AsyncClient | None = None  # made and used on the loop only
        self._running: set[asyncio.Task[Any]] = set()  # on the loop only
        self._pid = os.getpid()

    @classmethod
    def of(cls, client: Client) -> Transfers:
        """The client's transfers, made on first use (they own the I/O thread and the storage connections)."""
        engine = client.__dict__.get(_ENGINE_ATTRIBUTE)
        if engine is None:
            with _ENGINE_LOCK:
                engine = client.__dict__.get(_ENGINE_ATTRIBUTE)
                if engine is None:
                    engine = cls(client)
                    client.__dict__[_ENGINE_ATTRIBUTE] = engine
        assert isinstance(engine, Transfers)
        return engine

    @classmethod
    def set_storage_transport(cls, client: Client, transport: httpx.BaseTransport | None) -> None:
        """Route ``client``'s signed-URL requests through ``transport`` (an ``httpx.MockTransport`` in tests).

        Call it before the first transfer of the client.
        """
        with _ENGINE_LOCK:
            client.__dict__[_ENGINE_ATTRIBUTE] = cls(client, storage_transport=transport)

    @staticmethod
    def close_for(client: Client) -> None:
        """Close the transfers of ``client``, if they were made (for ``client.close()``)."""
        engine = client.__dict__.pop(_ENGINE_ATTRIBUTE, None)
        if isinstance(engine, Transfers):
            engine.close()

    def _loop(self) -> asyncio.AbstractEventLoop:
        if self._pid != os.getpid():
            # A forked child (a DataLoader worker, a multiprocessing pool): the parent's loop thread does not
            # exist here and its connections are the parent's. Start afresh; the parent's objects are left alone.
            self._runner = LoopThread("pictograph-transfers")
            self._shadow = None
            self._running = set()
            self._pid = os.getpid()
        return self._runner.loop()

    def _jobs(self) -> AsyncTransfers:
        if self._shadow is None:
            config = self._client._config
            http_transport, sleep, rng, clock = self._client._transport.injected
            storage = self._storage_transport
            api: httpx.AsyncBaseTransport
            if http_transport is None:  # httpx's own, with the TLS settings the client already loaded
                api = httpx.AsyncHTTPTransport(verify=self._client._transport.ssl_context or True)
            else:
                api = _AsyncOverSync(http_transport)
            shadow = AsyncClient(
                api_key=config.api_key, base_url=config.base_url, timeout=config.timeout,
                max_retries=config.max_retries, http_transport=api,
                sleep=None if sleep is None else _async_sleep(sleep), rng=rng, clock=clock,
                storage_transport=None if storage is None else _AsyncOverSync(storage),
            )
            shadow._transport.http.headers["User-Agent"] = USER_AGENT  # the API sees the sync client
            self._shadow = shadow
        return AsyncTransfers.of(self._shadow)

    def _run(self, job: Job[T], reporter: ProgressReporter | None = None) -> T:
        """Run ``job`` on the loop; relay its progress reports to ``reporter`` in this thread until it is over."""
        events: queue.SimpleQueue[Any] = queue.SimpleQueue()
        # Nothing to report to: the engine gets a reporter that does nothing, so this thread sleeps until the
        # end instead of waking (and taking the GIL from the loop) for every file.
        relay: ProgressReporter = NullProgress() if reporter is None or isinstance(reporter, NullProgress) \
            else _Relay(events)
        loop = self._loop()
        holder: list[asyncio.Task[T]] = []

        async def main() -> T:
            return await job(self._jobs(), relay)

        def start() -> None:
            task = loop.create_task(main())
            self._running.add(task)
            task.add_done_callback(self._running.discard)
            task.add_done_callback(lambda _: events.put(_DONE))
            holder.append(task)

        def stop() -> None:
            holder[0].cancel()

        loop.call_soon_threadsafe(start)
        try:
            while (event := events.get()) is not _DONE:
                if reporter is not None:
                    name, args, kwargs = event
                    getattr(reporter, name)(*args, **kwargs)
        except BaseException:
            # Ctrl-C or a failing reporter: stop the transfer and let it clean up before this propagates.
            loop.call_soon_threadsafe(stop)  # after ``start``: callbacks run in the order they were given
            with contextlib.suppress(queue.Empty):
                while events.get(timeout=CLEANUP_SECONDS) is not _DONE:
                    pass
            raise
        task = holder[0]
        if task.cancelled():  # only close() cancels a transfer it did not start
            raise PictographError("the client was closed while this transfer was running; nothing more was sent")
        return task.result()

    def close(self) -> None:
        """Stop the transfers still running (another thread's: they raise), close the connections, end the
        engine's thread."""

        async def last() -> None:
            running = list(self._running)
            for task in running:
                task.cancel()
            await asyncio.gather(*running, return_exceptions=True)
            if self._shadow is not None:
                await self._shadow.aclose()
                self._shadow = None

        self._runner.stop(last)

    # ------------------------------------------------------------------ the jobs (see _front.AsyncTransfers)
    def download_dataset(
        self, name: str, output_dir: str | os.PathLike[str], options: DownloadOptions, transfer: TransferOptions
    ) -> DownloadReport:
        reporter = transfer.reporter(per="file")
        return self._run(lambda jobs, relay: jobs.download_dataset(
            name, output_dir, options, transfer.reporting_to(relay)), reporter)

    def sync_dataset(
        self, name: str, output_dir: str | os.PathLike[str], options: SyncOptions, transfer: TransferOptions
    ) -> SyncReport:
        reporter = transfer.reporter(per="file")
        return self._run(lambda jobs, relay: jobs.sync_dataset(
            name, output_dir, options, transfer.reporting_to(relay)), reporter)

    def download_image(self, dataset: str, image_path: str, output_path: str | os.PathLike[str]) -> Path:
        return self._run(lambda jobs, _: jobs.download_image(dataset, image_path, output_path))

    def download_export(
        self, dataset_name: str, name: str, output_path: str | os.PathLike[str], transfer: TransferOptions
    ) -> Path:
        reporter = transfer.reporter(per="byte")
        return self._run(lambda jobs, relay: jobs.download_export(
            dataset_name, name, output_path, transfer.reporting_to(relay)), reporter)

    def upload(
        self, dataset: str, file_path: str | os.PathLike[str], folder_path: str = "/", filename: str | None = None,
        content_type: str | None = None,
    ) -> Image:
        return self._run(lambda jobs, _: jobs.upload(dataset, file_path, folder_path, filename, content_type))

    def upload_many(
        self, dataset: str, file_paths: Iterable[str | os.PathLike[str]], folder_path: str, transfer: TransferOptions
    ) -> BulkUploadReport:
        reporter = transfer.reporter(per="file")
        if not isinstance(file_paths, (str, bytes, os.PathLike, Sequence)):
            file_paths = list(file_paths)  # a generator of the caller's runs in the caller's thread
        paths = file_paths
        return self._run(lambda jobs, relay: jobs.upload_many(
            dataset, paths, folder_path, transfer.reporting_to(relay)), reporter)
