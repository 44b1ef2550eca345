"""The wheel carries the templates, so that an installed generator finds them."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from ..conftest import PYTHON, ROOT, run

pytestmark = pytest.mark.slow


def test_the_wheel_contains_the_generator_and_its_templates(tmp_path: Path) -> None:
    result = run(
        [
            PYTHON,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        ROOT,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("connector_codegen-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    templates = {
        p.relative_to(ROOT / "templates").as_posix()
        for p in (ROOT / "templates").rglob("*.jinja")
    }
    assert {f"generator/templates/{name}" for name in templates} <= names
    assert "generator/cli.py" in names
