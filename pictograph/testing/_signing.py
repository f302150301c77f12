"""Signed storage URLs (HMAC-SHA256) and the server's movable clock.

A signed URL names the method, the storage path and an expiry second; upload URLs also bind the
``Content-Type`` the PUT must repeat.  No API key is involved: whoever holds the URL may use it until it
expires, as with real cloud storage.
"""

from __future__ import annotations

import hmac
import threading
import time
from urllib.parse import quote

URL_LIFETIME_SECONDS = 3600
STORAGE_PREFIX = "/_storage"


class Clock:
    """Wall-clock time plus an offset that tests move forward (signed-URL expiry, idempotency window).

    Example::

        server.clock.advance(3601)   # every signed URL minted so far is now expired
    """

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time() + self._offset

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds

    def reset(self) -> None:
        with self._lock:
            self._offset = 0.0


class Signer:
    """Mints and checks signed storage URLs."""

    def __init__(self, secret: bytes, clock: Clock) -> None:
        self._secret = secret
        self._clock = clock

    def _mac(self, method: str, path: str, expires: int, content_type: str) -> str:
        message = f"{method}\n{path}\n{expires}\n{content_type}".encode()
        return hmac.digest(self._secret, message, "sha256").hex()

    def sign(self, base_url: str, method: str, path: str, content_type: str = "",
             lifetime: int = URL_LIFETIME_SECONDS) -> str:
        """An absolute signed URL for ``method`` on the storage ``path`` (which starts with ``/_storage/``)."""
        expires = int(self._clock.now()) + lifetime
        sig = self._mac(method, path, expires, content_type)
        return f"{base_url}{quote(path)}?expires={expires}&signature={sig}"

    def check(self, method: str, path: str, expires: str, signature: str, content_type: str = "") -> str | None:
        """``None`` when the URL is good, else the storage error code (``SignatureDoesNotMatch``, ``ExpiredToken``)."""
        try:
            exp = int(expires)
        except ValueError:
            return "SignatureDoesNotMatch"
        good = self._mac(method, path, exp, content_type)
        if not hmac.compare_digest(good, signature):
            return "SignatureDoesNotMatch"
        if exp < self._clock.now():
            return "ExpiredToken"
        return None


def storage_error_xml(code: str, message: str) -> bytes:
    """A cloud-storage style XML error body."""
    return (f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code>"
            f"<Message>{message}</Message></Error>").encode()
