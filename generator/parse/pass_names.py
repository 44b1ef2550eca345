"""Parse pass 1, names: every class and method name of the package, decided before any type.

The client class, the error classes, a class for every schema that becomes a model or an enum
(definitions by their own names; an inline schema after where it sits: the model and property,
the operation and parameter or response), and the client's method and iterator names. Inline
schemas are met depth first, definitions in document order and then the operations, and the
first place a schema is met names it; the schema pass then builds exactly the classes named
here, and the operation pass finds every type it needs already resolved.
"""

from __future__ import annotations

import http
from dataclasses import dataclass, field
from typing import Any

from generator.model import ASYNC_PREFIX, NO_BODY_STATUSES, ErrorClass
from generator.parse import identifiers
from generator.parse.reserved import module_names
from generator.source import document
from generator.source.loader import join_pointer, split_pointer
from generator.source.swagger import (
    OperationSpec,
    ResponseSpec,
    Schema,
    SwaggerReader,
)

# Public attributes of the generated client class.
CLIENT_MEMBERS = frozenset({"close", "with_raw_response", "with_options"})


@dataclass(frozen=True)
class SchemaRoot:
    """A schema an operation uses directly: a body, a non-body parameter or a response."""

    pointer: str
    schema: Schema


@dataclass
class Names:
    client_class: str
    raw_client_class: str
    errors: tuple[ErrorClass, ...]
    reserved: frozenset[str]  # class names no schema may take
    classes: dict[str, str] = field(
        default_factory=dict
    )  # schema pointer -> class name
    order: dict[str, int] = field(default_factory=dict)  # schema pointer -> when met
    methods: dict[str, str] = field(default_factory=dict)  # operation pointer -> method
    iterators: dict[str, str] = field(
        default_factory=dict
    )  # operation pointer -> iter_
    roots: dict[str, list[SchemaRoot]] = field(default_factory=dict)  # by operation


def assign_names(data: dict[str, Any], reader: SwaggerReader) -> Names:
    title = reader.info.title
    client_class = identifiers.guard(
        identifiers.pascal_case(title, fallback="Api", prefix="Api") + "Client",
        module_names(),
    )
    raw_client_class = f"{client_class}WithRawResponse"
    errors = _error_classes(reader.operations)
    reserved = module_names() | {client_class, raw_client_class}
    reserved |= {ASYNC_PREFIX + client_class, ASYNC_PREFIX + raw_client_class}
    reserved |= {error.name for error in errors}
    names = Names(client_class, raw_client_class, errors, frozenset(reserved))
    _Namer(data, reader, names).run()
    return names


def _error_classes(operations: tuple[OperationSpec, ...]) -> tuple[ErrorClass, ...]:
    """A class per documented error status (a 3-digit status from 300 up)."""
    statuses: set[int] = set()
    for operation in operations:
        for response in operation.responses:
            if response.status.isdigit() and response.status[0] not in "12":
                statuses.add(int(response.status))
    classes = []
    for status in sorted(statuses):
        try:
            phrase = http.HTTPStatus(status).phrase
        except ValueError:
            phrase = f"Status {status}"
        name = identifiers.pascal_case(
            phrase, fallback=f"Status{status}", prefix="Status"
        )
        error_name = name if name.endswith("Error") else f"{name}Error"
        classes.append(ErrorClass(status, error_name, phrase))
    return tuple(classes)


def class_name(name: str, reserved: frozenset[str]) -> str:
    pascal = identifiers.pascal_case(name, fallback="Model", prefix="Model")
    return identifiers.guard(pascal, reserved)


def response_hint_suffix(status: str, statuses_with_schema: int) -> str:
    """What an inline response schema's class name adds to the operation's."""
    return "Response" + (status.capitalize() if statuses_with_schema > 1 else "")


