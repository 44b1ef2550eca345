"""Views: what the templates print, decided in Python.

Each view wraps a piece of the intermediate model and knows how it is spelled in the generated
code: its annotation, its docstring text, the source of its arguments and the imports it needs.
A module's imports are the union of its views' imports. Templates receive one `PackageView` and
only loop over its views and print their attributes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from generator.client_options import CLIENT_OPTIONS, ClientOption
from generator.model import (
    ASYNC_PREFIX,
    Api,
    EnumClass,
    ErrorClass,
    Field,
    ListType,
    Model,
    Operation,
    Parameter,
    ScalarType,
    SecurityScheme,
)
from generator.render import docstrings, escape, spelling
from generator.render.code import NO_IMPORTS, Code, Imports, union
from generator.render.printer import (
    Assign,
    Definition,
    Entry,
    Group,
    Import,
    Node,
    Prefixed,
    Union,
    call,
    lay_out,
    literal,
    returning,
    top_level_split,
)
from generator.render.xmlform import ModelForm, OperationXml, XmlForms, XmlNodeSpec

RUNTIME = spelling.RUNTIME
ERRORS = ".errors"
MODELS = spelling.MODELS

# The annotation of each credential keyword, by security scheme kind.
CREDENTIAL_ANNOTATIONS = {
    "basic": Code("tuple[str, str] | httpx.Auth | None"),
    "apiKey": Code("str | None"),
    "oauth2": Code(
        "str | Callable[[], str] | None", Imports.of("collections.abc", "Callable")
    ),
}
CREDENTIAL_CLASSES = {
    "basic": "BasicCredentials",
    "apiKey": "ApiKey",
    "oauth2": "BearerToken",
}

# A return annotation longer than this is named by a type alias, so that every `def` line keeps
# one black-stable layout (a long nested subscript after `->` is split differently by black's
# stable and preview styles).
ALIAS_MIN_LENGTH = 40


@dataclass(frozen=True)
class CredentialView:
    scheme: SecurityScheme

    @property
    def name(self) -> str:
        return self.scheme.name

    @property
    def keyword(self) -> str:
        return self.scheme.keyword

    @property
    def annotation(self) -> str:
        return CREDENTIAL_ANNOTATIONS[self.scheme.kind].text

    @property
    def constructor(self) -> Node:
        """The runtime credential built from the keyword argument."""
        scheme = self.scheme
        if scheme.kind == "apiKey":
            where = map(escape.py_literal, (scheme.location, scheme.parameter))
            return call("ApiKey", *where, scheme.keyword)
        return call(CREDENTIAL_CLASSES[scheme.kind], scheme.keyword)

    @property
    def registration(self) -> Node:
        """`credentials[<scheme name>] = <constructor>`."""
        target = f"credentials[{escape.py_literal(self.name)}]"
        return Assign(target, value=self.constructor)

    @property
    def imports(self) -> Imports:
        needs = Imports.of(RUNTIME, "Credential", CREDENTIAL_CLASSES[self.scheme.kind])
        return needs | CREDENTIAL_ANNOTATIONS[self.scheme.kind].imports


@dataclass(frozen=True)
class ClientParameterView:
    """A client parameter (`x-ms-parameter-location: client`): a keyword of the constructor
    (required when the spec requires it) and of with_options (None keeps the value)."""

    parameter: Parameter

    @property
    def keyword(self) -> str:
        return self.parameter.python_name

    @cached_property
    def _annotation(self) -> Code:
        return spelling.parameter_annotation(self.parameter)

    @property
    def constructor_argument(self) -> str:
        annotation = self._annotation.text
        return annotation if self.parameter.required else f"{annotation} = None"

    @property
    def option_argument(self) -> str:
        annotation = self._annotation.text
        if self.parameter.required:
            annotation = f"{annotation} | None"
        return f"{annotation} = None"

    @property
    def imports(self) -> Imports:
        return self._annotation.imports


@dataclass(frozen=True)
class ReturnAlias:
    name: str  # `_<Method>Result`: no spec name starts with `_`
    annotation: Code

    @property
    def statement(self) -> Node:
        return Assign(self.name, "TypeAlias", union_of(self.annotation.text))


@dataclass(frozen=True)
class Flavour:
    """How the sync or the async client spells its I/O: the one thing the two differ in. Both
    are printed from the same template and the same views; the runtime's TransportCore holds
    everything else once."""

    is_async: bool
    prefix: str  # of the class names
    module: str  # the module inside the package
    define: str  # `def` or `async def`
    wait: str  # what precedes a call that does I/O
    http_client: str  # the class `http_client=` takes
    transport: str  # the runtime's transport class
    raw_response: str  # the runtime's raw-response class
    close: str  # the method that closes the connections
    enter: str  # the context manager's methods
    exit: str
    iterator: str  # what an iter_ method returns
    parse: str  # the raw response's method that parses a page

    def constructor_options(
        self, speaks_xml: bool
    ) -> list[tuple[ClientOption, str, str]]:
        """(option, annotation, default) of each option the constructor takes, in order."""
        return [
            (option, option.annotation.format(http_client=self.http_client), default)
            for option in CLIENT_OPTIONS
            if (default := option.default) is not None and option.takes(speaks_xml)
        ]

    def with_options_options(self, speaks_xml: bool) -> list[ClientOption]:
        return [
            option
            for option in CLIENT_OPTIONS
            if option.option_annotation is not None and option.takes(speaks_xml)
        ]


SYNC = Flavour(
    is_async=False,
    prefix="",
    module="client",
    define="def",
    wait="",
    http_client="httpx.Client",
    transport="Transport",
    raw_response="RawResponse",
    close="close",
    enter="__enter__",
    exit="__exit__",
    iterator="Iterator",
    parse="parse",
)
ASYNC = Flavour(
    is_async=True,
    prefix=ASYNC_PREFIX,
    module="async_client",
    define="async def",
    wait="await ",
    http_client="httpx.AsyncClient",
    transport="AsyncTransport",
    raw_response="AsyncRawResponse",
    close="aclose",
    enter="__aenter__",
    exit="__aexit__",
    iterator="AsyncIterator",
    parse="aparse",
)


@dataclass(frozen=True)
class PagerView:
    method_name: str
    items: str  # the page's attribute holding the items
    next_link: str | None  # the page's attribute holding the next page's link
    item_annotation: Code
    docstring: str
    page: str  # local variable names that no parameter uses
    response: str
    item: str
    method_def: Node
    first_page: Node  # `response = ...` for the first page
    follow: Node | None  # `response = ...` for the page the next link names


@dataclass(frozen=True)
class OperationView:
    """One operation as the client and its raw twin print it."""

    operation: Operation
    api: Api
    alias: ReturnAlias | None
    flavour: Flavour = SYNC
    xml: OperationXml | None = None  # the XML it speaks; None: JSON only

    @property
    def name(self) -> str:
        return self.operation.method_name

    @property
    def client_class(self) -> str:
        return self.flavour.prefix + self.api.client_class

    @property
    def http_method(self) -> str:
        return self.operation.http_method

    @property
    def path(self) -> str:
        return self.operation.path

    @property
    def deprecated(self) -> bool:
        return self.operation.deprecated

    @cached_property
    def parameters(self) -> list[Code]:
        """The parameters after `self`: required ones positional, optional ones keyword-only."""
        op = self.operation
        parts = [_parameter(p) for p in op.positional_parameters]
        if op.keyword_parameters:
            parts.append(Code("*"))
            parts += [_parameter(p, " = None") for p in op.keyword_parameters]
        return parts

    def definition(self, name: str, returns: str) -> Node:
        """`def name(self, <parameters>) -> returns:`."""
        op = self.operation
        items: list[Node] = ["self", *map(_parameter_node, op.positional_parameters)]
        if op.keyword_parameters:
            items.append("*")
            items += [_parameter_node(p, "None") for p in op.keyword_parameters]
        return Definition(
            name, tuple(items), union_of(returns), keyword=self.flavour.define
        )

    @property
    def method_def(self) -> Node:
        return self.definition(self.name, self.returns)

    @property
    def raw_def(self) -> Node:
        return self.definition(self.name, self._raw_returns)

    @property
    def sender_def(self) -> Node:
        return self.definition(self.raw_sender, self._raw_returns)

    @property
    def _raw_returns(self) -> str:
        return f"{self.flavour.raw_response}[{self.returns}]"

    @cached_property
    def return_type(self) -> Code:
        return spelling.return_annotation(self.operation.results)

    @property
    def returns(self) -> str:
        return self.alias.name if self.alias else self.return_type.text

    @property
    def docstring(self) -> str:
        return docstrings.operation_doc(self.operation, self.api)

    @property
    def raw_docstring(self) -> str:
        return docstrings.raw_operation_doc(self.operation, self.client_class)

    @property
    def deprecation_message(self) -> str:
        return (
            f"{self.name}() is deprecated: the spec marks"
            f" {self.operation.operation_id!r} as deprecated"
        )

    @property
    def warning(self) -> Node:
        message = escape.py_literal(self.deprecation_message)
        return call("warnings.warn", message, "DeprecationWarning", "stacklevel=2")

    @property
    def forward(self) -> list[str]:
        """The arguments passing the method's parameters on to its raw twin."""
        op = self.operation
        positional = [p.python_name for p in op.positional_parameters]
        keywords = [f"{p.python_name}={p.python_name}" for p in op.keyword_parameters]
        return positional + keywords

    @property
    def parse_return(self) -> list[Node]:
        """`return self.with_raw_response.<sender>(...).parse()`; the async client awaits the
        raw response first, and reads a streamed one (`aparse()`)."""
        sender = f"self.with_raw_response.{self.raw_sender}"
        if not self.flavour.is_async:
            return [returning(call(sender, *self.forward, tail=".parse()"))]
        raw = _free_name(("raw", "raw_response"), self._taken)
        return [
            Assign(raw, value=call(f"await {sender}", *self.forward)),
            f"return await {raw}.aparse()",
        ]

    @property
    def _taken(self) -> set[str]:
        return {p.python_name for p in self.operation.parameters}

    @property
    def forward_return(self) -> Node:
        """The deprecated raw method's `return self.<sender>(...)`."""
        sender = f"{self.flavour.wait}self.{self.raw_sender}"
        return returning(call(sender, *self.forward))

    @property
    def raw_sender(self) -> str:
        """The raw-response method that sends the request: for a deprecated operation a private
        twin without the warning, so that each public entry point warns once, at its caller.
        """
        return f"_send_{self.name}" if self.deprecated else self.name

    @cached_property
    def request_arguments(self) -> list[tuple[str, Node]]:
        """(keyword, value) of the Transport.request call, besides the decoders."""
        arguments = _request_arguments(self.operation)
        if self.xml is not None:
            formats = [
                Prefixed(f"{direction}=", tuple_node(types_))
                for direction, types_ in (
                    ("consumes", self.xml.consumes),
                    ("produces", self.xml.produces),
                )
                if types_
            ]
            arguments.append(("formats", call("Formats", *formats)))
            if self.xml.body_model:
                arguments.append(("body_model", self.xml.body_model))
            elif self.xml.body_list:
                arguments.append(("body_model", _xml_list(self.xml.body_list)))
        return arguments

    @property
    def required_check(self) -> Node | None:
        """`require_given(a=a, ...)`: the required arguments None is not a value of, refused
        before anything is sent (a path would keep its `{placeholder}`, a header or a body
        would silently go missing)."""
        names = [p.python_name for p in self.operation.parameters if p.must_be_given]
        if not names:
            return None
        return call("require_given", *(f"{name}={name}" for name in names))

    @property
    def request_return(self) -> Node:
        arguments = [
            Prefixed(f"{keyword}=", value) for keyword, value in self.request_arguments
        ]
        return returning(
            call(
                f"{self.flavour.wait}self._transport.request",
                escape.py_literal(self.http_method),
                escape.py_literal(self.path),
                *arguments,
                *self._maps,
            ),
        )

    @property
    def _maps(self) -> tuple[Node, ...]:
        maps = [
            Prefixed("responses=", self.response_map),
            Prefixed("errors=", self.error_map),
        ]
        if self.error_decoders:
            entries = tuple(
                Entry(escape.py_literal(status), decoder_call(code.text))
                for status, code in self.error_decoders
            )
            maps.append(Prefixed("error_bodies=", Group("{", entries, "}")))
        return tuple(maps)

    @cached_property
    def error_decoders(self) -> list[tuple[str, Code]]:
        """The decoders of the error responses documented with a schema (JSON, not a file),
        which parse an error's body into `ApiError.body`."""
        return [
            (r.status, spelling.response_decoder(r.type))
            for r in self.operation.error_responses
            if r.type is not None and r.type != ScalarType("bytes")
        ]

    @cached_property
    def decoders(self) -> list[tuple[str, Node, Imports]]:
        """Each success's decoder and what it imports: an `XmlList` where the result is a
        root-level array of models the operation may return as XML."""
        lists = dict(self.xml.result_lists) if self.xml else {}
        decoders: list[tuple[str, Node, Imports]] = []
        for r in self.operation.success_responses:
            if r.status in lists:
                node, needs = _list_decoder(lists[r.status], r.nullable)
            else:
                code = spelling.response_decoder(r.type, r.nullable)
                node, needs = decoder_call(code.text), code.imports
            decoders.append((r.status, node, needs))
        return decoders

    @property
    def response_map(self) -> Node:
        entries = (
            Entry(escape.py_literal(status), node) for status, node, _ in self.decoders
        )
        return Group("{", tuple(entries), "}")

    @property
    def error_map(self) -> Node:
        entries = (
            Entry(escape.py_literal(r.status), escape.py_literal(r.description))
            for r in self.operation.error_responses
        )
        return Group("{", tuple(entries), "}")

    @cached_property
    def pager(self) -> PagerView | None:
        pager = self.operation.pager
        if pager is None:
            return None
        assert isinstance(pager.items.type, ListType)
        taken = self._taken
        page = _free_name(("page", "current_page"), taken)
        response = _free_name(("response", "page_response"), taken)
        item = _free_name(("item", "each_item"), taken)
        annotation = spelling.annotation(pager.items.type.item)
        next_link = pager.next_link.python_name if pager.next_link else None
        wait = self.flavour.wait
        sender = f"{wait}self.with_raw_response.{self.raw_sender}"
        follow = None
        if next_link:
            arguments = [
                Prefixed(f"{keyword}=", value)
                for keyword, value in self.request_arguments
                if keyword in ("headers", "security")
            ]
            follow_call = call(
                f"{wait}self._transport.follow",
                response,
                f"{page}.{next_link}",
                *arguments,
                *self._maps,
            )
            follow = Assign(response, value=follow_call)
        return PagerView(
            method_name=pager.method_name,
            items=pager.items.python_name,
            next_link=next_link,
            item_annotation=annotation,
            docstring=docstrings.iterator_doc(self.operation, self.client_class),
            page=page,
            response=response,
            item=item,
            method_def=self.definition(
                pager.method_name, f"{self.flavour.iterator}[{annotation.text}]"
            ),
            first_page=Assign(response, value=call(sender, *self.forward)),
            follow=follow,
        )

    @property
    def imports(self) -> Imports:
        needs = union(part.imports for part in self.parameters)
        if any(p.double_encoded for p in self.operation.parameters):
            needs |= Imports.of(RUNTIME, "encoded_once")
        if any(p.verbatim for p in self.operation.parameters):
            needs |= Imports.of(RUNTIME, "Verbatim")
        if self.required_check is not None:
            needs |= Imports.of(RUNTIME, "require_given")
        if self.xml is not None:
            needs |= Imports.of(RUNTIME, "Formats")
            if self.xml.body_model:
                needs |= Imports.of(MODELS, self.xml.body_model)
            if self.xml.body_list and self.xml.body_list.item:
                needs |= _XML_LIST_IMPORTS | Imports.of(
                    MODELS, self.xml.body_list.item.of
                )
        needs |= union(imports for _, _, imports in self.decoders)
        needs |= union(code.imports for _, code in self.error_decoders)
        needs |= self.return_type.imports if self.alias is None else NO_IMPORTS
        if self.deprecated:
            needs |= Imports.modules("warnings")
        if self.pager:
            needs |= self.pager.item_annotation.imports
            needs |= Imports.of("collections.abc", self.flavour.iterator)
        return needs


