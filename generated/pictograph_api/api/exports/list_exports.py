from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.export_list import ExportList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    dataset_name: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    params["dataset_name"] = dataset_name

    params["status"] = status

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/exports/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ExportList | None:
    if response.status_code == 200:
        response_200 = ExportList.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[ErrorResponse | ExportList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    dataset_name: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> Response[ErrorResponse | ExportList]:
    """List exports, one page, optionally of one dataset or status.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        dataset_name (str | Unset):
        status (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExportList]
    """

    request = _get_kwargs(
        limit=limit,
        offset=offset,
        dataset_name=dataset_name,
        status=status,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    dataset_name: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> Response[ErrorResponse | ExportList]:
    """List exports, one page, optionally of one dataset or status.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        dataset_name (str | Unset):
        status (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExportList]
    """

    request = _get_kwargs(
        limit=limit,
        offset=offset,
        dataset_name=dataset_name,
        status=status,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    dataset_name: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> ErrorResponse | ExportList | None:
    """List exports, one page, optionally of one dataset or status.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        dataset_name (str | Unset):
        status (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExportList
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        dataset_name=dataset_name,
        status=status,
    ).parsed


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    dataset_name: str | Unset = UNSET,
    status: str | Unset = UNSET,
) -> ErrorResponse | ExportList | None:
    """List exports, one page, optionally of one dataset or status.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        dataset_name (str | Unset):
        status (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExportList
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            dataset_name=dataset_name,
            status=status,
        )
    ).parsed
