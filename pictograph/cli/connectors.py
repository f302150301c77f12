"""``pictograph connectors validate|check-limits|import|status|cancel``: import from V7 Darwin or Roboflow."""

from __future__ import annotations

import os
import sys
from typing import Any

import click

from pictograph.cli import common_options, get_client
from pictograph.cli._output import Column, fail, get_output

__all__ = ["register"]

ENV_SOURCE_KEY = "PICTOGRAPH_SOURCE_KEY"

REMOTE_COLUMNS: list[Column] = [("id", "id"), ("name", "name"), ("slug", "slug"), ("images", "image_count"),
                                ("version", "version")]

JOB_FIELDS: list[tuple[str, Any]] = [
    ("import", "import_id"), ("status", "status"), ("progress %", "progress"), ("images", "total_images"),
    ("imported", "imported_images"), ("failed", "failed_images"), ("current", "current_dataset"),
]


def _job_text(job: Any) -> str:
    from pictograph.cli._output import format_fields, format_table

    text = format_fields([(label, getattr(job, attr, None)) for label, attr in JOB_FIELDS])
    if job.datasets:
        text += "\n\n" + format_table(job.datasets, [("dataset", "dataset_name"), ("status", "status"),
                                                      ("imported", "images_imported"), ("failed", "failed"),
                                                      ("total", "total_images")])
    return text


def _source_key(value: str | None) -> str:
    """The provider's key from --source-key, PICTOGRAPH_SOURCE_KEY or a hidden prompt; never printed."""
    key = value or os.environ.get(ENV_SOURCE_KEY, "").strip()
    if not key:
        if not sys.stdin.isatty():
            fail("usage", f"no source key: pass --source-key or set {ENV_SOURCE_KEY}")
        key = str(click.prompt("Source API key (V7 or Roboflow)", hide_input=True, err=True)).strip()
    get_output().add_secret(key)
    return key


_provider = click.argument("provider", type=click.Choice(["v7", "roboflow"]))
_key_option = click.option("--source-key", default=None,
                           help=f"The V7 or Roboflow API key (else {ENV_SOURCE_KEY}, else asked without echo).")


@click.group("connectors")
def connectors() -> None:
    """Import datasets from V7 Darwin or Roboflow."""


@connectors.command("validate")
@_provider
@_key_option
@common_options
def validate(provider: str, source_key: str | None) -> None:
    """Check a V7/Roboflow key and list the datasets it can import (exit 8 when the key is rejected)."""
    result = get_client().connectors.validate(provider, _source_key(source_key))
    out = get_output()
    if out.json_mode:
        out.result(result)
    elif result.valid:
        out.result(result.datasets, columns=REMOTE_COLUMNS, footer=f"workspace: {result.workspace}")
    else:
        out.result(result, text=lambda r: f"the {provider} key was rejected: {r.error or 'no reason given'}")
    if not result.valid:
        raise SystemExit(8)


@connectors.command("check-limits")
@click.option("--images", "total_images", type=click.IntRange(0), required=True, help="Images to import.")
@click.option("--bytes", "size_bytes", type=click.IntRange(0), default=0, show_default=True,
              help="Estimated bytes to import.")
@common_options
def check_limits(total_images: int, size_bytes: int) -> None:
    """Would an import of this size fit the plan's image and storage caps?"""
    result = get_client().connectors.check_limits(total_images, size_bytes)
    get_output().result(result, fields=[
        ("allowed", "allowed"), ("exceeded", "exceeded"), ("images now", "current_images"),
        ("images after", "images_after_import"), ("image limit", "image_limit"),
        ("storage now", "current_storage_bytes"), ("storage after", "storage_after_import_bytes"),
        ("storage limit", "storage_limit_bytes")])


@connectors.command("import")
@_provider
@click.option("--dataset", "wanted", multiple=True, required=True,
              help="Remote dataset to import, by id, slug or name (repeat for several).")
@_key_option
@click.option("--no-wait", is_flag=True, help="Return once the import has started.")
@click.option("--timeout", "wait_timeout", type=click.FloatRange(min=0, min_open=True), default=3600.0,
              show_default=True)
@click.option("--poll-interval", type=click.FloatRange(min=0, min_open=True), default=3.0, show_default=True)
@common_options
def import_(provider: str, wanted: tuple[str, ...], source_key: str | None, no_wait: bool, wait_timeout: float,
            poll_interval: float) -> None:
    """Import remote datasets (found with `connectors validate`) into Pictograph."""
    client = get_client()
    key = _source_key(source_key)
    listing = client.connectors.validate(provider, key)
    if not listing.valid:
        fail("invalid", f"the {provider} key was rejected: {listing.error or 'no reason given'}")
    chosen = []
    for ref in wanted:
        match = [d for d in listing.datasets if ref in (d.id, d.slug, d.name)]
        if not match:
            known = ", ".join(d.slug for d in listing.datasets) or "none"
            fail("not_found", f"no remote dataset {ref!r} in workspace {listing.workspace!r} (available: {known})")
        chosen.append(match[0])
    out = get_output()
    if not no_wait:
        out.note(f"importing {len(chosen)} dataset(s) from {provider}...")
    job = client.connectors.import_(provider, key, chosen, wait=not no_wait, poll_interval=poll_interval,
                                    timeout=wait_timeout)
    out.result(job, text=_job_text)
    if job.status == "error":
        raise SystemExit(16)


@connectors.command("status")
@click.argument("import_id")
@click.option("--wait", "wait_", is_flag=True, help="Wait until the import ends.")
@click.option("--timeout", "wait_timeout", type=click.FloatRange(min=0, min_open=True), default=3600.0)
@click.option("--poll-interval", type=click.FloatRange(min=0, min_open=True), default=3.0)
@common_options
def status(import_id: str, wait_: bool, wait_timeout: float, poll_interval: float) -> None:
    """Show the progress of import IMPORT_ID."""
    client = get_client()
    if wait_:
        job = client.connectors.wait_for_import(import_id, poll_interval=poll_interval, timeout=wait_timeout)
    else:
        job = client.connectors.get_import(import_id)
    get_output().result(job, text=_job_text)


@connectors.command("cancel")
@click.argument("import_id")
@common_options
def cancel(import_id: str) -> None:
    """Cancel import IMPORT_ID."""
    get_output().result(get_client().connectors.cancel_import(import_id), text=_job_text)


def register(group: click.Group) -> None:
    """Add ``connectors`` to the ``pictograph`` command group."""
    group.add_command(connectors)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
