"""``pictograph login``/``logout``/``config``: the config file, its mode, precedence, the key never printed."""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

from pictograph.cli._config import config_dir, resolve

from .conftest import Cli


def test_login_writes_a_private_config_file_and_never_echoes_the_key(cli: Cli) -> None:
    key = cli.server.api_key
    result = cli("login", "--with-key-stdin", "--base-url", cli.server.url, input=key + "\n",
                 env={"PICTOGRAPH_API_KEY": None, "PICTOGRAPH_BASE_URL": None})
    assert result.exit_code == 0, result.output
    path = cli.config_dir / "config.toml"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert tomllib.loads(path.read_text())["default"] == {"api_key": key, "base_url": cli.server.url}
    assert key not in result.output
    assert "Demo Organization" in result.stdout


def test_commands_use_the_config_file_when_nothing_else_is_set(cli: Cli) -> None:
    cli("login", "--with-key-stdin", "--base-url", cli.server.url, input=cli.server.api_key + "\n")
    rows = cli.json("datasets", "list", env={"PICTOGRAPH_API_KEY": None, "PICTOGRAPH_BASE_URL": None})
    assert "road-scenes" in [r["name"] for r in rows]


def test_login_with_a_wrong_key_fails_and_writes_nothing(cli: Cli) -> None:
    result = cli("login", "--with-key-stdin", "--base-url", cli.server.url, input="pk_live_bad_key_123\n")
    assert result.exit_code == 4
    assert not (cli.config_dir / "config.toml").exists()
    assert "pk_live_bad_key_123" not in result.output


def test_environment_wins_over_the_config_file_and_flags_win_over_both(cli: Cli, tmp_path: Path) -> None:
    cli("login", "--with-key-stdin", "--no-verify", "--base-url", "http://127.0.0.1:9", input="pk_file\n")
    env = {"PICTOGRAPH_CONFIG_DIR": str(cli.config_dir), "PICTOGRAPH_API_KEY": "pk_env",
           "PICTOGRAPH_BASE_URL": ""}
    settings = resolve({}, environ=env)
    assert settings.kwargs == {"base_url": "http://127.0.0.1:9"}  # the key is left for the SDK to read
    assert settings.sources["api_key"].startswith("environment")
    assert settings.sources["base_url"].startswith("config file")
    flagged = resolve({"api_key": "pk_flag"}, environ=env)
    assert flagged.kwargs["api_key"] == "pk_flag" and flagged.sources["api_key"] == "flag"


def test_config_show_names_sources_but_not_the_key(cli: Cli) -> None:
    data = cli.json("config")
    rows = {r["setting"]: r for r in data["settings"]}
    assert rows["api_key"]["value"] == "(set)"
    assert rows["api_key"]["source"] == "environment (PICTOGRAPH_API_KEY)"
    result = cli("config")
    assert cli.server.api_key not in result.output


def test_config_dir_honours_pictograph_config_dir_then_xdg(tmp_path: Path) -> None:
    assert config_dir({"PICTOGRAPH_CONFIG_DIR": str(tmp_path / "a"), "XDG_CONFIG_HOME": "/x"}) == tmp_path / "a"
    assert config_dir({"XDG_CONFIG_HOME": str(tmp_path)}) == tmp_path / "pictograph"
    assert config_dir({}) == Path(os.path.expanduser("~")) / ".config" / "pictograph"


def test_logout_removes_the_profile(cli: Cli) -> None:
    cli("login", "--with-key-stdin", "--no-verify", "--profile", "work", input="pk_work\n")
    assert cli.json("logout", "--profile", "work")["removed"] is True
    assert "work" not in tomllib.loads((cli.config_dir / "config.toml").read_text())


def test_broken_config_file_is_a_configuration_error(cli: Cli) -> None:
    cli.config_dir.mkdir(parents=True)
    (cli.config_dir / "config.toml").write_text("[default\napi_key = ")
    result = cli("datasets", "list", env={"PICTOGRAPH_API_KEY": None})
    assert result.exit_code == 3
