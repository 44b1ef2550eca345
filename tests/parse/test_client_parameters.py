"""Client parameters. A parameter marked `x-ms-parameter-location: client` (AutoRest's
extension) is a constructor argument of the client that every operation uses, overridable
through `with_options`, instead of a parameter of each method; the API record lists it and
`changes` reports what happens to it.
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from twilio_api import AsyncTwilioAPIClient, TwilioAPIClient

from generator.api_record.record import (
    BREAKING,
    COMPATIBLE,
    compare,
    read_record,
    record,
)
from generator.pipeline import generate, understand

from ..blocking import CLIENT_IDS, blocking
from ..conftest import MYPY_STRICT, PYTEST_QUIET, imports, make_job, run, write_spec

ACCOUNT = "AC" + "0123456789abcdef" * 2
OTHER_ACCOUNT = "AC" + "fedcba9876543210" * 2

SPEC: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Ledger", "version": "1"},
    "host": "ledger.example",
    "basePath": "/v1",
    "parameters": {
        "Tenant": {
            "name": "Tenant",
            "in": "path",
            "required": True,
            "type": "string",
            "x-ms-parameter-location": "client",
        },
        "Region": {
            "name": "region",
            "in": "query",
            "type": "string",
            "x-ms-parameter-location": "client",
        },
    },
    "paths": {
        "/tenants/{Tenant}/books/{id}": {
            "parameters": [{"$ref": "#/parameters/Tenant"}],
            "get": {
                "operationId": "GetBook",
                "parameters": [
                    {"name": "id", "in": "path", "required": True, "type": "string"},
                    {"$ref": "#/parameters/Region"},
                ],
                "responses": {"200": {"description": "OK"}},
            },
        },
        "/tenants/{Tenant}/books": {
            "get": {
                "operationId": "ListBooks",
                "parameters": [{"$ref": "#/parameters/Tenant"}],
                "responses": {"200": {"description": "OK"}},
            },
        },
    },
}


def understood(spec: dict[str, Any], folder: Path) -> Any:
    return understand(make_job(write_spec(spec, folder), folder / "out"))


def test_a_client_parameter_leaves_the_methods_for_the_constructor(
    tmp_path: Path,
) -> None:
    api = understood(SPEC, tmp_path).api
    assert [(p.python_name, p.required) for p in api.client_parameters] == [
        ("tenant", True),
        ("region", False),
    ]
    get_book = next(op for op in api.operations if op.method_name == "get_book")
    assert [p.python_name for p in get_book.exposed_parameters] == ["id"]
    assert [p.python_name for p in get_book.parameters if p.client] == [
        "tenant",
        "region",
    ]


def test_a_client_keyword_never_takes_a_constructor_keyword(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["parameters"]["Tenant"]["x-ms-client-name"] = "timeout"
    spec["parameters"]["Region"]["name"] = "auth"
    spec["securityDefinitions"] = {"basic": {"type": "basic"}}
    api = understood(spec, tmp_path).api
    assert [p.python_name for p in api.client_parameters] == ["timeout_", "auth_"]
    assert [s.keyword for s in api.security_schemes] == ["auth"]


def test_a_body_or_form_parameter_marked_client_stays_the_methods_with_a_warning(
    tmp_path: Path,
) -> None:
    spec = copy.deepcopy(SPEC)
    spec["paths"]["/tenants/{Tenant}/books"]["post"] = {
        "operationId": "AddBook",
        "consumes": ["application/x-www-form-urlencoded"],
        "parameters": [
            {"$ref": "#/parameters/Tenant"},
            {
                "name": "Title",
                "in": "formData",
                "type": "string",
                "x-ms-parameter-location": "client",
            },
        ],
        "responses": {"201": {"description": "Created"}},
    }
    result = understood(spec, tmp_path)
    add_book = next(op for op in result.api.operations if op.method_name == "add_book")
    assert [p.python_name for p in add_book.exposed_parameters] == ["title"]
    assert any(
        "a formData parameter cannot be a client parameter" in str(w)
        and "/x-ms-parameter-location" in str(w)
        for w in result.api.warnings
    ), result.api.warnings


def test_a_constant_parameter_marked_client_stays_a_constant(tmp_path: Path) -> None:
    spec = copy.deepcopy(SPEC)
    spec["parameters"]["Region"].update(
        {"x-ms-visibility": "internal", "default": "eu"}
    )
    api = understood(spec, tmp_path).api
    assert [p.python_name for p in api.client_parameters] == ["tenant"]
    get_book = next(op for op in api.operations if op.method_name == "get_book")
    assert [p.constant for p in get_book.parameters if p.wire_name == "region"] == [
        True
    ]


@pytest.mark.slow
def test_a_package_with_path_and_query_client_parameters_passes_its_suite_and_mypy(
    tmp_path: Path,
) -> None:
    """The generated tests construct the clients with the client parameters and expect them
    in every request (the tenant in the path, the region in the query), on both clients.
    """
    generate(make_job(write_spec(SPEC, tmp_path), tmp_path / "out"))
    package = tmp_path / "out" / "ledger_connector"
    suite = run([*PYTEST_QUIET, package.name], cwd=package.parent)
    assert suite.returncode == 0, suite.stdout[-3000:]
    assert " passed" in suite.stdout and " failed" not in suite.stdout
    typed = run([*MYPY_STRICT, package.name], cwd=package.parent)
    assert typed.returncode == 0, typed.stdout[-3000:]
    tests = (package / "tests" / "test_client.py").read_text()
    assert "region=" in tests and "tenant=" in tests


@pytest.mark.parametrize("client_class", [TwilioAPIClient, AsyncTwilioAPIClient])
def test_the_generated_constructor_requires_the_account_and_with_options_takes_it(
    client_class: type[Any],
) -> None:
    constructor = inspect.signature(client_class.__init__).parameters["account_sid"]
    assert constructor.kind is inspect.Parameter.KEYWORD_ONLY
    assert constructor.default is inspect.Parameter.empty
    option = inspect.signature(client_class.with_options).parameters["account_sid"]
    assert option.default is None
    for name, method in inspect.getmembers(client_class, inspect.isfunction):
        if not name.startswith("_") and name != "with_options":
            assert "account_sid" not in inspect.signature(method).parameters, name
    with pytest.raises(TypeError, match="account_sid"):
        client_class(auth=("AC1", "token"))


@pytest.fixture(
    params=[TwilioAPIClient, blocking(AsyncTwilioAPIClient)], ids=CLIENT_IDS
)
def client(request: pytest.FixtureRequest, httpserver: HTTPServer) -> Iterator[Any]:
    make = request.param
    with make(
        httpserver.url_for("/2010-04-01"),
        account_sid=ACCOUNT,
        auth=("SK" + "1" * 32, "secret"),
    ) as client:
        yield client


def test_every_operation_uses_the_clients_account_and_with_options_overrides_it(
    httpserver: HTTPServer, client: Any
) -> None:
    for account in (ACCOUNT, OTHER_ACCOUNT):
        httpserver.expect_request(
            f"/2010-04-01/Accounts/{account}/Messages/SM{'a' * 32}.json"
        ).respond_with_json({"sid": "SM" + "a" * 32, "account_sid": account})
        httpserver.expect_request(
            f"/2010-04-01/Accounts/{account}/Usage/Records.json"
        ).respond_with_json({"usage_records": [], "next_page_uri": None})
    other = client.with_options(account_sid=OTHER_ACCOUNT)
    for each, account in ((client, ACCOUNT), (other, OTHER_ACCOUNT)):
        message = each.fetch_message("SM" + "a" * 32)
        assert message.account_sid == account
        assert each.list_usage_records().usage_records == []
    # the account of the first client is unchanged; a None option keeps it
    again = client.with_options(account_sid=None)
    assert again.fetch_message("SM" + "a" * 32).account_sid == ACCOUNT
    paths = [request.path for request, _ in httpserver.log]
    assert (
        paths.count(f"/2010-04-01/Accounts/{ACCOUNT}/Messages/SM{'a' * 32}.json") == 2
    )
    assert f"/2010-04-01/Accounts/{OTHER_ACCOUNT}/Usage/Records.json" in paths


# -- the API record and changes --------------------------------------------------------------


def recorded(spec: dict[str, Any], folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(json.dumps(record(understood(spec, folder).api)))
    return data


def test_the_record_lists_the_client_parameters(tmp_path: Path) -> None:
    assert recorded(SPEC, tmp_path)["client_parameters"] == [
        {
            "keyword": "tenant",
            "wire_name": "Tenant",
            "in": "path",
            "type": "str",
            "required": True,
        },
        {
            "keyword": "region",
            "wire_name": "region",
            "in": "query",
            "type": "str",
            "required": False,
        },
    ]


def test_changes_reports_client_parameters_added_removed_and_made_required(
    tmp_path: Path,
) -> None:
    before = recorded(SPEC, tmp_path / "before")
    without_region = copy.deepcopy(SPEC)
    get_book = without_region["paths"]["/tenants/{Tenant}/books/{id}"]["get"]
    get_book["parameters"].pop()
    required_region = copy.deepcopy(SPEC)
    required_region["parameters"]["Region"]["required"] = True
    cases = {
        "removed": (without_region, BREAKING, "keyword region= was removed"),
        "required": (required_region, BREAKING, "keyword region= became required"),
    }
    for name, (spec, kind, words) in cases.items():
        after = recorded(spec, tmp_path / name)
        changes = compare(before, after)
        assert any(
            c.kind == kind and c.what == "client parameter" and words in c.message
            for c in changes
        ), (name, changes)
        back = compare(after, before)
        assert back or name == "required"
    added = compare(recorded(without_region, tmp_path / "again"), before)
    assert [(c.kind, c.message) for c in added if c.what == "client parameter"] == [
        (COMPATIBLE, "a new client parameter keyword region=")
    ]
    required_added = copy.deepcopy(before)
    required_added["client_parameters"].append(
        {
            "keyword": "zone",
            "wire_name": "Zone",
            "in": "header",
            "type": "str",
            "required": True,
        }
    )
    assert [c.kind for c in compare(before, required_added)] == [BREAKING]


def test_a_record_written_before_client_parameters_reads_as_having_none(
    tmp_path: Path,
) -> None:
    data = recorded(SPEC, tmp_path)
    del data["client_parameters"]
    assert read_record(json.dumps(data), "old.json")["client_parameters"] == []


@pytest.mark.slow
def test_a_hostile_client_parameter_is_escaped_everywhere_it_is_written(
    tmp_path: Path,
) -> None:
    spec = copy.deepcopy(SPEC)
    hostile = 'Tenant"""\\x\'#import os'
    spec["parameters"]["Tenant"]["name"] = hostile
    spec["parameters"]["Tenant"]["description"] = '"""); import os; ("""\n\\'
    for path in list(spec["paths"]):
        spec["paths"][path.replace("{Tenant}", "{" + hostile + "}")] = spec[
            "paths"
        ].pop(path)
    generate(make_job(write_spec(spec, tmp_path / "hostile"), tmp_path / "out"))
    generate(make_job(write_spec(SPEC, tmp_path / "benign"), tmp_path / "benign"))
    package = tmp_path / "out" / "ledger_connector"
    for module in sorted(package.rglob("*.py")):
        relative = module.relative_to(package)
        benign = tmp_path / "benign" / "ledger_connector" / relative
        # every module is still Python, importing exactly what the benign one imports
        assert imports(module) == imports(benign), relative
    suite = run([*PYTEST_QUIET, package.name], cwd=package.parent)
    assert suite.returncode == 0, suite.stdout[-3000:]
