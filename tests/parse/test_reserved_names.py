"""The names the generated code binds are never shadowed by spec names.

`generator.parse.reserved.module_names()` is read from the templates; these tests check it against
the names every generated module really binds, and generate from a spec that names its
definitions, properties and parameters after every one of them.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from generator.model import Api
from generator.parse.parser import parse
from generator.parse.reserved import module_names
from generator.pipeline import generate

from ..conftest import (
    LEDGER_SPEC,
    LIBRARY_SPEC,
    MYPY_STRICT,
    PYTEST_QUIET,
    ROOT,
    TWILIO_SPEC,
    make_job,
    run,
)

HOSTILE_SPEC = ROOT / "tests" / "specs" / "hostile.json"


def bound_at_module_level(tree: ast.Module) -> set[str]:
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names |= {(a.asname or a.name).split(".")[0] for a in node.names}
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return names


def spec_names(api: Api) -> set[str]:
    """The module-level names that come from the spec."""
    return {
        api.client_class,
        api.raw_client_class,
        api.async_client_class,
        "Async" + api.raw_client_class,
        *(error.name for error in api.errors),
        *(model.name for model in api.models),
        *(enum.name for enum in api.enums),
    }


@pytest.mark.slow
@pytest.mark.parametrize(
    "spec", [TWILIO_SPEC, LIBRARY_SPEC, LEDGER_SPEC, HOSTILE_SPEC], ids=lambda p: p.stem
)
def test_every_name_a_generated_module_binds_is_reserved(
    spec: Path, tmp_path: Path
) -> None:
    from generator.source import bundler, loader

    generated, _ = generate(make_job(spec, tmp_path))
    api = parse(bundler.bundle(loader.load_spec(spec, spec.name)))
    own = spec_names(api)
    for path, text in generated.files.items():
        if not path.endswith(".py"):
            continue
        bound = bound_at_module_level(ast.parse(text))
        if path.startswith("tests/"):
            # the tests name the package's models and errors through their modules
            # (`models.Error`), so the harness's names (`Error`, `Case`) meet no spec name
            clients = {api.client_class, api.async_client_class}
            assert bound & own <= clients, (path, sorted(bound & own))
            continue
        assert bound - own <= module_names(), (
            path,
            sorted(bound - own - module_names()),
        )


@pytest.mark.slow
def test_a_spec_naming_everything_after_the_generated_code_still_works(
    tmp_path: Path,
) -> None:
    spec = json.loads(LIBRARY_SPEC.read_text())
    names = sorted(module_names())
    classes = [name for name in names if name[:1].isupper()]
    for name in classes:
        spec["definitions"][name] = {
            "type": "object",
            "properties": {other: {"type": "string"} for other in names[:40]},
        }
    spec["paths"]["/reserved"] = {
        "post": {
            "operationId": "useReserved",
            "deprecated": True,
            "parameters": [
                {"name": name, "in": "query", "type": "string"}
                for name in names
                if name.islower() and name.isidentifier()
            ]
            + [
                {
                    "name": "body",
                    "in": "body",
                    "schema": {"$ref": f"#/definitions/{classes[0]}"},
                }
            ],
            "responses": {
                "200": {
                    "description": "ok",
                    "schema": {
                        "type": "array",
                        "items": {"$ref": f"#/definitions/{classes[1]}"},
                    },
                }
            },
        }
    }
    spec["securityDefinitions"] = {
        "key": {"type": "apiKey", "in": "header", "name": "X-Key"},
        "basic": {"type": "basic"},
        "token": {
            "type": "oauth2",
            "flow": "implicit",
            "authorizationUrl": "https://example.org/auth",
            "scopes": {},
        },
    }
    path = tmp_path / "reserved.json"
    path.write_text(json.dumps(spec))
    output = tmp_path / "out"
    generate(make_job(path, output, package="reserved"))
    checked = run([*MYPY_STRICT, "reserved"], output)
    assert checked.returncode == 0, checked.stdout
    tested = run([*PYTEST_QUIET, "reserved"], output)
    assert tested.returncode == 0, tested.stdout + tested.stderr
