"""Deterministic example data synthesised from the intermediate model, for the generated tests.

Everything here is data: argument values, the request the client must send (path, query, headers
and body as they go on the wire, derived here independently of the runtime's encoders, which the
wire case files pin), the reply and what parsing it must give (models as `Construct`s). The
views turn it into the rows of the generated tests' tables.
"""

from __future__ import annotations

import base64
import dataclasses
import http
import re
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from generator.model import (
    HEADER_VALUE,
    NO_BODY_STATUSES,
    NO_CONSTRAINTS,
    Api,
    Constraints,
    DictType,
    EnumType,
    Field,
    ListType,
    Model,
    ModelType,
    Operation,
    Parameter,
    ScalarType,
    TypeRef,
)
from generator.testgen.scalars import sample, satisfies

BASE_PATH = "/api"
EXAMPLE_DEPTH = (
    2  # nesting levels of models whose optional fields the client examples fill
)
# A model's own round-trip example fills its optional fields only: each nested model has its
# own example.
MODEL_EXAMPLE_DEPTH = 1
BYTES = ScalarType("bytes")
# The wire's separators, kept apart from the runtime's own table on purpose: the generated
# tests judge the runtime's encoding, so they must not share its code.
SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
UNDOCUMENTED_STATUSES = (418, 422, 409, 451, 599)
BASIC_CREDENTIALS = ("user-1", "secret-1")
BEARER_TOKEN = "token-secret-1"
_PLAIN_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,30}\Z")


@dataclass(frozen=True)
class Construct:
    """A model instance in expected data: the class and its fields' (Python name, value)."""

    model: str
    fields: tuple[tuple[str, Any], ...]


@dataclass(frozen=True)
class Argument:
    """One argument of an example call: positional when `keyword` is empty."""

    keyword: str
    value: Any  # expected data (a body model as a Construct)


@dataclass(frozen=True)
class BodyExpectation:
    """What the request body must be: `kind` is none, json, binary, text, form or multipart."""

    kind: str
    content_type: str | None = None
    value: Any = None  # the JSON data, the bytes, or the form fields
    files: dict[str, bytes] | None = None
    # the JSON data as the client sends it: without read-only properties (Swagger 2.0)
    sent: Any = None

    @property
    def json_sent(self) -> Any:
        return self.value if self.sent is None else self.sent


@dataclass(frozen=True)
class ErrorCase:
    status: int
    class_name: str
    description: str
    # False where HTTP forbids a body (304, any answer to HEAD): the test sends none
    has_body: bool
    # the example body of the schema documented for the status, and what `error.body` must
    # be; None when no schema is documented (the test sends ERROR_BODY, `body` must be None)
    body: Any = None
    parsed: Any = None


@dataclass(frozen=True)
class RequestExpectation:
    decoded_path: str  # the path the test server matches
    raw_uri: str  # path and query exactly as sent
    headers: tuple[tuple[str, str], ...]  # header parameters and credentials as sent
    body: BodyExpectation


@dataclass(frozen=True)
class PagerCase:
    """Pages for an `iter_` method's test: each page's items, linked by next-page links."""

    pages: tuple[dict[str, Any], ...]
    next_link: str | None  # the page's next-link property
    items: tuple[Any, ...]  # expected data of the items the pages give
    follow_paths: tuple[str, ...]  # the paths the next-page links name, after the first
    follow_uris: tuple[str, ...]  # those requests' paths and queries, as sent
    follow_headers: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class OperationCase:
    operation: Operation
    arguments: tuple[Argument, ...]
    minimal_arguments: (
        tuple[Argument, ...] | None
    )  # the required ones, when some are not
    request: RequestExpectation
    minimal_raw_uri: str
    response_status: int
    response_body: Any
    response_kind: str  # json, data (bytes) or none
    result: Any  # expected data of what the call returns
    errors: tuple[ErrorCase, ...]
    refused_header: str | None  # a header name HTTP cannot carry: the client refuses
    pager: PagerCase | None = None
    left_out: LeftOut | None = None  # why the operation's tests are left out


