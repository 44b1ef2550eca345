"""Every real connector definition of the shared corpus generates a client
that compiles, imports, type-checks, lints clean and passes its own generated tests: the forty
of `powerplatform/`, the hundred of `powerplatform-more/` and, with --lenient, the twenty of
`powerplatform-invalid/` that fail strict validation. CI runs the fixed subsets CI_SUBSETS;
CONNECTOR_CODEGEN_CORPUS_ALL=1 (the long run) takes every spec.

The corpus is found through CONNECTOR_CODEGEN_CORPUS (default: ../shared/corpus from the
project root); where it is missing these tests are skipped, and .ci/run refuses to run then.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator.api_record.record import API_RECORD
from generator.errors import SpecError
from generator.parse.parser import parse
from generator.pipeline import generate
from generator.source.document import HTTP_METHODS, resolve_pointer
from generator.source.loader import load_spec
from generator.static import copied_files

from ..conftest import (
    BLACK_CHECK,
    BLACK_PREVIEW_CHECK,
    MYPY_STRICT,
    PYTEST_QUIET,
    ROOT,
    RUFF_CHECK,
    make_job,
    progress,
    run,
)
from ..parity import differences

CORPUS = Path(
    os.environ.get("CONNECTOR_CODEGEN_CORPUS", ROOT.parent / "shared" / "corpus")
)
SPECS = sorted((CORPUS / "powerplatform").glob("*.json"))
# The long run (README) takes every spec of every set; CI the fixed subsets below.
EVERY_SPEC = os.environ.get("CONNECTOR_CODEGEN_CORPUS_ALL") == "1"
# CI's subsets: the specs behind each rule of issue 12, and a spread of places and schemes.
CI_SUBSETS = {
    "powerplatform-more": [
        "certified-connectors__Narvar",  # a documented 304
        "independent-publisher-connectors__Schiphol_Airport",  # `_` in header names
        "certified-connectors__Survalyzer_EU",  # an undefined scheme, none defined
        "certified-connectors__UiPath_Automation_Cloud",  # an undefined scheme
        "certified-connectors__Revizto_Ireland_",  # not JSON: a located error
        "certified-connectors__DeepL",  # formData files and arrays
        "certified-connectors__VirusTotal",  # file uploads
        "certified-connectors__LMS365",  # basic auth, a file field
        "independent-publisher-connectors__Dad_Jokes",  # an API key in the query
        "independent-publisher-connectors__ExchangeRate",  # no scheme at all
    ],
    "powerplatform-invalid": [
        "certified-connectors__Easyvista_Service._Manager",  # raw control characters
        "certified-connectors__Impower",
        "certified-connectors__tyntec-SMS",
        "certified-connectors__USB4SAP",
        "independent-publisher-connectors__Perplexity_AI",
        "independent-publisher-connectors__Zapier_NLA",
        "independent-publisher-connectors__AccuWeather",  # not JSON: missing commas
        "independent-publisher-connectors__Icon_Horse",  # not JSON: a trailing comma
        "certified-connectors__IN-D_Invoice_Data_Capture",  # not JSON
    ],
}
# The definitions that fail strict validation are generated with --lenient.
LENIENT_SETS = {"powerplatform-invalid"}


def specs_of(corpus_set: str) -> list[Path]:
    """The set's specs this run covers: all of them, or CI's fixed subset."""
    every = sorted((CORPUS / corpus_set).glob("*.json"))
    if EVERY_SPEC or corpus_set not in CI_SUBSETS:
        return every
    return [spec for spec in every if spec.stem in CI_SUBSETS[corpus_set]]


pytestmark = pytest.mark.skipif(
    not SPECS, reason=f"no corpus at {CORPUS} (set CONNECTOR_CODEGEN_CORPUS)"
)


@dataclass(frozen=True)
class CorpusRun:
    """One corpus set generated: the packages by spec file name, and the specs refused."""

    corpus_set: str
    specs: list[Path]
    packages: dict[str, Path]
    refused: dict[str, SpecError]


SETS = ["powerplatform", "powerplatform-more", "powerplatform-invalid"]


def generate_one(spec: Path, folder: Path, lenient: bool) -> Path | SpecError:
    """One spec's package, generated into a folder of its own; the error when refused."""
    try:
        generated, _ = generate(make_job(spec, folder, lenient=lenient))
    except SpecError as error:
        return error
    return generated.package_dir


