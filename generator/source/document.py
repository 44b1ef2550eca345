"""Reading a Swagger 2.0 document: the one place that knows how its parts are found.

The validator, the bundler and the parser's passes read the spec through these functions:
JSON pointers, `$ref` chains, the operations of `paths`, an operation's effective parameters,
and tolerant readers for the values a leniently valid document may give the wrong type.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from generator.errors import GeneratorError
from generator.source.loader import join_pointer, split_pointer

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch")


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


def resolve_pointer(data: Any, pointer: str) -> Any:
    """The value at a JSON pointer; KeyError when there is none."""
    value = data
    for part in split_pointer(pointer):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            raise KeyError(pointer)
    return value


def pointer_exists(data: Any, pointer: str) -> bool:
    try:
        resolve_pointer(data, pointer)
    except KeyError:
        return False
    return True


# Objects whose keys are names the document chooses (a property or a definition may be called
# `x-...`), not fields of the specification: an `x-` key there is no extension.
_NAMED = frozenset(
    {"properties", "definitions", "parameters", "responses", "securityDefinitions"}
    | {"headers", "paths", "scopes"}
)


def iter_references(data: Any) -> Iterator[tuple[str, str]]:
    """(pointer of the `$ref` object, reference) for every `$ref` in the document, outside
    extensions: what an `x-` extension holds is opaque (Azure's `x-ms-examples` refers to
    example files), and the generator reads no extension that holds a reference."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, dict):
            reference = value.get("$ref")
            if isinstance(reference, str):
                yield join_pointer(path), reference
            named = bool(path) and path[-1] in _NAMED
            stack.extend(
                (child, (*path, key))
                for key, child in value.items()
                if named or not (isinstance(key, str) and key.startswith("x-"))
            )
        elif isinstance(value, list):
            stack.extend((child, (*path, index)) for index, child in enumerate(value))


def resolve(data: Any, value: Any) -> tuple[str | None, Any]:
    """Follow a `$ref` chain: (pointer of the last target, or None; the resolved value)."""
    pointer = None
    seen: set[str] = set()
    while isinstance(value, dict) and isinstance(value.get("$ref"), str):
        pointer = value["$ref"][1:]
        if pointer in seen:
            raise GeneratorError(f"reference cycle through {value['$ref']!r}")
        seen.add(pointer)
        value = resolve_pointer(data, pointer)
    return pointer, value


@dataclass(frozen=True)
class OperationSite:
    """Where an operation sits: its path, method, path item and operation object."""

    path: str
    method: str
    item: dict[str, Any]
    operation: dict[str, Any]

    @property
    def pointer(self) -> str:
        return join_pointer(["paths", self.path, self.method])


def operations(data: Any) -> list[OperationSite]:
    """Every operation of `paths`, in document order, methods in HTTP_METHODS order."""
    found = []
    for path, item in mapping(data.get("paths")).items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            if isinstance(item.get(method), dict):
                found.append(OperationSite(path, method, item, item[method]))
    return found


def effective_parameters(
    data: dict[str, Any],
    item: dict[str, Any],
    operation: dict[str, Any],
    pointer: str = "",
) -> list[tuple[str, dict[str, Any]]]:
    """The operation's parameters as (pointer, resolved object): the path-level ones it does not
    override first. `pointer` is the operation's own; both lists may use `$ref`. Of several with
    the same name and place in one list (an error, a warning with --lenient), the first counts.
    """
    item_pointer = pointer.rsplit("/", 1)[0]
    path_level = _resolved_parameters(
        data, item.get("parameters"), item_pointer + "/parameters"
    )
    own = _resolved_parameters(
        data, operation.get("parameters"), pointer + "/parameters"
    )
    overridden = {_parameter_key(p) for _, p in own}
    inherited = [
        (ptr, p) for ptr, p in path_level if _parameter_key(p) not in overridden
    ]
    return _first_of_each(inherited + own)


def _parameter_key(parameter: dict[str, Any]) -> tuple[str, str]:
    """(name, in): what makes a parameter unique, whatever types a broken spec gives them."""
    return str(parameter.get("name")), str(parameter.get("in"))


def _first_of_each(
    parameters: list[tuple[str, dict[str, Any]]],
) -> list[tuple[str, dict[str, Any]]]:
    seen: set[tuple[str, str]] = set()
    unique = []
    for pointer, parameter in parameters:
        key = _parameter_key(parameter)
        if key not in seen:
            seen.add(key)
            unique.append((pointer, parameter))
    return unique


def _resolved_parameters(
    data: Any, parameters: Any, base: str
) -> list[tuple[str, dict[str, Any]]]:
    resolved: list[tuple[str, dict[str, Any]]] = []
    if not isinstance(parameters, list):
        return resolved
    for index, parameter in enumerate(parameters):
        pointer = f"{base}/{index}"
        if isinstance(parameter, dict) and isinstance(parameter.get("$ref"), str):
            pointer = parameter["$ref"][1:]
            try:
                parameter = resolve_pointer(data, pointer)
            except KeyError:
                continue
        if isinstance(parameter, dict):
            resolved.append((pointer, parameter))
    return resolved


# -- schema classification: which schemas become classes ----------------------------------


def is_model(schema: Any) -> bool:
    """A schema that becomes a dataclass: an object with properties or `allOf`."""
    if not isinstance(schema, dict):
        return False
    if "allOf" in schema or schema.get("properties"):
        return True
    return schema.get("type") == "object" and not is_map(schema)


def is_map(schema: dict[str, Any]) -> bool:
    extra = schema.get("additionalProperties")
    return not schema.get("properties") and extra not in (None, False)


