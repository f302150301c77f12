from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.subscription_tier import SubscriptionTier, check_subscription_tier
from ..types import UNSET, Unset

T = TypeVar("T", bound="Organization")


@_attrs_define
class Organization:
    """
    Attributes:
        id (str):
        name (str):
        slug (None | str | Unset):
        subscription_tier (None | str | SubscriptionTier | Unset):
        max_users (int | None | Unset): Null means no cap.
        max_images (int | None | Unset):
        max_storage_bytes (int | None | Unset):
    """

    id: str
    name: str
    slug: None | str | Unset = UNSET
    subscription_tier: None | str | SubscriptionTier | Unset = UNSET
    max_users: int | None | Unset = UNSET
    max_images: int | None | Unset = UNSET
    max_storage_bytes: int | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        name = self.name

        slug: None | str | Unset
        if isinstance(self.slug, Unset):
            slug = UNSET
        else:
            slug = self.slug

        subscription_tier: None | str | Unset
        if isinstance(self.subscription_tier, Unset):
            subscription_tier = UNSET
        elif isinstance(self.subscription_tier, str):
            subscription_tier = self.subscription_tier
        else:
            subscription_tier = self.subscription_tier

        max_users: int | None | Unset
        if isinstance(self.max_users, Unset):
            max_users = UNSET
        else:
            max_users = self.max_users

        max_images: int | None | Unset
        if isinstance(self.max_images, Unset):
            max_images = UNSET
        else:
            max_images = self.max_images

        max_storage_bytes: int | None | Unset
        if isinstance(self.max_storage_bytes, Unset):
            max_storage_bytes = UNSET
        else:
            max_storage_bytes = self.max_storage_bytes

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
                "name": name,
            }
        )
        if slug is not UNSET:
            field_dict["slug"] = slug
        if subscription_tier is not UNSET:
            field_dict["subscription_tier"] = subscription_tier
        if max_users is not UNSET:
            field_dict["max_users"] = max_users
        if max_images is not UNSET:
            field_dict["max_images"] = max_images
        if max_storage_bytes is not UNSET:
            field_dict["max_storage_bytes"] = max_storage_bytes

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = d.pop("id")

        name = d.pop("name")

        def _parse_slug(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        slug = _parse_slug(d.pop("slug", UNSET))

        def _parse_subscription_tier(
            data: object,
        ) -> None | str | SubscriptionTier | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, str):
                    raise TypeError()
                subscription_tier_type_0 = check_subscription_tier(data)

                return subscription_tier_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(None | str | SubscriptionTier | Unset, data)

        subscription_tier = _parse_subscription_tier(d.pop("subscription_tier", UNSET))

        def _parse_max_users(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_users = _parse_max_users(d.pop("max_users", UNSET))

        def _parse_max_images(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_images = _parse_max_images(d.pop("max_images", UNSET))

        def _parse_max_storage_bytes(data: object) -> int | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(int | None | Unset, data)

        max_storage_bytes = _parse_max_storage_bytes(d.pop("max_storage_bytes", UNSET))

        organization = cls(
            id=id,
            name=name,
            slug=slug,
            subscription_tier=subscription_tier,
            max_users=max_users,
            max_images=max_images,
            max_storage_bytes=max_storage_bytes,
        )

        organization.additional_properties = d
        return organization

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
