"""DataLoader workers over the training datasets (issue 19.1): every image once, under fork and spawn, with no
request from any worker of an offline dataset; stream=True split across workers and ranks."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from torch.utils.data import DataLoader

import pictograph.torch as pt


def _ids(loader: DataLoader[Any]) -> list[str]:
    return [target["image_id"] for _, targets in loader for target in targets]


@pytest.mark.parametrize("method", ["fork", pytest.param("spawn", marks=pytest.mark.slow)])
def test_two_workers_yield_every_image_once_and_make_no_request(method: str, server: Any, client: Any,
                                                                 road_root: Path) -> None:
    ds = client.datasets.as_pytorch("road-scenes", root=road_root, download=False, masks=True)
    server.reset_api_requests()
    loader = DataLoader(ds, batch_size=4, num_workers=2, multiprocessing_context=method, collate_fn=pt.collate)
    seen = _ids(loader)
    assert Counter(seen) == Counter(ds.image_ids) and len(seen) == 30
    assert server.api_requests() == 0


@pytest.fixture(scope="module")
def bench_server() -> Iterator[Any]:
    from pictograph.testing import MockServer

    with MockServer(seed="bench:90") as running:
        yield running


def _stream(bench_server: Any, cache: Path, **options: Any) -> Any:
    with bench_server.client() as parent:
        return parent.datasets.as_pytorch("bench", stream=True, root=cache, page_size=10, **options)


def test_stream_covers_every_image_once_across_two_workers_and_two_ranks(
        bench_server: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PICTOGRAPH_API_KEY", bench_server.api_key)  # workers read it from the environment
    ds = _stream(bench_server, tmp_path / "cache")
    seen: list[str] = []
    for rank in (0, 1):
        monkeypatch.setenv("RANK", str(rank))
        monkeypatch.setenv("WORLD_SIZE", "2")
        loader = DataLoader(ds, batch_size=8, num_workers=2, multiprocessing_context="fork", collate_fn=pt.collate)
        got = _ids(loader)
        assert got, f"rank {rank} served nothing"
        seen += got
    with bench_server.client() as own:
        listed = [image.id for image in own.images.iter("bench")]
    assert Counter(seen) == Counter(listed) and len(listed) == 90


def test_stream_targets_match_the_mirror(bench_server: Any, tmp_path: Path) -> None:
    with bench_server.client() as own:
        mirrored = own.datasets.as_pytorch("bench", root=tmp_path / "mirror")
    by_id = {mirrored.image_ids[i]: mirrored[i][1] for i in range(len(mirrored))}
    streamed = list(_stream(bench_server, tmp_path / "cache", split="train"))
    assert {t["image_id"] for _, t in streamed} == set(pt.load(tmp_path / "mirror", "train").image_ids)
    for image, target in streamed:
        want = by_id[target["image_id"]]
        assert target["boxes"].tolist() == want["boxes"].tolist()
        assert target["labels"].tolist() == want["labels"].tolist()
        assert image.size == mirrored[mirrored.image_ids.index(target["image_id"])][0].size


def test_stream_shuffle_is_seeded_per_epoch(bench_server: Any, tmp_path: Path) -> None:
    ds = _stream(bench_server, tmp_path / "cache", shuffle=True, seed=7)
    first = [t["image_id"] for _, t in ds]
    again = [t["image_id"] for _, t in ds]
    ds.set_epoch(1)
    other = [t["image_id"] for _, t in ds]
    assert first == again and first != other and sorted(first) == sorted(other)
    plain = [t["image_id"] for _, t in _stream(bench_server, tmp_path / "cache")]
    assert sorted(plain) == sorted(first) and plain != first


def test_stream_cache_stays_within_its_bound_and_serves_a_second_epoch(bench_server: Any, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    roomy = _stream(bench_server, cache)
    list(roomy)
    bench_server.reset_api_requests()
    assert len(list(roomy)) == 90
    assert bench_server.api_requests() == 9  # the nine listing pages: bytes and annotations come from the cache
    small = _stream(bench_server, tmp_path / "small", cache_bytes=20_000)
    assert len(list(small)) == 90
    assert sum(f.stat().st_size for f in (tmp_path / "small").iterdir()) <= 20_000
    assert not [f for f in os.listdir(tmp_path / "small") if f.endswith(".part")]
