"""List the datasets of your organization, look at one, and download it.

Run against the local server:  pictograph mock-server  (then export the printed URL and key), or set
PICTOGRAPH_API_KEY for the real service.  Usage: python examples/quickstart.py [DATASET] [OUTPUT_DIR]
"""

from __future__ import annotations

import sys

from pictograph import Client


def main(dataset: str = "road-scenes", output_dir: str = "downloads") -> None:
    with Client() as client:
        for d in client.datasets.iter():
            print(f"{d.name:<20} {d.image_count:>6} images  classes: {', '.join(c.name for c in d.classes)}")
        report = client.datasets.download(dataset, f"{output_dir}/{dataset}", show_progress=True)
    print(f"downloaded {report.images_downloaded} images and {report.annotations_downloaded} annotation files "
          f"to {report.output_dir}")
    for failure in report.failures:
        print("failed:", failure.kind, failure.filename, failure.error, file=sys.stderr)


if __name__ == "__main__":
    main(*sys.argv[1:3])
