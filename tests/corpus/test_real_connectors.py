"""What real connector definitions do that our own specs did not. Each class is fixed
by a rule; the rules are tested here on small documents, on `tests/specs/connection.json`
(one operation per shape, its client driven against a real server), and over every shared
corpus spec."""

from __future__ import annotations

import importlib
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import ApiError, TwilioClient, UnexpectedResponseError

from generator.errors import SpecError
from generator.parse.parser import parse
from generator.pipeline import generate
from generator.source.loader import load_spec

from ..conftest import CONNECTION_SPEC, invoke, make_job
from ..corpus.test_corpus import CORPUS
from ..parse.test_parser import minimal, source

SHARED = sorted((CORPUS / "powerplatform").glob("*.json")) + sorted(
    (CORPUS / "powerplatform-more").glob("*.json")
)
OK = {"200": {"description": "ok"}}
KEY = {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}


# 1. A connection's schemes apply where no requirement is stated.


def operations_security(**document: Any) -> list[Any]:
    return [op.security for op in parse(source(minimal(**document))).operations]


def test_an_empty_top_level_requirement_applies_every_scheme() -> None:
    paths = {"/a": {"get": {"responses": OK}}}
    assert operations_security(securityDefinitions=KEY, security=[], paths=paths) == [
        (("key",),)
    ]


def test_an_operation_requiring_a_scheme_gets_that_scheme_only() -> None:
    definitions = {**KEY, "basic": {"type": "basic"}}
    paths = {
        "/a": {"get": {"security": [{"basic": []}], "responses": OK}},
        "/b": {"get": {"responses": OK}},
    }
    assert operations_security(
        securityDefinitions=definitions, security=[], paths=paths
    ) == [(("basic",),), (("key",), ("basic",))]


def test_an_explicit_empty_requirement_beneath_a_document_one_stays_unauthenticated() -> (
    None
):
    paths = {
        "/open": {"get": {"security": [], "responses": OK}},
        "/closed": {"get": {"responses": OK}},
    }
    assert operations_security(
        securityDefinitions=KEY, security=[{"key": []}], paths=paths
    ) == [(), (("key",),)]


def test_an_anonymous_alternative_comes_after_the_credentialed_ones() -> None:
    paths = {"/a": {"get": {"security": [{}, {"key": []}], "responses": OK}}}
    assert operations_security(securityDefinitions=KEY, paths=paths) == [(("key",), ())]


@pytest.mark.skipif(not SHARED, reason=f"no corpus at {CORPUS}")
def test_secure_code_warrior_keeps_its_one_unauthenticated_operation() -> None:
    spec = (
        CORPUS
        / "powerplatform"
        / ("independent-publisher-connectors__Secure_Code_Warrior.json")
    )
    api = parse(load_spec(spec, spec.name))
    unauthenticated = [op.operation_id for op in api.operations if not op.security]
    assert unauthenticated == ["CourseGetURL"]
    assert all(
        op.security for op in api.operations if op.operation_id != "CourseGetURL"
    )


