"""A large spec is validated in a forked child while the rest of the pipeline runs: the
outcome must be the one the serial pipeline reaches. Thresholds are lowered so that small
specs take the parallel path."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from generator import formatter
from generator.errors import SpecError
from generator.pipeline import build
from generator.source import bundler, loader, validator

from ..conftest import LEDGER_SPEC, make_job, tree


@pytest.fixture
def in_parallel(monkeypatch: pytest.MonkeyPatch, forked: list[object]) -> list[object]:
    """Validation and formatting forced into forked children; returns what they sent back."""
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    monkeypatch.setattr(validator, "BACKGROUND_MIN_SIZE", 0)
    monkeypatch.setattr(formatter, "PARALLEL_MIN_CHARS", 0)
    return forked


def invalid_spec(tmp_path: Path) -> Path:
    document = json.loads(LEDGER_SPEC.read_text(encoding="utf-8"))
    document["info"]["version"] = 3  # a number where the schema wants a string
    path = tmp_path / "invalid.json"
    path.write_text(json.dumps(document, indent=2), encoding="utf-8")
    return path


def test_a_valid_spec_generates_the_same_files(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    serial = build(make_job(LEDGER_SPEC, tmp_path / "serial")).files
    children: list[object] = request.getfixturevalue("in_parallel")
    assert build(make_job(LEDGER_SPEC, tmp_path / "parallel")).files == serial
    # the validation's child and the formatting's both ran and sent their results
    assert len(children) == 2 and all(child is not None for child in children)


def test_an_invalid_spec_is_reported_and_nothing_is_written(
    tmp_path: Path, in_parallel: list[object]
) -> None:
    spec = invalid_spec(tmp_path)
    expected = validator.validate(bundler.bundle(loader.load_spec(spec, spec.name)))
    with pytest.raises(SpecError) as caught:
        build(make_job(spec, tmp_path / "out"))
    assert caught.value.findings == expected
    assert "/info/version" in str(caught.value.findings[0])
    assert tree(tmp_path / "out") == {}
    assert expected in in_parallel  # the validation child's verdict, sent back


def test_lenient_warnings_come_back_from_the_child(
    tmp_path: Path, in_parallel: list[object]
) -> None:
    spec = invalid_spec(tmp_path)
    generated = build(make_job(spec, tmp_path / "out", lenient=True))
    assert in_parallel and in_parallel[0] is not None  # the validation's child ran
    # the validator's warning first, then the parser's (the ledger has a page schema warning)
    assert generated.warnings[0].pointer == "/info/version"
    assert generated.warnings[0].message == "3 is not of type 'string'"


def test_a_child_that_fails_leaves_the_error_to_this_process(
    tmp_path: Path, in_parallel: list[object], monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(source: object) -> list[object]:
        raise RuntimeError("the validator broke")

    monkeypatch.setattr(validator, "validate", broken)
    with pytest.raises(RuntimeError, match="the validator broke"):
        build(make_job(LEDGER_SPEC, tmp_path / "out"))
