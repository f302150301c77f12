"""pictograph.ray on a local Ray cluster (2 CPUs) against the local server's bench:500 dataset (issue 20, points 1-3).

The workers get the key the way a cluster would: from their environment (the driver's, which a local cluster's
workers inherit), never from a task; ``client_options`` carries only the server's address.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ray = pytest.importorskip("ray", reason="the ray extra is part of make install")
from ray import cloudpickle  # noqa: E402  # the pickler Ray sends tasks with

from pictograph.errors import ConfigurationError  # noqa: E402
from pictograph.ray import WriteFailure, read_images, write_annotations  # noqa: E402
from pictograph.testing import MockServer  # noqa: E402

IMAGES = 500
# The workers cannot import this test module by name: its functions (the stand-in model) travel by value.
cloudpickle.register_pickle_by_value(sys.modules[__name__])


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(seed=f"bench:{IMAGES}") as running:
        yield running


@pytest.fixture(scope="module")
def cluster(server: MockServer) -> Iterator[Path]:
    """A local Ray cluster whose workers find the key in their environment; its session folder."""
    saved = os.environ.get("PICTOGRAPH_API_KEY")
    os.environ["PICTOGRAPH_API_KEY"] = server.api_key
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        from ray._private import worker

        yield Path(worker._global_node.get_session_dir_path())
    finally:
        ray.shutdown()
        if saved is None:
            os.environ.pop("PICTOGRAPH_API_KEY", None)
        else:
            os.environ["PICTOGRAPH_API_KEY"] = saved


@pytest.fixture()
def opts(server: MockServer, cluster: Path) -> dict[str, Any]:
    return {"base_url": server.url}


@pytest.fixture(scope="module")
def mirror(server: MockServer, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The dataset as ``datasets.download`` writes it: the bytes and annotations to compare rows with."""
    root = tmp_path_factory.mktemp("bench")
    with server.client() as client:
        assert client.datasets.download("bench", root).ok
    return root


