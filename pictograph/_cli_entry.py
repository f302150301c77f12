"""Where the ``pictograph`` console script and ``python -m pictograph.testing`` start.

Both need click, which the ``cli`` extra brings (the ``server`` extra too, through uvicorn). The console
script is installed by every ``pip install pictograph``, extras or not, so it is often the first thing a user
runs: without click it must end with the one-line install hint of docs/cli.md, not a traceback.
``pictograph.cli`` imports click at its top, so the check lives outside that package and runs before it.
"""

from __future__ import annotations

import sys
from typing import NoReturn

#: Exit code of a missing extra: "configuration" in docs/cli.md's table (the install is wrong, not the
#: command).
EXIT_MISSING_EXTRA = 3


def _exit_for_missing(exc: ModuleNotFoundError, what: str, extra: str) -> NoReturn:
    """End the process with the install hint when ``exc`` is click missing; re-raise anything else."""
    if (exc.name or "").partition(".")[0] != "click":
        raise exc
    print(f"error: {what} needs the {extra} extra: pip install 'pictograph[{extra}]'", file=sys.stderr)
    raise SystemExit(EXIT_MISSING_EXTRA)


def main() -> None:
    """The ``pictograph`` command."""
    try:
        from pictograph.cli import main as command
    except ModuleNotFoundError as exc:
        _exit_for_missing(exc, "the pictograph command", "cli")
    command(prog_name="pictograph")


def mock_server() -> None:
    """``python -m pictograph.testing``: the local server in the foreground, as ``pictograph mock-server``."""
    try:
        from pictograph.cli.mock_server import mock_server as command
    except ModuleNotFoundError as exc:
        _exit_for_missing(exc, "python -m pictograph.testing", "server")
    command(prog_name="python -m pictograph.testing")