def _parameter_node(parameter: Parameter, default: str | None = None) -> Node:
    annotation = union_of(spelling.parameter_annotation(parameter).text)
    return Assign(parameter.python_name, annotation, default, statement=False)


def union_of(annotation: str) -> Union:
    """An annotation as the union of its members, split at the `|` outside brackets."""
    return Union(tuple(top_level_split(annotation, " | ")))


def decoder_call(decoder: str) -> Node:
    """A decoder expression (`list_of(dict_of(Model.from_dict))`) as nested calls."""
    if not decoder.endswith(")"):
        return decoder
    function, _, inner = decoder[:-1].partition("(")
    return call(function, decoder_call(inner))


def _parameter(parameter: Parameter, default: str = "") -> Code:
    annotation = spelling.parameter_annotation(parameter)
    return Code(
        f"{parameter.python_name}: {annotation.text}{default}", annotation.imports
    )


def _request_arguments(op: Operation) -> list[tuple[str, Node]]:
    """The keyword arguments of an operation's Transport.request call."""

    def value(parameter: Parameter) -> Node:
        if parameter.constant:
            return literal(parameter.default)
        if parameter.client:
            keyword = escape.py_literal(parameter.python_name)
            return f"self._transport.client_parameters[{keyword}]"
        return parameter.python_name

    def pairs(parameters: Iterable[Parameter]) -> Node:
        items = []
        for p in parameters:
            pair: tuple[Node, ...] = (escape.py_literal(p.wire_name), value(p))
            if p.collection_format or p.nullable_items:
                pair += (escape.py_literal(p.collection_format or "csv"),)
            if p.nullable_items:  # a None item goes out empty, not refused
                pair += ("True",)
            items.append(Group("(", pair, ")"))
        return Group("[", tuple(items), "]")

    def path_value(parameter: Parameter) -> Node:
        if parameter.double_encoded:
            return call("encoded_once", value(parameter))
        if parameter.verbatim:
            return call("Verbatim", value(parameter))
        return value(parameter)

    arguments: list[tuple[str, Node]] = []
    if op.located("path"):
        entries = tuple(
            Entry(escape.py_literal(p.wire_name), path_value(p))
            for p in op.located("path")
        )
        arguments.append(("path_params", Group("{", entries, "}")))
    for location, keyword in (("query", "query"), ("header", "headers")):
        if op.located(location):
            arguments.append((keyword, pairs(op.located(location))))
    form = op.form_fields
    files = [p for p in form if p.type == ScalarType("bytes")]
    fields = [p for p in form if p not in files]
    if fields:
        arguments.append(("form", pairs(fields)))
    if files:
        arguments.append(("files", pairs(files)))
    if op.body_encoding == "multipart":
        arguments.append(("multipart", "True"))
    if op.body is not None and op.body_encoding == "binary":
        arguments.append(("content", value(op.body)))
        arguments.append(("content_type", escape.py_literal(op.content_type)))
    elif op.body is not None and op.body_encoding == "text":
        arguments.append(("text", value(op.body)))
        arguments.append(("content_type", escape.py_literal(op.content_type)))
    elif op.body is not None:
        arguments.append(("json_body", value(op.body)))
        if op.content_type != "application/json":  # a JSON-like type of its own
            arguments.append(("content_type", escape.py_literal(op.content_type)))
        if op.body.required and op.body.nullable:  # None is sent as JSON null
            arguments.append(("null_body", "True"))
    if op.security:
        arguments.append(("security", literal(op.security)))
    if op.accept != "application/json":
        arguments.append(("accept", escape.py_literal(op.accept)))
    return arguments


