"""Views of the generated test suite: the example data of `examples` as table rows.

The client tests are one table, `CASES`, with a row (`Case`, from the copied `tests/harness.py`)
per operation, and test functions that run every row; the model tests are tables of example
data per model. This module turns the example data into the printer's nodes of those rows, and
knows which test functions have rows to run and what the test modules import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.model import Api, ModelType, is_xml
from generator.render.code import Imports
from generator.render.escape import py_literal
from generator.render.printer import (
    Assign,
    Entry,
    Group,
    Node,
    Prefixed,
    Union,
    call,
    literal,
)
from generator.render.xmlform import (
    OperationXml,
    XmlForms,
    xml_document,
    xml_list_document,
)
from generator.testgen.cases import (
    BASE_PATH,
    MODEL_EXAMPLE_DEPTH,
    Argument,
    BodyExpectation,
    Construct,
    ErrorCase,
    ExampleFactory,
    ModelCase,
    OperationCase,
    PagerCase,
    credential_values,
)

# The methods the generated transport retries by itself: the runtime's IDEMPOTENT_METHODS (a
# test keeps the two equal; the generator does not import the runtime, which needs httpx).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
HARNESS = ".harness"
CLIENT_ALIAS = "AnyClient"  # the union of the clients, in test_client.py


# The harness's class for each kind of reply and request body.
REPLY_CLASSES = {"json": "JsonReply", "data": "DataReply", "none": "EmptyReply"}
BODY_CLASSES = {
    "none": "NoBody",
    "json": "JsonBody",
    "binary": "BinaryBody",
    "text": "TextBody",
    "form": "FormBody",
    "multipart": "MultipartBody",
}


def expression(value: Any) -> Node:
    """Expected data as a node: models built by their constructors, the rest as literals."""
    if isinstance(value, Construct):
        arguments = (Prefixed(f"{name}=", expression(v)) for name, v in value.fields)
        return call(f"models.{value.model}", *arguments)
    if isinstance(value, dict):
        entries = (Entry(py_literal(k), expression(v)) for k, v in value.items())
        return Group("{", tuple(entries), "}")
    if isinstance(value, list):
        return Group("[", tuple(map(expression, value)), "]")
    return literal(value)


def keyword(name: str, node: Node) -> Node:
    """`name=node`; a lambda's text joins the prefix, so that its call can explode."""
    if isinstance(node, Prefixed) and not node.statement:
        return Prefixed(f"{name}={node.prefix}", node.node)
    return Prefixed(f"{name}=", node)


def lambda_call(method: str, arguments: Iterable[Argument]) -> Node:
    """`lambda client: client.<method>(arguments)`."""
    nodes = (
        keyword(a.keyword, expression(a.value)) if a.keyword else expression(a.value)
        for a in arguments
    )
    return Prefixed("lambda client: ", call(f"client.{method}", *nodes))


def body_node(body: BodyExpectation) -> Node | None:
    """The request body a row expects; None for the default (no body, no Content-Type)."""
    if body.kind == "multipart":
        return call(BODY_CLASSES["multipart"], literal(body.value), literal(body.files))
    if body.kind == "form":
        return call(BODY_CLASSES["form"], literal(body.value))
    if body.kind in ("binary", "text"):
        return call(
            BODY_CLASSES[body.kind], literal(body.value), literal(body.content_type)
        )
    if body.kind == "json":
        content_type = body.content_type
        extra = () if content_type == "application/json" else (literal(content_type),)
        return call(BODY_CLASSES["json"], literal(body.json_sent), *extra)
    return (
        None
        if body.content_type is None
        else call(BODY_CLASSES["none"], literal(body.content_type))
    )


def reply_node(case: OperationCase) -> Node:
    status = str(case.response_status)
    if case.response_kind == "json":
        return call(REPLY_CLASSES["json"], status, literal(case.response_body))
    if case.response_kind == "data":
        return call(REPLY_CLASSES["data"], status, literal(case.response_body))
    return call(REPLY_CLASSES["none"], status)


