"""One demo server and one synced mirror of each demo dataset for the training-integration tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="package")
def server() -> Iterator[Any]:
    from pictograph.testing import MockServer

    with MockServer(seed="demo") as running:
        yield running


@pytest.fixture(scope="package")
def client(server: Any) -> Iterator[Any]:
    with server.client() as made:
        yield made


@pytest.fixture(scope="package")
def road_root(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """road-scenes synced once (as_pytorch with download=True); tests read it with download=False."""
    root = tmp_path_factory.mktemp("road-scenes")
    client.datasets.as_pytorch("road-scenes", root=root)
    return root


@pytest.fixture(scope="package")
def pose_root(client: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("people-poses")
    client.datasets.as_pytorch("people-poses", root=root)
    return root
