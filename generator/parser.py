"""Stage 3, parse: a validated Swagger 2.0 document into the typed intermediate model.

Every decision about the output is taken here: names, types, which schemas become models.
"""

from __future__ import annotations

import dataclasses
import http
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator import naming
from generator.errors import Finding, GeneratorError
from generator.loader import SourceFile, join_pointer, split_pointer
from generator.model import (
    ANY,
    HEADER_VALUE,
    NO_BODY_STATUSES,
    NO_CONSTRAINTS,
    Api,
    Constraints,
    DictType,
    EnumClass,
    EnumType,
    ErrorClass,
    Field,
    ListType,
    Model,
    ModelType,
    Operation,
    Pager,
    Parameter,
    Response,
    ScalarType,
    SecurityScheme,
    TypeRef,
)
from generator.reserved import module_names
from generator.validator import HTTP_METHODS, effective_parameters, resolve_pointer

# Names every generated package defines at module level next to the models.
# Names the generated models define on every model class.
MODEL_MEMBERS = frozenset(
    {"to_dict", "from_dict", "additional_properties", "field", "dataclass"}
)
# Keywords of the generated client constructor besides the credentials.
CONSTRUCTOR_KEYWORDS = frozenset(
    {"base_url", "timeout", "max_retries", "http_client", "self"}
)
# Public attributes of the generated client class.
CLIENT_MEMBERS = frozenset({"close", "with_raw_response", "with_options"})

_SCALARS = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "file": "bytes",
}


def default_package_name(title: str) -> str:
    base = naming.snake_case(title, fallback="api", prefix="api_")
    return base if base.endswith("connector") else f"{base}_connector"


def check_package_name(name: str) -> str:
    import keyword

    if not name.isidentifier() or not name.isascii() or keyword.iskeyword(name):
        raise GeneratorError(f"--package {name!r} is not a valid Python package name")
    return name


class UnreadablePart(Exception):
    """A part of the document the parser could not read (only a leniently valid document has
    one); `pointer` says which part."""

    def __init__(self, pointer: str, error: Exception) -> None:
        super().__init__(f"{type(error).__name__}: {error}")
        self.pointer = pointer


@contextmanager
def located(pointer: str) -> Iterator[None]:
    """Attach `pointer` to a failure inside the block (the innermost block wins)."""
    try:
        yield
    except (GeneratorError, UnreadablePart):
        raise
    except Exception as error:
        raise UnreadablePart(pointer, error) from error


def parse(source: SourceFile, package: str | None = None) -> Api:
    return _Parser(source).parse(package)


