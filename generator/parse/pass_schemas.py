"""Parse pass 2, schemas: every schema the package uses resolved into types, models and enums.

Class names come from pass 1 (`names.py`); this pass decides types, fields and inheritance.
It resolves the definitions, then every schema an operation uses, and keeps the type of each of
those roots for the operation pass.
"""

from __future__ import annotations

import dataclasses
import re

from generator.errors import GeneratorError
from generator.findings import Finding
from generator.model import (
    ANY,
    NO_CONSTRAINTS,
    Constraints,
    DictType,
    EnumClass,
    EnumType,
    Field,
    ListType,
    Model,
    ModelType,
    ScalarType,
    TypeRef,
)
from generator.parse import identifiers
from generator.parse.pass_names import Names, flatten
from generator.source import document
from generator.source.loader import SourceFile, join_pointer, split_pointer
from generator.source.swagger import NO_SCHEMA, Schema, SwaggerReader

# Names the generated models define on every model class.
MODEL_MEMBERS = frozenset(
    {"to_dict", "from_dict", "additional_properties", "field", "dataclass"}
    | {"to_xml", "from_xml"}
)
_SCALARS = {
    "string": "str",
    "integer": "int",
    "number": "float",
    "boolean": "bool",
    "file": "bytes",
}
_CONSTRAINT_DEPTH = 8  # nested array items followed for constraints


