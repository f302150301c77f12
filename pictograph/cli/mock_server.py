"""``pictograph mock-server``: run the local Pictograph server in the foreground (needs the ``server`` extra)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING

import click

from pictograph.errors import ConfigurationError

if TYPE_CHECKING:
    from pictograph.testing._budget import Budget

__all__ = ["register"]


@click.command("mock-server")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8765, show_default=True, type=int, help="Port to listen on (0 = any free port).")
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for the data (kept across runs); a temporary folder when left out.")
@click.option("--seed", default="demo", show_default=True, callback=lambda ctx, param, value: _check_seed(value),
              help="What a new data folder starts with: demo, empty, or bench:N (dataset 'bench' of N tiny "
                   "images, for example bench:100000).")
@click.option("--api-key", default=None, help="Owner key of the seeded organization (generated when left out).")
@click.option("--providers", "providers_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of V7/Roboflow fixture sources for the connectors.")
@click.option("--validate-responses/--no-validate-responses", default=False,
              help="Check every response against openapi.yaml (slower).")
@click.option("--request-budget", default=None, metavar="N|plan",
              callback=lambda ctx, param, value: _check_budget(value),
              help="API requests each organization may send per hour (429 with Retry-After once spent; signed "
                   "storage URLs are free); 'plan' for each plan's rate. No budget when left out.")
def mock_server(host: str, port: int, data_dir: Path | None, seed: str, api_key: str | None,
                providers_dir: Path | None, validate_responses: bool, request_budget: Budget) -> None:
    """Run the local Pictograph server until Ctrl-C or SIGTERM."""
    from pictograph.testing import MockServer  # light: the server's own dependencies load in start()

    stop = threading.Event()

    def _on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, _on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
    server = MockServer(seed=seed, data_dir=data_dir, api_key=api_key, validate_responses=validate_responses,
                        providers_dir=providers_dir, host=host, port=port,
                        request_budget=request_budget)
    try:
        try:
            server.start()
        except ModuleNotFoundError as exc:  # without the server extra: its one-line install hint, no traceback
            raise ConfigurationError(str(exc)) from None
        click.echo(f"Pictograph local server listening on {server.url}")
        click.echo(f"API base URL: {server.api_url}")
        click.echo(f"API key: {server.api_key}")
        if server.providers_dir is not None:
            click.echo(f"Connector fixtures: {server.providers_dir}")
        if request_budget is not None:
            click.echo(f"Request budget: {request_budget} API requests per organization per hour")
        click.echo("Press Ctrl-C to stop.", err=True)
        while not stop.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        click.echo("Stopped.", err=True)


def _check_seed(value: str) -> str:
    if value in ("demo", "empty"):
        return value
    from pictograph.testing._bench_seed import parse_bench_seed

    try:
        if parse_bench_seed(value) is not None:
            return value
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    raise click.BadParameter(f"{value!r}: choose demo, empty or bench:N (for example bench:100000)")


def _check_budget(value: str | None) -> Budget:
    if value is None:
        return None
    if value == "plan":
        return "plan"
    if not value.isdigit():
        raise click.BadParameter(f"{value!r}: give a whole number of requests per hour, or 'plan'")
    return int(value)


def register(group: click.Group) -> None:
    """Add ``mock-server`` to the ``pictograph`` command group."""
    group.add_command(mock_server)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
