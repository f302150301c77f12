"""The local Pictograph server (``pip install 'pictograph[server]'``): every operation of ``openapi.yaml``,
stateful, validated against the spec, with faults on demand.

Example::

    from pictograph.testing import MockServer

    with MockServer(seed="demo") as server:
        client = server.client()

Importing :mod:`pictograph` never imports this package; importing this package does not start or import the
server stack until :class:`MockServer` is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pictograph.testing._faults import Faults, FaultSettings
    from pictograph.testing._server import MockServer, OrganizationHandle
    from pictograph.testing._signing import Clock

__all__ = ["Clock", "FaultSettings", "Faults", "MockServer", "OrganizationHandle"]

_LAZY = {
    "MockServer": "pictograph.testing._server",
    "OrganizationHandle": "pictograph.testing._server",
    "Faults": "pictograph.testing._faults",
    "FaultSettings": "pictograph.testing._faults",
    "Clock": "pictograph.testing._signing",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'pictograph.testing' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)


def __dir__() -> list[str]:
    # The public names only: without this, dir() and completion also list this module's imports and helpers.
    return list(__all__)