def tuple_node(items: Iterable[str]) -> Group:
    """A tuple of string literals (`("a",)` for one)."""
    return Group("(", tuple(map(escape.py_literal, items)), ")", one_tuple=True)


def _free_name(choices: tuple[str, str], taken: set[str]) -> str:
    """The first choice no parameter uses, else the last with underscores added."""
    name = next((choice for choice in choices if choice not in taken), choices[-1])
    while name in taken:
        name += "_"
    return name


@dataclass(frozen=True)
class ClientView:
    """client.py (or async_client.py): the client class and its raw-response twin."""

    api: Api
    io: Flavour = SYNC
    forms: XmlForms | None = None  # the package's XML forms (else worked out here)

    @cached_property
    def xml_forms(self) -> XmlForms:
        return self.forms or XmlForms(self.api)

    @property
    def speaks_xml(self) -> bool:
        """Whether the client takes `data_format`: some operation offers XML."""
        return any(view.xml for view in self.operations)

    @property
    def class_name(self) -> str:
        return self.io.prefix + self.api.client_class

    @property
    def raw_class(self) -> str:
        return self.io.prefix + self.api.raw_client_class

    @property
    def enter_def(self) -> Definition:
        """`def __enter__(self) -> Client:` (async: `__aenter__`), laid out for its length."""
        return Definition(
            self.io.enter, ("self",), Union((self.class_name,)), keyword=self.io.define
        )

    @property
    def constructor_keywords(self) -> list[str]:
        """The constructor's option keywords, as the signature spells them."""
        return [
            f"{option.name}: {annotation} = {default}"
            for option, annotation, default in self.io.constructor_options(
                self.speaks_xml
            )
        ]

    @property
    def transport_arguments(self) -> list[str]:
        """What the constructor hands the transport besides the URL, the credentials and the
        client parameters: each option, and the package's user agent and error classes
        after the HTTP client."""
        arguments = []
        for option, _, _ in self.io.constructor_options(self.speaks_xml):
            arguments.append(f"{option.name}={option.name}")
            if option.name == "http_client":
                arguments += ["user_agent=USER_AGENT", "error_classes=ERRORS_BY_STATUS"]
        return arguments

    @property
    def with_options_keywords(self) -> list[str]:
        return [
            f"{option.name}: {option.option_annotation} = {option.option_default}"
            for option in self.io.with_options_options(self.speaks_xml)
        ]

    @property
    def with_options_arguments(self) -> list[str]:
        return [
            f"{option.name}={option.name}"
            for option in self.io.with_options_options(self.speaks_xml)
        ]

    @property
    def with_options_doc(self) -> str:
        reading = (
            "`AsyncRawResponse.aiter_bytes()` (nothing buffered, no size bound) in an"
            " `async with` block, or whole with `await .aread()` or `await .aparse()`"
            if self.io.is_async
            else "`RawResponse.iter_bytes()` (nothing buffered, no size bound) in a `with`"
            " block, or whole with `.content` or `.parse()`"
        )
        return (
            "A client with other options, sharing this one's connections and credentials;"
            " closing it leaves the connections open. Options not given keep this client's"
            " values.\n\nWith `stream=True`, `with_raw_response` leaves success bodies"
            f" unread: read them in chunks with {reading} (within max_response_size)."
        )

    @property
    def module(self) -> str:
        """The client's module inside the package, as a file name."""
        return f"{self.io.module}.py"

    @property
    def host_url(self) -> str | None:
        return self.api.host_url

    @property
    def docstring(self) -> str:
        return docstrings.client_doc(self.api, self.io.is_async, self.speaks_xml)

    @property
    def module_docstring(self) -> str:
        return docstrings.client_module_doc(self.api, self.class_name)

    @property
    def user_agent(self) -> str:
        return f"{self.api.package}/{_token(self.api.version)}"

    @property
    def user_agent_value(self) -> str:
        """What `USER_AGENT = ` is given: the literal, in parentheses on lines of their own
        where a long package name needs them (the template keeps the assignment, so that the
        names it binds are read from it)."""
        target = "USER_AGENT = "
        statement = lay_out(Assign("USER_AGENT", value=literal(self.user_agent)))
        return statement.removeprefix(target)

    @property
    def import_statement(self) -> Node:
        return Import(f".{self.io.module}", (self.class_name,))

    def raw_attribute(self, client: str) -> Node:
        """`<client>.with_raw_response = <raw class>(<client>._transport)`."""
        raw = call(self.raw_class, f"{client}._transport")
        return Assign(f"{client}.with_raw_response", value=raw)

    @cached_property
    def credentials(self) -> list[CredentialView]:
        return [CredentialView(scheme) for scheme in self.api.security_schemes]

    @cached_property
    def client_parameters(self) -> list[ClientParameterView]:
        return [ClientParameterView(p) for p in self.api.client_parameters]

    @property
    def client_parameters_argument(self) -> Node:
        """`client_parameters={"account_sid": account_sid, ...}`, as the constructor and
        with_options hand them to the transport."""
        entries = tuple(
            Entry(escape.py_literal(p.keyword), p.keyword)
            for p in self.client_parameters
        )
        return Prefixed("client_parameters=", Group("{", entries, "}"))

    @cached_property
    def _aliases(self) -> dict[str, ReturnAlias]:
        return _return_aliases(self.api)

    @property
    def aliases(self) -> list[ReturnAlias]:
        return list(self._aliases.values())

    @cached_property
    def operations(self) -> list[OperationView]:
        return [
            OperationView(
                op,
                self.api,
                self._aliases.get(op.method_name),
                self.io,
                self.xml_forms.operation(op),
            )
            for op in self.api.operations
        ]

    @property
    def imports(self) -> Imports:
        always = Imports.modules("copy") | Imports.of("types", "TracebackType")
        always |= Imports.of("typing", "final") | Imports.modules("httpx")
        always |= Imports.of(
            RUNTIME,
            "MAX_PAGES",
            "MAX_RESPONSE_SIZE",
            "UNSET",
            self.io.transport,
            "Unset",
        )
        if self.api.operations:  # a spec with no operation has no raw response
            always |= Imports.of(RUNTIME, self.io.raw_response)
        always |= Imports.of(ERRORS, "ERRORS_BY_STATUS")
        if self.aliases:
            always |= Imports.of("typing", "TypeAlias")
        if self.speaks_xml:
            always |= Imports.of("typing", "Literal")
        needs = union(view.imports for view in self.credentials)
        needs |= union(view.imports for view in self.client_parameters)
        needs |= union(view.imports for view in self.operations)
        needs |= union(alias.annotation.imports for alias in self.aliases)
        return always | needs


