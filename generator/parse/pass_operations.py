"""Parse pass 3, operations: the client's methods, built last from the names of pass 1 and the
types of pass 2, and the connection (host, security schemes and requirements)."""

from __future__ import annotations

import dataclasses

from generator.client_options import RESERVED_KEYWORDS
from generator.findings import Finding
from generator.model import (
    ANY,
    HEADER_VALUE,
    NO_BODY_STATUSES,
    NO_CONSTRAINTS,
    NO_XML,
    BodyEncoding,
    ListType,
    ModelType,
    Operation,
    Pager,
    Parameter,
    ParameterLocation,
    RequestBody,
    Response,
    ScalarType,
    SecurityKind,
    SecurityScheme,
    TypeRef,
    XmlName,
    is_json,
    is_xml,
)
from generator.parse import identifiers
from generator.parse.pass_names import Names
from generator.parse.pass_schemas import Schemas
from generator.parse.reserved import module_names
from generator.source import document
from generator.source.loader import SourceFile, join_pointer, split_pointer
from generator.source.swagger import (
    NO_REQUIREMENTS,
    OperationSpec,
    Pageable,
    ParameterSpec,
    Schema,
    SecurityRequirements,
    SwaggerReader,
)

# Not an interim response: the last one HTTP/1.1 sends on that connection (an upgrade).
SWITCHING_PROTOCOLS = "101"
# The locations a client parameter may have: one value serves every operation.
CLIENT_LOCATIONS = (
    ParameterLocation.PATH,
    ParameterLocation.QUERY,
    ParameterLocation.HEADER,
)


