"""The ``pictograph`` command line (needs the ``cli`` extra: ``pip install 'pictograph[cli]'``).

Each command group lives in its own module of this package and is registered on :data:`main` by
:func:`_register`, so adding a command never touches another's file.  Every command prints through
:mod:`pictograph.cli._output` (tables, ``--json``, one-line errors with documented exit codes) and builds its
client with :func:`get_client` (flags, then environment, then the config file of ``pictograph login``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from pictograph.cli._output import EXIT_CODES, Output, get_output

__all__ = ["common_options", "get_client", "main"]

# Modules that add commands to ``main``; each exposes ``register(group: click.Group) -> None``.
_COMMAND_MODULES = (
    "pictograph.cli.datasets",
    "pictograph.cli.images",
    "pictograph.cli.annotations",
    "pictograph.cli.exports",
    "pictograph.cli.connectors",
    "pictograph.cli.render",
    "pictograph.cli.login",
    "pictograph.cli.convert",
    "pictograph.cli.mock_server",
)

F = TypeVar("F", bound=Callable[..., Any])


def _settings(ctx: click.Context) -> dict[str, Any]:
    obj = ctx.find_root().ensure_object(dict)
    settings = obj.setdefault("settings", {})
    assert isinstance(settings, dict)
    return settings


def _set_flag(name: str) -> Callable[[click.Context, click.Parameter, Any], Any]:
    """Store an option given on the group or on a command (a command's value wins)."""

    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        source = ctx.get_parameter_source(param.name or name)
        given = source is not None and source.name not in ("DEFAULT", "DEFAULT_MAP")
        settings = _settings(ctx)
        if given or (name not in settings and value not in (None, False)):
            settings[name] = value
        out = get_output(ctx)
        out.json_mode = bool(settings.get("json"))
        out.debug = bool(settings.get("debug"))
        out.quiet = bool(settings.get("quiet"))
        if name == "api_key" and value:
            out.add_secret(str(value))
        return value

    return callback


def _connection_options(f: F) -> F:
    options = [
        click.option("--api-key", "api_key", default=None, envvar=None, expose_value=False,
                     callback=_set_flag("api_key"),
                     help="Pictograph API key (else PICTOGRAPH_API_KEY, else the config file). Prefer the "
                          "environment or `pictograph login`: flags show up in the process list."),
        click.option("--base-url", default=None, expose_value=False, callback=_set_flag("base_url"),
                     help="API base URL (else PICTOGRAPH_BASE_URL, else the config file)."),
        click.option("--request-timeout", "timeout", type=float, default=None, expose_value=False,
                     callback=_set_flag("timeout"),
                     help="Seconds per request (else PICTOGRAPH_TIMEOUT; default 30)."),
        click.option("--max-retries", type=int, default=None, expose_value=False,
                     callback=_set_flag("max_retries"),
                     help="Retries on 429/5xx/network errors (else PICTOGRAPH_MAX_RETRIES; default 3)."),
        click.option("--profile", default=None, expose_value=False, callback=_set_flag("profile"),
                     help="Config-file profile (else PICTOGRAPH_PROFILE, else 'default')."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def _display_options(f: F) -> F:
    options = [
        click.option("--json", "json_", is_flag=True, default=False, expose_value=False,
                     callback=_set_flag("json"), help="Print the result as JSON (errors as one JSON line on "
                                                      "stderr)."),
        click.option("--debug", is_flag=True, default=False, expose_value=False, callback=_set_flag("debug"),
                     help="Print the traceback of an error."),
        click.option("--quiet", "-q", is_flag=True, default=False, expose_value=False,
                     callback=_set_flag("quiet"), help="No progress bars or remarks on stderr."),
    ]
    for option in reversed(options):
        f = option(f)
    return f


def common_options(f: F) -> F:
    """``--json``, ``--debug``, ``--quiet`` and the connection options, on every command."""
    return _display_options(_connection_options(f))


def get_client() -> Any:
    """A ``pictograph.Client`` from flags → environment → config file; closed when the command ends."""
    from pictograph import Client
    from pictograph.cli._config import resolve

    ctx = click.get_current_context()
    root = ctx.find_root()
    obj = root.ensure_object(dict)
    if obj.get("client") is not None:
        return obj["client"]
    settings = _settings(ctx)
    resolved = resolve(settings, profile=settings.get("profile"))
    out = get_output(ctx)
    out.add_secret(resolved.kwargs.get("api_key"))
    import os

    out.add_secret(os.environ.get("PICTOGRAPH_API_KEY", "").strip() or None)
    client = Client(**resolved.kwargs)
    obj["client"] = client
    root.call_on_close(client.close)
    return client


class _Group(click.Group):
    """The root group: every error that escapes a command leaves through the output helper."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt as exc:
            get_output(ctx).error(exc)
        except Exception as exc:
            get_output(ctx).error(exc)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pictograph")
@common_options
def main() -> None:
    """Work with Pictograph datasets, images, annotations and exports from the shell.

    Settings come from flags, then the environment (PICTOGRAPH_API_KEY, PICTOGRAPH_BASE_URL, ...), then the
    config file written by `pictograph login`.  Add --json to any command for machine-readable output.
    Shell completion: eval "$(_PICTOGRAPH_COMPLETE=bash_source pictograph)" (zsh_source, fish_source).
    """


@main.command("exit-codes")
@common_options
def exit_codes() -> None:
    """List the exit codes and what they mean."""
    rows = [{"code": code, "name": name, "meaning": meaning} for name, (code, meaning) in EXIT_CODES.items()]
    get_output().result(rows, columns=[("code", "code"), ("name", "name"), ("meaning", "meaning")])


def _register() -> None:
    for name in _COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # that command is not written yet
                continue
            raise
        module.register(main)


_register()

__all__ += ["Output"]


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
