"""The Swagger 2.0 reader: the parse passes read a Swagger 2.0 document's operations, parameters,
responses, security, server and schemas through these typed records, never through the
document's dicts, so that another dialect is another reader giving the same records.

Schemas are read through `Schema`, a typed node over a schema object, and `$ref` chains are
followed by the reader (`SwaggerReader.resolve`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from generator.model import NO_XML, ParameterLocation, XmlName
from generator.source import document
from generator.source.loader import join_pointer, split_pointer


class Schema:
    """A schema object of the document, read through typed accessors. Any value may stand
    where a schema should (a leniently valid document has others): it reads as empty."""

    __slots__ = ("_value",)

    def __init__(self, value: Any) -> None:
        self._value = value

    @property
    def _fields(self) -> dict[str, Any]:
        return self._value if isinstance(self._value, dict) else {}

    @property
    def is_object(self) -> bool:
        """Whether the value is a JSON object (an empty one included)."""
        return isinstance(self._value, dict)

    @property
    def type(self) -> str | None:
        value = self._fields.get("type")
        return value if isinstance(value, str) else None

    @property
    def format(self) -> str:
        return str(self._fields.get("format") or "")

    @property
    def items(self) -> Schema | None:
        """`items`, when given (as any value)."""
        value = self._fields.get("items")
        return None if value is None else Schema(value)

    @property
    def additional_properties(self) -> Schema | None:
        """`additionalProperties` when it is a non-empty schema."""
        value = self._fields.get("additionalProperties")
        return Schema(value) if isinstance(value, dict) and value else None

    @property
    def properties(self) -> tuple[tuple[str, Schema], ...]:
        """The properties; a value that is no object cannot be read (the parse stage reports
        the document as beyond understanding, with where)."""
        value = self._fields.get("properties") or {}
        if not isinstance(value, dict):
            raise TypeError(f"properties is {type(value).__name__}, not an object")
        return tuple((str(k), Schema(v)) for k, v in value.items())

    @property
    def required(self) -> frozenset[str]:
        return frozenset(str(name) for name in self._fields.get("required") or [])

    @property
    def all_of(self) -> tuple[Schema, ...]:
        return tuple(Schema(part) for part in self._fields.get("allOf") or [])

    @property
    def discriminator(self) -> str | None:
        value = self._fields.get("discriminator")
        return value if isinstance(value, str) else None

    @property
    def discriminator_value(self) -> str | None:
        """`x-ms-discriminator-value`, as text, when the schema has one."""
        fields = self._fields
        if "x-ms-discriminator-value" not in fields:
            return None
        return str(fields["x-ms-discriminator-value"])

    @property
    def enum(self) -> tuple[Any, ...]:
        return tuple(document.items(self._fields.get("enum")))

    @property
    def description(self) -> str:
        return document.text(self._fields.get("description"))

    @property
    def description_or_title(self) -> str:
        fields = self._fields
        return document.text(fields.get("description") or fields.get("title"))

    @property
    def described(self) -> str:
        """The description, else the summary or title."""
        return document.describe(self._value)

    @property
    def nullable(self) -> bool:
        return self._fields.get("x-nullable") is True

    @property
    def read_only(self) -> bool:
        return self._fields.get("readOnly") is True

    @property
    def client_name(self) -> str | None:
        """`x-ms-client-name`, when it is a non-empty string."""
        name = self._fields.get("x-ms-client-name")
        return name if isinstance(name, str) and name else None

    # what a valid value looks like: each keyword only when it has the type JSON Schema gives

    @property
    def example(self) -> str | int | float | bool | None:
        fields = self._fields
        value = fields.get("x-example", fields.get("example"))
        return value if _is_scalar(value) else None

    @property
    def enum_values(self) -> tuple[str | int | float | bool, ...]:
        return tuple(v for v in self.enum if _is_scalar(v) and v is not None)

    @property
    def pattern(self) -> str:
        return document.text(self._fields.get("pattern"))

    @property
    def min_length(self) -> int | None:
        return _count(self._fields.get("minLength"))

    @property
    def max_length(self) -> int | None:
        return _count(self._fields.get("maxLength"))

    @property
    def minimum(self) -> float | None:
        return _number(self._fields.get("minimum"))

    @property
    def maximum(self) -> float | None:
        return _number(self._fields.get("maximum"))

    @property
    def exclusive_minimum(self) -> bool:
        return self._fields.get("exclusiveMinimum") is True

    @property
    def exclusive_maximum(self) -> bool:
        return self._fields.get("exclusiveMaximum") is True

    @property
    def multiple_of(self) -> float | None:
        return _number(self._fields.get("multipleOf"))

    @property
    def min_items(self) -> int | None:
        return _count(self._fields.get("minItems"))

    @property
    def max_items(self) -> int | None:
        return _count(self._fields.get("maxItems"))

    @property
    def xml(self) -> XmlName:
        """The schema's own `xml` object, its values kept only when they have the type Swagger
        gives."""
        xml = self._fields.get("xml")
        if not isinstance(xml, dict):
            return NO_XML
        text = {key: xml.get(key) for key in ("name", "namespace", "prefix")}
        return XmlName(
            **{key: value for key, value in text.items() if isinstance(value, str)},
            attribute=xml.get("attribute") is True,
            wrapped=xml.get("wrapped") is True,
        )

    # what the schema becomes

    @property
    def is_model(self) -> bool:
        return document.is_model(self._value)

    @property
    def is_map(self) -> bool:
        return isinstance(self._value, dict) and document.is_map(self._value)

    @property
    def is_string_enum(self) -> bool:
        return document.is_string_enum(self._value)

    @property
    def is_binary(self) -> bool:
        return document.is_binary(self._value)


NO_SCHEMA = Schema(None)


@dataclass(frozen=True)
class Info:
    title: str  # "API" when the document has none
    version: str  # "0" when the document has none
    description: str


@dataclass(frozen=True)
class ParameterSpec:
    """One effective parameter of an operation (a path-level one it does not override, or its
    own), `$ref` resolved."""

    pointer: str
    name: str  # the wire name, as text
    location: ParameterLocation | None  # None: a word Swagger 2.0 does not have
    written_location: str  # the `in` value as written, for messages and keys
    spelled: str  # what its Python name is made from: x-ms-client-name, else the name
    explicit_name: bool  # whether x-ms-client-name gives the name
    required: bool
    description: str
    has_default: bool
    default: Any
    internal: bool  # x-ms-visibility: internal
    client: bool  # x-ms-parameter-location: client
    double_encoded: bool  # x-ms-url-encoding: double
    verbatim: bool  # x-ms-skip-url-encoding: true
    collection_format: str  # csv when the document says nothing
    schema_pointer: (
        str  # where its schema is: the body's schema, else the parameter itself
    )
    schema: Schema  # the body's schema, else the parameter itself (a schema in 2.0)
    binary: bool  # a body of binary format, or a form field of `type: file`

    @property
    def key(self) -> str:
        """`in:name`, what tells an operation's parameters apart."""
        return f"{self.written_location}:{self.name}"

    @property
    def is_body(self) -> bool:
        return self.location == ParameterLocation.BODY


