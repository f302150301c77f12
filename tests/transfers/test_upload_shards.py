"""``images.upload_many(shard=(i, n))``: n jobs given the same files upload disjoint shares whose union is the whole,
split by the image path as ``datasets.download(shard=...)`` splits it (issue 20, point 4)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
from pictograph._transfers._mirror_plan import shard_of
from pictograph.testing import MockServer

from .conftest import image_bytes

COUNT = 4


def _tree(root: Path) -> set[str]:
    """Thirty files in three folders that share their file names; their image paths under ``/up``."""
    paths: set[str] = set()
    for folder in ("a", "b", "b/c"):
        for n in range(10):
            target = root / folder / f"img_{n:02d}.jpg"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(image_bytes(f"{folder}/{n}", size=400 + n))
            paths.add(f"up/{folder}/img_{n:02d}.jpg")
    return paths


def _paths(images: list[object]) -> set[str]:
    return {str(getattr(i, "image_path")) for i in images}  # noqa: B009  # Image and its sync twin alike


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_four_upload_shards_are_disjoint_and_their_union_is_every_file(tmp_path: Path, use_async: bool) -> None:
    expected = _tree(tmp_path / "src")
    with MockServer(seed="empty") as server, server.client() as client:
        client.datasets.create("shards", classes=[{"name": "car"}])
        shares: list[set[str]] = []
        for index in range(COUNT):
            if use_async:
                async def upload(i: int = index) -> object:
                    async with server.async_client() as aclient:
                        return await aclient.images.upload_many(
                            "shards", [tmp_path / "src"], folder_path="/up", shard=(i, COUNT))

                report = asyncio.run(upload())
            else:
                report = client.images.upload_many("shards", [tmp_path / "src"], folder_path="/up",
                                                   shard=(index, COUNT))
            assert not report.failed and not report.skipped  # type: ignore[attr-defined]
            share = _paths(report.succeeded)  # type: ignore[attr-defined]
            # The share is the one the download hash names: uploads and downloads split alike.
            assert share == {p for p in expected if shard_of(p, COUNT) == index}
            shares.append(share)
        assert sum(len(s) for s in shares) == len(expected)  # disjoint
        assert set().union(*shares) == expected
        assert all(shares), "30 paths over 4 shards leave none empty with this hash"
        listed = [i.image_path for i in client.datasets.list_images("shards")]
        assert sorted(listed) == sorted(expected)  # each file once in the dataset


def test_an_upload_shard_holds_what_the_download_of_that_shard_brings_back(tmp_path: Path) -> None:
    expected = _tree(tmp_path / "src")
    with MockServer(seed="empty") as server, server.client() as client:
        client.datasets.create("shards", classes=[{"name": "car"}])
        report = client.images.upload_many("shards", [tmp_path / "src"], folder_path="/up", shard=(2, COUNT))
        uploaded = _paths(report.succeeded)
        # The rest goes up too, then shard 2 is downloaded: the same paths come back.
        for index in (0, 1, 3):
            client.images.upload_many("shards", [tmp_path / "src"], folder_path="/up", shard=(index, COUNT))
        out = tmp_path / "out"
        client.datasets.download("shards", out, mode="images_only", shard=(2, COUNT))
        downloaded = {p.relative_to(out).as_posix() for p in out.rglob("*.jpg")}
        assert downloaded == uploaded and uploaded < expected


def test_the_whole_upload_is_one_shard_of_one(tmp_path: Path) -> None:
    expected = _tree(tmp_path / "src")
    with MockServer(seed="empty") as server, server.client() as client:
        client.datasets.create("shards", classes=[{"name": "car"}])
        report = client.images.upload_many("shards", [tmp_path / "src"], folder_path="/up", shard=(0, 1))
        assert _paths(report.succeeded) == expected


@pytest.mark.parametrize("shard", [(4, 4), (-1, 4), (0, 0), (1,), (0.0, 2), "0/4", (True, 2)])
def test_a_bad_shard_is_refused_before_any_request(tmp_path: Path, shard: object) -> None:
    _tree(tmp_path / "src")
    with MockServer(seed="empty") as server, server.client() as client:
        client.datasets.create("shards", classes=[{"name": "car"}])
        server.reset_api_requests()
        with pytest.raises(ValueError, match="shard"):
            client.images.upload_many("shards", [tmp_path / "src"], shard=shard)
        assert server.api_requests() == 0
