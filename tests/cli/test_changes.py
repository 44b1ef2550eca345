"""A regeneration a reviewer can read.

Every edit of a table of small spec edits changes only the code, test rows and API.md sections
of what it touches (found with `ast`), and `changes` classifies each edit, in both directions.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import difflib
import functools
import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.api_record.record import (
    API_RECORD,
    BREAKING,
    COMPATIBLE,
    RecordError,
    compare,
    read_record,
    record,
)
from generator.findings import EXIT_BREAKING
from generator.model import Api, DictType, ListType, ModelType, TypeRef
from generator.parse.parser import parse
from generator.pipeline import build
from generator.source.document import HTTP_METHODS

from ..conftest import ROOT, TWILIO_SPEC, invoke, make_job
from ..corpus.test_corpus import CORPUS

METHODS = HTTP_METHODS
CORPUS_SPECS = [
    CORPUS / "powerplatform" / name
    for name in (
        "certified-connectors__Azure_Communication_Services_Email.json",
        "certified-connectors__Insiders_Cloud.json",
        "certified-connectors__touchSMS.json",
        "independent-publisher-connectors__Worldwide_Holidays.json",
        "independent-publisher-connectors__ShipStationIP.json",
        "certified-connectors__RescoReports.json",
    )
]


def read_spec(path: Path) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    data = (
        yaml.safe_load(text) if path.suffix in (".yaml", ".yml") else json.loads(text)
    )
    assert isinstance(data, dict)
    return data


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        item[method]
        for item in spec["paths"].values()
        for method in METHODS
        if isinstance(item, dict) and method in item
    ]


def first_model(spec: dict[str, Any]) -> str:
    """A definition with properties that an operation's response reaches by `$ref`."""
    text = json.dumps([spec["paths"], spec.get("responses"), spec.get("parameters")])
    for name, schema in spec.get("definitions", {}).items():
        if schema.get("properties") and f'"#/definitions/{name}"' in text:
            return str(name)
    raise AssertionError("no model an operation uses")


# -- the edits ---------------------------------------------------------------------------------
# Each edits a spec in place and returns what it touched: ("operation", operationId) or
# ("model", definition name).


def add_optional_parameter(spec: dict[str, Any]) -> tuple[str, str]:
    op = operations(spec)[0]
    op.setdefault("parameters", []).append(
        {"name": "addedFilter", "in": "query", "type": "string", "required": False}
    )
    return "operation", op["operationId"]


def add_property(spec: dict[str, Any]) -> tuple[str, str]:
    name = first_model(spec)
    spec["definitions"][name]["properties"]["addedProperty"] = {"type": "string"}
    return "model", name


def add_operation(spec: dict[str, Any]) -> tuple[str, str]:
    spec["paths"]["/added-things/{thingId}"] = {
        "get": {
            "operationId": "GetAddedThing",
            "parameters": [
                {"name": "thingId", "in": "path", "required": True, "type": "string"}
            ],
            "responses": {"200": {"description": "ok", "schema": {"type": "string"}}},
        }
    }
    return "operation", "GetAddedThing"


def remove_operation(spec: dict[str, Any]) -> tuple[str, str]:
    for path, item in reversed(spec["paths"].items()):
        for method in METHODS:
            if isinstance(item, dict) and method in item:
                removed = item.pop(method)
                if not any(m in item for m in METHODS):
                    del spec["paths"][path]
                return "operation", removed["operationId"]
    raise AssertionError("no operation")


def change_description(spec: dict[str, Any]) -> tuple[str, str]:
    name = first_model(spec)
    schema = spec["definitions"][name]
    prop = next(iter(schema["properties"].values()))
    prop["description"] = "A description written anew for this test."
    return "model", name


def add_error_status(spec: dict[str, Any]) -> tuple[str, str]:
    used = {
        status
        for op in operations(spec)
        for status in op.get("responses", {})
        if str(status).isdigit()
    }
    status = next(
        s for s in ("401", "403", "405", "406", "410", "412") if s not in used
    )
    op = operations(spec)[0]
    op["responses"][status] = {"description": "Added for this test"}
    return "operation", op["operationId"]


