from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.image_list import ImageList
from ...models.image_split import ImageSplit
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    dataset: str,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    directory_path: str | Unset = UNSET,
    filename: str | Unset = UNSET,
    status: str | Unset = UNSET,
    split: ImageSplit | Unset = UNSET,
    include_archived: bool | Unset = UNSET,
    min_confidence_lt: float | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["dataset"] = dataset

    params["limit"] = limit

    params["offset"] = offset

    params["directory_path"] = directory_path

    params["filename"] = filename

    params["status"] = status

    json_split: str | Unset = UNSET
    if not isinstance(split, Unset):
        json_split = split

    params["split"] = json_split

    params["include_archived"] = include_archived

    params["min_confidence_lt"] = min_confidence_lt

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/images/",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ImageList | None:
    if response.status_code == 200:
        response_200 = ImageList.from_dict(response.json())

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
) -> Response[ErrorResponse | ImageList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    dataset: str,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    directory_path: str | Unset = UNSET,
    filename: str | Unset = UNSET,
    status: str | Unset = UNSET,
    split: ImageSplit | Unset = UNSET,
    include_archived: bool | Unset = UNSET,
    min_confidence_lt: float | Unset = UNSET,
) -> Response[ErrorResponse | ImageList]:
    """List the images of one dataset, newest first, one page.

     Any query key not listed here is rejected with 400/422.

    Args:
        dataset (str):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        directory_path (str | Unset):
        filename (str | Unset):
        status (str | Unset):
        split (ImageSplit | Unset):
        include_archived (bool | Unset):
        min_confidence_lt (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ImageList]
    """

    request = _get_kwargs(
        dataset=dataset,
        limit=limit,
        offset=offset,
        directory_path=directory_path,
        filename=filename,
        status=status,
        split=split,
        include_archived=include_archived,
        min_confidence_lt=min_confidence_lt,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    dataset: str,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    directory_path: str | Unset = UNSET,
    filename: str | Unset = UNSET,
    status: str | Unset = UNSET,
    split: ImageSplit | Unset = UNSET,
    include_archived: bool | Unset = UNSET,
    min_confidence_lt: float | Unset = UNSET,
) -> Response[ErrorResponse | ImageList]:
    """List the images of one dataset, newest first, one page.

     Any query key not listed here is rejected with 400/422.

    Args:
        dataset (str):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        directory_path (str | Unset):
        filename (str | Unset):
        status (str | Unset):
        split (ImageSplit | Unset):
        include_archived (bool | Unset):
        min_confidence_lt (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ImageList]
    """

    request = _get_kwargs(
        dataset=dataset,
        limit=limit,
        offset=offset,
        directory_path=directory_path,
        filename=filename,
        status=status,
        split=split,
        include_archived=include_archived,
        min_confidence_lt=min_confidence_lt,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    dataset: str,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    directory_path: str | Unset = UNSET,
    filename: str | Unset = UNSET,
    status: str | Unset = UNSET,
    split: ImageSplit | Unset = UNSET,
    include_archived: bool | Unset = UNSET,
    min_confidence_lt: float | Unset = UNSET,
) -> ErrorResponse | ImageList | None:
    """List the images of one dataset, newest first, one page.

     Any query key not listed here is rejected with 400/422.

    Args:
        dataset (str):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        directory_path (str | Unset):
        filename (str | Unset):
        status (str | Unset):
        split (ImageSplit | Unset):
        include_archived (bool | Unset):
        min_confidence_lt (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ImageList
    """

    return sync_detailed(
        client=client,
        dataset=dataset,
        limit=limit,
        offset=offset,
        directory_path=directory_path,
        filename=filename,
        status=status,
        split=split,
        include_archived=include_archived,
        min_confidence_lt=min_confidence_lt,
    ).parsed


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    dataset: str,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    directory_path: str | Unset = UNSET,
    filename: str | Unset = UNSET,
    status: str | Unset = UNSET,
    split: ImageSplit | Unset = UNSET,
    include_archived: bool | Unset = UNSET,
    min_confidence_lt: float | Unset = UNSET,
) -> ErrorResponse | ImageList | None:
    """List the images of one dataset, newest first, one page.

     Any query key not listed here is rejected with 400/422.

    Args:
        dataset (str):
        limit (int | Unset):  Default: 100.
        offset (int | Unset):  Default: 0.
        directory_path (str | Unset):
        filename (str | Unset):
        status (str | Unset):
        split (ImageSplit | Unset):
        include_archived (bool | Unset):
        min_confidence_lt (float | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ImageList
    """

    return (
        await asyncio_detailed(
            client=client,
            dataset=dataset,
            limit=limit,
            offset=offset,
            directory_path=directory_path,
            filename=filename,
            status=status,
            split=split,
            include_archived=include_archived,
            min_confidence_lt=min_confidence_lt,
        )
    ).parsed