def _token(text: str) -> str:
    """Text as an HTTP token (for the User-Agent's version): other characters become `-`."""
    return re.sub(r"[^A-Za-z0-9.!#$%&'*+^_`|~-]", "-", text)[:64] or "0"


def _compound(annotation: str) -> bool:
    """A subscript or a union: what black would split inside `RawResponse[...]`."""
    return "[" in annotation or " | " in annotation


def _return_aliases(api: Api) -> dict[str, ReturnAlias]:
    aliases: dict[str, ReturnAlias] = {}
    taken: set[str] = set()
    for op in api.operations:
        annotation = spelling.return_annotation(op.results)
        if len(annotation.text) > ALIAS_MIN_LENGTH and _compound(annotation.text):
            words = "".join(part.capitalize() for part in op.method_name.split("_"))
            name, number = f"_{words}Result", 2
            while name in taken:  # `get_a` and `get_a_` spell the same words
                name, number = f"_{words}Result{number}", number + 1
            taken.add(name)
            aliases[op.method_name] = ReturnAlias(name, annotation)
    return aliases


@dataclass(frozen=True)
class FieldView:
    field: Field

    @property
    def python_name(self) -> str:
        return self.field.python_name

    @property
    def wire_name(self) -> str:
        return self.field.wire_name

    @cached_property
    def annotation(self) -> Code:
        return spelling.field_annotation(self.field)

    @property
    def default(self) -> str | None:
        """The class body's default, as source: a subtype's fixed discriminator, or UNSET."""
        if self.field.fixed is not None:
            return escape.py_literal(self.field.fixed)
        return "UNSET" if self.field.defaults_to_unset else None

    @cached_property
    def decoder(self) -> Code | None:
        return spelling.decoder(self.field.type)

    @property
    def declaration(self) -> Node:
        """`name: annotation` in the class body, with its default when it has one."""
        return Assign(self.python_name, union_of(self.annotation.text), self.default)

    @property
    def reading(self) -> Node:
        """`name=...` in from_dict's `cls(...)` call: the value popped, decoded if needs be."""
        popped = call("fields.pop", escape.py_literal(self.wire_name), "UNSET")
        if self.decoder:
            decoder = decoder_call(self.decoder.text)
            return Prefixed(f"{self.python_name}=", call("decode", popped, decoder))
        return Prefixed(f"{self.python_name}=", popped)

    @property
    def writing(self) -> Node:
        """`"wire": self.name` in to_dict's dict."""
        return Entry(escape.py_literal(self.wire_name), f"self.{self.python_name}")

    @property
    def imports(self) -> Imports:
        needs = self.annotation.imports | Imports.of(RUNTIME, "UNSET")
        if self.decoder:
            needs |= self.decoder.imports | Imports.of(RUNTIME, "decode")
        return needs


