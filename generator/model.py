"""The intermediate model: what the parser decides and the templates print.

Frozen dataclasses only; every Python name in here is final.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from generator.findings import Finding

XML_MEDIA_TYPES = ("application/xml", "text/xml")


def is_xml(media_type: str) -> bool:
    """`application/xml`, `text/xml` or any `*/*+xml`; not every type naming xml (an
    office document's `...openxmlformats...` is binary)."""
    base = media_type.split(";")[0].strip().lower()
    return base in XML_MEDIA_TYPES or base.endswith("+xml")


def is_json(media_type: str) -> bool:
    base = media_type.split(";")[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


# Statuses HTTP sends without a body, whatever the spec documents.
NO_BODY_STATUSES = frozenset({"204", "205", "304"})
# What an HTTP header value may hold (visible ASCII, space, tab), as the client checks it.
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


class ClosedSet(str, enum.Enum):
    """A closed set of spec words: equal to, hashed and printed as the word itself, so that it
    reads like the string it is in templates and comparisons."""

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)

    def __hash__(self) -> int:
        return hash(str(self.value))


class ParameterLocation(ClosedSet):
    PATH = "path"
    QUERY = "query"
    HEADER = "header"
    FORM = "formData"
    BODY = "body"

    @classmethod
    def read(cls, value: Any) -> ParameterLocation | None:
        """The location a parameter's `in` names; None for a word Swagger 2.0 does not have."""
        return next((member for member in cls if member.value == value), None)


class BodyEncoding(ClosedSet):
    NONE = "none"
    JSON = "json"
    BINARY = "binary"
    TEXT = "text"  # a string sent as it is, under a text/* media type
    FORM = "form"  # application/x-www-form-urlencoded
    MULTIPART = "multipart"


class SecurityKind(ClosedSet):
    BASIC = "basic"
    API_KEY = "apiKey"
    OAUTH2 = "oauth2"

    @classmethod
    def known(cls, value: Any) -> bool:
        return any(member.value == value for member in cls)

    @property
    def keyword(self) -> str:
        """The client constructor's keyword for a credential of this kind."""
        return {"basic": "auth", "apiKey": "api_key", "oauth2": "token"}[self.value]


@dataclass(frozen=True)
class ScalarType:
    """A JSON scalar or untyped value: `python` is its annotation (str, int, float, bool, Any)."""

    python: str


@dataclass(frozen=True)
class ListType:
    item: TypeRef


@dataclass(frozen=True)
class DictType:
    value: TypeRef


@dataclass(frozen=True)
class ModelType:
    name: str  # the Python class name


@dataclass(frozen=True)
class EnumType:
    """A string enum: the generated `str` Enum class, or any other string the service sends."""

    name: str  # the Python class name


TypeRef = ScalarType | ListType | DictType | ModelType | EnumType


ANY = ScalarType("Any")
BYTES = ScalarType("bytes")  # a binary payload: bytes or a binary file object


@dataclass(frozen=True)
class Constraints:
    """What the spec says a valid value looks like (for example values that a validating
    server accepts): only scalars are kept, so that the model stays hashable."""

    example: str | int | float | bool | None = None  # x-example / example, when scalar
    enum: tuple[str | int | float | bool, ...] = ()
    format: str = ""
    pattern: str = ""
    min_length: int | None = None
    max_length: int | None = None
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    exclusive_maximum: bool = False
    multiple_of: float | None = None
    min_items: int | None = None
    max_items: int | None = None
    items: Constraints | None = None  # of an array's items


NO_CONSTRAINTS = Constraints()


@dataclass(frozen=True)
class XmlName:
    """A schema's `xml` object: how its element (or attribute) is named in XML. An empty
    `name` is Swagger 2.0's default: the property's or the definition's own name."""

    name: str = ""
    namespace: str = ""
    prefix: str = ""
    attribute: bool = False
    wrapped: bool = False


NO_XML = XmlName()


@dataclass(frozen=True)
class Field:
    wire_name: str
    python_name: str
    type: TypeRef
    required: bool
    description: str
    nullable: bool = False  # x-nullable: a required field may still be null
    read_only: bool = False  # set by the service: never required when building in code
    fixed: str | int | None = None  # the discriminator value a subtype always has
    constraints: Constraints = NO_CONSTRAINTS
    xml: XmlName = NO_XML  # the property's `xml` object
    item_xml: XmlName = NO_XML  # an array property's items' `xml` object

    @property
    def defaults_to_unset(self) -> bool:
        """Whether code may leave the field out when building the model."""
        return not self.required or self.read_only


@dataclass(frozen=True)
class Model:
    name: str
    description: str
    fields: tuple[Field, ...]  # inherited ones first
    pointer: str  # where the schema is in the spec
    base: str | None = None  # the model this one extends through a discriminator
    discriminator: str = ""  # the wire name that tells subtypes apart
    discriminator_value: str = ""  # a subtype's: its x-ms-discriminator-value or name
    subtypes: tuple[
        tuple[str, str], ...
    ] = ()  # (discriminator value, class): descendants
    xml: XmlName = NO_XML  # the definition's `xml` object


@dataclass(frozen=True)
class EnumClass:
    name: str
    description: str
    members: tuple[tuple[str, str], ...]  # (Python member name, wire value)
    pointer: str


@dataclass(frozen=True)
class Parameter:
    wire_name: str
    python_name: str
    location: ParameterLocation
    type: TypeRef
    required: bool
    description: str
    default: Any = None
    has_default: bool = False
    collection_format: str = ""  # arrays outside a body: csv, ssv, tsv, pipes or multi
    constant: bool = (
        False  # x-ms-visibility internal with a default: always sent, not exposed
    )
    double_encoded: bool = False  # x-ms-url-encoding: double
    verbatim: bool = False  # x-ms-skip-url-encoding: a path value inserted as it is
    constraints: Constraints = NO_CONSTRAINTS
    pointer: str = ""  # where the parameter is in the spec
    # x-ms-parameter-location: client: a constructor argument of the client (python_name is
    # its keyword, the same in every operation), not a parameter of the method
    client: bool = False
    nullable: bool = False  # x-nullable: None is a value (a body sends JSON null)
    # an array's items are x-nullable: a None item is empty
    nullable_items: bool = False
    root_xml: XmlName = NO_XML  # a body that is an array: as Response.root_xml
    root_item_xml: XmlName = NO_XML
    # a body whose operation also consumes a binary media type (a per-call choice): it takes
    # bytes or a binary file too
    takes_bytes: bool = False

    @property
    def must_be_given(self) -> bool:
        """A required parameter the method takes, for which None is no value."""
        return self.required and self.exposed and not self.nullable

    @property
    def exposed(self) -> bool:
        """Whether the operation's method takes it (not a constant, not the client's)."""
        return not (self.constant or self.client)


@dataclass(frozen=True)
class Response:
    status: str  # "200", "404", "default"
    description: str
    type: TypeRef | None  # None: no body schema
    headers: tuple[
        tuple[str, str], ...
    ] = ()  # documented response headers: (name, text)
    # the schema lets the body be null (x-nullable): None returned
    nullable: bool = False
    # a root-level array's `xml` object (its name defaulting to the definition's) and its
    # items' own: how the array is an XML document
    root_xml: XmlName = NO_XML
    root_item_xml: XmlName = NO_XML


@dataclass(frozen=True)
class Pager:
    """`x-ms-pageable`: how `iter_<operation>` walks the pages of the operation's result."""

    method_name: str  # iter_<operation>
    items: Field  # the page model's list of items
    next_link: (
        Field | None
    )  # the page model's link to the next page; None: a single page


@dataclass(frozen=True)
class RequestBody:
    """What an operation sends as its request body, whichever dialect described it: one
    payload (JSON or binary) or fields (a form, or multipart with files). The parameters it is
    made of are also the operation's parameters (the method takes them), at the places
    `ParameterLocation.BODY` and `ParameterLocation.FORM`."""

    encoding: BodyEncoding
    # the payload's media type: a binary one, a text/* one, or JSON's (application/json, or
    # the JSON-like type the operation consumes: application/merge-patch+json)
    content_type: str = "application/octet-stream"
    payload: Parameter | None = None  # the JSON or binary body
    fields: tuple[
        Parameter, ...
    ] = ()  # form fields, in the operation's parameter order


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method_name: str
    http_method: str  # upper case
    path: str
    summary: str
    description: str
    parameters: tuple[Parameter, ...]  # required ones first, each group in spec order
    responses: tuple[Response, ...]
    deprecated: bool
    # alternatives, each a set of schemes applied together; () means no authentication
    security: tuple[tuple[str, ...], ...] = ()
    request_body: RequestBody | None = None  # None: the operation sends no body
    pager: Pager | None = None
    pointer: str = ""  # where the operation is in the spec
    accept: str = "application/json"  # the Accept header: what the operation produces
    # documented 1xx statuses: what may precede the final response
    interim_statuses: tuple[int, ...] = ()
    # the XML media types it consumes (for a body) and produces, in spec order, and whether
    # it offers JSON beside them; empty: JSON only, as an operation that lists neither
    xml_consumes: tuple[str, ...] = ()
    xml_produces: tuple[str, ...] = ()
    json_consumed: bool = True
    json_produced: bool = True

    @property
    def success_responses(self) -> tuple[Response, ...]:
        """The 2xx responses; when the spec documents none, its `default` one (real connectors
        often document their result only there)."""
        documented = tuple(r for r in self.responses if r.status.startswith("2"))
        return documented or tuple(r for r in self.responses if r.status == "default")

    @property
    def results(self) -> list[tuple[TypeRef | None, bool]]:
        """What the successes return: each one's type, and whether it may be null."""
        return [(r.type, r.nullable) for r in self.success_responses]

    @property
    def error_responses(self) -> tuple[Response, ...]:
        return tuple(r for r in self.responses if not r.status.startswith("2"))

    @property
    def positional_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.required and p.exposed)

    @property
    def keyword_parameters(self) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if not p.required and p.exposed)

    @property
    def exposed_parameters(self) -> tuple[Parameter, ...]:
        return self.positional_parameters + self.keyword_parameters

    def located(self, location: str) -> tuple[Parameter, ...]:
        return tuple(p for p in self.parameters if p.location == location)

    @property
    def body_encoding(self) -> BodyEncoding:
        body = self.request_body
        return body.encoding if body is not None else BodyEncoding.NONE

    @property
    def content_type(self) -> str:
        """The media type of a binary payload."""
        body = self.request_body
        return body.content_type if body is not None else ""

    @property
    def body(self) -> Parameter | None:
        """The JSON or binary payload the method takes."""
        return self.request_body.payload if self.request_body is not None else None

    @property
    def form_fields(self) -> tuple[Parameter, ...]:
        return self.request_body.fields if self.request_body is not None else ()


