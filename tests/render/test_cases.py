"""Case files: one behaviour per file, input and expected output side by side.

`tests/cases/<area>/<name>.case` reads::

    # case: <function>
    <input>
    # output
    <expected output>

The first line names the function the case runs (from CASES below); the input is the text
between it and the `# output` line, the expected output the text after it (the file's final
newline is not part of it). Where a function takes structured input, the input is JSON (YAML
for the parse cases: a spec snippet in, the intermediate model out). A new
case is one new file; a mismatch fails with both texts. Printer cases (`# case: print`) also
check, as black's own test data does, that their output is stable: black leaves it unchanged
in its stable and its preview style.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import black
import pytest
from black.mode import Mode, TargetVersion

from generator.parse import identifiers
from generator.render import escape, printer
from generator.static import _runtime

CASES_DIR = Path(__file__).parent.parent / "cases"
STABLE = Mode(target_versions={TargetVersion.PY310}, line_length=88)
PREVIEW = Mode(target_versions={TargetVersion.PY310}, line_length=88, preview=True)
OUTPUT_LINE = "# output\n"


def _lines(function: Callable[[str], str]) -> Callable[[str], str]:
    """A case of one name per line (JSON-quoted when it starts with `"`), one result each."""

    def run(text: str) -> str:
        names = [json.loads(n) if n.startswith('"') else n for n in text.splitlines()]
        return "\n".join(function(name) for name in names)

    return run


def _form(text: str) -> str:
    """encode_form with a fixed boundary; CRLF shown as `\\r\\n` at each line's end."""
    data = json.loads(text)
    files = [(name, value.encode()) for name, value in data.get("files", [])]
    original = uuid.uuid4
    uuid.uuid4 = lambda: uuid.UUID(int=0)  # the boundary is random
    try:
        body, content_type = _runtime.encode_form(
            [tuple(field) for field in data.get("fields", [])],
            files,
            multipart=data.get("multipart", False),
        )
    finally:
        uuid.uuid4 = original
    shown = body.decode().replace("\r\n", "\\r\\n\n").removesuffix("\n")
    return content_type + "\n" + shown


def _headers(text: str) -> str:
    """One `name:"JSON value"` per line: the value sent, or the refusal."""
    results = []
    for line in text.splitlines():
        name, _, value = line.partition(":")
        try:
            results.append(repr(_runtime.check_header(name, json.loads(value))))
        except ValueError as error:
            results.append(f"ValueError: {error}")
    return "\n".join(results)


def _unique(text: str) -> str:
    data = json.loads(text)
    names = identifiers.assign_unique(
        [tuple(pair) for pair in data["candidates"]],
        data.get("taken", ()),
        data.get("explicit", ()),
    )
    return "\n".join(f"{key} -> {name}" for key, name in sorted(names.items()))


def _node(data: Any) -> printer.Node:
    """A printer node from its JSON form: a string, or one key naming the shape."""
    if isinstance(data, str):
        return data
    [(shape, value)] = [(k, v) for k, v in data.items() if k != "statement"]
    statement = data.get("statement", shape == "assign")
    if shape == "group":
        head, items, tail = value
        return printer.Group(head, tuple(map(_node, items)), tail)
    if shape == "call":
        function, *arguments = value
        return printer.call(function, *map(_node, arguments))
    if shape == "prefixed":
        return printer.Prefixed(value[0], _node(value[1]), statement)
    if shape == "entry":
        return printer.Entry(value[0], _node(value[1]))
    if shape == "union":
        return printer.Union(tuple(value))
    if shape == "definition":
        name, parameters, returns = value
        return printer.Definition(name, tuple(map(_node, parameters)), _node(returns))  # type: ignore[arg-type]
    if shape == "import":
        return printer.Import(value[0], tuple(value[1]))
    if shape == "assign":
        target, annotation, assigned = value
        annotation = _node(annotation) if annotation else ""
        assigned = _node(assigned) if assigned is not None else None
        return printer.Assign(target, annotation, assigned, statement)  # type: ignore[arg-type]
    if shape == "literal":
        return printer.literal(value)
    raise ValueError(f"no printer shape {shape!r}")


def _print(text: str) -> str:
    """A statement printed at `indent`, and checked: black in its stable and its preview style
    leaves it unchanged (inside as many blocks as the indent needs)."""
    data = json.loads(text)
    indent = data.get("indent", 0)
    printed = printer.lay_out(_node(data["node"]), indent)
    module = _in_blocks(printed, indent)
    for mode in (STABLE, PREVIEW):
        assert black.format_str(module, mode=mode) == module, (mode, module)
    # and the printer knows it: a long line it is not sure of sends a whole file to black
    assert printer.unsure_lines(module) == [], module
    return printed


def _in_blocks(statement: str, indent: int) -> str:
    """The statement inside nested blocks that give it its indent, as a module (a block it
    opens gets a body)."""
    # black puts a blank line before a definition in an `if` block, not first in a class
    block = "class A:" if statement.startswith(("def ", "class ")) else "if x:"
    lines = [f"{' ' * level}{block}" for level in range(0, indent, printer.INDENT)]
    lines.append(" " * indent + statement)
    if statement.startswith("@"):  # a decorator decorates something
        lines.append(" " * indent + "def f() -> None:")
        statement = ":"
    if statement.endswith(":"):
        lines.append(" " * (indent + printer.INDENT) + "pass")
    return "\n".join(lines) + "\n"


def _docstring(text: str) -> str:
    data = json.loads(text)
    return escape.docstring(data["text"], data.get("indent", 0))


