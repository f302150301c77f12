"""What the running server shares between the app, the job worker and the Python handle; plans and roles.

Plan caps (the product documents name the plans and say that caps exist, not their sizes; these are ours and
reported by ``GET /organizations/me``).  ``None`` means no cap.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pictograph.testing._budget import RequestCounter
from pictograph.testing._faults import Faults
from pictograph.testing._signing import Clock, Signer
from pictograph.testing._spec import Spec
from pictograph.testing._storage import Storage, new_id, utcnow_iso

GIB = 1024**3

TIERS: dict[str, dict[str, int | None]] = {
    "free": {"max_users": 3, "max_images": 1000, "max_storage_bytes": 1 * GIB, "max_datasets": 10,
             "allowance": 5_000_000},
    "core": {"max_users": 10, "max_images": 10_000, "max_storage_bytes": 10 * GIB, "max_datasets": 50,
             "allowance": 25_000_000},
    "pro": {"max_users": 25, "max_images": 100_000, "max_storage_bytes": 100 * GIB, "max_datasets": 500,
            "allowance": 100_000_000},
    "team": {"max_users": 100, "max_images": 500_000, "max_storage_bytes": 1000 * GIB, "max_datasets": 2000,
             "allowance": 250_000_000},
    "enterprise": {"max_users": None, "max_images": None, "max_storage_bytes": None, "max_datasets": None,
                   "allowance": 1_000_000_000},
}

ROLES = ("viewer", "member", "admin", "owner")
ROLE_RANK = {name: rank for rank, name in enumerate(ROLES)}


def new_api_key() -> str:
    return "pk_live_" + secrets.token_hex(16)


@dataclass
class ServerState:
    """Everything a request or a job needs."""

    storage: Storage
    spec: Spec
    faults: Faults
    clock: Clock
    signer: Signer
    providers_dir: Path | None
    requests: RequestCounter
    validate_responses: bool = False
    response_problems: list[str] = field(default_factory=list)
    jobs: Any = None  # the JobRunner, set once it exists

    def caps(self, org: dict[str, Any]) -> dict[str, int | None]:
        caps = dict(TIERS.get(org["tier"], TIERS["free"]))
        caps.update(org.get("caps") or {})
        return caps

    def add_organization(self, name: str, tier: str = "pro", *, role: str = "owner", api_key: str | None = None,
                         caps: dict[str, int | None] | None = None) -> tuple[str, str]:
        """Create an organization with one key; returns ``(org_id, api_key)``."""
        if tier not in TIERS:
            raise ValueError(f"tier must be one of {', '.join(TIERS)}")
        org_id = new_id()
        slug = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-") or org_id[:8]
        self.storage.insert("orgs", {"id": org_id, "name": name, "slug": slug, "tier": tier,
                                     "caps": caps or {}, "created_at": utcnow_iso()})
        return org_id, self.add_key(org_id, role, api_key)

    def add_key(self, org_id: str, role: str, api_key: str | None = None) -> str:
        if role not in ROLE_RANK:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        key = api_key or new_api_key()
        self.storage.execute("INSERT OR REPLACE INTO api_keys (key, org_id, role) VALUES (?, ?, ?)",
                             key, org_id, role)
        return key