@dataclass(frozen=True)
class ModelView:
    model: Model
    api: Api
    xml: ModelForm | None = (
        None  # its XML form, when the spec speaks XML and it has one
    )

    @property
    def name(self) -> str:
        return self.model.name

    @property
    def base_class(self) -> str:
        return self.model.base or ("XmlModel" if self.xml else "ApiModel")

    @property
    def xml_shape(self) -> Node | None:
        """`XML_SHAPE: ClassVar[XmlShape] = XmlShape(...)`: the model's XML form as data for
        the runtime's XmlModel.from_xml and to_xml."""
        if self.xml is None:
            return None
        fields = tuple(
            call("XmlField", escape.py_literal(attr), _xml_node(node))
            for attr, _, node in self.xml.fields
        )
        arguments: list[Node] = [
            _xml_node(self.xml.element),
            Group("(", fields, ")", one_tuple=True),
        ]
        discriminator = next(
            (
                f.python_name
                for f in self.model.fields
                if f.wire_name == self.discriminator
            ),
            None,
        )
        if discriminator and self.subtypes:
            subtypes = tuple(
                Group("(", (escape.py_literal(v), escape.py_literal(c)), ")")
                for v, c in self.subtypes
            )
            arguments.append(
                Prefixed("discriminator=", escape.py_literal(discriminator))
            )
            arguments.append(
                Prefixed("subtypes=", Group("(", subtypes, ")", one_tuple=True))
            )
        shape = call("XmlShape", *arguments)
        return Assign("XML_SHAPE", "ClassVar[XmlShape]", shape)

    @property
    def read_only(self) -> Node | None:
        """`("id", ...)`: the wire names of the read-only fields, which a request leaves out."""
        names = [f.wire_name for f in self.model.fields if f.read_only]
        return tuple_node(names) if names else None

    @property
    def is_root(self) -> bool:
        """Whether the class declares `additional_properties` (its base does not)."""
        return not self.model.base

    @property
    def docstring(self) -> str:
        return docstrings.model_doc(self.model)

    @cached_property
    def fields(self) -> list[FieldView]:
        return [FieldView(f) for f in self.model.fields]

    @cached_property
    def declared_fields(self) -> list[FieldView]:
        """The fields the class body declares: those its base class does not declare as they
        are (a subtype's discriminator gets its fixed value as a default)."""
        inherited = (
            set(self.api.model(self.model.base).fields) if self.model.base else set()
        )
        return [view for view in self.fields if view.field not in inherited]

    @property
    def subtypes(self) -> list[tuple[str, str]]:
        """(discriminator value, subtype class) pairs."""
        return list(self.model.subtypes)

    @property
    def discriminator(self) -> str | None:
        return self.model.discriminator

    @property
    def class_line(self) -> Node:
        return Group(f"class {self.name}(", (self.base_class,), "):")

    @property
    def from_dict_def(self) -> Node:
        return Definition("from_dict", ("cls", "data: object"), self.name)

    @property
    def fields_statement(self) -> Node:
        return Assign(
            "fields", value=call("expect_object", "data", escape.py_literal(self.name))
        )

    @property
    def subtypes_statement(self) -> Node:
        entries = tuple(
            Entry(escape.py_literal(value), name) for value, name in self.subtypes
        )
        annotation = f"dict[str, type[{self.name}]]"
        return Assign("subtypes", annotation, Group("{", entries, "}"))

    @property
    def subtype_statement(self) -> Node:
        read = call("fields.get", escape.py_literal(self.discriminator))
        return Assign("subtype", value=call("subtypes.get", call("str", read)))

    @property
    def imports(self) -> Imports:
        needs = Imports.of(RUNTIME, "expect_object", "serialize")
        if self.base_class == "ApiModel":
            needs |= Imports.of(RUNTIME, "ApiModel")
        needs |= Imports.of("dataclasses", "dataclass", "field") | Imports.of(
            "typing", "Any"
        )
        if self.xml:
            needs |= Imports.of(RUNTIME, "XmlField", "XmlModel", "XmlNode", "XmlShape")
            needs |= Imports.of("typing", "ClassVar")
        return needs | union(view.imports for view in self.fields)


