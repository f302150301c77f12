from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...types import UNSET, Response, Unset


def _get_kwargs(
    dataset: str,
    image_path: str,
    *,
    permanent: bool | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["permanent"] = permanent

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/images/{dataset}/{image_path}".format(
            dataset=quote(str(dataset), safe=""),
            image_path="/".join(
                quote(part, safe="") for part in str(image_path).split("/")
            ),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = cast(Any, None)
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
) -> Response[Any | ErrorResponse]:
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
    permanent: bool | Unset = UNSET,
) -> Response[Any | ErrorResponse]:
    """Archive an image (soft delete), or delete it for good with `permanent=true` (admin or owner).

    Args:
        dataset (str):
        image_path (str):
        permanent (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        image_path=image_path,
        permanent=permanent,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    permanent: bool | Unset = UNSET,
) -> Response[Any | ErrorResponse]:
    """Archive an image (soft delete), or delete it for good with `permanent=true` (admin or owner).

    Args:
        dataset (str):
        image_path (str):
        permanent (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        image_path=image_path,
        permanent=permanent,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    permanent: bool | Unset = UNSET,
) -> Any | ErrorResponse | None:
    """Archive an image (soft delete), or delete it for good with `permanent=true` (admin or owner).

    Args:
        dataset (str):
        image_path (str):
        permanent (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return sync_detailed(
        dataset=dataset,
        image_path=image_path,
        client=client,
        permanent=permanent,
    ).parsed


async def asyncio(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
    permanent: bool | Unset = UNSET,
) -> Any | ErrorResponse | None:
    """Archive an image (soft delete), or delete it for good with `permanent=true` (admin or owner).

    Args:
        dataset (str):
        image_path (str):
        permanent (bool | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ErrorResponse
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            image_path=image_path,
            client=client,
            permanent=permanent,
        )
    ).parsed
