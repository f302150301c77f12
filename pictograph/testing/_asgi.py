"""What every route of the local server shares: the ASGI types, request ids, body reading and error answers."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.responses import Response

from pictograph.testing._errors import HttpError
from pictograph.testing._signing import storage_error_xml
from pictograph.testing._spec import dumps

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class DropConnection(Exception):
    """Raised after the response headers went out, so the server closes the connection mid-answer."""


def new_request_id() -> str:
    return "req_" + uuid.uuid4().hex


async def read_body(receive: Receive) -> bytes:
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            # The client went away mid-body: never act on (or store) a partial body.
            raise DropConnection("the client disconnected before the request body was complete")
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            return b"".join(chunks)


def error_response(exc: HttpError, request_id: str) -> Response:
    headers = {"X-Request-Id": request_id, **exc.headers}
    return Response(dumps(exc.body()), exc.status, headers=headers, media_type="application/json")


def storage_error(status: int, code: str, message: str, request_id: str) -> Response:
    return Response(storage_error_xml(code, message), status, media_type="application/xml",
                    headers={"X-Request-Id": request_id})
