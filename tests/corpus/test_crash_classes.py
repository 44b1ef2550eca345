"""Specs that validate but crashed the generator or gave broken code.

Each class is one small edit of a base document; every verdict comes without a traceback
(`invoke` fails on any exception that is not an exit), and `validate` agrees with `generate`.
"""

from __future__ import annotations

import json
import py_compile
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ..conftest import (
    BLACK_CHECK,
    BLACK_PREVIEW_CHECK,
    MYPY_STRICT,
    PYTEST_QUIET,
    PYTHON,
    invoke,
    run,
)

Spec = dict[str, Any]


def base() -> Spec:
    return {
        "swagger": "2.0",
        "info": {"title": "Crash", "version": "1"},
        "paths": {
            "/a": {
                "get": {
                    "operationId": "getA",
                    "parameters": [],
                    "responses": {
                        "200": {
                            "description": "ok",
                            "schema": {"$ref": "#/definitions/A"},
                        }
                    },
                }
            }
        },
        "definitions": {
            "A": {"type": "object", "properties": {"x": {"type": "string"}}}
        },
    }


def operation(spec: Spec) -> Spec:
    result: Spec = spec["paths"]["/a"]["get"]
    return result


def nested_maps(depth: int) -> Spec:
    schema: Spec = {"type": "string"}
    for _ in range(depth):
        schema = {"type": "object", "additionalProperties": schema}
    return schema


def allof_self(spec: Spec) -> None:
    spec["definitions"]["A"]["allOf"] = [{"$ref": "#/definitions/A"}]


def allof_cycle(spec: Spec) -> None:
    spec["definitions"]["A"]["allOf"] = [{"$ref": "#/definitions/B"}]
    spec["definitions"]["B"] = {"allOf": [{"$ref": "#/definitions/A"}]}


def info_not_object(spec: Spec) -> None:
    spec["info"] = "Crash"


def in_not_string(spec: Spec) -> None:
    operation(spec)["parameters"].append({"name": "q", "in": 3, "type": "string"})


def status_float(spec: Spec) -> None:
    operation(spec)["responses"]["200.0"] = {"description": "float"}


def status_range(spec: Spec) -> None:
    operation(spec)["responses"]["2XX"] = {"description": "range"}


def responses_list(spec: Spec) -> None:
    operation(spec)["responses"] = ["ok"]


def properties_list(spec: Spec) -> None:
    spec["definitions"]["A"]["properties"] = ["x"]


def duplicate_parameters(spec: Spec) -> None:
    operation(spec)["parameters"] += [
        {"name": "q", "in": "query", "type": "string"},
        {"name": "q", "in": "query", "type": "integer"},
        {"name": "fooBar", "in": "query", "type": "string"},
        {"name": "foo_bar", "in": "query", "type": "string"},
    ]


def write(tmp_path: Path, edit: Callable[[Spec], None]) -> Path:
    spec = base()
    edit(spec)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec))
    return path


@pytest.mark.parametrize("edit", [allof_self, allof_cycle], ids=lambda f: f.__name__)
@pytest.mark.parametrize("lenient", [[], ["--lenient"]], ids=["strict", "lenient"])
def test_allof_reaching_itself_is_a_located_error_or_left_out(
    tmp_path: Path, edit: Callable[[Spec], None], lenient: list[str]
) -> None:
    """Strictly a located error; with --lenient the definition is left out (and what refers
    to it), each with a located warning."""
    spec = str(write(tmp_path, edit))
    for command in (
        ["validate", spec],
        ["generate", spec, "-o", str(tmp_path / "out")],
    ):
        code, output = invoke(*command, *lenient)
        assert code == (0 if lenient else 2), output
        reaches = re.search(
            r"^(error|tolerated): \S*spec\.json:1:[0-9]+: /definitions/([AB])/allOf/0/\$ref:"
            r" allOf reaches the schema itself \([^)]*\)(.*)$",
            output,
            re.MULTILINE,
        )
        assert reaches is not None, output
        label, name, rest = reaches.groups()
        if lenient:
            assert label == "tolerated"
            assert rest == f"; the definition {name!r} is left out"
            assert "the operation 'getA' (GET /a) is left out" in output
        else:
            assert (label, rest) == ("error", "")
    assert (tmp_path / "out").exists() == bool(lenient)
    for module in (tmp_path / "out").rglob("*.py"):
        py_compile.compile(str(module), doraise=True)