@pytest.mark.skipif(not SHARED, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("spec", SHARED, ids=lambda spec: spec.stem.split("__")[-1])
def test_every_credential_the_constructor_accepts_is_sent_by_an_operation(
    spec: Path,
) -> None:
    try:
        api = parse(load_spec(spec, spec.name))
    except SpecError as error:  # not JSON (Revizto_Ireland_): a located error
        (finding,) = error.findings
        assert finding.message.startswith("invalid JSON") and finding.line, finding
        return
    sent = {name for op in api.operations for option in op.security for name in option}
    for scheme in api.security_schemes:
        assert scheme.name in sent, (scheme.name, scheme.keyword)


# 2. A requirement naming an undefined scheme is a warning, and is dropped.


def test_an_undefined_scheme_name_is_a_located_warning_and_falls_back() -> None:
    paths = {"/a": {"get": {"security": [{"Missing": []}], "responses": OK}}}
    api = parse(source(minimal(securityDefinitions=KEY, paths=paths)))
    assert api.operations[0].security == (("key",),)
    (warning,) = api.warnings
    assert warning.pointer == "/paths/~1a/get/security/0/Missing"
    assert "'Missing', which securityDefinitions does not define" in warning.message


UNDEFINED = {
    "powerplatform/independent-publisher-connectors__aviationstack.json": "api_key",
    "powerplatform/certified-connectors__NetDocuments.json": "oauth2_auth",
    "powerplatform/certified-connectors__iObeya.json": None,
    "powerplatform-more/certified-connectors__Survalyzer_EU.json": None,
    "powerplatform-more/certified-connectors__UiPath_Automation_Cloud.json": (
        "oauth2_auth"
    ),
}


@pytest.mark.skipif(not SHARED, reason=f"no corpus at {CORPUS}")
@pytest.mark.parametrize("name", sorted(UNDEFINED), ids=lambda n: n.split("__")[-1])
def test_the_specs_naming_undefined_schemes_send_their_credential(name: str) -> None:
    spec = CORPUS / name
    api = parse(load_spec(spec, spec.name))
    assert any("securityDefinitions does not define" in w.message for w in api.warnings)
    scheme = UNDEFINED[name]
    if scheme is None:
        from generator.render.docstrings import client_doc

        assert api.security_schemes == ()
        assert "The spec defines no security scheme" in client_doc(api)
    else:
        assert all((scheme,) in op.security for op in api.operations)


# The connection spec: one operation per shape, against a real server.


@pytest.fixture(scope="module")
def connection(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    output = tmp_path_factory.mktemp("connection")
    generated, _ = generate(make_job(CONNECTION_SPEC, output))
    sys.path.insert(0, str(output))
    try:
        yield importlib.import_module(generated.package)
    finally:
        sys.path.remove(str(output))


@pytest.fixture
def wire(connection: ModuleType, httpserver: HTTPServer) -> Iterator[HTTPServer]:
    """The server reading requests with the generated suite's own WireHeaders handler."""
    suite = importlib.import_module(connection.__name__ + ".tests.test_client")
    assert httpserver.server is not None
    handler = httpserver.server.RequestHandlerClass
    httpserver.server.RequestHandlerClass = suite.WireHeaders
    yield httpserver
    httpserver.server.RequestHandlerClass = handler


@pytest.fixture
def client(connection: ModuleType, wire: HTTPServer) -> Iterator[Any]:
    with connection.ConnectionClient(wire.url_for("/v1"), api_key="k_1") as client:
        yield client


def only_request(server: HTTPServer) -> Any:
    (entry,) = server.log
    return entry[0]


def wire_headers(request: Any) -> dict[str, str]:
    return {name.lower(): value for name, value in request.environ["wire.headers"]}


ITEM = {"id": "i1", "clean": True}


def test_a_header_name_with_underscores_and_the_connection_key_reach_the_wire(
    client: Any, wire: HTTPServer
) -> None:
    wire.expect_request("/v1/items/x").respond_with_json(ITEM)
    client.get_item("x", "tenant-7")
    headers = wire_headers(only_request(wire))
    assert headers["tenant_id"] == "tenant-7"
    assert (
        headers["api_key"] == "k_1"
    )  # `security: []` at the top: the connection's key


def test_a_query_key_yields_only_to_a_parameter_of_its_name_that_was_given(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    document = minimal(
        securityDefinitions={"key": {"type": "apiKey", "in": "query", "name": "code"}},
        paths={
            "/a": {
                "get": {
                    "operationId": "GetA",
                    "parameters": [{"name": "code", "in": "query", "type": "string"}],
                    "responses": OK,
                }
            }
        },
    )
    spec = tmp_path / "key.json"
    spec.write_text(json.dumps(document))
    generated, _ = generate(make_job(spec, tmp_path, with_tests=False))
    sys.path.insert(0, str(tmp_path))
    try:
        module = importlib.import_module(generated.package)
    finally:
        sys.path.remove(str(tmp_path))
    httpserver.expect_request("/a").respond_with_data("")
    with module.TClient(httpserver.url_for(""), api_key="secret") as client:
        client.get_a()
        client.get_a(code="mine")
    sent = [request.environ["RAW_URI"] for request, _ in httpserver.log]
    assert sent == ["/a?code=secret", "/a?code=mine"]


# 4. Header values from the spec are sent as HTTP defines them.


def test_a_constant_header_is_sent_without_its_leading_space(
    client: Any, wire: HTTPServer
) -> None:
    wire.expect_request("/v1/items/x").respond_with_json(ITEM)
    client.get_item("x", "t")
    assert wire_headers(only_request(wire))["prefer"] == "return=representation"


def test_a_header_default_http_cannot_carry_becomes_a_parameter_with_a_warning(
    client: Any, wire: HTTPServer
) -> None:
    api = parse(load_spec(CONNECTION_SPEC, "connection.json"))
    (trace,) = [p for p in api.operations[0].parameters if p.wire_name == "X-Trace"]
    assert not trace.constant and not trace.has_default
    assert any(w.pointer.endswith("/parameters/4/default") for w in api.warnings)
    wire.expect_request("/v1/items/x").respond_with_json(ITEM)
    client.get_item("x", "t", x_trace="abc")
    assert wire_headers(only_request(wire))["x-trace"] == "abc"


def test_a_caller_header_value_with_outer_spaces_is_trimmed(
    client: Any, wire: HTTPServer
) -> None:
    wire.expect_request("/v1/items/x").respond_with_json(ITEM)
    client.get_item("x", "  t-1\t")
    assert wire_headers(only_request(wire))["tenant_id"] == "t-1"


# 7 and 8. Names as the spec spells them; double URL encoding.


def test_a_query_name_with_a_leading_space_is_sent_as_spelled_and_warned(
    client: Any, wire: HTTPServer
) -> None:
    wire.expect_request("/v1/items/x").respond_with_json(ITEM)
    client.get_item("x", "t", limit=5)
    assert only_request(wire).environ["RAW_URI"] == "/v1/items/x?%20limit=5"
    code, output = invoke("validate", str(CONNECTION_SPEC))
    assert code == 0
    assert (
        "/get/parameters/1/name: the parameter name ' limit' begins or ends" in output
    )


def test_a_double_encoded_path_value_is_percent_encoded_twice(
    client: Any, wire: HTTPServer
) -> None:
    wire.expect_request("/v1/items/a%2Fb%20c").respond_with_json(ITEM)  # decoded once
    client.get_item("a/b c", "t")
    assert only_request(wire).environ["RAW_URI"] == "/v1/items/a%252Fb%2520c"


# 3. Binary values go out as bytes, never as their repr().


@pytest.mark.parametrize(
    "upload", [b"\x00\xffEICAR", io.BytesIO(b"\x00\xffEICAR")], ids=["bytes", "file"]
)
def test_a_binary_form_field_is_a_file_part(
    client: Any, wire: HTTPServer, upload: Any
) -> None:
    wire.expect_request("/v1/scan", method="POST").respond_with_json(ITEM)
    client.scan_file(upload, note="n")
    request = only_request(wire)
    assert request.files["inputFile"].read() == b"\x00\xffEICAR"
    assert request.form.to_dict() == {"note": "n"}
    assert b"BytesIO" not in request.get_data() and b"b'\\x00" not in request.get_data()


@pytest.mark.parametrize(
    "upload", [b"\x01\x02", io.BytesIO(b"\x01\x02")], ids=["bytes", "file"]
)
def test_a_binary_field_of_a_urlencoded_form_goes_as_multipart(
    client: Any, wire: HTTPServer, upload: Any
) -> None:
    wire.expect_request("/v1/notes", method="POST").respond_with_data("")
    client.post_note("t", attachment=upload)
    request = only_request(wire)
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    assert request.files["attachment"].read() == b"\x01\x02"
    assert request.form.to_dict() == {"title": "t"}


@pytest.mark.parametrize(
    "upload", [b"\x00\x01", io.BytesIO(b"\x00\x01")], ids=["bytes", "file"]
)
def test_a_binary_body_is_sent_as_its_bytes(
    client: Any, wire: HTTPServer, upload: Any
) -> None:
    wire.expect_request("/v1/blobs/b", method="PUT").respond_with_data("", status=204)
    client.put_blob("b", upload)
    request = only_request(wire)
    assert request.get_data() == b"\x00\x01"
    assert request.headers["Content-Type"] == "application/octet-stream"


def test_the_runtime_never_sends_a_binary_value_as_its_repr(
    connection: ModuleType,
) -> None:
    runtime = importlib.import_module(connection.__name__ + "._runtime")
    body, content_type = runtime.encode_form(
        [("a", b"\x00"), ("b", io.BytesIO(b"\x01")), ("c", "text")], [], multipart=False
    )
    assert content_type.startswith("multipart/form-data")
    assert b"\r\n\r\n\x00\r\n" in body and b"\r\n\r\n\x01\r\n" in body
    assert b"BytesIO" not in body and b"b'" not in body


# 6. Statuses without a body; interim statuses.


def test_a_304_error_is_read_without_a_body(
    connection: ModuleType, client: Any, wire: HTTPServer
) -> None:
    wire.expect_request("/v1/items/x").respond_with_data("", status=304)
    with pytest.raises(connection.NotModifiedError) as caught:
        client.get_item("x", "t")
    assert (caught.value.text, caught.value.json) == ("", None)
    assert str(caught.value) == "304 Not changed since the last call"


def test_a_response_to_head_has_no_body_whatever_the_schema_says(
    connection: ModuleType, client: Any, wire: HTTPServer
) -> None:
    api = parse(load_spec(CONNECTION_SPEC, "connection.json"))
    (head,) = [op for op in api.operations if op.http_method == "HEAD"]
    assert all(response.type is None for response in head.responses)
    wire.expect_request("/v1/items/x", method="HEAD").respond_with_data("", status=404)
    with pytest.raises(connection.NotFoundError) as caught:
        client.head_item("x")
    assert (caught.value.text, caught.value.json) == ("", None)


def test_a_documented_1xx_is_a_warning_and_its_generated_test_sends_it(
    connection: ModuleType,
) -> None:
    api = parse(load_spec(CONNECTION_SPEC, "connection.json"))
    assert api.operations[0].interim_statuses == (103,)
    assert 103 not in {error.status for error in api.errors}
    assert any(w.pointer.endswith("/responses/103") for w in api.warnings)
    tests = Path(connection.__file__).parent / "tests" / "test_client.py"
    text = tests.read_text()
    assert "interim_statuses=(103,)," in text  # the get_item row
    assert "def test_the_final_response_is_read_after_an_interim_one(" in text


def test_the_generated_suite_of_the_connection_spec_passes(
    connection: ModuleType,
) -> None:
    folder = Path(connection.__file__).parent
    done = pytest.main(["-q", "-p", "no:cacheprovider", str(folder / "tests")])
    assert done == pytest.ExitCode.OK


# The messages a new user meets.


def test_str_of_an_api_error_shows_the_body_briefly_with_credentials_hidden(
    httpserver: HTTPServer,
) -> None:
    echoed = (
        "rejected AC123:s3cret-token (QUMxMjM6czNjcmV0LXRva2Vu) \x1b[31m" + "x" * 400
    )
    httpserver.expect_request("/api/Messages/SM1.json").respond_with_data(
        echoed, status=401
    )
    base = httpserver.url_for("/api")
    client = TwilioClient(base, auth=("AC123", "s3cret-token"))
    with client, pytest.raises(ApiError) as caught:
        client.get_message("SM1")
    message = str(caught.value)
    assert message.startswith("401 Operation Failed.: rejected *** (***) \\x1b[31mxxx")
    assert "s3cret" not in message and "QUMxMjM6" not in message
    assert message.endswith("x...") and len(message) < 260
    assert caught.value.text == echoed  # the body itself is kept as sent


def test_a_failure_on_a_next_page_link_says_it_was_the_page_link(
    httpserver: HTTPServer,
) -> None:
    page = {"messages": [{"sid": "SM1"}], "next_page_uri": "/api/page-2"}
    httpserver.expect_request("/api/Messages.json").respond_with_json(page)
    httpserver.expect_oneshot_request("/api/page-2").respond_with_data("no", status=500)
    httpserver.expect_oneshot_request("/api/page-2").respond_with_data("<html>")
    with TwilioClient(httpserver.url_for("/api"), auth=("AC1", "t")) as client:
        once = client.with_options(max_retries=0)
        with pytest.raises(ApiError, match="^following the next-page link: 500 "):
            list(once.iter_list_messages())
        with pytest.raises(
            UnexpectedResponseError, match="the page the next-page link named: "
        ):
            list(once.iter_list_messages())


def test_check_without_the_package_option_points_at_the_package_there(
    project: Path,
) -> None:
    assert invoke("generate", "--package", "shelf")[0] == 0
    code, output = invoke("check")
    assert code == 1
    assert "shelf/ was generated from the same spec" in output
    assert "--package shelf" in output


# 9. Raw control characters in JSON strings, under --lenient.


def test_a_raw_control_character_is_an_error_and_with_lenient_a_located_warning(
    tmp_path: Path,
) -> None:
    spec = tmp_path / "raw.json"
    document = minimal(paths={"/a": {"get": {"responses": OK, "summary": "@"}}})
    spec.write_text(json.dumps(document, indent=1).replace("@", "tab\there"))
    code, output = invoke("validate", str(spec))
    assert code == 2
    assert (
        "raw.json:" in output
        and "Invalid control character (--lenient reads it)" in output
    )
    code, output = invoke("generate", str(spec), "--lenient", "--output", str(tmp_path))
    assert code == 0, output
    line = next(
        n for n, text in enumerate(spec.read_text().splitlines(), 1) if "\t" in text
    )
    assert f"raw.json:{line}:" in output
    assert "a raw control character (U+0009) inside a string" in output
