"""Routes and validation of the local server, both read from ``openapi.yaml``.

Why openapi-core: it validates a request and a response against an OpenAPI 3.1 document without owning the web
framework.  We keep our own raw-path router (``{image_path}`` spans several segments and a dataset name may hold
``%2F``, which framework routers decode too early) and hand openapi-core a request object that already carries
the matched path template and parameters.  connexion 3 would have wanted to own the routing and the ASGI app.
Nothing here repeats a schema: routes, parameters, bodies and responses all come from the spec file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import yaml

API_PREFIX = "/api/v1/developer"
_SPEC_HOST = "https://api.pictograph.io"
_METHODS = ("get", "post", "put", "patch", "delete")


def find_spec_file() -> Path:
    """The ``openapi.yaml`` the local server validates against.

    An installed wheel carries it inside this package (``pictograph/testing/openapi.yaml``, put there by the
    build: see ``force-include`` in pyproject.toml); a source checkout, editable installs included, has its one
    copy at the repository root, two levels above this file.
    """
    packaged = resources.files("pictograph.testing").joinpath("openapi.yaml")
    if isinstance(packaged, Path) and packaged.is_file():
        return packaged
    checkout = Path(__file__).resolve().parents[2] / "openapi.yaml"
    if checkout.is_file():
        return checkout
    raise FileNotFoundError(
        f"openapi.yaml is missing: the local server needs the API spec, looked for at {packaged} (installed "
        f"package) and {checkout} (source checkout); reinstall pictograph from its wheel or sdist, which ship it")


@dataclass(frozen=True)
class Route:
    """One operation of the spec: method, path template and the compiled matcher."""

    method: str
    template: str
    operation_id: str
    regex: re.Pattern[str]
    params: tuple[str, ...]
    query_names: frozenset[str]
    has_body: bool
    statuses: frozenset[str]
    rank: tuple[int, int, int]


@dataclass
class Match:
    route: Route
    path_params: dict[str, str]


@dataclass
class FieldProblem:
    loc: list[str | int]
    msg: str


@dataclass
class ValidationOutcome:
    problems: list[FieldProblem] = field(default_factory=list)
    query: dict[str, Any] = field(default_factory=dict)


def _compile(template: str, multi: set[str]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    parts: list[str] = []
    names: list[str] = []
    pos = 0
    for m in re.finditer(r"\{([^}]+)\}", template):
        parts.append(re.escape(template[pos:m.start()]))
        name = m.group(1)
        names.append(name)
        parts.append(f"(?P<{name}>.+)" if name in multi else f"(?P<{name}>[^/]+)")
        pos = m.end()
    parts.append(re.escape(template[pos:]))
    return re.compile("^" + "".join(parts) + "$"), tuple(names)


_BAD = object()  # a parameter value the fast check does not accept (openapi-core then decides)
_FAST_TYPES = frozenset({"string", "integer", "number", "boolean"})
_FAST_KEYWORDS = frozenset({"type", "description", "default", "minimum", "maximum", "minLength", "enum", "pattern"})
_FAST_PARAM_KEYS = frozenset({"name", "in", "schema", "description", "required", "x-pictograph-multi-segment"})
_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")


@dataclass(frozen=True)
class _ParamRule:
    """One parameter as the fast check reads it."""

    name: str
    kind: str
    required: bool
    schema: dict[str, Any]

    def read(self, raw: str) -> Any:
        """The value of ``raw`` (typed as openapi-core types it), or ``_BAD``."""
        schema = self.schema
        value: Any
        if self.kind == "string":
            value = raw
            if len(raw) < schema.get("minLength", 0):
                return _BAD
            if "pattern" in schema and re.search(schema["pattern"], raw) is None:
                return _BAD
        elif self.kind == "boolean":
            if raw not in ("true", "false"):
                return _BAD
            value = raw == "true"
        elif self.kind == "integer":
            if not (raw.isascii() and _INTEGER.fullmatch(raw)):
                return _BAD
            value = int(raw)
        else:  # number
            if not (raw.isascii() and _DECIMAL.fullmatch(raw)):
                return _BAD
            value = float(raw)
        if "enum" in schema and value not in schema["enum"]:
            return _BAD
        if "minimum" in schema and value < schema["minimum"]:
            return _BAD
        if "maximum" in schema and value > schema["maximum"]:
            return _BAD
        return value


@dataclass
class _ParamPlan:
    query: dict[str, _ParamRule] = field(default_factory=dict)
    path: list[_ParamRule] = field(default_factory=list)
    headers: list[_ParamRule] = field(default_factory=list)


class Spec:
    """The parsed spec: a router over the raw request path, and request/response validation."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or find_spec_file()
        with self.path.open(encoding="utf-8") as fh:
            self.document: dict[str, Any] = yaml.safe_load(fh)
        self.routes: list[Route] = self._build_routes()
        self.by_operation = {r.operation_id: r for r in self.routes}
        self.undeclared_422: set[str] = set()
        self._body_validators: dict[str, Any] = {}
        self._param_plans: dict[str, Any] = {}

    # ------------------------------------------------------------------ routing
    def _resolve(self, node: Any) -> Any:
        while isinstance(node, Mapping) and "$ref" in node:
            ref = str(node["$ref"])
            target: Any = self.document
            for part in ref.lstrip("#/").split("/"):
                target = target[part]
            node = target
        return node

    def _build_routes(self) -> list[Route]:
        routes: list[Route] = []
        for template, item in self.document["paths"].items():
            shared = [self._resolve(p) for p in item.get("parameters", [])]
            multi = {p["name"] for p in shared if p.get("x-pictograph-multi-segment")}
            for method in _METHODS:
                op = item.get(method)
                if op is None:
                    continue
                params = shared + [self._resolve(p) for p in op.get("parameters", [])]
                multi_op = multi | {p["name"] for p in params if p.get("x-pictograph-multi-segment")}
                regex, names = _compile(template, multi_op)
                query = frozenset(p["name"] for p in params if p.get("in") == "query")
                literal = 0 if not names else 1
                rank = (literal, len(names), len(multi_op & set(names)))
                routes.append(Route(
                    method=method.upper(), template=template, operation_id=op["operationId"], regex=regex,
                    params=names, query_names=query, has_body="requestBody" in op,
                    statuses=frozenset(str(s) for s in op.get("responses", {})), rank=rank,
                ))
        routes.sort(key=lambda r: r.rank)
        return routes

    def match(self, method: str, raw_path: str) -> tuple[Match | None, list[str]]:
        """Find the operation for ``raw_path`` (still percent-encoded, relative to the API prefix).

        Returns ``(match, allowed)``; ``allowed`` lists the methods of the path (for 405 and ``Allow``).
        """
        allowed: list[str] = []
        template = None
        for route in self.routes:
            if template is not None and route.template != template:
                continue
            m = route.regex.match(raw_path)
            if m is None:
                continue
            values = {k: unquote(v) for k, v in m.groupdict().items()}
            if any(not v for v in values.values()):
                continue
            template = route.template  # the most specific template decides
            allowed.append(route.method)
            if route.method == method:
                return Match(route, values), allowed
        return None, allowed

    # ------------------------------------------------------------------ validation
    @cached_property
    def _openapi(self) -> Any:
        """openapi-core over the document: parameters unmarshalled, bodies validated (not unmarshalled).

        The handlers read the JSON body themselves, so only its problems matter. openapi-core's full request
        unmarshaller validates the body and then walks it again property by property, re-validating every
        sub-value against its sub-schema on the way; a 500-item bulk body took ~0.3-0.5 s that way. The body
        validator runs the same top-level schema validation once (the same errors), ~10x faster.
        """
        from openapi_core import Config, OpenAPI
        from openapi_core.unmarshalling.request.unmarshallers import V31RequestParametersUnmarshaller
        from openapi_core.validation.request import V31RequestBodyValidator

        config = Config(request_unmarshaller_cls=V31RequestParametersUnmarshaller,
                        request_validator_cls=V31RequestBodyValidator)
        return OpenAPI.from_dict(self.document, config=config)

    def _body_passes(self, route: Route, content_type: str, body: Any) -> bool:
        """Whether a JSON body certainly conforms to its operation's schema, checked by a compiled validator.

        openapi-core's body check walks the schema in Python: 80 ms for a 372-item bulk register, time in which
        the event loop answers no storage request. jsonschema-rs checks the same body in 0.3 ms. Only its
        "valid" is trusted: anything else goes through openapi-core, which names the problems as before, so
        what is accepted or refused and how a refusal reads do not change. Patterns are checked with Python's
        ``re`` (as openapi-core does): the Rust engine reads ``\\S`` differently for a few control characters.
        """
        if content_type.split(";", 1)[0].strip().lower() != "application/json":
            return False
        validator = self._body_validators.get(route.operation_id, _UNBUILT)
        if validator is _UNBUILT:
            validator = self._body_validators[route.operation_id] = self._build_body_validator(route)
        return validator is not None and bool(validator.is_valid(body))

    def _build_body_validator(self, route: Route) -> Any:
        try:
            import jsonschema_rs
        except ImportError:  # not installed: openapi-core checks every body
            return None
        op = self.document["paths"][route.template][route.method.lower()]
        content = self._resolve(op.get("requestBody", {})).get("content", {})
        schema = content.get("application/json", {}).get("schema")
        if schema is None:
            return None
        root = {"$schema": "https://json-schema.org/draft/2020-12/schema", **_python_patterns(schema),
                "components": self._pattern_components}
        return jsonschema_rs.validator_for(root, validate_formats=True, keywords={_PATTERN: _PythonPattern})

    @cached_property
    def _pattern_components(self) -> Any:
        """The spec's components with Python-checked patterns, converted once for every operation's validator."""
        return _python_patterns(self.document.get("components", {}))

    # ------------------------------------------------------------------ parameters without openapi-core
    def _parameter_plan(self, route: Route) -> _ParamPlan | None:
        """What the fast parameter check needs of an operation, or ``None`` when one of its parameters uses
        something it does not know (then openapi-core checks every call of it)."""
        plan = self._param_plans.get(route.operation_id, _UNBUILT)
        if plan is _UNBUILT:
            plan = self._param_plans[route.operation_id] = self._build_parameter_plan(route)
        return plan  # type: ignore[no-any-return]

    def _build_parameter_plan(self, route: Route) -> _ParamPlan | None:
        item = self.document["paths"][route.template]
        op = item[route.method.lower()]
        plan = _ParamPlan()
        for raw in [*item.get("parameters", []), *op.get("parameters", [])]:
            param = self._resolve(raw)
            schema = self._resolve(param.get("schema", {}))
            kind = schema.get("type")
            if (set(schema) - _FAST_KEYWORDS or kind not in _FAST_TYPES or set(param) - _FAST_PARAM_KEYS
                    or ("pattern" in schema and kind != "string")):
                return None
            rule = _ParamRule(param["name"], kind, bool(param.get("required")), schema)
            if param["in"] == "query":
                plan.query[rule.name] = rule
            elif param["in"] == "path":
                plan.path.append(rule)
            elif param["in"] == "header":
                plan.headers.append(rule)
            else:
                return None
        return plan

    def fast_parameters(self, match: Match, query_pairs: list[tuple[str, str]],
                        headers: Mapping[str, str]) -> dict[str, Any] | None:
        """The query parameters as openapi-core unmarshals them (defaults filled in), when every parameter of
        the call certainly conforms; ``None`` when in any doubt (then openapi-core decides and names problems).

        openapi-core took about 3 ms to unmarshal the parameters of a call, most of a simple call's time on the
        local server. Only the plainest spellings are read here (digits for integers, ``true``/``false``,
        plain decimals, each key once); anything else is left to openapi-core.
        """
        plan = self._parameter_plan(match.route)
        if plan is None:
            return None
        query: dict[str, Any] = {}
        for key, raw in query_pairs:
            rule = plan.query.get(key)
            if rule is None or key in query:
                return None
            value = rule.read(raw)
            if value is _BAD:
                return None
            query[key] = value
        for rule in plan.query.values():
            if rule.name not in query:
                if rule.required:
                    return None
                if "default" in rule.schema:
                    query[rule.name] = rule.schema["default"]
        for rule in plan.path:
            if rule.read(match.path_params.get(rule.name, "")) is _BAD:
                return None
        for rule in plan.headers:
            value = headers.get(rule.name.lower())
            if value is None:
                if rule.required:
                    return None
            elif rule.read(value) is _BAD:
                return None
        return query

    def validate_request(
        self,
        match: Match,
        query_pairs: list[tuple[str, str]],
        headers: Mapping[str, str],
        body: bytes,
        content_type: str,
    ) -> ValidationOutcome:
        """Check the request against its operation; unknown query keys are problems too."""
        from openapi_core.validation.request.exceptions import (
            InvalidParameter,
            MissingRequestBody,
            MissingRequiredParameter,
            ParameterValidationError,
            RequestBodyValidationError,
            SecurityValidationError,
        )

        outcome = ValidationOutcome()
        body_valid = False
        if body:
            try:
                parsed = json.loads(body)
            except ValueError:
                outcome.problems.append(FieldProblem(["body"], "the body is not valid JSON"))
                return outcome
            body_valid = self._body_passes(match.route, content_type, parsed)
        for key, _ in query_pairs:
            if key not in match.route.query_names:
                outcome.problems.append(FieldProblem(["query", key], "unknown query parameter"))
        if not outcome.problems and (body_valid or not (body or match.route.has_body)):
            fast = self.fast_parameters(match, query_pairs, headers)
            if fast is not None:
                outcome.query = fast
                return outcome
        request = _SpecRequest(match, query_pairs, headers, body if (body or match.route.has_body) else None,
                               content_type)
        try:
            result = self._openapi.unmarshal_request(request)  # parameters only (see ``_openapi``)
            # The body, once; an absent optional body is no problem (a missing required one is).
            body_errors = [] if body_valid else [e for e in self._openapi.iter_request_errors(request)
                                                  if not isinstance(e, MissingRequestBody)]
        except (TypeError, ValueError, KeyError) as exc:  # the validator trips on some ill-typed values
            outcome.problems.append(FieldProblem(["body"], f"does not match the schema ({exc})"))
            return outcome
        for error in [*result.errors, *body_errors]:
            if isinstance(error, SecurityValidationError):
                continue  # authentication is checked by the app itself (401 before 422)
            if isinstance(error, ParameterValidationError):
                loc: list[str | int] = [error.location, error.name]
                if isinstance(error, MissingRequiredParameter):
                    outcome.problems.append(FieldProblem(loc, "field required"))
                elif isinstance(error, InvalidParameter):
                    outcome.problems.extend(_schema_problems(error.__cause__, loc, str(error)))
                else:
                    outcome.problems.append(FieldProblem(loc, _cause_text(error)))
            elif isinstance(error, RequestBodyValidationError):
                outcome.problems.extend(_schema_problems(error.__cause__, ["body"], _cause_text(error)))
            else:
                outcome.problems.append(FieldProblem(["request"], _cause_text(error)))
        params = getattr(result, "parameters", None)
        if params is not None:
            outcome.query = dict(getattr(params, "query", {}) or {})
        return outcome

    def validate_response(
        self,
        match: Match,
        query_pairs: list[tuple[str, str]],
        req_headers: Mapping[str, str],
        req_body: bytes,
        req_content_type: str,
        status: int,
        headers: Mapping[str, str],
        body: bytes,
    ) -> list[str]:
        """Problems of a response against the spec (empty when it conforms)."""
        content_type = headers.get("content-type", "")
        route = match.route
        code = str(status)
        if code not in route.statuses and f"{code[0]}XX" not in route.statuses and "default" not in route.statuses:
            if status == 422 and not ({"400", "422"} & route.statuses):
                # request rejected by validation on an operation whose spec lists no 400/422 (known spec gap)
                self.undeclared_422.add(route.operation_id)
                return []
            return [f"status {status} is not declared for {route.operation_id}"]
        if not content_type.startswith("application/json"):
            if not body:
                return []
            return [] if content_type.startswith(("image/", "application/octet-stream")) else [
                f"unexpected content type {content_type!r} for {route.operation_id} {status}"]
        try:
            json.loads(req_body or b"null")
        except ValueError:
            req_body = b""
        request = _SpecRequest(match, query_pairs, req_headers,
                               req_body if (req_body or route.has_body) else None, req_content_type)
        response = _SpecResponse(status, headers, body, content_type)
        problems: list[str] = []
        for error in self._openapi.iter_response_errors(request, response):
            cause = error.__cause__
            details = [e.message for e in getattr(cause, "schema_errors", ()) or ()]
            problems.append(f"{error}: {'; '.join(details)}" if details else str(error))
        return problems


