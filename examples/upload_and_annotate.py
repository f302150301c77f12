"""Create a dataset, upload a folder of images, save a box on each and build a COCO export.

Usage: python examples/upload_and_annotate.py [IMAGE_FOLDER]   (without a folder, a few images are drawn)
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from pictograph import Client, ConflictError, create_bbox


def _sample_images(folder: Path) -> list[Path]:
    from PIL import Image, ImageDraw

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(3):
        im = Image.new("RGB", (160, 120), (230, 230, 230))
        ImageDraw.Draw(im).rectangle([20 + 10 * i, 30, 80 + 10 * i, 90], fill=(200, 40, 40))
        path = folder / f"sample_{i}.png"
        im.save(path)
        paths.append(path)
    return paths


def main(folder: str | None = None) -> None:
    files = sorted(Path(folder).glob("*.[jp][pn]g")) if folder else _sample_images(Path(tempfile.mkdtemp()))
    with Client() as client:
        with contextlib.suppress(ConflictError):  # already there from an earlier run
            client.datasets.create("example-uploads", annotation_types=["bbox"], classes=[{"name": "object"}])
        report = client.images.upload_many("example-uploads", files, folder_path="/batch")
        print(f"uploaded {len(report.succeeded)}, failed {len(report.failed)}")
        result = client.annotations.save_bulk({
            image.id: [create_bbox(None, "object", [10, 10, (image.width or 20) // 2, (image.height or 20) // 2])]
            for image in report.succeeded
        })
        print(f"annotated {len(result.saved)} images")
        export = client.exports.create("example-uploads", "example-coco", format="coco", status_filter="all")
        path = client.exports.download("example-uploads", export.name, "example-coco.zip")
        print(f"export {export.name}: {export.annotation_count} annotations in {path}")
        client.exports.delete("example-uploads", export.name)


if __name__ == "__main__":
    main(*sys.argv[1:2])
