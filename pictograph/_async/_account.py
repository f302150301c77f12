"""``client.organizations`` and ``client.credits`` (docs/wire-protocol.md §7, §8.8): read-only account information."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pictograph_api.api.credits_ import get_credit_balance
from pictograph_api.api.organizations import get_my_organization

from pictograph._model_base import build
from pictograph._protocol import unwrap
from pictograph.models import CreditBalance, Organization

if TYPE_CHECKING:
    from pictograph._async._client import AsyncClient


class AsyncOrganizations:
    """The organization the API key belongs to."""

    def __init__(self, client: AsyncClient) -> None:
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def me(self) -> Organization:
        """The key's organization: name, plan tier and caps (``None`` = no cap).

        Example::

            org = client.organizations.me()
            print(org.name, org.subscription_tier)
        """
        response = await self._transport.send(get_my_organization._get_kwargs())
        return build(Organization, unwrap(response.status_code, response.content, "organization", "Organization"))


class AsyncCredits:
    """The organization's credit balance."""

    def __init__(self, client: AsyncClient) -> None:
        self._transport = client._transport

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"

    async def balance(self) -> CreditBalance:
        """The credit balance and recent movements, in micro-USD.

        Example::

            balance = client.credits.balance()
            print(balance.included_remaining_micro_usd / 1_000_000, "USD left")
        """
        response = await self._transport.send(get_credit_balance._get_kwargs())
        payload = unwrap(response.status_code, response.content, "data", "CreditBalance")
        return build(CreditBalance, {} if payload is None else payload)
