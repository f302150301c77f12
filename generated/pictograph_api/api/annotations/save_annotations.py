from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.annotation_save_request import AnnotationSaveRequest
from ...models.error_response import ErrorResponse
from ...models.save_result import SaveResult
from ...types import UNSET, Response, Unset


def _get_kwargs(
    dataset: str,
    image_path: str,
    *,
    body: AnnotationSaveRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/annotations/{dataset}/{image_path}".format(
            dataset=quote(str(dataset), safe=""),
            image_path="/".join(
                quote(part, safe="") for part in str(image_path).split("/")
            ),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | SaveResult | None:
    if response.status_code == 200:
        response_200 = SaveResult.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ErrorResponse.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = ErrorResponse.from_dict(response.json())

        return response_422

    if response.status_code == 429:
        response_429 = ErrorResponse.from_dict(response.json())

        return response_429

    if 500 <= response.status_code <= 599:
        response_5xx = ErrorResponse.from_dict(response.json())

        return response_5xx

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | SaveResult]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    body: AnnotationSaveRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | SaveResult]:
    """Replace an image's annotations (an empty list clears them).

    Args:
        dataset (str):
        image_path (str):
        idempotency_key (str | Unset):
        body (AnnotationSaveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SaveResult]
    """

    request = _get_kwargs(
        dataset=dataset,
        image_path=image_path,
        body=body,
        idempotency_key=idempotency_key,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    body: AnnotationSaveRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[ErrorResponse | SaveResult]:
    """Replace an image's annotations (an empty list clears them).

    Args:
        dataset (str):
        image_path (str):
        idempotency_key (str | Unset):
        body (AnnotationSaveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | SaveResult]
    """

    request = _get_kwargs(
        dataset=dataset,
        image_path=image_path,
        body=body,
        idempotency_key=idempotency_key,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    body: AnnotationSaveRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | SaveResult | None:
    """Replace an image's annotations (an empty list clears them).

    Args:
        dataset (str):
        image_path (str):
        idempotency_key (str | Unset):
        body (AnnotationSaveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SaveResult
    """

    return sync_detailed(
        dataset=dataset,
        image_path=image_path,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    body: AnnotationSaveRequest,
    idempotency_key: str | Unset = UNSET,
) -> ErrorResponse | SaveResult | None:
    """Replace an image's annotations (an empty list clears them).

    Args:
        dataset (str):
        image_path (str):
        idempotency_key (str | Unset):
        body (AnnotationSaveRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | SaveResult
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            image_path=image_path,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
