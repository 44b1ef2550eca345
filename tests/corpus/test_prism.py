"""An independent referee. Stoplight Prism serves a mock of each spec and
validates every request it receives against it; every operation of each generated client is
called with the example values the generated tests use, and Prism must report no violation in
the request, and every response must parse.

Prism is the npm package pinned in `tests/prism/package.json` (lock file beside it).
`.ci/run` installs it; where it is missing, the first test installs it with `npm ci` (so
README's test command needs nothing more on a fresh machine than Node.js and npm).
`CONNECTOR_CODEGEN_PRISM` names another binary.

Where Prism is itself wrong or literal, the test handles it, and asserts that it is the only
violation where it occurs:
- Prism ignores `basePath`: it serves the paths at its origin, so the client's base URL is the
  origin, not origin + basePath.
- Prism validates its own mock responses too and reports what they break (`location` starting
  with "response"), such as a generated value outside an enum or a missing required field;
  those are Prism's responses, not our requests, so only violations located in the request
  count.
- A body sent to an operation whose `consumes` is an empty list (as some connectors write it,
  meaning "not stated") is refused by Prism as 415 "No supported content types"; the client
  sends JSON, as the connector runtime does. That 415 must then be the request's only
  violation.
- Prism's mock response is built from the spec's examples, and some specs' examples break
  their own schemas (Veterans Affairs gives the object `Distance` the example `54.13`); Prism
  then reports a violation in its own response body, and the client rightly refuses to parse
  it. A response that does not parse must carry such a report.
- Where `produces` is empty or absent (for the operation and the document), Prism has no media
  type to write its mock with and sends an empty body, even where the spec gives a schema. A
  response that does not parse must then be empty (the client's refusal of an empty body
  where a model is due is tested elsewhere).
"""

from __future__ import annotations

import contextlib
import importlib
import json
import subprocess
import sys
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest

from generator.model import Api, Operation
from generator.parse.parser import parse
from generator.pipeline import generate
from generator.source.document import resolve_pointer
from generator.source.loader import load_spec
from generator.testgen.cases import HEADER_NAME, ExampleFactory, credential_values

from ..conftest import TWILIO_SPEC, free_port, make_job
from ..corpus.test_corpus import CORPUS

# Chosen for variety: query, path, header, body, formData and files; basic, API keys in the
# header and in the query, OAuth tokens, no scheme at all, and `security: []` at the top.
SHARED = [
    "certified-connectors__Cloudmersive_Virus_Scan",  # formData binary, key in a header
    "certified-connectors__Insiders_Cloud",  # formData file and string, oauth2
    "certified-connectors__touchSMS",  # basic, body, header, path
    "independent-publisher-connectors__TAGGUN_Receipt_OCR_Scanning",  # files, booleans
    "independent-publisher-connectors__OpenWeather",  # a key in the query
    "independent-publisher-connectors__ShipStationIP",  # basic, body, header
    "independent-publisher-connectors__Worldwide_Holidays",  # no scheme, path, query
    "independent-publisher-connectors__Veterans_Affairs_Facilities",  # header key
    "certified-connectors__RescoReports",  # oauth2, query
    "independent-publisher-connectors__vatcheckapi",  # `security: []`, header key
    "independent-publisher-connectors__AzureADApplications",  # oauth2, path, query
    "certified-connectors__Azure_Communication_Services_Email",  # `security: []`, body
]
SPECS = [TWILIO_SPEC] + [CORPUS / "powerplatform" / f"{name}.json" for name in SHARED]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    output = tmp_path_factory.mktemp("prism")
    sys.path.insert(0, str(output))
    try:
        yield output
    finally:
        sys.path.remove(str(output))


@pytest.fixture(scope="module")
def mock_origins(
    prism: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[Path, str]]:
    """`prism mock` of every spec on 127.0.0.1, all started at once (each takes seconds to
    boot); the origin of each by spec."""
    logs = tmp_path_factory.mktemp("prism-logs")
    servers = {}
    with contextlib.ExitStack() as stack:
        for index, spec in enumerate(SPECS):
            log = logs / f"{index}.log"
            servers[spec] = (*start_mock(stack, prism, spec, log), log)
        for process, origin, log in servers.values():
            wait_until_serving(process, origin, log)
        yield {spec: origin for spec, (_, origin, _) in servers.items()}


