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
