"""Members of a ZIP read front to back in constant memory (pictograph._transfers._zipstream)."""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pictograph._transfers._zipstream import Readable, read_members


def _write(path: Path, members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> None:
    with zipfile.ZipFile(path, "w", method) as zf:
        zf.writestr("folder/", b"")
        for name, data in members.items():
            zf.writestr(name, data)


def _read_all(path: Path, *, partly: bool = False) -> dict[str, bytes]:
    got: dict[str, bytes] = {}

    def read(name: str, size: int, open_member: Callable[[], Readable]) -> None:
        stream = open_member()
        data = stream.read(7) if partly else stream.read()
        if not partly:
            assert len(data) == size
        got[name] = data

    read_members(path, read)
    return got


MEMBERS = {"a/b.jpg": os.urandom(300_000), "a/b.jpg.json": b'{"annotations": []}', "straße/ü.png": b"x" * 5,
           "empty": b""}


@pytest.mark.parametrize("method", [zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED])
def test_every_member_is_read_with_its_bytes_and_size(tmp_path: Path, method: int) -> None:
    _write(tmp_path / "x.zip", MEMBERS, method)
    assert _read_all(tmp_path / "x.zip") == MEMBERS


def test_a_reader_that_reads_part_of_a_member_does_not_derail_the_next(tmp_path: Path) -> None:
    _write(tmp_path / "x.zip", MEMBERS)
    assert _read_all(tmp_path / "x.zip", partly=True) == {k: v[:7] for k, v in MEMBERS.items()}


def test_zip64_members_are_read(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "x.zip", "w", zipfile.ZIP_DEFLATED) as zf, \
            zf.open("big.bin", "w", force_zip64=True) as out:
        out.write(b"z" * 100_000)
    assert _read_all(tmp_path / "x.zip") == {"big.bin": b"z" * 100_000}


def test_an_archive_with_sizes_after_the_data_is_read_through_zipfile(tmp_path: Path) -> None:
    buffer = io.BytesIO()

    class Unseekable(io.RawIOBase):  # zipfile then writes data descriptors (flag bit 3)
        def writable(self) -> bool:
            return True

        def write(self, b: object) -> int:
            return buffer.write(b)  # type: ignore[arg-type]

    with zipfile.ZipFile(Unseekable(), "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in MEMBERS.items():
            zf.writestr(name, data)
    (tmp_path / "x.zip").write_bytes(buffer.getvalue())
    assert _read_all(tmp_path / "x.zip") == MEMBERS


def test_a_damaged_member_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path / "x.zip", {"a.bin": b"abc" * 1000}, zipfile.ZIP_STORED)
    data = bytearray((tmp_path / "x.zip").read_bytes())
    at = data.index(b"abcabc")
    data[at] ^= 0xFF
    (tmp_path / "x.zip").write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile, match="damaged"):
        _read_all(tmp_path / "x.zip")