def is_string_enum(schema: Any) -> bool:
    """A schema that becomes an Enum class: a non-empty list of string values."""
    if not isinstance(schema, dict) or not isinstance(schema.get("enum"), list):
        return False
    values = schema["enum"]
    return (
        bool(values)
        and schema.get("type", "string") == "string"
        and all(isinstance(v, str) for v in values)
    )


def is_binary(schema: Any) -> bool:
    if not isinstance(schema, dict):
        return False
    return schema.get("type") == "file" or (
        schema.get("type") == "string" and schema.get("format") == "binary"
    )


def is_status(status: Any) -> bool:
    """A response key the client can match: an HTTP status code or `default`."""
    text = str(status)
    return text == "default" or (
        len(text) == 3 and text.isdigit() and 100 <= int(text) <= 599
    )


def is_interim(status: Any) -> bool:
    """A documented 1xx: never a final response."""
    return str(status).isdigit() and len(str(status)) == 3 and str(status)[0] == "1"


def status_order(status: Any) -> tuple[int, str]:
    text = str(status)
    return (int(text), text) if text.isdigit() else (1000, text)


# -- tolerant readers ---------------------------------------------------------------------


def mapping(value: Any) -> dict[str, Any]:
    """A JSON object of the spec, or an empty one where a lenient document has something else."""
    return value if isinstance(value, dict) else {}


def items(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def describe(schema: Any) -> str:
    """A schema's or parameter's description, else its summary or title."""
    if not isinstance(schema, dict):
        return ""
    return (
        text(schema.get("description"))
        or text(schema.get("x-ms-summary"))
        or text(schema.get("title"))
    )


# -- the parts --lenient may leave out ----------------------------------------------------


@dataclass(frozen=True)
class Part:
    """A part of the document that --lenient may leave out when it cannot be understood: an
    operation, every operation of a path, a property of a schema, or a definition, shared
    parameter or shared response (what refers to it is then left out in turn)."""

    pointer: str
    description: str

    def holds(self, pointer: str | None) -> bool:
        """Whether the value at `pointer` is this part or inside it."""
        return pointer is not None and (
            pointer == self.pointer or pointer.startswith(self.pointer + "/")
        )


# Where a schema starts, by the segments before it: a definition, or a body parameter's or a
# response's `schema` (of an operation, of a path, or shared).
_SCHEMA_STARTS = (
    (("definitions", None), 2),
    (("parameters", None, "schema"), 3),
    (("responses", None, "schema"), 3),
    (("paths", None, "parameters", None, "schema"), 5),
    (("paths", None, None, "parameters", None, "schema"), 6),
    (("paths", None, None, "responses", None, "schema"), 6),
)


def enclosing_part(data: Any, pointer: str) -> Part | None:
    """The smallest part that holds the value at `pointer`: the innermost property of a schema
    on the way, else the operation, path, definition, shared parameter or shared response; None
    for a place outside all of them (`info`, `securityDefinitions`, the document's root).
    """
    segments = split_pointer(pointer)
    properties = _property_ends(segments)
    if properties:
        return Part(
            join_pointer(tuple(segments[: properties[-1]])),
            _describe_property(data, segments, properties),
        )
    for length in (3, 2):
        if len(segments) >= length and _is_part(segments[:length]):
            return Part(
                join_pointer(tuple(segments[:length])),
                _describe(data, segments[:length]),
            )
    return None


def _is_part(segments: list[str]) -> bool:
    if len(segments) == 3:
        return segments[0] == "paths" and segments[2] in HTTP_METHODS
    return segments[0] in ("paths", "definitions", "parameters", "responses")


def _schema_start(segments: list[str]) -> int | None:
    for shape, at in _SCHEMA_STARTS:
        if len(segments) < at or any(
            want not in (None, got)
            for want, got in zip(shape, segments[: len(shape)], strict=True)
        ):
            continue
        if shape[0] == "paths" and len(shape) == 6 and segments[2] not in HTTP_METHODS:
            continue
        return at
    return None


def _property_ends(segments: list[str]) -> list[int]:
    """How many segments lead to each `properties/<name>` reached by walking a schema from its
    start (through `properties`, `items`, `additionalProperties` and the members of `allOf`).
    """
    at = _schema_start(segments)
    ends: list[int] = []
    while at is not None and at < len(segments):
        keyword = segments[at]
        if keyword == "properties" and at + 1 < len(segments):
            at += 2
            ends.append(at)
        elif keyword in ("items", "additionalProperties"):
            at += 1
        elif keyword in ("allOf", "anyOf", "oneOf") and at + 1 < len(segments):
            at += 2
        else:
            break
    return ends


def _describe_property(data: Any, segments: list[str], ends: list[int]) -> str:
    """'the property 'links' of the property 'request' of the definition 'Body''."""
    names = [repr(segments[end - 1]) for end in reversed(ends)]
    start = _schema_start(segments) or 0
    holder = segments[: 3 if segments[0] == "paths" and start == 6 else 2]
    chain = " of the property ".join(names)
    return f"the property {chain} of {_describe(data, holder)}"


def _describe(data: Any, segments: list[str]) -> str:
    """What a part is called in a warning: 'the operation 'listPets' (GET /pets)'."""
    kind, name = segments[0], segments[1]
    if kind == "paths" and len(segments) == 3:
        method = segments[2]
        operation = mapping(mapping(mapping(data.get("paths")).get(name)).get(method))
        where = f"{method.upper()} {name}"
        operation_id = operation.get("operationId")
        if isinstance(operation_id, str) and operation_id:
            return f"the operation {operation_id!r} ({where})"
        return f"the operation {where}"
    if kind == "paths":
        return f"every operation of the path {name!r}"
    if kind == "definitions":
        return f"the definition {name!r}"
    noun = "parameter" if kind == "parameters" else "response"
    return f"the shared {noun} {name!r}"