# What `changes` must call each edit of the table: the kinds it lists.
EDIT_KINDS = {
    "add an optional parameter": {COMPATIBLE},
    "add a property": {COMPATIBLE},
    "add an operation": {COMPATIBLE},
    "remove an operation": {BREAKING},
    "change a description": set(),
    "add an error status": {COMPATIBLE},
}
EDITS: dict[str, Callable[[dict[str, Any]], tuple[str, str]]] = {
    "add an optional parameter": add_optional_parameter,
    "add a property": add_property,
    "add an operation": add_operation,
    "remove an operation": remove_operation,
    "change a description": change_description,
    "add an error status": add_error_status,
}


# -- where a hunk may lie ----------------------------------------------------------------------


def generate_files(spec: dict[str, Any]) -> tuple[Api, dict[str, str]]:
    """The model and the files of the package a spec gives (named `pkg`, from `spec.json`)."""
    from generator.source import bundler, loader

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        job = make_job(path, Path(folder) / "out", package="pkg", lenient=True)
        job = dataclasses.replace(job, spec_name="spec.json")
        source = bundler.bundle(loader.load_spec(path, "spec.json", lenient=True))
        return parse(source, "pkg"), build(job).files


@functools.cache
def baseline(spec_path: Path) -> tuple[Api, dict[str, str]]:
    return generate_files(read_spec(spec_path))


def used_by(api: Api, edited: tuple[str, str]) -> set[str]:
    """The models the edited operation's parameters and responses reach, nested included."""
    models = {model.name: model for model in api.models}
    ops = [
        op
        for op in api.operations
        if (edited[0], op.operation_id) == ("operation", edited[1])
    ]
    pending = [p.type for op in ops for p in op.parameters]
    pending += [r.type for op in ops for r in op.responses if r.type is not None]
    found: set[str] = set()
    while pending:
        for name in referenced_models(pending.pop()) - found:
            found.add(name)
            pending += (
                [field.type for field in models[name].fields] if name in models else []
            )
    return found


def referenced_models(kind: TypeRef) -> set[str]:
    if isinstance(kind, ListType):
        return referenced_models(kind.item)
    if isinstance(kind, DictType):
        return referenced_models(kind.value)
    return {kind.name} if isinstance(kind, ModelType) else set()


def users(api: Api, edited: tuple[str, str]) -> set[str]:
    """The names of the edited operation or model and of what uses it: methods, iterators,
    models and enums, transitively."""
    kind, name = edited
    names = set()
    if kind == "operation":
        ops = [op for op in api.operations if op.operation_id == name]
    else:
        pointer = "/definitions/" + name.replace("~", "~0").replace("/", "~1")
        models = {model.name for model in api.models if model.pointer == pointer}
        grew = True
        while grew:
            grew = False
            for model in api.models:
                uses = set().union(*(referenced_models(f.type) for f in model.fields))
                if model.name not in models and uses & models:
                    models.add(model.name)
                    grew = True
        names |= models
        ops = [
            op
            for op in api.operations
            if any(
                referenced_models(t) & models
                for t in [p.type for p in op.parameters]
                + [r.type for r in op.responses if r.type is not None]
            )
        ]
    for op in ops:
        names |= {op.method_name} | ({op.pager.method_name} if op.pager else set())
        names |= {
            e.name
            for e in api.errors
            if str(e.status) in {r.status for r in op.responses}
        }
    return names


# The generated tables, and the keyword that names each row's operation or model.
ROW_TABLES = {
    "CASES": "name",
    "FULL_EXAMPLES": "id",
    "MINIMAL_EXAMPLES": "id",
    "SUBTYPE_EXAMPLES": "id",
}


def units(path: str, text: str) -> dict[int, str]:
    """The unit each line (1-based) belongs to: a def, a class, a method, a table row, an
    API.md section; "imports" for import statements and `__all__`."""
    lines: dict[int, str] = {}
    if not path.endswith((".py", ".md")):
        return {n: "file" for n in range(1, text.count("\n") + 2)}
    if path.endswith(".md"):
        unit = "head"
        for number, line in enumerate(text.splitlines(), start=1):
            if line.startswith("### "):
                unit = line[4:]
            elif line.startswith("## "):
                unit = line[3:]
            lines[number] = unit
        return lines
    for node in ast.parse(text).body:
        for number, unit in node_units(node):
            lines[number] = unit
    return lines


FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def node_units(node: ast.stmt) -> list[tuple[int, str]]:
    decorators = getattr(node, "decorator_list", [])
    start = min([d.lineno for d in decorators] + [node.lineno])
    span = range(start, (node.end_lineno or node.lineno) + 1)
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(n, "imports") for n in span]
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        target = node.targets[0] if isinstance(node, ast.Assign) else node.target
        name = target.id if isinstance(target, ast.Name) else ""
        if name == "__all__":
            return [(n, "imports") for n in span]
        if name in ROW_TABLES and isinstance(node.value, ast.List):
            # the table's own lines (its opening and closing) belong to it, its rows to
            # what they test
            rows = {
                n: row_name(element, ROW_TABLES[name])
                for element in node.value.elts
                for n in range(
                    element.lineno, (element.end_lineno or element.lineno) + 1
                )
            }
            return [(n, rows.get(n, f"{name} table")) for n in span]
        return [(n, name) for n in span]
    if isinstance(node, ast.ClassDef):
        found = [(n, node.name) for n in span]
        for item in node.body:
            if isinstance(item, FUNCTIONS):
                inner = range(item.lineno, (item.end_lineno or item.lineno) + 1)
                found += [(n, f"{node.name}.{item.name}") for n in inner]
        return found
    if isinstance(node, FUNCTIONS):
        named = (
            re.search(r'named\("(\w+)"\)', ast.unparse(decorators[0]))
            if decorators
            else None
        )
        return [(n, named.group(1) if named else f"def {node.name}") for n in span]
    return [(n, "other") for n in span]


def row_name(element: ast.expr, key: str) -> str:
    assert isinstance(element, ast.Call)
    for keyword in element.keywords:
        if keyword.arg == key and isinstance(keyword.value, ast.Constant):
            return str(keyword.value.value)
    raise AssertionError(ast.unparse(element))


def misplaced(old: dict[str, str], new: dict[str, str], allowed: set[str]) -> list[str]:
    """The changed lines that lie outside every allowed unit. A block of lines added or
    removed may slide over equal lines (the diff's alignment is arbitrary there: two rows end
    alike): it is misplaced only if no position of it lies inside allowed units."""
    wrong = []
    for path in sorted(set(old) | set(new)):
        if path in (".connector-codegen.json", ".connector-codegen-api.json"):
            continue  # the manifest and the API record: expected to change
        before, after = old.get(path, ""), new.get(path, "")
        old_units, new_units = units(path, before), units(path, after)
        # a test function that comes or goes with the rows it runs
        appeared = set(old_units.values()) ^ set(new_units.values())
        permitted = allowed | {unit for unit in appeared if unit.startswith("def ")}
        a, b = before.splitlines(), after.splitlines()
        matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
        for tag, i1, i2, j1, j2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            removed = outside(a, old_units, i1, i2, permitted, slide=tag == "delete")
            added = outside(b, new_units, j1, j2, permitted, slide=tag == "insert")
            if tag == "replace" and not removed:
                added = []  # what replaced an allowed unit follows from the edit
            wrong += [
                f"{path}:{n + 1} [{unit}] {text}" for n, unit, text in removed + added
            ]
    return wrong


def outside(
    lines: list[str],
    table: dict[int, str],
    start: int,
    end: int,
    allowed: set[str],
    *,
    slide: bool,
) -> list[tuple[int, str, str]]:
    """The lines of lines[start:end] outside the allowed units, at the block's best position."""
    positions = [start]
    if slide:
        up = start
        while up > 0 and lines[up - 1] == lines[up - 1 + end - start]:
            up -= 1
            positions.append(up)
        down = start
        while (
            down + end - start < len(lines) and lines[down] == lines[down + end - start]
        ):
            down += 1
            positions.append(down)
    best: list[tuple[int, str, str]] | None = None
    for first in positions:
        found = [
            (n, table.get(n + 1, "?"), lines[n].strip()[:80])
            for n in range(first, first + end - start)
            if lines[n].strip() and not inside(table.get(n + 1, "?"), allowed)
        ]
        if best is None or len(found) < len(best):
            best = found
    return best or []


def inside(unit: str, allowed: set[str]) -> bool:
    """A method's unit is `Class.method`: a client method counts as its operation's, a model
    method as its model's; a subtype example's row (`Base-Subtype`) as either model's.
    """
    parts = [part.removeprefix("_send_") for part in re.split(r"[.-]", unit)]
    return unit in allowed | {"imports"} or any(part in allowed for part in parts)


