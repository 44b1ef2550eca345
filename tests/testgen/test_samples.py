"""Example values within the spec's constraints (`generator/testgen/scalars.py`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from generator.model import Constraints
from generator.pipeline import generate
from generator.testgen.scalars import from_pattern, sample, satisfies

from ..conftest import PYTEST_QUIET, ROOT, make_job, run

PATTERNS_SPEC = ROOT / "tests" / "specs" / "patterns.json"


@pytest.mark.parametrize(
    ("python", "constraints"),
    [
        ("str", Constraints(format="date")),
        ("str", Constraints(format="date-time")),
        ("str", Constraints(format="email")),
        ("str", Constraints(format="uuid")),
        ("str", Constraints(format="uri")),
        ("str", Constraints(pattern=r"^\+[1-9]\d{1,14}$")),
        ("str", Constraints(pattern=r"^(AC|SM)[0-9a-f]{32}$")),
        ("str", Constraints(min_length=40)),
        ("str", Constraints(max_length=3)),
        ("str", Constraints(enum=("queued", "sent"))),
        ("int", Constraints(minimum=1000)),
        ("int", Constraints(maximum=-5)),
        ("int", Constraints(minimum=0, maximum=10, exclusive_maximum=True)),
        ("int", Constraints(minimum=7, multiple_of=5)),
        ("float", Constraints(minimum=0.0, maximum=1.0)),
        ("int", Constraints(enum=(3, 5))),
    ],
)
def test_a_sample_satisfies_its_constraints(
    python: str, constraints: Constraints
) -> None:
    for number in (1, 17, 250):
        value = sample(python, "field", number, constraints)
        assert satisfies(python, value, constraints), (value, constraints)


def test_the_spec_example_comes_first_when_it_is_valid() -> None:
    valid = Constraints(example="+15551234567", pattern=r"^\+\d+$")
    assert sample("str", "to", 1, valid) == "+15551234567"
    invalid = Constraints(example="not a number", pattern=r"^\+\d+$")
    assert re.search(r"^\+\d+$", sample("str", "to", 1, invalid))
    wrong_type = Constraints(example="12")
    assert sample("int", "count", 3, wrong_type) == 3


def test_enum_members_are_picked_by_index_for_distinct_items() -> None:
    members = Constraints(enum=("a", "b"))
    assert [sample("str", "x", 1, members, index) for index in range(3)] == [
        "a",
        "b",
        "a",
    ]


@pytest.mark.parametrize(
    "pattern",
    [r"[A-Z]{2}\d{3}", r"^(?:x|y)+-[^abc]$", r"(ab)\1", r"^\w+\s\S$", r"colou?r"],
)
def test_a_pattern_gives_text_it_finds(pattern: str) -> None:
    text = from_pattern(pattern)
    assert text is not None and re.search(pattern, text)


@pytest.mark.parametrize("pattern", ["(unclosed", "a{1000}"])
def test_a_pattern_it_cannot_build_gives_none_and_the_label_is_kept(
    pattern: str,
) -> None:
    assert from_pattern(pattern) is None
    value: Any = sample("str", "field", 4, Constraints(pattern=pattern))
    assert value == "field-4"


@pytest.mark.slow
def test_an_operation_whose_example_breaks_the_spec_has_its_tests_left_out_with_a_reason(
    tmp_path: Path,
) -> None:
    """A located warning names the parameter; the suite reports the reason for each test it
    leaves out, and still runs the other operations' tests (the retry tests among them).
    """
    generated, _ = generate(make_job(PATTERNS_SPEC, tmp_path))
    [warning] = [w for w in generated.warnings if "left out" in w.message]
    assert (warning.line, warning.column) == (10, 11)
    assert warning.pointer == "/paths/~1codes~1{code}/get/parameters/0"
    assert "'code'" in warning.message and "get_code" in warning.message
    done = run([*PYTEST_QUIET, "-rs", "patterns_connector/tests"], tmp_path)
    summary = done.stdout.splitlines()[-1]
    assert done.returncode == 0, done.stdout
    skipped = [line for line in done.stdout.splitlines() if line.startswith("SKIPPED")]
    assert skipped and all(
        "no example value of the parameter 'code' keeps the spec's constraints" in line
        for line in skipped
    )
    assert re.search(r"\b([4-9]|\d\d+) passed", summary), summary
    client_tests = (tmp_path / "patterns_connector/tests/test_client.py").read_text()
    assert 'named("list_names")' in client_tests  # the retry tests use a row that runs
