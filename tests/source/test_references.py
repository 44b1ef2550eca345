"""References to other files: read only from the spec's own folder tree, copied into the
document, located in their own file when wrong, and inputs of `check`."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from generator.errors import SpecError
from generator.parse.parser import parse
from generator.source.bundler import bundle
from generator.source.loader import load_spec

from ..conftest import PYTEST_QUIET, invoke, run

MAIN = """\
swagger: "2.0"
info: {title: Pets, version: "1"}
paths:
  /pets:
    get:
      operationId: ListPets
      parameters:
        - $ref: "common/params.yaml#/parameters/Limit"
      responses:
        "200":
          description: ok
          schema:
            type: array
            items: {$ref: "common/models.yaml#/definitions/Pet"}
        "404":
          $ref: "common/params.yaml#/responses/NotFound"
definitions:
  Pet: {type: object, properties: {local: {type: string}}}
"""
MODELS = """\
definitions:
  Pet:
    type: object
    required: [name]
    properties:
      name: {type: string}
      owner: {$ref: "#/definitions/Owner"}
      tags: {type: array, items: {$ref: "../tags.json#/definitions/Tag"}}
  Owner:
    type: object
    properties:
      pets: {type: array, items: {$ref: "#/definitions/Pet"}}
"""
PARAMS = """\
parameters:
  Limit: {name: limit, in: query, type: integer}
responses:
  NotFound: {description: No pets here}
"""
TAGS = '{"definitions": {"Tag": {"type": "object", "properties": {"label": {"type": "string"}}}}}'


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    spec = tmp_path / "spec"
    (spec / "common").mkdir(parents=True)
    (spec / "main.yaml").write_text(MAIN)
    (spec / "common" / "models.yaml").write_text(MODELS)
    (spec / "common" / "params.yaml").write_text(PARAMS)
    (spec / "tags.json").write_text(TAGS)
    (tmp_path / "outside.json").write_text('{"secret": "hunter2"}')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_referenced_parts_are_copied_in_by_kind_and_name(project: Path) -> None:
    source = bundle(load_spec(project / "spec" / "main.yaml", "spec/main.yaml"))
    data = source.data
    operation = data["paths"]["/pets"]["get"]
    assert operation["parameters"] == [{"$ref": "#/parameters/Limit"}]
    assert operation["responses"]["404"] == {"$ref": "#/responses/NotFound"}
    assert operation["responses"]["200"]["schema"]["items"] == {
        "$ref": "#/definitions/Pet_2"  # the main file already has a Pet
    }
    pet = data["definitions"]["Pet_2"]
    assert pet["properties"]["owner"] == {"$ref": "#/definitions/Owner"}
    assert pet["properties"]["tags"]["items"] == {"$ref": "#/definitions/Tag"}
    assert data["definitions"]["Owner"]["properties"]["pets"]["items"] == {
        "$ref": "#/definitions/Pet_2"  # a cycle across files ends in one copy
    }
    assert sorted(source.references) == [
        "spec/common/models.yaml",
        "spec/common/params.yaml",
        "spec/tags.json",
    ]


def test_a_spec_without_external_references_is_left_as_it_is(project: Path) -> None:
    source = load_spec(project / "spec" / "main.yaml", "spec/main.yaml")
    plain = load_spec(project / "spec" / "tags.json", "spec/tags.json")
    assert bundle(plain) is plain
    assert bundle(source) is not source


@pytest.mark.slow
def test_the_generated_client_works(project: Path) -> None:
    code, output = invoke("generate", "spec/main.yaml", "--output", "out")
    assert code == 0, output
    api = parse(bundle(load_spec(project / "spec" / "main.yaml", "spec/main.yaml")))
    assert [m.name for m in api.models] == ["Pet", "Pet2", "Owner", "Tag"]
    result = run([*PYTEST_QUIET, "pets_connector"], project / "out")
    assert result.returncode == 0, result.stdout + result.stderr


def test_check_names_a_referenced_file_that_changed(project: Path) -> None:
    assert invoke("generate", "spec/main.yaml", "-o", "out")[0] == 0
    assert invoke("check", "spec/main.yaml", "-o", "out")[0] == 0
    tags = project / "spec" / "tags.json"
    tags.write_text(TAGS.replace("label", "caption"))
    code, output = invoke("check", "spec/main.yaml", "-o", "out")
    assert code == 1
    assert (
        "out/pets_connector/models.py: stale: the referenced file spec/tags.json changed"
        in output
    )


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("../outside.json#/secret", "leaves the spec's folder"),
        ("https://example.com/x.json", "is a URL"),
        ("http://127.0.0.1:9/x.json", "is a URL"),
        ("file:///etc/passwd", "is a URL"),
        ("/etc/passwd", "is an absolute path"),
        ("common/missing.yaml", "names no file"),
        ("common/models.yaml#/definitions/Nope", "does not resolve"),
        ("link.json", "leaves the spec's folder"),
    ],
)
def test_references_outside_the_tree_are_refused_without_reading_them(
    project: Path, monkeypatch: pytest.MonkeyPatch, reference: str, problem: str
) -> None:
    (project / "spec" / "link.json").symlink_to(project / "outside.json")
    main = project / "spec" / "main.yaml"
    main.write_text(MAIN + f'  Bad: {{$ref: "{reference}"}}\n')

    def refuse(*args: object) -> None:
        raise AssertionError("a connection was attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    with pytest.raises(SpecError) as caught:
        bundle(load_spec(main, "spec/main.yaml"))
    (finding,) = caught.value.findings
    assert str(finding).startswith("spec/main.yaml:19:")
    assert finding.pointer == "/definitions/Bad/$ref"
    assert problem in finding.message
    assert "hunter2" not in str(finding)


def test_a_problem_inside_a_referenced_file_is_located_in_that_file(
    project: Path,
) -> None:
    models = project / "spec" / "common" / "models.yaml"
    models.write_text(MODELS.replace("name: {type: string}", "name: {type: strin}"))
    code, output = invoke("validate", "spec/main.yaml")
    assert code == 2
    assert (
        "error: spec/common/models.yaml:6:20: /definitions/Pet/properties/name/type:"
        " 'strin' is not one of" in output
    )


def test_an_unreadable_referenced_file_is_reported_once(project: Path) -> None:
    (project / "spec" / "common" / "params.yaml").write_text("parameters: [1, 2\n")
    code, output = invoke("validate", "spec/main.yaml")
    assert code == 2
    errors = [line for line in output.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: spec/common/params.yaml:2:1: invalid YAML: while parsing a flow sequence at line 1, column 13; did not find expected ',' or ']'"
    ]
