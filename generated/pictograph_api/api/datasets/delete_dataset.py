from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dataset_delete_summary_envelope import DatasetDeleteSummaryEnvelope
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    dataset: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/datasets/{dataset}".format(
            dataset=quote(str(dataset), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | DatasetDeleteSummaryEnvelope | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DatasetDeleteSummaryEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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
) -> Response[Any | DatasetDeleteSummaryEnvelope | ErrorResponse]:
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
) -> Response[Any | DatasetDeleteSummaryEnvelope | ErrorResponse]:
    """Delete a dataset permanently, with its images and files (admin or owner).

    Args:
        dataset (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DatasetDeleteSummaryEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[Any | DatasetDeleteSummaryEnvelope | ErrorResponse]:
    """Delete a dataset permanently, with its images and files (admin or owner).

    Args:
        dataset (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | DatasetDeleteSummaryEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | DatasetDeleteSummaryEnvelope | ErrorResponse | None:
    """Delete a dataset permanently, with its images and files (admin or owner).

    Args:
        dataset (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DatasetDeleteSummaryEnvelope | ErrorResponse
    """

    return sync_detailed(
        dataset=dataset,
        client=client,
    ).parsed


async def asyncio(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
) -> Any | DatasetDeleteSummaryEnvelope | ErrorResponse | None:
    """Delete a dataset permanently, with its images and files (admin or owner).

    Args:
        dataset (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | DatasetDeleteSummaryEnvelope | ErrorResponse
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            client=client,
        )
    ).parsed
