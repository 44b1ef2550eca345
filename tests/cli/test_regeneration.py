"""Every kind of staleness `check` detects, interrupted generations, several clients."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator import pipeline
from generator.cli import colorize_diff, use_color
from generator.write.manifest import MANIFEST

from ..conftest import TWILIO_SPEC, invoke

PACKAGE = "library_catalog_connector"


def stale_lines(*args: str) -> dict[str, str]:
    code, output = invoke("check", *args)
    assert code == 1, output
    *stale, next_step = output.splitlines()
    assert next_step.startswith("run `connector-codegen generate"), output
    return dict(line.split(": ", 1) for line in stale)


def test_an_option_change_is_named(project: Path) -> None:
    invoke("generate", "--no-tests")
    lines = stale_lines()
    assert (
        lines[f"out/{PACKAGE}/tests/test_client.py"]
        == "missing: generate would create it"
    )
    assert (
        lines[f"out/{PACKAGE}/{MANIFEST}"]
        == "stale: option tests changed (False -> True)"
    )


def test_a_package_under_another_name_is_named(project: Path) -> None:
    """A package generated under another name (another --package, or a default name an
    earlier naming rule gave) is named where check finds no package folder."""
    invoke("generate", "--package", "catalog_before")
    lines = stale_lines()
    assert lines[f"out/{PACKAGE}"] == (
        "missing: no package folder here, but catalog_before/ was generated from the same"
        " spec: generated with --package catalog_before, or named by an earlier naming rule"
        f" (the default name is now {PACKAGE}; docs/naming.md lists the names the rule"
        " changed)"
    )


def test_files_no_longer_produced_are_named(project: Path) -> None:
    invoke("generate")
    lines = stale_lines("--no-tests")
    assert (
        lines[f"out/{PACKAGE}/tests/test_models.py"]
        == "no longer generated: generate would remove it"
    )


def test_a_generator_change_is_named(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("generate")
    monkeypatch.setattr(pipeline, "generator_fingerprint", lambda: "a newer generator")
    lines = stale_lines()
    assert (
        lines[f"out/{PACKAGE}/{MANIFEST}"] == "stale: the generator changed (now 0.1.0)"
    )


def test_a_folder_without_manifest_is_named(project: Path) -> None:
    invoke("generate")
    (project / "out" / PACKAGE / MANIFEST).unlink()
    code, output = invoke("check")
    assert code == 1
    assert output.splitlines()[-1] == (
        "run `connector-codegen generate --force` to make it current"
    )
    lines = stale_lines()
    assert lines[f"out/{PACKAGE}/{MANIFEST}"] == (
        "no manifest: this folder was not written by generate, which refuses to write"
        " into it (generate --force writes into it anyway)"
    )


def test_check_json_lists_every_stale_file(project: Path) -> None:
    invoke("generate")
    (project / "out" / PACKAGE / "errors.py").unlink()
    code, output = invoke("check", "--format", "json")
    assert code == 1
    assert json.loads(output) == {
        "findings": [
            {
                "file": f"out/{PACKAGE}/errors.py",
                "line": None,
                "column": None,
                "pointer": None,
                "message": "missing: generate would create it",
            }
        ]
    }


def test_diffs_are_coloured_on_a_terminal_unless_no_color() -> None:
    assert use_color(True, {}) is True
    assert use_color(True, {"NO_COLOR": "1"}) is False
    assert use_color(False, {}) is False
    coloured = colorize_diff("--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same\n")
    assert (
        "\x1b[31m-old" in coloured
        and "\x1b[32m+new" in coloured
        and " same\n" in coloured
    )


def test_several_clients_in_one_configuration(project: Path) -> None:
    shutil.copy(TWILIO_SPEC, project / "spec" / "twilio.yaml")
    (project / "pyproject.toml").write_text(
        "[tool.connector-codegen]\n"
        'output = "out"\n'
        "[[tool.connector-codegen.clients]]\n"
        'name = "library"\nspec = "spec/library.json"\n'
        "[[tool.connector-codegen.clients]]\n"
        'spec = "spec/twilio.yaml"\npackage = "sms"\ntests = false\n'
    )
    code, output = invoke("generate")
    assert code == 0
    assert output.splitlines() == [
        f"out/{PACKAGE}: 14 written, 0 unchanged, 0 removed",
        "out/sms: 10 written, 0 unchanged, 0 removed",
    ]
    assert invoke("check") == (0, "generated code is current\n")
    (project / "out" / "sms" / "client.py").unlink()
    assert invoke("check", "--client", "library") == (0, "generated code is current\n")
    code, output = invoke("check", "--client", "twilio")
    assert code == 1 and "out/sms/client.py: missing" in output
    code, output = invoke("generate", "--client", "nope")
    assert code == 2 and "no such client (configured: library, twilio)" in output
    assert (
        invoke("validate")[1]
        == "spec/library.json: valid Swagger 2.0\nspec/twilio.yaml: valid Swagger 2.0\n"
    )


def test_repository_files_for_users_workflows() -> None:
    import yaml

    from ..conftest import ROOT

    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert hooks[0]["id"] == "connector-codegen-check"
    assert hooks[0]["entry"] == "connector-codegen check"
    assert hooks[0]["pass_filenames"] is False
    assert (
        "generated/** linguist-generated=true eol=lf"
        in (ROOT / ".gitattributes").read_text()
    )