@dataclass(frozen=True)
class ErrorClass:
    status: int
    name: str
    phrase: str


@dataclass(frozen=True)
class SecurityScheme:
    """A way to authenticate, taken by the client constructor as one keyword argument."""

    name: str  # the key in securityDefinitions
    kind: SecurityKind
    keyword: str  # the constructor keyword: auth, api_key, token (prefixed when kinds repeat)
    location: str  # apiKey: "header" or "query"; otherwise ""
    parameter: str  # apiKey: the header or query parameter name; otherwise ""
    description: str

    @property
    def sends_in(self) -> tuple[str, str]:
        """Where the credential goes: (header, lower-cased name) or (query, name)."""
        if self.kind != SecurityKind.API_KEY:
            return ("header", "authorization")
        if self.location == "header":
            return ("header", self.parameter.lower())
        return (self.location, self.parameter)


ASYNC_PREFIX = "Async"  # the async client's class names: the sync ones, prefixed


@dataclass(frozen=True)
class Api:
    title: str
    version: str
    description: str
    package: str
    client_class: str
    raw_client_class: str
    host_url: str | None  # scheme://host/basePath when the spec has a host
    security_schemes: tuple[SecurityScheme, ...]
    operations: tuple[Operation, ...]
    models: tuple[Model, ...]
    enums: tuple[EnumClass, ...]
    errors: tuple[ErrorClass, ...]
    warnings: tuple[
        Finding, ...
    ] = ()  # what the parser could not use, with where it is
    # the constructor's arguments for x-ms-parameter-location: client parameters, required
    # ones first, each once (as the first operation that uses it declares it)
    client_parameters: tuple[Parameter, ...] = ()

    def model(self, name: str) -> Model:
        return next(m for m in self.models if m.name == name)

    @property
    def async_client_class(self) -> str:
        return ASYNC_PREFIX + self.client_class

    @property
    def speaks_xml(self) -> bool:
        """Whether the spec says the service speaks XML: an operation consumes or produces an
        XML media type, or a schema has an `xml` object. Only then do models get an XML form.
        """
        return any(op.xml_consumes or op.xml_produces for op in self.operations) or any(
            model.xml != NO_XML
            or any((f.xml, f.item_xml) != (NO_XML, NO_XML) for f in model.fields)
            for model in self.models
        )