class _Namer:
    def __init__(
        self, data: dict[str, Any], reader: SwaggerReader, names: Names
    ) -> None:
        self.data = data
        self.reader = reader
        self.names = names
        self.used = set(names.reserved)
        self.visited: set[str] = set()
        # arrays and maps being walked through a `$ref`
        self.containers: set[str] = set()
        # finished definitions with properties and a discriminator (or extending one that
        # has): the classes a subtype extends
        self.polymorphic: set[str] = set()

    def run(self) -> None:
        definitions = self.reader.definitions
        candidates = [
            (join_pointer(["definitions", name]), class_name(name, self.names.reserved))
            for name, schema in definitions
            if schema.is_model or schema.is_string_enum
        ]
        self.names.classes.update(
            identifiers.assign_unique(candidates, taken=self.names.reserved)
        )
        self.used |= set(self.names.classes.values())
        for name, schema in definitions:
            pointer = join_pointer(["definitions", name])
            if schema.is_model:
                self.model(pointer, schema, "")
            elif schema.is_string_enum:
                self.met(pointer, "")
        self.methods()
        for operation in self.reader.operations:
            self.operation(operation)

    def met(self, pointer: str, hint: str) -> str:
        """The class name of the schema at `pointer`, given from `hint` when it has none."""
        if pointer not in self.names.classes:
            base = class_name(hint, self.names.reserved)
            name, counter = base, 1
            while name in self.used:
                counter += 1
                name = f"{base}_{counter}"
            self.used.add(name)
            self.names.classes[pointer] = name
        self.names.order.setdefault(pointer, len(self.names.order))
        return self.names.classes[pointer]

    def type(self, schema: Schema, pointer: str, hint: str) -> None:
        target, resolved = self.reader.resolve(schema)
        if target is not None:
            if target in self.names.classes:
                if resolved.is_string_enum:
                    self.met(target, "")
                else:
                    self.model(target, resolved, "")
            elif target not in self.containers:
                self.containers.add(target)
                try:
                    self.type(resolved, target, hint)
                finally:
                    self.containers.discard(target)
            return
        if not resolved.is_object:
            return
        if resolved.is_model:
            self.model(pointer, resolved, hint)
        elif resolved.is_string_enum:
            self.met(pointer, hint)
        elif resolved.type == "array":
            items = resolved.items
            if items is not None and items.is_object:
                self.type(items, pointer + "/items", hint + "Item")
        elif resolved.type == "object" or resolved.is_map:
            extra = resolved.additional_properties
            if extra is not None:
                self.type(extra, pointer + "/additionalProperties", hint + "Value")

    def model(self, pointer: str, schema: Schema, hint: str) -> None:
        if pointer in self.visited:
            return
        self.visited.add(pointer)
        with document.located(pointer):  # a model that cannot be read: where it is
            self._model(pointer, schema, hint)

    def _model(self, pointer: str, schema: Schema, hint: str) -> None:
        name = self.met(pointer, hint)
        extends = self._base(pointer, schema)
        properties = flattened_properties(self.reader, schema, pointer)
        for wire, property_schema, property_pointer in properties:
            property_hint = name + identifiers.pascal_case(
                wire, fallback="Field", prefix="Field"
            )
            self.type(property_schema, property_pointer, property_hint)
        if properties and (extends or schema.discriminator is not None):
            self.polymorphic.add(pointer)

    def _base(self, pointer: str, schema: Schema) -> bool:
        """Walk the definitions this one names in `allOf` as the schema pass does when it looks
        for the class this one extends: up to the first finished polymorphic one, which it
        extends (True)."""
        if not pointer.startswith("/definitions/") or pointer.count("/") != 2:
            return False
        for part in schema.all_of:
            target, resolved = self.reader.resolve(part)
            if not target or not target.startswith("/definitions/"):
                continue
            if not resolved.is_model:
                continue
            self.model(target, resolved, "")
            if (
                target in self.polymorphic
            ):  # a cycle leaves it unfinished, and not in the set
                return True
        return False

    def methods(self) -> None:
        """The client's method names (snake_case operationIds) and iterator names."""
        candidates = []
        for operation in self.reader.operations:
            identifier = (
                operation.operation_id or f"{operation.method} {operation.path}"
            )
            preferred = identifiers.snake_case(
                identifier, fallback=operation.method, prefix="op_"
            )
            candidates.append(
                (operation.pointer, identifiers.guard(preferred, CLIENT_MEMBERS))
            )
        self.names.methods.update(identifiers.assign_unique(candidates))
        pageable = [
            (operation.pointer, f"iter_{self.names.methods[operation.pointer]}")
            for operation in self.reader.operations
            if operation.pageable is not None
        ]
        taken = set(self.names.methods.values()) | CLIENT_MEMBERS
        self.names.iterators.update(identifiers.assign_unique(pageable, taken=taken))

    def operation(self, operation: OperationSpec) -> None:
        """The schemas of an operation's parameters and responses, in the order the operation
        pass reads them."""
        pointer = operation.pointer
        operation_id = operation.operation_id or self.names.methods[pointer]
        hint = identifiers.pascal_case(operation_id, fallback="Operation", prefix="Op")
        roots = self.names.roots.setdefault(pointer, [])
        for parameter in operation.parameters:
            if parameter.is_body:
                roots.append(SchemaRoot(parameter.schema_pointer, parameter.schema))
                self.type(parameter.schema, parameter.schema_pointer, hint + "Body")
            else:
                roots.append(SchemaRoot(parameter.schema_pointer, parameter.schema))
                wire = parameter.name
                self.type(
                    parameter.schema,
                    parameter.schema_pointer,
                    hint + identifiers.pascal_case(wire, fallback="P", prefix="P"),
                )
        for status, where, schema, with_schema in response_schemas(
            operation.responses, operation.method == "head"
        ):
            roots.append(SchemaRoot(where, schema))
            self.type(schema, where, hint + response_hint_suffix(status, with_schema))


