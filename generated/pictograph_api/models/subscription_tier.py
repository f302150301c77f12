from typing import Literal

SubscriptionTier = Literal["core", "enterprise", "free", "pro", "team"]

SUBSCRIPTION_TIER_VALUES: set[SubscriptionTier] = {
    "core",
    "enterprise",
    "free",
    "pro",
    "team",
}


def check_subscription_tier(value: str) -> SubscriptionTier:
    if value in SUBSCRIPTION_TIER_VALUES:
        return value
    raise TypeError(
        f"Unexpected value {value!r}. Expected one of {SUBSCRIPTION_TIER_VALUES!r}"
    )
