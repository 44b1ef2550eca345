"""Swagger 2.0 by its own rules: what the specification allows is valid strictly (where
openapi-spec-validator says otherwise, its finding is corrected), an extension's content is not
the API, a redefined YAML anchor is YAML 1.2, and a documented 101 is not an interim response.
The cases are the world corpus's reproductions (`../shared/corpus/world/repro/`) and small specs
of our own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from generator.pipeline import build

from ..conftest import PYTEST_QUIET, invoke, make_job, run
from ..corpus.test_corpus import CORPUS

REPRO = CORPUS / "world" / "repro"
pytestmark = pytest.mark.skipif(not REPRO.exists(), reason=f"no corpus at {REPRO}")


def spec_with(tmp_path: Path, **parts: Any) -> Path:
    document = {"swagger": "2.0", "info": {"title": "t", "version": "1"}, "paths": {}}
    document |= parts
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document))
    return path


def validated(path: Path, *options: str) -> tuple[int, str]:
    return invoke("validate", str(path), *options)


@pytest.mark.parametrize(
    "name", ["r8-file-response.yaml", "r10-null-default.yaml", "r1-xms-examples.yaml"]
)
def test_what_swagger_2_allows_is_valid_strictly(name: str) -> None:
    code, output = validated(REPRO / name)
    assert code == 0 and output.splitlines()[-1].endswith(f"{name}: valid Swagger 2.0")


def test_type_file_is_allowed_only_at_the_root_of_a_response_schema(
    tmp_path: Path,
) -> None:
    inside = {"type": "object", "properties": {"data": {"type": "file"}}}
    path = spec_with(
        tmp_path,
        paths={
            "/a": {
                "get": {"responses": {"200": {"description": "ok", "schema": inside}}}
            }
        },
    )
    code, output = validated(path)
    assert code == 2 and "properties/data/type: 'file' is not one of" in output


def test_a_null_default_needs_x_nullable(tmp_path: Path) -> None:
    def document(nullable: bool) -> Path:
        field: dict[str, Any] = {"type": "array", "items": {"type": "string"}}
        field["default"] = None
        if nullable:
            field["x-nullable"] = True
        response = {"description": "ok", "schema": {"$ref": "#/definitions/T"}}
        return spec_with(  # defaults are checked in the schemas operations use
            tmp_path,
            paths={"/t": {"get": {"responses": {"200": response}}}},
            definitions={"T": {"type": "object", "properties": {"f": field}}},
        )

    assert validated(document(True))[0] == 0
    code, output = validated(document(False))
    assert code == 2 and "/definitions/T/properties/f/default" in output


def test_a_strict_refusal_lenient_would_get_past_says_so(tmp_path: Path) -> None:
    path = spec_with(tmp_path)
    path.write_text(path.read_text().replace('"1"', "1"))  # a number for info.version
    code, output = validated(path)
    assert code == 2
    assert output.splitlines()[-1] == (
        "the spec has 1 problem; nothing was written; with --lenient they are warnings"
        " and the client is generated"
    )
    assert validated(path, "--lenient")[0] == 0
    missing = spec_with(tmp_path)  # a reference outside every part --lenient leaves out
    missing.write_text(
        missing.read_text().replace(
            '"paths"', '"securityDefinitions": {"k": {"$ref": "#/nowhere"}}, "paths"'
        )
    )
    code, output = validated(missing)  # fatal: --lenient would not get past it
    assert code == 2 and "unresolved reference '#/nowhere'" in output
    assert "with --lenient" not in output


def test_references_inside_an_extension_are_neither_followed_nor_checked(
    tmp_path: Path,
) -> None:
    examples = {"Get": {"$ref": "./examples/Missing.json"}, "Other": {"$ref": "#/x"}}
    path = spec_with(
        tmp_path,
        paths={
            "/a": {
                "get": {
                    "x-ms-examples": examples,
                    "responses": {"200": {"description": "ok"}},
                }
            }
        },
        definitions={
            # a definition that is named like an extension is no extension
            "x-named": {"type": "object", "properties": {"b": {"$ref": "#/nowhere"}}}
        },
    )
    code, output = validated(path)
    assert code == 2
    assert "unresolved reference '#/nowhere'" in output
    assert "Missing.json" not in output and "'#/x'" not in output


def test_a_redefined_anchor_refers_to_its_latest_definition(tmp_path: Path) -> None:
    text = (REPRO / "r7-dup-anchor.yaml").read_text() + (
        "  /again:\n    get:\n      operationId: GetAgain\n      responses: *list\n"
    )
    path = tmp_path / "anchors.yaml"
    path.write_text(text)
    assert validated(path)[0] == 0
    api = build(make_job(path, tmp_path / "out")).files["API.md"]
    assert "get_again" in api
    again = [line for line in api.splitlines() if "orders" in line.lower()]
    assert again, "the alias took the first definition of the anchor"


def test_yaml_errors_name_both_places(tmp_path: Path) -> None:
    path = tmp_path / "keys.yaml"
    path.write_text(
        'swagger: "2.0"\ninfo: {title: t, version: "1"}\npaths: {}\npaths: {}\n'
    )
    code, output = validated(path)
    assert code == 2
    assert "keys.yaml:4:1: duplicate key 'paths' (first at line 3, column 1)" in output
    path.write_text("a: [1, 2\nb: 3\n")
    code, output = validated(path)
    assert "while parsing a flow sequence at line 1, column 4;" in output


@pytest.mark.slow
def test_a_documented_101_is_left_out_and_the_suite_passes(tmp_path: Path) -> None:
    code, output = invoke(
        "generate", str(REPRO / "r9-101.yaml"), "--output", str(tmp_path)
    )
    assert code == 0, output
    assert "101 switches the connection to another protocol" in output
    tests = (tmp_path / "t_connector" / "tests" / "test_client.py").read_text()
    assert "interim_statuses" not in tests
    result = run([*PYTEST_QUIET, "t_connector"], tmp_path)
    assert result.returncode == 0, result.stdout[-3000:]
