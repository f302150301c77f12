"""The error answer of the API (``{"error": {...}, "detail": ...}``) as an exception handlers raise."""

from __future__ import annotations

from typing import Any

UPGRADE_URL = "https://app.pictograph.io/settings/billing"


class HttpError(Exception):
    """An error answer: status, stable ``code`` slug, message and details."""

    def __init__(self, status: int, code: str, message: str, details: dict[str, Any] | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details or {}
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        detail: Any = self.message
        if "errors" in self.details:
            detail = self.details["errors"]
        return {"error": {"code": self.code, "message": self.message, "details": self.details}, "detail": detail}


def not_found(what: str, name: str) -> HttpError:
    return HttpError(404, "not_found", f"{what} {name!r} not found")


def forbidden(needed: str, role: str) -> HttpError:
    return HttpError(403, "forbidden", f"this call needs the {needed} role or higher; the API key has {role}")


def conflict(message: str, code: str = "conflict") -> HttpError:
    return HttpError(409, code, message)


def bad_request(message: str, code: str = "bad_request") -> HttpError:
    return HttpError(400, code, message)


def unprocessable(loc: list[str | int], msg: str, code: str = "validation_error") -> HttpError:
    errors = [{"loc": loc, "msg": msg}]
    return HttpError(422, code, f"{'.'.join(str(x) for x in loc)}: {msg}", {"errors": errors})


def cap_exceeded(code: str, message: str, **extra: Any) -> HttpError:
    return HttpError(402, code, message, {"upgrade_url": UPGRADE_URL, **extra})
