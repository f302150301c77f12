"""Width and height of an image file as viewers show it (EXIF orientation applied), for upload registration.

A small header reader comes first: it knows JPEG, PNG, GIF, BMP and WebP, and answers alone whenever the file
leaves no doubt (a JPEG with at most one EXIF block and no XMP, a PNG without metadata chunks, a WebP without
EXIF or XMP, a BMP). It reads a few kilobytes and takes about ten microseconds. Anything else (TIFF, HEIC, a
JPEG whose orientation could also come from XMP, a damaged header) goes to Pillow when it is installed
(``pip install 'pictograph[images]'``), which then decides as it always would: the answers are the same, only
Pillow's import (about 20 ms, paid inside the first upload) and its per-file cost are saved for the common files.
Without Pillow the header reader's best reading is used, and when it cannot tell, the size is left out and the
server measures the image itself (docs/wire-protocol.md §3.3).
"""

from __future__ import annotations

import io
import logging
import struct
from pathlib import Path
from typing import BinaryIO

logger = logging.getLogger("pictograph")

_HEADER_BYTES = 64 * 1024
_JPEG_LIMIT = 4 * 1024 * 1024
# EXIF orientations 5 to 8 rotate the picture by 90 or 270 degrees: width and height swap.
_SWAPPING = frozenset({5, 6, 7, 8})
_XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
# PNG chunks Pillow reads EXIF or XMP from (``eXIf``, and text chunks holding a raw EXIF profile or XMP).
_PNG_METADATA = frozenset({b"eXIf", b"tEXt", b"zTXt", b"iTXt"})

# Chunks walked in a PNG before leaving it to Pillow (a usual file has a few dozen at most).
_PNG_CHUNKS = 256

Size = tuple[int, int]


def measure(path: Path, data: bytes | None = None) -> Size | None:
    """``(width, height)`` after EXIF orientation, or ``None`` when the file's size cannot be read.

    ``data``: the file's content when the caller already holds it (an upload reads a small file once, for both
    its size and its PUT); the header is then read from it instead of the file."""
    size, sure = read_header(path) if data is None else read_header_of(io.BytesIO(data))
    if sure:
        return size
    try:
        from PIL import Image as _PilImage  # noqa: F401
    except ImportError:
        return size
    return _measure_pillow(path)


def _measure_pillow(path: Path) -> Size | None:
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


def measure_header(path: Path) -> Size | None:
    """The header reader's best reading (what is used without Pillow)."""
    return read_header(path)[0]


def read_header(path: Path) -> tuple[Size | None, bool]:
    """The size the header shows and whether that is certain (Pillow would read exactly the same)."""
    try:
        with open(path, "rb") as fh:
            return read_header_of(fh)
    except OSError:
        return None, False


def read_header_of(fh: BinaryIO) -> tuple[Size | None, bool]:
    """:func:`read_header` for an open file (at its start)."""
    try:
        head = fh.read(_HEADER_BYTES)
        if head[:2] == b"\xff\xd8":
            return _jpeg(fh, head)
        if head[:8] == b"\x89PNG\r\n\x1a\n":
            return _png(fh, head)
        return _simple(head)
    except (OSError, struct.error, IndexError):
        return None, False


def _png(fh: BinaryIO, head: bytes) -> tuple[Size | None, bool]:
    if head[12:16] != b"IHDR":
        return None, False
    width, height = struct.unpack(">II", head[16:24])
    # Walk the chunk list to the end (lengths only, no data read): EXIF or XMP anywhere would be Pillow's to read.
    pos = 8
    for _ in range(_PNG_CHUNKS):
        fh.seek(pos)
        header = fh.read(8)
        if len(header) < 8:
            return (width, height), False  # no IEND: a cut file, let Pillow judge it
        length, kind = struct.unpack(">I4s", header)
        if kind in _PNG_METADATA:
            return (width, height), False
        if kind == b"IEND":
            return (width, height), True
        pos += 12 + length
    return (width, height), False  # very many chunks: cheaper for Pillow to judge


