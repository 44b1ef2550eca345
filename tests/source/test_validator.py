"""Validation: schema errors from openapi-spec-validator plus the semantic checks it lacks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from generator.source.loader import load_spec
from generator.source.validator import validate

from ..conftest import LIBRARY_SPEC, TWILIO_SPEC


def problems(tmp_path: Path, document: dict[str, Any]) -> list[str]:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document, indent=2))
    return [str(finding) for finding in validate(load_spec(path, "spec.json"))]


def spec(paths: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "T", "version": "1"},
        "paths": paths,
        **extra,
    }


OK = {"200": {"description": "ok"}}


def test_the_project_specs_are_valid() -> None:
    assert validate(load_spec(TWILIO_SPEC, "twilio.yaml")) == []
    assert validate(load_spec(LIBRARY_SPEC, "library.json")) == []


def test_every_schema_error_is_reported_with_pointer_and_position(
    tmp_path: Path,
) -> None:
    document = spec(
        {
            "/a": {
                "get": {
                    "parameters": [{"name": "q", "in": "query", "type": "strin"}],
                    "responses": OK,
                }
            }
        },
        definitions={"X": {"type": "objec"}},
    )
    del document["info"]["version"]
    found = problems(tmp_path, document)
    assert len(found) == 3, found
    assert found[0] == "spec.json:3:11: /info: 'version' is a required property"
    # of the oneOf branches a parameter may match, the one it was meant for explains the error
    assert found[1] == (
        "spec.json:13:21: /paths/~1a/get/parameters/0/type:"
        " 'strin' is not one of ['string', 'number', 'boolean', 'integer', 'array']"
    )
    assert found[2].startswith(
        "spec.json:26:15: /definitions/X/type: 'objec' is not one of"
    )


def test_unresolved_and_external_references_are_reported_before_any_resolution(
    tmp_path: Path,
) -> None:
    responses = {
        "200": {"description": "ok", "schema": {"$ref": "#/definitions/Missing"}},
        "201": {"description": "ok", "schema": {"$ref": "http://example.com/x.json"}},
        "202": {"description": "ok", "schema": {"$ref": "file:///etc/passwd"}},
    }
    found = problems(tmp_path, spec({"/a": {"get": {"responses": responses}}}))
    assert any(
        "unresolved reference '#/definitions/Missing'" in f
        and "/responses/200/schema/$ref" in f
        for f in found
    )
    assert any(
        "'http://example.com/x.json' points outside this document" in f for f in found
    )
    assert any("'file:///etc/passwd' points outside this document" in f for f in found)
    assert not any("root:" in f for f in found)  # never echoes a file it refused


def test_a_reference_to_itself_is_refused(tmp_path: Path) -> None:
    found = problems(tmp_path, spec({}, definitions={"A": {"$ref": "#/definitions/A"}}))
    assert found == [
        "spec.json:10:15: /definitions/A/$ref: reference '#/definitions/A' refers only to itself"
    ]


def test_path_parameters_must_match_the_template(tmp_path: Path) -> None:
    paths = {
        "/a/{id}/{missing}": {
            "get": {
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "string"},
                    {"name": "extra", "in": "path", "required": True, "type": "string"},
                ],
                "responses": OK,
            }
        }
    }
    found = problems(tmp_path, spec(paths))
    assert any(
        "names {missing} but the operation declares no such path parameter" in f
        for f in found
    )
    assert any(
        "path parameter 'extra' does not appear in the path template" in f
        for f in found
    )


def test_duplicate_operation_ids_are_refused(tmp_path: Path) -> None:
    paths = {
        "/a": {"get": {"operationId": "Same", "responses": OK}},
        "/b": {"get": {"operationId": "Same", "responses": OK}},
    }
    found = problems(tmp_path, spec(paths))
    assert found == [
        "spec.json:20:24: /paths/~1b/get/operationId: duplicate operationId 'Same' (also at /paths/~1a/get)"
    ]


def test_clashing_explicit_client_names_are_refused(tmp_path: Path) -> None:
    parameters = [
        {"name": "a<", "in": "query", "type": "string", "x-ms-client-name": "Same"},
        {"name": "a>", "in": "query", "type": "string", "x-ms-client-name": "Same"},
    ]
    found = problems(
        tmp_path, spec({"/a": {"get": {"parameters": parameters, "responses": OK}}})
    )
    assert (
        len(found) == 1
        and "x-ms-client-name 'Same' is given to both 'a<' and 'a>'" in found[0]
    )


def test_only_swagger_2_is_accepted(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        {"openapi": "3.0.0", "info": {"title": "T", "version": "1"}, "paths": {}},
    )
    assert found == [
        "spec.json:1:1: /swagger: only Swagger 2.0 is supported (swagger: \"2.0\"); found '3.0.0'"
    ]


def test_validation_never_opens_a_connection_or_reads_a_referenced_file(
    tmp_path: Path, monkeypatch: Any
) -> None:
    import socket

    secret = tmp_path / "secret.json"
    secret.write_text('{"password": "hunter2"}')

    def refuse(*args: object) -> None:
        raise AssertionError("the validator tried to open a connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    responses = {
        "200": {"description": "ok", "schema": {"$ref": "http://127.0.0.1:9/x.json"}},
        "201": {"description": "ok", "schema": {"$ref": f"file://{secret}"}},
        "202": {"description": "ok", "schema": {"$ref": "secret.json"}},
    }
    found = problems(tmp_path, spec({"/a": {"get": {"responses": responses}}}))
    assert sum("points outside this document" in f for f in found) == 3
    assert not any("hunter2" in f for f in found)