@dataclass(frozen=True)
class LeftOut:
    """An operation whose example request would break the spec: its tests are left out."""

    reason: str  # for the test suite's report
    warning: str  # for the generator's located warning
    pointer: str


@dataclass(frozen=True)
class ModelCase:
    model: Model
    full: dict[str, Any]  # every field, plus an unknown key
    minimal: dict[str, Any]  # required fields only
    minimal_model: Construct  # the minimal model built in code


class ExampleFactory:
    """Example data for the generated tests, each value derived from where it sits in the
    spec (the model and field, or the operation and parameter, it belongs to), never from a
    running count: an edit to one operation or model changes the examples of it and of what
    uses it, and nothing else."""

    def __init__(self, api: Api, depth: int = EXAMPLE_DEPTH) -> None:
        self.api = api
        self.depth = depth  # nesting levels of models whose optional fields are filled
        self.models = {model.name: model for model in api.models}
        self.enums = {enum.name: enum for enum in api.enums}

    # -- values ----------------------------------------------------------------------------

    def value(
        self,
        kind: TypeRef,
        place: str,
        stack: tuple[str, ...] = (),
        constraints: Constraints = NO_CONSTRAINTS,
        index: int = 0,
    ) -> Any:
        """Example data of a type at `place` (`Model.field`, `method.parameter`), within
        the spec's constraints on it; `index` tells apart the items of one array."""
        if isinstance(kind, ScalarType):
            name = place.rpartition(".")[2]
            label = name if _PLAIN_NAME.match(name) else "text"
            number = place_number(f"{place}[{index}]" if index else place)
            return sample(kind.python, label, number, constraints, index)
        if isinstance(kind, ListType):
            return self.items(kind, place, stack, constraints, 1)
        if isinstance(kind, DictType):
            return {"key": self.value(kind.value, place, stack)}
        if isinstance(kind, EnumType):
            members = self.enums[kind.name].members
            return members[index % len(members)][1]
        # Nested models below the first levels get their required fields only, so that example
        # data stays small however large the schema graph (Kubernetes-sized specs).
        deep = len(stack) >= self.depth
        model = self.models[kind.name]
        return self.model_data(model, stack, required_only=deep, index=index)

    def items(
        self,
        kind: ListType,
        place: str,
        stack: tuple[str, ...],
        constraints: Constraints,
        wanted: int,
    ) -> list[Any]:
        """`wanted` items, or as many as minItems and maxItems allow."""
        count = max(wanted, constraints.min_items or 0)
        if constraints.max_items is not None:
            count = min(count, constraints.max_items)
        inner = constraints.items or NO_CONSTRAINTS
        return [self.value(kind.item, place, stack, inner, i) for i in range(count)]

    def model_data(
        self,
        model: Model,
        stack: tuple[str, ...],
        *,
        required_only: bool,
        index: int = 0,
    ) -> dict[str, Any]:
        """A model's example; the `index`th of an array's items differs in every scalar."""
        data: dict[str, Any] = {}
        for field in model.fields:
            if required_only and not field.required:
                continue
            if field.fixed is not None:
                data[field.wire_name] = field.fixed
                continue
            if field.wire_name == model.discriminator and model.subtypes:
                data[field.wire_name] = self.own_discriminator(field, model)
                continue
            if self._reaches(field.type, (*stack, model.name)):
                # a model met again on the way down: an empty end, or nothing when optional
                if field.required:
                    data[field.wire_name] = _empty(field.type)
                continue
            place = f"{model.name}.{field.wire_name}"
            data[field.wire_name] = self.value(
                field.type, place, (*stack, model.name), field.constraints, index
            )
        return data

    def own_discriminator(self, field: Field, model: Model) -> Any:
        """A discriminator value that selects none of the model's subtypes."""
        claimed = {value for value, _ in model.subtypes}
        if isinstance(field.type, EnumType):
            members = self.enums[field.type.name].members
            free = [value for _, value in members if value not in claimed]
            if free:
                return free[0]
        value = self.value(field.type, f"{model.name}.{field.wire_name}")
        return f"{value}-base" if isinstance(value, str) and value in claimed else value

    def _reaches(self, kind: TypeRef, stack: tuple[str, ...]) -> bool:
        if isinstance(kind, ListType):
            return self._reaches(kind.item, stack)
        if isinstance(kind, DictType):
            return self._reaches(kind.value, stack)
        return isinstance(kind, ModelType) and kind.name in stack

    # -- expectations ----------------------------------------------------------------------

    def expected(self, kind: TypeRef | None, data: Any) -> Any:
        """What parsing `data` as `kind` must give: the data, with models as Constructs."""
        if data is None or kind is None:
            return data
        if isinstance(kind, ModelType) and isinstance(data, dict):
            return self.construct(self.models[kind.name], data)
        if isinstance(kind, ListType) and isinstance(data, list):
            return [self.expected(kind.item, item) for item in data]
        if isinstance(kind, DictType) and isinstance(data, dict):
            return {k: self.expected(kind.value, v) for k, v in data.items()}
        return data

    def construct(self, model: Model, data: dict[str, Any]) -> Construct:
        fields = tuple(
            (field.python_name, self.expected(field.type, data[field.wire_name]))
            for field in model.fields
            if field.wire_name in data
        )
        return Construct(model.name, fields)

    # -- cases -----------------------------------------------------------------------------

    def model_case(self, model: Model) -> ModelCase:
        full = self.model_data(model, (), required_only=False)
        full["x-unknown-key"] = {"kept": [1, None]}
        minimal = self.model_data(model, (), required_only=True)
        return ModelCase(model, full, minimal, self.construct(model, minimal))

    def arguments(self, operation: Operation) -> dict[str, Any]:
        """Example data for every parameter the method takes, by Python name: JSON values
        (a body model as its dict, which the method accepts too), bytes for files."""
        return {
            p.python_name: self.argument(operation, p)
            for p in operation.exposed_parameters
        }

    def operation_case(self, operation: Operation) -> OperationCase:
        values = self.arguments(operation)
        required = {
            p.python_name: values[p.python_name]
            for p in operation.positional_parameters
        }
        full = self.request(operation, values)
        status, kind, response_body = self.success(operation)
        refused = next(
            (n for n, _ in full.headers if not HEADER_NAME.fullmatch(n)), None
        )
        return OperationCase(
            operation=operation,
            arguments=self.call(operation, values),
            minimal_arguments=(
                self.call(operation, required) if operation.keyword_parameters else None
            ),
            request=full,
            minimal_raw_uri=self.request(operation, required).raw_uri,
            response_status=status,
            response_body=response_body,
            response_kind=(
                "none" if kind is None else "data" if kind == BYTES else "json"
            ),
            result=None if refused else self.expected(kind, response_body),
            errors=self.error_cases(operation),
            refused_header=refused,
            pager=(
                self.pager_case(operation, response_body, full.headers)
                if operation.pager and isinstance(response_body, dict) and not refused
                else None
            ),
            left_out=self.left_out(operation, values),
        )

    @staticmethod
    def left_out(operation: Operation, values: dict[str, Any]) -> LeftOut | None:
        """The first parameter whose example value breaks the spec's constraints on it (no
        value the sampler can build satisfies them: a pattern it cannot read, an enum of
        another type, a range that holds nothing), or None."""
        for parameter in operation.exposed_parameters:
            value = values[parameter.python_name]
            if _keeps_constraints(parameter, value):
                continue
            reason = (
                f"no example value of the parameter {parameter.wire_name!r} keeps the"
                " spec's constraints on it"
            )
            warning = (
                f"{reason} ({value!r} was the nearest): the generated tests of"
                f" {operation.method_name} are left out"
            )
            return LeftOut(reason, warning, parameter.pointer)
        return None

    def pager_case(
        self,
        operation: Operation,
        page: dict[str, Any],
        headers: tuple[tuple[str, str], ...],
    ) -> PagerCase:
        """Three pages: the first links to the second with a path, the second to the third
        with a whole URL (set by the test, which knows the server's port); or one page.
        """
        assert operation.pager is not None
        items, link = operation.pager.items, operation.pager.next_link
        assert isinstance(items.type, ListType)
        count = 3 if link else 1
        place = f"{operation.method_name}.{items.wire_name}"
        values = [
            self.value(items.type.item, place, index=index) for index in range(count)
        ]
        pages = [{**page, items.wire_name: [value]} for value in values]
        follow_paths: tuple[str, ...] = ()
        follow_uris: tuple[str, ...] = ()
        _, query = applied_credentials(operation, self.api)
        if link:
            pages[0][link.wire_name] = f"{BASE_PATH}/next-page?cursor=2"
            pages[1][link.wire_name] = None
            pages[2][link.wire_name] = None
            credentials = _query_string(query)
            follow_paths = (f"{BASE_PATH}/next-page", f"{BASE_PATH}/last-page")
            follow_uris = (
                f"{BASE_PATH}/next-page?cursor=2"
                + (f"&{credentials}" if credentials else ""),
                f"{BASE_PATH}/last-page" + (f"?{credentials}" if credentials else ""),
            )
        return PagerCase(
            pages=tuple(pages),
            next_link=link.wire_name if link else None,
            items=tuple(self.expected(items.type.item, v) for v in values),
            follow_paths=follow_paths,
            follow_uris=follow_uris,
            follow_headers=headers,
        )

    def call(
        self, operation: Operation, values: dict[str, Any]
    ) -> tuple[Argument, ...]:
        """The arguments passing `values`: the required positionally, the others by name."""
        return tuple(
            Argument(
                "" if parameter.required else parameter.python_name,
                self.expected(parameter.type, values[parameter.python_name]),
            )
            for parameter in operation.exposed_parameters
            if parameter.python_name in values
        )

    def request(
        self, operation: Operation, values: dict[str, Any]
    ) -> RequestExpectation:
        """What the client must send for these argument values (constants included)."""
        raw_path = operation.path
        query: list[tuple[str, str]] = []
        headers: list[tuple[str, str]] = []
        form: dict[str, list[str]] = {}
        files: dict[str, bytes] = {}
        body: Any = None
        client_values = self.client_values()
        for parameter in operation.parameters:
            if parameter.constant:
                value = parameter.default
            elif parameter.client:
                value = client_values[parameter.python_name]
            elif parameter.python_name in values:
                value = values[parameter.python_name]
            else:
                continue
            texts = wire_pairs(parameter, value)
            if parameter.location == "path":
                placeholder = "{" + parameter.wire_name + "}"
                text = texts[0][1]
                if parameter.double_encoded:
                    text = quote(text, safe="")
                encoded = text if parameter.verbatim else quote(text, safe="")
                raw_path = raw_path.replace(placeholder, encoded)
            elif parameter.location == "query":
                query += texts
            elif parameter.location == "header":  # HTTP drops the value's outer spaces
                headers += [(name, text.strip(" \t")) for name, text in texts]
            elif parameter.location == "formData" and parameter.type == BYTES:
                files[parameter.wire_name] = value
            elif parameter.location == "formData":
                for name, text in texts:
                    form.setdefault(name, []).append(text)
            elif parameter.location == "body":
                body = value
        auth_headers, auth_query = applied_credentials(operation, self.api)
        # a parameter the caller gave wins over a credential of the same name
        given = {name.lower() for name, _ in headers}
        auth_headers = [(k, v) for k, v in auth_headers if k.lower() not in given]
        auth_query = [(k, v) for k, v in auth_query if k not in dict(query)]
        query_string = _query_string(query + auth_query)
        sent_headers = tuple(
            (k, v) for k, v in headers + auth_headers if k.lower() != "content-type"
        )
        given_type = next((v for k, v in headers if k.lower() == "content-type"), None)
        # a path key may hold a query of its own (`/?comp=list`): the parameters' follow it
        joint = "&" if "?" in raw_path else "?"
        return RequestExpectation(
            # what the test server matches: the path as sent, decoded whole (the spec's own
            # percent-encoded text included), as werkzeug decodes it
            decoded_path=BASE_PATH + unquote(raw_path.partition("?")[0]),
            raw_uri=BASE_PATH
            + raw_path
            + (joint + query_string if query_string else ""),
            headers=sent_headers,
            body=dataclasses.replace(
                body_expectation(operation, body, form, files, given_type),
                sent=self.without_read_only(operation.body, body),
            ),
        )

    def without_read_only(self, parameter: Parameter | None, data: Any) -> Any:
        """The JSON data of a body as a request carries it: read-only properties left out,
        at every depth; None where nothing is left out."""
        if parameter is None or data is None:
            return None
        sent = self._sent(parameter.type, data)
        return None if sent == data else sent

    def _sent(self, kind: TypeRef, data: Any) -> Any:
        if isinstance(kind, ModelType) and isinstance(data, dict):
            fields = {f.wire_name: f for f in self.models[kind.name].fields}
            return {
                key: self._sent(fields[key].type, value) if key in fields else value
                for key, value in data.items()
                if key not in fields or not fields[key].read_only
            }
        if isinstance(kind, ListType) and isinstance(data, list):
            return [self._sent(kind.item, item) for item in data]
        if isinstance(kind, DictType) and isinstance(data, dict):
            return {key: self._sent(kind.value, value) for key, value in data.items()}
        return data

    def argument(self, operation: Operation, parameter: Parameter) -> Any:
        return self.parameter_value(
            parameter, f"{operation.method_name}.{parameter.wire_name}"
        )

    def client_values(self) -> dict[str, Any]:
        """The value the tests give each client parameter (`x-ms-parameter-location:
        client`) at construction, by keyword: one value for every operation."""
        return {
            p.python_name: self.parameter_value(p, f"client.{p.python_name}")
            for p in self.api.client_parameters
        }

    def parameter_value(self, parameter: Parameter, place: str) -> Any:
        constraints = parameter.constraints
        if parameter.location == "header" and not _sendable(constraints.example):
            constraints = dataclasses.replace(constraints, example=None)
        if isinstance(parameter.type, ListType) and parameter.location != "body":
            # two items, so that the test sees the collection format
            return self.items(parameter.type, place, (), constraints, 2)
        return self.value(parameter.type, place, (), constraints)

    def success(self, operation: Operation) -> tuple[int, TypeRef | None, Any]:
        responses = operation.success_responses
        if not responses:
            return 200, None, None
        first = responses[0]
        place = f"{operation.method_name}.result"
        data = None if first.type is None else self.value(first.type, place)
        status = 200 if first.status == "default" else int(first.status)
        return status, first.type, data

    def error_cases(self, operation: Operation) -> tuple[ErrorCase, ...]:
        classes = {error.status: error for error in self.api.errors}
        documented = {r.status: r.description for r in operation.error_responses}
        schemas = {r.status: r.type for r in operation.error_responses}
        default = documented.get("default")
        head = operation.http_method == "HEAD"
        cases = []
        for status_text, description in documented.items():
            if status_text.isdigit():
                error = classes[int(status_text)]
                has_body = not head and status_text not in NO_BODY_STATUSES
                text = description or error.phrase
                case = ErrorCase(error.status, error.name, text, has_body)
                cases.append(self.error_body(case, operation, schemas.get(status_text)))
        spare = next(s for s in UNDOCUMENTED_STATUSES if s not in classes)
        text = default or http.HTTPStatus(spare).phrase
        case = ErrorCase(spare, "ApiError", text, not head)
        cases.append(self.error_body(case, operation, schemas.get("default")))
        return tuple(cases)

    def error_body(
        self, case: ErrorCase, operation: Operation, schema: TypeRef | None
    ) -> ErrorCase:
        """The case with an example body of its documented schema, and its parsed form."""
        if schema is None or schema == BYTES or not case.has_body:
            return case
        body = self.value(schema, f"{operation.method_name}.{case.status}")
        if body is None:
            return case
        return dataclasses.replace(case, body=body, parsed=self.expected(schema, body))


