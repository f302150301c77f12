"""Settings of the command line: command-line flags, then the environment, then the config file.

The config file is written by ``pictograph login``.  Its folder is ``$PICTOGRAPH_CONFIG_DIR`` when set, else
``$XDG_CONFIG_HOME/pictograph``, else ``~/.config/pictograph``; the file is ``config.toml``, created with mode
0600 (its folder 0700), one table per profile::

    [default]
    api_key = "pk_live_..."
    base_url = "https://api.pictograph.io"

``--profile`` / ``PICTOGRAPH_PROFILE`` choose a table other than ``default``.  The key is never printed: the CLI
shows only where it came from.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs

from pictograph.errors import ConfigurationError

__all__ = [
    "CONFIG_FILE",
    "SETTINGS",
    "CliSettings",
    "config_dir",
    "config_path",
    "load_profile",
    "remove_profile",
    "resolve",
    "save_profile",
]

CONFIG_FILE = "config.toml"
ENV_CONFIG_DIR = "PICTOGRAPH_CONFIG_DIR"
ENV_PROFILE = "PICTOGRAPH_PROFILE"
DEFAULT_PROFILE = "default"

# setting -> environment variable read by the SDK (docs/wire-protocol.md §1.1)
SETTINGS: dict[str, str] = {
    "api_key": "PICTOGRAPH_API_KEY",
    "base_url": "PICTOGRAPH_BASE_URL",
    "timeout": "PICTOGRAPH_TIMEOUT",
    "max_retries": "PICTOGRAPH_MAX_RETRIES",
}


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The folder holding ``config.toml``."""
    env = os.environ if environ is None else environ
    explicit = env.get(ENV_CONFIG_DIR, "").strip()
    if explicit:
        return Path(explicit).expanduser()
    xdg = env.get("XDG_CONFIG_HOME", "").strip()
    if xdg:
        return Path(xdg).expanduser() / "pictograph"
    return Path.home() / ".config" / "pictograph"


def config_path(environ: Mapping[str, str] | None = None) -> Path:
    """The config file written by ``pictograph login``."""
    return config_dir(environ) / CONFIG_FILE


def _read_file(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigurationError(f"config file {path} is not valid TOML ({exc}); fix it or run pictograph login "
                                 "again") from None
    except OSError as exc:
        raise ConfigurationError(f"cannot read config file {path}: {exc.strerror or exc}") from None
    return data


def load_profile(profile: str = DEFAULT_PROFILE, path: Path | None = None) -> dict[str, Any]:
    """The settings stored for ``profile`` (empty when the file or the table is missing)."""
    data = _read_file(path or config_path())
    table = data.get(profile, {})
    if not isinstance(table, dict):
        raise ConfigurationError(f"config file {path or config_path()}: [{profile}] must be a table")
    return {k: v for k, v in table.items() if k in SETTINGS}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value))  # a JSON string is a valid TOML basic string


def _write_file(path: Path, data: Mapping[str, Mapping[str, Any]]) -> None:
    """Write the whole file atomically with mode 0600 (the key is a secret)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    lines = ["# Written by `pictograph login`. Holds an API key: keep it private (mode 0600).", ""]
    for profile, table in data.items():
        key = profile if profile.replace("-", "").replace("_", "").isalnum() else json.dumps(profile)
        lines.append(f"[{key}]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in table.items() if v is not None)
        lines.append("")
    fd, tmp = tempfile.mkstemp(prefix=".config.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    os.chmod(path, 0o600)


def save_profile(settings: Mapping[str, Any], profile: str = DEFAULT_PROFILE, path: Path | None = None) -> Path:
    """Store ``settings`` under ``profile`` (other profiles are kept); returns the file written."""
    target = path or config_path()
    data = {k: dict(v) for k, v in _read_file(target).items() if isinstance(v, dict)}
    table = data.setdefault(profile, {})
    table.update({k: v for k, v in settings.items() if k in SETTINGS and v is not None})
    _write_file(target, data)
    return target


def remove_profile(profile: str = DEFAULT_PROFILE, path: Path | None = None) -> bool:
    """Forget ``profile``; ``False`` when there was nothing stored."""
    target = path or config_path()
    data = {k: dict(v) for k, v in _read_file(target).items() if isinstance(v, dict)}
    if profile not in data:
        return False
    del data[profile]
    _write_file(target, data)
    return True


@attrs.frozen
class CliSettings:
    """The arguments for ``Client(...)`` plus, per setting, where its value comes from (for ``config show``)."""

    kwargs: dict[str, Any]
    sources: dict[str, str]
    profile: str
    path: Path


def resolve(flags: Mapping[str, Any], profile: str | None = None,
            environ: Mapping[str, str] | None = None) -> CliSettings:
    """Per setting: a flag wins; else an environment variable (left for the SDK to read and check); else the
    config file; else the SDK's default."""
    env = os.environ if environ is None else environ
    name = profile or env.get(ENV_PROFILE, "").strip() or DEFAULT_PROFILE
    path = config_path(env)
    stored = load_profile(name, path)
    if profile and profile != DEFAULT_PROFILE and not stored and path.is_file() is False:
        raise ConfigurationError(f"no profile {name!r}: run pictograph login --profile {name}")
    kwargs: dict[str, Any] = {}
    sources: dict[str, str] = {}
    for setting, variable in SETTINGS.items():
        value = flags.get(setting)
        if value is not None:
            kwargs[setting] = value
            sources[setting] = "flag"
        elif env.get(variable, "").strip():
            sources[setting] = f"environment ({variable})"
        elif setting in stored:
            kwargs[setting] = stored[setting]
            sources[setting] = f"config file ({path}, [{name}])"
        else:
            sources[setting] = "default" if setting != "api_key" else "missing"
    return CliSettings(kwargs=kwargs, sources=sources, profile=name, path=path)
