"""Making a client builds no HTTP stack: the pool, its TLS settings and their imports wait for the first request.

Issue 21 (import cost): ``import pictograph; pictograph.Client(api_key=...)`` must cost little more than
``import httpx, attrs``. The pooled httpx client imports httpcore, h11, anyio and certifi and loads the
certificate bundle, so the transport makes it on first use; these tests hold it to that, and check that the
first request (from threads or tasks at once) still gets exactly one pool, and that a closed client refuses.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pictograph import AsyncClient, Client, PictographError
from pictograph._async._transport import AsyncTransport
from pictograph._sync._transport import Transport

from .conftest import API, BASE, envelope, make_client

# The modules a pool brings in; none of them may be imported by making a client.
STACK = ("httpcore", "h11", "anyio", "certifi")

# Run in a fresh interpreter (this test process has imported everything already). It counts the TLS contexts
# made, makes a client, reads a resource attribute, then sends a first and a second request. (The attribute
# imports its resource module, and ``datasets`` brings the transfer engine with it, so the stack modules are
# checked right after ``Client()``, the cost the issue measures.)
CHILD = """
import json, os, sys
import httpx

made = []
create = httpx.create_ssl_context
httpx.create_ssl_context = lambda *a, **k: made.append(1) or create(*a, **k)
stack = {stack!r}

def loaded():
    return sorted(name for name in stack if name in sys.modules)

import pictograph
client = pictograph.Client(base_url=os.environ["LAZY_TEST_URL"])
report = {{"after_client": loaded(), "contexts_after_client": len(made)}}
datasets = client.datasets
report["contexts_after_attribute"] = len(made)
report["names"] = [d.name for d in datasets.list()]
report["after_request"] = loaded()
client.organizations.me()
report["contexts_after_two_requests"] = len(made)
client.close()
print(json.dumps(report))
"""


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    mock_server = pytest.importorskip("pictograph.testing").MockServer
    with mock_server(seed="demo") as running:
        yield running


def test_making_a_client_imports_no_connection_stack_and_its_first_request_still_works(server: Any) -> None:
    env = {**os.environ, "PICTOGRAPH_API_KEY": server.api_key, "LAZY_TEST_URL": server.url}
    env.pop("PICTOGRAPH_BASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD.format(stack=STACK)], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["after_client"] == []
    assert report["contexts_after_client"] == 0
    assert report["contexts_after_attribute"] == 0  # a resource attribute sends nothing, so it makes no pool
    assert report["names"], "the seeded server lists datasets; the first request returned none"
    # The real stack was built by the first request (nothing was injected), once for both requests.
    assert "httpcore" in report["after_request"] and "h11" in report["after_request"]
    assert report["contexts_after_two_requests"] == 1


def _no_datasets(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json=envelope([], has_more=False))


def _count_pools(monkeypatch: pytest.MonkeyPatch, transport_class: type[Any], delay: float) -> list[int]:
    """Make every pool creation of ``transport_class`` slow (so racers overlap) and counted."""
    made: list[int] = []
    original = transport_class._new_http

    def slow_new_http(self: Any) -> Any:
        made.append(1)
        time.sleep(delay)
        return original(self)

    monkeypatch.setattr(transport_class, "_new_http", slow_new_http)
    return made


def test_threads_racing_to_the_first_request_share_one_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _count_pools(monkeypatch, Transport, delay=0.05)
    client = Client(
        api_key="pk_test_x",
        base_url=BASE,
        http_transport=httpx.MockTransport(_no_datasets),
    )
    start = threading.Barrier(8)
    pools: list[httpx.Client] = []

    def first_request() -> None:
        start.wait()
        pools.append(client._transport.http)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    client.close()
    assert len(pools) == 8
    assert len({id(pool) for pool in pools}) == 1
    assert made == [1]


def test_tasks_racing_to_the_first_request_share_one_pool(monkeypatch: pytest.MonkeyPatch) -> None:
    made = _count_pools(monkeypatch, AsyncTransport, delay=0.0)
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        return _no_datasets(request)

    async def main() -> None:
        async with AsyncClient(
            api_key="pk_test_x", base_url=BASE, http_transport=httpx.MockTransport(handler)
        ) as client:
            await asyncio.gather(*(client.datasets.list() for _ in range(8)))

    asyncio.run(main())
    assert len(seen) == 8
    assert made == [1]


def test_closing_an_unused_sync_client_makes_no_pool_and_refuses_later_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _count_pools(monkeypatch, Transport, delay=0.0)
    client = Client(api_key="pk_test_x", base_url=BASE, http_transport=httpx.MockTransport(_no_datasets))
    client.close()
    client.close()  # twice is harmless
    assert made == []
    with pytest.raises(PictographError, match="closed"):
        client.datasets.list()
    assert made == []


def test_closing_an_unused_async_client_makes_no_pool_and_refuses_later_requests(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    made = _count_pools(monkeypatch, AsyncTransport, delay=0.0)

    async def main() -> None:
        client = AsyncClient(
            api_key="pk_test_x", base_url=BASE, http_transport=httpx.MockTransport(_no_datasets)
        )
        await client.aclose()
        await client.aclose()
        assert made == []
        with pytest.raises(PictographError, match="closed"):
            await client.datasets.list()

    asyncio.run(main())
    assert made == []


def test_a_client_closed_after_use_refuses_the_next_request() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return _no_datasets(request)

    sync_client = Client(api_key="pk_test_x", base_url=BASE, http_transport=httpx.MockTransport(handler))
    assert sync_client.datasets.list() == []
    sync_client.close()
    with pytest.raises(PictographError, match="closed"):
        sync_client.datasets.list()

    async def main() -> None:
        async_client = AsyncClient(api_key="pk_test_x", base_url=BASE, http_transport=httpx.MockTransport(handler))
        assert await async_client.datasets.list() == []
        await async_client.aclose()
        with pytest.raises(PictographError, match="closed"):
            await async_client.datasets.list()

    asyncio.run(main())
    assert calls == [httpx.URL(API).path + "/datasets/"] * 2


def test_the_tls_settings_are_made_once_and_are_the_pools(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []
    create = httpx.create_ssl_context

    def counted(*args: Any, **kwargs: Any) -> Any:
        context = create(*args, **kwargs)
        made.append(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    client = Client(api_key="pk_test_x", base_url=BASE)
    assert made == []
    context = client._transport.ssl_context  # what the sync transfer engine asks for, before any request
    assert made == [context]
    pool = client._transport.http
    assert made == [context]
    # httpx keeps the context on its connection pool; the pool must use the shared one, not a second load.
    assert pool._transport._pool._ssl_context is context  # type: ignore[attr-defined]
    client.close()


def test_an_injected_transport_never_loads_tls_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    create = httpx.create_ssl_context

    def counted(*args: Any, **kwargs: Any) -> Any:
        made.append(1)
        return create(*args, **kwargs)

    monkeypatch.setattr(httpx, "create_ssl_context", counted)
    client = make_client("sync", _no_datasets)
    assert client.datasets.list() == []
    assert client._transport.ssl_context is None
    client.close()
    assert made == []


def test_reaching_the_resources_does_not_import_the_transfer_engine() -> None:
    code = (
        "import sys, pictograph\n"
        "c = pictograph.Client(api_key='pk_test_lazy')\n"
        "c.datasets, c.images, c.exports\n"
        "engine = [m for m in ('pictograph._transfers._engine', 'pictograph._transfers._front', "
        "'pictograph._transfers._threaded', 'h11') if m in sys.modules]\n"
        "print(engine)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
