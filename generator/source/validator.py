"""Stage 2, validate: openapi-spec-validator for Swagger 2.0, plus the semantic checks it lacks.

The validator is never allowed to resolve a reference by itself (it would fetch `http:` URLs and
read `file:` paths anywhere on disk): references are checked here first, and the validator runs
with no resolver handlers at all.
"""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from generator import forking
from generator.errors import SpecError
from generator.findings import Finding
from generator.source.document import (
    HTTP_METHODS,
    effective_parameters,
    enclosing_part,
    iter_references,
    operations,
    pointer_exists,
    resolve_pointer,
)
from generator.source.loader import SourceFile, join_pointer, split_pointer

_TEMPLATE_NAME = re.compile(r"\{([^{}]*)\}")
_ALLOF_PART = re.compile(r"/allOf/[0-9]+$")


def validate(source: SourceFile) -> list[Finding]:
    """Every problem in the document; an empty list means it can be generated from."""
    if source.data.get("swagger") != "2.0":
        found = source.data.get("swagger", source.data.get("openapi"))
        message = f'only Swagger 2.0 is supported (swagger: "2.0"); found {found!r}'
        return [_fatal(source.finding(message, "/swagger"))]
    references = _reference_and_cycle_problems(source)
    problems = references + list(_schema_problems(source, references))
    problems += _template_problems(source) + _semantic_problems(source)
    return _sorted_unique(_without_unlocated_repeats(source, problems))


def structural_problems(source: SourceFile) -> list[Finding]:
    """The problems that leave a part of the document impossible to understand (a reference
    to nothing, an `allOf` cycle, a path template that does not match the parameters): each
    fatal, as `validate` reports them; --lenient leaves out the part that holds it
    (`leave_out.py`)."""
    return _sorted_unique(
        _reference_and_cycle_problems(source) + _template_problems(source)
    )


def _reference_and_cycle_problems(source: SourceFile) -> list[Finding]:
    return [_fatal(f) for f in (*_reference_problems(source), *_allof_cycles(source))]


def _template_problems(source: SourceFile) -> list[Finding]:
    """Each operation's path template against its path parameters, fatal."""
    return [
        _fatal(problem)
        for site in operations(source.data)
        for problem in _path_parameter_problems(
            source, site.path, site.item, site.operation, site.pointer
        )
    ]


def validate_or_raise(source: SourceFile, *, lenient: bool = False) -> list[Finding]:
    """Raise SpecError with every problem; with `lenient`, only when one of them is fatal, and
    otherwise return them as warnings."""
    return judge(source, validate(source), lenient=lenient)


def judge(
    source: SourceFile, problems: list[Finding], *, lenient: bool
) -> list[Finding]:
    """The problems as warnings under --lenient, each marked `tolerated` (it blocks strict
    generation); raised otherwise, or when one is fatal outside every part --lenient can leave
    out (then the others are marked as what --lenient would tolerate)."""
    beyond = [
        p
        for p in problems
        if p.fatal and enclosing_part(source.data, p.pointer or "") is None
    ]
    if problems and not lenient:
        raise SpecError(problems, lenient_would_pass=not beyond)
    marked = [
        p if p in beyond else dataclasses.replace(p, tolerated=True) for p in problems
    ]
    if beyond:
        raise SpecError(marked)
    return marked


# Below this size validation runs first, in process; above it, beside the rest of the work.
BACKGROUND_MIN_SIZE = 1_000_000  # bytes of the spec file


def start(source: SourceFile, *, lenient: bool = False) -> Callable[[], list[Finding]]:
    """validate_or_raise, as a call that returns its warnings or raises its SpecError.

    A large spec is validated in a forked child while this process parses, renders and
    formats (openapi-spec-validator takes seconds on Kubernetes' spec); a small one here and
    now, so that an invalid spec stops before anything else runs."""
    if source.path.stat().st_size < BACKGROUND_MIN_SIZE or not forking.available():
        problems = validate_or_raise(source, lenient=lenient)
        return lambda: problems
    child = forking.start(lambda: validate(source))

    def result() -> list[Finding]:
        problems = child()
        return judge(
            source, validate(source) if problems is None else problems, lenient=lenient
        )

    return result


def _fatal(finding: Finding) -> Finding:
    return dataclasses.replace(finding, fatal=True)


