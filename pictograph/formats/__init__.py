"""Read, write and convert annotation formats offline: ``pictograph``, ``coco``, ``yolo``, ``pascal_voc``,
``cvat``, ``labelme``, ``csv`` (read and write), ``v7`` and ``roboflow`` (read only).

Everything goes through one internal representation (:class:`AnnotatedDataset` of :class:`ImageRecord` holding
typed, immutable :class:`Annotation` values in absolute pixels, polygon rings as flat coordinate tuples;
``Annotation.to_dict()`` gives the canonical JSON of docs/wire-protocol.md §4.3 and ``Annotation.from_dict()`` reads it).
Typed values rather than canonical dicts keep 100,000 annotations cheap to hold and convert.  Nothing is dropped silently: what a format cannot hold is listed in the
:class:`ConversionReport`.  Inputs may be folders, files or ZIP archives (server exports); ZIP members that
would escape the archive are refused.

Example::

    from pictograph import formats

    report = formats.convert("export.zip", "out/yolo", to_format="yolo")
    print(report.written_counts, len(report.skipped))
"""

from __future__ import annotations

import contextlib
import gc
import operator
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pictograph.errors import FormatError
from pictograph.formats._model import (
    AnnotatedDataset,
    Annotation,
    ClassInfo,
    CompactImage,
    ImageRecord,
    ImageStream,
)
from pictograph.formats._registry import FORMATS, READ_ONLY, get_format
from pictograph.formats._report import ConversionReport, Issue, Notes

__all__ = [
    "FORMATS",
    "WRITABLE_FORMATS",
    "AnnotatedDataset",
    "Annotation",
    "ClassInfo",
    "ConversionReport",
    "FormatError",
    "ImageRecord",
    "Issue",
    "convert",
    "detect_format",
    "read",
    "write",
]

WRITABLE_FORMATS: tuple[str, ...] = tuple(f for f in FORMATS if f not in READ_ONLY)


@contextlib.contextmanager
def _local_input(path: Path) -> Iterator[Path]:
    """Yield ``path`` itself, or for a ZIP a temporary folder it was safely extracted into."""
    if not path.exists():
        raise FormatError("no such file or folder", path=str(path))
    if path.is_file() and path.suffix.lower() == ".zip":
        from pictograph.formats._io import extract_zip

        tmp = Path(tempfile.mkdtemp(prefix="pictograph-formats-"))
        try:
            extract_zip(path, tmp)
            yield tmp
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    else:
        yield path


@contextlib.contextmanager
def _arithmetic_guard(path: Path) -> Iterator[None]:
    """Numbers so large that arithmetic on them overflows come from broken files: a FormatError, not a crash."""
    try:
        yield
    except OverflowError as exc:
        raise FormatError(f"a number in the input is too large to convert ({exc})", path=str(path)) from None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while converting: the data holds no reference cycles, and the
    collector's repeated scans of hundreds of thousands of fresh objects cost about a fifth of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _export_parts(local: Path) -> list[tuple[str | None, Path]] | None:
    """The layout of the server's export ZIPs: ``annotations/`` (next to ``images/``) at the top, or one
    ``<split>/annotations/`` per split.  ``None`` for any other layout."""
    if not local.is_dir():
        return None
    entries = [e for e in local.iterdir() if not e.name.startswith(".")]
    if (local / "annotations").is_dir() and all(e.name in ("annotations", "images") and e.is_dir()
                                                for e in entries):
        return [(None, local / "annotations")]
    splits = [e for e in entries if e.is_dir() and (e / "annotations").is_dir()]
    if splits and len(splits) == len(entries):
        return [(e.name, e / "annotations") for e in sorted(splits)]
    return None