def error_node(error: ErrorCase) -> Node:
    extra: tuple[Node, ...] = () if error.has_body else ("has_body=False",)
    if error.body is not None:
        extra += (
            keyword("body", literal(error.body)),
            keyword("parsed", expression(error.parsed)),
        )
    description = literal(error.description)
    error_class = f"errors.{error.class_name}"
    return call("Error", str(error.status), error_class, description, *extra)


def pages_node(case: OperationCase, pager: PagerCase) -> Node:
    assert case.operation.pager is not None
    method = case.operation.pager.method_name
    items: list[Node] = [
        keyword("iterate", lambda_call(method, case.arguments)),
        keyword("pages", literal(list(pager.pages))),
        keyword("items", expression(list(pager.items))),
    ]
    if pager.next_link:
        items += [
            keyword("next_link", literal(pager.next_link)),
            keyword("follow_paths", literal(pager.follow_paths)),
            keyword("follow_uris", literal(pager.follow_uris)),
        ]
        if pager.follow_headers:
            items.append(keyword("follow_headers", literal(pager.follow_headers)))
    return call("Pages", *items)


def row(
    case: OperationCase, xml: Node | None = None, xml_body: Node | None = None
) -> Node:
    """The table row of one operation's example exchange (and its XML one, `xml`);
    `xml_body`, the body an operation that sends only XML sends whatever is asked."""
    op, request = case.operation, case.request
    items: list[Node] = [
        keyword("name", literal(op.method_name)),
        keyword("method", literal(op.http_method)),
        keyword("path", literal(request.decoded_path)),
        keyword("call", lambda_call(op.method_name, case.arguments)),
        keyword(
            "raw", lambda_call(f"with_raw_response.{op.method_name}", case.arguments)
        ),
        keyword("raw_uri", literal(request.raw_uri)),
    ]
    if case.refused_header is not None:
        items.append(keyword("refused_header", literal(case.refused_header)))
        return call("Case", *items)
    if request.headers:
        items.append(keyword("headers", literal(request.headers)))
    body = xml_body or body_node(request.body)
    if body is not None:
        items.append(keyword("body", body))
    items.append(keyword("reply", reply_node(case)))
    if case.response_kind != "none":
        items.append(keyword("result", expression(case.result)))
    items.append(keyword("errors", tuple_of(map(error_node, case.errors))))
    if case.minimal_arguments is not None:
        minimal = lambda_call(op.method_name, case.minimal_arguments)
        items.append(keyword("minimal", minimal))
        items.append(keyword("minimal_raw_uri", literal(case.minimal_raw_uri)))
    if case.pager is not None:
        items.append(keyword("pages", pages_node(case, case.pager)))
    if op.interim_statuses:
        items.append(keyword("interim_statuses", literal(op.interim_statuses)))
    if op.deprecated:
        items.append(keyword("deprecated", "True"))
    if xml is not None:
        items.append(keyword("xml", xml))
    if case.left_out is not None:
        items.append(keyword("left_out", literal(case.left_out.reason)))
    return call("Case", *items)


def constructed(*values: Any) -> set[str]:
    """The model classes that expected data builds."""
    found: set[str] = set()
    for value in values:
        if isinstance(value, Construct):
            found.add(value.model)
            found |= constructed(*(v for _, v in value.fields))
        elif isinstance(value, dict):
            found |= constructed(*value.values())
        elif isinstance(value, (list, tuple)):
            found |= constructed(*value)
        elif isinstance(value, (Argument, PagerCase)):
            found |= constructed(
                value.value if isinstance(value, Argument) else value.items
            )
    return found


def tuple_of(nodes: Iterable[Node]) -> Group:
    return Group("(", tuple(nodes), ")", one_tuple=True)