def check_locality(spec_path: Path, edit: str) -> None:
    old_api, old_files = baseline(spec_path)
    edited_spec = read_spec(spec_path)
    edited = EDITS[edit](edited_spec)
    new_api, new_files = generate_files(edited_spec)
    allowed = users(old_api, edited) | users(new_api, edited)
    if not (old_api.operations and new_api.operations):  # the table empties or fills
        allowed.add("CASES table")
    # models that come or go with the edited operation (its inline schemas' classes)
    appeared = {m.name for m in new_api.models} ^ {m.name for m in old_api.models}
    allowed |= appeared & (used_by(old_api, edited) | used_by(new_api, edited))
    classes = {e.name for e in new_api.errors} ^ {e.name for e in old_api.errors}
    if (
        classes
    ):  # error classes came or went: they, their table and their API.md section
        allowed |= classes | {"ERRORS_BY_STATUS", "Errors"}
    kinds = {c.kind for c in compare(record(old_api), record(new_api))}
    assert kinds == EDIT_KINDS[edit], (edit, compare(record(old_api), record(new_api)))
    wrong = misplaced(old_files, new_files, allowed)
    assert not wrong, "\n".join(wrong[:20])
    changed = [
        p
        for p in set(old_files) | set(new_files)
        if old_files.get(p) != new_files.get(p)
    ]
    if edit == "change a description":
        assert sorted(changed) == [".connector-codegen.json", "models.py"], changed


@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_to_the_twilio_spec_changes_only_what_it_touches(
    edit: str, tmp_path: Path
) -> None:
    check_locality(TWILIO_SPEC, edit)


