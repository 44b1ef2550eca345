"""How intermediate-model types are spelled in generated Python: annotations and decoders, each
with the imports it needs (models from `.models`, helpers from `._runtime`)."""

from __future__ import annotations

from generator.model import ANY as ANY_TYPE
from generator.model import (
    DictType,
    EnumType,
    Field,
    ListType,
    ModelType,
    Parameter,
    ScalarType,
    TypeRef,
)
from generator.render.code import NO_IMPORTS, Code, Imports

MODELS = ".models"
RUNTIME = "._runtime"
ANY = Code("Any", Imports.of("typing", "Any"))


def annotation(kind: TypeRef) -> Code:
    if isinstance(kind, ScalarType):
        return ANY if kind.python == "Any" else Code(kind.python)
    if isinstance(kind, ListType):
        item = annotation(kind.item)
        return Code(f"list[{item.text}]", item.imports)
    if isinstance(kind, DictType):
        value = annotation(kind.value)
        return Code(f"dict[str, {value.text}]", value.imports)
    if isinstance(kind, EnumType):
        return Code(f"{kind.name} | str", Imports.of(MODELS, kind.name))
    return Code(kind.name, Imports.of(MODELS, kind.name))


def field_annotation(field: Field) -> Code:
    """Required fields hold their type (or null, with x-nullable); optional ones may also be
    null (None) or absent (UNSET); read-only ones may be absent from a model built in code.
    """
    base = annotation(field.type)
    if base == ANY:
        return base
    unset = Imports.of(RUNTIME, "Unset")
    if not field.required:
        return Code(f"{base.text} | None | Unset", base.imports | unset)
    nullable = f"{base.text} | None" if field.nullable else base.text
    if field.read_only:
        return Code(f"{nullable} | Unset", base.imports | unset)
    return Code(nullable, base.imports)


def parameter_annotation(parameter: Parameter) -> Code:
    base = annotation(parameter.type)
    if base.text == "bytes":  # the content, or a file opened in binary mode
        base = Code("bytes | BinaryIO", Imports.of("typing", "BinaryIO"))
    if parameter.location == "body" and isinstance(parameter.type, ModelType):
        base = Code(f"{base.text} | dict[str, Any]", base.imports | ANY.imports)
    if parameter.takes_bytes and base != ANY:
        needs = base.imports | Imports.of("typing", "BinaryIO")
        base = Code(f"{base.text} | bytes | BinaryIO", needs)
    if parameter.required or base == ANY:
        return base
    return Code(f"{base.text} | None", base.imports)


def decoder(kind: TypeRef) -> Code | None:
    """An expression turning JSON data into the type, or None when the data is kept as it is."""
    if isinstance(kind, ModelType):
        return Code(f"{kind.name}.from_dict", Imports.of(MODELS, kind.name))
    if isinstance(kind, EnumType):
        needs = Imports.of(MODELS, kind.name) | Imports.of(RUNTIME, "known_value")
        return Code(f"known_value({kind.name})", needs)
    if isinstance(kind, (ListType, DictType)):
        inner = decoder(kind.item if isinstance(kind, ListType) else kind.value)
        if inner is None:
            return None
        helper = "list_of" if isinstance(kind, ListType) else "dict_of"
        return Code(
            f"{helper}({inner.text})", inner.imports | Imports.of(RUNTIME, helper)
        )
    return None


def response_decoder(kind: TypeRef | None, nullable: bool = False) -> Code:
    """How a success body is read: `Nullable(...)` where the schema lets it be null (parsed
    JSON, kept as it is, may be null anyway)."""
    if kind is None:
        return Code("no_content", Imports.of(RUNTIME, "no_content"))
    if kind == ScalarType("bytes"):
        return Code("binary", Imports.of(RUNTIME, "binary"))
    if kind == ANY_TYPE:
        return Code("parse_json", Imports.of(RUNTIME, "parse_json"))
    typed = decoder(kind) or Code("json_value", Imports.of(RUNTIME, "json_value"))
    if nullable:
        return Code(
            f"Nullable({typed.text})", typed.imports | Imports.of(RUNTIME, "Nullable")
        )
    return typed


def return_annotation(kinds: list[tuple[TypeRef | None, bool]]) -> Code:
    """The union of the success types (each with None where its schema lets it be null), in
    order, without repeats; None when no body."""
    spelled: list[Code] = []
    for kind, nullable in kinds:
        code = Code("None") if kind is None else annotation(kind)
        nothing = [Code("None")] if nullable and kind is not None else []
        for part in [code, *nothing]:
            if part.text not in (c.text for c in spelled):
                spelled.append(part)
    if any(code == ANY for code in spelled):
        return ANY
    imports = NO_IMPORTS
    for code in spelled:
        imports |= code.imports
    return Code(" | ".join(c.text for c in spelled) or "None", imports)