@dataclass(frozen=True)
class TestsView:
    """The generated test suite: its tables, which tests have rows, what its modules import.

    Every test runs on each client of the package (the `client` fixture's parameters): the
    rows' calls are typed against the union of the clients, so that the type checker checks
    each example against both signatures, and the tests await what the async client returns.
    """

    api: Api
    with_async: bool = True
    forms: XmlForms | None = None  # the package's XML forms, when it speaks XML

    @property
    def client_classes(self) -> list[str]:
        async_client = [self.api.async_client_class] * self.with_async
        return [self.api.client_class, *async_client]

    @property
    def client_type(self) -> str:
        """The annotation of the tests' `client`: the union of the clients, by its alias."""
        return CLIENT_ALIAS if self.with_async else self.api.client_class

    @property
    def client_alias(self) -> Node:
        """`AnyClient: TypeAlias = Client | AsyncClient`, when there are two clients."""
        if not self.with_async:
            return ""
        return Assign(CLIENT_ALIAS, "TypeAlias", Union(tuple(self.client_classes)))

    @property
    def client_fixture(self) -> Node:
        """The decorator of the `client` fixture: one parameter per client class."""
        classes = Group("[", tuple(self.client_classes), "]")
        ids = literal(["sync", "async"][: len(self.client_classes)])
        return Prefixed(
            "@", call("pytest.fixture", keyword("params", classes), keyword("ids", ids))
        )

    @property
    def docstring(self) -> str:
        clients = " and ".join(self.client_classes)
        return (
            f"{clients} against a real HTTP server on 127.0.0.1 (pytest-httpserver).\n\n"
            "CASES holds one row per operation: the call with example arguments, the exact"
            " request it must send, the reply, what the call returns, and the errors it"
            " raises for every documented error status and for an undocumented one. The"
            " test functions below run every row on every client."
        )

    @cached_property
    def _examples(self) -> ExampleFactory:
        return ExampleFactory(self.api)

    @cached_property
    def operation_cases(self) -> list[OperationCase]:
        return [self._examples.operation_case(op) for op in self.api.operations]

    @cached_property
    def model_cases(self) -> list[ModelCase]:
        examples = ExampleFactory(self.api, depth=MODEL_EXAMPLE_DEPTH)
        return [examples.model_case(model) for model in self.api.models]

    @cached_property
    def sendable(self) -> list[OperationCase]:
        """The cases whose request can be sent (no example header value is refused)."""
        return [case for case in self.operation_cases if not case.refused_header]

    @property
    def left_out(self) -> list[tuple[str, str]]:
        """(warning, pointer) for each operation whose tests are left out."""
        return [
            (case.left_out.warning, case.left_out.pointer)
            for case in self.operation_cases
            if case.left_out is not None
        ]

    @cached_property
    def cases_table(self) -> Node:
        """`CASES: list[Case[Client]] = [...]`, a row per operation."""
        rows = tuple(
            row(case, self._xml(case), self._xml_only_body(case))
            for case in self.operation_cases
        )
        annotation = f"list[Case[{self.client_type}]]"
        return Assign("CASES", annotation, Group("[", rows, "]"))

    def _xml(self, case: OperationCase) -> Node | None:
        """`XmlExchange(...)`: the operation's exchange in XML, when it offers XML: the
        headers and body the client must send with data_format="xml", and the result's XML
        (written from the forms by the generator, apart from the runtime's to_xml)."""
        found = self.forms.operation(case.operation) if self.forms else None
        if found is None or case.refused_header or case.left_out:
            return None
        assert self.forms is not None
        items: list[Node] = []
        accept = next(filter(is_xml, found.produces), case.operation.accept)
        items.append(keyword("accept", literal(accept)))
        document = self._xml_body(found, case) if found.consumes else None
        if document is not None:
            sent = next(filter(is_xml, found.consumes))
            items += [
                keyword("content_type", literal(sent)),
                keyword("body", literal(document)),
            ]
        success = case.operation.success_responses
        result = success[0] if success else None
        lists = dict(found.result_lists)
        if found.produces and result is not None and case.response_kind == "json":
            reply = None
            if isinstance(result.type, ModelType):
                reply = xml_document(
                    self.forms.forms, result.type.name, case.response_body
                )
            elif result.status in lists:
                node = lists[result.status]
                reply = xml_list_document(self.forms.forms, node, case.response_body)
            if reply is not None:
                items.append(keyword("reply", literal(reply)))
        return call("XmlExchange", *items)

    def _xml_only_body(self, case: OperationCase) -> Node | None:
        """`BinaryBody(...)`: the XML an operation that consumes only XML sends, whatever
        data_format asks (the runtime's to_xml, worked out from the forms)."""
        found = self.forms.operation(case.operation) if self.forms else None
        if found is None or case.operation.json_consumed or not found.consumes:
            return None
        document = self._xml_body(found, case)
        if document is None:
            return None
        sent = next(filter(is_xml, found.consumes))
        return call(BODY_CLASSES["binary"], literal(document), literal(sent))

    def _xml_body(self, found: OperationXml, case: OperationCase) -> bytes | None:
        """The XML document of the case's body, where the operation sends its body as XML."""
        body = case.request.body
        if self.forms is None or body.kind != "json":
            return None
        if found.body_model:
            return xml_document(self.forms.forms, found.body_model, body.value)
        if found.body_list:
            return xml_list_document(self.forms.forms, found.body_list, body.value)
        return None

    @property
    def speaks_xml(self) -> bool:
        return self._any(lambda case: self._xml(case) is not None)

    # -- the test functions that have rows -------------------------------------------------

    def _any(self, test: Callable[[OperationCase], object]) -> bool:
        return any(test(case) for case in self.sendable)

    @property
    def refused(self) -> bool:
        return len(self.sendable) < len(self.operation_cases)

    @property
    def bodied_success(self) -> bool:
        return self._any(lambda case: case.response_kind != "none")

    @property
    def empty_success(self) -> bool:
        return self._any(lambda case: case.response_kind == "none")

    @property
    def minimal(self) -> bool:
        return self._any(lambda case: case.minimal_arguments is not None)

    @property
    def error_bodies(self) -> bool:
        return self._any(lambda case: any(e.has_body for e in case.errors))

    @property
    def bodiless_errors(self) -> bool:
        return self._any(lambda case: any(not e.has_body for e in case.errors))

    @property
    def interim(self) -> bool:
        return self._any(lambda case: case.operation.interim_statuses)

    @property
    def deprecated(self) -> bool:
        return self._any(lambda case: case.operation.deprecated)

    @property
    def linked_pages(self) -> bool:
        return self._any(lambda case: case.pager and case.pager.next_link)

    @property
    def single_pages(self) -> bool:
        return self._any(lambda case: case.pager and not case.pager.next_link)

    @property
    def retried(self) -> str | None:
        """The operation the retry tests call: the first sendable idempotent one."""
        return self._first(IDEMPOTENT_METHODS)

    @property
    def not_retried(self) -> str | None:
        return self._first(("POST", "PATCH"))

    def _first(self, methods: Iterable[str]) -> str | None:
        return next(
            (
                c.operation.method_name
                for c in self.sendable
                if c.operation.http_method in methods and c.left_out is None
            ),
            None,
        )

    @staticmethod
    def selected(name: str | None) -> Node:
        """The decorator running a test on the row of the method `name`."""
        where = call("params", "CASES", call("named", literal(name)))
        return Prefixed("@", call("pytest.mark.parametrize", literal("case"), where))

    @property
    def chained(self) -> bool:
        """Whether the credentials are checked in errors and their chain."""
        return bool(self.secrets and self.retried)

    # -- imports ---------------------------------------------------------------------------

    @property
    def client_imports(self) -> Imports:
        """What test_client.py imports: each name a row or a test function uses. The
        package's models and errors are named through their modules (`models.Message`):
        a spec's names never meet the harness's (a definition named `Error` or `Case`).
        """
        harness = {"Case", "serve", "opened"} | self._row_classes()
        harness |= {"settle"} if self.operation_cases else set()
        if self.linked_pages or self.single_pages:
            harness.add("collect")
        if self.retried or self.not_retried:
            harness.add("recorded_sleeps")
        if self.operation_cases:
            harness.add("params")
        if self.sendable:
            harness |= {"last_request", "sent_header"}
        if self.error_bodies or self.bodiless_errors:
            harness.add("error_params")
        if self.interim:
            harness |= {"WireHeaders", "interim_params"}
        if self.retried or self.not_retried:
            harness.add("named")
        if self.chained:
            harness.add("chain")
        if self.speaks_xml:
            harness.add("XmlExchange")
        package = set(self.client_classes)
        if self.sendable:
            package.add("errors")  # every sendable row names its error classes
        if any(
            constructed(
                case.arguments,
                case.result,
                case.pager,
                *(error.parsed for error in case.errors),
            )
            for case in self.operation_cases
        ):
            package.add("models")
        abc = ["AsyncIterator", "Iterator"]
        imports = (
            Imports.of("collections.abc", *abc)
            | Imports.modules(*(["inspect"] if self.deprecated else []))
            | Imports.of("typing", *(["TypeAlias"] if self.with_async else []))
            | Imports.modules("pytest", *(["json"] if self.error_bodies else []))
            | Imports.of("pytest_httpserver", "HTTPServer")
            | Imports.of("..", *package)
        )
        return imports | Imports.of(HARNESS, *harness)

    def _row_classes(self) -> set[str]:
        """The harness classes the rows name."""
        names = set()
        for case in self.sendable:
            names.add(REPLY_CLASSES[case.response_kind])
            body = case.request.body
            if self._xml_only_body(case) is not None:
                names.add(BODY_CLASSES["binary"])
            elif body.kind != "none" or body.content_type is not None:
                names.add(BODY_CLASSES[body.kind])
            if case.errors:
                names.add("Error")
            if case.pager:
                names.add("Pages")
        return names

    # -- credentials -----------------------------------------------------------------------

    @property
    def base_path(self) -> str:
        return BASE_PATH

    @property
    def constructor_arguments(self) -> list[tuple[str, object]]:
        """The client's keyword arguments in the tests: client parameters, credentials."""
        values = credential_values(self.api).values()
        return list(self._examples.client_values().items()) + [
            (s.keyword, v)
            for s, v in zip(self.api.security_schemes, values, strict=True)
        ]

    @property
    def secrets(self) -> list[str]:
        values = credential_values(self.api).values()
        return sorted({str(v[1]) if isinstance(v, tuple) else str(v) for v in values})

    @property
    def secrets_statement(self) -> Node:
        """`SECRETS = [...]`, laid out by the printer (a long list explodes, as black would)."""
        return Assign("SECRETS", "", literal(self.secrets))

    # -- the model tests -------------------------------------------------------------------

    @cached_property
    def subtype_cases(self) -> list[tuple[str, str, dict[str, Any]]]:
        """(base class, subtype class, the subtype's example data) per discriminated base."""
        full = {case.model.name: case.full for case in self.model_cases}
        return [
            (model.name, subtype, {**full[subtype], model.discriminator: value})
            for model in self.api.models
            for value, subtype in model.subtypes
        ]

    @property
    def full_examples(self) -> Node:
        rows = (
            _param(case.model.name, f"models.{case.model.name}", literal(case.full))
            for case in self.model_cases
        )
        return Assign("FULL_EXAMPLES", "list[Any]", Group("[", tuple(rows), "]"))

    @property
    def minimal_examples(self) -> Node:
        rows = (
            _param(
                case.model.name,
                f"models.{case.model.name}",
                literal(case.minimal),
                Prefixed("lambda: ", expression(case.minimal_model)),
            )
            for case in self.model_cases
        )
        return Assign("MINIMAL_EXAMPLES", "list[Any]", Group("[", tuple(rows), "]"))

    @property
    def subtype_examples(self) -> Node:
        rows = (
            _param(
                f"{base}-{subtype}",
                f"models.{base}",
                f"models.{subtype}",
                literal(data),
            )
            for base, subtype, data in self.subtype_cases
        )
        return Assign("SUBTYPE_EXAMPLES", "list[Any]", Group("[", tuple(rows), "]"))


def _param(name: str, *values: Node) -> Node:
    return call("pytest.param", *values, keyword("id", literal(name)))