class Operations:
    def __init__(
        self,
        source: SourceFile,
        reader: SwaggerReader,
        names: Names,
        schemas: Schemas,
        warnings: list[Finding],
    ) -> None:
        self.source = source
        self.reader = reader
        self.names = names
        self.schemas = schemas
        self.warnings = warnings
        self.security_schemes = self._security_schemes()
        self.document_security = self._requirements(reader.security)
        # (location, wire name) of each client parameter: the keyword its name asks for
        self._client_preferred: dict[tuple[str, str], str] = {}
        self.client_parameters: tuple[Parameter, ...] = ()

    def build(self) -> tuple[Operation, ...]:
        operations = []
        for spec in self.reader.operations:
            with document.located(spec.pointer):
                built = self._operation(spec)
                if spec.pointer in self.names.iterators and spec.pageable:
                    pager = self._pager(built, spec, self.names.iterators[spec.pointer])
                    built = dataclasses.replace(built, pager=pager)
            operations.append(built)
        return self._client_level(operations)

    def _client_level(self, operations: list[Operation]) -> tuple[Operation, ...]:
        """Give every client parameter one keyword, free of the constructor's others, in
        every operation; `client_parameters` lists each once, required ones first."""
        first: dict[tuple[str, str], Parameter] = {}
        for op in operations:
            for parameter in op.parameters:
                if parameter.client:
                    first.setdefault(
                        (parameter.location, parameter.wire_name), parameter
                    )
        taken = RESERVED_KEYWORDS | {s.keyword for s in self.security_schemes}
        keywords = identifiers.assign_unique(
            [
                (
                    f"{loc}:{wire}",
                    identifiers.guard(self._client_preferred[loc, wire], taken),
                )
                for loc, wire in first
            ],
            taken=taken,
        )

        def renamed(parameter: Parameter) -> Parameter:
            if not parameter.client:
                return parameter
            keyword = keywords[f"{parameter.location}:{parameter.wire_name}"]
            return dataclasses.replace(parameter, python_name=keyword)

        self.client_parameters = tuple(
            sorted(map(renamed, first.values()), key=lambda p: not p.required)
        )
        return tuple(
            dataclasses.replace(op, parameters=tuple(map(renamed, op.parameters)))
            for op in operations
        )

    def _operation(self, spec: OperationSpec) -> Operation:
        pointer = spec.pointer
        method_name = self.names.methods[pointer]
        consumes, produces = list(spec.consumes), spec.produces
        parameters = _with_media_type_choice(self._parameters(spec), consumes)
        return Operation(
            operation_id=spec.operation_id or method_name,
            method_name=method_name,
            http_method=spec.method.upper(),
            path=_request_path(spec.path, parameters),
            summary=spec.summary,
            description=spec.description,
            parameters=parameters,
            responses=self._responses(spec),
            deprecated=spec.deprecated,
            accept=_accept(produces),
            interim_statuses=tuple(
                sorted(
                    int(r.status)
                    for r in spec.responses
                    if document.is_interim(r.status) and r.status != SWITCHING_PROTOCOLS
                )
            ),
            security=self._operation_security(spec),
            request_body=_request_body(parameters, consumes),
            pointer=pointer,
            xml_consumes=tuple(c for c in consumes if is_xml(c)),
            xml_produces=tuple(c for c in produces if is_xml(c)),
            json_consumed=not consumes or any(is_json(c) for c in consumes),
            json_produced=not produces or any(map(is_json, produces)),
        )

    def _root_type(self, pointer: str) -> TypeRef:
        """The type pass 2 gave a schema this operation uses."""
        return self.schemas.roots[pointer]

    def _parameters(self, spec: OperationSpec) -> tuple[Parameter, ...]:
        explicit = {p.key for p in spec.parameters if p.explicit_name}
        candidates = []
        for parameter in spec.parameters:
            preferred = identifiers.guard(
                identifiers.snake_case(
                    parameter.spelled, fallback="param", prefix="param_"
                ),
                module_names(),
            )
            candidates.append((parameter.key, preferred))
        names = identifiers.assign_unique(candidates, explicit=explicit)
        parameters = []
        for parameter in spec.parameters:
            location, where = parameter.location, parameter.pointer
            wire = parameter.name
            if location is None:
                self.warnings.append(
                    self.source.finding(
                        f"{parameter.written_location!r} is not a parameter location of"
                        " Swagger 2.0: the parameter is left out",
                        where + "/in",
                    )
                )
                continue
            kind = self._root_type(parameter.schema_pointer)
            root_xml, root_item_xml = _root_xml_of(self.reader, parameter)
            if parameter.binary:
                kind = ScalarType("bytes")  # a binary body, or a file part
            if wire != wire.strip():
                self.warnings.append(
                    self.source.finding(
                        f"the parameter name {wire!r} begins or ends with whitespace: it is"
                        " sent as the spec spells it",
                        where + "/name",
                    )
                )
            if location == ParameterLocation.HEADER and parameter.has_default:
                parameter = self._header_default(parameter)
            constant = (
                parameter.internal
                and parameter.has_default
                and location != ParameterLocation.BODY
            )
            client = not constant and self._is_client(parameter, location)
            if client:
                preferred = identifiers.guard(
                    identifiers.snake_case(
                        parameter.spelled, fallback="param", prefix="param_"
                    )
                )
                self._client_preferred.setdefault((location, wire), preferred)
            parameters.append(
                Parameter(
                    wire_name=wire,
                    python_name=names[parameter.key],
                    pointer=where,
                    location=location,
                    type=kind,
                    required=parameter.required,
                    description=parameter.description,
                    default=parameter.default,
                    has_default=parameter.has_default,
                    collection_format=(
                        parameter.collection_format
                        if isinstance(kind, ListType)
                        else ""
                    ),
                    constant=constant,
                    double_encoded=location == ParameterLocation.PATH
                    and parameter.double_encoded,
                    verbatim=location == ParameterLocation.PATH and parameter.verbatim,
                    client=client,
                    constraints=self.schemas.constraints(parameter.schema),
                    nullable=self.reader.resolve(parameter.schema)[1].nullable
                    or parameter.schema.nullable,
                    nullable_items=_items_nullable(self.reader, parameter.schema),
                    root_xml=root_xml,
                    root_item_xml=root_item_xml,
                )
            )
        return tuple(sorted(parameters, key=lambda p: not p.required))

    def _is_client(self, parameter: ParameterSpec, location: ParameterLocation) -> bool:
        """Whether the parameter is marked `x-ms-parameter-location: client`; a body or form
        parameter so marked stays the method's, with a warning."""
        if not parameter.client:
            return False
        if location in CLIENT_LOCATIONS:
            return True
        self.warnings.append(
            self.source.finding(
                f"a {location} parameter cannot be a client parameter (one value for every"
                " operation): it stays a parameter of the method",
                parameter.pointer + "/x-ms-parameter-location",
            )
        )
        return False

    def _header_default(self, parameter: ParameterSpec) -> ParameterSpec:
        """The header parameter with its default as HTTP sends it (no spaces around it); a
        default HTTP cannot carry is dropped with a warning, so an internal parameter then
        becomes one the caller supplies."""
        default = parameter.default
        text = default.strip(" \t") if isinstance(default, str) else None
        if text is None or HEADER_VALUE.fullmatch(text):
            return (
                parameter
                if text is None
                else dataclasses.replace(parameter, default=text)
            )
        self.warnings.append(
            self.source.finding(
                f"the default {default!r} cannot be sent in an HTTP header (a control or"
                " non-ASCII character): it is not used, and the caller supplies the value",
                parameter.pointer + "/default",
            )
        )
        return dataclasses.replace(parameter, default=None, has_default=False)

    def _responses(self, spec: OperationSpec) -> tuple[Response, ...]:
        """The documented responses; a response to HEAD has no body, whatever the schema."""
        result = []
        for response in spec.responses:
            status, own = response.status, response.pointer
            if status.startswith("x-"):
                continue  # an extension beside the responses, not one of them
            if not document.is_status(status):
                self.warnings.append(
                    self.source.finding(
                        f"{status!r} is neither a status code (three digits, 100 to 599)"
                        " nor 'default': this response is left out",
                        own,
                    )
                )
                continue
            if status == SWITCHING_PROTOCOLS:
                self.warnings.append(
                    self.source.finding(
                        "101 switches the connection to another protocol, which this client"
                        " does not speak: the response is left out, and a 101 the server"
                        " sends raises ApiError",
                        own,
                    )
                )
                continue
            if document.is_interim(status):
                self.warnings.append(
                    self.source.finding(
                        f"{status} is an interim status, which HTTP/1.1 cannot send as the"
                        " final response: the client reads the response that follows it",
                        own,
                    )
                )
                continue
            kind = None
            nullable = False
            bodiless = spec.method == "head" or status in NO_BODY_STATUSES
            if response.schema is not None and not bodiless:
                kind = self._root_type(response.schema_pointer)
                if response.binary:
                    kind = ScalarType("bytes")
                resolved = self.reader.resolve(response.schema)[1]
                nullable = response.schema.nullable or resolved.nullable
            root = (
                _root_xml(self.reader, response.schema)
                if response.schema is not None
                else (NO_XML, NO_XML)
            )
            result.append(
                Response(
                    status,
                    response.description,
                    kind,
                    response.headers,
                    nullable,
                    *root,
                )
            )
        return tuple(result)

    def _pager(
        self, operation: Operation, spec: OperationSpec, name: str
    ) -> Pager | None:
        """The `x-ms-pageable` iterator, when the page schema has what the extension names;
        otherwise a warning, and the operation keeps only its page method."""
        assert spec.pageable is not None  # the names pass gave it an iterator name
        found = self._find_pager(operation, spec.pageable, name)
        if isinstance(found, str):
            where = spec.pointer + "/x-ms-pageable"
            self.warnings.append(
                self.source.finding(f"{found}; no iterator method", where)
            )
            return None
        return found

    def _find_pager(
        self, operation: Operation, pageable: Pageable, name: str
    ) -> Pager | str:
        """The pager, or why there can be none."""
        if pageable.problem:
            return pageable.problem
        item_name, next_name = pageable.item_name, pageable.next_link_name
        pages = {r.type for r in operation.success_responses}
        page = next(iter(pages)) if len(pages) == 1 else None
        if not isinstance(page, ModelType):
            return "the operation has no single success response that is an object"
        fields = {f.wire_name: f for f in self.schemas.model_named(page.name).fields}
        items = fields.get(item_name)
        if items is None or not isinstance(items.type, ListType):
            return f"the page has no array property {item_name!r}"
        if next_name is None:
            return Pager(name, items, None)
        link = fields.get(next_name)
        if link is None or link.type not in (ScalarType("str"), ANY):
            return f"the page has no string property {next_name!r}"
        return Pager(name, items, link)

    # -- connection ------------------------------------------------------------------------

    def host_url(self) -> str | None:
        server = self.reader.server
        if not server.host:
            return None
        schemes = server.schemes
        scheme = "https" if "https" in schemes else schemes[0]
        return f"{scheme}://{server.host}{server.base_path}".rstrip("/")

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        usable = [
            (scheme.name, SecurityKind(scheme.type), scheme)
            for scheme in self.reader.security_schemes
            if SecurityKind.known(scheme.type)
        ]
        kinds = [kind for _, kind, _ in usable]
        candidates = []
        for name, kind, _ in usable:
            keyword = kind.keyword
            if kinds.count(kind) > 1:  # the scheme's name tells them apart
                prefix = identifiers.snake_case(
                    name, fallback="scheme", prefix="scheme_"
                )
                keyword = keyword if prefix.endswith(keyword) else f"{prefix}_{keyword}"
            candidates.append((name, identifiers.guard(keyword, RESERVED_KEYWORDS)))
        keywords = identifiers.assign_unique(candidates, taken=RESERVED_KEYWORDS)
        api_key = SecurityKind.API_KEY
        return tuple(
            SecurityScheme(
                name=name,
                kind=kind,
                keyword=keywords[name],
                location=definition.location if kind == api_key else "",
                parameter=definition.parameter if kind == api_key else "",
                description=definition.description,
            )
            for name, kind, definition in usable
        )

    def _operation_security(self, spec: OperationSpec) -> tuple[tuple[str, ...], ...]:
        """The operation's alternatives: its own usable requirement, else the document's; where
        neither states one, every defined scheme (a connector's schemes are its connection,
        applied to every call). An explicit `security: []` beneath a document requirement
        means no authentication, as Swagger 2.0 says."""
        own = spec.security or NO_REQUIREMENTS
        found = self._requirements(own)
        if found:
            return found
        if own.empty and self.document_security:
            return ()
        if self.document_security:
            return self.document_security
        return tuple((scheme.name,) for scheme in self.security_schemes)

    def _requirements(
        self, requirements: SecurityRequirements
    ) -> tuple[tuple[str, ...], ...]:
        """The usable alternatives of a `security` list (anonymous ones last, so a credential
        given is sent); a scheme name securityDefinitions lacks is a warning and dropped, and
        a requirement left empty by that is dropped too, as is one no request can carry.
        """
        known = {scheme.name for scheme in self.security_schemes}
        alternatives: list[tuple[str, ...]] = []
        for requirement in requirements.alternatives:
            where: list[str | int] = [
                *split_pointer(requirements.pointer),
                requirement.index,
            ]
            clash = self._clash(requirement.names)
            if clash is not None:
                self.warnings.append(self.source.finding(clash, join_pointer(where)))
                continue
            for name in requirement.names:
                if name not in known:
                    self.warnings.append(
                        self.source.finding(
                            f"security requirement names {name!r}, which"
                            " securityDefinitions does not define: it is ignored",
                            join_pointer([*where, name]),
                        )
                    )
            names = tuple(name for name in requirement.names if name in known)
            if names or not requirement.names:
                alternatives.append(names)
        return tuple(sorted(alternatives, key=lambda names: not names))

    def _clash(self, names: tuple[str, ...]) -> str | None:
        """Why one request cannot carry every scheme a requirement combines (two in the one
        `Authorization` header: basic and oauth2; two API keys of one name), or None."""
        placed: dict[tuple[str, str], str] = {}
        for scheme in self.security_schemes:
            if scheme.name not in names:
                continue
            other = placed.setdefault(scheme.sends_in, scheme.name)
            if other != scheme.name:
                place, name = scheme.sends_in
                shown = "Authorization" if name == "authorization" else name
                return (
                    f"security requirement combines {other!r} and {scheme.name!r}, which"
                    f" both send the {shown} {place}: one request cannot carry both, so"
                    " this requirement is ignored (the operation uses its other"
                    " requirements, else the document's)"
                )
        return None