def _cause_text(error: BaseException) -> str:
    return str(error.__cause__ or error)


def _schema_problems(cause: BaseException | None, prefix: list[str | int], fallback: str) -> list[FieldProblem]:
    errors: Iterable[Any] = getattr(cause, "schema_errors", ()) or ()
    out: list[FieldProblem] = []
    for err in errors:
        best = err
        context = list(getattr(err, "context", []) or [])
        if context:  # oneOf/anyOf: report the deepest sub-error, it names the real field
            best = max(context, key=lambda e: len(list(e.absolute_path)))
        out.append(FieldProblem([*prefix, *list(best.absolute_path)], str(best.message)))
    if not out:
        out.append(FieldProblem(prefix, str(cause or fallback)))
    return out


_UNBUILT = object()
_PATTERN = "x-pictograph-python-pattern"


def _python_patterns(node: Any) -> Any:
    """A copy of a schema whose ``pattern`` keywords are checked by :class:`_PythonPattern`."""
    if isinstance(node, dict):
        return {(_PATTERN if k == "pattern" and isinstance(v, str) else k): _python_patterns(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_python_patterns(v) for v in node]
    return node


class _PythonPattern:
    """The ``pattern`` keyword with Python's ``re.search``, as the pure-Python validators apply it."""

    def __init__(self, parent_schema: Any, value: str, schema_path: Any) -> None:
        self._search = re.compile(value).search
        self._pattern = value

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and self._search(instance) is None:
            raise ValueError(f"{instance!r} does not match {self._pattern!r}")


class _SpecRequest:
    """An openapi-core request built from our own routing result."""

    host_url = _SPEC_HOST

    def __init__(self, match: Match, query_pairs: list[tuple[str, str]], headers: Mapping[str, str],
                 body: bytes | None, content_type: str) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.path = API_PREFIX + match.route.template
        self.path_pattern = self.path
        self.method = match.route.method.lower()
        self.body = body
        self.content_type = content_type.lower() if content_type else ("application/json" if body else "")
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query_pairs),
            header=Headers(list(headers.items())),
            cookie=ImmutableMultiDict(),
            path=dict(match.path_params),
        )


class _SpecResponse:
    def __init__(self, status: int, headers: Mapping[str, str], body: bytes, content_type: str) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.headers = Headers(list(headers.items()))
        self.data = body
        self.content_type = content_type.lower()


def problems_body(problems: list[FieldProblem]) -> dict[str, Any]:
    """The spec's 422 body for a list of field problems."""
    errors = [{"loc": p.loc, "msg": p.msg} for p in problems]
    first = problems[0] if problems else None
    message = "Request validation failed"
    if first is not None:
        message += ": " + ".".join(str(x) for x in first.loc) + ": " + first.msg
    return {"error": {"code": "validation_error", "message": message, "details": {"errors": errors}},
            "detail": errors}


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
