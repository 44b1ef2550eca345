"""The command line through click's CliRunner: exit codes, messages, configuration."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import __version__
from generator.parse.reserved import builtin_templates
from generator.write.manifest import MANIFEST

from ..conftest import TWILIO_SPEC, invoke, tree


def test_version() -> None:
    assert invoke("--version") == (0, f"connector-codegen, version {__version__}\n")


def test_no_command_generates_from_the_configuration(project: Path) -> None:
    code, output = invoke()
    assert code == 0
    assert (
        output == "out/library_catalog_connector: 14 written, 0 unchanged, 0 removed\n"
    )
    assert (project / "out" / "library_catalog_connector" / "client.py").is_file()


def test_generate_then_check_is_current_and_a_second_generate_changes_nothing(
    project: Path,
) -> None:
    assert invoke("generate")[0] == 0
    package = project / "out" / "library_catalog_connector"
    before = {p: p.stat().st_mtime_ns for p in package.rglob("*")}
    assert invoke("check") == (0, "generated code is current\n")
    code, output = invoke("generate")
    assert (code, output) == (
        0,
        "out/library_catalog_connector: 0 written, 14 unchanged, 0 removed\n",
    )
    assert {p: p.stat().st_mtime_ns for p in package.rglob("*")} == before


def test_check_reports_an_edited_and_a_missing_file_with_exit_1(project: Path) -> None:
    invoke("generate")
    package = project / "out" / "library_catalog_connector"
    (package / "client.py").write_text(
        (package / "client.py").read_text() + "# edited\n"
    )
    (package / "models.py").unlink()
    code, output = invoke("check")
    assert code == 1
    assert (
        "out/library_catalog_connector/client.py: edited by hand since it was generated"
        in output
    )
    assert (
        "out/library_catalog_connector/models.py: missing: generate would create it"
        in output
    )
    assert invoke("check", "--quiet") == (1, "")
    code, output = invoke("check", "--diff")
    assert code == 1 and "-# edited" in output


def test_check_sees_a_spec_change(project: Path) -> None:
    invoke("generate")
    spec = project / "spec" / "library.json"
    spec.write_text(spec.read_text().replace("Books on a shelf", "Books on one shelf"))
    code, output = invoke("check")
    assert code == 1
    assert "client.py: stale: the spec spec/library.json changed" in output
    assert f"{MANIFEST}: stale: the spec spec/library.json changed" in output


def test_check_writes_nothing(project: Path) -> None:
    invoke("generate")
    (project / "out" / "library_catalog_connector" / "models.py").unlink()
    before = tree(project)
    invoke("check")
    assert tree(project) == before


def test_flags_override_the_configuration(project: Path) -> None:
    code, _ = invoke(
        "generate",
        str(TWILIO_SPEC),
        "--output",
        "elsewhere",
        "--package",
        "sms",
        "--no-tests",
    )
    assert code == 0
    files = tree(project / "elsewhere" / "sms")
    assert "client.py" in files and not any(name.startswith("tests/") for name in files)
    assert b"class TwilioClient" in files["client.py"]


def test_an_invalid_package_name_is_a_usage_error(project: Path) -> None:
    code, output = invoke("generate", "--package", "not-valid")
    assert code == 2
    assert "error: --package 'not-valid' is not a valid Python package name" in output
    assert not (project / "out").exists()


def test_an_unknown_configuration_key_is_named(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.connector-codegen]\nspec = "spec/library.json"\nouptut = "x"\n'
    )
    code, output = invoke("generate")
    assert code == 2
    assert "[tool.connector-codegen]: unknown key 'ouptut'" in output


def test_an_invalid_spec_exits_2_and_writes_nothing(project: Path) -> None:
    invoke("generate")
    before = tree(project / "out")
    spec = project / "spec" / "library.json"
    spec.write_text(
        spec.read_text().replace(
            '"$ref": "#/definitions/Person"', '"$ref": "#/definitions/Nobody"', 1
        )
    )
    code, output = invoke("generate")
    assert code == 2
    assert (
        "spec/library.json:" in output
        and "unresolved reference '#/definitions/Nobody'" in output
    )
    assert "nothing was written" in output
    assert tree(project / "out") == before


def test_validate_text_and_json(project: Path) -> None:
    assert invoke("validate") == (0, "spec/library.json: valid Swagger 2.0\n")
    spec = project / "spec" / "library.json"
    spec.write_text(spec.read_text().replace('"version": "2.3.1"', '"version": 2'))
    code, output = invoke("validate", "--format", "json")
    assert code == 2
    findings = json.loads(output[: output.rindex("}") + 1])["findings"]
    assert findings == [
        {
            "file": "spec/library.json",
            "line": 5,
            "column": 16,
            "pointer": "/info/version",
            "message": "2 is not of type 'string'",
        }
    ]


def test_a_missing_spec_is_reported_without_a_traceback(project: Path) -> None:
    code, output = invoke("validate", "nope.yaml")
    assert code == 2
    assert (
        output
        == "error: nope.yaml: no such file\nthe spec has 1 problem; nothing was written\n"
    )


def test_generate_refuses_a_folder_it_did_not_write_unless_forced(
    project: Path,
) -> None:
    package = project / "out" / "library_catalog_connector"
    package.mkdir(parents=True)
    (package / "mine.py").write_text("x = 1\n")
    code, output = invoke("generate")
    assert code == 2 and "was not written by connector-codegen" in output
    assert invoke("generate", "--force")[0] == 0
    assert (package / "mine.py").read_text() == "x = 1\n"


def test_files_no_longer_produced_are_removed_and_foreign_files_kept(
    project: Path,
) -> None:
    invoke("generate")
    package = project / "out" / "library_catalog_connector"
    (package / "notes.txt").write_text("mine")
    (package / "tests" / "__pycache__").mkdir(exist_ok=True)
    (package / "tests" / "__pycache__" / "cached.pyc").write_bytes(b"cache")
    code, output = invoke("generate", "--no-tests")
    assert code == 0 and "4 removed" in output
    assert sorted(p.name for p in (package / "tests").iterdir()) == ["__pycache__"]
    assert (package / "tests" / "__pycache__" / "cached.pyc").read_bytes() == b"cache"
    assert (package / "notes.txt").read_text() == "mine"


def test_the_header_names_the_spec_the_same_however_it_is_spelled(
    project: Path,
) -> None:
    invoke("generate", "./spec/library.json", "--output", "a")
    (project / "sub").mkdir()
    invoke("generate", str(project / "spec" / "library.json"), "--output", "b")
    assert tree(project / "a") == tree(project / "b")
    client = (project / "a" / "library_catalog_connector" / "client.py").read_text()
    assert client.startswith(
        "# Generated by connector-codegen from spec/library.json.\n"
    )


def test_a_user_template_overrides_the_built_in_one_by_name(project: Path) -> None:
    templates = project / "my-templates"
    templates.mkdir()
    builtin = (builtin_templates() / "errors.py.jinja").read_text(encoding="utf-8")
    custom = builtin.replace(
        "{{ header }}\n", "{{ header }}\n# For {{ api.title | comment }}\n"
    )
    (templates / "errors.py.jinja").write_text(custom, encoding="utf-8")
    assert invoke("generate", "--templates", "my-templates")[0] == 0
    package = project / "out" / "library_catalog_connector"
    assert "\n# For Library Catalog\n" in (package / "errors.py").read_text()
    assert "class LibraryCatalogClient" in (package / "client.py").read_text()
    # the output now depends on the override: without it, check finds the output stale
    code, output = invoke("check")
    assert code == 1 and "errors.py: stale: template errors.py.jinja changed" in output
    assert invoke("check", "--templates", "my-templates")[0] == 0


@pytest.mark.parametrize(
    "name",
    [
        "_runtime.py.jinja",
        "py.typed.jinja",
        "tests/__init__.py.jinja",
        "extra.py.jinja",
    ],
)
def test_an_override_of_a_template_that_does_not_exist_is_a_clear_error(
    project: Path, name: str
) -> None:
    templates = project / "my-templates"
    (templates / name).parent.mkdir(parents=True)
    (templates / name).write_text("# mine\n", encoding="utf-8")
    code, output = invoke("generate", "--templates", "my-templates")
    assert code == 2
    assert f"{name} is not a template of this version" in output
    assert "the templates are __init__.py.jinja, client.py.jinja" in output
    assert "Traceback" not in output and not (project / "out").exists()


def test_a_macro_file_beside_the_templates_is_not_an_override(project: Path) -> None:
    templates = project / "my-templates"
    templates.mkdir()
    (templates / "macros.jinja").write_text("{% macro hello() %}hi{% endmacro %}\n")
    builtin = (builtin_templates() / "errors.py.jinja").read_text(encoding="utf-8")
    custom = '{% import "macros.jinja" as m %}' + builtin + "# {{ m.hello() }}\n"
    (templates / "errors.py.jinja").write_text(custom, encoding="utf-8")
    assert invoke("generate", "--templates", "my-templates")[0] == 0
    errors = project / "out" / "library_catalog_connector" / "errors.py"
    assert errors.read_text().endswith("]\n# hi\n")


def test_a_broken_user_template_is_a_clear_error(project: Path) -> None:
    templates = project / "my-templates"
    templates.mkdir()
    (templates / "models.py.jinja").write_text("{% for x in %}\n")
    code, output = invoke("generate", "--templates", "my-templates")
    assert code == 2
    assert "models.py.jinja:1" in output
    assert not (project / "out").exists()


COMMANDS = ("validate", "generate", "check", "changes")


def test_h_is_help_and_no_command_is_cut_short() -> None:
    code, output = invoke("-h")
    assert code == 0 and output.startswith(
        "Usage: "
    )  # CliRunner calls the program main
    listed = output.split("Commands:\n", 1)[1].splitlines()
    assert [line.split()[0] for line in listed] == sorted(COMMANDS)
    assert not any(line.rstrip().endswith("...") for line in listed), listed


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_lists_its_exit_codes_and_defaults(command: str) -> None:
    code, output = invoke(command, "-h")
    assert code == 0 and f" {command} [OPTIONS] [SPEC]" in output.splitlines()[0]
    codes = output.split("Exit codes:\n", 1)[1].split("\n\n", 1)[0].split("\n")
    numbers = [line.split()[0] for line in codes]
    assert numbers[0] == "0" and "2" in numbers, codes
    options = output.split("Options:\n", 1)[1]
    for option, default in (
        ("--format", "[default: text]"),
        ("--fail-on", "[default: never]"),
    ):
        if option in options:
            assert default in " ".join(options.split()), (option, options)
    if "--output" in options:
        assert "default: the current folder" in " ".join(options.split())