def _accept(produces: tuple[str, ...]) -> str:
    """The Accept header for what an operation produces: JSON where it produces JSON (or says
    nothing), else the media types it lists."""
    types = [t for t in produces if t and HEADER_VALUE.fullmatch(t) and "," not in t]
    json_types = [t for t in types if "json" in t.lower()]
    if not types or "application/json" in json_types:
        return "application/json"
    return ", ".join(json_types or types)


def _request_body(
    parameters: tuple[Parameter, ...], consumes: list[str]
) -> RequestBody | None:
    """The body the operation sends: form fields (multipart when a field is a file or the
    operation consumes only that), else its body parameter, in JSON or as bytes."""
    form = tuple(p for p in parameters if p.location == ParameterLocation.FORM)
    if form:
        files = any(p.type == ScalarType("bytes") for p in form)
        multipart = files or "multipart/form-data" in consumes
        encoding = BodyEncoding.MULTIPART if multipart else BodyEncoding.FORM
        return RequestBody(encoding, fields=form)
    body = next((p for p in parameters if p.location == ParameterLocation.BODY), None)
    if body is None:
        return None
    sendable = [c for c in consumes if c and HEADER_VALUE.fullmatch(c) and "," not in c]
    if body.type == ScalarType("bytes"):
        content_type = next(
            (c for c in sendable if "json" not in c and "form" not in c),
            "application/octet-stream",
        )
        return RequestBody(BodyEncoding.BINARY, content_type, payload=body)
    json_types = [c for c in sendable if is_json(c)]
    texts = [c for c in sendable if c.lower().startswith("text/")]
    if body.type == ScalarType("str") and texts and not json_types:
        return RequestBody(BodyEncoding.TEXT, texts[0], payload=body)
    exact = "application/json" in json_types or not json_types
    media_type = "application/json" if exact else json_types[0]
    return RequestBody(BodyEncoding.JSON, media_type, payload=body)