def _xml_node(node: XmlNodeSpec) -> Node:
    """`XmlNode("name", kind=..., ...)` with the values that are not the defaults."""
    arguments: list[Node] = [escape.py_literal(node.name)]
    for key in ("kind", "of", "namespace", "prefix"):
        value = getattr(node, key)
        if value != getattr(NODE_DEFAULTS, key):
            arguments.append(Prefixed(f"{key}=", escape.py_literal(value)))
    for key in ("attribute", "wrapped"):
        if getattr(node, key):
            arguments.append(f"{key}=True")
    if node.item is not None:
        arguments.append(Prefixed("item=", _xml_node(node.item)))
    return call("XmlNode", *arguments)


NODE_DEFAULTS = XmlNodeSpec("")
_XML_LIST_IMPORTS = Imports.of(RUNTIME, "XmlList", "XmlNode")


def _list_decoder(node: XmlNodeSpec, nullable: bool) -> tuple[Node, Imports]:
    """The decoder of a root-level array of models the operation may return as XML
    (`Nullable(...)` around it where the result may be null), and what it imports."""
    assert node.item is not None
    needs = _XML_LIST_IMPORTS | Imports.of(MODELS, node.item.of)
    if nullable:
        return call("Nullable", _xml_list(node)), needs | Imports.of(
            RUNTIME, "Nullable"
        )
    return _xml_list(node), needs


