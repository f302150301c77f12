"""Security: where the API key may go (only to the API), what names may be written (nothing outside the output
folder), what signed URLs allow (one object, until expiry), what another organization sees (nothing), and the
mode of the config file ``pictograph login`` writes (0600).
"""

from __future__ import annotations

import logging
import os
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from pictograph.cli import main as cli_main
from pictograph.errors import NotFoundError, PictographError
from pictograph.formats import FormatError, read
from pictograph.testing import MockServer

from ._support import write_images
from .conftest import Figures, RequestRecorder, ShortSleep


def _files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_api_key_stays_out_of_logs_reprs_errors_files_and_non_api_requests(
        tmp_path: Path, recorder: RequestRecorder, caplog: pytest.LogCaptureFixture, figures: Figures) -> None:
    caplog.set_level(logging.DEBUG)
    with MockServer(seed="demo", validate_responses=True) as server:
        key = server.api_key
        client = server.client(max_retries=2, timeout=5, sleep=ShortSleep())
        seen: list[str] = [repr(client), str(client), repr(client.datasets), repr(client.images)]
        # A session: reads, uploads, saves, an export, downloads, and failures of several kinds.
        write_images(tmp_path / "src", 3, 4, "sec")
        client.datasets.create("sec", classes=[{"name": "car"}])
        report = client.images.upload_many("sec", sorted((tmp_path / "src").iterdir()))
        assert report.ok
        client.annotations.save_by_path("sec", "sec_0000.png", [{"name": "car", "type": "bbox", "bbox": [1, 1, 2, 2]}])
        client.exports.create("sec", "sec-export", format="coco", status_filter=None, poll_interval=0.05)
        client.exports.download("sec", "sec-export", tmp_path / "out" / "export.zip")
        client.images.download("sec", "sec_0001.png", tmp_path / "out" / "one.png")
        dl = client.datasets.download("road-scenes", tmp_path / "out" / "dataset")
        assert dl.ok
        server.faults.update(script=["500", "500", "500", "drop", "drop", "drop", "429", "429", "429"])
        failing: list[Callable[[], object]] = [lambda: client.datasets.get("road-scenes"),
                                               lambda: client.datasets.list(), lambda: client.datasets.get("sec")]
        for call in failing:
            with pytest.raises(PictographError) as failed:
                call()
            seen += [str(failed.value), repr(failed.value)]
        server.faults.reset()
        refused: list[Callable[[], object]] = [lambda: client.datasets.get("nope"), lambda: client.annotations.save_by_path(
            "sec", "sec_0000.png", [{"name": "car", "type": "bbox", "bbox": [1, 1, -2, 2]}])]
        for call in refused:
            with pytest.raises(PictographError) as failed:
                call()
            seen += [str(failed.value), repr(failed.value)]
        client.close()
        requests = recorder.snapshot()
        api_root = client.base_url + "/api/v1/developer/"
    logs = "\n".join(r.getMessage() + " " + repr(r.args) for r in caplog.records)
    written = _files_under(tmp_path / "out")
    non_api = [r for r in requests if not r.url.startswith(api_root)]
    leaks = {
        "log records": key in logs,
        "reprs and exception texts": any(key in text for text in seen),
        "files written": [str(p) for p in written if key.encode() in p.read_bytes()],
        "non-API requests": [r.url for r in non_api
                             if key in r.url or key.encode() in r.body
                             or any(key in v for v in r.headers.values())],
    }
    figures.record("security", "API key exposure (one session with failures)", log_records=len(caplog.records),
                   texts_checked=len(seen), files_checked=len(written), requests=len(requests),
                   non_api_requests=len(non_api), leaks=sum(bool(v) for v in leaks.values()))
    assert caplog.records, "the SDK logs at DEBUG"
    assert non_api, "signed storage URLs were used"
    assert all(r.headers.get("x-api-key") == key for r in requests if r.url.startswith(api_root))
    assert not any(leaks.values()), leaks


