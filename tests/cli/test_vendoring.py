"""The generated package copied alone into another project, under another name and
parent package, works with only httpx, pytest and pytest-httpserver installed there."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from ..conftest import PYTHON, ROOT, TWILIO_SPEC, run

pytestmark = pytest.mark.slow

RUNTIME_AND_TEST_DEPENDENCIES = ["httpx", "pytest", "pytest-httpserver"]


def test_a_vendored_copy_passes_its_tests_alone_and_check_finds_it_current(
    tmp_path: Path,
) -> None:
    generated = tmp_path / "generated"
    options = ["--package", "sms"]
    made = run(
        [
            PYTHON,
            "-m",
            "generator",
            "generate",
            str(TWILIO_SPEC),
            "--output",
            str(generated),
            *options,
        ],
        ROOT,
    )
    assert made.returncode == 0, made.stderr

    project = tmp_path / "other-project"
    vendor = project / "src" / "app" / "vendor"
    vendor.mkdir(parents=True)
    for folder in (vendor.parent, vendor):
        (folder / "__init__.py").write_text("")
    (project / "pyproject.toml").write_text(
        '[project]\nname = "app"\nversion = "1"\ndependencies = ["httpx"]\n'
    )
    shutil.copytree(generated / "sms", vendor / "sms")

    venv = tmp_path / "venv"
    assert run([sys.executable, "-m", "venv", str(venv)], tmp_path).returncode == 0
    python = str(venv / "bin" / "python")
    installed = run(
        [python, "-m", "pip", "install", "--quiet", *RUNTIME_AND_TEST_DEPENDENCIES],
        tmp_path,
    )
    assert installed.returncode == 0, installed.stderr
    assert (
        run([python, "-c", "import generator"], project).returncode != 0
    )  # this project is absent

    tests = run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "src"], project
    )
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert " passed" in tests.stdout and "failed" not in tests.stdout
    usage = run(
        [
            python,
            "-c",
            "from app.vendor.sms import TwilioClient; print(TwilioClient('http://x'))",
        ],
        project / "src",
    )
    assert usage.stdout == "TwilioClient(base_url='http://x')\n", usage.stderr

    checked = run(
        [
            PYTHON,
            "-m",
            "generator",
            "check",
            str(TWILIO_SPEC),
            "--output",
            str(vendor),
            *options,
        ],
        ROOT,
    )
    assert (checked.returncode, checked.stdout) == (
        0,
        "generated code is current\n",
    ), checked.stderr