def _xml_list(node: XmlNodeSpec) -> Node:
    """`XmlList(Model, XmlNode(...))`: a root-level array of models as an XML document."""
    assert node.item is not None
    return call("XmlList", node.item.of, _xml_node(node))


@dataclass(frozen=True)
class EnumView:
    enum: EnumClass

    @property
    def name(self) -> str:
        return self.enum.name

    @property
    def docstring(self) -> str:
        return docstrings.enum_doc(self.enum)

    @property
    def members(self) -> list[tuple[str, str]]:
        return list(self.enum.members)

    @property
    def class_line(self) -> Node:
        return Group(f"class {self.name}(", ("ApiEnum",), "):")

    @property
    def member_statements(self) -> list[Node]:
        return [
            Assign(name, value=escape.py_literal(value)) for name, value in self.members
        ]

    @property
    def imports(self) -> Imports:
        return Imports.of(RUNTIME, "ApiEnum")


@dataclass(frozen=True)
class ModelsView:
    """models.py: the enums and the dataclasses."""

    api: Api
    forms: XmlForms | None = None  # the package's XML forms (else worked out here)

    @property
    def docstring(self) -> str:
        return docstrings.models_module_doc(self.api)

    @cached_property
    def enums(self) -> list[EnumView]:
        return [EnumView(enum) for enum in self.api.enums]

    @cached_property
    def xml_forms(self) -> XmlForms:
        return self.forms or XmlForms(self.api)

    @cached_property
    def models(self) -> list[ModelView]:
        forms = self.xml_forms.forms
        return [
            ModelView(model, self.api, forms.get(model.name))
            for model in self.api.models
        ]

    @property
    def names(self) -> list[str]:
        return [view.name for view in self.enums] + [view.name for view in self.models]

    @property
    def imports(self) -> Imports:
        needs = union(view.imports for view in self.enums)
        needs |= union(view.imports for view in self.models)
        return needs.without(MODELS)


