from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bulk_register_request import BulkRegisterRequest
from ...models.bulk_register_result_envelope import BulkRegisterResultEnvelope
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: BulkRegisterRequest,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/images/bulk-register",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BulkRegisterResultEnvelope | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BulkRegisterResultEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 201:
        response_201 = BulkRegisterResultEnvelope.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 402:
        response_402 = ErrorResponse.from_dict(response.json())

        return response_402

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
) -> Response[BulkRegisterResultEnvelope | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BulkRegisterRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[BulkRegisterResultEnvelope | ErrorResponse]:
    """Register up to 500 uploaded images; per-image failures are listed, not raised.

    Args:
        idempotency_key (str | Unset):
        body (BulkRegisterRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkRegisterResultEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: BulkRegisterRequest,
    idempotency_key: str | Unset = UNSET,
) -> Response[BulkRegisterResultEnvelope | ErrorResponse]:
    """Register up to 500 uploaded images; per-image failures are listed, not raised.

    Args:
        idempotency_key (str | Unset):
        body (BulkRegisterRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BulkRegisterResultEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        body=body,
        idempotency_key=idempotency_key,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: BulkRegisterRequest,
    idempotency_key: str | Unset = UNSET,
) -> BulkRegisterResultEnvelope | ErrorResponse | None:
    """Register up to 500 uploaded images; per-image failures are listed, not raised.

    Args:
        idempotency_key (str | Unset):
        body (BulkRegisterRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkRegisterResultEnvelope | ErrorResponse
    """

    return sync_detailed(
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: BulkRegisterRequest,
    idempotency_key: str | Unset = UNSET,
) -> BulkRegisterResultEnvelope | ErrorResponse | None:
    """Register up to 500 uploaded images; per-image failures are listed, not raised.

    Args:
        idempotency_key (str | Unset):
        body (BulkRegisterRequest):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BulkRegisterResultEnvelope | ErrorResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
