"""The path the generated test server matches is the path the client sends, decoded whole:
a spec whose path template holds percent-encoded text of its own (AutoRest's url.json), and
path values with reserved characters, give a suite that passes on its own client."""

from __future__ import annotations

from pathlib import Path

from generator.parse.parser import parse
from generator.pipeline import generate
from generator.source.loader import load_spec
from generator.testgen.cases import BASE_PATH, ExampleFactory

from ..conftest import PYTEST_QUIET, make_job, run, write_spec

SPEC = {
    "swagger": "2.0",
    "info": {"title": "Paths", "version": "1"},
    "paths": {
        "/begin%21%2A%27%28%29%3B%3A%40%20%26%3D%2Bend/{when}/{what}": {
            "get": {
                "operationId": "encoded",
                "parameters": [
                    {
                        "name": "when",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "format": "date-time",
                    },
                    {"name": "what", "in": "path", "required": True, "type": "string"},
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def test_the_matched_path_is_the_sent_one_decoded(tmp_path: Path) -> None:
    spec = write_spec(SPEC, tmp_path)
    api = parse(load_spec(spec, "spec.json"))
    (operation,) = api.operations
    values = {"when": "2012-01-01T01:01:01Z", "what": "a/b?c#d"}
    request = ExampleFactory(api).request(operation, values)
    assert request.decoded_path == (
        BASE_PATH + "/begin!*'();:@ &=+end/2012-01-01T01:01:01Z/a/b?c#d"
    )
    assert request.raw_uri == (
        BASE_PATH
        + "/begin%21%2A%27%28%29%3B%3A%40%20%26%3D%2Bend/2012-01-01T01%3A01%3A01Z/"
        + "a%2Fb%3Fc%23d"
    )


def test_its_generated_suite_passes(tmp_path: Path) -> None:
    spec = write_spec(SPEC, tmp_path)
    generated, _ = generate(make_job(spec, tmp_path / "out"))
    result = run([*PYTEST_QUIET, generated.package], tmp_path / "out")
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and "failed" not in result.stdout


QUERY_IN_PATH = {
    "swagger": "2.0",
    "info": {"title": "Query In Path", "version": "1"},
    "paths": {
        "/containers/?comp=list": {
            "get": {
                "operationId": "listContainers",
                "parameters": [{"name": "prefix", "in": "query", "type": "string"}],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def test_a_path_key_that_holds_a_query_gets_the_parameters_after_it(
    tmp_path: Path,
) -> None:
    """Azure Storage writes `/?comp=list` as a path key: the client joins its query
    parameters with `&`, and the generated suite matches the path without the query."""
    spec = write_spec(QUERY_IN_PATH, tmp_path)
    api = parse(load_spec(spec, "spec.json"))
    (operation,) = api.operations
    request = ExampleFactory(api).request(operation, {"prefix": "a b"})
    assert request.decoded_path == BASE_PATH + "/containers/"
    assert request.raw_uri == BASE_PATH + "/containers/?comp=list&prefix=a%20b"
    generated, _ = generate(make_job(spec, tmp_path / "out"))
    result = run([*PYTEST_QUIET, generated.package], tmp_path / "out")
    assert result.returncode == 0, result.stdout[-3000:]
