from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credit_history_entry import CreditHistoryEntry


T = TypeVar("T", bound="CreditBalance")


@_attrs_define
class CreditBalance:
    """Amounts in micro-USD (1 USD = 1,000,000).

    Attributes:
        included_allowance_micro_usd (int | Unset):  Default: 0.
        included_remaining_micro_usd (int | Unset):  Default: 0.
        budget_micro_usd (int | Unset):  Default: 0.
        budget_remaining_micro_usd (int | Unset):  Default: 0.
        period_spend_micro_usd (int | Unset):  Default: 0.
        period_overage_micro_usd (int | Unset):  Default: 0.
        period_start (datetime.datetime | None | Unset):
        credits_reset_at (datetime.datetime | None | Unset):
        credits_remaining (float | Unset): Older whole-dollar figure. Default: 0.0.
        credits_monthly_allowance (float | Unset): Older whole-dollar figure. Default: 0.0.
        recent_history (list[CreditHistoryEntry] | Unset):
    """

    included_allowance_micro_usd: int | Unset = 0
    included_remaining_micro_usd: int | Unset = 0
    budget_micro_usd: int | Unset = 0
    budget_remaining_micro_usd: int | Unset = 0
    period_spend_micro_usd: int | Unset = 0
    period_overage_micro_usd: int | Unset = 0
    period_start: datetime.datetime | None | Unset = UNSET
    credits_reset_at: datetime.datetime | None | Unset = UNSET
    credits_remaining: float | Unset = 0.0
    credits_monthly_allowance: float | Unset = 0.0
    recent_history: list[CreditHistoryEntry] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        included_allowance_micro_usd = self.included_allowance_micro_usd

        included_remaining_micro_usd = self.included_remaining_micro_usd

        budget_micro_usd = self.budget_micro_usd

        budget_remaining_micro_usd = self.budget_remaining_micro_usd

        period_spend_micro_usd = self.period_spend_micro_usd

        period_overage_micro_usd = self.period_overage_micro_usd

        period_start: None | str | Unset
        if isinstance(self.period_start, Unset):
            period_start = UNSET
        elif isinstance(self.period_start, datetime.datetime):
            period_start = self.period_start.isoformat()
        else:
            period_start = self.period_start

        credits_reset_at: None | str | Unset
        if isinstance(self.credits_reset_at, Unset):
            credits_reset_at = UNSET
        elif isinstance(self.credits_reset_at, datetime.datetime):
            credits_reset_at = self.credits_reset_at.isoformat()
        else:
            credits_reset_at = self.credits_reset_at

        credits_remaining = self.credits_remaining

        credits_monthly_allowance = self.credits_monthly_allowance

        recent_history: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.recent_history, Unset):
            recent_history = []
            for recent_history_item_data in self.recent_history:
                recent_history_item = recent_history_item_data.to_dict()
                recent_history.append(recent_history_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if included_allowance_micro_usd is not UNSET:
            field_dict["included_allowance_micro_usd"] = included_allowance_micro_usd
        if included_remaining_micro_usd is not UNSET:
            field_dict["included_remaining_micro_usd"] = included_remaining_micro_usd
        if budget_micro_usd is not UNSET:
            field_dict["budget_micro_usd"] = budget_micro_usd
        if budget_remaining_micro_usd is not UNSET:
            field_dict["budget_remaining_micro_usd"] = budget_remaining_micro_usd
        if period_spend_micro_usd is not UNSET:
            field_dict["period_spend_micro_usd"] = period_spend_micro_usd
        if period_overage_micro_usd is not UNSET:
            field_dict["period_overage_micro_usd"] = period_overage_micro_usd
        if period_start is not UNSET:
            field_dict["period_start"] = period_start
        if credits_reset_at is not UNSET:
            field_dict["credits_reset_at"] = credits_reset_at
        if credits_remaining is not UNSET:
            field_dict["credits_remaining"] = credits_remaining
        if credits_monthly_allowance is not UNSET:
            field_dict["credits_monthly_allowance"] = credits_monthly_allowance
        if recent_history is not UNSET:
            field_dict["recent_history"] = recent_history

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_history_entry import CreditHistoryEntry  # noqa: PLC0415

        d = dict(src_dict)
        included_allowance_micro_usd = d.pop("included_allowance_micro_usd", UNSET)

        included_remaining_micro_usd = d.pop("included_remaining_micro_usd", UNSET)

        budget_micro_usd = d.pop("budget_micro_usd", UNSET)

        budget_remaining_micro_usd = d.pop("budget_remaining_micro_usd", UNSET)

        period_spend_micro_usd = d.pop("period_spend_micro_usd", UNSET)

        period_overage_micro_usd = d.pop("period_overage_micro_usd", UNSET)

        def _parse_period_start(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                period_start_type_0 = datetime.datetime.fromisoformat(data)

                return period_start_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        period_start = _parse_period_start(d.pop("period_start", UNSET))

        def _parse_credits_reset_at(data: object) -> datetime.datetime | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                credits_reset_at_type_0 = datetime.datetime.fromisoformat(data)

                return credits_reset_at_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(datetime.datetime | None | Unset, data)

        credits_reset_at = _parse_credits_reset_at(d.pop("credits_reset_at", UNSET))

        credits_remaining = d.pop("credits_remaining", UNSET)

        credits_monthly_allowance = d.pop("credits_monthly_allowance", UNSET)

        _recent_history = d.pop("recent_history", UNSET)
        recent_history: list[CreditHistoryEntry] | Unset = UNSET
        if _recent_history is not UNSET:
            recent_history = []
            for recent_history_item_data in _recent_history:
                recent_history_item = CreditHistoryEntry.from_dict(
                    recent_history_item_data
                )

                recent_history.append(recent_history_item)

        credit_balance = cls(
            included_allowance_micro_usd=included_allowance_micro_usd,
            included_remaining_micro_usd=included_remaining_micro_usd,
            budget_micro_usd=budget_micro_usd,
            budget_remaining_micro_usd=budget_remaining_micro_usd,
            period_spend_micro_usd=period_spend_micro_usd,
            period_overage_micro_usd=period_overage_micro_usd,
            period_start=period_start,
            credits_reset_at=credits_reset_at,
            credits_remaining=credits_remaining,
            credits_monthly_allowance=credits_monthly_allowance,
            recent_history=recent_history,
        )

        credit_balance.additional_properties = d
        return credit_balance

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
