"""Stateful schemathesis run: sequences follow the spec's links (create dataset → get → delete; start import →
status) against the local server, with every response validated against openapi.yaml.

Each sequence gets a fresh server: with one shared server, a replayed sequence meets the state an earlier one
left (a name taken, a dataset gone), answers differently, and Hypothesis rightly reports the generation as
inconsistent."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import positive_data_acceptance  # noqa: E402

from pictograph.testing import MockServer  # noqa: E402
from pictograph.testing._spec import find_spec_file  # noqa: E402

schema = schemathesis.openapi.from_dict(yaml.safe_load(find_spec_file().read_text(encoding="utf-8")))

_state: dict[str, MockServer] = {}
_problems: list[Any] = []


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def setup(self) -> None:
        server = MockServer(seed="demo", validate_responses=True)
        server.__enter__()
        _state["server"] = server

    def teardown(self) -> None:
        server = _state.pop("server", None)
        if server is not None:
            _problems.extend(server.response_problems)
            server.__exit__(None, None, None)

    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        srv = _state["server"]
        return {"base_url": srv.api_url, "headers": {"X-API-Key": srv.api_key}}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, excluded_checks=[positive_data_acceptance])


def test_linked_sequences_conform() -> None:
    _problems.clear()
    Workflow.run(settings=settings(max_examples=15, stateful_step_count=4, deadline=None, database=None,
                                   derandomize=True, suppress_health_check=list(HealthCheck)))
    assert _problems == []
