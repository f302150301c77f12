from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.download_listing_envelope import DownloadListingEnvelope
from ...models.download_mode import DownloadMode
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    dataset: str,
    *,
    mode: DownloadMode,
    limit: int | Unset = 10000,
    status_filter: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_mode: str = mode
    params["mode"] = json_mode

    params["limit"] = limit

    params["status_filter"] = status_filter

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/datasets/{dataset}/download".format(
            dataset=quote(str(dataset), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DownloadListingEnvelope | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DownloadListingEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

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
) -> Response[DownloadListingEnvelope | ErrorResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    mode: DownloadMode,
    limit: int | Unset = 10000,
    status_filter: str | Unset = UNSET,
) -> Response[DownloadListingEnvelope | ErrorResponse]:
    """List every file of a dataset with a signed image URL and an annotation URL.

     Not pageable. A listing of exactly `limit` (10000) items may be truncated.

    Args:
        dataset (str):
        mode (DownloadMode):
        limit (int | Unset):  Default: 10000.
        status_filter (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DownloadListingEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        mode=mode,
        limit=limit,
        status_filter=status_filter,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    mode: DownloadMode,
    limit: int | Unset = 10000,
    status_filter: str | Unset = UNSET,
) -> Response[DownloadListingEnvelope | ErrorResponse]:
    """List every file of a dataset with a signed image URL and an annotation URL.

     Not pageable. A listing of exactly `limit` (10000) items may be truncated.

    Args:
        dataset (str):
        mode (DownloadMode):
        limit (int | Unset):  Default: 10000.
        status_filter (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DownloadListingEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        mode=mode,
        limit=limit,
        status_filter=status_filter,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    mode: DownloadMode,
    limit: int | Unset = 10000,
    status_filter: str | Unset = UNSET,
) -> DownloadListingEnvelope | ErrorResponse | None:
    """List every file of a dataset with a signed image URL and an annotation URL.

     Not pageable. A listing of exactly `limit` (10000) items may be truncated.

    Args:
        dataset (str):
        mode (DownloadMode):
        limit (int | Unset):  Default: 10000.
        status_filter (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DownloadListingEnvelope | ErrorResponse
    """

    return sync_detailed(
        dataset=dataset,
        client=client,
        mode=mode,
        limit=limit,
        status_filter=status_filter,
    ).parsed


async def asyncio(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    mode: DownloadMode,
    limit: int | Unset = 10000,
    status_filter: str | Unset = UNSET,
) -> DownloadListingEnvelope | ErrorResponse | None:
    """List every file of a dataset with a signed image URL and an annotation URL.

     Not pageable. A listing of exactly `limit` (10000) items may be truncated.

    Args:
        dataset (str):
        mode (DownloadMode):
        limit (int | Unset):  Default: 10000.
        status_filter (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DownloadListingEnvelope | ErrorResponse
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            client=client,
            mode=mode,
            limit=limit,
            status_filter=status_filter,
        )
    ).parsed