def _parse(text: str) -> str:
    """A spec snippet (YAML; `swagger`, `info` and `paths` filled in when absent) parsed into
    the intermediate model, shown one line per class, field, operation, parameter, response
    and warning (types spelled as annotations)."""
    import tempfile

    import yaml

    from generator.parse.parser import parse
    from generator.source import bundler, loader

    spec = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    spec |= yaml.safe_load(text)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        api = parse(bundler.bundle(loader.load_spec(path, "spec.json", lenient=True)))
    return "\n".join(_model_lines(api))


def _model_lines(api: Any) -> list[str]:
    from generator.render.spelling import annotation

    lines = []
    for model in api.models:
        base = f"({model.base})" if model.base else ""
        lines.append(f"model {model.name}{base} at {model.pointer}")
        for field in model.fields:
            required = "required" if field.required else "optional"
            nullable = ", nullable" if field.nullable else ""
            spelled = annotation(field.type).text
            lines.append(
                f"  {field.python_name} ({field.wire_name}): {spelled}, {required}{nullable}"
            )
    for enum in api.enums:
        members = ", ".join(f"{name}={value}" for name, value in enum.members)
        lines.append(f"enum {enum.name}: {members}")
    for operation in api.operations:
        lines.append(
            f"operation {operation.method_name}: {operation.http_method} {operation.path}"
            f" ({operation.body_encoding})"
        )
        body = operation.request_body
        if (
            body is not None
            and body.payload
            and body.content_type != "application/json"
        ):
            lines.append(f"  sends {body.encoding} as {body.content_type}")
        for parameter in operation.parameters:
            required = "required" if parameter.required else "optional"
            spelled = annotation(parameter.type).text
            if parameter.takes_bytes:
                spelled += " | bytes"
            if parameter.constraints.enum:
                spelled += f" of {', '.join(map(str, parameter.constraints.enum))}"
            lines.append(
                f"  {parameter.location} {parameter.python_name} ({parameter.wire_name}):"
                f" {spelled}, {required}"
            )
        for response in operation.responses:
            spelled = annotation(response.type).text if response.type else "no body"
            lines.append(f"  {response.status}: {spelled}")
        if operation.security:
            alternatives = " | ".join("+".join(names) for names in operation.security)
            lines.append(f"  security: {alternatives}")
    lines += [
        f"warning: {warning.pointer}: {warning.message}" for warning in api.warnings
    ]
    return lines


CASES: dict[str, Callable[[str], str]] = {
    "encode_query": lambda text: _runtime.encode_query(json.loads(text)),
    "expand_path": lambda text: _runtime.expand_path(**json.loads(text)),
    "encoded_once": lambda text: _runtime.encoded_once(json.loads(text)),
    "encode_form": _form,
    "check_header": _headers,
    "py_literal": lambda text: escape.py_literal(json.loads(text)),
    "comment": _lines(escape.comment),
    "docstring": _docstring,
    "snake_case": _lines(
        lambda name: identifiers.snake_case(name, fallback="value", prefix="value_")
    ),
    "pascal_case": _lines(
        lambda name: identifiers.pascal_case(name, fallback="Model", prefix="Model")
    ),
    "guard": _lines(lambda name: identifiers.guard(name, {"ApiKey", "copy"})),
    "assign_unique": _unique,
    "print": _print,
    "parse": _parse,
}


def read_case(path: Path) -> tuple[str, str, str]:
    """(function, input, expected output) of a case file."""
    text = path.read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("# case: ") or OUTPUT_LINE not in rest:
        raise ValueError(f"{path}: not a case file (see tests/render/test_cases.py)")
    given, _, expected = rest.partition(OUTPUT_LINE)
    function = first.removeprefix("# case: ")
    return function, given.removesuffix("\n"), expected.removesuffix("\n")


CASE_FILES = sorted(CASES_DIR.rglob("*.case"))


@pytest.mark.parametrize(
    "path", CASE_FILES, ids=[p.relative_to(CASES_DIR).as_posix() for p in CASE_FILES]
)
def test_case(path: Path) -> None:
    function, given, expected = read_case(path)
    assert function in CASES, f"{path}: no runner named {function!r}"
    assert CASES[function](given) == expected


def test_every_area_has_cases() -> None:
    areas = {p.relative_to(CASES_DIR).parts[0] for p in CASE_FILES}
    assert {"wire", "escape", "naming", "docstring", "printer", "parse"} <= areas
    used = {read_case(p)[0] for p in CASE_FILES}
    assert used == set(CASES), f"runners without a case: {set(CASES) - used}"


def test_a_mismatch_fails(tmp_path: Path) -> None:
    case = tmp_path / "wrong.case"
    case.write_text("# case: py_literal\n\"a\"\n# output\n'a'\n", encoding="utf-8")
    function, given, expected = read_case(case)
    assert CASES[function](given) != expected


def test_a_long_string_default_in_a_signature_is_a_line_black_keeps_as_it_is() -> None:
    """The constructor's `base_url` default is the spec's host, written by the template: a
    long one must not send client.py through black (GroupMgr's did)."""
    url = "https://" + "h" * 80 + ".example"
    module = (
        "class A:\n"
        "    def __init__(\n"
        "        self,\n"
        f'        base_url: str = "{url}",\n'
        "        *,\n"
        "        api_key: str | None = None,\n"
        "    ) -> None:\n"
        "        pass\n"
    )
    for mode in (STABLE, PREVIEW):
        assert black.format_str(module, mode=mode) == module, mode
    assert printer.unsure_lines(module) == []