class _Parser:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.data = source.data
        self.warnings: list[Finding] = []
        self.containers: set[str] = (
            set()
        )  # arrays and maps being typed through a `$ref`
        info = _object(self.data.get("info"))
        self.title = str(info.get("title") or "API")
        self.client_class = naming.guard(
            naming.pascal_case(self.title, fallback="Api", prefix="Api") + "Client",
            module_names(),
        )
        self.raw_client_class = f"{self.client_class}WithRawResponse"
        self.errors = self._error_classes()
        self.reserved_classes = module_names() | {
            self.client_class,
            self.raw_client_class,
            *(error.name for error in self.errors),
        }
        self.schemes = self._security_schemes()
        self.document_security = self._requirements(
            self.data.get("security"), "/security"
        )
        self.models: dict[str, Model] = {}  # by schema pointer, in discovery order
        self.enums: dict[str, EnumClass] = {}
        self.model_names: dict[str, str] = self._definition_names()
        self.used_class_names = set(self.model_names.values()) | self.reserved_classes

    def parse(self, package: str | None) -> Api:
        info = _object(self.data.get("info"))
        for name, schema in (self.data.get("definitions") or {}).items():
            pointer = join_pointer(["definitions", name])
            with located(pointer):
                if self._is_model(schema):
                    self._model_for(pointer, schema)
                elif _is_string_enum(schema):
                    self._enum_for(pointer, schema, name)
        with located("/paths"):
            operations = self._operations()
        return Api(
            title=self.title,
            version=str(info.get("version") or "0"),
            description=_text(info.get("description")),
            package=(
                check_package_name(package)
                if package
                else default_package_name(self.title)
            ),
            client_class=self.client_class,
            raw_client_class=self.raw_client_class,
            host_url=self._host_url(),
            security_schemes=self.schemes,
            operations=operations,
            models=self._ordered_models(),
            enums=tuple(sorted(self.enums.values(), key=lambda e: e.name)),
            errors=self.errors,
            warnings=tuple(self.warnings),
        )

    def _ordered_models(self) -> tuple[Model, ...]:
        """Definitions in spec order, then inline schemas in the order they were met; a base
        class always before the classes that extend it. Each knows its subtypes."""
        children: dict[str, list[Model]] = {}
        for model in self.models.values():
            if model.base:
                children.setdefault(model.base, []).append(model)
        models = _end_required_cycles(
            [_with_subtypes(model, children) for model in self._spec_ordered_models()]
        )
        by_name = {model.name: model for model in models}
        ordered: dict[str, Model] = {}

        def place(model: Model) -> None:
            if model.base and model.base not in ordered:
                place(by_name[model.base])
            ordered.setdefault(model.name, model)

        for model in models:
            place(model)
        return tuple(ordered.values())

    def _spec_ordered_models(self) -> tuple[Model, ...]:
        definitions = list(self.data.get("definitions") or {})
        rank = {
            join_pointer(["definitions", name]): index
            for index, name in enumerate(definitions)
        }
        order = {pointer: index for index, pointer in enumerate(self.models)}
        return tuple(
            sorted(
                self.models.values(),
                key=lambda m: (rank.get(m.pointer, len(rank)), order[m.pointer]),
            )
        )

    # -- names -----------------------------------------------------------------------------

    def _definition_names(self) -> dict[str, str]:
        definitions = self.data.get("definitions") or {}
        candidates = [
            (join_pointer(["definitions", name]), self._class_name(name))
            for name, schema in definitions.items()
            if self._is_model(schema) or _is_string_enum(schema)
        ]
        return naming.assign_unique(candidates, taken=self.reserved_classes)

    def _class_name(self, name: str) -> str:
        pascal = naming.pascal_case(name, fallback="Model", prefix="Model")
        return naming.guard(pascal, self.reserved_classes)

    def _new_class_name(self, hint: str) -> str:
        base = self._class_name(hint)
        name, counter = base, 1
        while name in self.used_class_names:
            counter += 1
            name = f"{base}_{counter}"
        self.used_class_names.add(name)
        return name

    def _error_classes(self) -> tuple[ErrorClass, ...]:
        statuses: set[int] = set()
        for _, _, _, operation in self._iter_operations():
            for status in operation.get("responses") or {}:
                if str(status).isdigit() and str(status)[0] not in "12":
                    statuses.add(int(status))
        classes = []
        for status in sorted(statuses):
            try:
                phrase = http.HTTPStatus(status).phrase
            except ValueError:
                phrase = f"Status {status}"
            name = naming.pascal_case(
                phrase, fallback=f"Status{status}", prefix="Status"
            )
            classes.append(
                ErrorClass(
                    status, name if name.endswith("Error") else f"{name}Error", phrase
                )
            )
        return tuple(classes)

    # -- schemas ---------------------------------------------------------------------------

    def _resolve(self, value: Any) -> tuple[str | None, Any]:
        """Follow `$ref` chains: (pointer of the last target, resolved value)."""
        pointer = None
        seen: set[str] = set()
        while isinstance(value, dict) and isinstance(value.get("$ref"), str):
            pointer = value["$ref"][1:]
            if pointer in seen:
                raise GeneratorError(f"reference cycle through {value['$ref']!r}")
            seen.add(pointer)
            value = resolve_pointer(self.data, pointer)
        return pointer, value

    def _is_model(self, schema: Any) -> bool:
        if not isinstance(schema, dict):
            return False
        if "allOf" in schema or schema.get("properties"):
            return True
        return schema.get("type") == "object" and not _is_map(schema)

    def type_of(self, schema: Any, pointer: str, hint: str) -> TypeRef:
        target, resolved = self._resolve(schema)
        if target is not None:
            if target in self.model_names and _is_string_enum(resolved):
                return EnumType(self._enum_for(target, resolved, "").name)
            if target in self.model_names:
                self._model_for(target, resolved)
                return ModelType(self.model_names[target])
            if target in self.containers:
                return ANY  # an array or map that holds itself: any JSON value
            self.containers.add(target)
            try:
                return self.type_of(resolved, target, hint)
            finally:
                self.containers.discard(target)
        if not isinstance(resolved, dict):
            return ANY
        if self._is_model(resolved):
            return ModelType(self._model_for(pointer, resolved, hint).name)
        if _is_string_enum(resolved):
            return EnumType(self._enum_for(pointer, resolved, hint).name)
        kind = resolved.get("type")
        if kind == "array":
            items = resolved.get("items")
            if not isinstance(items, dict):
                return ListType(ANY)
            return ListType(self.type_of(items, pointer + "/items", hint + "Item"))
        if kind == "object" or _is_map(resolved):
            extra = resolved.get("additionalProperties")
            if isinstance(extra, dict) and extra:
                value_hint = hint + "Value"
                return DictType(
                    self.type_of(extra, pointer + "/additionalProperties", value_hint)
                )
            return DictType(ANY)
        return ScalarType(_SCALARS.get(str(kind), "Any"))

    def _enum_for(self, pointer: str, schema: dict[str, Any], hint: str) -> EnumClass:
        if pointer in self.enums:
            return self.enums[pointer]
        name = self.model_names.get(pointer) or self._new_class_name(hint)
        self.model_names[pointer] = name
        values = list(dict.fromkeys(str(v) for v in schema["enum"]))
        candidates = [
            (value, naming.snake_case(value, fallback="empty", prefix="value_").upper())
            for value in values
        ]
        names = naming.assign_unique(candidates, taken={"NAME", "VALUE"})
        members = tuple((names[value], value) for value in values)
        description = _describe(schema)
        self.enums[pointer] = EnumClass(name, description, members, pointer)
        return self.enums[pointer]

    def _model_for(self, pointer: str, schema: dict[str, Any], hint: str = "") -> Model:
        if pointer in self.models:
            return self.models[pointer]
        name = self.model_names.get(pointer) or self._new_class_name(hint)
        self.model_names[pointer] = name
        # Registered before its fields are parsed, so that recursive schemas terminate.
        placeholder = Model(name, "", (), pointer)
        self.models[pointer] = placeholder
        properties, required, description = self._flatten(schema, pointer)
        base = self._base_model(pointer, schema)
        inherited = base.fields if base else ()
        fields = self._fields(name, pointer, properties, required, inherited)
        discriminator = self._discriminator(schema, base)
        kind = next((f.type for f in fields if f.wire_name == discriminator), None)
        if discriminator and not _can_discriminate(kind):
            self.warnings.append(
                self.source.finding(
                    f"discriminator {discriminator!r} is not a string or integer property of"
                    " the schema: subtypes are read as this model",
                    pointer + ("/discriminator" if base is None else ""),
                )
            )
            base, discriminator = None, ""
        value = ""
        if base is not None:
            value = str(
                schema.get("x-ms-discriminator-value", split_pointer(pointer)[-1])
            )
            fixed = _discriminator_value(value, kind)
            if fixed is None:
                self.warnings.append(
                    self.source.finding(
                        f"discriminator value {value!r} is not an integer, as"
                        f" {discriminator!r} is: this subtype is read as a model of its own",
                        pointer,
                    )
                )
                base, discriminator, value = None, "", ""
            fields = tuple(
                (
                    dataclasses.replace(f, fixed=fixed)
                    if f.wire_name == discriminator
                    else f
                )
                for f in fields
            )
        if base is not None and not _text(schema.get("description")):
            description = f"A {base.name} whose {discriminator} is {value!r}."
        model = Model(
            name=name,
            description=description,
            fields=fields,
            pointer=pointer,
            base=base.name if base else None,
            discriminator=discriminator,
            discriminator_value=value,
        )
        self.models[pointer] = model
        return model

    def _base_model(self, pointer: str, schema: dict[str, Any]) -> Model | None:
        """The definition this one extends through `allOf`, when that one is polymorphic (it has
        a `discriminator`, or extends one that has); None for any other schema."""
        if not pointer.startswith("/definitions/") or pointer.count("/") != 2:
            return None
        for part in schema.get("allOf") or []:
            target, resolved = self._resolve(part)
            if target is None or not target.startswith("/definitions/"):
                continue
            if not self._is_model(resolved):
                continue
            parent = self._model_for(target, resolved)
            polymorphic = parent.discriminator or parent.base
            if (
                polymorphic and parent.fields
            ):  # fields empty: still being built (a cycle)
                return parent
        return None

    def _discriminator(self, schema: dict[str, Any], base: Model | None) -> str:
        if base is not None:
            return base.discriminator
        value = schema.get("discriminator")
        return value if isinstance(value, str) else ""

    def _flatten(
        self, schema: dict[str, Any], pointer: str
    ) -> tuple[list[tuple[str, Any, str]], set[str], str]:
        """Properties (wire name, schema, pointer), required names and description, `allOf`
        parts merged in order."""
        properties: dict[str, tuple[str, Any, str]] = {}
        required: set[str] = set()
        description = _text(schema.get("description") or schema.get("title"))
        for index, part in enumerate(schema.get("allOf") or []):
            target, resolved = self._resolve(part)
            part_pointer = target or f"{pointer}/allOf/{index}"
            if isinstance(resolved, dict):
                sub_properties, sub_required, sub_description = self._flatten(
                    resolved, part_pointer
                )
                properties.update((p[0], p) for p in sub_properties)
                required |= sub_required
                description = description or sub_description
        for wire_name, property_schema in (schema.get("properties") or {}).items():
            property_pointer = join_pointer(
                [*split_pointer(pointer), "properties", wire_name]
            )
            properties[wire_name] = (wire_name, property_schema, property_pointer)
        required |= {str(name) for name in schema.get("required") or []}
        return list(properties.values()), required, description

    def _fields(
        self,
        model_name: str,
        pointer: str,
        properties: list[tuple[str, Any, str]],
        required: set[str],
        inherited: tuple[Field, ...] = (),
    ) -> tuple[Field, ...]:
        """The inherited fields as they are, then a field for every other property."""
        known = {f.wire_name for f in inherited}
        properties = [p for p in properties if p[0] not in known]
        spelled = {wire: _client_name(schema) or wire for wire, schema, _ in properties}
        candidates = [
            (
                wire,
                naming.guard(
                    naming.snake_case(spelled[wire], fallback="field", prefix="field_"),
                    MODEL_MEMBERS,
                ),
            )
            for wire, _, _ in properties
        ]
        names = naming.assign_unique(
            candidates,
            taken={f.python_name for f in inherited},
            explicit={wire for wire in spelled if spelled[wire] != wire},
        )
        fields = list(inherited)
        for wire, schema, property_pointer in properties:
            hint = model_name + naming.pascal_case(
                wire, fallback="Field", prefix="Field"
            )
            _, resolved = self._resolve(schema)
            flags = [s for s in (schema, resolved) if isinstance(s, dict)]
            fields.append(
                Field(
                    wire_name=wire,
                    python_name=names[wire],
                    type=self.type_of(schema, property_pointer, hint),
                    required=wire in required,
                    description=_describe(resolved),
                    nullable=any(s.get("x-nullable") is True for s in flags),
                    read_only=any(s.get("readOnly") is True for s in flags),
                    constraints=self._constraints(schema),
                )
            )
        return tuple(fields)

    # -- operations ------------------------------------------------------------------------

    def _iter_operations(self) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
        found = []
        for path, item in (self.data.get("paths") or {}).items():
            if not isinstance(item, dict):
                continue
            for method in HTTP_METHODS:
                if isinstance(item.get(method), dict):
                    found.append((path, method, item, item[method]))
        return found

    def _operations(self) -> tuple[Operation, ...]:
        found = self._iter_operations()
        candidates = []
        for path, method, _, operation in found:
            identifier = operation.get("operationId") or f"{method} {path}"
            preferred = naming.snake_case(
                str(identifier), fallback=method, prefix="op_"
            )
            candidates.append(
                (
                    join_pointer(["paths", path, method]),
                    naming.guard(preferred, CLIENT_MEMBERS),
                )
            )
        method_names = naming.assign_unique(candidates)
        iterator_names = naming.assign_unique(
            [
                (pointer, f"iter_{method_names[pointer]}")
                for pointer, _ in candidates
                if "x-ms-pageable" in resolve_pointer(self.data, pointer)
            ],
            taken=set(method_names.values()) | CLIENT_MEMBERS,
        )
        operations = []
        for path, method, item, operation in found:
            pointer = join_pointer(["paths", path, method])
            with located(pointer):
                built = self._operation(
                    path, method, item, operation, method_names[pointer]
                )
                if pointer in iterator_names:
                    pager = self._pager(
                        built, operation, pointer, iterator_names[pointer]
                    )
                    built = dataclasses.replace(built, pager=pager)
            operations.append(built)
        return tuple(operations)

    def _pager(
        self, operation: Operation, spec: dict[str, Any], pointer: str, name: str
    ) -> Pager | None:
        """The `x-ms-pageable` iterator, when the page schema has what the extension names;
        otherwise a warning, and the operation keeps only its page method."""
        found = self._find_pager(operation, spec["x-ms-pageable"], name)
        if isinstance(found, str):
            where = pointer + "/x-ms-pageable"
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
        fields = {f.wire_name: f for f in self.models_by_name()[page.name].fields}
        items = fields.get(item_name)
        if items is None or not isinstance(items.type, ListType):
            return f"the page has no array property {item_name!r}"
        if next_name is None:
            return Pager(name, items, None)
        link = fields.get(str(next_name))
        if link is None or link.type not in (ScalarType("str"), ANY):
            return f"the page has no string property {str(next_name)!r}"
        return Pager(name, items, link)

    def models_by_name(self) -> dict[str, Model]:
        return {model.name: model for model in self.models.values()}

    def _operation(
        self,
        path: str,
        method: str,
        item: dict[str, Any],
        operation: dict[str, Any],
        method_name: str,
    ) -> Operation:
        operation_id = str(operation.get("operationId") or method_name)
        hint = naming.pascal_case(operation_id, fallback="Operation", prefix="Op")
        pointer = join_pointer(["paths", path, method])
        parameters = self._parameters(item, operation, pointer, hint)
        consumes = [
            str(c) for c in operation.get("consumes", self.data.get("consumes")) or []
        ]
        encoding = _body_encoding(parameters, consumes)
        return Operation(
            operation_id=operation_id,
            method_name=method_name,
            http_method=method.upper(),
            path=path,
            summary=_text(operation.get("summary")),
            description=_text(operation.get("description")),
            parameters=parameters,
            responses=self._responses(operation, pointer, hint, method == "head"),
            deprecated=operation.get("deprecated") is True,
            accept=_accept(operation.get("produces", self.data.get("produces"))),
            interim_statuses=tuple(
                int(s)
                for s in sorted(operation.get("responses") or {})
                if _is_interim(s)
            ),
            security=self._operation_security(operation, pointer),
            body_encoding=encoding,
            pointer=pointer,
            content_type=next(
                (c for c in consumes if "json" not in c and "form" not in c),
                "application/octet-stream",
            ),
        )

    def _parameters(
        self, item: dict[str, Any], operation: dict[str, Any], pointer: str, hint: str
    ) -> tuple[Parameter, ...]:
        found = effective_parameters(self.data, item, operation, pointer)
        raw = [p for _, p in found]
        explicit = {
            f"{p.get('in')}:{p.get('name')}"
            for p in raw
            if isinstance(p.get("x-ms-client-name"), str)
        }
        candidates = []
        for parameter in raw:
            spelled = parameter.get("x-ms-client-name") or parameter.get("name") or ""
            preferred = naming.guard(
                naming.snake_case(str(spelled), fallback="param", prefix="param_"),
                module_names(),
            )
            candidates.append(
                (f"{parameter.get('in')}:{parameter.get('name')}", preferred)
            )
        names = naming.assign_unique(candidates, explicit=explicit)
        parameters = []
        for where, parameter in found:
            location = str(parameter.get("in"))
            wire = str(parameter.get("name"))
            if location == "body":
                schema = parameter.get("schema") or {}
                kind = self.type_of(schema, where + "/schema", hint + "Body")
                if _is_binary(self._resolve(schema)[1]):
                    kind = ScalarType("bytes")
            else:
                kind = self.type_of(
                    parameter,
                    where,
                    hint + naming.pascal_case(wire, fallback="P", prefix="P"),
                )
                if location == "formData" and _is_binary(parameter):
                    kind = ScalarType("bytes")  # a file part, as `type: file` is
            if wire != wire.strip():
                self.warnings.append(
                    self.source.finding(
                        f"the parameter name {wire!r} begins or ends with whitespace: it is"
                        " sent as the spec spells it",
                        where + "/name",
                    )
                )
            if location == "header" and "default" in parameter:
                parameter = self._header_default(parameter, where)
            parameters.append(
                Parameter(
                    wire_name=wire,
                    python_name=names[f"{location}:{wire}"],
                    location=location,
                    type=kind,
                    required=parameter.get("required") is True,
                    description=_describe(parameter),
                    default=parameter.get("default"),
                    has_default="default" in parameter,
                    collection_format=_collection_format(parameter, kind),
                    constant=parameter.get("x-ms-visibility") == "internal"
                    and "default" in parameter
                    and location != "body",
                    double_encoded=location == "path"
                    and parameter.get("x-ms-url-encoding") == "double",
                    constraints=self._constraints(
                        parameter.get("schema") if location == "body" else parameter
                    ),
                )
            )
        return tuple(sorted(parameters, key=lambda p: not p.required))

    def _constraints(self, schema: Any, depth: int = 0) -> Constraints:
        """The schema's constraints on a valid value, `$ref` followed."""
        _, schema = self._resolve(schema)
        if not isinstance(schema, dict) or depth > _CONSTRAINT_DEPTH:
            return NO_CONSTRAINTS
        example = schema.get("x-example", schema.get("example"))
        items = schema.get("items")
        return Constraints(
            example=example if _is_scalar(example) else None,
            enum=tuple(
                v for v in _list(schema.get("enum")) if _is_scalar(v) and v is not None
            ),
            format=str(schema.get("format") or ""),
            pattern=_text(schema.get("pattern")),
            min_length=_count(schema.get("minLength")),
            max_length=_count(schema.get("maxLength")),
            minimum=_number(schema.get("minimum")),
            maximum=_number(schema.get("maximum")),
            exclusive_minimum=schema.get("exclusiveMinimum") is True,
            exclusive_maximum=schema.get("exclusiveMaximum") is True,
            multiple_of=_number(schema.get("multipleOf")),
            min_items=_count(schema.get("minItems")),
            max_items=_count(schema.get("maxItems")),
            items=self._constraints(items, depth + 1) if items is not None else None,
        )

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

    def _responses(
        self, operation: dict[str, Any], pointer: str, hint: str, head: bool
    ) -> tuple[Response, ...]:
        """The documented responses; a response to HEAD has no body, whatever the schema."""
        responses = operation.get("responses") or {}
        resolved = {}
        for status, response in responses.items():
            target, value = self._resolve(response)
            where = target or join_pointer(
                [*split_pointer(pointer), "responses", status]
            )
            resolved[status] = (where, value if isinstance(value, dict) else {})
        with_schema = [
            status
            for status, (_, r) in resolved.items()
            if isinstance(r.get("schema"), dict)
        ]
        result = []
        for status in sorted(responses, key=_status_order):
            where, response = resolved[status]
            if _is_interim(status):
                self.warnings.append(
                    self.source.finding(
                        f"{status} is an interim status, which HTTP/1.1 cannot send as the"
                        " final response: the client reads the response that follows it",
                        join_pointer(
                            [*split_pointer(pointer), "responses", str(status)]
                        ),
                    )
                )
                continue
            schema = response.get("schema")
            suffix = "Response" + (
                str(status).capitalize() if len(with_schema) > 1 else ""
            )
            kind = None
            # 204, 205, 304 and any answer to HEAD carry no body, whatever the spec says
            bodiless = head or str(status) in NO_BODY_STATUSES
            if isinstance(schema, dict) and not bodiless:
                kind = self.type_of(schema, where + "/schema", hint + suffix)
                if _is_binary(self._resolve(schema)[1]):
                    kind = ScalarType("bytes")
            description = _text(response.get("description"))
            headers = response.get("headers")
            documented = tuple(
                (str(name), _describe(header) or _text(header.get("type")))
                for name, header in (
                    headers if isinstance(headers, dict) else {}
                ).items()
                if isinstance(header, dict)
            )
            result.append(Response(str(status), description, kind, documented))
        return tuple(result)

    # -- connection ------------------------------------------------------------------------

    def _host_url(self) -> str | None:
        host = self.data.get("host")
        if not host:
            return None
        schemes = self.data.get("schemes") or ["https"]
        scheme = "https" if "https" in schemes else str(schemes[0])
        return f"{scheme}://{host}{self.data.get('basePath') or ''}".rstrip("/")

    def _security_schemes(self) -> tuple[SecurityScheme, ...]:
        definitions = self.data.get("securityDefinitions") or {}
        kinds = {"basic": "auth", "apiKey": "api_key", "oauth2": "token"}
        usable = [
            (n, d)
            for n, d in definitions.items()
            if isinstance(d, dict) and d.get("type") in kinds
        ]
        counts = [d["type"] for _, d in usable]
        candidates = []
        for name, definition in usable:
            keyword = kinds[definition["type"]]
            if (
                counts.count(definition["type"]) > 1
            ):  # the scheme's name tells them apart
                prefix = naming.snake_case(name, fallback="scheme", prefix="scheme_")
                keyword = keyword if prefix.endswith(keyword) else f"{prefix}_{keyword}"
            candidates.append((name, naming.guard(keyword, CONSTRUCTOR_KEYWORDS)))
        keywords = naming.assign_unique(candidates, taken=CONSTRUCTOR_KEYWORDS)
        return tuple(
            SecurityScheme(
                name=name,
                kind=definition["type"],
                keyword=keywords[name],
                location=(
                    str(definition.get("in", ""))
                    if definition["type"] == "apiKey"
                    else ""
                ),
                parameter=(
                    str(definition.get("name", ""))
                    if definition["type"] == "apiKey"
                    else ""
                ),
                description=_text(definition.get("description")),
            )
            for name, definition in usable
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
        return tuple((scheme.name,) for scheme in self.schemes)

    def _requirements(
        self, requirements: Any, pointer: str
    ) -> tuple[tuple[str, ...], ...]:
        """The usable alternatives of a `security` list (anonymous ones last, so a credential
        given is sent); a scheme name securityDefinitions lacks is a warning and dropped, and
        a requirement left empty by that is dropped too."""
        known = {scheme.name for scheme in self.schemes}
        alternatives: list[tuple[str, ...]] = []
        for index, requirement in enumerate(
            requirements if isinstance(requirements, list) else []
        ):
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


def _with_subtypes(model: Model, children: dict[str, list[Model]]) -> Model:
    """The model with the discriminator values of all its descendants."""
    found: list[tuple[str, str]] = []
    pending = list(children.get(model.name, []))
    while pending:
        child = pending.pop()
        found.append((child.discriminator_value, child.name))
        pending += children.get(child.name, [])
    if not found:
        return model
    unique = dict(sorted(found, reverse=True))  # a value claimed twice: the first name
    return dataclasses.replace(model, subtypes=tuple(sorted(unique.items())))


def _client_name(schema: Any) -> str | None:
    """A property's `x-ms-client-name`, when it has one."""
    name = schema.get("x-ms-client-name") if isinstance(schema, dict) else None
    return name if isinstance(name, str) and name else None


def _is_string_enum(schema: Any) -> bool:
    if not isinstance(schema, dict) or not isinstance(schema.get("enum"), list):
        return False
    values = schema["enum"]
    return (
        bool(values)
        and schema.get("type", "string") == "string"
        and all(isinstance(v, str) for v in values)
    )


def _is_binary(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return schema.get("type") == "file" or (
        schema.get("type") == "string" and schema.get("format") == "binary"
    )


_CONSTRAINT_DEPTH = 8  # nested array items followed for constraints


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _count(value: Any) -> int | None:
    """A non-negative integer keyword (minLength, maxItems, ...); None when unusable."""
    usable = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    return value if usable else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _accept(produces: Any) -> str:
    """The Accept header for what an operation produces: JSON where it produces JSON (or says
    nothing), else the media types it lists."""
    types = [str(t).strip() for t in _list(produces)]
    types = [t for t in types if t and HEADER_VALUE.fullmatch(t) and "," not in t]
    json_types = [t for t in types if "json" in t.lower()]
    if not types or "application/json" in json_types:
        return "application/json"
    return ", ".join(json_types or types)


def _is_interim(status: Any) -> bool:
    """A documented 1xx: never a final response."""
    return str(status).isdigit() and len(str(status)) == 3 and str(status)[0] == "1"


def _collection_format(parameter: dict[str, Any], kind: TypeRef) -> str:
    if not isinstance(kind, ListType):
        return ""
    return str(parameter.get("collectionFormat") or "csv")


def _body_encoding(parameters: tuple[Parameter, ...], consumes: list[str]) -> str:
    form = [p for p in parameters if p.location == "formData"]
    if form:
        files = any(p.type == ScalarType("bytes") for p in form)
        return "multipart" if files or "multipart/form-data" in consumes else "form"
    body = next((p for p in parameters if p.location == "body"), None)
    if body is None:
        return "none"
    return "binary" if body.type == ScalarType("bytes") else "json"


def _is_map(schema: dict[str, Any]) -> bool:
    extra = schema.get("additionalProperties")
    return not schema.get("properties") and extra not in (None, False)


def _status_order(status: Any) -> tuple[int, str]:
    text = str(status)
    return (int(text), text) if text.isdigit() else (1000, text)


def _end_required_cycles(models: list[Model]) -> list[Model]:
    """A model that requires itself (a required field of its own type, directly or through the
    required fields of other models) has no finite instance but one that ends in null: such
    fields are typed `X | None`, as `x-nullable` would make them."""
    requires = {
        model.name: {
            f.type.name
            for f in model.fields
            if f.required and not f.nullable and isinstance(f.type, ModelType)
        }
        for model in models
    }
    reach: dict[str, set[str]] = {}
    for name, required in requires.items():
        seen: set[str] = set()
        frontier = list(required)
        while frontier:
            current = frontier.pop()
            if current not in seen:
                seen.add(current)
                frontier.extend(requires.get(current, ()))
        reach[name] = seen

    def ends(model: Model, field: Field) -> bool:
        return (
            isinstance(field.type, ModelType)
            and field.type.name in requires[model.name]
            and model.name in reach.get(field.type.name, set()) | {field.type.name}
        )

    return [
        dataclasses.replace(
            model,
            fields=tuple(
                dataclasses.replace(f, nullable=True) if ends(model, f) else f
                for f in model.fields
            ),
        )
        for model in models
    ]


def _can_discriminate(kind: TypeRef | None) -> bool:
    """Whether a property of this type can tell subtypes apart (Swagger says: a string)."""
    return isinstance(kind, EnumType) or (
        isinstance(kind, ScalarType) and kind.python in ("str", "int")
    )


def _discriminator_value(value: str, kind: TypeRef | None) -> str | int | None:
    """A subtype's fixed discriminator value as the property's type has it; None when an
    integer discriminator is given a value that is not an integer."""
    if isinstance(kind, ScalarType) and kind.python == "int":
        return int(value) if re.fullmatch(r"-?[0-9]+", value) else None
    return value


def _object(value: Any) -> dict[str, Any]:
    """A JSON object of the spec, or an empty one where a lenient document has something else."""
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _describe(schema: Any) -> str:
    if not isinstance(schema, dict):
        return ""
    return (
        _text(schema.get("description"))
        or _text(schema.get("x-ms-summary"))
        or _text(schema.get("title"))
    )
