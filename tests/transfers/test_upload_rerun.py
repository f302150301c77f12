"""A rerun of upload_many after an interruption uploads only what the dataset does not hold yet."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
from pictograph.testing import MockServer

from .conftest import image_bytes


def _files(folder: Path, names: list[str]) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in names:
        path = folder / name
        path.write_bytes(image_bytes(name))
        paths.append(path)
    return paths


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_rerun_skips_images_already_in_the_dataset(tmp_path: Path, use_async: bool) -> None:
    with MockServer(seed="demo") as server, server.client() as client:
        client.datasets.create("rerun", classes=[{"name": "car"}])
        first = _files(tmp_path / "a", ["one.jpg", "two.jpg", "three.jpg"])
        report = client.images.upload_many("rerun", first[:2], folder_path="/batch")
        assert sorted(i.filename for i in report.succeeded) == ["one.jpg", "two.jpg"] and not report.skipped

        # The interrupted call is run again with every file, plus one that changed size since.
        (tmp_path / "a" / "two.jpg").write_bytes(image_bytes("two.jpg", size=5000))
        if use_async:
            async def again() -> object:
                async with server.async_client() as aclient:
                    return await aclient.images.upload_many("rerun", first, folder_path="/batch")

            rerun = asyncio.run(again())
        else:
            rerun = client.images.upload_many("rerun", first, folder_path="/batch")

        assert [i.filename for i in rerun.skipped] == ["one.jpg"]  # type: ignore[attr-defined]
        assert [i.filename for i in rerun.succeeded] == ["three.jpg"]  # type: ignore[attr-defined]
        # A same-named file of another size is not silently skipped: the server refuses the duplicate.
        assert [(f.filename, "already exists" in f.error) for f in rerun.failed] == [("two.jpg", True)]  # type: ignore[attr-defined]
        names = sorted(i.filename for i in client.datasets.list_images("rerun"))
        assert names == ["one.jpg", "three.jpg", "two.jpg"]
        # The registered bytes of two.jpg are still the first upload's.
        two = next(i for i in client.datasets.list_images("rerun") if i.filename == "two.jpg")
        assert client.images.get_bytes(two.id) == image_bytes("two.jpg")
