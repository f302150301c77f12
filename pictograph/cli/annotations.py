"""``pictograph annotations get|save|delete``."""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._output import Column, fail, get_output
from pictograph.cli.datasets import confirm_or_fail

__all__ = ["annotations_from_file", "register"]

_READABLE = ("pictograph", "coco", "yolo", "pascal_voc", "cvat", "labelme", "csv", "v7", "roboflow")


def _geometry(a: Any) -> str:
    d = a.to_dict() if hasattr(a, "to_dict") else a
    if "bounding_box" in d and d.get("type") == "bbox":
        b = d["bounding_box"]
        return f"x={b['x']:g} y={b['y']:g} w={b['w']:g} h={b['h']:g}"
    if d.get("type") == "polygon":
        rings = d["polygon"]["paths"]
        holes = f", {len(rings) - 1} hole(s)" if len(rings) > 1 else ""
        return f"{len(rings[0])} points{holes}"
    if d.get("type") == "polyline":
        return f"{len(d['polyline']['path'])} points"
    if d.get("type") == "keypoint":
        k = d["keypoint"]
        inst = f" instance {d['instance_id']}" if d.get("instance_id") is not None else ""
        return f"x={k['x']:g} y={k['y']:g}{inst}"
    return "-"


ANNOTATION_COLUMNS: list[Column] = [
    ("name", "name"),
    ("type", "type"),
    ("confidence", "confidence"),
    ("geometry", _geometry),
    ("id", "id"),
]


def annotations_from_file(path: Path, format: str | None, image_name: str) -> list[dict[str, Any]]:
    """The canonical annotations of ``image_name`` in an annotation file (or folder) of any readable format.

    A file holding one image gives that image's annotations whatever its name; otherwise the image is found by
    file name (with or without folders)."""
    from pictograph.errors import FormatError
    from pictograph.formats import read
    from pictograph.render import _guess_format

    dataset = read(path, format or _guess_format(path))
    records = list(dataset.images)
    if not records:
        raise FormatError("no images in the annotation file", path=str(path))
    if len(records) == 1:
        chosen = records[0]
    else:
        wanted = PurePosixPath(image_name)
        matches = [r for r in records if r.filename == str(wanted)] or \
                  [r for r in records if PurePosixPath(r.filename).name == wanted.name]
        if not matches:
            raise FormatError(f"no annotations for image {image_name!r} among its {len(records)} images "
                              "(use --image to name the image inside the file)", path=str(path))
        if len(matches) > 1:
            raise FormatError(f"{len(matches)} images named {wanted.name!r}; use --image with the full path",
                              path=str(path))
        chosen = matches[0]
    return [a.to_dict() for a in chosen.annotations]


@click.group("annotations")
def annotations_group() -> None:
    """Read, replace and delete the annotations of an image."""


def _target(dataset: str, image_path: str | None, image_id: str | None) -> tuple[str | None, str | None]:
    if (image_path is None) == (image_id is None):
        fail("usage", "give either IMAGE_PATH or --id")
    return (image_path.strip("/") if image_path else None), image_id


@annotations_group.command("get")
@click.argument("dataset")
@click.argument("image_path", required=False)
@click.option("--id", "image_id", default=None, help="Address the image by id instead of path.")
@common_options
def get(dataset: str, image_path: str | None, image_id: str | None) -> None:
    """Show the annotations of one image of DATASET (--json prints the canonical JSON array)."""
    path, ident = _target(dataset, image_path, image_id)
    client = get_client()
    items = client.annotations.get(ident) if ident else client.annotations.get_by_path(dataset, path)
    get_output().result(items, columns=ANNOTATION_COLUMNS)


@annotations_group.command("save")
@click.argument("dataset")
@click.argument("image_path")
@click.argument("file", type=click.Path(exists=True, path_type=Path))
@click.option("--format", "format_", type=click.Choice(_READABLE), default=None,
              help="Format of FILE (detected when left out).")
@click.option("--image", "image_name", default=None,
              help="Name of the image inside FILE when it holds several (default: IMAGE_PATH's file name).")
@common_options
def save(dataset: str, image_path: str, file: Path, format_: str | None, image_name: str | None) -> None:
    """Replace the annotations of IMAGE_PATH in DATASET with those of FILE (any readable format)."""
    items = annotations_from_file(file, format_, image_name or image_path.strip("/"))
    client = get_client()
    result = client.annotations.save_by_path(dataset, image_path.strip("/"), items)
    get_output().result(result, fields=[("image", "image_id"), ("before", "previous_count"),
                                        ("after", "new_count"), ("status", "status")])


@annotations_group.command("delete")
@click.argument("dataset")
@click.argument("image_path", required=False)
@click.option("--id", "image_id", default=None)
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
@common_options
def delete(dataset: str, image_path: str | None, image_id: str | None, yes: bool) -> None:
    """Delete every annotation of one image of DATASET."""
    path, ident = _target(dataset, image_path, image_id)
    confirm_or_fail(yes, f"Delete all annotations of {path or ident}?")
    client = get_client()
    result = client.annotations.delete(ident) if ident else client.annotations.delete_by_path(dataset, path)
    get_output().result(result, fields=[("image", "image_id"), ("deleted", "deleted_count")])


def register(group: click.Group) -> None:
    """Add ``annotations`` to the ``pictograph`` command group."""
    group.add_command(annotations_group)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