@pytest.mark.skipif(not CORPUS.exists(), reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("spec", CORPUS_SPECS, ids=lambda p: p.stem.split("__")[-1])
@pytest.mark.parametrize("edit", list(EDITS))
def test_an_edit_to_a_corpus_spec_changes_only_what_it_touches(
    spec: Path, edit: str, tmp_path: Path
) -> None:
    check_locality(spec, edit)


# -- the breaking-change report ----------------------------------------------------------------


def twilio() -> dict[str, Any]:
    return read_spec(TWILIO_SPEC)


def operation(spec: dict[str, Any], operation_id: str) -> dict[str, Any]:
    return next(op for op in operations(spec) if op["operationId"] == operation_id)


def parameter(spec: dict[str, Any], operation_id: str, name: str) -> dict[str, Any]:
    op = operation(spec, operation_id)
    return next(p for p in op["parameters"] if p["name"] == name)


def api_record(spec: dict[str, Any]) -> dict[str, Any]:
    from generator.source import bundler, loader

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "spec.json"
        path.write_text(json.dumps(spec), encoding="utf-8")
        return record(parse(bundler.bundle(loader.load_spec(path, "spec.json"))))


def with_extra_parameters(spec: dict[str, Any]) -> dict[str, Any]:
    """GetMessage with two more required query parameters, for positional order."""
    operation(spec, "GetMessage")["parameters"] += [
        {"name": "First", "in": "query", "type": "string", "required": True},
        {"name": "Second", "in": "query", "type": "string", "required": True},
    ]
    return spec


def with_enum(spec: dict[str, Any]) -> dict[str, Any]:
    spec["definitions"]["Message"]["properties"]["status"]["enum"] = ["queued", "sent"]
    return spec


# (base, edit, what the edit gives, what its reverse gives): each (kind, words of the message)
Expected = list[tuple[str, str]]
REPORT_CASES: dict[
    str,
    tuple[
        Callable[[], dict[str, Any]],
        Callable[[dict[str, Any]], object],
        Expected,
        Expected,
    ],
] = {
    "operation removed": (
        twilio,
        lambda s: s["paths"]["/Messages/{MessageId}.json"].pop("get"),
        [(BREAKING, "get_message() was removed")],
        [(COMPATIBLE, "a new operation get_message()")],
    ),
    "operation renamed": (
        twilio,
        lambda s: operation(s, "GetMessage").update(operationId="FetchMessage"),
        [(BREAKING, "get_message() was renamed fetch_message()")],
        [(BREAKING, "fetch_message() was renamed get_message()")],
    ),
    "optional parameter added": (
        twilio,
        lambda s: operation(s, "GetMessage")["parameters"].append(
            {"name": "Fields", "in": "query", "type": "string"}
        ),
        [(COMPATIBLE, "get_message(): a new optional parameter fields")],
        [(BREAKING, "get_message(): the parameter fields was removed")],
    ),
    "parameter made required": (
        twilio,
        lambda s: parameter(s, "ListMessages", "PageSize").update(required=True),
        [(BREAKING, "list_messages(): the parameter page_size became required")],
        [(BREAKING, "list_messages(): the parameter page_size moved to keyword-only")],
    ),
    "parameter retyped": (
        twilio,
        lambda s: parameter(s, "ListMessages", "PageSize").update(type="string"),
        [(BREAKING, "the parameter page_size is str, not int")],
        [(BREAKING, "the parameter page_size is int, not str")],
    ),
    "parameter renamed": (
        twilio,
        lambda s: parameter(s, "ListMessages", "To").update(
            {"x-ms-client-name": "recipient"}
        ),
        [(BREAKING, "list_messages(): the parameter to was renamed recipient")],
        [(BREAKING, "list_messages(): the parameter recipient was renamed to")],
    ),
    "positional order changed": (
        lambda: with_extra_parameters(twilio()),
        lambda s: operation(s, "GetMessage")["parameters"].reverse(),
        [(BREAKING, "the parameter second moved to position 0")],
        [(BREAKING, "the parameter message_id moved to position 0")],
    ),
    "return type changed": (
        twilio,
        lambda s: operation(s, "GetMessage")["responses"]["200"].update(
            schema={"$ref": "#/definitions/MessageList"}
        ),
        [(BREAKING, "get_message() returns MessageList, not Message")],
        [(BREAKING, "get_message() returns Message, not MessageList")],
    ),
    "model added": (
        twilio,
        lambda s: s["definitions"].update(
            Extra={"type": "object", "properties": {"a": {"type": "string"}}}
        ),
        [(COMPATIBLE, "a new model Extra")],
        [(BREAKING, "the model Extra was removed")],
    ),
    "field added": (
        twilio,
        lambda s: s["definitions"]["Message"]["properties"].update(
            tags={"type": "string"}
        ),
        [(COMPATIBLE, "a new field Message.tags")],
        [(BREAKING, "the field Message.tags was removed")],
    ),
    "field retyped": (
        twilio,
        lambda s: s["definitions"]["Message"]["properties"]["num_segments"].update(
            type="integer"
        ),
        [(BREAKING, "the field Message.num_segments is int, not str")],
        [(BREAKING, "the field Message.num_segments is str, not int")],
    ),
    "field made required in a request model": (
        twilio,
        lambda s: s["definitions"]["SendMessageRequest"]["required"].append(
            "status_callback"
        ),
        [(BREAKING, "the field SendMessageRequest.status_callback became required")],
        [(COMPATIBLE, "the field SendMessageRequest.status_callback became optional")],
    ),
    "field made required in a response model": (
        twilio,
        lambda s: s["definitions"]["Message"].update(required=["sid"]),
        [(COMPATIBLE, "the field Message.sid became required")],
        [(BREAKING, "the field Message.sid became optional")],
    ),
    "enum member added": (
        lambda: with_enum(twilio()),
        lambda s: s["definitions"]["Message"]["properties"]["status"]["enum"].append(
            "failed"
        ),
        [(COMPATIBLE, "a new member 'failed' of")],
        [(BREAKING, "the member 'failed' of")],
    ),
    "credential keyword renamed": (
        twilio,
        lambda s: s.update(
            securityDefinitions={
                "key": {"type": "apiKey", "in": "header", "name": "X-Key"}
            },
            security=[{"key": []}],
        ),
        [(BREAKING, "the credential keyword auth= was removed or renamed")],
        [(BREAKING, "the credential keyword api_key= was removed or renamed")],
    ),
    "error status added": (
        twilio,
        lambda s: operation(s, "GetMessage")["responses"].update(
            {"409": {"description": "Conflict"}}
        ),
        [
            (COMPATIBLE, "a new error class ConflictError"),
            (COMPATIBLE, "get_message() documents the status 409"),
        ],
        [(BREAKING, "the error class ConflictError was removed")],
    ),
    "pager removed": (
        twilio,
        lambda s: operation(s, "ListMessages").pop("x-ms-pageable"),
        [(BREAKING, "iter_list_messages() was removed")],
        [(COMPATIBLE, "a new iterator iter_list_messages()")],
    ),
    "package and client renamed": (
        twilio,
        lambda s: s["info"].update(title="Courier"),
        [
            (BREAKING, "the package twilio_connector was renamed courier_connector"),
            (BREAKING, "the client class TwilioClient was renamed CourierClient"),
        ],
        [(BREAKING, "the package courier_connector was renamed twilio_connector")],
    ),
}


@pytest.mark.parametrize("case", list(REPORT_CASES))
def test_each_kind_of_change_is_classified_in_both_directions(case: str) -> None:
    base, edit, forward, backward = REPORT_CASES[case]
    before = base()
    after = copy.deepcopy(before)
    edit(after)
    old, new = api_record(before), api_record(after)
    for found, expected in (
        (compare(old, new), forward),
        (compare(new, old), backward),
    ):
        messages = [(change.kind, change.message) for change in found]
        for kind, words in expected:
            assert any(k == kind and words in m for k, m in messages), (words, messages)
        if all(kind == COMPATIBLE for kind, _ in expected):
            assert all(k == COMPATIBLE for k, _ in messages), messages
    assert compare(old, old) == []


def test_a_description_edit_changes_no_public_api() -> None:
    spec = twilio()
    edited = copy.deepcopy(spec)
    change_description(edited)
    assert compare(api_record(spec), api_record(edited)) == []


# -- the command -------------------------------------------------------------------------------

PACKAGE = "library_catalog_connector"


def withdraw_nothing(project: Path) -> None:
    """The spec edit of the command tests: the withdrawBook operation removed."""
    path = project / "spec" / "library.json"
    spec = json.loads(path.read_text())
    del spec["paths"]["/books/{isbn}"]["delete"]
    path.write_text(json.dumps(spec))


def test_changes_lists_what_the_edited_spec_breaks_and_exits_3_only_when_asked(
    project: Path,
) -> None:
    assert invoke("generate")[0] == 0
    assert invoke("changes") == (0, "no change to the public API\n")
    withdraw_nothing(project)
    code, output = invoke("changes")
    assert code == 0
    assert output.splitlines() == [
        "breaking: withdraw_book() was removed (DELETE /books/{isbn})",
        "breaking: the error class ConflictError was removed",
        "2 changes: 2 breaking, 0 compatible",
    ]
    assert invoke("changes", "--fail-on", "breaking")[0] == EXIT_BREAKING
    code, output = invoke("changes", "--format", "json")
    assert json.loads(output)["changes"][0] == {
        "kind": "breaking",
        "what": "operation",
        "message": "withdraw_book() was removed (DELETE /books/{isbn})",
        "package": f"out/{PACKAGE}",
        "against": "the package on disk",
    }


def test_adding_or_removing_the_async_client_is_a_reported_change(
    project: Path,
) -> None:
    invoke("generate")
    code, output = invoke("changes", "--no-async", "--fail-on", "breaking")
    assert code == EXIT_BREAKING
    assert output.splitlines()[0] == (
        "breaking: the async client AsyncLibraryCatalogClient was removed"
    )
    invoke("generate", "--no-async")
    assert not (project / "out" / PACKAGE / "async_client.py").exists()
    assert (
        "AsyncLibraryCatalogClient"
        not in (project / "out" / PACKAGE / "API.md").read_text()
    )
    code, output = invoke("changes", "--fail-on", "breaking")
    assert (code, output.splitlines()[0]) == (
        0,
        "compatible: a new async client AsyncLibraryCatalogClient",
    )


def test_a_record_written_before_the_async_client_reads_as_having_none(
    project: Path,
) -> None:
    invoke("generate", "--no-async")
    path = project / "out" / PACKAGE / API_RECORD
    record_data = json.loads(path.read_text())
    del record_data["async_client"]
    path.write_text(json.dumps(record_data))
    assert invoke("changes", "--no-async") == (0, "no change to the public API\n")


def test_a_compatible_change_passes_the_gate(project: Path) -> None:
    invoke("generate")
    path = project / "spec" / "library.json"
    spec = json.loads(path.read_text())
    spec["definitions"]["Extra"] = {
        "type": "object",
        "properties": {"a": {"type": "string"}},
    }
    path.write_text(json.dumps(spec))
    code, output = invoke("changes", "--fail-on", "breaking")
    assert (code, output.splitlines()[0]) == (0, "compatible: a new model Extra")


def test_against_a_folder_compares_with_the_package_in_it(project: Path) -> None:
    invoke("generate")
    shutil.copytree(project / "out", project / "before")
    withdraw_nothing(project)
    invoke("generate")
    assert invoke("changes") == (0, "no change to the public API\n")
    for baseline in ("before", f"before/{PACKAGE}"):
        _, output = invoke("changes", "--against", baseline)
        assert "breaking: withdraw_book() was removed" in output, (baseline, output)


def test_against_a_git_revision_reads_the_record_committed_there(project: Path) -> None:
    invoke("generate")
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.com"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "generated"]):
        subprocess.run([*git, *command], cwd=project, check=True, capture_output=True)
    withdraw_nothing(project)
    invoke("generate")
    code, output = invoke("changes", "--against", "HEAD", "--fail-on", "breaking")
    assert code == EXIT_BREAKING
    assert "breaking: withdraw_book() was removed" in output
    code, output = invoke("changes", "--against", "no-such-revision")
    assert code == 2 and "no such folder or git revision" in output


def test_a_package_without_a_record_gets_one_line(project: Path) -> None:
    invoke("generate")
    (project / "out" / PACKAGE / API_RECORD).unlink()
    code, output = invoke("changes")
    assert code == 0
    assert output == (
        f"out/{PACKAGE}: no API record to compare with (generated by an earlier version);"
        " the next `generate` records it\n"
    )


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ("not json", ""),
        ('{"format": 1}', "/package"),
        ("[]", ""),
    ],
)
def test_a_record_that_is_not_one_is_a_located_error(
    project: Path, text: str, pointer: str
) -> None:
    invoke("generate")
    (project / "out" / PACKAGE / API_RECORD).write_text(text)
    code, output = invoke("changes")
    assert code == 2
    assert "not an API record this version reads" in output
    assert API_RECORD in output and pointer in output and "Traceback" not in output


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda r: r.update(format=2), "/format"),
        (
            lambda r: r["operations"][0].update(parameters="x"),
            "/operations/0/parameters",
        ),
        (
            lambda r: r["models"][0]["fields"][0].update(required="yes"),
            "/models/0/fields/0/required",
        ),
        (
            lambda r: r["operations"][0]["errors"].update({"404": 3}),
            "/operations/0/errors/404",
        ),
        (
            lambda r: r["operations"][0]["parameters"][0].update(position=True),
            "/operations/0/parameters/0/position",
        ),
    ],
)
def test_a_wrong_value_in_a_record_is_named_by_its_pointer(
    change: Callable[[dict[str, Any]], object], pointer: str
) -> None:
    data = record(parse_twilio())
    change(data)
    with pytest.raises(RecordError) as caught:
        read_record(json.dumps(data), "api.json")
    (finding,) = caught.value.findings
    assert (finding.file, finding.pointer) == ("api.json", pointer)