def _read_local(local: Path, shown: Path, format: str | None, notes: Notes,
                options: dict[str, Any]) -> tuple[str, AnnotatedDataset]:
    """Read a file or folder; a server export with one folder per split is read split by split."""
    parts = _export_parts(local)
    if parts is None:
        name = format or _detect(local, shown)
        return name, get_format(name).read(local, notes, **options)
    name = format or _detect(parts[0][1], shown)
    module = get_format(name)
    datasets = [(split, module.read(folder, notes, **options)) for split, folder in parts]
    if len(datasets) == 1 and datasets[0][0] is None:
        return name, datasets[0][1]
    classes: list[ClassInfo] = []
    for _, ds in datasets:
        known = {c.name for c in classes}
        classes.extend(c for c in ds.classes if c.name not in known)

    def images() -> Iterator[Any]:  # ImageRecord, or CompactImage when convert() asked for rows
        for split, ds in datasets:
            for im in ds.images:
                if type(im) is CompactImage:
                    yield CompactImage(im.filename, im.width, im.height, im.rows, im.names, split, im.source)
                else:
                    yield ImageRecord(im.filename, im.width, im.height, im.annotations, split, im.source)

    return name, AnnotatedDataset(images=ImageStream(images), classes=classes, notes=notes)


def _detect(local: Path, shown: Path) -> str:
    parts = _export_parts(local)
    if parts is not None:
        local = parts[0][1]
    scores = []
    for name in FORMATS:
        score = get_format(name).detect(local)
        if score > 0:
            scores.append((score, name))
    if not scores:
        raise FormatError("cannot tell the annotation format; pass it explicitly "
                          f"(one of {', '.join(FORMATS)})", path=str(shown))
    scores.sort(key=lambda s: -s[0])
    return scores[0][1]


def detect_format(path: str | Path) -> str:
    """Guess the format of a file, folder or ZIP from its file names and the first bytes of its files.

    Example::

        detect_format("export.zip")  # -> "coco"
    """
    p = Path(path)
    with _local_input(p) as local:
        return _detect(local, p)


