"""Fixtures: one demo server per test session (responses validated against the spec) and plain httpx clients."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from pictograph.testing import MockServer

Factory = Callable[..., httpx.Client]


@pytest.fixture(scope="session")
def server() -> Iterator[MockServer]:
    with MockServer(seed="demo", validate_responses=True) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _clean_faults(request: pytest.FixtureRequest) -> Iterator[None]:
    if "server" not in request.fixturenames:
        yield
        return
    srv: MockServer = request.getfixturevalue("server")
    before = len(srv.response_problems)
    yield
    srv.faults.reset()
    srv.clock.reset()
    assert srv.response_problems[before:] == []


@pytest.fixture
def make_client(server: MockServer) -> Iterator[Factory]:
    made: list[httpx.Client] = []

    def factory(api_key: str | None = None, **kw: Any) -> httpx.Client:
        headers = {"X-API-Key": api_key if api_key is not None else server.api_key}
        c = httpx.Client(base_url=server.api_url, headers=headers, timeout=10, **kw)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()


@pytest.fixture
def api(make_client: Factory) -> httpx.Client:
    """The seeded organization's owner."""
    return make_client()


@pytest.fixture
def fresh(server: MockServer, make_client: Factory) -> httpx.Client:
    """The owner of a new, empty organization (tests that change data use it)."""
    return make_client(server.add_organization(tier="pro").api_key)


def upload(client: httpx.Client, dataset: str, filename: str, data: bytes, directory: str = "/",
           content_type: str = "image/png") -> httpx.Response:
    """upload URL -> PUT -> register; returns the register response."""
    r = client.post("/images/upload-url", json={"dataset": dataset, "filename": filename,
                                                "directory_path": directory, "content_type": content_type})
    assert r.status_code == 200, r.text
    put = httpx.put(r.json()["data"]["upload_url"], content=data, headers={"Content-Type": content_type})
    assert put.status_code in (200, 201), put.text
    return client.post("/images/register", json={"dataset": dataset, "filename": filename,
                                                 "directory_path": directory, "content_type": content_type,
                                                 "file_size": len(data)})


def png(width: int = 8, height: int = 6) -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (width, height), (10, 20, 30)).save(buf, "PNG")
    return buf.getvalue()
