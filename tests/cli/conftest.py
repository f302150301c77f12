"""Fixtures for the command-line tests: one local server per module, a runner with its settings."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from pictograph.cli import main
from pictograph.testing import MockServer


class Cli:
    """Runs ``pictograph ...`` in-process against the local server, with a private config folder."""

    def __init__(self, server: MockServer, config_dir: Path) -> None:
        self.server = server
        self.config_dir = config_dir
        self.env = {
            "PICTOGRAPH_API_KEY": server.api_key,
            "PICTOGRAPH_BASE_URL": server.url,
            "PICTOGRAPH_CONFIG_DIR": str(config_dir),
            "PICTOGRAPH_MAX_RETRIES": "0",
            "PICTOGRAPH_PROFILE": "",
            "PICTOGRAPH_SOURCE_KEY": "",
        }

    def __call__(self, *args: str, input: str | None = None, env: dict[str, str | None] | None = None) -> Result:
        runner = CliRunner()
        merged: dict[str, str | None] = {**self.env, **(env or {})}
        return runner.invoke(main, list(args), input=input, env=merged, catch_exceptions=False,
                             prog_name="pictograph")

    def json(self, *args: str, env: dict[str, str | None] | None = None, code: int = 0) -> Any:
        """Run with ``--json``, check the exit code and parse stdout."""
        result = self(*args, "--json", env=env)
        assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
        return json.loads(result.stdout)


def error_of(result: Result) -> dict[str, Any]:
    """The one JSON error line a ``--json`` run printed on stderr."""
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    payload = json.loads(lines[0])["error"]
    assert isinstance(payload, dict)
    return payload


def one_line(result: Result) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    return lines[0]


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(seed="demo") as srv:
        yield srv


@pytest.fixture()
def cli(server: MockServer, tmp_path: Path) -> Cli:
    return Cli(server, tmp_path / "config")


def names(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [r["name"] for r in rows]
