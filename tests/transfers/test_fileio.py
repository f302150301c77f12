"""Bare-descriptor file reads and writes (pictograph._fileio)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pictograph._fileio import WRITE_FLAGS, read_up_to, write_all


def test_read_up_to_reads_the_first_bytes_or_all_of_a_shorter_file(tmp_path: Path) -> None:
    path = tmp_path / "f.bin"
    data = os.urandom(70_000)
    path.write_bytes(data)
    assert read_up_to(path, 70_000) == data
    assert read_up_to(path, 1000) == data[:1000]
    assert read_up_to(path, 90_000) == data  # shorter than asked: what there is
    assert read_up_to(path, 0) == b""


def test_read_up_to_goes_on_after_a_short_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "f.bin"
    data = os.urandom(10_000)
    path.write_bytes(data)
    real_read = os.read
    monkeypatch.setattr(os, "read", lambda fd, n: real_read(fd, min(n, 999)))  # a read stops early
    assert read_up_to(path, 10_000) == data
    assert read_up_to(path, 20_000) == data


def test_write_all_writes_every_byte_even_when_a_write_takes_part(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "out.bin"
    data = os.urandom(50_000)
    real_write = os.write
    monkeypatch.setattr(os, "write", lambda fd, view: real_write(fd, view[:4096]))
    fd = os.open(path, WRITE_FLAGS, 0o644)
    try:
        write_all(fd, data)
    finally:
        os.close(fd)
    assert path.read_bytes() == data


def test_read_up_to_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        read_up_to(tmp_path / "missing.bin", 10)