def _without_unlocated_repeats(
    source: SourceFile, findings: list[Finding]
) -> list[Finding]:
    """Drop the validator's repeats of an error that it also reported with a path relative to a
    sub-schema (a pointer that does not exist in the document)."""
    located = {
        f.message
        for f in findings
        if f.pointer is None or pointer_exists(source.data, f.pointer)
    }
    return [
        f
        for f in findings
        if f.pointer is None
        or pointer_exists(source.data, f.pointer)
        or f.message not in located
    ]


def _sorted_unique(findings: list[Finding]) -> list[Finding]:
    unique = {
        (f.line or 0, f.column or 0, f.pointer or "", f.message, f.file or ""): f
        for f in findings
    }
    return [unique[key] for key in sorted(unique)]


def _reference_problems(source: SourceFile) -> Iterator[Finding]:
    for pointer, reference in iter_references(source.data):
        where = pointer + "/$ref"
        if not reference.startswith("#"):
            yield source.finding(
                f"reference {reference!r} points outside this document; only local references"
                " ('#/...') are supported",
                where,
            )
            continue
        try:
            target = resolve_pointer(source.data, reference[1:])
        except KeyError:
            yield source.finding(f"unresolved reference {reference!r}", where)
            continue
        if isinstance(target, dict) and target.get("$ref") == reference:
            yield source.finding(
                f"reference {reference!r} refers only to itself", where
            )


def _allof_cycles(source: SourceFile) -> Iterator[Finding]:
    """A schema that reaches itself through `allOf` (directly, through other definitions or
    through `$ref` aliases) cannot be merged into one model: an error at the reference that
    closes each cycle."""
    edges: dict[str, list[tuple[str, str]]] = (
        {}
    )  # schema -> (next schema, where the edge is)
    for pointer, reference in iter_references(source.data):
        if not reference.startswith("#"):
            continue
        edges.setdefault(pointer, []).append((reference[1:], pointer + "/$ref"))
        parts = split_pointer(pointer)
        while len(parts) >= 2 and parts[-2] == "allOf":  # a part merged into its owner
            owner, part = join_pointer(tuple(parts[:-2])), join_pointer(tuple(parts))
            if (part, part) not in edges.setdefault(owner, []):
                edges[owner].append((part, part))
            parts = parts[:-2]
    done: set[str] = set()
    for start in sorted(edges):
        yield from _cycles_from(source, start, edges, done)


def _cycles_from(
    source: SourceFile,
    start: str,
    edges: dict[str, list[tuple[str, str]]],
    done: set[str],
) -> Iterator[Finding]:
    """Depth-first without recursion; `done` holds schemas whose every path was explored."""
    if start in done:
        return
    path = [start]
    stack = [iter(edges.get(start, ()))]
    while stack:
        step = next(stack[-1], None)
        if step is None:
            stack.pop()
            done.add(path.pop())
            continue
        target, where = step
        if target in path:
            loop = [*path[path.index(target) :], target]
            if any(_ALLOF_PART.search(node) for node in loop):  # not a plain $ref loop
                message = f"allOf reaches the schema itself ({' -> '.join(loop)})"
                yield source.finding(message, where)
        elif target not in done:
            path.append(target)
            stack.append(iter(edges.get(target, ())))


def _schema_problems(
    source: SourceFile, reference_problems: list[Finding]
) -> Iterator[Finding]:
    from openapi_spec_validator.validation.exceptions import (
        DuplicateOperationIDError,
        ExtraParametersError,
        UnresolvableParameterError,
    )

    # Checked here with a location (see _semantic_problems); the validator gives none.
    located_here = (
        DuplicateOperationIDError,
        ExtraParametersError,
        UnresolvableParameterError,
    )
    if reference_problems:
        # The keyword checks follow references, so only the plain schema check can run.
        errors: Iterator[Any] = swagger_schema_validator().iter_errors(source.data)
    else:
        errors = _isolated_validator(source.data).iter_errors()
    locator = _Locator(source.data)
    try:
        for error in errors:
            if isinstance(error, located_here):
                continue
            detail = _explain(error)
            pointer = locator.pointer(detail)
            if allowed_by_swagger2(source.data, detail, pointer):
                continue
            yield source.finding(
                _short(str(getattr(detail, "message", detail))), pointer
            )
    # The validator's own failure must not become a traceback.
    except Exception as error:  # noqa: BLE001
        detail = str(error) or type(error).__name__
        yield source.finding(
            f"the validator could not check this document: {detail}", ""
        )


