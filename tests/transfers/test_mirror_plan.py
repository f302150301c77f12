"""The I/O-free rules of the mirror and its manifest (pictograph._transfers._mirror_plan, _manifest)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from pictograph._args import check_split, in_folder
from pictograph._transfers._manifest import Manifest, ManifestError
from pictograph._transfers._mirror_plan import (
    MANIFEST_NAME,
    FileRecord,
    Listed,
    Scope,
    annotation_bytes,
    annotations_of,
    check_shard,
    dedupe,
    deletable,
    image_decision,
    listed_from_json,
    shard_of,
)
from pictograph._transfers._plan import UnsafePathError


def item(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "i1", "filename": "a.jpg", "directory_path": "/train/images", "file_size": 10,
                            "status": "complete", "split": "train", "width": 4, "height": 3,
                            "annotation_count": 2, "min_confidence": 0.5, "content_type": "image/jpeg"}
    base.update(overrides)
    return base


def listed(**overrides: Any) -> Listed:
    return listed_from_json(item(**overrides))


def test_listed_image_path_joins_folder_and_name() -> None:
    image = listed()
    assert image.relpath == "train/images/a.jpg"
    assert image.directory_path == "/train/images"
    assert listed(directory_path="/").relpath == "a.jpg"
    assert listed(directory_path=None).relpath == "a.jpg"


@pytest.mark.parametrize("name", ["../x.jpg", "/etc/passwd", "a/../../b.jpg", "c:evil.jpg", "a\\b.jpg", ""])
def test_listed_refuses_a_path_that_would_escape(name: str) -> None:
    with pytest.raises(UnsafePathError):
        listed(filename=name, directory_path="/")


def test_listed_refuses_the_sdks_own_file_names() -> None:
    with pytest.raises(UnsafePathError, match="reserved"):
        listed(filename=MANIFEST_NAME, directory_path="/")
    with pytest.raises(UnsafePathError, match="reserved"):
        listed(filename="x.jpg.part", directory_path="/")


def test_listed_keeps_unknown_values_and_defaults_odd_ones() -> None:
    image = listed(status="triage", file_size=None, width=True, min_confidence="x", split=3)
    assert (image.status, image.file_size, image.width, image.min_confidence, image.split) == (
        "triage", 0, None, None, None)


def test_in_folder_matches_whole_parts() -> None:
    assert in_folder("/a", "/a") and in_folder("/a/b/c", "/a")
    assert not in_folder("/ab", "/a") and not in_folder("/a", "/a/b")
    assert in_folder("/x", None) and in_folder("/x", "/")


def test_split_and_shard_arguments_are_checked() -> None:
    assert check_split("val") == "val"
    with pytest.raises(ValueError, match="split must be one of"):
        check_split("valid")
    assert check_shard((1, 4)) == (1, 4)
    for bad in [(4, 4), (-1, 2), (0, 0), (1,), ("0", 2), [0, 2], (True, 2)]:
        with pytest.raises(ValueError, match="shard"):
            check_shard(bad)  # type: ignore[arg-type]


def test_shards_are_disjoint_stable_and_cover_everything() -> None:
    paths = [f"f{i % 7}/img_{i:05d}.jpg" for i in range(2000)]
    shards = [{p for p in paths if shard_of(p, 4) == index} for index in range(4)]
    assert set().union(*shards) == set(paths)
    assert sum(len(s) for s in shards) == len(paths)
    assert all(350 < len(s) < 650 for s in shards)  # roughly even
    # The hash is blake2b, not the salted hash(): every process and host of a job computes the same shards.
    assert shard_of("a.jpg", 1_000_003) == int.from_bytes(
        __import__("hashlib").blake2b(b"a.jpg", digest_size=8).digest(), "big") % 1_000_003


def test_scope_filters_split_folder_and_shard() -> None:
    a = listed(id="1", directory_path="/a", split="train")
    b = listed(id="2", directory_path="/ab", split="val")
    assert Scope(split="train").keeps(a) and not Scope(split="train").keeps(b)
    assert Scope(folder="/a").keeps(a) and not Scope(folder="/a").keeps(b)
    index = shard_of(a.relpath, 3)
    assert Scope(shard=(index, 3)).keeps(a) and not Scope(shard=((index + 1) % 3, 3)).keeps(a)
    assert Scope(folder="/a").keeps_path("a/x/y.jpg") and not Scope(folder="/a").keeps_path("ab/y.jpg")
    assert Scope(status_filter="new").narrowed and Scope(split="val").narrowed and not Scope(folder="/a").narrowed


def record(**overrides: Any) -> FileRecord:
    base: dict[str, Any] = {"relpath": "train/images/a.jpg", "kind": "image", "image_id": "i1", "size": 10,
                            "mtime_ns": 5, "origin": "written"}
    base.update(overrides)
    return FileRecord(**base)


def test_image_decision() -> None:
    image = listed()
    assert image_decision(image, None, None) == "fetch"
    assert image_decision(image, None, (11, 1)) == "fetch"  # another size: fetched again
    assert image_decision(image, None, (10, 1)) == "adopt"  # same size, no journal, no manifest: kept
    assert image_decision(image, record(), (10, 1)) == "skip"
    assert image_decision(image, record(image_id="old"), (10, 1)) == "fetch"  # replaced under the same path
    assert image_decision(image, record(origin="pending"), (10, 1)) == "adopt"


def test_only_unchanged_files_the_mirror_wrote_are_deletable() -> None:
    assert deletable(record(), (10, 5))
    assert not deletable(record(), (10, 6))  # edited since
    assert not deletable(record(origin="adopted"), (10, 5))
    assert not deletable(record(origin="pending"), (10, 5))
    assert not deletable(record(), None)


def test_annotation_bytes_do_not_depend_on_the_route() -> None:
    anns = [{"id": "a", "name": "car", "type": "bbox", "bbox": {"x": 1, "y": 2, "width": 3, "height": 4}}]
    assert annotations_of({"annotations": anns}) == annotations_of(anns) == anns
    assert annotations_of({}) == []
    assert annotation_bytes(anns) == annotation_bytes(annotations_of({"annotations": anns, "extra": 1}))
    with pytest.raises(ValueError):
        annotations_of("nope")


def test_dedupe_keeps_one_copy_of_a_repeated_image() -> None:
    images = dedupe([listed(id="1"), listed(id="2"), listed(id="1", filename="b.jpg")])
    assert list(images) == ["1", "2"] and images["1"].filename == "a.jpg"


# ---------------------------------------------------------------------------------------------- manifest
def test_a_manifest_is_created_on_the_first_change_only(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        assert manifest.records() == {} and list(manifest.images()) == []
    assert not (tmp_path / MANIFEST_NAME).exists()
    with Manifest(tmp_path) as manifest:
        manifest.put(record())
        manifest.set_meta("dataset", {"id": "d", "classes": [{"name": "car"}]})
        manifest.replace_images({"train/images/a.jpg": listed()})
    with Manifest(tmp_path) as manifest:
        assert manifest.records() == {"train/images/a.jpg": record()}
        assert manifest.record("train/images/a.jpg") == record() and manifest.record("nope") is None
        assert manifest.unwanted(lambda path: path != "train/images/a.jpg") == [record()]
        assert manifest.unwanted(lambda path: True) == []
        assert manifest.meta("dataset") == {"id": "d", "classes": [{"name": "car"}]}
        assert list(manifest.images()) == [listed()]


def test_an_unchanged_manifest_is_not_written(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        manifest.set_meta("dataset", {"id": "d"})
        manifest.replace_images({"train/images/a.jpg": listed()})
    path = tmp_path / MANIFEST_NAME
    before = path.stat().st_mtime_ns, path.read_bytes()
    with Manifest(tmp_path) as manifest:
        assert manifest.signal("i1") == (2, 0.5, "complete") and manifest.signal("other") is None
        manifest.set_meta("dataset", {"id": "d"})
        assert manifest.replace_images({"train/images/a.jpg": listed()}) is False
    assert (path.stat().st_mtime_ns, path.read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [MANIFEST_NAME]


def test_uncommitted_changes_of_a_killed_run_are_not_read(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        manifest.put(record())
    manifest = Manifest(tmp_path)
    manifest.put(record(relpath="b.jpg"))  # not yet committed (batched): lost if the process dies now
    other = Manifest(tmp_path)
    assert set(other.records()) == {"train/images/a.jpg"}
    other.close()
    manifest.close()


def test_a_foreign_file_under_the_manifest_name_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / MANIFEST_NAME).write_bytes(b"not a database at all, just text" * 10)
    with pytest.raises(ManifestError, match="move it away"):
        Manifest(tmp_path)
    other = tmp_path / "other"
    other.mkdir()
    db = sqlite3.connect(other / MANIFEST_NAME)
    db.execute("CREATE TABLE songs (x)")
    db.commit()
    db.close()
    with pytest.raises(ManifestError, match="other tables"):
        Manifest(other)


def test_a_newer_manifest_is_refused(tmp_path: Path) -> None:
    with Manifest(tmp_path) as manifest:
        manifest.put(record())
    db = sqlite3.connect(tmp_path / MANIFEST_NAME)
    db.execute("UPDATE meta SET value = '99' WHERE key = 'version'")
    db.commit()
    db.close()
    with pytest.raises(ManifestError, match="newer SDK"):
        Manifest(tmp_path)


def test_request_counters_nest_and_count_only_inside_their_block() -> None:
    from pictograph._request_count import REQUESTS_SENT, counting_requests

    def send() -> None:  # what a transport does for each request it sends
        counter = REQUESTS_SENT.get()
        if counter is not None:
            counter[0] += 1

    send()
    with counting_requests() as outer:
        send()
        with counting_requests() as inner:
            send()
            send()
        send()
    send()
    assert (outer[0], inner[0]) == (4, 2)
    assert REQUESTS_SENT.get() is None
