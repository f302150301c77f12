"""``pictograph images upload|download|delete``."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path, PurePosixPath
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._output import EXIT_CODES, fail, get_output
from pictograph.cli.datasets import IMAGE_COLUMNS, confirm_or_fail

__all__ = ["IMAGE_SUFFIXES", "collect_uploads", "register"]

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".heic", ".heif"})


def _join_folder(base: str, relative: PurePosixPath) -> str:
    parts = [p for p in base.split("/") if p] + [p for p in relative.parts if p not in ("", ".")]
    return "/" + "/".join(parts)


def collect_uploads(paths: tuple[Path, ...], folder: str, recursive: bool) -> dict[str, list[Path]]:
    """Remote folder → local files.  A folder argument contributes its image files (by extension); with
    ``recursive`` its sub-folders keep their layout under ``folder``.  A file argument is taken as it is."""
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in paths:
        if path.is_dir():
            found = sorted(path.rglob("*") if recursive else path.iterdir())
            for file in found:
                if file.is_file() and file.suffix.lower() in IMAGE_SUFFIXES and not file.name.startswith("."):
                    rel = PurePosixPath(file.parent.relative_to(path).as_posix())
                    groups[_join_folder(folder, rel)].append(file)
        elif path.is_file():
            groups[_join_folder(folder, PurePosixPath("."))].append(path)
        else:
            raise FileNotFoundError(2, "no such file or folder", str(path))
    return dict(groups)


@click.group("images")
def images() -> None:
    """Upload, download and delete images."""


@images.command("upload")
@click.argument("dataset")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--folder", default="/", show_default=True, help="Dataset folder to upload into.")
@click.option("--recursive", "-r", is_flag=True, help="Include sub-folders, keeping their layout.")
@click.option("--workers", type=click.IntRange(1, 64), default=10, show_default=True)
@common_options
def upload(dataset: str, paths: tuple[Path, ...], folder: str, recursive: bool, workers: int) -> None:
    """Upload image files, or every image of a folder, to DATASET."""
    groups = collect_uploads(paths, folder, recursive)
    total = sum(len(v) for v in groups.values())
    if total == 0:
        fail("local_file", "no image files found (looked for " + ", ".join(sorted(IMAGE_SUFFIXES)) + ")")
    client = get_client()
    out = get_output()
    succeeded: list[Any] = []
    failed: list[Any] = []
    for remote_folder, files in groups.items():
        report = client.images.upload_many(dataset, files, folder_path=remote_folder, max_workers=workers,
                                           progress=out.reporter())
        succeeded.extend(report.succeeded)
        failed.extend(report.failed)
    result = {"succeeded": succeeded, "failed": failed}

    def text(_: Any) -> str:
        lines = [f"uploaded {len(succeeded)} of {total} images to {dataset}"]
        lines.extend(f"failed {_join_folder(f.directory_path or '/', PurePosixPath(f.filename))}: {f.error}"
                     for f in failed[:20])
        if len(failed) > 20:
            lines.append(f"... and {len(failed) - 20} more failures (see --json)")
        return "\n".join(lines)

    out.result(result, text=text)
    if failed:
        raise SystemExit(EXIT_CODES["partial"][0])


@images.command("list")
@click.argument("dataset")
@click.option("--status", default=None)
@click.option("--folder", "directory_path", default=None)
@click.option("--limit", type=click.IntRange(1), default=None)
@common_options
def list_images(dataset: str, status: str | None, directory_path: str | None, limit: int | None) -> None:
    """List DATASET's images (same as `pictograph datasets images`)."""
    client = get_client()
    rows = client.datasets.list_images(dataset, status=status, limit=limit, directory_path=directory_path)
    get_output().result(rows, columns=IMAGE_COLUMNS)


@images.command("download")
@click.argument("dataset")
@click.argument("image_path")
@click.option("--output", "-o", type=click.Path(dir_okay=True, path_type=Path), default=None,
              help="File or folder to write (default: the image's file name here).")
@common_options
def download(dataset: str, image_path: str, output: Path | None) -> None:
    """Download one image of DATASET by its path (e.g. train/images/a.jpg)."""
    name = PurePosixPath(image_path).name
    target = Path(name) if output is None else (output / name if output.is_dir() else output)
    client = get_client()
    written = client.images.download(dataset, image_path.strip("/"), target)
    get_output().result({"path": Path(written), "dataset": dataset, "image_path": image_path.strip("/")},
                        text=lambda r: f"wrote {r['path']}")


@images.command("delete")
@click.argument("dataset")
@click.argument("image_path", required=False)
@click.option("--id", "image_id", default=None, help="Address the image by id instead of path.")
@click.option("--permanent", is_flag=True, help="Delete for good (default: archive).")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation of --permanent.")
@common_options
def delete(dataset: str, image_path: str | None, image_id: str | None, permanent: bool, yes: bool) -> None:
    """Archive (or with --permanent delete) one image of DATASET."""
    if (image_path is None) == (image_id is None):
        fail("usage", "give either IMAGE_PATH or --id")
    if permanent:
        confirm_or_fail(yes, f"Delete {image_path or image_id} permanently?")
    client = get_client()
    if image_id is not None:
        client.images.delete(image_id, permanent=permanent)
    else:
        assert image_path is not None
        client.images.delete_by_path(dataset, image_path.strip("/"), permanent=permanent)
    what = "deleted" if permanent else "archived"
    get_output().result({"dataset": dataset, "image": image_path or image_id, "result": what},
                        text=lambda r: f"{what} {r['image']}")


def register(group: click.Group) -> None:
    """Add ``images`` to the ``pictograph`` command group."""
    group.add_command(images)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
