"""Parse pass 3, operations: the client's methods, built last from the names of pass 1 and the
types of pass 2, and the connection (host, security schemes and requirements)."""

from __future__ import annotations

import dataclasses
from typing import Any

from generator.client_options import RESERVED_KEYWORDS
from generator.findings import Finding
from generator.model import (
    ANY,
    HEADER_VALUE,
    NO_BODY_STATUSES,
    BodyEncoding,
    ListType,
    ModelType,
    Operation,
    Pager,
    Parameter,
    ParameterLocation,
    Response,
    ScalarType,
    SecurityKind,
    SecurityScheme,
    TypeRef,
    is_json,
    is_xml,
)
from generator.parse import identifiers
from generator.parse.pass_names import Names
from generator.parse.pass_schemas import Schemas
from generator.parse.reserved import module_names
from generator.source import document
from generator.source.loader import SourceFile, join_pointer, split_pointer

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
        names: Names,
        schemas: Schemas,
        warnings: list[Finding],
    ) -> None:
        self.source = source
        self.data = source.data
        self.names = names
        self.schemas = schemas
        self.warnings = warnings
        self.security_schemes = self._security_schemes()
        self.document_security = self._requirements(
            self.data.get("security"), "/security"
        )
        # (location, wire name) of each client parameter: the keyword its name asks for
        self._client_preferred: dict[tuple[str, str], str] = {}
        self.client_parameters: tuple[Parameter, ...] = ()

    def build(self) -> tuple[Operation, ...]:
        operations = []
        for site in document.operations(self.data):
            with document.located(site.pointer):
                built = self._operation(site)
                if site.pointer in self.names.iterators:
                    pager = self._pager(built, site, self.names.iterators[site.pointer])
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

    def _operation(self, site: document.OperationSite) -> Operation:
        operation, pointer = site.operation, site.pointer
        method_name = self.names.methods[pointer]
        parameters = self._parameters(site)
        consumes = [
            str(c) for c in operation.get("consumes", self.data.get("consumes")) or []
        ]
        produces = [
            str(c).strip()
            for c in document.items(
                operation.get("produces", self.data.get("produces"))
            )
        ]
        return Operation(
            operation_id=str(operation.get("operationId") or method_name),
            method_name=method_name,
            http_method=site.method.upper(),
            path=site.path,
            summary=document.text(operation.get("summary")),
            description=document.text(operation.get("description")),
            parameters=parameters,
            responses=self._responses(site),
            deprecated=operation.get("deprecated") is True,
            accept=_accept(operation.get("produces", self.data.get("produces"))),
            interim_statuses=tuple(
                int(s)
                for s in sorted(operation.get("responses") or {})
                if document.is_interim(s)
            ),
            security=self._operation_security(operation, pointer),
            body_encoding=_body_encoding(parameters, consumes),
            pointer=pointer,
            content_type=next(
                (c for c in consumes if "json" not in c and "form" not in c),
                "application/octet-stream",
            ),
            xml_consumes=tuple(c for c in consumes if is_xml(c)),
            xml_produces=tuple(c for c in produces if is_xml(c)),
            json_consumed=not consumes or any(is_json(c) for c in consumes),
            json_produced=not produces or any(map(is_json, produces)),
        )

    def _root_type(self, pointer: str) -> TypeRef:
        """The type pass 2 gave a schema this operation uses."""
        return self.schemas.roots[pointer]

    def _parameters(self, site: document.OperationSite) -> tuple[Parameter, ...]:
        found = document.effective_parameters(
            self.data, site.item, site.operation, site.pointer
        )
        raw = [p for _, p in found]
        explicit = {
            f"{p.get('in')}:{p.get('name')}"
            for p in raw
            if isinstance(p.get("x-ms-client-name"), str)
        }
        candidates = []
        for parameter in raw:
            spelled = parameter.get("x-ms-client-name") or parameter.get("name") or ""
            preferred = identifiers.guard(
                identifiers.snake_case(str(spelled), fallback="param", prefix="param_"),
                module_names(),
            )
            candidates.append(
                (f"{parameter.get('in')}:{parameter.get('name')}", preferred)
            )
        names = identifiers.assign_unique(candidates, explicit=explicit)
        parameters = []
        for where, parameter in found:
            location = ParameterLocation.read(parameter.get("in"))
            wire = str(parameter.get("name"))
            if location is None:
                self.warnings.append(
                    self.source.finding(
                        f"{parameter.get('in')!r} is not a parameter location of Swagger"
                        " 2.0: the parameter is left out",
                        where + "/in",
                    )
                )
                continue
            if location == ParameterLocation.BODY:
                schema = parameter.get("schema") or {}
                kind = self._root_type(where + "/schema")
                if document.is_binary(document.resolve(self.data, schema)[1]):
                    kind = ScalarType("bytes")
            else:
                kind = self._root_type(where)
                if location == ParameterLocation.FORM and document.is_binary(parameter):
                    kind = ScalarType("bytes")  # a file part, as `type: file` is
            if wire != wire.strip():
                self.warnings.append(
                    self.source.finding(
                        f"the parameter name {wire!r} begins or ends with whitespace: it is"
                        " sent as the spec spells it",
                        where + "/name",
                    )
                )
            if location == ParameterLocation.HEADER and "default" in parameter:
                parameter = self._header_default(parameter, where)
            constant = (
                parameter.get("x-ms-visibility") == "internal"
                and "default" in parameter
                and location != ParameterLocation.BODY
            )
            client = not constant and self._is_client(parameter, location, where)
            if client:
                preferred = identifiers.guard(
                    identifiers.snake_case(
                        str(parameter.get("x-ms-client-name") or wire),
                        fallback="param",
                        prefix="param_",
                    )
                )
                self._client_preferred.setdefault((location, wire), preferred)
            parameters.append(
                Parameter(
                    wire_name=wire,
                    python_name=names[f"{parameter.get('in')}:{wire}"],
                    pointer=where,
                    location=location,
                    type=kind,
                    required=parameter.get("required") is True,
                    description=document.describe(parameter),
                    default=parameter.get("default"),
                    has_default="default" in parameter,
                    collection_format=_collection_format(parameter, kind),
                    constant=constant,
                    double_encoded=location == ParameterLocation.PATH
                    and parameter.get("x-ms-url-encoding") == "double",
                    client=client,
                    constraints=self.schemas.constraints(
                        parameter.get("schema")
                        if location == ParameterLocation.BODY
                        else parameter
                    ),
                )
            )
        return tuple(sorted(parameters, key=lambda p: not p.required))

    def _is_client(
        self, parameter: dict[str, Any], location: ParameterLocation, where: str
    ) -> bool:
        """Whether the parameter is marked `x-ms-parameter-location: client`; a body or form
        parameter so marked stays the method's, with a warning."""
        if parameter.get("x-ms-parameter-location") != "client":
            return False
        if location in CLIENT_LOCATIONS:
            return True
        self.warnings.append(
            self.source.finding(
                f"a {location} parameter cannot be a client parameter (one value for every"
                " operation): it stays a parameter of the method",
                where + "/x-ms-parameter-location",
            )
        )
        return False

    def _header_default(self, parameter: dict[str, Any], where: str) -> dict[str, Any]:
        """The header parameter with its default as HTTP sends it (no spaces around it); a
        default HTTP cannot carry is dropped with a warning, so an internal parameter then
        becomes one the caller supplies."""
        default = parameter["default"]
        text = default.strip(" \t") if isinstance(default, str) else None
        if text is None or HEADER_VALUE.fullmatch(text):
            return parameter if text is None else {**parameter, "default": text}
        self.warnings.append(
            self.source.finding(
                f"the default {default!r} cannot be sent in an HTTP header (a control or"
                " non-ASCII character): it is not used, and the caller supplies the value",
                where + "/default",
            )
        )
        return {k: v for k, v in parameter.items() if k != "default"}

    def _responses(self, site: document.OperationSite) -> tuple[Response, ...]:
        """The documented responses; a response to HEAD has no body, whatever the schema."""
        responses = site.operation.get("responses") or {}
        result = []
        for status in sorted(responses, key=document.status_order):
            target, response = document.resolve(self.data, responses[status])
            response = response if isinstance(response, dict) else {}
            own = join_pointer([*split_pointer(site.pointer), "responses", str(status)])
            if str(status).startswith("x-"):
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
            if document.is_interim(status):
                self.warnings.append(
                    self.source.finding(
                        f"{status} is an interim status, which HTTP/1.1 cannot send as the"
                        " final response: the client reads the response that follows it",
                        own,
                    )
                )
                continue
            schema = response.get("schema")
            kind = None
            bodiless = site.method == "head" or str(status) in NO_BODY_STATUSES
            if isinstance(schema, dict) and not bodiless:
                kind = self._root_type((target or own) + "/schema")
                if document.is_binary(document.resolve(self.data, schema)[1]):
                    kind = ScalarType("bytes")
            headers = document.mapping(response.get("headers"))
            documented = tuple(
                (
                    str(name),
                    document.describe(header) or document.text(header.get("type")),
                )
                for name, header in headers.items()
                if isinstance(header, dict)
            )
            description = document.text(response.get("description"))
            result.append(Response(str(status), description, kind, documented))
        return tuple(result)

    def _pager(
        self, operation: Operation, site: document.OperationSite, name: str
    ) -> Pager | None:
        """The `x-ms-pageable` iterator, when the page schema has what the extension names;
        otherwise a warning, and the operation keeps only its page method."""
        found = self._find_pager(operation, site.operation["x-ms-pageable"], name)
        if isinstance(found, str):
            where = site.pointer + "/x-ms-pageable"
            self.warnings.append(
                self.source.finding(f"{found}; no iterator method", where)
            )
            return None
        return found

    def _find_pager(
        self, operation: Operation, extension: Any, name: str
    ) -> Pager | str:
        """The pager, or why there can be none."""
        if not isinstance(extension, dict):
            return "not an object"
        item_name = str(extension.get("itemName", "value"))
        next_name = extension.get("nextLinkName")
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
        link = fields.get(str(next_name))
        if link is None or link.type not in (ScalarType("str"), ANY):
            return f"the page has no string property {str(next_name)!r}"
        return Pager(name, items, link)

    # -- connection ------------------------------------------------------------------------

    def host_url(self) -> str | None:
        host = self.data.get("host")
        if not host:
            return None
        schemes = self.data.get("schemes") or ["https"]
        scheme = "https" if "https" in schemes else str(schemes[0])
        return f"{scheme}://{host}{self.data.get('basePath') or ''}".rstrip("/")

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        definitions = document.mapping(self.data.get("securityDefinitions"))
        usable = [
            (name, SecurityKind(definition["type"]), definition)
            for name, definition in definitions.items()
            if isinstance(definition, dict)
            and SecurityKind.known(definition.get("type"))
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
                location=str(definition.get("in", "")) if kind == api_key else "",
                parameter=str(definition.get("name", "")) if kind == api_key else "",
                description=document.text(definition.get("description")),
            )
            for name, kind, definition in usable
        )

    def _operation_security(
        self, operation: dict[str, Any], pointer: str
    ) -> tuple[tuple[str, ...], ...]:
        """The operation's alternatives: its own usable requirement, else the document's; where
        neither states one, every defined scheme (a connector's schemes are its connection,
        applied to every call). An explicit `security: []` beneath a document requirement
        means no authentication, as Swagger 2.0 says."""
        own = operation.get("security")
        found = self._requirements(own, pointer + "/security")
        if found:
            return found
        if own == [] and self.document_security:
            return ()
        if self.document_security:
            return self.document_security
        return tuple((scheme.name,) for scheme in self.security_schemes)

    def _requirements(
        self, requirements: Any, pointer: str
    ) -> tuple[tuple[str, ...], ...]:
        """The usable alternatives of a `security` list (anonymous ones last, so a credential
        given is sent); a scheme name securityDefinitions lacks is a warning and dropped, and
        a requirement left empty by that is dropped too."""
        known = {scheme.name for scheme in self.security_schemes}
        alternatives: list[tuple[str, ...]] = []
        for index, requirement in enumerate(document.items(requirements)):
            if not isinstance(requirement, dict):
                continue
            for name in requirement:
                if name not in known:
                    self.warnings.append(
                        self.source.finding(
                            f"security requirement names {name!r}, which"
                            " securityDefinitions does not define: it is ignored",
                            join_pointer([*split_pointer(pointer), str(index), name]),
                        )
                    )
            names = tuple(name for name in requirement if name in known)
            if names or not requirement:
                alternatives.append(names)
        return tuple(sorted(alternatives, key=lambda names: not names))


