"""generated/ and pictograph/_sync are exactly what their generators write from the checked-in sources."""

from __future__ import annotations

import filecmp
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def test_regenerating_the_client_changes_nothing(tmp_path: Path) -> None:
    subprocess.run([str(ROOT / "scripts" / "generate"), str(tmp_path)], check=True, timeout=300)
    fresh, checked_in = _tree(tmp_path), _tree(ROOT / "generated")
    assert sorted(fresh) == sorted(checked_in)
    changed = [name for name in fresh if fresh[name] != checked_in[name]]
    assert not changed, f"generated/ is stale, run `make generate`: {changed}"
    assert not filecmp.dircmp(tmp_path, ROOT / "generated").diff_files


def test_sync_front_end_matches_the_async_source() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "unasync.py"), "--check"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr


def test_image_path_keeps_slashes_between_encoded_parts() -> None:
    from pictograph_api.api.annotations import get_annotations
    from pictograph_api.api.images import get_image_bytes_by_path

    for module in (get_annotations, get_image_bytes_by_path):
        request = module._get_kwargs("road signs/v2", "train/img 1#a.jpg")
        assert request["url"].endswith("/road%20signs%2Fv2/train/img%201%23a.jpg")


def test_generated_package_is_importable_without_the_facade() -> None:
    code = "import sys, pictograph_api.api.datasets.list_datasets; assert 'pictograph' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_every_spec_operation_has_a_generated_module() -> None:
    import importlib
    import re

    import yaml

    spec = yaml.safe_load((ROOT / "openapi.yaml").read_text(encoding="utf-8"))
    tag_packages = {"credits": "credits_"}
    count = 0
    for item in spec["paths"].values():
        for method, op in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            snake = re.sub(r"(?<!^)(?=[A-Z])", "_", op["operationId"]).lower()
            tag = tag_packages.get(op["tags"][0], op["tags"][0])
            module = importlib.import_module(f"pictograph_api.api.{tag}.{snake}")
            assert callable(module._get_kwargs) and callable(module.sync_detailed)
            count += 1
    assert count == 31
