"""Stateful schemathesis run: sequences follow the spec's links (create dataset → get → delete; start import →
status) against the local server, with every response validated against openapi.yaml."""

from __future__ import annotations

from collections.abc import Iterator
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


@pytest.fixture(scope="module", autouse=True)
def stateful_server() -> Iterator[MockServer]:
    with MockServer(seed="demo", validate_responses=True) as srv:
        _state["server"] = srv
        yield srv
        assert srv.response_problems == []
    _state.clear()


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        srv = _state["server"]
        return {"base_url": srv.api_url, "headers": {"X-API-Key": srv.api_key}}

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(response, excluded_checks=[positive_data_acceptance])


def test_linked_sequences_conform() -> None:
    Workflow.run(settings=settings(max_examples=15, stateful_step_count=4, deadline=None,
                                   suppress_health_check=list(HealthCheck)))