def flattened_properties(
    reader: SwaggerReader, schema: Schema, pointer: str
) -> list[tuple[str, Schema, str]]:
    """Properties (wire name, schema, pointer), `allOf` parts merged in order."""
    return list(flatten(reader, schema, pointer)[0])


def flatten(
    reader: SwaggerReader, schema: Schema, pointer: str
) -> tuple[list[tuple[str, Schema, str]], set[str], str]:
    """Properties (wire name, schema, pointer), required names and description, `allOf`
    parts merged in order."""
    properties: dict[str, tuple[str, Schema, str]] = {}
    required: set[str] = set()
    description = schema.description_or_title
    for index, part in enumerate(schema.all_of):
        target, resolved = reader.resolve(part)
        part_pointer = target or f"{pointer}/allOf/{index}"
        if resolved.is_object:
            sub_properties, sub_required, sub_description = flatten(
                reader, resolved, part_pointer
            )
            properties.update((p[0], p) for p in sub_properties)
            required |= sub_required
            description = description or sub_description
    for wire_name, property_schema in schema.properties:
        property_pointer = join_pointer(
            [*split_pointer(pointer), "properties", wire_name]
        )
        properties[wire_name] = (wire_name, property_schema, property_pointer)
    required |= schema.required
    return list(properties.values()), required, description


def response_schemas(
    responses: tuple[ResponseSpec, ...], head: bool
) -> list[tuple[str, str, Any, int]]:
    """(status, schema pointer, schema, how many responses have a schema) for every response
    whose body is typed, in status order: not interim ones, and none of 204, 205, 304 or any
    answer to HEAD, which carry no body whatever the spec says."""
    with_schema = sum(response.schema is not None for response in responses)
    found = []
    for response in responses:
        status = response.status
        bodiless = head or status in NO_BODY_STATUSES or document.is_interim(status)
        if response.schema is not None and not bodiless:
            found.append(
                (status, response.schema_pointer, response.schema, with_schema)
            )
    return found
