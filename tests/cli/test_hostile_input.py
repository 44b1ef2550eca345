"""Hostile specs: every string is escaped, every name made safe, nothing from the spec is ever
executed, and the output never lands outside the output folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.pipeline import generate

from ..conftest import (
    MYPY_STRICT,
    PYTEST_QUIET,
    PYTHON,
    ROOT,
    RUFF_CHECK,
    imported_roots,
    invoke,
    make_job,
    run,
)

# Descriptions, titles, versions, names, enum values, defaults and paths holding quotes, Jinja
# syntax, control characters, line breaks followed by code, Python keywords and dunders, names
# equal only after NFKC normalisation and names of the generated code's own helpers. Strings
# that would run `touch HOSTILE_MARKER` if any of them were executed.
HOSTILE_SPEC = ROOT / "tests" / "specs" / "hostile.json"
MARKER = "HOSTILE_MARKER"


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("hostile")
    generate(make_job(HOSTILE_SPEC, output, package="hostile_connector"))
    return output


def test_the_hostile_spec_holds_what_it_claims() -> None:
    spec = json.loads(HOSTILE_SPEC.read_text(encoding="utf-8"))
    for fragment in ('"""', "'''", "{{", "{%", "# noqa", "\x00", "\r\nimport os", "\\"):
        assert fragment in spec["info"]["description"], fragment
    hostile_names = {
        "__init__",
        "__class__",
        "self",
        "None",
        "class",
        "1st",
        "",
        "\ufb01le",
        "file",
    }
    assert hostile_names <= set(spec["definitions"])


@pytest.mark.slow
@pytest.mark.parametrize(
    "command",
    [MYPY_STRICT, RUFF_CHECK, [PYTHON, "-m", "black", "--check", "--quiet"]],
    ids=["mypy", "ruff", "black"],
)
def test_hostile_output_is_clean(hostile_output: Path, command: list[str]) -> None:
    result = run([*command, "hostile_connector"], hostile_output)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_hostile_output_imports_silently_and_its_tests_pass(
    hostile_output: Path,
) -> None:
    imported = run([PYTHON, "-c", "import hostile_connector"], hostile_output)
    assert (imported.returncode, imported.stdout, imported.stderr) == (0, "", "")
    tested = run([*PYTEST_QUIET, "hostile_connector"], hostile_output)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert " passed" in tested.stdout and "skipped" not in tested.stdout
    assert not list(hostile_output.rglob(MARKER))
    assert not (ROOT / MARKER).exists()


def test_spec_text_reaches_the_source_only_inside_literals_and_docstrings(
    hostile_output: Path,
) -> None:
    import ast

    for path in (hostile_output / "hostile_connector").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        assert "os" not in imported_roots(path) or path.name == "_runtime.py", path
        calls = {
            ast.unparse(node.func)
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        assert not any(call.split(".")[-1] == "system" for call in calls), path


@pytest.mark.parametrize("title", ["..", "../../etc", "/etc/passwd", "."])
def test_a_hostile_title_cannot_write_outside_the_output_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, title: str
) -> None:
    spec = json.loads((ROOT / "tests" / "specs" / "library.json").read_text())
    spec["info"]["title"] = title
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    monkeypatch.chdir(tmp_path)
    code, output = invoke("generate", "spec.json", "--output", "out")
    assert code == 0, output
    (package,) = (tmp_path / "out").iterdir()
    assert package.name.isidentifier()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "spec.json"]


@pytest.mark.slow
def test_user_templates_get_the_same_escaping_filters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "errors.py.jinja").write_text(
        "# {{ api.description | comment }}\n"
        "TITLE = {{ api.title | literal }}\n"
        "{{ api.description | docstring }}\n"
    )
    monkeypatch.chdir(tmp_path)
    code, output = invoke(
        "generate",
        str(HOSTILE_SPEC),
        "-o",
        "out",
        "--package",
        "h",
        "--templates",
        "templates",
    )
    assert code == 0, output
    text = (tmp_path / "out" / "h" / "errors.py").read_text()
    comment, title, *docstring = text.splitlines()
    assert comment.startswith("# Ends \"\"\" and ''' and {{ 7 * 7 }}")
    name, _, value = title.partition(" = ")
    assert name == "TITLE"
    assert ast_literal(value) == json.loads(HOSTILE_SPEC.read_text())["info"]["title"]
    assert ast_literal("\n".join(docstring)).startswith('Ends """ and')


def ast_literal(source: str) -> str:
    import ast

    value = ast.literal_eval(source)
    assert isinstance(value, str)
    return value


def nested_spec(levels: int) -> dict[str, object]:
    """A response schema of `levels` objects, each the only property of the one before."""
    schema: dict[str, object] = {"type": "string"}
    for _ in range(levels):
        schema = {"type": "object", "properties": {"inner": schema}}
    responses = {"200": {"description": "ok", "schema": schema}}
    return {
        "swagger": "2.0",
        "info": {"title": "Deep", "version": "1"},
        "paths": {"/deep": {"get": {"operationId": "deep", "responses": responses}}},
    }


def test_nesting_up_to_the_limit_generates_and_beyond_it_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from generator.source.loader import MAX_DEPTH

    monkeypatch.chdir(tmp_path)
    # two JSON levels a schema level, six around the outermost: just under the limit
    deepest = (MAX_DEPTH - 8) // 2
    (tmp_path / "deep.json").write_text(json.dumps(nested_spec(deepest)))
    code, output = invoke("generate", "deep.json", "-o", "out", "--no-tests")
    assert code == 0, output
    models = (tmp_path / "out" / "deep_connector" / "models.py").read_text()
    assert models.count("@dataclass(kw_only=True)") == deepest
    (tmp_path / "deeper.json").write_text(json.dumps(nested_spec(MAX_DEPTH)))
    code, output = invoke("generate", "deeper.json", "-o", "out2")
    assert code == 2
    assert f"nesting deeper than {MAX_DEPTH} levels is not supported" in output
    assert "Traceback" not in output and "RecursionError" not in output
    assert not (tmp_path / "out2").exists()


@pytest.mark.slow
def test_a_spec_with_ten_thousand_operations_is_read_validated_and_parsed(
    tmp_path: Path,
) -> None:
    from generator.parse.parser import parse
    from generator.source.bundler import bundle
    from generator.source.loader import load_spec
    from generator.source.validator import validate

    item = {"type": "object", "properties": {"id": {"type": "string"}}}
    paths = {
        f"/items{index}/{{id}}": {
            "get": {
                "operationId": f"getItem{index}",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "string"}
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"$ref": "#/definitions/Item"},
                    }
                },
            }
        }
        for index in range(10_000)
    }
    spec = tmp_path / "big.json"
    spec.write_text(
        json.dumps(
            {
                "swagger": "2.0",
                "info": {"title": "Big", "version": "1"},
                "paths": paths,
                "definitions": {"Item": item},
            }
        )
    )
    source = bundle(load_spec(spec, "big.json"))
    assert validate(source) == []
    api = parse(source)
    assert len(api.operations) == 10_000
    assert api.operations[-1].method_name == "get_item9999"


@pytest.mark.slow
def test_a_model_that_requires_arrays_and_maps_of_itself_gets_working_tests(
    tmp_path: Path,
) -> None:
    node = {
        "type": "object",
        "required": ["children", "byName"],
        "properties": {
            "children": {"type": "array", "items": {"$ref": "#/definitions/Node"}},
            "byName": {
                "type": "object",
                "additionalProperties": {"$ref": "#/definitions/Node"},
            },
        },
    }
    responses = {"200": {"description": "ok", "schema": {"$ref": "#/definitions/Node"}}}
    spec = tmp_path / "tree.json"
    spec.write_text(
        json.dumps(
            {
                "swagger": "2.0",
                "info": {"title": "Tree", "version": "1"},
                "paths": {
                    "/root": {"get": {"operationId": "root", "responses": responses}}
                },
                "definitions": {"Node": node},
            }
        )
    )
    generate(make_job(spec, tmp_path / "out"))
    result = run([*PYTEST_QUIET, "tree_connector"], tmp_path / "out")
    assert result.returncode == 0, result.stdout + result.stderr
