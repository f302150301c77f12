"""``pictograph exports create|list|get|wait|download|delete``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._output import Column, get_output
from pictograph.cli.datasets import confirm_or_fail

__all__ = ["register"]

_FORMATS = ("pictograph", "coco", "yolo", "cvat", "pascal_voc", "labelme", "csv")

EXPORT_COLUMNS: list[Column] = [
    ("dataset", "dataset_name"),
    ("name", "name"),
    ("format", "format"),
    ("status", "status"),
    ("images", "image_count"),
    ("annotations", "annotation_count"),
    ("created", "created_at"),
]

EXPORT_FIELDS: list[tuple[str, Any]] = [
    ("dataset", "dataset_name"), ("name", "name"), ("format", "format"), ("status", "status"),
    ("include images", "include_images"), ("classes", "class_filter"), ("status filter", "status_filter"),
    ("images", "image_count"), ("annotations", "annotation_count"), ("size (bytes)", "file_size"),
    ("error", "error_message"), ("created", "created_at"), ("expires", "expires_at"), ("id", "id"),
]


def _timeout_options(f: Any) -> Any:
    f = click.option("--timeout", "wait_timeout", type=click.FloatRange(min=0, min_open=True), default=600.0,
                     show_default=True, help="Seconds to wait for the build.")(f)
    f = click.option("--poll-interval", type=click.FloatRange(min=0, min_open=True), default=2.0,
                     show_default=True, help="Seconds between status checks.")(f)
    return f


@click.group("exports")
def exports() -> None:
    """Build, list, wait for, download and delete dataset exports."""


@exports.command("create")
@click.argument("dataset")
@click.argument("name")
@click.option("--format", "format_", default="pictograph", show_default=True,
              help="One of " + ", ".join(_FORMATS) + " (others the server offers pass through).")
@click.option("--no-images", is_flag=True, help="Annotations only, no image files in the ZIP.")
@click.option("--class", "class_filter", multiple=True, help="Keep only this class (repeat for several).")
@click.option("--status", "status_filter", default="complete", show_default=True,
              help="Image status to include: all, complete, in_progress, new.")
@click.option("--by-split", is_flag=True, help="Put images in train/, valid/, test/ folders.")
@click.option("--no-wait", is_flag=True, help="Return at once instead of waiting for the build.")
@_timeout_options
@common_options
def create(dataset: str, name: str, format_: str, no_images: bool, class_filter: tuple[str, ...],
           status_filter: str, by_split: bool, no_wait: bool, poll_interval: float, wait_timeout: float) -> None:
    """Build an export called NAME of DATASET (waits until it is ready unless --no-wait)."""
    client = get_client()
    out = get_output()
    if not no_wait:
        out.note(f"building export {name!r} of {dataset!r}...")
    export = client.exports.create(dataset, name, format=format_, include_images=not no_images,
                                   class_filter=list(class_filter) or None, status_filter=status_filter,
                                   wait=not no_wait, poll_interval=poll_interval, timeout=wait_timeout,
                                   organize_by_split=by_split)
    out.result(export, fields=EXPORT_FIELDS)


@exports.command("list")
@click.option("--dataset", "dataset_name", default=None, help="Only exports of this dataset.")
@click.option("--status", default=None, help="Only exports with this status.")
@click.option("--limit", type=click.IntRange(1), default=None, help="At most this many (default: all).")
@common_options
def list_exports(dataset_name: str | None, status: str | None, limit: int | None) -> None:
    """List exports (every page)."""
    client = get_client()
    rows = list(client.exports.iter(page_size=min(limit or 100, 1000), max_total=limit,
                                    dataset_name=dataset_name, status=status))
    get_output().result(rows, columns=EXPORT_COLUMNS)


@exports.command("get")
@click.argument("dataset")
@click.argument("name")
@common_options
def get(dataset: str, name: str) -> None:
    """Show export NAME of DATASET."""
    get_output().result(get_client().exports.get(dataset, name), fields=EXPORT_FIELDS)


@exports.command("wait")
@click.argument("dataset")
@click.argument("name")
@_timeout_options
@common_options
def wait(dataset: str, name: str, poll_interval: float, wait_timeout: float) -> None:
    """Wait until export NAME of DATASET is built (exit code 13 when the wait times out)."""
    export = get_client().exports.wait_for_completion(dataset, name, poll_interval=poll_interval,
                                                      timeout=wait_timeout)
    get_output().result(export, fields=EXPORT_FIELDS)


@exports.command("download")
@click.argument("dataset")
@click.argument("name")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None,
              help="ZIP file or folder to write (default: NAME.zip here).")
@common_options
def download(dataset: str, name: str, output: Path | None) -> None:
    """Download the ZIP of export NAME of DATASET (it must be built: see `exports wait`)."""
    target = Path(f"{name}.zip") if output is None else (output / f"{name}.zip" if output.is_dir() else output)
    out = get_output()
    written = get_client().exports.download(dataset, name, target, progress=out.reporter())
    path = Path(written)
    out.result({"path": path, "bytes": path.stat().st_size if path.exists() else None},
               text=lambda r: f"wrote {r['path']} ({r['bytes']} bytes)")


@exports.command("delete")
@click.argument("dataset")
@click.argument("name")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
def delete(dataset: str, name: str, yes: bool) -> None:
    """Delete export NAME of DATASET and its ZIP."""
    confirm_or_fail(yes, f"Delete export {name!r} of {dataset!r}?")
    get_client().exports.delete(dataset, name)
    get_output().result({"dataset": dataset, "name": name, "deleted": True},
                        text=lambda r: f"deleted export {name}")


def register(group: click.Group) -> None:
    """Add ``exports`` to the ``pictograph`` command group."""
    group.add_command(exports)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
