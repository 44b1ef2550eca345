"""How intermediate-model types are spelled in generated Python: annotations and decoders."""

from __future__ import annotations

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


def annotation(kind: TypeRef) -> str:
    if isinstance(kind, ScalarType):
        return kind.python
    if isinstance(kind, ListType):
        return f"list[{annotation(kind.item)}]"
    if isinstance(kind, DictType):
        return f"dict[str, {annotation(kind.value)}]"
    if isinstance(kind, EnumType):
        return f"{kind.name} | str"
    return kind.name


def field_annotation(field: Field) -> str:
    """Required fields hold their type (or null, with x-nullable); optional ones may also be
    null (None) or absent (UNSET); read-only ones may be absent from a model built in code.
    """
    base = annotation(field.type)
    if base == "Any":
        return base
    if not field.required:
        return f"{base} | None | Unset"
    nullable = f"{base} | None" if field.nullable else base
    return f"{nullable} | Unset" if field.read_only else nullable


def parameter_annotation(parameter: Parameter) -> str:
    base = annotation(parameter.type)
    if base == "bytes":
        base = "bytes | BinaryIO"  # the content, or a file opened in binary mode
    if parameter.location == "body" and isinstance(parameter.type, ModelType):
        base = f"{base} | dict[str, Any]"
    if parameter.required or base == "Any":
        return base
    return f"{base} | None"


def decoder(kind: TypeRef) -> str | None:
    """An expression turning JSON data into the type, or None when the data is kept as it is."""
    if isinstance(kind, ModelType):
        return f"{kind.name}.from_dict"
    if isinstance(kind, EnumType):
        return f"known_value({kind.name})"
    if isinstance(kind, ListType):
        inner = decoder(kind.item)
        return f"list_of({inner})" if inner else None
    if isinstance(kind, DictType):
        inner = decoder(kind.value)
        return f"dict_of({inner})" if inner else None
    return None


def response_decoder(kind: TypeRef | None) -> str:
    if kind is None:
        return "no_content"
    if kind == ScalarType("bytes"):
        return "binary"
    return decoder(kind) or "parse_json"


def return_annotation(kinds: list[TypeRef | None]) -> str:
    """The union of the success types, in order, without repeats; None when no body."""
    spelled: list[str] = []
    for kind in kinds:
        name = "None" if kind is None else annotation(kind)
        if name not in spelled:
            spelled.append(name)
    if "Any" in spelled:
        return "Any"
    return " | ".join(spelled) if spelled else "None"
