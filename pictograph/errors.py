"""The exception tree of the Pictograph SDK.

Every error the SDK raises on purpose derives from :class:`PictographError`, so one
``except PictographError`` catches them all.  HTTP errors are :class:`ApiError`
subclasses chosen by status code (see :func:`error_for_status`); argument errors that
are detected before anything is sent are plain :class:`ValueError` (or
:class:`ValidationError` for annotation input, which is a ``ValueError`` too).

Example::

    from pictograph import Client, NotFoundError

    try:
        Client().datasets.get("road-sign")
    except NotFoundError as exc:
        print(exc.message, exc.request_id)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = [
    "ApiError",
    "AuthError",
    "AuthenticationError",
    "ConfigurationError",
    "ConflictError",
    "ForbiddenError",
    "FormatError",
    "NetworkError",
    "NotFoundError",
    "PaymentRequiredError",
    "PictographError",
    "PollTimeoutError",
    "RateLimitError",
    "RequestTimeoutError",
    "ServerError",
    "ValidationError",
    "error_for_status",
]


class PictographError(Exception):
    """Base class of every error raised by the SDK."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigurationError(PictographError):
    """The client cannot be configured: no API key, or an environment value that does not parse."""


class ApiError(PictographError):
    """The API answered with an error, or a job it runs failed.

    Attributes:
        status_code: the HTTP status, or ``None`` when the error was detected without one
            (a response that does not match its schema, a failed job).
        code: the stable error slug of the body (``not_found``, ``rate_limited`` …), if any.
        message: a human-readable message.
        request_id: the ``X-Request-Id`` of the response, to quote when asking for support.
        response: the parsed JSON body, or its raw text when it was not JSON.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        response: Any = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.request_id = request_id
        self.response = response

    def __str__(self) -> str:
        parts = [self.message]
        extra = []
        if self.status_code is not None:
            extra.append(f"HTTP {self.status_code}")
        if self.code:
            extra.append(f"code={self.code}")
        if self.request_id:
            extra.append(f"request_id={self.request_id}")
        if extra:
            parts.append(f"({', '.join(extra)})")
        return " ".join(parts)

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status_code={self.status_code!r}, "
            f"code={self.code!r}, request_id={self.request_id!r})"
        )


class ValidationError(ApiError, ValueError):
    """The request (or annotation input checked locally) was rejected as invalid.

    ``field_errors`` lists ``{"loc": [...], "msg": "..."}`` entries locating each problem.
    """

    def __init__(
        self,
        message: str,
        *,
        field_errors: Sequence[Mapping[str, Any]] | None = None,
        status_code: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        response: Any = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, code=code, request_id=request_id, response=response
        )
        self.field_errors: list[dict[str, Any]] = [dict(e) for e in (field_errors or [])]


class AuthError(ApiError):
    """HTTP 401: the Pictograph API key is missing, wrong or revoked."""


AuthenticationError = AuthError


class PaymentRequiredError(ApiError):
    """HTTP 402: a tier cap is reached or credits are exhausted.

    Amounts (``credit_cost``, ``credits_remaining``) are integer micro-USD.
    """

    def __init__(
        self,
        message: str,
        *,
        credit_cost: int | None = None,
        credits_remaining: int | None = None,
        unit: str | None = None,
        upgrade_url: str | None = None,
        status_code: int | None = 402,
        code: str | None = None,
        request_id: str | None = None,
        response: Any = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, code=code, request_id=request_id, response=response
        )
        self.credit_cost = credit_cost
        self.credits_remaining = credits_remaining
        self.unit = unit
        self.upgrade_url = upgrade_url


class ForbiddenError(ApiError):
    """HTTP 403: the key's role is too low for this call, or the plan does not include it."""


class NotFoundError(ApiError):
    """HTTP 404 (or a local lookup miss): the object does not exist in this organization."""


class ConflictError(ApiError):
    """HTTP 409: the name is already taken, or the change collides with the stored state."""


class RateLimitError(ApiError):
    """HTTP 429 after retries, or a ``Retry-After`` longer than the SDK will wait (120 s).

    ``retry_after`` is the server's wait in seconds, or ``None`` when it sent none.
    """

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status_code: int | None = 429,
        code: str | None = None,
        request_id: str | None = None,
        response: Any = None,
    ) -> None:
        super().__init__(
            message, status_code=status_code, code=code, request_id=request_id, response=response
        )
        self.retry_after = retry_after


class ServerError(ApiError):
    """HTTP 5xx, or a response that does not match its documented schema (``status_code=None``)."""


class NetworkError(PictographError):
    """The request never got an HTTP answer (DNS, TCP, TLS, dropped connection) once retries were used up."""


class RequestTimeoutError(NetworkError, TimeoutError):
    """The transport timed out (connect, read, write or pool) once retries were used up."""


class PollTimeoutError(PictographError, TimeoutError):
    """Waiting for a job ran past its deadline.  The job itself keeps running on the server.

    ``job`` is the last state seen and ``timeout`` the window that ran out: call the wait
    method again, or fetch the job later.
    """

    def __init__(self, message: str, *, job: Any = None, timeout: float | None = None) -> None:
        super().__init__(message)
        self.job = job
        self.timeout = timeout


class FormatError(PictographError, ValueError):
    """An annotation file cannot be read or written in the requested format.

    ``path`` names the file, ``location`` the place inside it (a JSON pointer, an XML
    element, a line number) and ``reason`` what is wrong.
    """

    def __init__(self, reason: str, *, path: str | None = None, location: str | None = None) -> None:
        where = ""
        if path is not None:
            where = str(path)
            if location:
                where += f" at {location}"
            where += ": "
        elif location:
            where = f"at {location}: "
        super().__init__(where + reason)
        self.path = path
        self.location = location
        self.reason = reason


_STATUS_CLASSES: dict[int, type[ApiError]] = {
    400: ValidationError,
    401: AuthError,
    402: PaymentRequiredError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_for_status(status_code: int) -> type[ApiError]:
    """The exception class the SDK raises for an HTTP error status (docs/wire-protocol.md §1.6)."""
    if status_code in _STATUS_CLASSES:
        return _STATUS_CLASSES[status_code]
    if 500 <= status_code <= 599:
        return ServerError
    return ApiError


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
