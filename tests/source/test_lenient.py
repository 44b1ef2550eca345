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


def test_lenient_validate_prints_the_problems_as_warnings_and_exits_0(
    spec: Path,
) -> None:
    code, output = invoke("validate", "--lenient", "spec.yaml")
    assert code == 0
    warnings = lines_with("warning: ", output)
    for problem in PROBLEMS:
        assert any(problem in line for line in warnings), (problem, output)
    assert output.endswith("spec.yaml: usable with --lenient\n")


@pytest.mark.slow
def test_lenient_generate_writes_a_client_whose_tests_pass(spec: Path) -> None:
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 0, output
    assert len(lines_with("warning: ", output)) >= len(PROBLEMS)
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


def test_a_reference_that_does_not_resolve_stays_fatal(spec: Path) -> None:
    spec.write_text(SPEC.replace("type: files", '$ref: "#/definitions/Missing"'))
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 2
    assert "unresolved reference '#/definitions/Missing'" in output
    assert not (spec.parent / "out").exists()


def test_a_document_beyond_understanding_is_a_clear_error(spec: Path) -> None:
    spec.write_text(
        SPEC.replace("type: files", '$ref: "#/definitions/Report"')
        + "definitions:\n  Report:\n    type: object\n    properties: [a, b]\n"
    )
    code, output = invoke("generate", "--lenient", "spec.yaml", "--output", "out")
    assert code == 2
    assert "even with --lenient, the document cannot be understood" in output
    assert "Traceback" not in output
    assert not (spec.parent / "out").exists()