def read(path: str | Path, format: str | None = None, **options: Any) -> AnnotatedDataset:
    """Read annotations in ``format`` (detected when ``None``) into an :class:`AnnotatedDataset`.

    The server's export ZIPs (``annotations/`` and ``images/``, or one such pair per split folder) are read
    with ``subset`` set to the split.  Per-image formats are read lazily while ``dataset.images`` is iterated; ``dataset.notes.issues`` lists what
    was skipped or changed once iteration is done.  Format options (such as YOLO ``image_sizes``) are passed
    through.  Bad input raises :class:`FormatError` naming the file, the place in it and the reason.

    Example::

        ds = read("annotations/instances_val.json", "coco")
        for image in ds.images:
            print(image.filename, image.width, image.height, len(image.annotations))
    """
    p = Path(path)
    tmp: Path | None = None
    local = p
    if not p.exists():
        raise FormatError("no such file or folder", path=str(p))
    if p.is_file() and p.suffix.lower() == ".zip":
        from pictograph.formats._io import extract_zip

        tmp = Path(tempfile.mkdtemp(prefix="pictograph-formats-"))
        try:
            extract_zip(p, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        local = tmp
    try:
        _, dataset = _read_local(local, p, format, Notes(), options)
    except BaseException:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
        raise
    if tmp is not None:
        weakref.finalize(dataset, shutil.rmtree, tmp, True)
    return dataset


_ROW_TYPE = operator.itemgetter(2)  # of a CompactImage row


def _counted(images: Any, notes: Notes) -> Iterator[ImageRecord]:
    update = notes.read_counts.update
    kind = operator.attrgetter("type")
    for image in images:
        notes.images_read += 1
        if type(image) is CompactImage:
            update(map(_ROW_TYPE, image.rows))
        else:
            update(map(kind, image.annotations))
        yield image


def _write(dataset: AnnotatedDataset, dst: Path, to_format: str, notes: Notes, overwrite: bool,
           options: dict[str, Any]) -> None:
    from pictograph.formats._io import atomic_output, move_file_into_place

    module = get_format(to_format, for_writing=True)
    counted = AnnotatedDataset(images=ImageStream(lambda: _counted(dataset.images, notes)),
                               classes=dataset.classes, notes=notes)
    single = module.SINGLE_FILE
    if single is not None and dst.suffix.lower() == Path(single).suffix:
        if dst.exists() and not overwrite:
            raise FormatError("destination exists; pass overwrite=True to replace it", path=str(dst))
        dst.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{dst.name}.", suffix=".tmp", dir=dst.parent))
        try:
            module.write(counted, staging, notes, **options)
            move_file_into_place(staging / single, dst, overwrite=overwrite)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return
    with atomic_output(dst, overwrite=overwrite) as staging:
        module.write(counted, staging, notes, **options)


def write(dataset: AnnotatedDataset, path: str | Path, format: str, *, overwrite: bool = False,
          **options: Any) -> ConversionReport:
    """Write ``dataset`` to ``path`` in ``format`` and report what the format could not hold.

    Output is built in a temporary folder next to ``path`` and moved into place only when complete, so a
    failure leaves nothing half-written.  One-file formats (``coco``, ``cvat``, ``csv``) write ``path`` itself
    when it ends in ``.json`` / ``.xml`` / ``.csv``, else a folder holding ``annotations.*``.

    Example::

        write(AnnotatedDataset([ImageRecord("a.jpg", 4, 3, (Annotation.bbox("car", 0, 0, 2, 2),))]),
              "out", "yolo")
    """
    notes = Notes()
    reader_notes = dataset.notes if isinstance(dataset.notes, Notes) else None
    start = len(reader_notes.issues) if reader_notes is not None else 0
    dst = Path(path)
    with _gc_paused(), _arithmetic_guard(dst):
        _write(dataset, dst, format, notes, overwrite, options)
    if reader_notes is not None and reader_notes is not notes:
        # What a lazy reader noted while this write iterated it belongs to this report too.
        notes.issues[:0] = reader_notes.issues[start:]
    return ConversionReport.from_notes(notes, source="<dataset>", destination=str(dst),
                                       from_format="dataset", to_format=format)


def convert(src: str | Path, dst: str | Path, *, from_format: str | None = None, to_format: str,
            overwrite: bool = False, read_options: dict[str, Any] | None = None,
            write_options: dict[str, Any] | None = None) -> ConversionReport:
    """Convert annotations from ``src`` (file, folder or ZIP) to ``dst`` in ``to_format``.

    ``from_format`` is detected when left out.  The report counts annotations per type on both sides and
    lists every skipped item and lossy step with its reason and file.  A failed conversion writes nothing.

    Example::

        report = convert("coco.json", "voc_out", from_format="coco", to_format="pascal_voc")
    """
    source = Path(src)
    dest = Path(dst)
    writer = get_format(to_format, for_writing=True)
    if from_format is not None:
        get_format(from_format)
    # A writer that needs only the numbers of boxes and polygons takes the COCO reader's rows as they are
    # (CompactImage), which spares building an Annotation per object; every other reader ignores the option.
    takes_compact = getattr(writer, "takes_compact", None)
    compact = takes_compact is not None and takes_compact(write_options or {})
    with _local_input(source) as local, _gc_paused(), _arithmetic_guard(source):
        notes = Notes()
        opts: dict[str, Any] = {"scan_classes": False, **(read_options or {}), "compact_rows": compact}
        name, dataset = _read_local(local, source, from_format, notes, opts)
        _write(dataset, dest, to_format, notes, overwrite, dict(write_options or {}))
        # Free the data while the collector is still paused: re-enabled with it alive, the collector's first
        # pass would walk every object allocated meanwhile (~0.08 s for 100,000 annotations).
        del dataset
    return ConversionReport.from_notes(notes, source=str(source), destination=str(dest),
                                       from_format=name, to_format=to_format)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
