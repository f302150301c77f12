"""Small helpers shared by the format modules."""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from pictograph._fileio import WRITE_FLAGS, write_all
from pictograph.errors import FormatError
from pictograph.formats._model import ClassInfo

__all__ = ["ClassOrder", "is_number", "label_stem", "num", "number", "text_value"]


class ClassOrder:
    """Class name → 0-based index in the dataset's class order; unseen names are appended (first-seen order)."""

    def __init__(self, classes: Iterable[ClassInfo]) -> None:
        self.infos: list[ClassInfo] = []
        self._index: dict[str, int] = {}
        for c in classes:
            if c.name not in self._index:
                self._index[c.name] = len(self.infos)
                self.infos.append(c)

    def index(self, name: str) -> int:
        i = self._index.get(name)
        if i is None:
            i = self._index[name] = len(self.infos)
            self.infos.append(ClassInfo(name))
        return i

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.infos]


MAX_INT = 2**53  # larger integers are not exact as floats and only come from broken files


def is_number(value: Any) -> bool:
    """A finite int (within ±2**53) or float, not a boolean."""
    t = type(value)
    if t is int:
        return -MAX_INT <= value <= MAX_INT  # type: ignore[no-any-return]
    if t is float:
        return math.isfinite(value)
    return False


def number(value: Any, *, path: str, location: str, what: str = "value") -> float:
    """``value`` as a finite number, accepting numeric strings (XML, CSV); else FormatError."""
    if is_number(value):
        return value  # type: ignore[no-any-return]
    if isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            f = math.nan
        if math.isfinite(f):
            return int(f) if f.is_integer() and "." not in value and "e" not in value.lower() else f
    raise FormatError(f"{what} must be a finite number, got {value!r}", path=path, location=location)


def num(v: float) -> float:
    """An integral float as an int (``3.0`` → ``3``) so written files stay tidy; other values unchanged."""
    if type(v) is float and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def text_value(value: Any, *, path: str, location: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FormatError(f"{what} must be a non-blank string, got {value!r}", path=path, location=location)
    return value


def label_stem(filename: str) -> str:
    """``a/b.jpg`` → ``a/b`` (the image's relative path without its suffix)."""
    if "//" in filename or "/./" in filename or filename.startswith(("./", "/")) or filename.endswith(("/", "/.")):
        p = PurePosixPath(filename)  # not normalised yet: let pathlib tidy it
        return str(p.with_suffix("")) if p.suffix else str(p)
    dot = filename.rfind(".")
    # pathlib's rule: the last part's suffix starts at its last '.', which is neither its first nor last char
    if dot > filename.rfind("/") + 1 and dot < len(filename) - 1:
        return filename[:dot]
    return filename


def out_path(root: Path, rel: str) -> Path:
    target = root.joinpath(*PurePosixPath(rel).parts)
    target.parent.mkdir(parents=True, exist_ok=True)
    return target


class OutDir:
    """Writes files below a staging folder, creating each sub-folder once (cheap for thousands of files)."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self._made = {""}  # sub-folders made, relative to the root ("" is the root itself)
        self._posix = os.sep == "/"

    def write(self, rel: str, data: str) -> None:
        folder = rel.rpartition("/")[0]
        if folder not in self._made:
            os.makedirs(os.path.join(self.root, *folder.split("/")), exist_ok=True)
            self._made.add(folder)
        path = self.root + "/" + rel if self._posix else os.path.join(self.root, *rel.split("/"))
        raw = data.encode("utf-8")
        fd = os.open(path, WRITE_FLAGS, 0o666)
        try:
            done = os.write(fd, raw)  # all of it, but for a signal or a full disk
            if done < len(raw):
                write_all(fd, raw[done:])
        finally:
            os.close(fd)
