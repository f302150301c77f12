"""An interrupted ``datasets.sync`` converges on rerun: one SIGKILL point of the crash suite (the many-point run is
``tests/stress/test_mirror_crash.py``, under ``make stress``) and a Ctrl-C raised from a progress callback in
this process.

The scenario is imported from the stress suite's module as ``stress.test_mirror_crash``: pytest puts ``tests/``
on the import path for both packages (neither ``tests/`` nor the repository root is a package).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from stress.test_mirror_crash import (
    crash_sync,
    expected_mirror,
    images_on_disk,
    mirror_tree,
    mtimes,
    part_files,
)

from pictograph._transfers._manifest import Manifest
from pictograph.testing import MockServer


def test_a_sync_killed_a_third_of_the_way_converges_on_rerun(tmp_path: Path) -> None:
    counts = crash_sync(tmp_path, 1, 18, 150, at_fraction=1 / 3)
    assert counts["killed_mid_sync"] == 1
    assert counts["images_on_disk_at_kill"] >= 50 and counts["deleted_after_server_delete"] == 1


def test_ctrl_c_in_a_progress_callback_stops_the_sync_and_a_rerun_converges(tmp_path: Path) -> None:
    with MockServer(seed="bench:150", faults={"file_latency_ms": 20}) as server, server.client() as client:
        want = expected_mirror(server)
        landed: list[str] = []

        def interrupt(done: int, total: int, name: str) -> None:
            landed.append(name)
            if done == 40:
                raise KeyboardInterrupt

        with pytest.raises(KeyboardInterrupt):
            client.datasets.sync("bench", tmp_path, progress=interrupt)
        on_disk = images_on_disk(tmp_path)
        time.sleep(0.3)
        assert images_on_disk(tmp_path) == on_disk, "files still land after the interrupt"
        assert part_files(tmp_path) == []
        assert {name for name in landed if name.endswith(".jpg")} <= on_disk

        report = client.datasets.sync("bench", tmp_path)  # the same client goes on working
        assert report.ok and mirror_tree(tmp_path) == want and part_files(tmp_path) == []
        assert not on_disk & set(report.added + report.updated), "complete images fetched again"
        with Manifest(tmp_path) as manifest:
            assert {r.origin for r in manifest.records().values()} == {"written"}

        stamps = mtimes(tmp_path)
        again = client.datasets.sync("bench", tmp_path)
        assert not again.changed and mtimes(tmp_path) == stamps

        victim = sorted(on_disk)[0]  # written before the interrupt: the mirror's own
        client.images.delete_by_path("bench", victim, permanent=True)
        after = client.datasets.sync("bench", tmp_path)
        assert victim in after.deleted and not (tmp_path / victim).exists() and not after.kept
        assert mirror_tree(tmp_path) == expected_mirror(server)