def _with_media_type_choice(
    parameters: tuple[Parameter, ...], consumes: list[str]
) -> tuple[Parameter, ...]:
    """Where a body may go out in several media types (`consumes` lists more than one, none
    of them a form or XML, and no Content-Type header is declared), a keyword choosing one
    per call: a `Content-Type` header parameter whose default is the first JSON-like type
    (else the first listed); a binary type among them lets the body be bytes."""
    body = next((p for p in parameters if p.location == ParameterLocation.BODY), None)
    types = [c for c in consumes if c and HEADER_VALUE.fullmatch(c) and "," not in c]
    if body is None or len(types) < 2 or any(is_xml(c) or "form" in c for c in types):
        return parameters
    if any(p.wire_name.lower() == "content-type" for p in parameters):
        return parameters
    binary = [c for c in types if not is_json(c) and not c.lower().startswith("text/")]
    raw = body.type == ScalarType("bytes")
    default = next(
        (c for c in (binary if raw else types) if raw or is_json(c)), types[0]
    )
    (name,) = identifiers.assign_unique(
        [("choice", "content_type")], taken={p.python_name for p in parameters}
    ).values()
    choice = Parameter(
        wire_name="Content-Type",
        python_name=name,
        location=ParameterLocation.HEADER,
        type=ScalarType("str"),
        required=False,
        description="The media type the body goes out in: "
        + ", ".join(types)
        + f" ({default} by default; a binary one takes bytes or a binary file).",
        default=default,
        has_default=True,
        # the generated tests send the default: another type would need another body
        constraints=dataclasses.replace(
            NO_CONSTRAINTS, enum=tuple(types), example=default
        ),
    )
    widened = dataclasses.replace(body, takes_bytes=bool(binary) and not raw)
    return tuple(widened if p is body else p for p in parameters) + (choice,)


