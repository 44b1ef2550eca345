"""`--lenient`: real specs that fail strict validation are still reported with locations, and
generated from when the document can be understood."""

from __future__ import annotations

from pathlib import Path

import pytest

from ..conftest import PYTEST_QUIET, invoke, run

# Three errors real connector definitions make: a default of the wrong type, a misspelt type in
# a response schema and an empty `responses`.
SPEC = """\
swagger: "2.0"
info:
  title: Lenient Demo
  version: "1"
paths:
  /reports/{id}:
    get:
      operationId: GetReport
      parameters:
        - name: id
          in: path
          required: true
          type: string
        - name: limit
          in: query
          type: integer
          default: "ten"
      responses:
        "200":
          description: The report file
          schema:
            type: files
  /ping:
    get:
      operationId: Ping
      responses: {}
"""
PROBLEMS = [
    (
        "spec.yaml:17:20: /paths/~1reports~1{id}/get/parameters/1/default:"
        " 'ten' is not of type 'integer'"
    ),
    (
        "spec.yaml:22:19: /paths/~1reports~1{id}/get/responses/200/schema/type:"
        " 'files' is not one of"
    ),
    "spec.yaml:26:18: /paths/~1ping/get/responses: {} should be non-empty",
    "spec.yaml:26:18: /paths/~1ping/get/responses: {} should not be valid under",
]


@pytest.fixture
def spec(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "spec.yaml"
    path.write_text(SPEC)
    return path


def lines_with(prefix: str, output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(prefix)]


@pytest.mark.parametrize(
    "arguments", [["validate", "spec.yaml"], ["generate", "spec.yaml", "-o", "out"]]
)
def test_by_default_every_problem_is_an_error_with_its_location(
    spec: Path, arguments: list[str]
) -> None:
    code, output = invoke(*arguments)
    assert code == 2
    errors = lines_with("error: ", output)
    for problem in PROBLEMS:
        assert any(problem in line for line in errors), (problem, output)
    assert not (spec.parent / "out").exists()


def test_lenient_validate_prints_the_problems_as_tolerated_and_exits_0(
    spec: Path,
) -> None:
    code, output = invoke("validate", "--lenient", "spec.yaml")
    assert code == 0
    tolerated = lines_with("tolerated: ", output)
    for problem in PROBLEMS:
        assert any(problem in line for line in tolerated), (problem, output)
    assert (
        "--lenient: 4 problems blocking strict generation (marked 'tolerated'),"
        " 0 parts of the API left out" in output
    )
    assert output.endswith("spec.yaml: usable with --lenient\n")


@pytest.mark.slow
def test_lenient_generate_writes_a_client_whose_tests_pass(spec: Path) -> None:
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 0, output
    assert len(lines_with("tolerated: ", output)) == len(PROBLEMS)
    assert invoke("check", "--lenient", "spec.yaml", "--output", "out")[0] == 0
    assert invoke("check", "spec.yaml", "--output", "out")[0] == 2
    result = run([*PYTEST_QUIET, "lenient_demo_connector"], spec.parent / "out")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout


def test_lenient_is_also_a_configuration_key(spec: Path) -> None:
    (spec.parent / "pyproject.toml").write_text(
        '[tool.connector-codegen]\nspec = "spec.yaml"\noutput = "out"\nlenient = true\n'
    )
    code, output = invoke()
    assert code == 0, output
    assert (spec.parent / "out" / "lenient_demo_connector" / "client.py").is_file()


def client_of(folder: Path) -> str:
    return (folder / "out" / "lenient_demo_connector" / "client.py").read_text()


def test_a_reference_to_nothing_leaves_its_operation_out(spec: Path) -> None:
    spec.write_text(SPEC.replace("type: files", '$ref: "#/definitions/Missing"'))
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 0, output
    assert (
        "tolerated: spec.yaml:22:19: /paths/~1reports~1{id}/get/responses/200/schema/$ref:"
        " unresolved reference '#/definitions/Missing';"
        " the operation 'GetReport' (GET /reports/{id}) is left out\n" in output
    )
    assert "1 part of the API left out" in output
    client = client_of(spec.parent)
    assert "def get_report(" not in client and "def ping(" in client
    code, output = invoke("generate", "spec.yaml", "--output", "out")
    assert code == 2 and "error: spec.yaml:22:19: " in output


def test_a_part_the_parser_cannot_read_is_left_out_with_what_refers_to_it(
    spec: Path,
) -> None:
    spec.write_text(
        SPEC.replace("type: files", '$ref: "#/definitions/Report"')
        + "definitions:\n  Report:\n    type: object\n    properties: [a, b]\n"
    )
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 0, output
    assert (
        "warning: spec.yaml:29:5: /definitions/Report: the generator cannot read it"
        " (TypeError: properties is list, not an object);"
        " the definition 'Report' is left out\n" in output
    )
    assert (
        "warning: spec.yaml:22:19: /paths/~1reports~1{id}/get/responses/200/schema/$ref:"
        " it refers to the definition 'Report', which is left out;"
        " the operation 'GetReport' (GET /reports/{id}) is left out\n" in output
    )
    assert "def ping(" in client_of(spec.parent)


def test_a_problem_outside_every_part_is_refused_the_others_marked_tolerated(
    spec: Path,
) -> None:
    spec.write_text(
        SPEC.replace(
            "paths:\n",
            'securityDefinitions:\n  key: {$ref: "#/definitions/Nothing"}\npaths:\n',
        )
    )
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 2
    assert (
        "error: spec.yaml:6:15: /securityDefinitions/key/$ref:"
        " unresolved reference '#/definitions/Nothing'\n" in output
    )
    assert len(lines_with("tolerated: ", output)) == 4, output
    assert "(4 of them --lenient gets past, marked 'tolerated')" in output
    assert "Traceback" not in output
    assert not (spec.parent / "out").exists()
