"""Image sizes for upload registration: the header reader answers alone only when Pillow would say the same."""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from pictograph._imaging import _measure_pillow, measure, read_header

PIL = pytest.importorskip("PIL.Image")
PngImagePlugin = pytest.importorskip("PIL.PngImagePlugin")

_XMP_TEMPLATE = (
    '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
    '<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Orientation="{}"/></rdf:RDF></x:xmpmeta>'
)


def _write(path: Path, fmt: str, size: tuple[int, int], exif_orientation: int | None,
           xmp_orientation: int | None, exif_text: bool) -> None:
    im = PIL.new("RGB", size, (10, 200, 30))
    options: dict[str, object] = {}
    if exif_orientation is not None:
        exif = im.getexif()
        exif[0x0112] = exif_orientation
        options["exif"] = exif
    xmp = _XMP_TEMPLATE.format(xmp_orientation).encode() if xmp_orientation is not None else None
    if fmt == "PNG":
        info = PngImagePlugin.PngInfo()
        if xmp is not None:
            info.add_itxt("XML:com.adobe.xmp", xmp.decode())
        if exif_text:
            info.add_text("Comment", "made by a test")
        options["pnginfo"] = info
    elif xmp is not None and fmt in ("JPEG", "WEBP"):
        options["xmp"] = xmp
    if fmt == "BMP":
        options.pop("exif", None)
    im.save(path, format=fmt, **options)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "BMP", "GIF"])
@pytest.mark.parametrize("exif_orientation", [None, 1, 3, 6, 8])
@pytest.mark.parametrize("xmp_orientation", [None, 5])
@pytest.mark.parametrize("exif_text", [False, True])
def test_measure_agrees_with_pillow(tmp_path: Path, fmt: str, exif_orientation: int | None,
                                    xmp_orientation: int | None, exif_text: bool) -> None:
    for size in ((37, 20), (1, 300)):
        path = tmp_path / f"probe.{fmt.lower()}"
        _write(path, fmt, size, exif_orientation if fmt != "GIF" else None, xmp_orientation, exif_text)
        expected = _measure_pillow(path)
        assert expected is not None
        assert measure(path) == expected
        assert measure(path, path.read_bytes()) == expected  # from the content an upload already read
        found, sure = read_header(path)
        if sure:
            assert found == expected
        plain = exif_orientation is None and xmp_orientation is None and not exif_text
        if (fmt in ("JPEG", "BMP") and xmp_orientation is None) or (fmt in ("PNG", "WEBP") and plain):
            assert sure, f"a {fmt} without doubt should not need Pillow"


def _jpeg(*segments: bytes, width: int = 40, height: int = 30) -> bytes:
    sof = b"\x08" + struct.pack(">HH", height, width) + b"\x03" + b"\x01\x11\x00\x02\x11\x00\x03\x11\x00"
    body = b"".join(segments)
    frame = b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof
    sos = b"\xff\xda" + struct.pack(">H", 8) + b"\x01\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + body + frame + sos + b"\x00" * 16 + b"\xff\xd9"


def _app1(payload: bytes) -> bytes:
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def _exif(orientation: int, kind: int = 3) -> bytes:
    value = struct.pack("<HH", orientation, 0) if kind == 3 else struct.pack("<I", orientation)
    ifd = struct.pack("<H", 1) + struct.pack("<HHI", 0x0112, kind, 1) + value + b"\0\0\0\0"
    return b"Exif\x00\x00" + b"II*\x00" + struct.pack("<I", 8) + ifd


def test_jpeg_header_cases(tmp_path: Path) -> None:
    cases = {
        "plain": (_jpeg(), (40, 30), True),
        "rotated": (_jpeg(_app1(_exif(6))), (30, 40), True),
        "upright": (_jpeg(_app1(_exif(1))), (40, 30), True),
        # An orientation stored as LONG, two EXIF blocks, an XMP block: Pillow decides.
        "long": (_jpeg(_app1(_exif(6, kind=4))), None, False),
        "two exif": (_jpeg(_app1(_exif(6)), _app1(_exif(1))), None, False),
        "xmp": (_jpeg(_app1(b"http://ns.adobe.com/xap/1.0/\x00" + _XMP_TEMPLATE.format(6).encode())), None, False),
    }
    for name, (data, expected, sure) in cases.items():
        path = tmp_path / f"{name}.jpg"
        path.write_bytes(data)
        found, certain = read_header(path)
        assert certain is sure, name
        if expected is not None:
            assert found == expected, name
        assert measure(path) == _measure_pillow(path), name


def test_cut_or_foreign_files_are_left_to_pillow(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    PIL.new("RGB", (9, 4)).save(buffer, format="PNG")
    cut = tmp_path / "cut.png"
    cut.write_bytes(buffer.getvalue()[:40])  # IHDR is there, IEND is not
    assert read_header(cut) == ((9, 4), False)
    tiff = tmp_path / "a.tiff"
    PIL.new("RGB", (12, 7)).save(tiff)
    assert read_header(tiff) == (None, False)
    assert measure(tiff) == (12, 7)
    mpo = tmp_path / "pair.mpo"  # a multi-picture JPEG (stereo cameras): Pillow reads it as MPO
    PIL.new("RGB", (16, 8)).save(mpo, format="MPO", save_all=True, append_images=[PIL.new("RGB", (16, 8))])
    assert read_header(mpo) == ((16, 8), False)
    assert measure(mpo) == (16, 8)
    (tmp_path / "junk.jpg").write_bytes(b"\xff\xd8 not really")
    assert measure(tmp_path / "junk.jpg") is None


def test_common_files_are_measured_without_importing_pillow(tmp_path: Path) -> None:
    PIL.new("RGB", (33, 22)).save(tmp_path / "a.jpg")
    PIL.new("RGB", (5, 6)).save(tmp_path / "b.png")
    script = (
        "import sys; from pathlib import Path; from pictograph._imaging import measure; "
        f"print(measure(Path({str(tmp_path / 'a.jpg')!r})), measure(Path({str(tmp_path / 'b.png')!r})), "
        "'PIL' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["(33,", "22)", "(5,", "6)", "False"]
