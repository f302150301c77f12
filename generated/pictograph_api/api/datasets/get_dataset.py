from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.dataset_envelope import DatasetEnvelope
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    dataset: str,
    *,
    include_images: bool | Unset = UNSET,
    images_limit: int | Unset = 1000,
    images_offset: int | Unset = 0,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["include_images"] = include_images

    params["images_limit"] = images_limit

    params["images_offset"] = images_offset

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/datasets/{dataset}".format(
            dataset=quote(str(dataset), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DatasetEnvelope | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = DatasetEnvelope.from_dict(response.json())

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
) -> Response[DatasetEnvelope | ErrorResponse]:
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
    include_images: bool | Unset = UNSET,
    images_limit: int | Unset = 1000,
    images_offset: int | Unset = 0,
) -> Response[DatasetEnvelope | ErrorResponse]:
    """Get one dataset by name or UUID, optionally with a page of its images.

    Args:
        dataset (str):
        include_images (bool | Unset):
        images_limit (int | Unset):  Default: 1000.
        images_offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        include_images=include_images,
        images_limit=images_limit,
        images_offset=images_offset,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    include_images: bool | Unset = UNSET,
    images_limit: int | Unset = 1000,
    images_offset: int | Unset = 0,
) -> Response[DatasetEnvelope | ErrorResponse]:
    """Get one dataset by name or UUID, optionally with a page of its images.

    Args:
        dataset (str):
        include_images (bool | Unset):
        images_limit (int | Unset):  Default: 1000.
        images_offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DatasetEnvelope | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        include_images=include_images,
        images_limit=images_limit,
        images_offset=images_offset,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    include_images: bool | Unset = UNSET,
    images_limit: int | Unset = 1000,
    images_offset: int | Unset = 0,
) -> DatasetEnvelope | ErrorResponse | None:
    """Get one dataset by name or UUID, optionally with a page of its images.

    Args:
        dataset (str):
        include_images (bool | Unset):
        images_limit (int | Unset):  Default: 1000.
        images_offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetEnvelope | ErrorResponse
    """

    return sync_detailed(
        dataset=dataset,
        client=client,
        include_images=include_images,
        images_limit=images_limit,
        images_offset=images_offset,
    ).parsed


async def asyncio(
    dataset: str,
    *,
    client: AuthenticatedClient | Client,
    include_images: bool | Unset = UNSET,
    images_limit: int | Unset = 1000,
    images_offset: int | Unset = 0,
) -> DatasetEnvelope | ErrorResponse | None:
    """Get one dataset by name or UUID, optionally with a page of its images.

    Args:
        dataset (str):
        include_images (bool | Unset):
        images_limit (int | Unset):  Default: 1000.
        images_offset (int | Unset):  Default: 0.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DatasetEnvelope | ErrorResponse
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            client=client,
            include_images=include_images,
            images_limit=images_limit,
            images_offset=images_offset,
        )
    ).parsed
