"""`generate` repairs whatever `check` reports: every file the manifest lists, edited or
deleted, and the manifest itself edited into another valid one; through the CLI in a fresh user
project, killed at every step of the repair, and on this repository's own twilio_connector.
"""

from __future__ import annotations

import json
import shutil
import signal
from collections.abc import Callable
from pathlib import Path

import pytest

from generator.write.manifest import MANIFEST
from generator.write.swap import CRASH_ENV, CRASH_STEPS

from ..conftest import COMMITTED, PYTHON, ROOT, invoke, run, tree

PACKAGE = "library_catalog_connector"
USERS_OWN = "conftest.py"  # a vendoring user's own file beside the generated ones


@pytest.fixture
def generated(project: Path) -> Path:
    """A generated package holding a file of the user's own; returns the package folder."""
    assert invoke("generate")[0] == 0
    package = project / "out" / PACKAGE
    (package / USERS_OWN).write_text("# the user's own\n")
    return package


def edit(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"# edited by hand\n")


def damage_manifest(
    edit_data: Callable[[dict[str, dict[str, str]]], None],
) -> Callable[[Path], None]:
    def damage(package: Path) -> None:
        data = json.loads((package / MANIFEST).read_text())
        edit_data(data)
        (package / MANIFEST).write_text(json.dumps(data, indent=2, sort_keys=True))

    return damage


def another_digest(data: dict[str, dict[str, str]]) -> None:
    data["files"]["client.py"] = "0" * 64


def an_entry_less(data: dict[str, dict[str, str]]) -> None:
    del data["files"]["API.md"]


def the_users_file_listed(data: dict[str, dict[str, str]]) -> None:
    data["files"][USERS_OWN] = (
        "0" * 64
    )  # generate must not delete it as no longer generated


MANIFEST_EDITS = {
    "another digest": another_digest,
    "an entry less": an_entry_less,
    "the user's file listed": the_users_file_listed,
}


def damages(package: Path) -> dict[str, tuple[Callable[[Path], None], str | None]]:
    """Every damage `check` reports: (how, the file generate names as restored, and why)."""
    table: dict[str, tuple[Callable[[Path], None], str | None]] = {}
    for path in sorted(json.loads((package / MANIFEST).read_text())["files"]):
        table[f"{path} edited"] = (
            lambda p, path=path: edit(p / path),
            f"restored {path}: edited by hand",
        )
        table[f"{path} deleted"] = (
            lambda p, path=path: (p / path).unlink(),
            f"restored {path}: deleted",
        )
    for name, change in MANIFEST_EDITS.items():
        table[f"manifest: {name}"] = (
            damage_manifest(change),
            f"restored {MANIFEST}: edited by hand",
        )
    return table


@pytest.mark.slow
def test_generate_repairs_every_damage_check_reports(generated: Path) -> None:
    whole = tree(generated)
    table = damages(generated)
    assert len(table) == 2 * (len(whole) - 2) + len(
        MANIFEST_EDITS
    )  # all but manifest, own
    for name, (damage, named) in table.items():
        damage(generated)
        code, output = invoke("check")
        assert code == 1, (name, output)
        assert USERS_OWN not in output or "user's file" in name, (name, output)
        assert (
            output.splitlines()[-1]
            == "run `connector-codegen generate` to make it current"
        )
        code, output = invoke()  # the no-argument run: generate with the configuration
        assert code == 0, (name, output)
        lines = output.splitlines()
        assert f"out/{PACKAGE}: {named}" in lines, (name, output)
        written = 0 if name.startswith("manifest") else 1
        summary = f"out/{PACKAGE}: {written + (MANIFEST in named)} written,"
        assert lines[-1].startswith(summary), (name, output)
        assert tree(generated) == whole, name  # the user's own file included, untouched
        assert invoke("check") == (0, "generated code is current\n"), name


def test_a_second_generate_after_a_repair_writes_nothing(generated: Path) -> None:
    edit(generated / "client.py")
    (generated / "errors.py").unlink()
    code, output = invoke("generate")
    assert code == 0
    assert output.splitlines() == [
        f"out/{PACKAGE}: restored client.py: edited by hand",
        f"out/{PACKAGE}: restored errors.py: deleted",
        f"out/{PACKAGE}: 2 written, 12 unchanged, 0 removed",
    ]
    assert invoke("generate") == (
        0,
        f"out/{PACKAGE}: 0 written, 14 unchanged, 0 removed\n",
    )


def test_a_no_longer_generated_file_edited_since_is_kept_and_named(
    generated: Path,
) -> None:
    edit(generated / "tests" / "test_models.py")
    code, output = invoke("check", "--no-tests")
    assert code == 1
    assert (
        f"out/{PACKAGE}/tests/test_models.py: no longer generated, but edited by hand"
        " since: generate leaves it to you" in output.splitlines()
    )
    code, output = invoke("generate", "--no-tests")
    assert code == 0
    assert (
        f"out/{PACKAGE}: kept tests/test_models.py: no longer generated, but edited by"
        " hand since; delete it if you do not need it" in output.splitlines()
    )
    assert output.splitlines()[-1].endswith(" 3 removed")  # the three left as generated
    assert (generated / "tests" / "test_models.py").exists()
    assert invoke("check", "--no-tests") == (0, "generated code is current\n")


def test_a_deleted_manifest_is_refused_by_generate_and_check_alike(
    generated: Path,
) -> None:
    (generated / MANIFEST).unlink()
    code, output = invoke("generate")
    assert code == 2 and "use --force" in output
    code, output = invoke("check")
    assert code == 1
    assert "generate --force writes into it anyway" in output
    assert invoke("generate", "--force")[0] == 0
    assert invoke("check") == (0, "generated code is current\n")