@pytest.fixture(scope="module")
def corpus_runs(
    tmp_path_factory: pytest.TempPathFactory, pytestconfig: pytest.Config
) -> dict[str, CorpusRun]:
    """Every set generated on two processes, then its packages spread over two folders (one
    per core; a third when a name is taken in both) so that the checks below run once over
    all of them."""
    output = tmp_path_factory.mktemp("corpus")
    jobs = [
        (corpus_set, spec, output / "work" / str(index), corpus_set in LENIENT_SETS)
        for index, (corpus_set, spec) in enumerate(
            (corpus_set, spec) for corpus_set in SETS for spec in specs_of(corpus_set)
        )
    ]
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        results = []
        for (corpus_set, spec, _, _), result in zip(
            jobs,
            pool.map(
                generate_one,
                [spec for _, spec, _, _ in jobs],
                [folder for _, _, folder, _ in jobs],
                [lenient for _, _, _, lenient in jobs],
            ),
            strict=True,
        ):
            said = "refused" if isinstance(result, SpecError) else "generated"
            progress(pytestconfig, f"{corpus_set}/{spec.name}: {said}")
            results.append(result)
    taken: set[Path] = set()
    runs = {name: CorpusRun(name, specs_of(name), {}, {}) for name in SETS}
    for (corpus_set, spec, _, _), result in zip(jobs, results, strict=True):
        if isinstance(result, SpecError):
            runs[corpus_set].refused[spec.name] = result
            continue
        groups = [output / "a", output / "b"]
        preferred = groups[len(taken) % 2 :] + groups[: len(taken) % 2]
        spare = [output / f"more-{n}" for n in range(len(SETS))]
        folder = next(g for g in preferred + spare if g / result.name not in taken)
        folder.mkdir(exist_ok=True)
        package = Path(shutil.move(result, folder / result.name))
        runs[corpus_set].packages[spec.name] = package
        taken.add(package)
    return runs


@pytest.fixture(scope="module", params=SETS)
def corpus_run(
    request: pytest.FixtureRequest, corpus_runs: dict[str, CorpusRun]
) -> CorpusRun:
    return corpus_runs[request.param]


@pytest.fixture(scope="module")
def corpus_output(corpus_runs: dict[str, CorpusRun]) -> dict[str, Path]:
    """Every package of every set, by set and spec file name."""
    return {
        f"{run.corpus_set}/{name}": package
        for run in corpus_runs.values()
        for name, package in run.packages.items()
    }


def header_of(package: Path) -> str:
    """The header comment of a generated package's files."""
    lines = (package / "client.py").read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines[:2] if line.startswith("#"))


def groups(corpus_output: dict[str, Path]) -> dict[Path, list[str]]:
    found: dict[Path, list[str]] = {}
    for package in corpus_output.values():
        found.setdefault(package.parent, []).append(package.name)
    return found


def in_parallel(
    commands: list[tuple[list[str], Path]], config: pytest.Config
) -> list[subprocess.CompletedProcess[str]]:
    """Run the commands two at a time, each named on the terminal as it ends."""

    def one(command: list[str], folder: Path) -> subprocess.CompletedProcess[str]:
        done = run(command, folder)
        tool = next(
            (word for word in command[1:] if not word.startswith("-")), command[0]
        )
        progress(config, f"{tool} in {folder.name}/: exit {done.returncode}")
        return done

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(lambda job: one(*job), commands))


def test_only_documents_that_are_not_json_are_refused(corpus_run: CorpusRun) -> None:
    """Every JSON spec generates (with --lenient for the invalid set); what is refused is a
    document that is not JSON even leniently read, reported with its line and column."""
    assert corpus_run.specs, corpus_run.corpus_set
    for name, error in corpus_run.refused.items():
        text = (CORPUS / corpus_run.corpus_set / name).read_text(encoding="utf-8-sig")
        with pytest.raises(json.JSONDecodeError):
            json.loads(text, strict=False)
        (finding,) = error.findings
        assert finding.message.startswith("invalid JSON"), finding
        assert finding.line and finding.column, finding