class Schemas:
    def __init__(
        self,
        source: SourceFile,
        reader: SwaggerReader,
        names: Names,
        warnings: list[Finding],
    ) -> None:
        self.source = source
        self.reader = reader
        self.names = names
        self.warnings = warnings
        self.models: dict[str, Model] = {}  # by schema pointer
        self.enums: dict[str, EnumClass] = {}
        self.roots: dict[str, TypeRef] = {}  # an operation's schema pointer -> its type
        # arrays and maps being typed through a `$ref`
        self.containers: set[str] = set()

    def resolve_all(self) -> None:
        for name, schema in self.reader.definitions:
            pointer = join_pointer(["definitions", name])
            with document.located(pointer):
                if schema.is_model:
                    self.model_for(pointer, schema)
                elif schema.is_string_enum:
                    self.enum_for(pointer, schema)
        for operation, roots in self.names.roots.items():
            with document.located(operation):
                for root in roots:
                    if root.pointer not in self.roots:
                        self.roots[root.pointer] = self.type_of(
                            root.schema, root.pointer
                        )

    def ordered_models(self) -> tuple[Model, ...]:
        """Definitions in spec order, then inline schemas in the order they were met; a base
        class always before the classes that extend it. Each knows its subtypes."""
        children: dict[str, list[Model]] = {}
        for model in self.models.values():
            if model.base:
                children.setdefault(model.base, []).append(model)
        rank = {
            join_pointer(["definitions", name]): index
            for index, (name, _) in enumerate(self.reader.definitions)
        }

        def met(model: Model) -> tuple[int, int]:
            return rank.get(model.pointer, len(rank)), self.names.order[model.pointer]

        in_order = sorted(self.models.values(), key=met)
        models = _end_required_cycles([_with_subtypes(m, children) for m in in_order])
        by_name = {model.name: model for model in models}
        ordered: dict[str, Model] = {}

        def place(model: Model) -> None:
            if model.base and model.base not in ordered:
                place(by_name[model.base])
            ordered.setdefault(model.name, model)

        for model in models:
            place(model)
        return tuple(ordered.values())

    def ordered_enums(self) -> tuple[EnumClass, ...]:
        return tuple(sorted(self.enums.values(), key=lambda e: e.name))

    def model_named(self, name: str) -> Model:
        return next(model for model in self.models.values() if model.name == name)

    def class_name(self, pointer: str) -> str:
        try:
            return self.names.classes[pointer]
        except KeyError:
            raise GeneratorError(
                f"no class name was given to the schema at {pointer}"
            ) from None

    # -- types -----------------------------------------------------------------------------

    def type_of(self, schema: Schema, pointer: str) -> TypeRef:
        target, resolved = self.reader.resolve(schema)
        if target is not None:
            if target in self.names.classes and resolved.is_string_enum:
                return EnumType(self.enum_for(target, resolved).name)
            if target in self.names.classes:
                return ModelType(self.model_for(target, resolved).name)
            if target in self.containers:
                return ANY  # an array or map that holds itself: any JSON value
            self.containers.add(target)
            try:
                return self.type_of(resolved, target)
            finally:
                self.containers.discard(target)
        if not resolved.is_object:
            return ANY
        if resolved.is_model:
            return ModelType(self.model_for(pointer, resolved).name)
        if resolved.is_string_enum:
            return EnumType(self.enum_for(pointer, resolved).name)
        kind = resolved.type
        if kind == "array":
            items = resolved.items
            if items is None or not items.is_object:
                return ListType(ANY)
            return ListType(self.type_of(items, pointer + "/items"))
        if kind == "object" or resolved.is_map:
            extra = resolved.additional_properties
            if extra is not None:
                return DictType(self.type_of(extra, pointer + "/additionalProperties"))
            return DictType(ANY)
        return ScalarType(_SCALARS.get(str(kind), "Any"))

    def enum_for(self, pointer: str, schema: Schema) -> EnumClass:
        if pointer in self.enums:
            return self.enums[pointer]
        values = list(dict.fromkeys(str(v) for v in schema.enum))
        candidates = [
            (
                value,
                identifiers.snake_case(
                    value, fallback="empty", prefix="value_"
                ).upper(),
            )
            for value in values
        ]
        names = identifiers.assign_unique(candidates, taken={"NAME", "VALUE"})
        members = tuple((names[value], value) for value in values)
        enum = EnumClass(self.class_name(pointer), schema.described, members, pointer)
        self.enums[pointer] = enum
        return enum

    # -- models ----------------------------------------------------------------------------

    def model_for(self, pointer: str, schema: Schema) -> Model:
        if pointer in self.models:
            return self.models[pointer]
        name = self.class_name(pointer)
        # Registered before its fields are typed, so that recursive schemas terminate.
        self.models[pointer] = Model(name, "", (), pointer)
        properties, required, description = flatten(self.reader, schema, pointer)
        base = self._base_model(pointer, schema)
        inherited = base.fields if base else ()
        fields = self._fields(properties, required, inherited)
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
            given = schema.discriminator_value
            # Swagger's default: the definition's own name
            value = split_pointer(pointer)[-1] if given is None else given
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
        if base is not None and not schema.description:
            description = f"A {base.name} whose {discriminator} is {value!r}."
        model = Model(
            name=name,
            description=description,
            fields=fields,
            pointer=pointer,
            base=base.name if base else None,
            discriminator=discriminator,
            discriminator_value=value,
            xml=schema.xml,
        )
        self.models[pointer] = model
        return model

    def _base_model(self, pointer: str, schema: Schema) -> Model | None:
        """The definition this one extends through `allOf`, when that one is polymorphic (it has
        a `discriminator`, or extends one that has); None for any other schema."""
        if not pointer.startswith("/definitions/") or pointer.count("/") != 2:
            return None
        for part in schema.all_of:
            target, resolved = self.reader.resolve(part)
            if target is None or not target.startswith("/definitions/"):
                continue
            if not resolved.is_model:
                continue
            parent = self.model_for(target, resolved)
            polymorphic = parent.discriminator or parent.base
            if polymorphic and parent.fields:  # no fields: still being built (a cycle)
                return parent
        return None

    @staticmethod
    def _discriminator(schema: Schema, base: Model | None) -> str:
        if base is not None:
            return base.discriminator
        return schema.discriminator or ""

    def _fields(
        self,
        properties: list[tuple[str, Schema, str]],
        required: set[str],
        inherited: tuple[Field, ...] = (),
    ) -> tuple[Field, ...]:
        """The inherited fields as they are, then a field for every other property."""
        known = {f.wire_name for f in inherited}
        properties = [p for p in properties if p[0] not in known]
        spelled = {wire: schema.client_name or wire for wire, schema, _ in properties}
        candidates = [
            (
                wire,
                identifiers.guard(
                    identifiers.snake_case(
                        spelled[wire], fallback="field", prefix="field_"
                    ),
                    MODEL_MEMBERS,
                ),
            )
            for wire, _, _ in properties
        ]
        names = identifiers.assign_unique(
            candidates,
            taken={f.python_name for f in inherited},
            explicit={wire for wire in spelled if spelled[wire] != wire},
        )
        fields = list(inherited)
        for wire, schema, property_pointer in properties:
            _, resolved = self.reader.resolve(schema)
            flags = (schema, resolved)
            fields.append(
                Field(
                    wire_name=wire,
                    python_name=names[wire],
                    type=self.type_of(schema, property_pointer),
                    required=wire in required,
                    description=resolved.described,
                    nullable=any(s.nullable for s in flags),
                    read_only=any(s.read_only for s in flags),
                    constraints=self.constraints(schema),
                    xml=schema.xml,
                    item_xml=self._items(schema).xml,
                )
            )
        return tuple(fields)

    def _items(self, schema: Schema) -> Schema:
        """An array schema's `items`, `$ref` followed; an empty schema for any other."""
        _, resolved = self.reader.resolve(schema)
        if not resolved.is_object or resolved.type != "array":
            return NO_SCHEMA
        return self.reader.resolve(resolved.items or NO_SCHEMA)[1]

    def constraints(self, schema: Schema, depth: int = 0) -> Constraints:
        """The schema's constraints on a valid value, `$ref` followed."""
        _, schema = self.reader.resolve(schema)
        if not schema.is_object or depth > _CONSTRAINT_DEPTH:
            return NO_CONSTRAINTS
        items = schema.items
        return Constraints(
            example=schema.example,
            enum=schema.enum_values,
            format=schema.format,
            pattern=schema.pattern,
            min_length=schema.min_length,
            max_length=schema.max_length,
            minimum=schema.minimum,
            maximum=schema.maximum,
            exclusive_minimum=schema.exclusive_minimum,
            exclusive_maximum=schema.exclusive_maximum,
            multiple_of=schema.multiple_of,
            min_items=schema.min_items,
            max_items=schema.max_items,
            items=self.constraints(items, depth + 1) if items is not None else None,
        )


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
