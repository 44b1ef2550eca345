"""The fast path of `check` and `generate`: on current output it decides without rendering, and
its verdict is always the one a full comparison gives."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import check, memo, pipeline
from generator.write.manifest import MANIFEST

from ..conftest import invoke


@pytest.fixture
def generated(project: Path) -> Path:
    assert invoke("generate")[0] == 0
    return project / "out" / "library_catalog_connector"


@pytest.fixture
def no_rendering(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt at the full pipeline."""

    def refuse(job: object) -> None:
        raise AssertionError("the full pipeline ran")

    monkeypatch.setattr(check, "build", refuse)
    monkeypatch.setattr(pipeline, "build", refuse)


def full_verdict(monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    with monkeypatch.context() as patch:
        patch.setenv(memo.DISABLE_ENV, "1")
        return invoke("check")


def test_current_output_is_decided_without_rendering(
    generated: Path, no_rendering: None
) -> None:
    assert invoke("check") == (0, "generated code is current\n")
    assert invoke("generate") == (
        0,
        "out/library_catalog_connector: 0 written, 14 unchanged, 0 removed\n",
    )


@pytest.mark.parametrize(
    "change",
    [
        "edit a file",
        "remove a file",
        "edit the manifest",
        "change the spec",
        "no record",
    ],
)
def test_any_change_falls_back_to_the_full_comparison(
    generated: Path, project: Path, monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    if change == "edit a file":
        (generated / "models.py").write_text("# edited\n")
    elif change == "remove a file":
        (generated / "errors.py").unlink()
    elif change == "edit the manifest":
        manifest = generated / MANIFEST
        manifest.write_text(
            manifest.read_text().replace('"tests": true', '"tests": false')
        )
    elif change == "change the spec":
        spec = project / "spec" / "library.json"
        spec.write_text(spec.read_text().replace("Books on a shelf", "Shelved books"))
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", str(project / "empty-cache"))
    code, output = invoke("check")
    assert (code, output) == full_verdict(monkeypatch)
    if change == "no record":
        assert code == 0
    else:
        assert (
            code == 1 and "stale" in output or "missing" in output or "edited" in output
        )


def test_another_tool_version_is_not_trusted(
    generated: Path, monkeypatch: pytest.MonkeyPatch, no_rendering: None
) -> None:
    real = memo.metadata.version
    monkeypatch.setattr(
        memo.metadata,
        "version",
        lambda name: "0.0-other" if name == "black" else real(name),
    )
    with pytest.raises(AssertionError, match="the full pipeline ran"):
        invoke("check")


def test_the_memo_can_be_turned_off(
    generated: Path, monkeypatch: pytest.MonkeyPatch, no_rendering: None
) -> None:
    monkeypatch.setenv(memo.DISABLE_ENV, "1")
    with pytest.raises(AssertionError, match="the full pipeline ran"):
        invoke("check")


def test_warnings_are_replayed_by_a_repeat_generate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ..conftest import LEDGER_SPEC

    monkeypatch.chdir(tmp_path)
    first = invoke("generate", str(LEDGER_SPEC), "-o", "out")
    second = invoke("generate", str(LEDGER_SPEC), "-o", "out")
    assert "warning: " in first[1]
    assert second[1].splitlines()[0] == first[1].splitlines()[0]  # the same warning
    assert second[1].endswith("0 written, 14 unchanged, 0 removed\n")
