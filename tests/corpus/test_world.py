"""The Swagger 2.0 descriptions well-known open-source projects publish (`world/` of the shared
corpus, 27 of them): each validates strictly but KubeVirt and Temporal (invalid Swagger 2.0,
generated with --lenient, what they block and what was left out told apart), and each generates
a client that passes `mypy --strict`, ruff and its own generated suite, with no module sent
through black. CI runs the fixed subset CI_WORLD; CONNECTOR_CODEGEN_CORPUS_ALL=1 (the long run)
takes all 27.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import formatter
from generator.errors import SpecError
from generator.findings import Finding
from generator.pipeline import generate, understand
from generator.source.document import HTTP_METHODS
from generator.source.loader import load_spec

from ..conftest import (
    BLACK_CHECK,
    MYPY_STRICT,
    PYTEST_QUIET,
    RUFF_CHECK,
    make_job,
    progress,
)
from .test_corpus import CORPUS, EVERY_SPEC, groups, in_parallel

WORLD = CORPUS / "world"
# Invalid Swagger 2.0 as published: KubeVirt's delete-collection paths name {namespace}
# without the parameter, Temporal refers to definitions it does not have.
INVALID = {"kubevirt.json", "temporal.json"}
# CI's subset: one spec per class of failure the world issue named, and a spread of sources.
CI_WORLD = [
    "docker-engine.yaml",  # a documented 101; default null on x-nullable
    "harbor.yaml",  # type: file at the root of a response schema
    "azure-appconfiguration.json",  # $ref to example files inside x-ms-examples
    "azure-cosmos-tables.json",  # XML only: a root-level array of models
    "go-swagger-task-tracker.yaml",  # a redefined YAML anchor
    "go-swagger-composed-auth.yaml",  # a requirement one request cannot carry
    "openfaas.yaml",  # capitals kept together in names
    "ory-hydra.json",  # OAuth2 in method names
    "temporal.json",  # --lenient: references to nothing, properties left out
    "gotify.json",  # many credentials, a long title: no module through black
    "petstore-expanded.json",
]

pytestmark = pytest.mark.skipif(
    not WORLD.is_dir(), reason=f"no world corpus at {WORLD}"
)


def world_specs() -> list[Path]:
    every = sorted(p for p in WORLD.iterdir() if p.suffix in (".json", ".yaml"))
    return every if EVERY_SPEC else [p for p in every if p.name in CI_WORLD]


@dataclass(frozen=True)
class Outcome:
    """One spec generated: its package (or the refusal), its warnings, and the modules that
    went through black."""

    package: Path | None
    refusal: SpecError | None
    warnings: tuple[Finding, ...]
    through_black: tuple[str, ...]


def generate_recording_black(spec: Path, folder: Path) -> Outcome:
    """Generate in this (forked) process, every module formatted here, recording any that
    black formats."""
    through_black: list[str] = []
    original = formatter.format_with_black

    def recorded(path: str, source: str) -> str:
        through_black.append(path)
        return original(path, source)

    formatter.format_with_black = recorded  # type: ignore[assignment]
    formatter.PARALLEL_MIN_CHARS = 10**12  # no second process: every module seen here
    try:
        job = make_job(spec, folder, lenient=spec.name in INVALID)
        generated, _ = generate(job)
    except SpecError as error:
        return Outcome(None, error, (), tuple(through_black))
    finally:
        formatter.format_with_black = original  # type: ignore[assignment]
    package = generated.package_dir
    return Outcome(package, None, generated.warnings, tuple(through_black))


@pytest.fixture(scope="module")
def world(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> dict[str, Outcome]:
    """Every spec of the run generated on two processes, then its package moved to one of two
    folders (one per core) for the checks below."""
    output = tmp_path_factory.mktemp("world")
    specs = world_specs()
    folders = [output / "work" / str(index) for index in range(len(specs))]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        outcomes = {}
        for spec, outcome in zip(
            specs, pool.map(generate_recording_black, specs, folders), strict=True
        ):
            said = "refused" if outcome.refusal else "generated"
            progress(pytestconfig, f"world/{spec.name}: {said}")
            outcomes[spec.name] = outcome
    for index, (name, outcome) in enumerate(sorted(outcomes.items())):
        if outcome.package is not None:
            group = output / ("a", "b")[index % 2]
            group.mkdir(exist_ok=True)
            moved = Path(shutil.move(outcome.package, group / outcome.package.name))
            outcomes[name] = Outcome(
                moved, None, outcome.warnings, outcome.through_black
            )
    return outcomes


def packages(world: dict[str, Outcome]) -> dict[str, Path]:
    return {name: o.package for name, o in world.items() if o.package is not None}


def test_the_world_corpus_holds_27_specs_and_ci_names_real_ones() -> None:
    every = {p.name for p in WORLD.iterdir() if p.suffix in (".json", ".yaml")}
    assert len(every) == 27
    assert set(CI_WORLD) <= every and INVALID <= every


def test_every_spec_generates_strictly_but_the_two_invalid_ones(
    world: dict[str, Outcome],
) -> None:
    """A strict generation is the strict verdict: 25 of the 27 pass it (the others are
    generated with --lenient, and tolerate problems)."""
    assert world
    for name, outcome in world.items():
        assert outcome.refusal is None, (name, outcome.refusal.report())
        tolerated = [w for w in outcome.warnings if w.tolerated]
        assert bool(tolerated) == (name in INVALID), (name, tolerated[:3])


@pytest.mark.parametrize(
    "name", sorted(INVALID & {spec.name for spec in world_specs()})
)
def test_an_invalid_one_is_refused_strictly_saying_lenient_gets_past(
    name: str, tmp_path: Path
) -> None:
    with pytest.raises(SpecError) as refused:
        generate(make_job(WORLD / name, tmp_path))
    assert refused.value.lenient_would_pass
    assert all(f.line and f.pointer for f in refused.value.findings)
    assert not (tmp_path / "out").exists()


def test_lenient_tells_what_blocks_strict_generation_from_what_was_left_out(
    world: dict[str, Outcome],
) -> None:
    """Each left-out part is named, at a located problem; the problems that block strict
    generation are marked tolerated."""
    lenient = [name for name in world if name in INVALID]
    assert lenient, "the run holds no spec generated with --lenient"
    for name in lenient:
        warnings = world[name].warnings
        left_out = [w for w in warnings if w.left_out]
        assert left_out, name
        assert all(w.line and w.pointer for w in left_out), name
        assert any(w.tolerated for w in left_out), name


def test_no_operation_is_dropped_but_those_left_out(
    world: dict[str, Outcome], tmp_path: Path
) -> None:
    """Every operation of the document is a method of the client, or an operation --lenient
    left out with a warning naming it."""
    for name, package in packages(world).items():
        document = load_spec(WORLD / name, name, lenient=True).data
        operations = sum(
            method in item
            for item in document["paths"].values()
            if isinstance(item, dict)
            for method in HTTP_METHODS
        )
        left_out = {
            w.left_out
            for w in world[name].warnings
            if w.left_out and w.left_out.startswith("the operation ")
        }
        api = understand(make_job(WORLD / name, tmp_path, lenient=name in INVALID)).api
        assert len(api.operations) + len(left_out) == operations, name
        client = (package / "client.py").read_text(encoding="utf-8")
        for operation in api.operations:
            assert f"    def {operation.method_name}(" in client, (name, operation)


def test_no_module_of_any_world_package_goes_through_black(
    world: dict[str, Outcome],
) -> None:
    assert {n: o.through_black for n, o in world.items() if o.through_black} == {}


def test_every_world_client_passes_mypy_strict_ruff_and_black(
    world: dict[str, Outcome], pytestconfig: pytest.Config
) -> None:
    skip_copies = ["--extend-exclude", r"(/_runtime\.py|/tests/harness\.py)$"]
    commands = [
        (tool + names, folder)
        for tool in (MYPY_STRICT, RUFF_CHECK, [*BLACK_CHECK, *skip_copies])
        for folder, names in groups(packages(world)).items()
    ]
    for result in in_parallel(commands, pytestconfig):
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]


def test_every_world_client_passes_its_generated_tests(
    world: dict[str, Outcome], pytestconfig: pytest.Config
) -> None:
    pytest_command = [*PYTEST_QUIET, "-c", os.devnull]
    commands = [
        ([*pytest_command, "--rootdir", str(folder), *names], folder)
        for folder, names in groups(packages(world)).items()
    ]
    for result in in_parallel(commands, pytestconfig):
        assert result.returncode == 0, result.stdout[-5000:]
        summary = result.stdout.splitlines()[-1]
        assert " passed" in summary
        assert "failed" not in summary and "skipped" not in summary, summary
