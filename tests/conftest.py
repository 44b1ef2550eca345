"""Shared paths and helpers for the generator's own tests."""

from __future__ import annotations

import ast
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.pipeline import Job, generate

ROOT = Path(__file__).resolve().parent.parent
TWILIO_SPEC = ROOT / "spec" / "twilio.yaml"
# the live Twilio REST API (issue 17), generated as package twilio_api
TWILIO_API_SPEC = ROOT / "spec" / "twilio-api.yaml"
LIBRARY_SPEC = ROOT / "tests" / "specs" / "library.json"
# pages, deprecation, polymorphic models, read-only and nullable fields, a query API key
LEDGER_SPEC = ROOT / "tests" / "specs" / "ledger.json"
# what real connectors do: `_` header names, double encoding, 304 and 103, binary form fields
CONNECTION_SPEC = ROOT / "tests" / "specs" / "connection.json"
COMMITTED = ROOT / "generated"
# Stoplight Prism, the referee of the conformance tests (test_prism, test_twilio_api_session):
# the npm package pinned in tests/prism; CONNECTOR_CODEGEN_PRISM names another binary.
PRISM_HOME = ROOT / "tests" / "prism"
PRISM = Path(
    os.environ.get(
        "CONNECTOR_CODEGEN_PRISM", PRISM_HOME / "node_modules" / ".bin" / "prism"
    )
)


def make_job(spec: Path, output: Path, **options: object) -> Job:
    values: dict[str, object] = {
        "spec": spec,
        "spec_name": (
            spec.relative_to(ROOT).as_posix()
            if spec.is_relative_to(ROOT)
            else spec.name
        ),
        "output": output,
        "package": None,
        "templates": None,
        "with_tests": True,
    }
    values.update(options)
    return Job(**values)  # type: ignore[arg-type]


def tree(folder: Path) -> dict[str, bytes]:
    """Every file below a folder by relative path, caches left out."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and "__pycache__" not in path.parts
        and ".pytest_cache" not in path.parts
    }


def imports(module: Path) -> set[str]:
    """What the Python file imports, dotted (`os`, `httpx.Client`; relative ones start with
    their dots: `.models.Message`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"), str(module))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            prefix = "." * node.level + (f"{node.module}." if node.module else "")
            found |= {prefix + alias.name for alias in node.names}
    return found


def imported_roots(module: Path) -> set[str]:
    """The top-level packages the file imports absolutely (`os`, `httpx`)."""
    return {name.split(".")[0] for name in imports(module) if not name.startswith(".")}


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        args,
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        check=False,
    )


@pytest.fixture(scope="session")
def library_package(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clients of the library, ledger and connection specs, generated once for the
    session into one folder; returns that folder."""
    output = tmp_path_factory.mktemp("library")
    generate(make_job(LIBRARY_SPEC, output))
    generate(make_job(LEDGER_SPEC, output))
    generate(make_job(CONNECTION_SPEC, output))
    return output


PYTHON = sys.executable
# How generated code is checked: the oldest Python it supports is the target.
MYPY_STRICT = [
    PYTHON,
    "-m",
    "mypy",
    "--strict",
    "--no-incremental",
    "--python-version",
    "3.10",
]
RUFF_CHECK = [
    PYTHON,
    "-m",
    "ruff",
    "check",
    "--isolated",
    "--no-cache",
    "--target-version",
    "py310",
]
PYTEST_QUIET = [PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
# --fast: a check compares black's output with the file, so black's own safety passes over
# its output (an AST comparison and a second formatting) add nothing but time.
BLACK_CHECK = [
    PYTHON,
    "-m",
    "black",
    "--check",
    "--fast",
    "--quiet",
    "--target-version",
    "py310",
]
# black's next style: every generated module, the tests' included, is printed to be stable
# under it too.
BLACK_PREVIEW_CHECK = [*BLACK_CHECK, "--preview"]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder whose pyproject.toml points at a copy of the library spec."""
    (tmp_path / "spec").mkdir()
    shutil.copy(LIBRARY_SPEC, tmp_path / "spec" / "library.json")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.connector-codegen]\nspec = "spec/library.json"\noutput = "out"\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str) -> tuple[int, str]:
    """Run the CLI in-process; (exit code, output)."""
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(
        result.exception, SystemExit
    ), result.exception
    return result.exit_code, result.output


