"""The members of a ZIP read front to back, one at a time, in constant memory.

Why not :class:`zipfile.ZipFile` alone: it reads the whole central directory first, one ``ZipInfo`` per member.
An export with the images of a 100,000-image dataset holds 200,000 members (each image and its annotation
file), about 110 MB of ``ZipInfo`` before the first byte is read, which alone would break the mirror's memory
bound. Members are therefore read by their local headers, in file order; an archive this cannot read that way
(sizes only after the data, an encrypted member, a compression other than stored or deflate) falls back to
``zipfile``, which handles everything, at its memory cost.
"""

from __future__ import annotations

import functools
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Protocol

_LOCAL = b"PK\x03\x04"
_HEADER = struct.Struct("<4sHHHHHIIIHH")  # signature, version, flags, method, time, date, crc, sizes, lengths
_ZIP64 = 0x0001
_CHUNK = 256 * 1024

class Readable(Protocol):
    def read(self, n: int = -1, /) -> bytes: ...


#: ``read(name, size, open)``: ``size`` is the member's uncompressed size, ``open()`` a stream of its bytes.
Reader = Callable[[str, int, Callable[[], Readable]], None]


class _Unstreamable(Exception):
    """The archive needs its central directory (``zipfile`` reads it instead)."""


class _Member:
    """The uncompressed bytes of one member, checked against its size and CRC-32 at the end."""

    def __init__(self, fh: IO[bytes], method: int, compressed: int, size: int, crc: int) -> None:
        self._fh, self._left, self._size, self._crc = fh, compressed, size, crc
        self._inflate = zlib.decompressobj(-15) if method == zipfile.ZIP_DEFLATED else None
        self._buffer = b""
        self._seen = 0
        self._running = 0

    def read(self, n: int = -1, /) -> bytes:
        out = bytearray()
        while n < 0 or len(out) < n:
            if not self._buffer:
                if self._left == 0 and (self._inflate is None or self._inflate.eof):
                    break
                raw = self._fh.read(min(_CHUNK, self._left)) if self._left else b""
                self._left -= len(raw)
                if self._left and not raw:
                    raise zipfile.BadZipFile("the archive ends inside a member")
                self._buffer = self._inflate.decompress(raw) if self._inflate is not None else raw
                if self._inflate is not None and not self._left:
                    self._buffer += self._inflate.flush()
                if not self._buffer and not self._left:
                    break
            take = self._buffer if n < 0 else self._buffer[: n - len(out)]
            self._buffer = self._buffer[len(take):]
            out += take
        self._seen += len(out)
        self._running = zlib.crc32(out, self._running)
        if not out and (self._seen != self._size or self._running != self._crc):
            raise zipfile.BadZipFile(f"a member is damaged ({self._seen} of {self._size} bytes, or a bad CRC)")
        return bytes(out)

    def drain(self) -> None:
        while self.read(_CHUNK):
            pass



def _same(member: Readable) -> Readable:
    return member


def _members(fh: IO[bytes]) -> Iterator[tuple[str, int, _Member]]:
    while True:
        head = fh.read(_HEADER.size)
        if len(head) < _HEADER.size or head[:4] != _LOCAL:
            return  # the central directory (or the end): every member was seen
        _sig, _version, flags, method, _t, _d, crc, compressed, size, name_len, extra_len = _HEADER.unpack(head)
        name_bytes, extra = fh.read(name_len), fh.read(extra_len)
        if flags & 0x09 or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Unstreamable()  # encrypted, sizes after the data, or another compression
        if 0xFFFFFFFF in (compressed, size):
            compressed, size = _zip64_sizes(extra, compressed, size)
        name = name_bytes.decode("utf-8" if flags & 0x800 else "cp437")
        member = _Member(fh, method, compressed, size, crc)
        yield name, size, member
        member.drain()  # whatever the reader left, so the next header is next


def _zip64_sizes(extra: bytes, compressed: int, size: int) -> tuple[int, int]:
    at = 0
    while at + 4 <= len(extra):
        kind, length = struct.unpack_from("<HH", extra, at)
        if kind == _ZIP64:
            values = list(struct.unpack_from(f"<{length // 8}Q", extra, at + 4))
            if size == 0xFFFFFFFF:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF:
                compressed = values.pop(0)
            return compressed, size
        at += 4 + length
    raise _Unstreamable()


def read_members(archive: Path, read: Reader) -> None:
    """Hand every member of ``archive`` to ``read(name, size, open)``, in file order, in constant memory when
    the archive allows (see the module docstring). ``zipfile.BadZipFile`` for a damaged archive."""
    done = 0
    try:
        with open(archive, "rb") as fh:
            for name, size, member in _members(fh):
                if not name.endswith("/"):
                    read(name, size, functools.partial(_same, member))
                done += 1
        return
    except _Unstreamable:
        pass
    with zipfile.ZipFile(archive) as zf:
        for info in zf.infolist()[done:]:
            if not info.is_dir():
                read(info.filename, info.file_size, functools.partial(zf.open, info))