def _accept(produces: Any) -> str:
    """The Accept header for what an operation produces: JSON where it produces JSON (or says
    nothing), else the media types it lists."""
    types = [str(t).strip() for t in document.items(produces)]
    types = [t for t in types if t and HEADER_VALUE.fullmatch(t) and "," not in t]
    json_types = [t for t in types if "json" in t.lower()]
    if not types or "application/json" in json_types:
        return "application/json"
    return ", ".join(json_types or types)


def _collection_format(parameter: dict[str, Any], kind: TypeRef) -> str:
    if not isinstance(kind, ListType):
        return ""
    return str(parameter.get("collectionFormat") or "csv")


def _body_encoding(
    parameters: tuple[Parameter, ...], consumes: list[str]
) -> BodyEncoding:
    form = [p for p in parameters if p.location == ParameterLocation.FORM]
    if form:
        files = any(p.type == ScalarType("bytes") for p in form)
        multipart = files or "multipart/form-data" in consumes
        return BodyEncoding.MULTIPART if multipart else BodyEncoding.FORM
    body = next((p for p in parameters if p.location == ParameterLocation.BODY), None)
    if body is None:
        return BodyEncoding.NONE
    return (
        BodyEncoding.BINARY if body.type == ScalarType("bytes") else BodyEncoding.JSON
    )
