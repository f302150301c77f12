from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.credit_history_entry_metadata_type_0 import (
        CreditHistoryEntryMetadataType0,
    )


T = TypeVar("T", bound="CreditHistoryEntry")


@_attrs_define
class CreditHistoryEntry:
    """
    Attributes:
        id (str):
        operation (str):
        amount (int): Signed micro-USD.
        created_at (datetime.datetime):
        balance_after (int | None | Unset):
        description (None | str | Unset):
        metadata (CreditHistoryEntryMetadataType0 | None | Unset):
    """

    id: str
    operation: str
    amount: int
    created_at: datetime.datetime
    balance_after: int | None | Unset = UNSET
    description: None | str | Unset = UNSET
    metadata: CreditHistoryEntryMetadataType0 | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from ..models.credit_history_entry_metadata_type_0 import (
            CreditHistoryEntryMetadataType0,  # noqa: PLC0415
        )

        id = self.id

        operation = self.operation

        amount = self.amount

        created_at = self.created_at.isoformat()

        balance_after: int | None | Unset
        if isinstance(self.balance_after, Unset):
            balance_after = UNSET
        else:
            balance_after = self.balance_after

        description: None | str | Unset
        if isinstance(self.description, Unset):
            description = UNSET
        else:
            description = self.description

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, CreditHistoryEntryMetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "operation": operation,
                "amount": amount,
                "created_at": created_at,
            }
        )
        if balance_after is not UNSET:
            field_dict["balance_after"] = balance_after
        if description is not UNSET:
            field_dict["description"] = description
        if metadata is not UNSET:
            field_dict["metadata"] = metadata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.credit_history_entry_metadata_type_0 import (
            CreditHistoryEntryMetadataType0,  # noqa: PLC0415
        )

        d = dict(src_dict)
        id = d.pop("id")

        operation = d.pop("operation")

        amount = d.pop("amount")

        created_at = datetime.datetime.fromisoformat(d.pop("created_at"))

        def _parse_balance_after(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        balance_after = _parse_balance_after(d.pop("balance_after", UNSET))

        def _parse_description(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        description = _parse_description(d.pop("description", UNSET))

        def _parse_metadata(
            data: object,
        ) -> CreditHistoryEntryMetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                metadata_type_0 = CreditHistoryEntryMetadataType0.from_dict(data)

                return metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(CreditHistoryEntryMetadataType0 | None | Unset, data)

        metadata = _parse_metadata(d.pop("metadata", UNSET))

        credit_history_entry = cls(
            id=id,
            operation=operation,
            amount=amount,
            created_at=created_at,
            balance_after=balance_after,
            description=description,
            metadata=metadata,
        )

        credit_history_entry.additional_properties = d
        return credit_history_entry

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
