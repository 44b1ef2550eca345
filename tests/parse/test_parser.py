"""Parsing into the intermediate model: names, types, operations, security."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.errors import GeneratorError
from generator.model import ANY, DictType, ListType, ModelType, ScalarType
from generator.parse.parser import check_package_name, default_package_name, parse
from generator.render.spelling import (
    annotation,
    field_annotation,
    parameter_annotation,
)
from generator.source.loader import SourceFile, load_spec

from ..conftest import LEDGER_SPEC, LIBRARY_SPEC, TWILIO_SPEC


def source(data: dict[str, Any]) -> SourceFile:
    return SourceFile(Path("x.json"), "x.json", data, "0" * 64, lambda parts: None)


def minimal(**extra: Any) -> dict[str, Any]:
    return {
        "swagger": "2.0",
        "info": {"title": "T", "version": "1"},
        "paths": {},
        **extra,
    }


@pytest.fixture(scope="module")
def twilio() -> Any:
    return parse(load_spec(TWILIO_SPEC, "spec/twilio.yaml"))


def test_twilio_names(twilio: Any) -> None:
    assert twilio.package == "twilio_connector"
    assert twilio.client_class == "TwilioClient"
    assert [op.method_name for op in twilio.operations] == [
        "get_message",
        "list_messages",
        "send_message",
    ]
    assert [e.name for e in twilio.errors] == [
        "BadRequestError",
        "NotFoundError",
        "InternalServerError",
    ]
    (scheme,) = twilio.security_schemes
    assert (scheme.name, scheme.kind, scheme.keyword) == ("basic_auth", "basic", "auth")
    assert {op.security for op in twilio.operations} == {(("basic_auth",),)}
    assert twilio.host_url is None


def test_twilio_list_messages_parameters(twilio: Any) -> None:
    list_messages = twilio.operations[1]
    wire = [
        (p.python_name, p.wire_name, annotation(p.type).text)
        for p in list_messages.parameters
    ]
    assert wire == [
        ("to", "To", "str"),
        ("from_", "From", "str"),
        ("date_sent", "DateSent", "str"),
        ("date_sent_before", "DateSent<", "str"),
        ("date_sent_after", "DateSent>", "str"),
        ("page_size", "PageSize", "int"),
        ("page", "Page", "int"),
    ]
    assert list_messages.parameters[5].default == 50
    assert all(not p.required for p in list_messages.parameters)


def test_twilio_models_keep_wire_names(twilio: Any) -> None:
    available = twilio.model("AvailablePhoneNumbers")
    names = {f.wire_name: f.python_name for f in available.fields}
    assert (
        names["MMS"] == "mms"
        and names["SMS"] == "sms"
        and names["phone_number"] == "phone_number"
    )
    send = twilio.model("SendMessageRequest")
    assert [(f.python_name, f.required) for f in send.fields][:3] == [
        ("from_", True),
        ("to", True),
        ("body", True),
    ]
    assert field_annotation(send.fields[3]).text == "list[str] | None | Unset"
    message = twilio.model("Message")
    assert next(
        f for f in message.fields if f.wire_name == "subresource_uris"
    ).type == ListType(ANY)
    assert twilio.model("MessageList").fields[0].type == ListType(ModelType("Message"))
    assert twilio.model("IncomingPhoneNumber").fields[6].type == ModelType(
        "Capabilities"
    )


def test_the_body_parameter_accepts_the_model_or_a_dict(twilio: Any) -> None:
    body = twilio.operations[2].body
    assert body.python_name == "send_message_request"
    assert parameter_annotation(body).text == "SendMessageRequest | dict[str, Any]"


def test_library_types_inline_models_and_shared_parameters() -> None:
    api = parse(load_spec(LIBRARY_SPEC, "library.json"))
    assert api.package == "library_catalog_connector"
    assert api.host_url == "https://library.example.org/v2"
    assert api.security_schemes == ()
    assert {op.security for op in api.operations} == {()}
    book = api.model("Book")
    kinds = {f.wire_name: f.type for f in book.fields}
    assert kinds["rating"] == ScalarType("float")
    assert kinds["inPrint"] == ScalarType("bool")
    assert kinds["tags"] == DictType(ScalarType("str"))
    assert kinds["series"] == ModelType("Book")
    assert kinds["extra"] == ANY
    assert {f.wire_name: f.python_name for f in book.fields}["self"] == "self_"
    assert {f.wire_name: f.python_name for f in book.fields}["type"] == "type_"
    names = [m.name for m in api.models]
    assert names == ["Book", "Person", "CreateLoanBody", "CreateLoanResponse"]
    get_book = next(op for op in api.operations if op.method_name == "get_book")
    assert [(p.wire_name, p.location) for p in get_book.parameters] == [
        ("isbn", "path")
    ]
    shelf = next(op for op in api.operations if op.method_name == "list_shelf_books")
    assert [p.python_name for p in shelf.parameters] == [
        "shelf_number",
        "available",
        "min_rating",
        "x_request_id",
    ]


def test_names_that_collide_after_conversion_are_disambiguated() -> None:
    properties = {
        "fooBar": {"type": "string"},
        "foo_bar": {"type": "string"},
        "to_dict": {"type": "string"},
    }
    data = minimal(
        definitions={
            "Thing": {"type": "object", "properties": properties},
            "thing": {"type": "object", "properties": properties},
        }
    )
    api = parse(source(data))
    assert [m.name for m in api.models] == ["Thing", "Thing_2"]
    assert [f.python_name for f in api.models[0].fields] == [
        "foo_bar_2",
        "foo_bar",
        "to_dict_",
    ]


def test_model_names_never_shadow_the_generated_code() -> None:
    data = minimal(
        definitions={
            name: {"type": "object", "properties": {"a": {"type": "string"}}}
            for name in ("ApiError", "UNSET", "TClient", "ApiModel")
        }
    )
    api = parse(source(data))
    assert [m.name for m in api.models] == [
        "ApiError_",
        "UNSET_",
        "TClient_",
        "ApiModel_",
    ]


def test_package_names() -> None:
    assert default_package_name("Twilio") == "twilio_connector"
    assert default_package_name("Twilio Connector") == "twilio_connector"
    assert default_package_name("../../etc") == "etc_connector"
    assert default_package_name("..") == "api_connector"
    # runs of capitals kept together (docs/naming.md, which lists these two)
    assert (
        default_package_name("OpenFaaS API Gateway") == "openfaas_api_gateway_connector"
    )
    assert default_package_name("WordLift GraphQL") == "word_lift_graphql_connector"
    assert check_package_name("my_client") == "my_client"
    for bad in ("my-client", "1client", "class", "a.b", "../x", ""):
        with pytest.raises(GeneratorError):
            check_package_name(bad)


def test_operations_without_an_operation_id_are_named_from_method_and_path() -> None:
    data = minimal(
        paths={
            "/items/{id}": {
                "get": {
                    "parameters": [
                        {"name": "id", "in": "path", "required": True, "type": "string"}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )
    assert parse(source(data)).operations[0].method_name == "get_items_id"


def test_security_schemes_keywords_and_per_operation_requirements() -> None:
    definitions = {
        "partner": {"type": "apiKey", "in": "header", "name": "X-Partner-Key"},
        "admin": {"type": "apiKey", "in": "query", "name": "admin_key"},
        "oauth": {
            "type": "oauth2",
            "flow": "implicit",
            "authorizationUrl": "https://x/a",
            "scopes": {},
        },
        "basic": {"type": "basic"},
    }
    ok = {"200": {"description": "ok"}}
    paths = {
        "/open": {"get": {"security": [], "responses": ok}},
        "/admin": {
            "get": {"security": [{"admin": []}, {"oauth": []}], "responses": ok}
        },
        "/default": {"get": {"responses": ok}},
    }
    api = parse(
        source(
            minimal(
                securityDefinitions=definitions, security=[{"partner": []}], paths=paths
            )
        )
    )
    keywords = {s.name: s.keyword for s in api.security_schemes}
    assert keywords == {
        "partner": "partner_api_key",
        "admin": "admin_api_key",
        "oauth": "token",
        "basic": "auth",
    }
    assert [op.security for op in api.operations] == [
        (),
        (("admin",), ("oauth",)),
        (("partner",),),
    ]


def test_schemes_without_any_requirement_apply_to_every_operation() -> None:
    definitions = {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}}
    paths = {"/a": {"get": {"responses": {"200": {"description": "ok"}}}}}
    api = parse(source(minimal(securityDefinitions=definitions, paths=paths)))
    assert api.security_schemes[0].keyword == "api_key"
    assert api.operations[0].security == (("key",),)


def test_twilio_list_messages_is_pageable_over_messages(twilio: Any) -> None:
    pager = twilio.operations[1].pager
    assert pager.method_name == "iter_list_messages"
    assert (pager.items.wire_name, annotation(pager.items.type).text) == (
        "messages",
        "list[Message]",
    )
    assert pager.next_link.python_name == "next_page_uri"
    assert [op.pager for op in (twilio.operations[0], twilio.operations[2])] == [
        None,
        None,
    ]


@pytest.fixture(scope="module")
def ledger() -> Any:
    return parse(load_spec(LEDGER_SPEC, "ledger.json"))


def test_x_ms_pageable_without_a_next_link_is_a_single_page(ledger: Any) -> None:
    search = next(op for op in ledger.operations if op.operation_id == "SearchLoans")
    assert search.pager.method_name == "iter_search_loans"
    assert search.pager.items.wire_name == "hits"
    assert search.pager.next_link is None


def test_x_ms_pageable_that_the_page_cannot_satisfy_is_a_located_warning(
    ledger: Any,
) -> None:
    summary = next(op for op in ledger.operations if op.operation_id == "LoanSummary")
    assert summary.pager is None
    (warning,) = ledger.warnings
    assert warning.pointer == "/paths/~1loans~1summary/get/x-ms-pageable"
    assert "no array property 'missing'" in warning.message
    assert warning.line is not None


def test_an_iterator_name_never_takes_an_operation_s_name() -> None:
    page = {"type": "object", "properties": {"value": {"type": "array"}}}
    data = minimal(
        paths={
            "/a": {
                "get": {
                    "operationId": "things",
                    "x-ms-pageable": {"nextLinkName": None},
                    "responses": {"200": {"description": "", "schema": page}},
                }
            },
            "/b": {
                "get": {
                    "operationId": "iter_things",
                    "responses": {"200": {"description": ""}},
                }
            },
        }
    )
    things = parse(source(data)).operations[0]
    assert things.pager.method_name == "iter_things_2"


def test_deprecated_operations_are_marked(ledger: Any) -> None:
    deprecated = {op.operation_id: op.deprecated for op in ledger.operations}
    assert deprecated == {
        "ListLoans": True,
        "SearchLoans": False,
        "LoanSummary": True,
        "GetPayment": False,
    }


def test_a_discriminator_makes_subtypes_subclasses_defined_after_their_base(
    ledger: Any,
) -> None:
    names = [model.name for model in ledger.models]
    payment, card = ledger.model("Payment"), ledger.model("CardPayment")
    refund = ledger.model("Refund")
    assert names.index("Payment") < names.index("CardPayment")
    assert names.index("Transfer") < names.index("Refund")
    assert payment.subtypes == (
        ("Card", "CardPayment"),
        ("Refund", "Refund"),
        ("Transfer", "Transfer"),
    )
    assert (card.base, refund.base) == ("Payment", "Transfer")
    assert ledger.model("Transfer").subtypes == (("Refund", "Refund"),)
    # inherited fields come first, with the base's names; the discriminator is fixed
    assert [f.python_name for f in refund.fields] == [
        "kind",
        "id",
        "amount",
        "iban",
        "reason",
    ]
    assert (card.fields[0].fixed, refund.fields[0].fixed) == ("Card", "Refund")


def test_read_only_and_x_nullable_fields(ledger: Any) -> None:
    payment, loan = ledger.model("Payment"), ledger.model("Loan")
    identifier = next(f for f in payment.fields if f.wire_name == "id")
    closed = next(f for f in loan.fields if f.wire_name == "closedAt")
    loan_id = next(f for f in loan.fields if f.wire_name == "id")
    assert (identifier.required, identifier.read_only) == (True, True)
    assert field_annotation(identifier).text == "str | Unset"  # may be left out in code
    assert field_annotation(closed).text == "str | None"  # required, and may be null
    assert field_annotation(loan_id).text == "str"


def test_x_ms_client_name_renames_a_property_and_wins_a_clash() -> None:
    properties = {
        "fromDate": {"type": "string"},
        "$from": {"type": "string", "x-ms-client-name": "fromDate"},
    }
    data = minimal(definitions={"Range": {"type": "object", "properties": properties}})
    (model,) = parse(source(data)).models
    assert [(f.wire_name, f.python_name) for f in model.fields] == [
        ("fromDate", "from_date_2"),
        ("$from", "from_date"),
    ]


def test_documented_response_headers_are_in_the_docstring(ledger: Any) -> None:
    from generator.render.docstrings import operation_doc

    get_payment = next(
        op for op in ledger.operations if op.method_name == "get_payment"
    )
    assert get_payment.responses[0].headers == (
        ("ETag", "Version of the payment."),
        ("X-Rate-Limit-Remaining", "integer"),
    )
    doc = operation_doc(get_payment, ledger)
    assert "    ETag: Version of the payment.\n" in doc
    assert "    X-Rate-Limit-Remaining: integer\n" in doc


def test_an_array_or_map_that_holds_itself_is_typed_any_json() -> None:
    data = minimal(
        definitions={
            "Tree": {"type": "array", "items": {"$ref": "#/definitions/Tree"}},
            "Graph": {
                "type": "object",
                "additionalProperties": {"$ref": "#/definitions/Graph"},
            },
            "Holder": {
                "type": "object",
                "properties": {
                    "tree": {"$ref": "#/definitions/Tree"},
                    "graph": {"$ref": "#/definitions/Graph"},
                },
            },
        }
    )
    (holder,) = parse(source(data)).models
    assert [annotation(f.type).text for f in holder.fields] == [
        "list[Any]",
        "dict[str, Any]",
    ]
