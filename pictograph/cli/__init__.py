"""The ``pictograph`` command line (needs the ``cli`` extra: ``pip install 'pictograph[cli]'``).

Each command group lives in its own module of this package and is registered on
:data:`main` by :func:`_register`, so adding a command never touches another's file.
"""

from __future__ import annotations

import importlib

import click

__all__ = ["main"]

# Modules that add commands to ``main``; each exposes ``register(group: click.Group) -> None``.
_COMMAND_MODULES = (
    "pictograph.cli.convert",
    "pictograph.cli.mock_server",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="pictograph")
def main() -> None:
    """Work with Pictograph datasets, images, annotations and exports from the shell."""


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
