"""The generator holds itself to the standard it sets for its output."""

from __future__ import annotations

import pytest

from ..conftest import PYTHON, ROOT, run

pytestmark = pytest.mark.slow


def test_the_generator_passes_mypy_strict() -> None:
    result = run([PYTHON, "-m", "mypy", "--no-incremental"], cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_generator_and_its_tests_pass_ruff_and_black() -> None:
    ruff = run(
        [PYTHON, "-m", "ruff", "check", "--no-cache", "generator", "tests"], cwd=ROOT
    )
    assert ruff.returncode == 0, ruff.stdout + ruff.stderr
    black = run(
        [PYTHON, "-m", "black", "--check", "--quiet", "generator", "tests"], cwd=ROOT
    )
    assert black.returncode == 0, black.stdout + black.stderr


def test_the_modules_copied_into_packages_are_black_stable_in_both_styles() -> None:
    """Every package carries these copies (under its header): they are checked here once,
    in black's stable and preview styles, rather than in every generated package."""
    for style in ([], ["--preview"]):
        black = run(
            [PYTHON, "-m", "black", "--check", "--quiet", *style, "generator/static"],
            cwd=ROOT,
        )
        assert black.returncode == 0, (style, black.stdout + black.stderr)
