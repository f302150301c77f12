"""Width and height of an image file as viewers show it (EXIF orientation applied), for upload registration.

Pillow is used when installed (``pip install 'pictograph[images]'``); otherwise a small header reader knows
JPEG (with its EXIF orientation), PNG, GIF, BMP and WebP. When neither can tell, the size is left out and the
server measures the image itself (API reference §3.3).
"""

from __future__ import annotations

import logging
import struct
from pathlib import Path
from typing import BinaryIO

logger = logging.getLogger("pictograph")

_HEADER_BYTES = 64 * 1024
_JPEG_LIMIT = 4 * 1024 * 1024
# EXIF orientations 5 to 8 rotate the picture by 90 or 270 degrees: width and height swap.
_SWAPPING = frozenset({5, 6, 7, 8})


def measure(path: Path) -> tuple[int, int] | None:
    """``(width, height)`` after EXIF orientation, or ``None`` when the file's size cannot be read."""
    try:
        from PIL import Image as _PilImage  # noqa: F401
    except ImportError:
        return measure_header(path)
    return _measure_pillow(path)


def _measure_pillow(path: Path) -> tuple[int, int] | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:  # lazy: reads the header, not the pixels
            width, height = im.size
            try:
                orientation = im.getexif().get(0x0112)
            except Exception:  # a broken EXIF block must not stop an upload
                orientation = None
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return measure_header(path)
    if orientation in _SWAPPING:
        width, height = height, width
    return int(width), int(height)


def measure_header(path: Path) -> tuple[int, int] | None:
    """The header reader used without Pillow."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(_HEADER_BYTES)
            if head[:2] == b"\xff\xd8":
                return _jpeg(fh, head)
            return _simple(head)
    except (OSError, struct.error, IndexError):
        return None


def _simple(head: bytes) -> tuple[int, int] | None:
    if head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR":
        w, h = struct.unpack(">II", head[16:24])
        return w, h
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", head[6:10])
        return w, h
    if head[:2] == b"BM" and len(head) >= 26:
        header_size = struct.unpack("<I", head[14:18])[0]
        if header_size == 12:
            w, h = struct.unpack("<HH", head[18:22])
            return w, h
        w, h = struct.unpack("<ii", head[18:26])
        return abs(w), abs(h)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        chunk = head[12:16]
        if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
            w, h = struct.unpack("<HH", head[26:30])
            return w & 0x3FFF, h & 0x3FFF
        if chunk == b"VP8L" and head[20:21] == b"\x2f":
            bits = int.from_bytes(head[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
        if chunk == b"VP8X":
            w = int.from_bytes(head[24:27], "little") + 1
            h = int.from_bytes(head[27:30], "little") + 1
            return w, h
    return None


def _jpeg(fh: BinaryIO, head: bytes) -> tuple[int, int] | None:
    """Walk the JPEG segments up to the first start-of-frame, noting the EXIF orientation on the way."""
    data = head
    pos = 2
    orientation: int | None = None
    while True:
        while pos + 4 > len(data) or pos + 4 + struct.unpack(">H", data[pos + 2:pos + 4])[0] > len(data):
            more = fh.read(_HEADER_BYTES) if len(data) < _JPEG_LIMIT else b""
            if not more:
                return None
            data += more
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if pos + 9 > len(data):
                return None
            h, w = struct.unpack(">HH", data[pos + 5:pos + 9])
            if orientation in _SWAPPING:
                w, h = h, w
            return w, h
        if marker == 0xE1 and data[pos + 4:pos + 10] == b"Exif\x00\x00":
            orientation = _exif_orientation(data[pos + 10:pos + 2 + length])
        if marker == 0xDA:  # start of scan before any frame header: give up
            return None
        pos += 2 + length


def _exif_orientation(tiff: bytes) -> int | None:
    try:
        order = tiff[:2]
        if order == b"II":
            endian = "<"
        elif order == b"MM":
            endian = ">"
        else:
            return None
        ifd = struct.unpack(endian + "I", tiff[4:8])[0]
        count = struct.unpack(endian + "H", tiff[ifd:ifd + 2])[0]
        for i in range(count):
            entry = ifd + 2 + 12 * i
            tag, kind = struct.unpack(endian + "HH", tiff[entry:entry + 4])
            if tag == 0x0112 and kind == 3:
                value: int = struct.unpack(endian + "H", tiff[entry + 8:entry + 10])[0]
                return value
    except struct.error:
        return None
    return None
