"""``pictograph render``: draw annotations onto an image (local files or a dataset image) or a contact sheet."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._output import fail, get_output

__all__ = ["register"]

_READABLE = ("pictograph", "coco", "yolo", "pascal_voc", "cvat", "labelme", "csv", "v7", "roboflow")


@click.command("render")
@click.argument("image", required=False)
@click.argument("annotations", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), required=True,
              help="PNG file to write.")
@click.option("--dataset", default=None,
              help="Render from the server: IMAGE is a path in this dataset (or, with --sheet, no IMAGE).")
@click.option("--sheet", "sheet", type=click.IntRange(1, 400), default=None, metavar="N",
              help="Contact sheet of the first N images of --dataset.")
@click.option("--columns", type=click.IntRange(1, 50), default=None, help="Contact sheet columns.")
@click.option("--tile", type=click.IntRange(16, 2048), default=256, show_default=True,
              help="Contact sheet cell size in pixels.")
@click.option("--status", default=None, help="Contact sheet: only images with this status.")
@click.option("--format", "format_", type=click.Choice(_READABLE), default=None,
              help="Format of ANNOTATIONS (detected when left out).")
@click.option("--image-name", default=None, help="Image to pick inside ANNOTATIONS when it holds several.")
@click.option("--line-width", type=click.IntRange(1, 50), default=None)
@click.option("--no-labels", is_flag=True, help="Do not write class names.")
@common_options
def render_command(image: str | None, annotations: Path | None, output: Path, dataset: str | None,
                   sheet: int | None, columns: int | None, tile: int, status: str | None, format_: str | None,
                   image_name: str | None, line_width: int | None, no_labels: bool) -> None:
    """Draw annotations onto an image and write a PNG.

    \b
    Local files:      pictograph render photo.jpg photo.jpg.json -o preview.png
    A dataset image:  pictograph render --dataset road-scenes train/images/scene_000.jpg -o scene.png
    Contact sheet:    pictograph render --dataset road-scenes --sheet 16 -o sheet.png
    """
    previews: Any = importlib.import_module("pictograph.render")

    if sheet is not None:
        if dataset is None or image is not None:
            fail("usage", "--sheet needs --dataset and no IMAGE")
        assert dataset is not None
        result = previews.contact_sheet(get_client(), dataset, count=sheet, columns=columns, tile=tile,
                                        status=status, labels=not no_labels, output=output)
    elif dataset is not None:
        if image is None or annotations is not None:
            fail("usage", "with --dataset give the image's path in the dataset, and no ANNOTATIONS file")
        assert image is not None
        result = previews.render(image, client=get_client(), dataset=dataset, line_width=line_width,
                                 labels=not no_labels, output=output)
    else:
        if image is None:
            fail("usage", "give IMAGE (and an ANNOTATIONS file), or --dataset")
        assert image is not None
        if not Path(image).is_file():
            fail("local_file", f"{image}: no such image file")
        result = previews.render(Path(image), annotations, format=format_, image_name=image_name,
                                 line_width=line_width, labels=not no_labels, output=output)
    get_output().result({"path": output, "width": result.width, "height": result.height},
                        text=lambda r: f"wrote {r['path']} ({r['width']}x{r['height']})")


def register(group: click.Group) -> None:
    """Add ``render`` to the ``pictograph`` command group."""
    group.add_command(render_command)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
