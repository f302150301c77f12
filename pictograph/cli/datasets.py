"""``pictograph datasets list|get|create|update|delete|download|sync|images``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._output import EXIT_CODES, Column, fail, get_output

__all__ = ["register"]

DATASET_COLUMNS: list[Column] = [
    ("name", "name"),
    ("images", "image_count"),
    ("complete", "completed_image_count"),
    ("classes", lambda d: len(d.classes)),
    ("types", "annotation_types"),
    ("id", "id"),
]

IMAGE_COLUMNS: list[Column] = [
    ("path", lambda i: "/" + i.image_path),
    ("status", "status"),
    ("split", "split"),
    ("size", lambda i: f"{i.width}x{i.height}" if i.width and i.height else None),
    ("annotations", "annotation_count"),
    ("id", "id"),
]

_ANNOTATION_TYPES = ("bbox", "box", "polygon", "polyline", "keypoint")


def _dataset_text(d: Any) -> str:
    from pictograph.cli._output import format_fields, format_table

    head = format_fields([
        ("name", d.name), ("id", d.id), ("description", d.description),
        ("annotation types", d.annotation_types),
        ("images", f"{d.image_count} ({d.completed_image_count} complete, {d.archived_image_count} archived)"),
        ("size", _size(d.total_size)), ("storage class", d.storage_class), ("created", d.created_at),
    ])
    parts = [head]
    if d.classes:
        parts.append("")
        parts.append(format_table(d.classes, [("class", "name"), ("type", "type"), ("color", "color"),
                                              ("attributes", lambda c: [a.name for a in c.attributes or []])]))
    if d.images:
        parts.append("")
        parts.append(format_table(d.images, IMAGE_COLUMNS))
    return "\n".join(parts)


def _size(n: int | None) -> str:
    if n is None:
        return "-"
    value = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{n} B"  # pragma: no cover


def _parse_classes(values: tuple[str, ...], classes_file: Path | None) -> list[dict[str, Any]] | None:
    """``--class car`` / ``--class car:#ff0000`` / ``--class car:#ff0000:bbox``, or a JSON file of classes."""
    if classes_file is not None:
        try:
            data = json.loads(classes_file.read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            fail("invalid", f"{classes_file}: not JSON ({exc.msg} at line {exc.lineno})")
        if not isinstance(data, list):
            fail("invalid", f"{classes_file}: expected a JSON array of classes")
        return data
    if not values:
        return None
    out: list[dict[str, Any]] = []
    for value in values:
        name, _, rest = value.partition(":")
        if not name.strip():
            fail("invalid", f"--class {value!r}: the class name is empty")
        entry: dict[str, Any] = {"name": name}
        colour, _, kind = rest.partition(":")
        if colour:
            entry["color"] = colour
        if kind:
            entry["type"] = kind
        out.append(entry)
    return out


def _readme(value: str | None) -> str | None:
    """``--readme @FILE`` reads a file; anything else is the text itself."""
    if value is not None and value.startswith("@"):
        return Path(value[1:]).read_text(encoding="utf-8")
    return value


def confirm_or_fail(yes: bool, question: str) -> None:
    """Ask on a terminal; elsewhere require ``--yes`` (a script must say it means it)."""
    if yes:
        return
    if not sys.stdin.isatty():
        fail("usage", f"{question.rstrip('?')}: pass --yes to confirm when not on a terminal")
    if not click.confirm(question, default=False, err=True):
        fail("usage", "cancelled")


@click.group("datasets")
def datasets() -> None:
    """List, inspect, create, change, delete and download datasets."""


@datasets.command("list")
@click.option("--limit", type=click.IntRange(1), default=None, help="Show at most this many (default: all).")
@common_options
def list_datasets(limit: int | None) -> None:
    """List the organization's datasets (every page)."""
    client = get_client()
    rows = list(client.datasets.iter(page_size=min(limit or 100, 1000), max_total=limit))
    get_output().result(rows, columns=DATASET_COLUMNS)


@datasets.command("get")
@click.argument("dataset")
@click.option("--images", "include_images", is_flag=True, help="Also list images (one page).")
@click.option("--images-limit", type=click.IntRange(1, 10000), default=100, show_default=True)
@click.option("--images-offset", type=click.IntRange(0), default=0)
@common_options
def get_dataset(dataset: str, include_images: bool, images_limit: int, images_offset: int) -> None:
    """Show DATASET (a name or a UUID): counts, classes and their colours."""
    client = get_client()
    d = client.datasets.get(dataset, include_images=include_images, images_limit=images_limit,
                            images_offset=images_offset)
    get_output().result(d, text=_dataset_text)


def _type_option(f: Any) -> Any:
    return click.option("--type", "annotation_types", multiple=True, type=click.Choice(_ANNOTATION_TYPES),
                        help="Annotation type of the dataset (repeat for several).")(f)


@datasets.command("create")
@click.argument("name")
@click.option("--description", default=None)
@click.option("--readme", default=None, help="Markdown text, or @FILE to read it from a file.")
@_type_option
@click.option("--class", "classes", multiple=True, metavar="NAME[:#COLOR[:TYPE]]",
              help="A class (repeat for several).")
@click.option("--classes-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="JSON array of classes ({name, color?, type?, attributes?, skeleton?}).")
@common_options
def create_dataset(name: str, description: str | None, readme: str | None, annotation_types: tuple[str, ...],
                   classes: tuple[str, ...], classes_file: Path | None) -> None:
    """Create a dataset called NAME."""
    client = get_client()
    d = client.datasets.create(name, description=description, readme=_readme(readme),
                               annotation_types=list(annotation_types) or None,
                               classes=_parse_classes(classes, classes_file))
    get_output().result(d, text=_dataset_text)


@datasets.command("update")
@click.argument("dataset")
@click.option("--new-name", default=None, help="Rename the dataset.")
@click.option("--description", default=None)
@click.option("--readme", default=None, help="Markdown text, or @FILE to read it from a file.")
@_type_option
@click.option("--class", "classes", multiple=True, metavar="NAME[:#COLOR[:TYPE]]",
              help="Replace the class list with these (repeat for several).")
@click.option("--classes-file", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None)
@common_options
def update_dataset(dataset: str, new_name: str | None, description: str | None, readme: str | None,
                   annotation_types: tuple[str, ...], classes: tuple[str, ...], classes_file: Path | None) -> None:
    """Change DATASET: rename it, its description, readme, annotation types or classes."""
    parsed = _parse_classes(classes, classes_file)
    if not any(v for v in (new_name, description, readme, annotation_types, parsed)):
        fail("usage", "nothing to change: give --new-name, --description, --readme, --type or --class")
    client = get_client()
    d = client.datasets.update(dataset, new_name=new_name, description=description, readme=_readme(readme),
                               annotation_types=list(annotation_types) or None, classes=parsed)
    get_output().result(d, text=_dataset_text)


@datasets.command("delete")
@click.argument("dataset")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
def delete_dataset(dataset: str, yes: bool) -> None:
    """Delete DATASET with all its images and annotations (permanent)."""
    confirm_or_fail(yes, f"Delete dataset {dataset!r} with all its images and annotations?")
    client = get_client()
    summary = client.datasets.delete(dataset)
    get_output().result(summary, fields=[("deleted", lambda s: s.name or dataset),
                                         ("images deleted", "images_deleted"),
                                         ("directories deleted", "directories_deleted")])


def _transfer_arguments(f: Any) -> Any:
    """DATASET OUTPUT_DIR and what to take of the dataset: the arguments download and sync share."""
    f = click.option("--folder", default=None, help="Only images in this folder and its sub-folders (e.g. /train).")(f)
    f = click.option("--split", type=click.Choice(["train", "val", "test"]), default=None,
                     help="Only images of this split.")(f)
    f = click.option("--status", "status_filter", default=None,
                     help="Only images with this status (e.g. complete).")(f)
    f = click.option("--mode", type=click.Choice(["full", "images_only", "annotations_only"]), default="full",
                     show_default=True)(f)
    f = click.argument("output_dir", type=click.Path(file_okay=False, path_type=Path))(f)
    return click.argument("dataset")(f)


def _failure_lines(failures: list[Any]) -> list[str]:
    lines = [f"failed {f.kind} {f.filename}: {f.error}" for f in failures[:20]]
    if len(failures) > 20:
        lines.append(f"... and {len(failures) - 20} more failures (see --json)")
    return lines


@datasets.command("download")
@_transfer_arguments
@click.option("--workers", type=click.IntRange(1, 64), default=10, show_default=True)
@common_options
def download_dataset(dataset: str, output_dir: Path, mode: str, status_filter: str | None, split: str | None,
                     folder: str | None, workers: int) -> None:
    """Download DATASET's images and annotations (<file>.json) into OUTPUT_DIR, whatever its size."""
    client = get_client()
    out = get_output()
    report = client.datasets.download(dataset, output_dir, mode=mode, status_filter=status_filter,
                                      max_workers=workers, progress=out.reporter(), split=split, folder=folder)
    if report.stopped:
        out.warn(report.stopped)
    failures = list(report.failures)

    def text(r: Any) -> str:
        lines = [f"{r.images_downloaded} images and {r.annotations_downloaded} annotation files in "
                 f"{r.output_dir}"]
        skipped = getattr(r, "images_skipped", 0) + getattr(r, "annotations_skipped", 0)
        if skipped:
            lines[0] += f" ({skipped} files already complete, skipped)"
        return "\n".join(lines + _failure_lines(failures))

    out.result(report, text=text)
    if failures or report.truncated:
        raise SystemExit(EXIT_CODES["partial"][0])


@datasets.command("sync")
@_transfer_arguments
@click.option("--no-delete", is_flag=True, help="Keep the files of images that are gone from the dataset.")
@click.option("--refresh-annotations", is_flag=True,
              help="Compare every annotation file with the server's (finds edits the images list cannot show).")
@click.option("--workers", type=click.IntRange(1, 64), default=10, show_default=True)
@common_options
def sync_dataset(dataset: str, output_dir: Path, mode: str, status_filter: str | None, split: str | None,
                 folder: str | None, no_delete: bool, refresh_annotations: bool, workers: int) -> None:
    """Make OUTPUT_DIR an exact copy of DATASET: fetch what is new or changed, remove what is gone.

    Only files this command wrote are ever removed; files of your own in OUTPUT_DIR are left alone.
    """
    client = get_client()
    out = get_output()
    report = client.datasets.sync(dataset, output_dir, mode=mode, status_filter=status_filter, split=split,
                                  folder=folder, delete=not no_delete, max_workers=workers,
                                  progress=out.reporter(), refresh_annotations=refresh_annotations)
    if report.stopped:
        out.warn(report.stopped)
    if report.note:
        out.warn(report.note)
    failures = list(report.failures)

    def text(r: Any) -> str:
        lines = [f"{r.output_dir}: {len(r.added)} added, {len(r.updated)} updated, {len(r.deleted)} deleted, "
                 f"{r.unchanged} unchanged ({r.api_requests} API requests)"]
        if r.kept:
            lines.append(f"{len(r.kept)} files of images no longer in the dataset were kept: this command did "
                         f"not write them, or they were changed since")
        return "\n".join(lines + _failure_lines(failures))

    out.result(report, text=text)
    if failures or report.remaining:
        raise SystemExit(EXIT_CODES["partial"][0])


@datasets.command("images")
@click.argument("dataset")
@click.option("--status", default=None, help="Only images with this status (new, annotate, review, complete).")
@click.option("--folder", "directory_path", default=None, help="Only images in this folder (e.g. /train).")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many (default: all).")
@click.option("--offset", type=click.IntRange(0), default=0)
@common_options
def dataset_images(dataset: str, status: str | None, directory_path: str | None, limit: int | None,
                   offset: int) -> None:
    """List DATASET's images, newest first."""
    client = get_client()
    images = client.datasets.list_images(dataset, status=status, limit=limit, offset=offset,
                                         directory_path=directory_path)
    get_output().result(images, columns=IMAGE_COLUMNS)


def register(group: click.Group) -> None:
    """Add ``datasets`` to the ``pictograph`` command group."""
    group.add_command(datasets)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
