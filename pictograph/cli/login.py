"""``pictograph login``, ``logout``, ``config`` and ``whoami``: store and inspect the settings."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._config import SETTINGS, config_path, remove_profile, resolve, save_profile
from pictograph.cli._output import fail, get_output

__all__ = ["register"]


def _verify(api_key: str, base_url: str | None) -> Any:
    """The organization the key belongs to (one request); raises the SDK's error when the key is bad."""
    from pictograph import Client

    with Client(api_key=api_key, base_url=base_url) as client:
        organizations = getattr(client, "organizations", None)
        if organizations is not None:
            return organizations.me()
        client.datasets.list(limit=1)
        return None


@click.command("login")
@click.option("--profile", "profile_name", default="default", show_default=True, help="Profile to write.")
@click.option("--base-url", "login_base_url", default=None, help="API base URL to store with the key.")
@click.option("--with-key-stdin", is_flag=True, help="Read the key from standard input (for scripts).")
@click.option("--no-verify", is_flag=True, help="Store the key without checking it with the server.")
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON.")
@click.option("--debug", is_flag=True, help="Print the traceback of an error.")
def login(profile_name: str, login_base_url: str | None, with_key_stdin: bool, no_verify: bool, json_: bool,
          debug: bool) -> None:
    """Store a Pictograph API key in the config file (mode 0600); the key is asked without echo."""
    out = get_output()
    out.json_mode = out.json_mode or json_
    out.debug = out.debug or debug
    if with_key_stdin:
        key = sys.stdin.readline().strip()
    elif sys.stdin.isatty():
        key = str(click.prompt("Pictograph API key", hide_input=True, err=True)).strip()
    else:
        fail("usage", "not a terminal: pipe the key with --with-key-stdin")
    if not key:
        fail("configuration", "the API key is empty")
    out.add_secret(key)
    base_url = login_base_url or os.environ.get("PICTOGRAPH_BASE_URL") or None
    organization = None if no_verify else _verify(key, base_url)
    path = save_profile({"api_key": key, "base_url": login_base_url}, profile=profile_name)
    result = {"profile": profile_name, "config_file": path, "verified": not no_verify,
              "organization": getattr(organization, "name", None)}
    org = f" for {result['organization']}" if result["organization"] else ""
    out.result(result, text=lambda r: f"saved the key{org} to {path} (profile {profile_name})")


@click.command("logout")
@click.option("--profile", "profile_name", default="default", show_default=True)
@click.option("--json", "json_", is_flag=True, help="Print the result as JSON.")
def logout(profile_name: str, json_: bool) -> None:
    """Remove a stored profile (its key) from the config file."""
    out = get_output()
    out.json_mode = out.json_mode or json_
    removed = remove_profile(profile_name)
    out.result({"profile": profile_name, "removed": removed, "config_file": config_path()},
               text=lambda r: f"removed profile {profile_name}" if removed else f"no profile {profile_name}")


@click.command("config")
@common_options
def show_config() -> None:
    """Show the settings in effect and where each comes from (the key is never shown)."""
    ctx = click.get_current_context()
    flags = ctx.find_root().ensure_object(dict).get("settings", {})
    resolved = resolve(flags, profile=flags.get("profile"))
    rows = []
    for setting in SETTINGS:
        value: Any = resolved.kwargs.get(setting)
        if value is None and setting != "api_key":
            value = os.environ.get(SETTINGS[setting]) or None
        if setting == "api_key":
            value = "(set)" if resolved.sources[setting] != "missing" else "(missing)"
        rows.append({"setting": setting, "value": value, "source": resolved.sources[setting]})
    get_output().result({"profile": resolved.profile, "config_file": resolved.path, "settings": rows},
                        text=lambda r: _config_text(r))


def _config_text(r: dict[str, Any]) -> str:
    from pictograph.cli._output import format_table

    return (f"config file: {r['config_file']} (profile {r['profile']})\n"
            + format_table(r["settings"], [("setting", "setting"), ("value", "value"), ("source", "source")]))


@click.command("whoami")
@common_options
def whoami() -> None:
    """Show the organization of the API key in use."""
    org = get_client().organizations.me()
    get_output().result(org, fields=[("organization", "name"), ("id", "id"), ("slug", "slug"),
                                     ("plan", "subscription_tier"), ("max images", "max_images")])


def register(group: click.Group) -> None:
    """Add ``login``, ``logout``, ``config`` and ``whoami`` to the ``pictograph`` command group."""
    for command in (login, logout, show_config, whoami):
        group.add_command(command)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
