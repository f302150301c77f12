"""The local server's fast parameter check may only ever pass what openapi-core passes, with the same values.

``Spec.fast_parameters`` reads the plainest spellings of query, path and header parameters itself (openapi-core
took ~3 ms a call to unmarshal them) and says ``None`` in any doubt, leaving the call to openapi-core. So what
matters: whatever it passes, openapi-core finds no problem with and unmarshals to the same query dict (defaults
filled in). Checked for every operation of the spec on random parameter sets, valid and not.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pictograph.testing._spec import Match, Spec

_SPEC = Spec()
_SLOW = Spec()
_SLOW.fast_parameters = lambda *args: None  # type: ignore[method-assign]  # openapi-core alone

_ROUTES = [r for r in _SPEC.routes if not r.has_body]  # the parameters alone decide these calls

_VALUES = st.one_of(
    st.sampled_from(["0", "1", "5", "007", "100", "101", "1000", "10000", "10001", "-1", "+5", " 5", "5 ", "1e3",
                     "0.5", "1.0", "-0.25", "2", ".5", "true", "false", "True", "1", "yes", "", "x", "all",
                     "new", "annotated", "train", "val", "test", "full", "images_only", "/", "/a b", "é",
                     "0123456789abcdef0123456789abcdef", "0123456789ABCDEF0123456789ABCDEF", "abc", "99999999999999999999"]),
    st.text(max_size=6),
)


@st.composite
def _calls(draw: st.DrawFn) -> tuple[Match, list[tuple[str, str]], dict[str, str]]:
    route = draw(st.sampled_from(_ROUTES))
    path_params = {name: draw(st.sampled_from(["d", "ds-1", "a/b.jpg", "x" * 3])) for name in route.params}
    names = [*sorted(route.query_names), "unknown"]
    pairs = [(draw(st.sampled_from(names)), draw(_VALUES)) for _ in range(draw(st.integers(0, 4)))]
    headers = {"idempotency-key": draw(_VALUES)} if draw(st.booleans()) else {}
    return Match(route, path_params), pairs, headers


@settings(max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(_calls())
def test_what_the_fast_check_passes_openapi_core_passes_with_the_same_values(
    call: tuple[Match, list[tuple[str, str]], dict[str, str]],
) -> None:
    match, pairs, headers = call
    fast = _SPEC.fast_parameters(match, pairs, headers)
    if fast is None:
        return
    slow = _SLOW.validate_request(match, pairs, headers, b"", "")
    assert slow.problems == []
    assert slow.query == fast
    assert {k: type(v) for k, v in slow.query.items()} == {k: type(v) for k, v in fast.items()}


def test_usual_calls_take_the_fast_path_and_get_the_same_outcome() -> None:
    cases: list[tuple[str, str, list[tuple[str, str]], dict[str, Any]]] = [
        ("GET", "/images/", [("dataset", "d"), ("directory_path", "/a"), ("limit", "100"), ("offset", "0")], {}),
        ("GET", "/images/", [("dataset", "d"), ("include_archived", "true"), ("min_confidence_lt", "0.5")], {}),
        ("GET", "/datasets/d/download", [("mode", "images_only"), ("limit", "10000")], {}),
        ("GET", "/datasets/", [], {}),
        ("DELETE", "/images/d/a/b.jpg", [("permanent", "false")], {"idempotency-key": "0123456789abcdef" * 2}),
    ]
    for method, path, pairs, headers in cases:
        match, _ = _SPEC.match(method, path)
        assert match is not None, path
        fast = _SPEC.fast_parameters(match, pairs, headers)
        assert fast is not None, (path, pairs)
        outcome = _SPEC.validate_request(match, pairs, headers, b"", "")
        slow = _SLOW.validate_request(match, pairs, headers, b"", "")
        assert outcome.problems == slow.problems == []
        assert outcome.query == slow.query == fast


def test_refused_parameters_still_get_openapi_cores_problems() -> None:
    match, _ = _SPEC.match("GET", "/images/")
    assert match is not None
    for pairs in ([("dataset", "d"), ("limit", "0")], [("dataset", "d"), ("limit", "abc")], [("limit", "5")],
                  [("dataset", "d"), ("include_archived", "maybe")]):
        assert _SPEC.fast_parameters(match, pairs, {}) is None
        outcome = _SPEC.validate_request(match, pairs, {}, b"", "")
        slow = _SLOW.validate_request(match, pairs, {}, b"", "")
        assert outcome.problems and [(p.loc, p.msg) for p in outcome.problems] == [
            (p.loc, p.msg) for p in slow.problems]