def test_zip_slip_and_absolute_names_in_archives_are_refused(tmp_path: Path, figures: Figures) -> None:
    refused = 0
    for evil in ("../escaped.json", "/abs/escaped.json", "annotations/../../escaped.json"):
        archive = tmp_path / f"evil-{refused}.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            zf.writestr("annotations/ok.json", "[]")
            zf.writestr(evil, "[]")
        with pytest.raises(FormatError):
            list(read(archive, "pictograph").images)
        refused += 1
    assert not (tmp_path.parent / "escaped.json").exists() and not Path("/abs/escaped.json").exists()
    assert list(tmp_path.rglob("escaped.json")) == []
    figures.record("security", "zip-slip and absolute ZIP entries", archives=refused, refused=refused)


def test_signed_urls_cover_one_object_until_expiry(tmp_path: Path, figures: Figures) -> None:
    with MockServer(seed="demo") as server, httpx.Client(timeout=5) as http:
        key = {"X-API-Key": server.api_key}
        listing = http.get(server.api_url + "/datasets/road-scenes/download", params={"limit": 5, "mode": "images_only"},
                           headers=key).json()
        listing = listing.get("data", listing)
        items = [i for i in listing["items"] if i.get("image_url")]
        first, second = httpx.URL(items[0]["image_url"]), httpx.URL(items[1]["image_url"])
        assert http.get(first).status_code == 200
        # The signature of one object on the path of another.
        swapped = second.copy_with(query=first.query)
        assert http.get(swapped).status_code == 403
        # A PUT (upload) with a GET signature.
        assert http.put(first, content=b"x", headers={"Content-Type": "image/png"}).status_code == 403
        server.clock.advance(3601)
        assert http.get(first).status_code == 403
    figures.record("security", "signed URLs (other object, other method, expired)", attempts=3, refused=3)


def test_another_organizations_objects_are_never_visible(tmp_path: Path, figures: Figures) -> None:
    with MockServer(seed="demo") as server:
        owner = server.client()
        dataset = owner.datasets.get("road-scenes")
        image = owner.datasets.list_images("road-scenes", limit=1)[0]
        other = server.add_organization()
        outsider = server.client(api_key=other.api_key)
        assert outsider.datasets.list() == []
        probes: list[Callable[[], object]] = [lambda: outsider.datasets.get("road-scenes"), lambda: outsider.datasets.get_by_id(dataset.id),
                  lambda: outsider.images.get(image.id), lambda: outsider.images.get_bytes(image.id),
                  lambda: outsider.annotations.get(image.id),
                  lambda: outsider.annotations.get_by_path("road-scenes", image.image_path)]
        for probe in probes:
            with pytest.raises(NotFoundError):
                probe()
        exports = list(owner.exports.list(dataset_name="road-scenes"))
        assert exports
        with pytest.raises(NotFoundError):
            outsider.exports.download("road-scenes", exports[0].name, tmp_path / "never.zip")
        assert list(outsider.exports.list()) == []
        owner.close()
        outsider.close()
    assert not (tmp_path / "never.zip").exists()
    figures.record("security", "cross-organization access", probes=len(probes) + 3, visible=0)


def test_login_writes_the_config_file_with_mode_0600(tmp_path: Path, figures: Figures) -> None:
    env = {"PICTOGRAPH_CONFIG_DIR": str(tmp_path / "cfg"), "PICTOGRAPH_API_KEY": ""}
    result = CliRunner().invoke(cli_main, ["login", "--with-key-stdin", "--no-verify"],
                                input="pk_test_secret_0600\n", env=env)
    assert result.exit_code == 0, result.output
    files = _files_under(tmp_path / "cfg")
    assert files, "login wrote no config file"
    modes = {str(p): stat.S_IMODE(os.stat(p).st_mode) for p in files}
    assert all(mode == 0o600 for mode in modes.values()), modes
    assert "pk_test_secret_0600" not in result.output
    figures.record("security", "pictograph login config file", files=len(files),
                   mode=" ".join(oct(m) for m in modes.values()))
