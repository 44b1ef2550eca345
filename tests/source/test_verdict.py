"""One verdict on a spec, whichever command reads it, whatever its size, the cores, what is
installed, the environment or the hash seed."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import memo
from generator.source import validator

from ..conftest import PYTHON, ROOT, invoke, run
from ..corpus.test_corpus import CORPUS

PACKAGE = "library_catalog_connector"
INVALID = CORPUS / "powerplatform-invalid"


@pytest.fixture
def background(monkeypatch: pytest.MonkeyPatch, forked: list[object]) -> list[object]:
    """Validation forced into a forked child (two cores, no size threshold, no memo)."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(validator, "BACKGROUND_MIN_SIZE", 0)
    monkeypatch.setenv(memo.DISABLE_ENV, "1")
    return forked


def make_invalid(project: Path) -> None:
    """The spec made invalid in a way the parser reads past (a number where a string must be),
    and padded past the size that sends validation to the background."""
    path = project / "spec" / "library.json"
    spec = json.loads(path.read_text())
    spec["info"]["version"] = 3
    spec["info"]["description"] = "padding " * 150_000
    path.write_text(json.dumps(spec))
    assert path.stat().st_size > validator.BACKGROUND_MIN_SIZE


@pytest.mark.parametrize(
    "command",
    [["validate"], ["generate"], ["check"], ["changes"], []],
    ids=["validate", "generate", "check", "changes", "no-argument run"],
)
def test_every_command_refuses_an_invalid_spec_validated_in_the_background(
    project: Path, background: list[object], command: list[str]
) -> None:
    assert (
        invoke("generate")[0] == 0
    )  # changes and check have a package to compare with
    background.clear()
    make_invalid(project)
    code, output = invoke(*command)
    assert code == 2, output
    assert "/info/version: 3 is not of type 'string'" in output
    assert "the spec has 1 problem" in output
    assert background and all(result is not None for result in background)


def run_validate_everywhere(specs: list[Path], env: dict[str, str], block: bool) -> str:
    """`validate` on each spec, in one fresh interpreter; with `block`, jsonschema_rs cannot
    be imported there. Returns what it printed, and which backend the validator itself would
    have picked."""
    script = (
        "import sys\n"
        + ("sys.modules['jsonschema_rs'] = None\n" if block else "")
        + "from click.testing import CliRunner\n"
        "from generator.cli import main\n"
        "from openapi_spec_validator.schemas import get_validator_backend\n"
        "print('backend', get_validator_backend())\n"
        "for spec in sys.argv[1:]:\n"
        "    result = CliRunner().invoke(main, ['validate', spec])\n"
        "    print(spec, result.exit_code, result.output)\n"
    )
    done = run([PYTHON, "-c", script, *map(str, specs)], ROOT, env)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.slow
@pytest.mark.skipif(not INVALID.exists(), reason=f"no corpus at {INVALID}")
def test_findings_are_the_same_whatever_backend_environment_or_hash_seed() -> None:
    pytest.importorskip("jsonschema_rs", reason="jsonschema-rs is a dev dependency")
    specs = sorted(INVALID.glob("*.json"))
    variants = {
        "jsonschema-rs importable, auto": ({"PYTHONHASHSEED": "0"}, False),
        "jsonschema-rs blocked": ({"PYTHONHASHSEED": "1"}, True),
        "environment asks for jsonschema-rs": (
            {
                "PYTHONHASHSEED": "2",
                "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND": "jsonschema-rs",
            },
            False,
        ),
        "environment asks for jsonschema": (
            {
                "PYTHONHASHSEED": "3",
                "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND": "jsonschema",
            },
            False,
        ),
    }
    outputs = {
        name: run_validate_everywhere(specs, env, block)
        for name, (env, block) in variants.items()
    }
    backends = {name: text.splitlines()[0] for name, text in outputs.items()}
    assert backends["jsonschema-rs importable, auto"] == "backend jsonschema-rs"
    assert backends["jsonschema-rs blocked"] == "backend jsonschema"
    findings = {name: text.split("\n", 1)[1] for name, text in outputs.items()}
    assert len(set(findings.values())) == 1, findings
    # every one is refused but Impower, whose only findings were `type: file` at the root of
    # response schemas, which Swagger 2.0 allows (docs/support.md)
    refused = findings["jsonschema-rs blocked"].count(" 2 error: ")
    assert refused == len(specs) - 1, findings["jsonschema-rs blocked"]
    assert "Impower.json 0 " in findings["jsonschema-rs blocked"]


def test_findings_in_several_referenced_files_are_all_listed(tmp_path: Path) -> None:
    """The same problem at the same place of three files is three findings, not one."""
    spec = {
        "swagger": "2.0",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "definitions": {
            name: {"$ref": f"{name.lower()}.json"} for name in ("A", "B", "C")
        },
    }
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.json").write_text('{"type": "object", "required": 5}')
    (tmp_path / "spec.json").write_text(json.dumps(spec))
    code, output = invoke("validate", str(tmp_path / "spec.json"))
    assert code == 2
    assert "the spec has 3 problems" in output
    for name in ("a", "b", "c"):
        assert f"{name}.json:1:" in output, output