def start_mock(
    stack: contextlib.ExitStack, prism: Path, spec: Path, log: Path
) -> tuple[subprocess.Popen[bytes], str]:
    """`prism mock` of the spec on a free port of 127.0.0.1, stopped when the stack closes; its
    process and origin. Its output goes to the log file, never a pipe that could fill.
    """
    port = free_port()
    output = stack.enter_context(log.open("w"))
    command = [str(prism), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)]
    process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT)
    stack.callback(process.wait, 10)
    stack.callback(process.terminate)
    return process, f"http://127.0.0.1:{port}"


def wait_until_serving(
    process: subprocess.Popen[bytes], origin: str, log: Path
) -> None:
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, log.read_text()
        try:
            httpx.get(origin, timeout=1)
            return
        except httpx.TransportError:
            assert time.monotonic() < deadline, "Prism did not start within 60 s"
            time.sleep(0.1)


def client_of(module: ModuleType, api: Api, origin: str) -> Any:
    values = credential_values(api)
    credentials = {s.keyword: values[s.name] for s in api.security_schemes}
    # Prism ignores basePath: the paths are served at its origin
    return getattr(module, api.client_class)(origin, **credentials, max_retries=0)


def call(
    module: ModuleType, client: Any, operation: Operation, values: dict[str, Any]
) -> Any:
    """The raw response of the operation called with the example values, or the ApiError."""
    positional = [values[p.python_name] for p in operation.positional_parameters]
    keywords = {
        p.python_name: values[p.python_name] for p in operation.keyword_parameters
    }
    method = getattr(client.with_raw_response, operation.method_name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        try:
            return method(*positional, **keywords)
        except module.ApiError as error:  # its headers carry the violations
            return error


def violations(response: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = json.loads(
        response.headers.get("sl-violations") or "[]"
    )
    return found


def in_request(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations located in the request (Prism's own responses' are left out)."""
    return [v for v in found if v.get("location", [""])[0] == "request"]


def in_response_body(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The violations Prism reports in its own mock response's body."""
    return [v for v in found if v.get("location", [])[:2] == ["response", "body"]]


def literal_consumes(found: list[dict[str, Any]], consumes: Any) -> bool:
    """Whether the request's only violation is Prism's literal reading of `consumes: []`."""
    shape = [(v.get("code"), v.get("message")) for v in in_request(found)]
    return consumes == [] and shape == [(415, NO_CONTENT_TYPES)]


NO_CONTENT_TYPES = "No supported content types, but request included a non-empty body"


def problem(
    module: ModuleType, response: Any, consumes: Any, produces: Any
) -> str | None:
    """What is wrong with one exchange, in words; None when Prism found nothing."""
    found = violations(response)
    if literal_consumes(found, consumes):
        return None  # Prism refused the body it cannot type: nothing else
    if in_request(found):
        return str(in_request(found))
    if not hasattr(response, "parse"):
        return repr(response)
    try:
        response.parse()
    except module.ConnectorError as error:  # the body is not what the spec promised
        if in_response_body(found):
            return None  # ... and Prism says its own mock response breaks the spec
        if not response.content and not any("json" in str(t) for t in produces or []):
            return None  # ... Prism's empty body where `produces` names no JSON type
        return f"{error!r}; Prism: {found}"
    return None


@pytest.mark.skipif(not CORPUS.exists(), reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.stem.split("__")[-1])
def test_prism_finds_no_violation_in_any_request(
    spec: Path, mock_origins: dict[Path, str], packages: Path
) -> None:
    generated, _ = generate(make_job(spec, packages, with_tests=False))
    module = importlib.import_module(generated.package)
    source = load_spec(spec, spec.name)
    api = parse(source)
    factory = ExampleFactory(api)
    problems: list[str] = []
    with client_of(module, api, mock_origins[spec]) as client:
        for operation in api.operations:
            values = factory.arguments(operation)
            request = factory.request(operation, values)
            if any(not HEADER_NAME.fullmatch(n) for n, _ in request.headers):
                continue  # refused before sending: the generated tests check that
            response = call(module, client, operation, values)
            spec_operation = resolve_pointer(source.data, operation.pointer)
            consumes = spec_operation.get("consumes", source.data.get("consumes"))
            produces = spec_operation.get("produces", source.data.get("produces"))
            found = problem(module, response, consumes, produces)
            if found:
                problems.append(f"{operation.operation_id}: {found}")
    assert not problems, "\n".join(problems)
