from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.annotation_list import AnnotationList
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    dataset: str,
    image_path: str,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/annotations/{dataset}/{image_path}".format(
            dataset=quote(str(dataset), safe=""),
            image_path="/".join(
                quote(part, safe="") for part in str(image_path).split("/")
            ),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AnnotationList | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = AnnotationList.from_dict(response.json())

        return response_200

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
) -> Response[AnnotationList | ErrorResponse]:
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
) -> Response[AnnotationList | ErrorResponse]:
    """Get an image's annotations (an image without any gives an empty list).

    Args:
        dataset (str):
        image_path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnnotationList | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        image_path=image_path,
    )
    response = client.get_httpx_client().request(**request)
    return _build_response(client=client, response=response)


async def asyncio_detailed(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
) -> Response[AnnotationList | ErrorResponse]:
    """Get an image's annotations (an image without any gives an empty list).

    Args:
        dataset (str):
        image_path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AnnotationList | ErrorResponse]
    """

    request = _get_kwargs(
        dataset=dataset,
        image_path=image_path,
    )
    response = await client.get_async_httpx_client().request(**request)
    return _build_response(client=client, response=response)


def sync(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
) -> AnnotationList | ErrorResponse | None:
    """Get an image's annotations (an image without any gives an empty list).

    Args:
        dataset (str):
        image_path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnnotationList | ErrorResponse
    """

    return sync_detailed(
        dataset=dataset,
        image_path=image_path,
        client=client,
    ).parsed


async def asyncio(
    dataset: str,
    image_path: str,
    *,
    client: AuthenticatedClient | Client,
) -> AnnotationList | ErrorResponse | None:
    """Get an image's annotations (an image without any gives an empty list).

    Args:
        dataset (str):
        image_path (str):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AnnotationList | ErrorResponse
    """

    return (
        await asyncio_detailed(
            dataset=dataset,
            image_path=image_path,
            client=client,
        )
    ).parsed
