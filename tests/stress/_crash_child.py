"""The client process of the crash-and-resume suites: one dataset download, one folder upload or one
``datasets.sync``.

Usage::

    python tests/stress/_crash_child.py download URL KEY DATASET OUTPUT_DIR
    python tests/stress/_crash_child.py upload URL KEY DATASET FOLDER_PATH FILE...
    python tests/stress/_crash_child.py sync URL KEY DATASET OUTPUT_DIR

It prints ``start`` (flushed) just before the transfer begins, so the parent can kill it at a chosen moment
of the transfer itself, and one JSON line with the outcome when it finishes.
"""

from __future__ import annotations

import json
import sys

from pictograph import Client


def main(argv: list[str]) -> int:
    mode, url, key, dataset = argv[:4]
    with Client(api_key=key, base_url=url, timeout=10, max_retries=2) as client:
        print("start", flush=True)
        if mode == "download":
            report = client.datasets.download(dataset, argv[4], max_workers=4)
            print(json.dumps({"downloaded": report.images_downloaded + report.annotations_downloaded,
                              "skipped": report.images_skipped + report.annotations_skipped,
                              "failures": [f.error for f in report.failures]}), flush=True)
        elif mode == "sync":
            sync = client.datasets.sync(dataset, argv[4], max_workers=4)
            print(json.dumps({"added": sync.added, "updated": sync.updated, "deleted": sync.deleted,
                              "kept": sync.kept, "unchanged": sync.unchanged, "ok": sync.ok,
                              "failures": [f"{f.filename}: {f.error}" for f in sync.failures]}), flush=True)
        else:
            upload = client.images.upload_many(dataset, argv[5:], folder_path=argv[4], max_workers=4)
            print(json.dumps({"succeeded": len(upload.succeeded),
                              "failures": [f.error for f in upload.failed]}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
