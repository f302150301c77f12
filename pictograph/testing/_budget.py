"""How many API requests each organization sent, and an optional hourly request budget per organization.

Every request to the developer API (``/api/v1/developer/...``) is counted once, as it arrives, before faults,
validation or the handler: answered, refused or failed, the client sent it. Requests to signed storage URLs and
to ``/_admin`` are not API requests and are never counted. A request whose ``X-API-Key`` names no organization
counts only in the total.

With a budget set, an organization's window opens at its first request and lasts an hour of the server's
:class:`~pictograph.testing._signing.Clock` (so ``server.clock.advance(3600)`` ends it). Once the budget is spent,
every further request of the window is refused with 429 and ``Retry-After`` = the whole seconds left in the
window, over 120 s for all but the window's last two minutes, so the SDK stops instead of retrying (docs/wire-protocol.md §1.7).
Refused requests are counted but spend nothing.

The budget is one number for every organization, ``"plan"`` (the rate of each organization's plan,
docs/wire-protocol.md §1.11), or ``None`` (no budget, the default); one organization can be given its own.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, TypeAlias

from pictograph.testing._signing import Clock

WINDOW_SECONDS = 3600
# Requests per hour by plan: docs/wire-protocol.md §1.11 names free, core, pro and enterprise; team is ours, in between.
PLAN_REQUESTS_PER_HOUR: Mapping[str, int] = {"free": 1000, "core": 5000, "pro": 20_000, "team": 50_000,
                                             "enterprise": 100_000}

Budget: TypeAlias = "int | Literal['plan'] | None"


def check_budget(value: object, what: str = "request_budget") -> Budget:
    """``value`` when it is a valid budget, else ``ValueError`` saying what is accepted."""
    if value is None:
        return None
    if value == "plan":
        return "plan"
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{what} must be a whole number of requests per hour (0 or more), 'plan' for the rate "
                         f"of each organization's plan, or None for no budget; got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Refusal:
    """Why a request was refused: the organization's hourly budget and the seconds until its window ends."""

    limit: int
    retry_after: int


class RequestCounter:
    """The per-organization request counts and budgets of one server (thread-safe)."""

    def __init__(self, clock: Clock, budget: Budget = None) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._default: Budget = check_budget(budget)
        self._own: dict[str, Budget] = {}
        self._windows: dict[str, tuple[float, int]] = {}  # org id -> (window start, requests admitted)
        self._counts: dict[str, int] = {}
        self._total = 0

    def set_budget(self, budget: Budget, organization_id: str | None = None) -> None:
        """Set the budget of every organization, or of one; the windows concerned start again, unspent."""
        budget = check_budget(budget, "budget")
        with self._lock:
            if organization_id is None:
                self._default = budget
                self._own.clear()
                self._windows.clear()
            else:
                self._own[organization_id] = budget
                self._windows.pop(organization_id, None)

    def renew(self, organization_id: str | None = None) -> None:
        """Start the budget windows (of every organization, or of one) again, as if the hour had passed."""
        with self._lock:
            if organization_id is None:
                self._windows.clear()
            else:
                self._windows.pop(organization_id, None)

    def limit(self, organization_id: str, tier: str) -> int | None:
        with self._lock:
            return self._limit(organization_id, tier)

    def _limit(self, organization_id: str, tier: str) -> int | None:
        budget = self._own.get(organization_id, self._default)
        if budget == "plan":
            return PLAN_REQUESTS_PER_HOUR.get(tier, PLAN_REQUESTS_PER_HOUR["free"])
        return budget

    def arrive(self, organization_id: str | None, tier: str = "free") -> Refusal | None:
        """Count one API request; a :class:`Refusal` when the organization's budget for the hour is spent."""
        with self._lock:
            self._total += 1
            if organization_id is None:
                return None
            self._counts[organization_id] = self._counts.get(organization_id, 0) + 1
            limit = self._limit(organization_id, tier)
            if limit is None:
                return None
            now = self._clock.now()
            start, used = self._windows.get(organization_id, (now, 0))
            if now - start >= WINDOW_SECONDS:
                start, used = now, 0
            if used >= limit:
                self._windows[organization_id] = (start, used)
                return Refusal(limit, max(1, math.ceil(start + WINDOW_SECONDS - now)))
            self._windows[organization_id] = (start, used + 1)
            return None

    def used(self, organization_id: str) -> int:
        """Requests admitted in the organization's current budget window (0 when none is open)."""
        with self._lock:
            window = self._windows.get(organization_id)
            if window is None or self._clock.now() - window[0] >= WINDOW_SECONDS:
                return 0
            return window[1]

    def count(self, organization_id: str) -> int:
        """API requests the organization sent since start or the last :meth:`reset_counts`."""
        with self._lock:
            return self._counts.get(organization_id, 0)

    def counts(self) -> dict[str, int]:
        with self._lock:
            return dict(self._counts)

    @property
    def total(self) -> int:
        """Every API request since start or the last reset, whatever its key."""
        with self._lock:
            return self._total

    def reset_counts(self) -> None:
        """Zero the request counts (budget windows are left as they are: see :meth:`renew`)."""
        with self._lock:
            self._counts.clear()
            self._total = 0
