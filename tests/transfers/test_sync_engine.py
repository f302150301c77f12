"""The sync client's transfers run the async engine on the client's own loop thread: what the caller sees."""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

import pictograph._transfers._threaded as threaded
from pictograph import Client, PictographError
from pictograph._transfers import Transfers

from .conftest import BASE, KEY, FakeCloud, image_bytes, make_client, no_sleep

ENGINE_THREAD = "pictograph-transfers"


def _engine_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == ENGINE_THREAD]


def test_progress_runs_in_the_calling_thread_and_closing_ends_the_engine_thread(
    cloud: FakeCloud, tmp_path: Path
) -> None:
    seen: set[int] = set()
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, progress=lambda d, t, f: seen.add(threading.get_ident()))
        assert report.images_downloaded == 12 and report.failures == []
        assert len(_engine_threads()) == 1
    assert seen == {threading.get_ident()}
    assert _engine_threads() == []


class _SlowBody(httpx.AsyncByteStream):
    """A body sent in two parts with a pause between them, so that files are mid-write when a transfer stops."""

    def __init__(self, data: bytes, pause: float) -> None:
        self._data = data
        self._pause = pause

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self._data[:100]
        await asyncio.sleep(self._pause)
        yield self._data[100:]


def _slow_storage(cloud: FakeCloud, pause: float) -> httpx.MockTransport:
    async def handler(request: httpx.Request) -> httpx.Response:
        response = cloud(request)
        if request.url.host != "storage.test" or response.status_code != 200:
            return response
        return httpx.Response(200, headers=response.headers, stream=_SlowBody(response.read(), pause))

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, RuntimeError])
def test_an_interrupt_stops_the_transfer_and_waits_for_its_files_in_flight(
    cloud: FakeCloud, tmp_path: Path, interrupt: type[BaseException]
) -> None:
    """Ctrl-C (or a progress callback that raises) reaches the caller only once the files in flight are
    stopped and their ``.part`` files removed; what was finished stays, and the client goes on working."""
    slow = _slow_storage(cloud, pause=0.3)
    done: list[str] = []

    def progress(count: int, total: int, name: str) -> None:
        done.append(name)
        if len(done) == 2:
            raise interrupt("stop")

    with Client(api_key=KEY, base_url=BASE, http_transport=slow, sleep=no_sleep, storage_transport=slow) as client:
        with pytest.raises(interrupt):
            client.datasets.download("ds", tmp_path, mode="images_only", max_workers=4, progress=progress)
        assert list(tmp_path.rglob("*.part")) == []
        finished = list(tmp_path.rglob("*.jpg"))
        assert 2 <= len(finished) < 12
        for path in finished:
            assert path.read_bytes() == cloud.images[path.relative_to(tmp_path).as_posix()]
        report = client.datasets.download("ds", tmp_path, mode="images_only", max_workers=4)
        assert report.failures == [] and report.images_skipped + report.images_downloaded == 12
        assert report.images_skipped >= len(finished)


class _PlainTransport(httpx.BaseTransport):
    """A sync transport that is not an ``httpx.MockTransport``: the engine calls it from a worker thread."""

    def __init__(self, cloud: FakeCloud) -> None:
        self.cloud = cloud
        self.threads: set[str] = set()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.threads.add(threading.current_thread().name)
        request.read()
        return self.cloud(request)


def test_a_plain_sync_storage_transport_serves_downloads_and_uploads(cloud: FakeCloud, tmp_path: Path) -> None:
    plain = _PlainTransport(cloud)
    files = []
    for i in range(5):
        path = tmp_path / "up" / f"u{i}.jpg"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(image_bytes(path.name))
        files.append(path)
    with Client(api_key=KEY, base_url=BASE, http_transport=httpx.MockTransport(cloud), sleep=no_sleep,
                storage_transport=plain) as client:
        report = client.datasets.download("ds", tmp_path / "down", mode="images_only")
        uploaded = client.images.upload_many("ds", iter(files), folder_path="/up", max_workers=3)
    assert report.images_downloaded == 12 and report.failures == []
    for name, data in cloud.images.items():
        assert (tmp_path / "down" / name).read_bytes() == data
    assert len(uploaded.succeeded) == 5 and uploaded.failed == []
    assert sorted(body for _, body in cloud.uploaded.values()) == sorted(p.read_bytes() for p in files)
    assert plain.threads and ENGINE_THREAD not in plain.threads  # never called on the engine's loop


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is a POSIX call")
def test_a_forked_child_transfers_with_the_client_it_inherited(cloud: FakeCloud, tmp_path: Path) -> None:
    """The parent's engine thread does not exist in a forked child: the child starts its own."""
    with make_client(cloud) as client:
        assert client.datasets.download("ds", tmp_path / "parent", mode="images_only").failures == []
        pid = os.fork()
        if pid == 0:  # the child: report through the exit status only
            code = 1
            signal.alarm(30)  # a child that hangs dies (and the test fails) instead of hanging the suite
            try:
                report = client.datasets.download("ds", tmp_path / "child", mode="images_only")
                code = 0 if report.images_downloaded == 12 and report.failures == [] else 2
            finally:
                os._exit(code)
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        # the parent's engine still works
        assert client.datasets.download("ds", tmp_path / "again", mode="images_only").images_downloaded == 12
    for name, data in cloud.images.items():
        assert (tmp_path / "child" / name).read_bytes() == data


def test_closing_the_client_during_a_transfer_stops_it_with_an_error(cloud: FakeCloud, tmp_path: Path) -> None:
    """close() from another thread while a download runs: the download raises (no hang), no .part is left."""
    slow = _slow_storage(cloud, pause=0.5)
    client = Client(api_key=KEY, base_url=BASE, http_transport=slow, sleep=no_sleep, storage_transport=slow)
    outcome: list[BaseException] = []

    def download() -> None:
        try:
            client.datasets.download("ds", tmp_path, mode="images_only", max_workers=4)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=download, daemon=True)
    worker.start()
    deadline = time.monotonic() + 10
    while not list(tmp_path.rglob("*.part")) and time.monotonic() < deadline:
        time.sleep(0.01)  # wait until files are mid-body
    client.close()
    worker.join(10)
    assert not worker.is_alive()
    assert len(outcome) == 1 and isinstance(outcome[0], PictographError)
    assert "closed" in str(outcome[0])
    assert list(tmp_path.rglob("*.part")) == []
    assert _engine_threads() == []


def test_the_engine_runs_on_asyncios_own_loop_without_uvloop(
    cloud: FakeCloud, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(threaded, "_uvloop", None)  # as when ``import uvloop`` failed at import
    with make_client(cloud) as client:
        report = client.datasets.download("ds", tmp_path, mode="images_only")
        loop = Transfers.of(client)._runner.loop()
        assert type(loop).__module__.startswith("asyncio")
    assert report.images_downloaded == 12 and report.failures == []


def test_the_engine_runs_on_uvloop_when_it_is_installed(cloud: FakeCloud, tmp_path: Path) -> None:
    pytest.importorskip("uvloop")
    with make_client(cloud) as client:
        assert client.datasets.download("ds", tmp_path, mode="images_only").images_downloaded == 12
        assert type(Transfers.of(client)._runner.loop()).__module__.startswith("uvloop")
