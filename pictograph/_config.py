"""Client configuration: explicit argument, then environment, then default (docs/wire-protocol.md §1.1)."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping

import attrs

from pictograph.errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.pictograph.io"
API_PREFIX = "/api/v1/developer"
DEFAULT_TIMEOUT = 30.0
DEFAULT_MAX_RETRIES = 3

ENV_API_KEY = "PICTOGRAPH_API_KEY"
ENV_BASE_URL = "PICTOGRAPH_BASE_URL"
ENV_TIMEOUT = "PICTOGRAPH_TIMEOUT"
ENV_MAX_RETRIES = "PICTOGRAPH_MAX_RETRIES"


@attrs.frozen(repr=False)
class Config:
    """Resolved settings of one client. The key is kept out of ``repr`` and ``str``."""

    api_key: str
    base_url: str
    timeout: float
    max_retries: int

    @property
    def api_url(self) -> str:
        """The root every API route is relative to."""
        return self.base_url + API_PREFIX

    def __repr__(self) -> str:
        return (
            f"Config(base_url={self.base_url!r}, timeout={self.timeout!r}, "
            f"max_retries={self.max_retries!r}, api_key=<hidden>)"
        )

    __str__ = __repr__


def _parse_timeout(value: object, source: str) -> float:
    if isinstance(value, bool):
        raise ConfigurationError(f"{source} must be a number of seconds greater than 0, got {value!r}")
    try:
        timeout = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ConfigurationError(
            f"{source} must be a number of seconds greater than 0, got {value!r}"
        ) from None
    if not math.isfinite(timeout) or timeout <= 0:
        raise ConfigurationError(f"{source} must be a number of seconds greater than 0, got {value!r}")
    return timeout


def _parse_retries(value: object, source: str) -> int:
    if isinstance(value, bool):
        raise ConfigurationError(f"{source} must be a whole number >= 0, got {value!r}")
    if isinstance(value, int):
        retries = value
    elif isinstance(value, str) and value.strip().lstrip("+").isdigit():
        retries = int(value.strip())
    else:
        raise ConfigurationError(f"{source} must be a whole number >= 0, got {value!r}")
    if retries < 0:
        raise ConfigurationError(f"{source} must be a whole number >= 0, got {value!r}")
    return retries


def _normalise_base_url(value: object, source: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"{source} must be a URL such as {DEFAULT_BASE_URL!r}, got {value!r}")
    url = value.strip().rstrip("/")
    if not (url.startswith("https://") or url.startswith("http://")) or "?" in url or "#" in url:
        raise ConfigurationError(
            f"{source} must be an http(s) URL without query or fragment, such as {DEFAULT_BASE_URL!r}, "
            f"got {url!r}"
        )
    return url


def resolve_config(
    api_key: str | None = None,
    base_url: str | None = None,
    timeout: float | None = None,
    max_retries: int | None = None,
    *,
    environ: Mapping[str, str] | None = None,
) -> Config:
    """Resolve every setting; raise ``ConfigurationError`` (before any request) when one is missing or bad."""
    env = os.environ if environ is None else environ

    if api_key is not None:
        if not isinstance(api_key, str):
            raise ConfigurationError("api_key must be a string")
        key, key_source = api_key.strip(), "api_key"
    else:
        key, key_source = env.get(ENV_API_KEY, "").strip(), ENV_API_KEY
    if not key:
        raise ConfigurationError(
            f"no Pictograph API key: pass api_key=... or set {ENV_API_KEY} "
            f"(empty value in {key_source})"
            if key_source == "api_key" or ENV_API_KEY in env
            else f"no Pictograph API key: pass api_key=... or set {ENV_API_KEY}"
        )

    if base_url is not None:
        url = _normalise_base_url(base_url, "base_url")
    elif env.get(ENV_BASE_URL, "").strip():
        url = _normalise_base_url(env[ENV_BASE_URL], ENV_BASE_URL)
    else:
        url = DEFAULT_BASE_URL

    if timeout is not None:
        seconds = _parse_timeout(timeout, "timeout")
    elif env.get(ENV_TIMEOUT, "").strip():
        seconds = _parse_timeout(env[ENV_TIMEOUT].strip(), ENV_TIMEOUT)
    else:
        seconds = DEFAULT_TIMEOUT

    if max_retries is not None:
        retries = _parse_retries(max_retries, "max_retries")
    elif env.get(ENV_MAX_RETRIES, "").strip():
        retries = _parse_retries(env[ENV_MAX_RETRIES], ENV_MAX_RETRIES)
    else:
        retries = DEFAULT_MAX_RETRIES

    return Config(api_key=key, base_url=url, timeout=seconds, max_retries=retries)