def _predictions(batch: Any) -> Any:
    """A stand-in model: one box per image, sized from the image, at a confidence that depends on the image."""
    batch["annotations"] = [
        json.dumps([{"name": "box", "type": "bbox", "bbox": [1, 1, int(w) // 2, int(h) // 2],
                     "confidence": round(0.5 + (int(w) % 5) / 10, 2)}])
        for w, h in zip(batch["width"], batch["height"], strict=True)]
    return batch[["id", "annotations"]]


def _expected(row: dict[str, Any]) -> list[tuple[str, float, dict[str, int]]]:
    w, h = int(row["width"]), int(row["height"])
    return [("box", round(0.5 + (w % 5) / 10, 2), {"x": 1, "y": 1, "w": w // 2, "h": h // 2})]


def _server_annotations(server: MockServer) -> dict[str, list[dict[str, Any]]]:
    rows = server.state.storage.all("SELECT id, annotations FROM images WHERE is_archived = 0")
    return {r["id"]: json.loads(r["annotations"]) if isinstance(r["annotations"], str) else r["annotations"]
            for r in rows}


# ---------------------------------------------------------------------------------------------- reading
def test_read_images_gives_one_row_per_image_with_the_servers_bytes_and_annotations(
        opts: dict[str, Any], mirror: Path, server: MockServer) -> None:
    server.reset_api_requests()
    ds = read_images("bench", client_options=opts).materialize()
    rows = ds.take_all()
    assert ds.count() == IMAGES == len({r["id"] for r in rows})
    assert {r["path"] for r in rows} == {p.relative_to(mirror).as_posix() for p in mirror.rglob("*.jpg")}
    for row in rows:
        assert row["bytes"] == (mirror / row["path"]).read_bytes(), row["path"]
        note = mirror / (row["path"] + ".json")
        expected = json.loads(note.read_text())["annotations"] if note.exists() else []
        assert json.loads(row["annotations"]) == expected
        assert row["folder"] in ("/a", "/b", "/b/c") and row["path"] == f"{row['folder'][1:]}/{row['filename']}"
    # The bytes came by signed listings (one per read task), not one API request per image; annotations did.
    annotated = sum(1 for r in rows if r["annotations"] != "[]")
    assert server.api_requests() < annotated + 30


def test_filters_keep_what_the_images_list_keeps(opts: dict[str, Any], server: MockServer) -> None:
    with server.client() as client:
        for split, status, folder in (("val", None, None), (None, "complete", None), (None, None, "/b"),
                                      ("train", "review", "/b/c")):
            ds = read_images("bench", split=split, status=status, folder=folder, annotations=False,
                             client_options=opts)
            got = sorted(r["id"] for r in ds.select_columns(["id"]).take_all())
            want = sorted(i.id for i in client.images.iter("bench", split=split, status=status, folder=folder))
            assert got == want and want, (split, status, folder)


def test_decode_gives_upright_rgb_arrays_of_the_listed_size(opts: dict[str, Any]) -> None:
    rows = read_images("bench", decode=True, annotations=False, folder="/a", client_options=opts).take(20)
    assert rows and all("bytes" not in r for r in rows)
    for row in rows:
        image = row["image"]
        assert image.dtype.name == "uint8" and image.shape == (row["height"], row["width"], 3)


def test_more_blocks_than_pages_split_the_list_without_repeats(opts: dict[str, Any]) -> None:
    ds = read_images("bench", annotations=False, override_num_blocks=7, client_options=opts)
    ids = [r["id"] for r in ds.select_columns(["id"]).take_all()]
    assert len(ids) == len(set(ids)) == IMAGES


# ---------------------------------------------------------------------------------------------- writing
def test_predictions_written_back_replace_the_annotations_and_a_rerun_changes_nothing(
        opts: dict[str, Any], server: MockServer) -> None:
    source = read_images("bench", annotations=False, client_options=opts).materialize()
    report = write_annotations(source.map_batches(_predictions, batch_format="pandas"), "bench",
                               client_options=opts)
    assert report.ok and report.rows == report.saved == IMAGES
    assert report.api_requests <= 6  # 500 images in bulk saves of 200, however Ray bundled them
    after_first = _server_annotations(server)
    sizes = {r["id"]: r for r in source.select_columns(["id", "width", "height"]).take_all()}
    for image_id, saved in after_first.items():
        got = [(a["name"], a["confidence"], a["bounding_box"]) for a in saved]
        assert got == _expected(sizes[image_id]), image_id  # exactly the prediction: nothing kept, nothing twice

    again = write_annotations(source.map_batches(_predictions, batch_format="pandas"), "bench", client_options=opts)
    assert again.ok and again.saved == IMAGES
    assert _server_annotations(server) == after_first  # ids included: the same final state


def test_a_task_that_fails_mid_write_is_retried_and_writes_nothing_twice(
        opts: dict[str, Any], server: MockServer) -> None:
    # One block of 500 rows: one write task sending three bulk saves. The second save is applied by the server
    # but its connection drops, and with no client retry the task fails; Ray runs it again from the start.
    source = read_images("bench", annotations=False, override_num_blocks=1, client_options=opts).materialize()
    source = source.repartition(1).materialize()
    server.reset_api_requests()
    server.faults.update(script=["ok", "ok", "drop"])  # the driver's dataset lookup, save 1, save 2
    try:
        report = write_annotations(
            source.map_batches(_predictions, batch_format="pandas"), "bench",
            client_options={**opts, "max_retries": 0},
            ray_remote_args={"max_retries": 2, "retry_exceptions": True})
    finally:
        injected = server.faults.injected
        server.faults.reset()
    assert injected.get("drop") == 1
    assert server.api_requests() == 1 + 2 + 3  # the failed attempt's two saves, then all three again
    assert report.ok and report.rows == report.saved == IMAGES  # the last attempt's outcome only
    sizes = {r["id"]: r for r in source.select_columns(["id", "width", "height"]).take_all()}
    for image_id, saved in _server_annotations(server).items():
        assert [(a["name"], a["confidence"], a["bounding_box"]) for a in saved] == _expected(sizes[image_id])


def test_bad_rows_are_failures_of_the_report_and_the_rest_is_saved(opts: dict[str, Any], server: MockServer) -> None:
    with server.client() as client:
        images = [i for i, _ in zip(client.images.iter("bench", folder="/a"), range(5), strict=False)]
    unknown_image = str(uuid.uuid4())
    good = [{"name": "spot", "type": "bbox", "bbox": [0, 0, 2, 2]}]
    items = [
        {"id": images[0].id, "annotations": json.dumps(good)},
        {"id": images[1].id, "annotations": json.dumps([{"name": "dragon", "type": "bbox", "bbox": [0, 0, 2, 2]}])},
        {"id": images[2].id, "annotations": json.dumps([{"name": "box", "type": "polygon", "polygon": [[0, 0]]}])},
        {"id": unknown_image, "annotations": json.dumps(good)},
        {"id": images[3].id, "annotations": "not json"},
        {"id": images[4].id, "annotations": "[]"},
    ]
    report = write_annotations(ray.data.from_items(items), "bench", client_options=opts)
    assert report.rows == 6 and report.saved == 2 and not report.ok
    failed = {f.image_id: f.error for f in report.failures}
    assert set(failed) == {images[1].id, images[2].id, unknown_image, images[3].id}
    assert all(isinstance(f, WriteFailure) for f in report.failures)
    assert "dragon" in failed[images[1].id] and "not found" in failed[unknown_image]
    with server.client() as client:
        assert [a.name for a in client.annotations.get(images[0].id)] == ["spot"]
        assert client.annotations.get(images[4].id) == []


def test_a_missing_column_fails_with_its_name(opts: dict[str, Any]) -> None:
    with pytest.raises(Exception, match="'annotations'"):
        write_annotations(ray.data.from_items([{"id": "x", "preds": "[]"}]), "bench", client_options=opts)


# ---------------------------------------------------------------------------------------------- the key
def test_client_options_refuse_the_key(opts: dict[str, Any], server: MockServer) -> None:
    with pytest.raises(ConfigurationError, match="must not hold api_key"):
        read_images("bench", client_options={**opts, "api_key": server.api_key})
    with pytest.raises(ConfigurationError, match="must not hold api_key"):
        write_annotations(ray.data.from_items([{"id": "x", "annotations": "[]"}]), "bench",
                          client_options={"api_key": server.api_key})
    with pytest.raises(ValueError, match="not headers"):
        read_images("bench", client_options={"headers": {}})


def test_the_key_is_in_no_pickled_task_no_row_and_no_session_file(
        opts: dict[str, Any], server: MockServer, cluster: Path) -> None:
    key = server.api_key.encode()
    assert len(key) >= 16
    ds = read_images("bench", client_options=opts, override_num_blocks=4)
    datasource = ds._logical_plan.dag.datasource
    tasks = datasource.get_read_tasks(4)
    assert len(tasks) == 4
    for task in tasks:
        assert key not in cloudpickle.dumps(task)
    assert key not in cloudpickle.dumps(ds)

    sinks: list[bytes] = []

    class Spy:
        """The dataset, with the datasink pickled on its way to Ray."""

        def write_datasink(self, sink: Any, **kwargs: Any) -> None:
            sinks.append(cloudpickle.dumps(sink))
            ds.map_batches(_predictions, batch_format="pandas").write_datasink(sink, **kwargs)

    report = write_annotations(Spy(), "bench", client_options=opts)
    assert report.saved == IMAGES and sinks and all(key not in s for s in sinks)
    assert not any(key in json.dumps(row, default=str).encode() for row in ds.take_all())

    seen = 0
    for path in cluster.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.stat().st_size < 64 * 2**20:
            seen += 1
            assert key not in path.read_bytes(), f"the API key is in Ray's session file {path}"
    assert seen > 10  # the logs of the workers that ran the tasks above were read


def _kill_the_writer_once_a_save_landed(server: MockServer, done: threading.Event) -> list[int]:
    """Watch the server; once the first bulk save has reached it (and stalls there), SIGKILL the Ray worker
    process running the write task, the way a lost node ends it. The PIDs killed."""
    killed: list[int] = []
    while not done.is_set() and not killed:
        if server.api_requests() >= 2:  # the driver's dataset lookup, then the first save
            for proc in Path("/proc").iterdir():
                try:
                    title = (proc / "cmdline").read_bytes().replace(b"\0", b" ")
                except OSError:
                    continue
                if title.startswith(b"ray::") and b"Write" in title:
                    os.kill(int(proc.name), signal.SIGKILL)
                    killed.append(int(proc.name))
        time.sleep(0.01)
    return killed


def test_a_write_task_whose_worker_is_killed_after_a_save_is_rerun_and_writes_nothing_twice(
        opts: dict[str, Any], server: MockServer) -> None:
    source = read_images("bench", annotations=False, override_num_blocks=1, client_options=opts).materialize()
    source = source.repartition(1).materialize()
    server.reset_api_requests()
    # The first save is applied, then its answer waits 3 s: the writer is killed while it waits.
    server.faults.update(script=["ok", "stall"], stall_min_ms=3000, stall_max_ms=3000)
    done = threading.Event()
    killed: list[int] = []
    watcher = threading.Thread(target=lambda: killed.extend(_kill_the_writer_once_a_save_landed(server, done)))
    watcher.start()
    try:
        report = write_annotations(source.map_batches(_predictions, batch_format="pandas"), "bench",
                                   client_options=opts, ray_remote_args={"max_retries": 2})
    finally:
        done.set()
        watcher.join()
        server.faults.reset()
    assert killed, "no write task was killed: the test proved nothing"
    # The driver's lookup, the killed task's first save, then the rerun's saves of 200, 200 and 100 images.
    assert server.api_requests() == 1 + 1 + 3
    assert report.ok and report.saved == IMAGES
    sizes = {r["id"]: r for r in source.select_columns(["id", "width", "height"]).take_all()}
    saved = _server_annotations(server)
    assert len(saved) == IMAGES
    for image_id, found in saved.items():
        assert [(a["name"], a["confidence"], a["bounding_box"]) for a in found] == _expected(sizes[image_id])
