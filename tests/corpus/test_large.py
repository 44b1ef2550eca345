"""The two large real specs of the shared corpus: Argo Workflows in CI, Kubernetes in the long
run (CONNECTOR_CODEGEN_CORPUS_ALL=1). Each generates a package that black leaves unchanged,
that passes `mypy --strict` and `ruff check`, and whose own generated tests pass."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator.pipeline import generate

from ..conftest import (
    BLACK_CHECK,
    BLACK_PREVIEW_CHECK,
    MYPY_STRICT,
    PYTEST_QUIET,
    RUFF_CHECK,
    make_job,
    progress,
)
from ..corpus.test_corpus import CORPUS, EVERY_SPEC, in_parallel

LARGE = CORPUS / "large"
SPECS = [LARGE / "argo-workflows.swagger.json"] + (
    [LARGE / "kubernetes-1.36.swagger.json"] if EVERY_SPEC else []
)


@pytest.mark.skipif(not LARGE.exists(), reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.stem)
def test_a_large_spec_gives_a_clean_package_whose_tests_pass(
    spec: Path, tmp_path: Path, pytestconfig: pytest.Config
) -> None:
    generated, _ = generate(make_job(spec, tmp_path))
    progress(pytestconfig, f"{spec.name}: generated")
    package = generated.package
    checks = [
        ([*MYPY_STRICT, package], tmp_path),
        ([*RUFF_CHECK, package], tmp_path),
        ([*BLACK_CHECK, package], tmp_path),
        ([*BLACK_PREVIEW_CHECK, package], tmp_path),
        (
            [*PYTEST_QUIET, "-c", os.devnull, "--rootdir", str(tmp_path), package],
            tmp_path,
        ),
    ]
    for result in in_parallel(checks, pytestconfig):
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    assert " passed" in result.stdout.splitlines()[-1]
