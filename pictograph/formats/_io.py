"""File handling shared by the format modules: untrusted names, safe ZIP input, atomic output, JSON and XML
loading with errors that name the file and the place inside it.

XML safety: files are parsed with the standard library's expat parser, which never fetches external
entities; on top of that any document that declares a DTD (``<!DOCTYPE``) or an entity (``<!ENTITY``) is
refused before parsing, so entity-expansion bombs cannot run either.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from pictograph.errors import FormatError

if TYPE_CHECKING:
    from xml.etree import ElementTree as ET

__all__ = [
    "atomic_output",
    "extract_zip",
    "image_size_from_file",
    "load_json",
    "parse_xml",
    "safe_relpath",
]

_DRIVE = re.compile(r"^[A-Za-z]:")
# Already normal names: ASCII parts of word characters, '-', '.' and ' ' joined by single '/', no part longer
# than 240 bytes, no leading '/'.  Parts '.' and '..' still match and are refused by the check below.
_PLAIN = re.compile(r"[A-Za-z0-9_. -]{1,240}(?:/[A-Za-z0-9_. -]{1,240})*", re.ASCII)


def safe_relpath(name: str, *, path: str | None = None, location: str | None = None) -> str:
    """Normalise an untrusted relative file name to ``a/b.jpg`` form; refuse absolute names, drive letters
    and ``..`` parts with :class:`FormatError` (they would point outside the destination)."""
    if type(name) is str and _PLAIN.fullmatch(name):
        parts = name.split("/")
        if "." not in parts and ".." not in parts:
            return name
    cleaned = name.replace("\\", "/")
    if not cleaned or cleaned.startswith("/") or _DRIVE.match(cleaned):
        raise FormatError(f"file name {name!r} is absolute or empty; only relative names are allowed",
                          path=path, location=location)
    parts = [p for p in cleaned.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        raise FormatError(f"file name {name!r} points outside its folder ('..' is not allowed)",
                          path=path, location=location)
    if any("\x00" in p for p in parts):
        raise FormatError(f"file name {name!r} contains a NUL character", path=path, location=location)
    if any(len(p.encode("utf-8", "surrogatepass")) > 240 for p in parts):
        raise FormatError(f"file name {name[:60]!r}… has a part longer than 240 bytes", path=path,
                          location=location)
    return "/".join(parts)


def extract_zip(zip_path: Path, dest: Path) -> None:
    """Extract a ZIP into ``dest``, refusing members whose names escape it (zip-slip) and symbolic links."""
    import zipfile  # imported when needed, like ElementTree below: converting plain files needs neither

    try:
        zf = zipfile.ZipFile(zip_path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise FormatError(f"not a readable ZIP file ({exc})", path=str(zip_path)) from None
    with zf:
        for info in zf.infolist():
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise FormatError("ZIP member is a symbolic link; refused", path=str(zip_path),
                                  location=info.filename)
            rel = safe_relpath(info.filename, path=str(zip_path), location=info.filename)
            target = dest.joinpath(*PurePosixPath(rel).parts)
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, open(target, "wb") as out:
                shutil.copyfileobj(src, out, 1 << 20)


@contextlib.contextmanager
def atomic_output(dest: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Yield a fresh staging folder next to ``dest``; on success it becomes ``dest`` in one rename.

    On any exception the staging folder is removed and ``dest`` is left exactly as it was.  An existing
    non-empty ``dest`` folder (or an existing file) is refused unless ``overwrite`` is true; it is then
    replaced only after the new output is complete.
    """
    dest = Path(dest)
    parent = dest.parent
    if dest.exists():
        busy = dest.is_file() or (dest.is_dir() and any(dest.iterdir()))
        if busy and not overwrite:
            raise FormatError("destination exists and is not empty; pass overwrite=True to replace it",
                              path=str(dest))
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".tmp", dir=parent))
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    try:
        if dest.is_dir():
            old = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".old", dir=parent))
            os.replace(dest, old / "x")
            os.replace(staging, dest)
            shutil.rmtree(old, ignore_errors=True)
        elif dest.exists():
            os.replace(dest, staging.with_suffix(".oldfile"))
            os.replace(staging, dest)
            staging.with_suffix(".oldfile").unlink()
        else:
            os.replace(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def move_file_into_place(src: Path, dest: Path, *, overwrite: bool) -> None:
    """Atomically move a finished file over ``dest`` (refused when ``dest`` exists and not ``overwrite``)."""
    if dest.exists() and not overwrite:
        raise FormatError("destination exists; pass overwrite=True to replace it", path=str(dest))
    if dest.is_dir():
        raise FormatError("destination is a folder, expected a file name", path=str(dest))
    dest.parent.mkdir(parents=True, exist_ok=True)
    os.replace(src, dest)


def load_json(path: Path, data: bytes | None = None) -> Any:
    """Parse a JSON file; malformed JSON raises :class:`FormatError` with the line and column."""
    try:
        raw = path.read_bytes() if data is None else data
    except OSError as exc:
        raise FormatError(f"cannot read the file ({exc.strerror})", path=str(path)) from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise FormatError(f"malformed JSON: {exc.msg}", path=str(path),
                          location=f"line {exc.lineno} column {exc.colno}") from None
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text ({exc.reason})", path=str(path)) from None
    except RecursionError:
        raise FormatError("JSON nested too deeply", path=str(path)) from None


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def parse_xml(path: Path) -> ET.Element:
    """Parse an XML file safely (no DTDs, no entities); errors name the line and column."""
    from xml.etree import ElementTree as ET

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FormatError(f"cannot read the file ({exc.strerror})", path=str(path)) from None
    m = _DTD.search(raw)
    if m is not None:
        line = raw.count(b"\n", 0, m.start()) + 1
        raise FormatError("XML with a DTD or entity declaration is refused (unsafe)", path=str(path),
                          location=f"line {line}")
    try:
        return ET.fromstring(raw)
    except ET.ParseError as exc:
        line, col = exc.position
        raise FormatError(f"malformed XML: {exc}", path=str(path),
                          location=f"line {line} column {col + 1}") from None
    except (LookupError, ValueError) as exc:  # an unknown encoding in the XML declaration
        raise FormatError(f"malformed XML: {exc}", path=str(path), location="line 1") from None
    except RecursionError:
        raise FormatError("XML nested too deeply", path=str(path)) from None


def image_size_from_file(path: Path) -> tuple[int, int] | None:
    """Width and height of an image file via Pillow (the optional ``images`` extra); ``None`` when Pillow is
    missing or the file is not a readable image."""
    try:
        from PIL import Image
    except ImportError:
        return None
    try:
        with Image.open(path) as im:
            w, h = im.size
            return int(w), int(h)
    except Exception:
        return None


IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp", ".gif")