@dataclass(frozen=True)
class ResponseSpec:
    status: str  # the key as written: a status code, `default`, or anything else
    pointer: str  # the response's own place
    target: str | None  # where its `$ref` led, if it has one
    description: str
    schema: Schema | None  # None when there is none
    binary: bool  # a schema of binary format
    headers: tuple[tuple[str, str], ...]  # (name, description or type)

    @property
    def schema_pointer(self) -> str:
        return (self.target or self.pointer) + "/schema"


@dataclass(frozen=True)
class Requirement:
    """One alternative of a `security` list: the scheme names it combines."""

    index: int
    names: tuple[str, ...]


@dataclass(frozen=True)
class SecurityRequirements:
    pointer: str
    alternatives: tuple[Requirement, ...]  # the entries that are objects
    empty: bool  # an explicit `security: []`


NO_REQUIREMENTS = SecurityRequirements("", (), False)


@dataclass(frozen=True)
class Pageable:
    """`x-ms-pageable`, read; `problem` says why it cannot be used."""

    item_name: str
    next_link_name: str | None
    problem: str = ""


@dataclass(frozen=True)
class OperationSpec:
    path: str
    method: str  # lower case
    pointer: str
    operation_id: str | None
    summary: str
    description: str
    deprecated: bool
    consumes: tuple[str, ...]
    produces: tuple[str, ...]  # as written, spaces stripped
    parameters: tuple[ParameterSpec, ...]
    responses: tuple[ResponseSpec, ...]  # in status order
    security: SecurityRequirements | None  # None: the operation states none
    pageable: Pageable | None


@dataclass(frozen=True)
class SchemeSpec:
    name: str
    type: str  # basic, apiKey, oauth2, or another word
    location: str  # an apiKey's `in`
    parameter: str  # an apiKey's `name`
    description: str


@dataclass(frozen=True)
class Server:
    host: str | None
    schemes: tuple[str, ...]
    base_path: str


