"""The main job of `make demo`: a tour of the SDK against a local Pictograph server with demo data.

It starts `pictograph.testing.MockServer` (two datasets drawn with Pillow, a V7 and a Roboflow source), then,
through the public SDK only: lists the datasets, downloads one, builds a YOLO export and downloads it, converts
that export back offline, imports a dataset from the V7 fixture, and prints a short summary. Point it at the
real service instead with `PICTOGRAPH_API_KEY=... python examples/demo.py --remote DATASET`.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from pictograph import Client, PictographError


def tour(client: Client, workdir: Path, dataset_name: str | None, v7_key: str | None) -> list[str]:
    summary: list[str] = []
    datasets = client.datasets.list()
    summary.append(f"datasets: {', '.join(f'{d.name} ({d.image_count} images)' for d in datasets)}")
    dataset = client.datasets.get(dataset_name or datasets[0].name)

    started = time.perf_counter()
    report = client.datasets.download(dataset.name, workdir / "download", mode="full", max_workers=8)
    summary.append(
        f"downloaded {dataset.name}: {report.images_downloaded} images, {report.annotations_downloaded} "
        f"annotation files, {len(report.failures)} failures in {time.perf_counter() - started:.1f} s"
    )

    name = f"demo-yolo-{int(time.time())}"
    export = client.exports.create(dataset.name, name, format="yolo", include_images=False, timeout=120)
    zip_path = client.exports.download(dataset.name, export.name, workdir / f"{name}.zip")
    with zipfile.ZipFile(zip_path) as archive:
        members = archive.namelist()
    summary.append(f"export {export.name}: {export.status}, {zip_path.stat().st_size} bytes, {len(members)} files")

    from pictograph import formats

    extracted = workdir / "yolo"
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(extracted)
    conversion = formats.convert(extracted, workdir / "coco", from_format="yolo", to_format="coco")
    counts = ", ".join(f"{n} {kind}" for kind, n in sorted(conversion.written_counts.items()))
    summary.append(
        f"converted the YOLO export to COCO offline: {conversion.images_written} images, {counts or 'no annotations'}"
        f", {sum(issue.count for issue in conversion.skipped)} items skipped"
    )

    if v7_key:
        check = client.connectors.validate("v7", v7_key)
        if check.valid and check.datasets:
            job = client.connectors.import_("v7", v7_key, check.datasets[:1], poll_interval=0.2, timeout=120)
            progress = ", ".join(f"{d.dataset_name}: {d.images_imported}/{d.total_images}" for d in job.datasets)
            summary.append(f"imported from V7 ({check.workspace}): {job.status}, {progress}")
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--remote", metavar="DATASET", help="use the configured real service and this dataset")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pictograph-demo-") as tmp:
        try:
            if args.remote:
                with Client() as client:
                    lines = tour(client, Path(tmp), args.remote, None)
            else:
                from pictograph.testing import MockServer

                with MockServer(seed="demo") as server, server.client() as client:
                    print(f"local Pictograph server at {server.url}")
                    lines = tour(client, Path(tmp), "road-scenes", "v7_demo_key")
        except PictographError as exc:
            print(f"demo failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 1
    print("\n".join(f"- {line}" for line in lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