# Where the Swagger 2.0 Response Object lets a schema's root type be `file` (openapi-spec-validator
# checks it against JSON Schema's types): an operation's response, or one of `responses`.
_RESPONSE_SCHEMA_TYPE = re.compile(
    r"^(/paths/[^/]+/[^/]+/responses/[^/]+|/responses/[^/]+)/schema/type$"
)


def allowed_by_swagger2(data: Any, error: Any, pointer: str) -> bool:
    """The validator's findings that the Swagger 2.0 specification contradicts, corrected
    (docs/support.md lists each):

    - `type: file` at the root of a response schema, which the Response Object allows;
    - `default: null` on a schema marked `x-nullable: true` (the validator reads only
      OpenAPI 3's `nullable`, and 2.0's own extension for it says null is a value)."""
    instance = getattr(error, "instance", object())
    if instance == "file" and _RESPONSE_SCHEMA_TYPE.match(pointer):
        return getattr(error, "validator", None) == "enum"
    if instance is None and pointer.endswith("/default"):
        owner = pointer.removesuffix("/default")
        try:
            schema = resolve_pointer(data, owner)
        except KeyError:
            return False
        return isinstance(schema, dict) and schema.get("x-nullable") is True
    return False


class _Locator:
    """The JSON pointer of a validator error. Errors from checks that the validator runs on a
    part of the document (a default against its schema, a schema against JSON Schema) carry a
    path relative to that part: the part is found by identity, or else among the schema objects
    holding the offending value, in document order."""

    def __init__(self, data: Any) -> None:
        self.data = data
        self._walked: list[tuple[str, Any]] | None = None
        self._pointers: dict[int, str] | None = None
        self._used: dict[tuple[str, str], int] = {}

    def pointer(self, error: Any) -> str:
        path: list[str | int] = [
            str(part) for part in getattr(error, "absolute_path", [])
        ]
        pointer = join_pointer(path)
        schema = getattr(error, "schema", None)
        base = self._identities().get(id(schema))
        if base is not None and isinstance(schema, dict):
            if not path and "default" in schema and schema["default"] is error.instance:
                return base + "/default"
            return base + pointer
        if pointer_exists(self.data, pointer):
            return pointer
        return self._by_value(pointer, getattr(error, "instance", None)) or pointer

    def _nodes(self) -> list[tuple[str, Any]]:
        """Every object and array with its pointer, walked once for all errors."""
        if self._walked is None:
            self._walked = list(_walk(self.data))
        return self._walked

    def _identities(self) -> dict[int, str]:
        if self._pointers is None:
            self._pointers = {id(value): pointer for pointer, value in self._nodes()}
        return self._pointers

    def _by_value(self, relative: str, instance: Any) -> str | None:
        """The next schema object, in document order, whose value at `relative` is `instance`."""
        if not relative or isinstance(instance, (dict, list)):
            return None
        matches = [
            pointer + relative
            for pointer, value in self._nodes()
            if isinstance(value, dict)
            and _SCHEMA_PLACES.search(pointer)
            and _at(value, relative) == instance
        ]
        key = (relative, repr(instance))
        index = self._used.get(key, 0)
        self._used[key] = index + 1
        return matches[index] if index < len(matches) else None


# Pointers of schema objects: a body or response schema, a definition, or a part of one.
_SCHEMA_PLACES = re.compile(r"/(schema|definitions/[^/]+|properties/[^/]+|items)$")


