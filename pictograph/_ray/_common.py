"""What the Ray read and write tasks share: the optional import of Ray, the client options a task may carry, and
the client a task builds for itself on its worker.

A task never carries the API key. It travels to the worker outside the data (the worker's environment, for
example Ray's ``runtime_env={"env_vars": ...}``), and the options that are pickled with a task may name only
``base_url``, ``timeout`` and ``max_retries``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType
from typing import Any

from pictograph._async._client import AsyncClient
from pictograph._config import ENV_API_KEY, resolve_config
from pictograph.errors import ConfigurationError

INSTALL_HINT = "pip install 'pictograph[ray]'"
CLIENT_OPTIONS = ("base_url", "timeout", "max_retries")


def require_ray() -> ModuleType:
    """``ray.data``, or ``ModuleNotFoundError`` whose message is the one-line install hint."""
    try:
        return importlib.import_module("ray.data")
    except ModuleNotFoundError as exc:
        if (exc.name or "").partition(".")[0] not in ("ray", "pyarrow", "pandas", "numpy"):
            raise
        raise ModuleNotFoundError(f"pictograph.ray needs Ray Data: {INSTALL_HINT} (missing: {exc.name})",
                                  name=exc.name) from None


def check_client_options(options: Mapping[str, Any] | None) -> dict[str, Any]:
    """The options every task builds its client with, checked on the driver (nothing is sent).

    ``api_key`` is refused: whatever a task holds is pickled into Ray's object store and may reach its logs.
    """
    if options is None:
        return {}
    if not isinstance(options, Mapping):
        raise ValueError(f"client_options must be a dict of {', '.join(CLIENT_OPTIONS)}, got {options!r:.80}")
    if "api_key" in options:
        raise ConfigurationError(
            "client_options must not hold api_key: it would be pickled with every Ray task; set "
            f"{ENV_API_KEY} in the workers' environment instead (for example "
            f"ray.init(runtime_env={{'env_vars': {{'{ENV_API_KEY}': ...}}}}))")
    unknown = sorted(str(k) for k in options if k not in CLIENT_OPTIONS)
    if unknown:
        raise ValueError(f"client_options takes {', '.join(CLIENT_OPTIONS)}, not {', '.join(unknown)}")
    checked = dict(options)
    # The same checks a client makes, with a stand-in key, so that a bad value fails here and not on a worker.
    resolve_config("stand-in", checked.get("base_url"), checked.get("timeout"), checked.get("max_retries"),
                   environ={})
    return checked


def worker_client(options: Mapping[str, Any]) -> AsyncClient:
    """The client of one task, from the worker's environment and ``options`` (which hold no key)."""
    try:
        return AsyncClient(**options)
    except ConfigurationError as exc:
        raise ConfigurationError(
            f"{exc} on this Ray worker: the tasks read the key from the workers' environment, so set "
            f"{ENV_API_KEY} there (ray.init(runtime_env={{'env_vars': {{'{ENV_API_KEY}': ...}}}}) or the "
            "environment the workers start in)") from None