# A repair removes nothing (test_write_safety kills a generation that does at that step too).
REPAIR_STEPS = [step for step in CRASH_STEPS if step != "removing"]


@pytest.mark.slow
@pytest.mark.parametrize("step", REPAIR_STEPS)
def test_a_repair_killed_at_every_step_is_completed_by_the_next_generate(
    generated: Path, project: Path, step: str
) -> None:
    """Each occurrence of `step` in a repair (two files edited, one deleted) is killed in
    turn; whatever is left, the next generate makes the package what check accepts."""
    whole = tree(generated)
    occurrence = 0
    while True:
        occurrence += 1
        edit(generated / "client.py")
        edit(generated / "tests" / "test_client.py")
        (generated / "errors.py").unlink()
        killed = run(
            [PYTHON, "-m", "generator", "generate"],
            project,
            {CRASH_ENV: f"{step}:{occurrence}", "CONNECTOR_CODEGEN_NO_CACHE": "1"},
        )
        if killed.returncode == 0:
            break  # the step occurs fewer times than this
        assert killed.returncode == -signal.SIGKILL, killed.stderr
        assert invoke("generate")[0] == 0, (step, occurrence)
        assert tree(generated) == whole, (step, occurrence)
        assert invoke("check") == (0, "generated code is current\n"), (step, occurrence)
    assert tree(generated) == whole
    assert occurrence > 1, f"{step} was never reached in a repair"


@pytest.mark.slow
def test_the_committed_twilio_connector_is_repaired_byte_for_byte(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A sample of the table on this repository's own package, in a copy of its layout."""
    (tmp_path / "spec").mkdir()
    shutil.copy(ROOT / "spec" / "twilio.yaml", tmp_path / "spec")
    shutil.copytree(
        COMMITTED / "twilio_connector", tmp_path / "generated" / "twilio_connector"
    )
    (tmp_path / "pyproject.toml").write_text(
        '[tool.connector-codegen]\noutput = "generated"\n\n'
        '[[tool.connector-codegen.clients]]\nname = "twilio"\nspec = "spec/twilio.yaml"\n'
    )
    monkeypatch.chdir(tmp_path)
    package = tmp_path / "generated" / "twilio_connector"
    committed = tree(COMMITTED / "twilio_connector")
    edit(package / "client.py")
    (package / "errors.py").unlink()
    (package / "tests" / "test_client.py").write_text("")
    assert invoke("check")[0] == 1
    code, output = invoke()
    assert code == 0
    assert [line for line in output.splitlines() if "restored" in line] == [
        "generated/twilio_connector: restored client.py: edited by hand",
        "generated/twilio_connector: restored errors.py: deleted",
        "generated/twilio_connector: restored tests/test_client.py: edited by hand",
    ]
    assert tree(package) == committed
    assert invoke("check") == (0, "generated code is current\n")


def test_a_copy_renamed_by_hand_is_told_how_to_generate_it_instead(
    generated: Path, project: Path
) -> None:
    shutil.copytree(generated, project / "out" / "shelf")
    code, output = invoke("check", "--package", "shelf")
    assert code == 1
    assert (
        f"out/shelf/{MANIFEST}: this copy was generated as package {PACKAGE} and renamed"
        " by hand; generate ... --output out --package shelf makes it current"
        " (generate a package under the name you want rather than copying it)"
        in output.splitlines()
    )
    assert output.splitlines()[-1] == (
        "run `connector-codegen generate --package shelf` to make it current"
    )
    shutil.rmtree(generated)
    code, output = invoke("check")  # without --package: the copy is found beside
    assert code == 1
    assert output.splitlines()[0] == (
        f"out/{PACKAGE}: missing: no package folder here, but shelf/ is a copy of the"
        f" package generated from the same spec as {PACKAGE}, renamed by hand;"
        " generate ... --output out --package shelf makes it current (generate a package"
        " under the name you want rather than copying it)"
    )
    assert invoke("generate", "--package", "shelf")[0] == 0
    assert invoke("check", "--package", "shelf") == (0, "generated code is current\n")


def test_changes_names_each_package_and_its_baseline_when_several_are_configured(
    project: Path,
) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.connector-codegen]\noutput = "out"\n\n'
        '[[tool.connector-codegen.clients]]\nname = "a"\nspec = "spec/library.json"\n'
        'package = "shelf_a"\n\n'
        '[[tool.connector-codegen.clients]]\nname = "b"\nspec = "spec/library.json"\n'
        'package = "shelf_b"\n'
    )
    assert invoke("generate")[0] == 0
    path = project / "spec" / "library.json"
    spec = json.loads(path.read_text())
    del spec["paths"]["/books/{isbn}"]["delete"]
    path.write_text(json.dumps(spec))
    code, output = invoke("changes")
    assert code == 0
    for package in ("shelf_a", "shelf_b"):
        prefix = f"out/{package} (against the package on disk): "
        assert (
            prefix + "breaking: withdraw_book() was removed (DELETE /books/{isbn})"
            in output.splitlines()
        ), output
        assert prefix + "2 changes: 2 breaking, 0 compatible" in output.splitlines()
    code, output = invoke("changes", "--against", "out", "--format", "json")
    found = json.loads(output)["changes"]
    assert {(c["package"], c["against"]) for c in found} == {
        ("out/shelf_a", "the package in out"),
        ("out/shelf_b", "the package in out"),
    }
