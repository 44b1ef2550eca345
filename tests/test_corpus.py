"""Issue 4: every real connector definition of the shared corpus generates a client that
compiles, imports, type-checks, lints clean and passes its own generated tests.

The corpus is found through CONNECTOR_CODEGEN_CORPUS (default: ../shared/corpus from the
project root); where it is missing these tests are skipped, and .ci/run refuses to run then.
"""

from __future__ import annotations

import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from generator.loader import load_spec
from generator.parser import parse
from generator.pipeline import generate
from generator.validator import resolve_pointer

from .conftest import (
    BLACK_CHECK,
    MYPY_STRICT,
    PYTEST_QUIET,
    ROOT,
    RUFF_CHECK,
    make_job,
    run,
)

CORPUS = Path(
    os.environ.get("CONNECTOR_CODEGEN_CORPUS", ROOT.parent / "shared" / "corpus")
)
SPECS = sorted((CORPUS / "powerplatform").glob("*.json"))

pytestmark = pytest.mark.skipif(
    not SPECS, reason=f"no corpus at {CORPUS} (set CONNECTOR_CODEGEN_CORPUS)"
)


@pytest.fixture(scope="module")
def corpus_output(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each spec's generated package folder, by spec file name, spread over two folders (one
    per core) so that no folder holds two packages of the same name."""
    output = tmp_path_factory.mktemp("corpus")
    packages: dict[str, Path] = {}
    for index, spec in enumerate(SPECS):
        groups = [output / "a", output / "b"]
        preferred = groups[index % 2 :] + groups[: index % 2]
        package = parse(load_spec(spec, spec.name)).package
        taken = {path for path in packages.values()}
        folder = next(g for g in preferred if g / package not in taken)
        generated, _ = generate(make_job(spec, folder))
        packages[spec.name] = generated.package_dir
    return packages


def groups(corpus_output: dict[str, Path]) -> dict[Path, list[str]]:
    found: dict[Path, list[str]] = {}
    for package in corpus_output.values():
        found.setdefault(package.parent, []).append(package.name)
    return found


def in_parallel(
    commands: list[tuple[list[str], Path]],
) -> list[subprocess.CompletedProcess[str]]:
    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: run(*job), commands))


def test_the_corpus_holds_forty_specs() -> None:
    assert len(SPECS) == 40


def test_no_operation_is_dropped(corpus_output: dict[str, Path]) -> None:
    for spec in SPECS:
        source = load_spec(spec, spec.name)
        operations = sum(
            1
            for item in source.data["paths"].values()
            for method in ("get", "put", "post", "delete", "options", "head", "patch")
            if isinstance(item, dict) and method in item
        )
        api = parse(source)
        assert len(api.operations) == operations, spec.name
        client = (corpus_output[spec.name] / "client.py").read_text()
        for operation in api.operations:
            assert f"    def {operation.method_name}(" in client, (
                spec.name,
                operation.method_name,
            )


def test_every_corpus_client_passes_mypy_strict_and_ruff(
    corpus_output: dict[str, Path],
) -> None:
    commands = [
        (tool + names, folder)
        for tool in (MYPY_STRICT, RUFF_CHECK)
        for folder, names in groups(corpus_output).items()
    ]
    for result in in_parallel(commands):
        assert result.returncode == 0, result.stdout[-5000:]


def test_every_corpus_client_is_black_formatted(
    corpus_output: dict[str, Path],
) -> None:
    """The layout stage, not black, formats generated code: black must find nothing to change
    in any file of the forty packages."""
    commands = [
        ([*BLACK_CHECK, *names], folder)
        for folder, names in groups(corpus_output).items()
    ]
    for result in in_parallel(commands):
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]


def test_every_corpus_client_passes_its_generated_tests(
    corpus_output: dict[str, Path],
) -> None:
    pytest_command = [*PYTEST_QUIET, "-c", os.devnull]
    commands = [
        ([*pytest_command, "--rootdir", str(folder), *names], folder)
        for folder, names in groups(corpus_output).items()
    ]
    for result in in_parallel(commands):
        assert result.returncode == 0, result.stdout[-5000:]
        summary = result.stdout.splitlines()[-1]
        assert " passed" in summary
        assert "failed" not in summary and "skipped" not in summary, summary


def test_every_pageable_operation_has_an_iterator_or_a_located_warning(
    corpus_output: dict[str, Path],
) -> None:
    iterators = 0
    for spec in SPECS:
        source = load_spec(spec, spec.name)
        api = parse(source)
        warned = {w.pointer for w in api.warnings}
        client = (corpus_output[spec.name] / "client.py").read_text()
        for operation in api.operations:
            if "x-ms-pageable" not in resolve_pointer(source.data, operation.pointer):
                assert operation.pager is None
            elif operation.pager is None:
                assert f"{operation.pointer}/x-ms-pageable" in warned
            else:
                iterators += 1
                assert f"    def {operation.pager.method_name}(" in client
    assert iterators > 0
