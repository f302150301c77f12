"""scripts/unasync.py keeps pictograph/_sync generated only: every file there is the rewrite of an async module."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_under_test", ROOT / "scripts" / "unasync.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def unasync(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """The script, pointed at a scratch async package and its sync twin under ``tmp_path``."""
    module = _script()
    (tmp_path / "_async").mkdir()
    (tmp_path / "_async" / "_thing.py").write_text(
        "from pictograph._async._client import AsyncClient\n\n\nasync def get(c: AsyncClient) -> None:\n"
        "    await c.aclose()\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "SOURCE", tmp_path / "_async")
    monkeypatch.setattr(module, "TARGET", tmp_path / "_sync")
    return module


def test_the_rewrite_writes_each_async_module_with_the_generated_header(unasync: ModuleType, tmp_path: Path) -> None:
    assert unasync.main([]) == 0
    text = (tmp_path / "_sync" / "_thing.py").read_text(encoding="utf-8")
    assert text.startswith(unasync.HEADER)
    assert "from pictograph._sync._client import Client" in text and "def get(c: Client) -> None:\n    c.close()" in text
    assert unasync.main(["--check"]) == 0


def test_a_sync_file_with_no_async_original_fails_the_check_and_the_rewrite_removes_it(
    unasync: ModuleType, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert unasync.main([]) == 0
    extra = tmp_path / "_sync" / "_hand_written.py"
    extra.write_text('"""A sync twin written by hand."""\n', encoding="utf-8")
    assert unasync.main(["--check"]) == 1
    assert "_sync/_hand_written.py" in capsys.readouterr().err
    assert unasync.main([]) == 0
    assert not extra.exists()
    assert unasync.main(["--check"]) == 0


def test_a_hand_edited_sync_file_fails_the_check(unasync: ModuleType, tmp_path: Path) -> None:
    assert unasync.main([]) == 0
    target = tmp_path / "_sync" / "_thing.py"
    target.write_text(target.read_text(encoding="utf-8") + "# a local fix\n", encoding="utf-8")
    assert unasync.main(["--check"]) == 1


def test_every_checked_in_sync_module_carries_the_generated_header() -> None:
    header = _script().HEADER
    files = sorted((ROOT / "pictograph" / "_sync").rglob("*.py"))
    assert files
    assert [str(p.relative_to(ROOT)) for p in files if not p.read_text(encoding="utf-8").startswith(header)] == []