def body_expectation(
    operation: Operation,
    body: Any,
    form: dict[str, list[str]],
    files: dict[str, bytes],
    given_type: str | None,
) -> BodyExpectation:
    encoding = operation.body_encoding
    if encoding == "multipart":
        return BodyExpectation("multipart", value=form, files=files)
    if encoding == "form":
        return BodyExpectation("form", value=form)
    if encoding in ("binary", "text", "json") and body is not None:
        return BodyExpectation(encoding, given_type or operation.content_type, body)
    return BodyExpectation("none", given_type)


def place_number(place: str) -> int:
    """A number from 1 to 999 for a place in the spec: the same on every machine."""
    return zlib.crc32(place.encode()) % 999 + 1


def _keeps_constraints(parameter: Parameter, value: Any) -> bool:
    """Whether a scalar parameter's value (each item of an array's) meets its constraints."""
    kind, constraints, values = parameter.type, parameter.constraints, [value]
    if isinstance(kind, ListType) and isinstance(value, list):
        kind, constraints, values = (
            kind.item,
            constraints.items or NO_CONSTRAINTS,
            value,
        )
    if not isinstance(kind, ScalarType) or kind == BYTES:
        return True  # models have no constraints of their own here; files none at all
    return all(satisfies(kind.python, item, constraints) for item in values)