@dataclass(frozen=True)
class ErrorView:
    error: ErrorClass

    @property
    def name(self) -> str:
        return self.error.name

    @property
    def status(self) -> int:
        return self.error.status

    @property
    def docstring(self) -> str:
        return f"{self.error.status} {self.error.phrase}."

    @property
    def class_line(self) -> Node:
        return Group(f"class {self.name}(", ("ApiError",), "):")


# The runtime's error classes, which errors.py re-exports.
BASE_ERRORS = [
    "ApiError",
    "ConnectorError",
    "DecodeError",
    "EmptySuccessError",
    "TransportError",
    "UnexpectedResponseError",
]


@dataclass(frozen=True)
class ErrorsView:
    """errors.py: the runtime's error hierarchy re-exported, a class per documented status."""

    api: Api

    @cached_property
    def errors(self) -> list[ErrorView]:
        return [ErrorView(error) for error in self.api.errors]

    @property
    def base_classes(self) -> list[str]:
        return BASE_ERRORS

    @property
    def exports(self) -> list[str]:
        return [*BASE_ERRORS, *(view.name for view in self.errors)]


@dataclass(frozen=True)
class PackageView:
    """Everything the templates receive besides the header. The generated test suite's view
    (`tests`, for the test templates) is built by the pipeline and handed in, so that the render
    stage does not depend on test generation."""

    api: Api
    with_async: bool = True
    xml_forms: XmlForms | None = None  # the package's XML forms (else worked out here)
    tests: object | None = None  # a testgen.rows.TestsView, for the test templates

    @cached_property
    def client(self) -> ClientView:
        return ClientView(self.api, forms=self.models.xml_forms)

    @cached_property
    def clients(self) -> list[ClientView]:
        """The sync client, and the async one unless it is left out (`--no-async`)."""
        forms = self.models.xml_forms
        async_client = [ClientView(self.api, ASYNC, forms)] * self.with_async
        return [self.client, *async_client]

    def client_for(self, path: str) -> ClientView:
        """The client whose module the template renders to `path`."""
        return next(client for client in self.clients if client.module == path)

    @cached_property
    def models(self) -> ModelsView:
        return ModelsView(self.api, self.xml_forms)

    @cached_property
    def errors(self) -> ErrorsView:
        return ErrorsView(self.api)

    @property
    def name(self) -> str:
        return self.api.package

    @property
    def version(self) -> str:
        return self.api.version

    @property
    def docstring(self) -> str:
        return docstrings.client_doc(self.api).split("\n\nArgs:")[0]

    @property
    def client_imports(self) -> list[Node]:
        """The clients' imports, in isort's order of their modules."""
        ordered = sorted(self.clients, key=lambda client: client.module)
        return [client.import_statement for client in ordered]

    @property
    def runtime_import(self) -> Node:
        raw = sorted(client.io.raw_response for client in self.clients)
        return Import("._runtime", ("UNSET", *raw, "Unset"))

    @property
    def exports(self) -> list[str]:
        """`__all__` of the package."""
        names = {"UNSET", "Unset", *(c.io.raw_response for c in self.clients)}
        names |= {client.class_name for client in self.clients}
        return sorted(names | set(self.errors.exports) | set(self.models.names))