def test_the_corpus_holds_forty_specs() -> None:
    assert len(SPECS) == 40


def test_no_operation_is_dropped(corpus_run: CorpusRun) -> None:
    corpus_output = corpus_run.packages
    lenient = corpus_run.corpus_set in LENIENT_SETS
    for spec in corpus_run.specs:
        if spec.name in corpus_run.refused:
            continue
        source = load_spec(spec, spec.name, lenient=lenient)
        operations = sum(
            1
            for item in source.data["paths"].values()
            for method in HTTP_METHODS
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
    corpus_output: dict[str, Path], pytestconfig: pytest.Config
) -> None:
    commands = [
        (tool + names, folder)
        for tool in (MYPY_STRICT, RUFF_CHECK)
        for folder, names in groups(corpus_output).items()
    ]
    for result in in_parallel(commands, pytestconfig):
        assert result.returncode == 0, result.stdout[-5000:]


def test_every_corpus_client_is_black_formatted(
    corpus_output: dict[str, Path], pytestconfig: pytest.Config
) -> None:
    """The printer, not black, formats generated code: black must find nothing to change in
    any file of the packages, nor, in its preview style, in those of the forty (of every set
    in the long run: CI's budget keeps it to the forty).
    """
    previewed = {
        key: package
        for key, package in corpus_output.items()
        if EVERY_SPEC or key.startswith("powerplatform/")
    }
    # The copied modules are the repository's own (black-checked in both styles by
    # test_quality) under the header: checked once there, not in every package.
    for package in corpus_output.values():
        for path, text in copied_files(header_of(package), with_tests=True).items():
            assert (package / path).read_text(encoding="utf-8") == text, package / path
    skip_copies = ["--extend-exclude", r"(/_runtime\.py|/tests/harness\.py)$"]
    commands = [
        ([*check, *skip_copies, *names], folder)
        for check, packages in (
            (BLACK_CHECK, corpus_output),
            (BLACK_PREVIEW_CHECK, previewed),
        )
        for folder, names in groups(packages).items()
    ]
    for result in in_parallel(commands, pytestconfig):
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]


def test_every_corpus_client_passes_its_generated_tests(
    corpus_output: dict[str, Path], pytestconfig: pytest.Config
) -> None:
    pytest_command = [*PYTEST_QUIET, "-c", os.devnull]
    commands = [
        ([*pytest_command, "--rootdir", str(folder), *names], folder)
        for folder, names in groups(corpus_output).items()
    ]
    for result in in_parallel(commands, pytestconfig):
        assert result.returncode == 0, result.stdout[-5000:]
        summary = result.stdout.splitlines()[-1]
        assert " passed" in summary
        assert "failed" not in summary and "skipped" not in summary, summary


def test_both_clients_of_every_package_have_the_same_operations_and_signatures(
    corpus_run: CorpusRun,
) -> None:
    """Every package holds the async client beside the sync one, in signature
    parity, and its generated suite runs every row on both (the `client` fixture's params).
    """
    for spec, package in corpus_run.packages.items():
        client_class = json.loads((package / API_RECORD).read_text())["client"]
        assert differences(package, client_class) == [], spec
        suite = (package / "tests" / "test_client.py").read_text(encoding="utf-8")
        both = f"params=[{client_class}, Async{client_class}]"
        assert both in suite, spec


def test_every_pageable_operation_has_an_iterator_or_a_located_warning(
    corpus_run: CorpusRun,
) -> None:
    corpus_output = corpus_run.packages
    lenient = corpus_run.corpus_set in LENIENT_SETS
    iterators = 0
    for spec in corpus_run.specs:
        if spec.name in corpus_run.refused:
            continue
        source = load_spec(spec, spec.name, lenient=lenient)
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
    assert iterators > 0 or corpus_run.corpus_set != "powerplatform"
