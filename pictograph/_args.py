"""Argument checks shared by every resource: they raise ``ValueError`` before anything is sent."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def is_uuid(value: str) -> bool:
    """True when ``value`` has the strict 8-4-4-4-12 hex shape the API reads as an id (docs/wire-protocol.md §2)."""
    return bool(_UUID.match(value))


def check_range(name: str, value: int, low: int, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{name} must be an integer, got {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"between {low} and {high}" if high is not None else f">= {low}"
        raise ValueError(f"{name} must be {bound}, got {value}")
    return value


def check_name(name: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{name} must be a non-empty string, got {value!r}")
    return value


def image_path_of(value: str) -> str:
    """Check an ``{image_path}`` (§1.3): parts joined by ``/``, none empty, ``.`` or ``..``."""
    check_name("image_path", value)
    parts = value.split("/")
    for part in parts:
        if part in ("", ".", ".."):
            raise ValueError(
                f"image_path {value!r} has an empty, '.' or '..' part; give the directory and filename "
                "joined by '/', e.g. 'train/images/a.jpg'"
            )
    return value


def suggestion(wanted: str, names: Iterable[str]) -> str | None:
    """The closest existing name to a missed one, when one is close enough to be a likely typo."""
    candidates = list(names)
    folded = {n.casefold(): n for n in candidates}
    if wanted.casefold() in folded:
        return folded[wanted.casefold()]
    close = difflib.get_close_matches(wanted, candidates, n=1, cutoff=0.75)
    return close[0] if close else None


def normalize_folder(value: str, name: str = "directory_path") -> str:
    """A folder argument as the API stores it: one leading ``/``, no trailing ``/``, no empty parts (§3.2)."""
    if not isinstance(value, str):
        raise ValueError(f"{name} must be a string such as '/train/images', got {value!r}")
    parts = [p for p in value.replace("\\", "/").split("/") if p]
    for part in parts:
        if part in (".", ".."):
            raise ValueError(f"{name} {value!r} must not contain '.' or '..' parts")
    return "/" + "/".join(parts)


def check_flag(name: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"{name} must be True or False, got {value!r}")
    return value


def check_optional_text(name: str, value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"{name} must be a string or None, got {value!r}")
    return value


SPLITS = ("train", "val", "test")


def check_split(value: object) -> str | None:
    """``split`` as the API takes it (``train``, ``val``, ``test`` or ``None``); ``ValueError`` otherwise."""
    if value is None or (isinstance(value, str) and value in SPLITS):
        return value
    raise ValueError(f"split must be one of {', '.join(map(repr, SPLITS))} or None, got {value!r}")


def in_folder(directory_path: str | None, folder: str | None) -> bool:
    """Whether ``directory_path`` is ``folder`` (normalized, §3.2) or one of its sub-folders, compared part by
    part (``/a`` holds ``/a/b``, not ``/ab``); every folder is in ``None`` and ``"/"``."""
    if folder is None or folder == "/":
        return True
    path = directory_path or "/"
    if not path.startswith("/") or path.endswith("/") or "//" in path or "\\" in path:
        path = normalize_folder(path)
    return path == folder or path.startswith(folder + "/")