def _sendable(example: Any) -> bool:
    """Whether a spec's example can be a header value (visible ASCII, space, tab)."""
    return not isinstance(example, str) or HEADER_VALUE.fullmatch(example) is not None


def _empty(kind: TypeRef) -> Any:
    """How a required field ends a recursion: an empty array or map, else null."""
    if isinstance(kind, ListType):
        return []
    return {} if isinstance(kind, DictType) else None


def wire_pairs(parameter: Parameter, value: Any) -> list[tuple[str, str]]:
    """(name, text) as the client writes a parameter value: arrays joined or repeated."""
    if isinstance(value, list):
        if parameter.collection_format == "multi":
            return [(parameter.wire_name, wire_text(item)) for item in value]
        separator = SEPARATORS.get(parameter.collection_format, ",")
        return [
            (parameter.wire_name, separator.join(wire_text(item) for item in value))
        ]
    return [(parameter.wire_name, wire_text(value))]


def _query_string(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in pairs)


def wire_text(value: Any) -> str:
    """How a scalar parameter value is written on the wire."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def credential_values(api: Api) -> dict[str, Any]:
    """The value the generated tests pass for each security scheme, by scheme name."""
    values: dict[str, Any] = {}
    for index, scheme in enumerate(api.security_schemes, start=1):
        if scheme.kind == "basic":
            values[scheme.name] = BASIC_CREDENTIALS
        elif scheme.kind == "apiKey":
            values[scheme.name] = f"key-secret-{index}"
        else:
            values[scheme.name] = BEARER_TOKEN
    return values


def applied_credentials(
    operation: Operation, api: Api
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(headers, query pairs) that the operation's first security alternative adds."""
    if not operation.security:
        return [], []
    values = credential_values(api)
    schemes = {scheme.name: scheme for scheme in api.security_schemes}
    headers: list[tuple[str, str]] = []
    query: list[tuple[str, str]] = []
    for name in operation.security[0]:
        scheme, value = schemes[name], values[name]
        if scheme.kind == "basic":
            token = base64.b64encode(":".join(value).encode()).decode()
            headers.append(("Authorization", f"Basic {token}"))
        elif scheme.kind == "oauth2":
            headers.append(("Authorization", f"Bearer {value}"))
        elif scheme.location == "query":
            query.append((scheme.parameter, value))
        else:
            headers.append((scheme.parameter, value))
    return headers, query
