"""Stage 4, render: the intermediate model through the Jinja2 templates into Python source.

Templates come from the top-level `templates/` folder (packaged as `generator/templates` in the
wheel); `--templates DIR` overrides single templates by file name. Templates only loop and print:
names, types and test data are decided in Python, and spec text goes through the escaping filters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator import docs, escape, types
from generator.errors import GeneratorError
from generator.examples import (
    BASE_PATH,
    ExampleFactory,
    ModelCase,
    OperationCase,
    credential_values,
)
from generator.model import (
    Api,
    DictType,
    EnumType,
    Field,
    ListType,
    Model,
    ModelType,
    Operation,
    Parameter,
    ScalarType,
    SecurityScheme,
    TypeRef,
)
from generator.reserved import builtin_templates

if TYPE_CHECKING:  # imported when rendering, so that `check`'s fast path never loads it
    import jinja2

# (template, path inside the package); the tests are left out with --no-tests.
# The files copied without a template are listed in `generator.static`.
PACKAGE_FILES = (
    ("__init__.py.jinja", "__init__.py"),
    ("errors.py.jinja", "errors.py"),
    ("models.py.jinja", "models.py"),
    ("client.py.jinja", "client.py"),
)
TEST_FILES = (
    ("tests/test_client.py.jinja", "tests/test_client.py"),
    ("tests/test_models.py.jinja", "tests/test_models.py"),
)


def template_names(with_tests: bool) -> list[tuple[str, str]]:
    return list(PACKAGE_FILES + (TEST_FILES if with_tests else ()))


@dataclass(frozen=True)
class RenderOptions:
    header: str  # comment lines opening every Python file
    with_tests: bool
    templates: Path | None  # the user's override folder


def environment(overrides: Path | None) -> jinja2.Environment:
    import jinja2

    search = [str(overrides)] if overrides else []
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([*search, str(builtin_templates())]),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters.update(
        literal=escape.py_literal,
        comment=escape.comment,
        docstring=escape.docstring,
        annotation=types.annotation,
        field_annotation=types.field_annotation,
        parameter_annotation=types.parameter_annotation,
        decoder=types.decoder,
        isorted=isort_order,
        all_sorted=all_order,
        response_decoder=types.response_decoder,
    )
    return env


def render(api: Api, options: RenderOptions) -> dict[str, str]:
    """Source text by path inside the package, unformatted."""
    import jinja2

    env = environment(options.templates)
    context = _context(api, options)
    rendered = {}
    for template_name, path in template_names(options.with_tests):
        try:
            rendered[path] = env.get_template(template_name).render(context)
        except jinja2.TemplateSyntaxError as error:
            raise GeneratorError(
                f"template {error.filename}:{error.lineno}: {error.message}"
            ) from None
        except jinja2.TemplateError as error:
            raise GeneratorError(f"template {template_name} failed: {error}") from None
    return rendered


# The methods the generated transport retries by itself: the runtime's IDEMPOTENT_METHODS (a
# test keeps the two equal; the generator does not import the runtime, which needs httpx).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})


def isort_order(names: object, *, case_sensitive: bool = False) -> list[str]:
    """Names in the order isort and ruff want: CONSTANTS, Classes, then everything else; within
    each, numbers in natural order, case-insensitively in imports and case-sensitively in
    `__all__` (ruff's RUF022)."""

    def key(name: str) -> tuple[int, list[tuple[int, str]], str]:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        text = name if case_sensitive else name.lower()
        natural = [
            (int(part), "") if part.isdigit() else (-1, part)
            for part in _DIGITS.split(text)
            if part
        ]
        return kind, natural, name

    return sorted((str(n) for n in names), key=key)  # type: ignore[attr-defined]


def all_order(names: object) -> list[str]:
    return isort_order(names, case_sensitive=True)


_DIGITS = re.compile(r"(\d+)")


def check_overrides(overrides: Path | None) -> None:
    """A `--templates` folder must exist, and every template file in it (`*.py.jinja`) must be
    one this version renders: an override of a retired template would be silently ignored.
    Other files (macros for `{% import %}`, say) may sit beside them."""
    if overrides is None:
        return
    if not overrides.is_dir():
        raise GeneratorError(f"--templates {overrides}: no such folder")
    known = {name for name, _ in template_names(with_tests=True)}
    for path in sorted(overrides.rglob("*.jinja")):
        name = path.relative_to(overrides).as_posix()
        if name in _RETIRED or (name.endswith(".py.jinja") and name not in known):
            raise GeneratorError(
                f"--templates {overrides}: {name} is not a template of this version"
                f"{_RETIRED.get(name, '')}; the templates are {', '.join(sorted(known))}"
            )


# Templates earlier versions had, and why they went.
_RETIRED = {
    "_runtime.py.jinja": " (the runtime is now copied into the package as it is, from"
    " generator/static/_runtime.py)",
    "py.typed.jinja": " (py.typed is written without a template)",
    "tests/__init__.py.jinja": " (tests/__init__.py is written without a template)",
}


def overridden_outputs(overrides: Path | None, with_tests: bool) -> set[str]:
    """The package paths rendered from a user's template rather than a built-in one."""
    if overrides is None:
        return set()
    return {
        path
        for name, path in template_names(with_tests)
        if (overrides / name).is_file()
    }


def template_sources(overrides: Path | None, with_tests: bool) -> dict[str, str]:
    """The text of every template a generation uses, for the manifest's fingerprint: the
    user's override when there is one, as jinja2's FileSystemLoader would find it."""
    folders = [overrides, builtin_templates()] if overrides else [builtin_templates()]
    sources = {}
    for name, _ in template_names(with_tests):
        path = next(f / name for f in folders if (f / name).is_file())
        sources[name] = path.read_bytes().decode("utf-8")
    return sources


def _context(api: Api, options: RenderOptions) -> dict[str, object]:
    examples = ExampleFactory(api)
    operation_cases = [examples.operation_case(op) for op in api.operations]
    aliases = _return_aliases(api)
    test_model_imports = {
        c.result_type for c in operation_cases if c.result_type
    } | examples.constructed
    model_cases = [examples.model_case(model) for model in api.models]
    retry_case = _first_case(operation_cases, IDEMPOTENT_METHODS)
    return {
        "api": api,
        "test_model_imports": sorted(test_model_imports),
        "header": options.header,
        "raw_class": api.raw_client_class,
        "user_agent": f"{api.package}/{_token(api.version)}",
        "package_docstring": docs.client_doc(api).split("\n\nArgs:")[0],
        "client_docstring": docs.client_doc(api),
        "models_module_docstring": docs.models_module_doc(api),
        "client_module_docstring": docs.client_module_doc(api),
        "model_docstrings": {m.name: docs.model_doc(m) for m in api.models},
        "declared_fields": {m.name: _declared_fields(m, api) for m in api.models},
        "operation_docstrings": {
            op.method_name: docs.operation_doc(op, api) for op in api.operations
        },
        "raw_docstrings": {
            op.method_name: docs.raw_operation_doc(op, api) for op in api.operations
        },
        "credential_annotations": {
            "basic": "tuple[str, str] | httpx.Auth | None",
            "apiKey": "str | None",
            "oauth2": "str | Callable[[], str] | None",
        },
        "credential_constructors": {
            s.name: _credential_constructor(s) for s in api.security_schemes
        },
        "signatures": {op.method_name: _signature(op) for op in api.operations},
        "request_arguments": {
            op.method_name: _request_arguments(op) for op in api.operations
        },
        "forwards": {op.method_name: _forward(op) for op in api.operations},
        "raw_senders": {op.method_name: _raw_sender(op) for op in api.operations},
        "deprecation_messages": {
            op.method_name: f"{op.method_name}() is deprecated: the spec marks"
            f" {op.operation_id!r} as deprecated"
            for op in api.operations
            if op.deprecated
        },
        "response_maps": {op.method_name: _response_map(op) for op in api.operations},
        "error_maps": {op.method_name: _error_map(op) for op in api.operations},
        "pagers": {
            op.method_name: _pager_context(op, api) for op in api.operations if op.pager
        },
        "returns": {
            op.method_name: (
                aliases[op.method_name].name
                if op.method_name in aliases
                else _return_type(op)
            )
            for op in api.operations
        },
        "return_aliases": list(aliases.values()),
        "models_runtime_imports": _models_runtime_imports(api),
        "models_stdlib_imports": _models_stdlib_imports(api),
        "enum_docstrings": {e.name: docs.enum_doc(e) for e in api.enums},
        "client_imports": _client_runtime_imports(api),
        "client_stdlib_imports": _client_stdlib_imports(api),
        "model_imports": _client_model_imports(api),
        "error_exports": {"ApiError", "ConnectorError", "DecodeError", "TransportError"}
        | {"UnexpectedResponseError"}
        | {e.name for e in api.errors},
        "exported_names": sorted(
            {
                "UNSET",
                "Unset",
                "RawResponse",
                api.client_class,
                "ApiError",
                "ConnectorError",
            }
            | {"DecodeError", "TransportError", "UnexpectedResponseError"}
            | {e.name for e in api.errors}
            | {m.name for m in api.models}
            | {e.name for e in api.enums}
        ),
        "test_error_imports": _test_error_imports(api, operation_cases, retry_case),
        "retry_case": retry_case,
        "tests_use_json": any(
            any("json.loads(" in check for check in case.request_checks)
            or any(error.has_body for error in case.errors)
            for case in operation_cases
            if not case.refused_header
        ),
        "interim_tests": any(
            case.operation.interim_statuses and not case.refused_header
            for case in operation_cases
        ),
        "no_retry_case": _first_case(operation_cases, ("POST", "PATCH")),
        "model_cases": model_cases,
        "subtype_cases": _subtype_cases(api, model_cases),
        "operation_cases": operation_cases,
        "base_path": BASE_PATH,
        "credential_arguments": [
            (scheme.keyword, value)
            for scheme, value in zip(
                api.security_schemes, credential_values(api).values(), strict=True
            )
        ],
        "secrets": sorted(
            {
                str(v[1]) if isinstance(v, tuple) else str(v)
                for v in credential_values(api).values()
            }
        ),
    }


def _subtype_cases(
    api: Api, model_cases: list[ModelCase]
) -> list[tuple[str, str, dict[str, Any]]]:
    """(base class, subtype class, the subtype's example data) for every discriminated base."""
    full = {case.model.name: case.full for case in model_cases}
    return [
        (model.name, subtype, {**full[subtype], model.discriminator: value})
        for model in api.models
        for value, subtype in model.subtypes
    ]


def _declared_fields(model: Model, api: Api) -> list[Field]:
    """The fields a model's class body declares: those its base class does not declare as they
    are (a subtype's discriminator gets its fixed value as a default)."""
    inherited = set(api.model(model.base).fields) if model.base else set()
    return [f for f in model.fields if f not in inherited]


def _test_error_imports(
    api: Api, cases: list[OperationCase], retry_case: OperationCase | None
) -> set[str]:
    """The error classes the generated client tests name: none when no request is sendable."""
    if all(case.refused_header for case in cases):
        return set()
    names = {"ApiError"} | {
        error.class_name
        for case in cases
        if not case.refused_header
        for error in case.errors
    }
    if retry_case and api.security_schemes:
        names.add("TransportError")
    if any(case.pager and case.pager.next_link for case in cases):
        names.add("UnexpectedResponseError")
    return names


def _token(text: str) -> str:
    """Text as an HTTP token (for the User-Agent's version): other characters become `-`."""
    return re.sub(r"[^A-Za-z0-9.!#$%&'*+^_`|~-]", "-", text)[:64] or "0"


def _first_case(
    cases: list[OperationCase], methods: Iterable[str]
) -> OperationCase | None:
    """The first operation with one of these HTTP methods whose request can be sent."""
    return next(
        (
            case
            for case in cases
            if case.operation.http_method in methods and not case.refused_header
        ),
        None,
    )


# A return annotation longer than this is named by a type alias, so that every `def` line keeps
# one black-stable layout (a long nested subscript after `->` is split differently by black's
# stable and preview styles, and by this project's printer).
ALIAS_MIN_LENGTH = 40


@dataclass(frozen=True)
class ReturnAlias:
    name: str  # `_<Method>Result`: no spec name starts with `_`
    annotation: str


def _return_type(op: Operation) -> str:
    return types.return_annotation([r.type for r in op.success_responses])


def _return_aliases(api: Api) -> dict[str, ReturnAlias]:
    aliases: dict[str, ReturnAlias] = {}
    taken: set[str] = set()
    for op in api.operations:
        annotation = _return_type(op)
        if len(annotation) > ALIAS_MIN_LENGTH and "[" in annotation:
            words = "".join(part.capitalize() for part in op.method_name.split("_"))
            name, number = f"_{words}Result", 2
            while name in taken:  # `get_a` and `get_a_` spell the same words
                name, number = f"_{words}Result{number}", number + 1
            taken.add(name)
            aliases[op.method_name] = ReturnAlias(name, annotation)
    return aliases


def _client_stdlib_imports(api: Api) -> list[str]:
    """The standard-library import lines of client.py, in isort's order."""
    uses_any = any(
        "Any"
        in _signature(op)
        + types.return_annotation([r.type for r in op.success_responses])
        for op in api.operations
    )
    lines = ["import copy"]
    if any(op.deprecated for op in api.operations):
        lines.append("import warnings")
    abc = ["Callable"] * any(s.kind == "oauth2" for s in api.security_schemes)
    abc += ["Iterator"] * any(op.pager for op in api.operations)
    if abc:
        lines.append(f"from collections.abc import {', '.join(abc)}")
    lines.append("from types import TracebackType")
    uses_files = any("BinaryIO" in _signature(op) for op in api.operations)
    aliased = bool(_return_aliases(api))
    typing = ["Any"] * uses_any + ["BinaryIO"] * uses_files + ["TypeAlias"] * aliased
    typing.append("final")
    lines.append(f"from typing import {', '.join(typing)}")
    return lines


def _credential_constructor(scheme: SecurityScheme) -> str:
    if scheme.kind == "basic":
        return f"BasicCredentials({scheme.keyword})"
    if scheme.kind == "apiKey":
        arguments = ", ".join(
            map(escape.py_literal, (scheme.location, scheme.parameter))
        )
        return f"ApiKey({arguments}, {scheme.keyword})"
    return f"BearerToken({scheme.keyword})"


def _request_arguments(op: Operation) -> list[str]:
    """The keyword arguments of an operation's Transport.request call, as source."""

    def value(parameter: Parameter) -> str:
        if parameter.constant:
            return escape.py_literal(parameter.default)
        return parameter.python_name

    def pairs(parameters: tuple[Parameter, ...]) -> str:
        items = []
        for p in parameters:
            extra = (
                f", {escape.py_literal(p.collection_format)}"
                if p.collection_format
                else ""
            )
            items.append(f"({escape.py_literal(p.wire_name)}, {value(p)}{extra})")
        return "[" + ", ".join(items) + "]"

    arguments = []
    if op.located("path"):
        entries = (
            f"{escape.py_literal(p.wire_name)}: "
            + (f"encoded_once({value(p)})" if p.double_encoded else value(p))
            for p in op.located("path")
        )
        arguments.append("path_params={" + ", ".join(entries) + "}")
    for location, keyword in (("query", "query"), ("header", "headers")):
        if op.located(location):
            arguments.append(f"{keyword}={pairs(op.located(location))}")
    form = op.located("formData")
    files = tuple(p for p in form if p.type == ScalarType("bytes"))
    fields = tuple(p for p in form if p not in files)
    if fields:
        arguments.append(f"form={pairs(fields)}")
    if files:
        arguments.append(f"files={pairs(files)}")
    if op.body_encoding == "multipart":
        arguments.append("multipart=True")
    if op.body is not None and op.body_encoding == "binary":
        arguments.append(f"content={value(op.body)}")
        arguments.append(f"content_type={escape.py_literal(op.content_type)}")
    elif op.body is not None:
        arguments.append(f"json_body={value(op.body)}")
    if op.security:
        arguments.append(f"security={escape.py_literal(op.security)}")
    if op.accept != "application/json":
        arguments.append(f"accept={escape.py_literal(op.accept)}")
    return arguments


def _raw_sender(op: Operation) -> str:
    """The raw-response method that sends the request: for a deprecated operation a private
    twin without the warning, so that each public entry point warns once, at its caller.
    """
    return f"_send_{op.method_name}" if op.deprecated else op.method_name


def _response_map(op: Operation) -> str:
    entries = (
        f"{escape.py_literal(r.status)}: {types.response_decoder(r.type)}"
        for r in op.success_responses
    )
    return "{" + ", ".join(entries) + "}"


def _error_map(op: Operation) -> str:
    entries = (
        f"{escape.py_literal(r.status)}: {escape.py_literal(r.description)}"
        for r in op.error_responses
    )
    return "{" + ", ".join(entries) + "}"


@dataclass(frozen=True)
class PagerContext:
    item_annotation: str
    docstring: str
    page: str  # local variable names that no parameter uses
    response: str
    follow_arguments: list[str]  # besides the link, the response and the decoders


def _pager_context(op: Operation, api: Api) -> PagerContext:
    assert op.pager is not None
    assert isinstance(op.pager.items.type, ListType)
    taken = {p.python_name for p in op.parameters}
    arguments = [
        argument
        for argument in _request_arguments(op)
        if argument.startswith(("headers=", "security="))
    ]
    return PagerContext(
        item_annotation=types.annotation(op.pager.items.type.item),
        docstring=docs.iterator_doc(op, api),
        page=_free_name(("page", "current_page"), taken),
        response=_free_name(("response", "page_response"), taken),
        follow_arguments=arguments,
    )


def _free_name(choices: tuple[str, str], taken: set[str]) -> str:
    """The first choice no parameter uses, else the last with underscores added."""
    name = next((choice for choice in choices if choice not in taken), choices[-1])
    while name in taken:
        name += "_"
    return name


def _signature(op: Operation) -> str:
    """The parameters after `self`: required ones positional, optional ones keyword-only."""
    parts = [
        f"{p.python_name}: {types.parameter_annotation(p)}"
        for p in op.positional_parameters
    ]
    if op.keyword_parameters:
        parts.append("*")
        parts += [
            f"{p.python_name}: {types.parameter_annotation(p)} = None"
            for p in op.keyword_parameters
        ]
    return "".join(f", {part}" for part in parts)


def _forward(op: Operation) -> str:
    """The arguments passing a method's parameters on to its raw twin."""
    positional = [p.python_name for p in op.positional_parameters]
    keywords = [f"{p.python_name}={p.python_name}" for p in op.keyword_parameters]
    return ", ".join(positional + keywords)


def _model_names(kind: TypeRef | None) -> set[str]:
    if isinstance(kind, (ModelType, EnumType)):
        return {kind.name}
    if isinstance(kind, ListType):
        return _model_names(kind.item)
    if isinstance(kind, DictType):
        return _model_names(kind.value)
    return set()


def _decoders(kinds: list[TypeRef | None]) -> str:
    return " ".join(types.response_decoder(kind) for kind in kinds)


def _models_stdlib_imports(api: Api) -> list[str]:
    lines = []
    if api.models:
        lines.append("from dataclasses import dataclass, field")
    if api.enums:
        lines.append("from enum import Enum")
    if api.models:
        lines.append("from typing import Any")
    return lines


def _models_runtime_imports(api: Api) -> list[str]:
    fields = [f for m in api.models for f in m.fields]
    if not api.models:
        return []
    names = {"ApiModel", "expect_object", "serialize"}
    if fields:
        names.add("UNSET")
    if any(types.field_annotation(f).endswith("| Unset") for f in fields):
        names.add("Unset")
    spelled = " ".join(types.decoder(f.type) or "" for f in fields)
    names |= {
        name for name in ("list_of", "dict_of", "known_value") if f"{name}(" in spelled
    }
    if spelled.strip():
        names.add("decode")
    return sorted(names)


def _client_runtime_imports(api: Api) -> list[str]:
    spelled = _decoders([r.type for op in api.operations for r in op.success_responses])
    helpers = (
        "binary",
        "list_of",
        "dict_of",
        "known_value",
        "no_content",
        "parse_json",
    )
    names = {
        "RawResponse",
        "Transport",
        "MAX_PAGES",
        "MAX_RESPONSE_SIZE",
        "UNSET",
        "Unset",
    } | {name for name in helpers if name in spelled}
    constructors = {
        "basic": "BasicCredentials",
        "apiKey": "ApiKey",
        "oauth2": "BearerToken",
    }
    names |= {constructors[scheme.kind] for scheme in api.security_schemes}
    if api.security_schemes:
        names.add("Credential")
    if any(p.double_encoded for op in api.operations for p in op.parameters):
        names.add("encoded_once")
    return sorted(names)


def _client_model_imports(api: Api) -> list[str]:
    names: set[str] = set()
    for op in api.operations:
        for parameter in op.exposed_parameters:
            names |= _model_names(parameter.type)
        for response in op.success_responses:
            names |= _model_names(response.type)
        if op.pager:
            names |= _model_names(op.pager.items.type)
    return sorted(names)
