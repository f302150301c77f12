"""A folder of wheels made from the distributions installed in a venv, so that pip can install them offline.

Why: the install test must resolve and install the extras' requirements as a user's ``pip install`` does, but
downloading them again from the index costs tens of seconds and needs the network. Every requirement of the
package is already installed in the project venv (``make install`` puts every extra there), and an installed
distribution still lists its files (``RECORD``) and its tags (``WHEEL``): packing those files back into a
wheel gives pip the same distribution, with the same metadata to resolve against, from a local folder.
"""

from __future__ import annotations

import base64
import hashlib
import importlib.metadata as metadata
import re
import sys
import zipfile
from collections.abc import Iterable
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

# Files of an installed distribution that are about the install, not the distribution: pip writes them anew.
_INSTALL_ONLY = frozenset({"INSTALLER", "REQUESTED", "direct_url.json", "RECORD"})


def requirement_closure(root: str, extras: Iterable[str]) -> list[metadata.Distribution]:
    """The installed distributions that ``root[extras]`` needs, itself left out, each once.

    Markers are evaluated for this interpreter (as pip evaluates them), with the extra that pulled a
    requirement in, so ``uvicorn[standard]`` brings its own optional requirements too.
    """
    root_extras = frozenset(extras)
    found: dict[str, metadata.Distribution] = {}
    pending: list[tuple[str, frozenset[str]]] = [(root, root_extras)]
    seen: set[tuple[str, frozenset[str]]] = set()
    while pending:
        name, wanted = pending.pop()
        key = canonicalize_name(name)
        if (key, wanted) in seen:
            continue
        seen.add((key, wanted))
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            wanted_by = f"{root}[{','.join(sorted(root_extras))}]"
            raise RuntimeError(f"{name}, a requirement of {wanted_by}, is not installed in {sys.prefix}: "
                               "run make install (it installs every extra)") from None
        if key != canonicalize_name(root):
            found[key] = dist
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is not None and not _marker_holds(req.marker, wanted):
                continue
            pending.append((req.name, frozenset(req.extras)))
    return sorted(found.values(), key=lambda d: canonicalize_name(d.metadata["Name"]))


def _marker_holds(marker: Marker, extras: frozenset[str]) -> bool:
    return any(marker.evaluate({"extra": extra}) for extra in (extras or {""}))


def _record_hash(data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
    return f"sha256={digest}"


def _compressed_tag(tags: list[str]) -> str:
    """The file-name tag of a wheel whose WHEEL file lists ``tags`` (``py2-none-any`` and ``py3-none-any``
    become ``py2.py3-none-any``, as the original file was named)."""
    parts = [tag.split("-") for tag in tags]
    return "-".join(".".join(dict.fromkeys(part[i] for part in parts)) for i in range(3))


def repack(dist: metadata.Distribution, out_dir: Path) -> Path:
    """A wheel of ``dist`` in ``out_dir``, built from its installed files, named with its original tag."""
    info = Path(str(dist._path))  # type: ignore[attr-defined]  # the .dist-info folder of a PathDistribution
    site = info.parent
    wheel_meta = (info / "WHEEL").read_text(encoding="utf-8")
    tags = re.findall(r"^Tag:\s*(\S+)$", wheel_meta, flags=re.MULTILINE)
    if not tags:
        raise ValueError(f"{info / 'WHEEL'} names no tag: cannot repack {dist.metadata['Name']}")
    name = re.sub(r"[-_.]+", "_", dist.metadata["Name"])
    version = dist.version
    target = out_dir / f"{name}-{version}-{_compressed_tag(tags)}.whl"
    info_dir = f"{name}-{version}.dist-info"
    records: list[str] = []
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED) as wheel:
        for entry in dist.files or []:
            relative = Path(str(entry))
            # Scripts and data outside site-packages are left out: pip writes console scripts again from
            # entry_points.txt, and nothing the package needs at run time lives there.
            if ".." in relative.parts or "__pycache__" in relative.parts:
                continue
            source = site / relative
            if not source.is_file():
                continue
            if relative.parts[0] == info.name:
                if relative.name in _INSTALL_ONLY:
                    continue
                arcname = "/".join((info_dir, *relative.parts[1:]))
            else:
                arcname = relative.as_posix()
            data = source.read_bytes()
            wheel.writestr(arcname, data)
            records.append(f"{arcname},{_record_hash(data)},{len(data)}")
        records.append(f"{info_dir}/RECORD,,")
        wheel.writestr(f"{info_dir}/RECORD", "\n".join(records) + "\n")
    return target


def build(out_dir: Path, project: str, extras: Iterable[str], build_backend: str) -> list[Path]:
    """Wheels in ``out_dir`` for every installed requirement of ``project[extras]`` (the project itself left
    out: the test builds it) and for ``build_backend`` with its requirements, which pip installs into the
    isolated build environment of an sdist."""
    out_dir.mkdir(parents=True, exist_ok=True)
    dists = {canonicalize_name(d.metadata["Name"]): d for d in requirement_closure(project, extras)}
    backend = metadata.distribution(build_backend)
    dists[canonicalize_name(build_backend)] = backend
    dists.update((canonicalize_name(d.metadata["Name"]), d) for d in requirement_closure(build_backend, ()))
    return [repack(dist, out_dir) for dist in dists.values()]