VERDICT_CASES = [
    info_not_object,
    in_not_string,
    status_float,
    status_range,
    responses_list,
    properties_list,
    duplicate_parameters,
]


@pytest.mark.parametrize("edit", VERDICT_CASES, ids=lambda f: f.__name__)
@pytest.mark.parametrize("lenient", [[], ["--lenient"]], ids=["strict", "lenient"])
def test_validate_and_generate_give_one_verdict(
    tmp_path: Path, edit: Callable[[Spec], None], lenient: list[str]
) -> None:
    spec = str(write(tmp_path, edit))
    validated, said = invoke("validate", spec, *lenient)
    generated, output = invoke("generate", spec, "-o", str(tmp_path / "out"), *lenient)
    assert validated == generated, (said, output)
    assert validated in (0, 2)
    if validated == 2:
        assert "spec.json:1:" in said  # located
        assert not (tmp_path / "out").exists()
    else:  # a lenient generation always compiles
        for module in (tmp_path / "out").rglob("*.py"):
            py_compile.compile(str(module), doraise=True)


def combined(spec: Spec) -> None:
    """Valid shapes that gave code mypy rejects, that black changes, or that does not import."""
    definitions = spec["definitions"]
    definitions["SelfKind"] = {
        "type": "object",
        "discriminator": "kind",
        "required": ["kind"],
        "properties": {"kind": {"$ref": "#/definitions/SelfKind"}},
    }
    definitions["IntKind"] = {
        "type": "object",
        "discriminator": "kind",
        "required": ["kind"],
        "properties": {"kind": {"type": "integer"}},
    }
    definitions["Seven"] = {
        "allOf": [{"$ref": "#/definitions/IntKind"}],
        "x-ms-discriminator-value": "7",
    }
    definitions["Named"] = {"allOf": [{"$ref": "#/definitions/IntKind"}]}
    definitions["A"]["properties"]["deep"] = nested_maps(30)
    definitions["A"]["properties"]["self"] = {"$ref": "#/definitions/SelfKind"}
    definitions["A"]["properties"]["kinds"] = {"$ref": "#/definitions/IntKind"}
    spec["info"]["title"] = "Crash \ud800 title"
    spec["info"]["description"] = "lone \udfff surrogate"
    grid: Spec = {
        "type": "object",
        "additionalProperties": {"type": "string", "enum": ["v"]},
    }
    for _ in range(6):
        grid = {"type": "array", "items": grid}
    spec["paths"]["/c/{__init__}"] = (
        {  # a shape the property test found: black split it
            "get": {
                "operationId": "__init__2",
                "parameters": [
                    {
                        "name": "__init__",
                        "in": "path",
                        "type": "string",
                        "required": True,
                    },
                    {"name": "__init__", "in": "query", "type": "string"},
                ],
                "responses": {"200": {"description": "", "schema": grid}},
            }
        }
    )
    spec["paths"]["/b"] = {
        "get": {
            "operationId": "getGrid",
            "responses": {
                "200": {
                    "description": "grid",
                    "schema": {
                        "type": "array",
                        "items": {"type": "array", "items": nested_maps(6)},
                    },
                }
            },
        }
    }


def test_valid_shapes_give_clean_code_that_imports(tmp_path: Path) -> None:
    spec = write(tmp_path, combined)
    output = tmp_path / "out"
    code, said = invoke("generate", str(spec), "-o", str(output), "--package", "crash")
    assert code == 0, said
    assert "lone surrogate escape is not a character" in said
    imported = run([PYTHON, "-c", "import crash, crash.client"], output)
    assert imported.returncode == 0, imported.stderr
    for command in (MYPY_STRICT, BLACK_CHECK, BLACK_PREVIEW_CHECK, PYTEST_QUIET):
        checked = run([*command, "crash"], output)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_copy_of_the_base_is_valid(tmp_path: Path) -> None:
    """The edits above start from a valid document, so each verdict is the edit's."""
    code, said = invoke("validate", str(write(tmp_path, lambda spec: None)))
    assert code == 0 and said.endswith("spec.json: valid Swagger 2.0\n")