def _walk(data: Any) -> Iterator[tuple[str, Any]]:
    """(pointer, value) for every object and array, in document order."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:
        pointer, value = stack.pop()
        yield pointer, value
        children: list[tuple[str, Any]]
        if isinstance(value, dict):
            children = [
                (join_pointer([*split_pointer(pointer), str(k)]), v)
                for k, v in value.items()
            ]
        elif isinstance(value, list):
            children = [(f"{pointer}/{i}", v) for i, v in enumerate(value)]
        else:
            continue
        stack.extend(
            (p, v) for p, v in reversed(children) if isinstance(v, (dict, list))
        )


def _at(value: Any, relative: str) -> Any:
    try:
        return resolve_pointer(value, relative)
    except KeyError:
        return None


def _explain(error: Any) -> Any:
    """The most telling cause of a oneOf/anyOf failure: the branch the document was evidently
    meant to match (fewest mismatched discriminators such as `in` or `type`, then fewest errors),
    then its most relevant error."""
    from jsonschema.exceptions import best_match

    while getattr(error, "context", None):
        branches = _branches(error)
        chosen = min(branches, key=lambda causes: (_mismatches(causes), len(causes)))
        nested = [cause for cause in chosen if cause.context]
        error = nested[0] if nested else best_match(chosen)
    return error


def _branches(error: Any) -> list[list[Any]]:
    grouped: dict[Any, list[Any]] = {}
    for cause in error.context:
        grouped.setdefault(cause.relative_schema_path[0], []).append(cause)
    return list(grouped.values())


def _mismatches(causes: list[Any]) -> int:
    """How many discriminating values (an `enum` on a direct member) a branch rejects."""
    count = 0
    for cause in causes:
        if cause.context:
            count += min(_mismatches(branch) for branch in _branches(cause))
        elif cause.validator == "enum" and len(cause.relative_path) == 1:
            count += 1
        elif cause.validator == "required" and "'$ref'" in cause.message:
            count += 1  # the `$ref` branch of a document that has no `$ref`
    return count


@functools.cache
def swagger_schema_validator() -> Any:
    """The Swagger 2.0 JSON Schema check, always by the `jsonschema` package.

    openapi-spec-validator picks its backend by itself (jsonschema-rs whenever that package is
    importable, or as OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND says), and jsonschema-rs
    reports other messages without the paths the locator needs: pinned here, so that the
    findings are the same whatever is installed and whatever the environment says."""
    from jsonschema.validators import validator_for
    from openapi_spec_validator.schemas.utils import get_schema_content

    schema = get_schema_content("2.0")
    return validator_for(schema)(schema)


def _isolated_validator(data: dict[str, Any]) -> Any:
    from openapi_spec_validator.validation import OpenAPIV2SpecValidator

    class IsolatedValidator(OpenAPIV2SpecValidator):
        resolver_handlers: ClassVar[dict[str, Any]] = {}  # type: ignore[misc]
        schema_validator = swagger_schema_validator()

    return IsolatedValidator(data)


def _short(message: str, limit: int = 300) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


def _semantic_problems(source: SourceFile) -> list[Finding]:
    problems: list[Finding] = []
    operation_ids: dict[str, str] = {}
    paths = source.data.get("paths")
    if not isinstance(paths, dict):
        return problems
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            pointer = join_pointer(["paths", path, method])
            problems += _client_name_problems(source, item, operation, pointer)
            operation_id = operation.get("operationId")
            if isinstance(operation_id, str):
                if operation_id in operation_ids:
                    message = (
                        f"duplicate operationId {operation_id!r}"
                        f" (also at {operation_ids[operation_id]})"
                    )
                    problems.append(source.finding(message, pointer + "/operationId"))
                else:
                    operation_ids[operation_id] = pointer
    return problems


def _path_parameter_problems(
    source: SourceFile,
    path: str,
    item: dict[str, Any],
    operation: dict[str, Any],
    pointer: str,
) -> list[Finding]:
    parameters = effective_parameters(source.data, item, operation, pointer)
    declared = {
        p["name"]
        for _, p in parameters
        if p.get("in") == "path" and isinstance(p.get("name"), str)
    }
    templated = set(_TEMPLATE_NAME.findall(path))
    problems = []
    for name in sorted(templated - declared):
        message = f"path template names {{{name}}} but the operation declares no such path parameter"
        problems.append(source.finding(message, pointer))
    for name in sorted(str(n) for n in declared - templated):
        message = (
            f"path parameter {name!r} does not appear in the path template {path!r}"
        )
        problems.append(source.finding(message, pointer + "/parameters"))
    return problems


def _client_name_problems(
    source: SourceFile, item: dict[str, Any], operation: dict[str, Any], pointer: str
) -> list[Finding]:
    seen: dict[str, str] = {}
    problems = []
    for index, (_, parameter) in enumerate(
        effective_parameters(source.data, item, operation, pointer)
    ):
        client_name = parameter.get("x-ms-client-name")
        if not isinstance(client_name, str):
            continue
        if client_name in seen:
            message = (
                f"x-ms-client-name {client_name!r} is given to both {seen[client_name]!r}"
                f" and {parameter.get('name')!r}"
            )
            problems.append(source.finding(message, f"{pointer}/parameters/{index}"))
        seen[client_name] = str(parameter.get("name"))
    return problems
