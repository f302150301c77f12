"""``pictograph convert SRC DST --from FMT --to FMT [--json]``: convert annotation formats offline."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

__all__ = ["register"]

_FORMATS = ("pictograph", "coco", "yolo", "pascal_voc", "cvat", "labelme", "csv", "v7", "roboflow")
_WRITABLE = ("pictograph", "coco", "yolo", "pascal_voc", "cvat", "labelme", "csv")


def _size(value: Any) -> float:
    """An image side from JSON: ints stay ints, anything else must be a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"image size must be a number, got {value!r}")
    return value


def _summary(report: Any) -> str:
    lines = [
        f"{report.source} ({report.from_format}) -> {report.destination} ({report.to_format})",
        f"images: {report.images_read} read, {report.images_written} written",
    ]
    types = sorted(set(report.read_counts) | set(report.written_counts))
    if types:
        lines.append("annotations (read -> written):")
        for t in types:
            lines.append(f"  {t:<10} {report.read_counts.get(t, 0):>8} -> {report.written_counts.get(t, 0):>8}")
    groups = report.summary()
    if groups:
        lines.append("skipped / lossy / normalized:")
        for g in groups:
            what = f" {g['item_type']}" if g["item_type"] else ""
            files = f" (e.g. {', '.join(g['files'])})" if g["files"] else ""
            lines.append(f"  {g['count']:>6} {g['stage']} {g['kind']}{what}: {g['reason']}{files}")
    else:
        lines.append("nothing skipped or lost")
    return "\n".join(lines)


@click.command("convert")
@click.argument("src", type=click.Path(exists=True, dir_okay=True, file_okay=True))
@click.argument("dst", type=click.Path())
@click.option("--from", "from_format", type=click.Choice(_FORMATS), default=None,
              help="Source format (detected when left out).")
@click.option("--to", "to_format", type=click.Choice(_WRITABLE), required=True, help="Destination format.")
@click.option("--task", type=click.Choice(["detect", "segment"]), default=None,
              help="YOLO only: box lines (detect, default) or polygon lines (segment).")
@click.option("--image-sizes", "image_sizes", type=click.Path(exists=True, dir_okay=False), default=None,
              help="YOLO input only: JSON file mapping image names (or stems) to [width, height].")
@click.option("--overwrite", is_flag=True, help="Replace an existing destination.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def convert_command(src: str, dst: str, from_format: str | None, to_format: str, task: str | None,
                    image_sizes: str | None, overwrite: bool, as_json: bool) -> None:
    """Convert annotations in SRC (file, folder or ZIP) to DST, printing what was skipped or lost."""
    from pictograph.errors import PictographError
    from pictograph.formats import convert

    options: dict[str, Any] = {}
    if task is not None:
        if to_format != "yolo":
            raise click.UsageError("--task applies to --to yolo only")
        options["task"] = task
    read_options: dict[str, Any] = {}
    if image_sizes is not None:
        try:
            with open(image_sizes, encoding="utf-8") as f:
                sizes = json.load(f)
            read_options["image_sizes"] = {str(k): (_size(v[0]), _size(v[1])) for k, v in sizes.items()}
        except (OSError, ValueError, TypeError, IndexError, AttributeError) as exc:
            click.echo(f"error: {image_sizes}: expected a JSON object {{name: [width, height]}} ({exc})", err=True)
            sys.exit(1)
    try:
        report = convert(src, dst, from_format=from_format, to_format=to_format, overwrite=overwrite,
                         read_options=read_options, write_options=options)
    except PictographError as exc:
        click.echo(f"error: {str(exc).replace('pass overwrite=True', 'pass --overwrite')}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(_summary(report))


def register(group: click.Group) -> None:
    """Add ``convert`` to the ``pictograph`` command group."""
    group.add_command(convert_command)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