def _simple(head: bytes) -> tuple[Size | None, bool]:
    if head[:6] in (b"GIF87a", b"GIF89a"):
        w, h = struct.unpack("<HH", head[6:10])
        return (w, h), False  # an XMP application block could carry an orientation
    if head[:2] == b"BM" and len(head) >= 26:
        header_size = struct.unpack("<I", head[14:18])[0]
        if header_size == 12:
            w, h = struct.unpack("<HH", head[18:22])
            return (w, h), True
        w, h = struct.unpack("<ii", head[18:26])
        return (abs(w), abs(h)), header_size >= 40 and w > 0 and h != 0
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        chunk = head[12:16]
        if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
            w, h = struct.unpack("<HH", head[26:30])
            return (w & 0x3FFF, h & 0x3FFF), True
        if chunk == b"VP8L" and head[20:21] == b"\x2f":
            bits = int.from_bytes(head[21:25], "little")
            return ((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1), True
        if chunk == b"VP8X":
            w = int.from_bytes(head[24:27], "little") + 1
            h = int.from_bytes(head[27:30], "little") + 1
            metadata = head[20] & 0x0C  # the EXIF and XMP flags
            return (w, h), not metadata
    return None, False


def _jpeg(fh: BinaryIO, head: bytes) -> tuple[Size | None, bool]:
    """Walk the JPEG segments up to the start of scan (as Pillow does): the first frame header gives the size,
    an EXIF block the orientation. Certain only with at most one EXIF block, no XMP and no MPO index."""
    data = head
    pos = 2
    size: Size | None = None
    orientation: int | None = None
    exif_blocks = 0
    doubt = False
    while True:
        while pos + 4 > len(data) or pos + 4 + struct.unpack(">H", data[pos + 2:pos + 4])[0] > len(data):
            more = fh.read(_HEADER_BYTES) if len(data) < _JPEG_LIMIT else b""
            if not more:
                return _oriented(size, orientation), False
            data += more
        if data[pos] != 0xFF:
            return _oriented(size, orientation), False
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        segment = data[pos + 4:pos + 2 + length]
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            if size is None:
                if len(segment) < 5:
                    return None, False
                h, w = struct.unpack(">HH", segment[1:5])
                size = (w, h)
        elif marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            exif_blocks += 1
            if exif_blocks == 1:
                orientation, clean = _exif_orientation(segment[6:])
                doubt = doubt or not clean
        elif marker == 0xE1 and segment.startswith(_XMP_APP1):
            doubt = True
        elif marker == 0xE2 and segment.startswith(b"MPF\x00"):
            doubt = True  # a multi-picture file: Pillow reads it as MPO
        elif marker == 0xDA:  # start of scan: the header is over
            sure = size is not None and exif_blocks <= 1 and not doubt
            return _oriented(size, orientation), sure
        pos += 2 + length


def _oriented(size: Size | None, orientation: int | None) -> Size | None:
    if size is not None and orientation in _SWAPPING:
        return size[1], size[0]
    return size


def _exif_orientation(tiff: bytes) -> tuple[int | None, bool]:
    """The orientation tag of the first IFD and whether the block was read without doubt."""
    try:
        order = tiff[:2]
        if order == b"II":
            endian = "<"
        elif order == b"MM":
            endian = ">"
        else:
            return None, False
        ifd = struct.unpack(endian + "I", tiff[4:8])[0]
        count = struct.unpack(endian + "H", tiff[ifd:ifd + 2])[0]
        if ifd + 2 + 12 * count > len(tiff):
            return None, False
        for i in range(count):
            entry = ifd + 2 + 12 * i
            tag, kind, n = struct.unpack(endian + "HHI", tiff[entry:entry + 8])
            if tag == 0x0112:
                if kind == 3 and n == 1:
                    value: int = struct.unpack(endian + "H", tiff[entry + 8:entry + 10])[0]
                    return value, True
                return None, False
    except struct.error:
        return None, False
    return None, True