class SwaggerReader:
    """Typed reads of a Swagger 2.0 document (a leniently valid one included: a value of the
    wrong type reads as absent)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @cached_property
    def definitions(self) -> tuple[tuple[str, Schema], ...]:
        found = document.mapping(self.data.get("definitions"))
        return tuple((name, Schema(schema)) for name, schema in found.items())

    def resolve(self, schema: Schema) -> tuple[str | None, Schema]:
        """Follow a `$ref` chain: (the pointer of the last target, or None; the schema)."""
        target, value = document.resolve(self.data, schema._value)
        return target, Schema(value)

    @cached_property
    def info(self) -> Info:
        info = document.mapping(self.data.get("info"))
        return Info(
            title=str(info.get("title") or "API"),
            version=str(info.get("version") or "0"),
            description=document.text(info.get("description")),
        )

    @cached_property
    def operations(self) -> tuple[OperationSpec, ...]:
        return tuple(self._operation(site) for site in document.operations(self.data))

    @cached_property
    def server(self) -> Server:
        host = self.data.get("host")
        schemes = tuple(str(s) for s in self.data.get("schemes") or ["https"])
        return Server(
            host=str(host) if host else None,
            schemes=schemes,
            base_path=str(self.data.get("basePath") or ""),
        )

    @cached_property
    def security_schemes(self) -> tuple[SchemeSpec, ...]:
        definitions = document.mapping(self.data.get("securityDefinitions"))
        return tuple(
            SchemeSpec(
                name=name,
                type=str(definition.get("type")),
                location=str(definition.get("in", "")),
                parameter=str(definition.get("name", "")),
                description=document.text(definition.get("description")),
            )
            for name, definition in definitions.items()
            if isinstance(definition, dict)
        )

    @cached_property
    def security(self) -> SecurityRequirements:
        """The document's own `security`."""
        return _requirements(self.data.get("security"), "/security")

    def _operation(self, site: document.OperationSite) -> OperationSpec:
        operation = site.operation
        consumes = operation.get("consumes", self.data.get("consumes")) or []
        produces = operation.get("produces", self.data.get("produces"))
        own_security = operation.get("security")
        return OperationSpec(
            path=site.path,
            method=site.method,
            pointer=site.pointer,
            operation_id=str(operation.get("operationId") or "") or None,
            summary=document.text(operation.get("summary")),
            description=document.text(operation.get("description")),
            deprecated=operation.get("deprecated") is True,
            consumes=tuple(str(c) for c in consumes),
            produces=tuple(str(c).strip() for c in document.items(produces)),
            parameters=self._parameters(site),
            responses=self._responses(site),
            security=(
                None
                if own_security is None
                else _requirements(own_security, site.pointer + "/security")
            ),
            pageable=(
                _pageable(operation["x-ms-pageable"])
                if "x-ms-pageable" in operation
                else None
            ),
        )

    def _parameters(self, site: document.OperationSite) -> tuple[ParameterSpec, ...]:
        found = document.effective_parameters(
            self.data, site.item, site.operation, site.pointer
        )
        return tuple(self._parameter(where, raw) for where, raw in found)

    def _parameter(self, where: str, raw: dict[str, Any]) -> ParameterSpec:
        body = raw.get("in") == "body"
        schema = (raw.get("schema") or {}) if body else raw
        binary = (
            document.is_binary(document.resolve(self.data, schema)[1])
            if body
            else raw.get("in") == "formData" and document.is_binary(raw)
        )
        return ParameterSpec(
            pointer=where,
            name=str(raw.get("name")),
            location=ParameterLocation.read(raw.get("in")),
            written_location=str(raw.get("in")),
            spelled=str(raw.get("x-ms-client-name") or raw.get("name") or ""),
            explicit_name=isinstance(raw.get("x-ms-client-name"), str),
            required=raw.get("required") is True,
            description=document.describe(raw),
            has_default="default" in raw,
            default=raw.get("default"),
            internal=raw.get("x-ms-visibility") == "internal",
            client=raw.get("x-ms-parameter-location") == "client",
            double_encoded=raw.get("x-ms-url-encoding") == "double",
            verbatim=raw.get("x-ms-skip-url-encoding") is True,
            collection_format=str(raw.get("collectionFormat") or "csv"),
            schema_pointer=where + "/schema" if body else where,
            schema=Schema((raw.get("schema") or {}) if body else raw),
            binary=binary,
        )

    def _responses(self, site: document.OperationSite) -> tuple[ResponseSpec, ...]:
        # a leniently valid `responses` of another type fails here, located by the caller
        responses = site.operation.get("responses") or {}
        found = []
        for status in sorted(responses, key=document.status_order):
            target, response = document.resolve(self.data, responses[status])
            response = response if isinstance(response, dict) else {}
            schema = response.get("schema")
            headers = document.mapping(response.get("headers"))
            found.append(
                ResponseSpec(
                    status=str(status),
                    pointer=join_pointer(
                        [*split_pointer(site.pointer), "responses", str(status)]
                    ),
                    target=target,
                    description=document.text(response.get("description")),
                    schema=Schema(schema) if isinstance(schema, dict) else None,
                    binary=isinstance(schema, dict)
                    and document.is_binary(document.resolve(self.data, schema)[1]),
                    headers=tuple(
                        (
                            str(name),
                            document.describe(header)
                            or document.text(header.get("type")),
                        )
                        for name, header in headers.items()
                        if isinstance(header, dict)
                    ),
                )
            )
        return tuple(found)


def _requirements(value: Any, pointer: str) -> SecurityRequirements:
    alternatives = tuple(
        Requirement(index, tuple(str(name) for name in requirement))
        for index, requirement in enumerate(document.items(value))
        if isinstance(requirement, dict)
    )
    return SecurityRequirements(pointer, alternatives, value == [])


def _pageable(extension: Any) -> Pageable:
    if not isinstance(extension, dict):
        return Pageable("value", None, "not an object")
    next_name = extension.get("nextLinkName")
    return Pageable(
        item_name=str(extension.get("itemName", "value")),
        next_link_name=None if next_name is None else str(next_name),
    )


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _count(value: Any) -> int | None:
    """A non-negative integer keyword (minLength, maxItems, ...); None when unusable."""
    usable = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if usable else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None
