"""Draw the annotations of a dataset image, and a contact sheet of the dataset, as PNG files.

Usage: python examples/preview.py [DATASET]
"""

from __future__ import annotations

import sys

from pictograph import Client
from pictograph.render import contact_sheet, render


def main(dataset: str = "road-scenes") -> None:
    with Client() as client:
        first = client.datasets.list_images(dataset, limit=1)[0]
        image = render(first.image_path, client=client, dataset=dataset, output="preview.png")
        sheet = contact_sheet(client, dataset, count=9, columns=3, tile=160, output="contact-sheet.png")
    print(f"preview.png ({image.width}x{image.height}) and contact-sheet.png ({sheet.width}x{sheet.height})")


if __name__ == "__main__":
    main(*sys.argv[1:2])