def parse_twilio() -> Api:
    from generator.source import bundler, loader

    return parse(bundler.bundle(loader.load_spec(TWILIO_SPEC, "twilio.yaml")))


def test_the_committed_package_carries_its_api_record_and_reference() -> None:
    package = ROOT / "generated" / "twilio_connector"
    recorded = read_record((package / API_RECORD).read_text(), "api")
    assert recorded == record(parse_twilio())
    reference = (package / "API.md").read_text()
    for heading in (
        "### get_message",
        "### list_messages",
        "### send_message",
        "### Message",
    ):
        assert heading in reference


BEFORE_THE_SEAM = ROOT / "tests" / "specs" / "records-before-the-seam"


def test_records_written_before_the_document_seam_compare_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The API records of both committed packages as main wrote them before the parse stage
    read the document through the typed reader (commit 52aac3a): `changes` reads them, finds
    nothing changed, and today's records are byte for byte the same."""
    monkeypatch.chdir(ROOT)
    code, output = invoke("changes", "--against", str(BEFORE_THE_SEAM))
    assert code == 0
    lines = output.splitlines()
    assert len(lines) == 2 and all(
        line.endswith("no change to the public API") for line in lines
    ), output
    for package in ("twilio_connector", "twilio_api"):
        before = (BEFORE_THE_SEAM / package / API_RECORD).read_bytes()
        assert (ROOT / "generated" / package / API_RECORD).read_bytes() == before