@pytest.fixture(autouse=True, scope="session")
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The fast path's memo lives in a folder of the test session's own, for subprocesses too."""
    folder = tmp_path_factory.mktemp("cache")
    previous = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(folder)
    yield folder
    if previous is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = previous


@pytest.fixture(params=["sync", "async"])
def serve(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Start a misbehaving server (`tests/servers.py`) with a client of it: the sync client,
    or the async one driven through `tests/blocking.py`."""
    from .blocking import CLIENT_FACTORIES, CLIENT_IDS
    from .servers import serving

    yield from serving(CLIENT_FACTORIES[CLIENT_IDS.index(request.param)])


def free_port() -> int:
    """A port of 127.0.0.1 nothing listens on now (for a referee's server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port: int = listener.getsockname()[1]
        return port


def npm_installed(home: Path, entry: Path) -> Path:
    """`entry` of the npm package pinned in `home` (package.json and its lock file), installed
    with `npm ci` where it is missing."""
    if not entry.exists():
        npm = shutil.which("npm")
        assert (
            npm
        ), f"{entry} is not installed and npm is missing: install Node.js and npm"
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund", "--prefix", str(home)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr[-3000:]
    assert entry.exists(), entry
    return entry


@pytest.fixture(scope="session")
def prism() -> Path:
    return npm_installed(PRISM_HOME, PRISM)


# AutoRest's acceptance-test server, the referee of test_autorest: pinned in tests/autorest.
AUTOREST_HOME = ROOT / "tests" / "autorest"
AUTOREST_PACKAGE = (
    AUTOREST_HOME / "node_modules" / "@microsoft.azure" / "autorest.testserver"
)


@pytest.fixture(scope="session")
def autorest_testserver() -> Path:
    """The installed package's folder (its `swagger/` files, its `dist/cli/cli.js`)."""
    npm_installed(AUTOREST_HOME, AUTOREST_PACKAGE / "dist" / "cli" / "cli.js")
    return AUTOREST_PACKAGE


def write_spec(spec: dict[str, Any], folder: Path) -> Path:
    """The spec as a JSON file in `folder` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "spec.json"
    path.write_text(json.dumps(spec))
    return path


@pytest.fixture(params=["sync", "async"])
def xml_client(request: pytest.FixtureRequest, httpserver: Any) -> Iterator[Any]:
    """A connector client of each kind that asks for XML, of a local server."""
    from .blocking import CLIENT_FACTORIES, CLIENT_IDS
    from .servers import ACCOUNT, AUTH

    make = CLIENT_FACTORIES[CLIENT_IDS.index(request.param)]
    with make(httpserver.url_for(ACCOUNT), auth=AUTH, data_format="xml") as client:
        yield client


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """The results that forked children sent back, collected as the pipeline waits for them,
    so that a test can see the parallel path really ran (a child that failed gives None).
    """
    from generator import forking

    results: list[object] = []
    start = forking.start

    def recorded(work: Callable[[], Any]) -> Callable[[], Any]:
        waited = start(work)

        def result() -> Any:
            value = waited()
            results.append(value)
            return value

        return result

    monkeypatch.setattr(forking, "start", recorded)
    return results


def progress(config: pytest.Config, line: str) -> None:
    """A line on the terminal while a slow test runs (pytest's capture does not hold it), so
    that a long stretch says what it is doing."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None or capture is None:
        return
    with capture.global_and_fixture_disabled():  # the terminal, not the captured output
        reporter.write_line(f"  ... {line}")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Markers by place: everything under tests/corpus/ reads the corpus and is slow; a test
    that uses the Prism fixture needs Prism and is slow."""
    corpus = Path(__file__).parent / "corpus"
    for item in items:
        if item.path.is_relative_to(corpus):
            item.add_marker(pytest.mark.corpus)
            item.add_marker(pytest.mark.slow)
        if "prism" in getattr(item, "fixturenames", ()) or "twilio_prism" in getattr(
            item, "fixturenames", ()
        ):
            item.add_marker(pytest.mark.prism)
            item.add_marker(pytest.mark.slow)