def _request_path(key: str, parameters: tuple[Parameter, ...]) -> str:
    """The path an operation requests. A path key may end in a query that only tells keys
    apart (Azure Storage's `/?comp=list`): where each of its names is a query parameter the
    operation sends anyway, it is left out, so that no name goes twice; else it is kept.
    """
    path, mark, query = key.partition("?")
    if not mark:
        return key
    names = {name for name, _, _ in (pair.partition("=") for pair in query.split("&"))}
    sent = {p.wire_name for p in parameters if p.location == ParameterLocation.QUERY}
    return path if names <= sent else key


def _root_xml(reader: SwaggerReader, schema: Schema) -> tuple[XmlName, XmlName]:
    """A root-level array's `xml` object, named after its definition where it names no
    element itself, and its items' own `xml` object."""
    target, resolved = reader.resolve(schema)
    if resolved.type != "array":
        return NO_XML, NO_XML
    xml = schema.xml if schema.xml != NO_XML else resolved.xml
    if not xml.name and target is not None and target.startswith("/definitions/"):
        xml = dataclasses.replace(xml, name=split_pointer(target)[-1])
    items = resolved.items
    return xml, items.xml if items is not None else NO_XML


def _root_xml_of(
    reader: SwaggerReader, parameter: ParameterSpec
) -> tuple[XmlName, XmlName]:
    if not parameter.is_body:
        return NO_XML, NO_XML
    return _root_xml(reader, parameter.schema)


def _items_nullable(reader: SwaggerReader, schema: Schema) -> bool:
    items = reader.resolve(schema)[1].items
    return items is not None and (items.nullable or reader.resolve(items)[1].nullable)
