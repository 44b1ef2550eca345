"""The parser's three passes, each on its own: names, then schemas, then operations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from generator.findings import Finding
from generator.model import (
    BodyEncoding,
    EnumType,
    ListType,
    ModelType,
    ParameterLocation,
    ScalarType,
    SecurityKind,
)
from generator.parse.pass_names import assign_names
from generator.parse.pass_operations import Operations
from generator.parse.pass_schemas import Schemas
from generator.source.loader import SourceFile
from generator.source.swagger import SwaggerReader

SPEC: dict[str, Any] = {
    "swagger": "2.0",
    "info": {"title": "Shop", "version": "1"},
    "securityDefinitions": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
    "paths": {
        "/orders": {
            "post": {
                "operationId": "placeOrder",
                "parameters": [
                    {
                        "in": "body",
                        "name": "order",
                        "required": True,
                        "schema": {
                            "type": "object",
                            "properties": {
                                "lines": {
                                    "type": "array",
                                    "items": {"$ref": "#/definitions/Line"},
                                }
                            },
                        },
                    },
                    {
                        "in": "query",
                        "name": "mode",
                        "type": "string",
                        "enum": ["fast", "slow"],
                    },
                    {"in": "cookie", "name": "session", "type": "string"},
                ],
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {
                            "type": "object",
                            "properties": {"id": {"type": "string"}},
                        },
                    },
                    "404": {"description": "no"},
                },
            },
            "get": {
                "operationId": "place_order",
                "x-ms-pageable": {"nextLinkName": None},
                "responses": {
                    "200": {
                        "description": "ok",
                        "schema": {"$ref": "#/definitions/Page"},
                    }
                },
            },
        }
    },
    "definitions": {
        "Line": {
            "type": "object",
            "properties": {
                "sku": {"type": "string"},
                "extra": {"type": "object", "properties": {"note": {"type": "string"}}},
            },
        },
        "Page": {
            "type": "object",
            "properties": {
                "value": {"type": "array", "items": {"$ref": "#/definitions/Line"}}
            },
        },
        "Colour": {"type": "string", "enum": ["red"]},
        "ShopClient": {"type": "object", "properties": {"a": {"type": "string"}}},
    },
}


def source(data: dict[str, Any]) -> SourceFile:
    return SourceFile(Path("x.json"), "x.json", data, "0" * 64, lambda parts: None)


def test_the_names_pass_names_every_class_and_method_before_any_type() -> None:
    names = assign_names(SPEC, SwaggerReader(SPEC))
    assert (names.client_class, names.raw_client_class) == (
        "ShopClient",
        "ShopClientWithRawResponse",
    )
    assert [error.name for error in names.errors] == ["NotFoundError"]
    assert names.classes == {
        "/definitions/Line": "Line",
        "/definitions/Page": "Page",
        "/definitions/Colour": "Colour",
        "/definitions/ShopClient": "ShopClient_",  # the client class keeps its name
        "/definitions/Line/properties/extra": "LineExtra",
        "/paths/~1orders/post/parameters/0/schema": "PlaceOrderBody",
        "/paths/~1orders/post/parameters/1": "PlaceOrderMode",
        "/paths/~1orders/post/responses/200/schema": "PlaceOrderResponse",
    }
    # two operationIds spelling the same snake_case name are told apart, in a stable order
    assert names.methods == {
        "/paths/~1orders/get": "place_order",
        "/paths/~1orders/post": "place_order_2",
    }
    assert names.iterators == {"/paths/~1orders/get": "iter_place_order"}
    # the schemas each operation uses, in the order the operation pass reads them
    post = [root.pointer for root in names.roots["/paths/~1orders/post"]]
    assert post == [
        "/paths/~1orders/post/parameters/0/schema",
        "/paths/~1orders/post/parameters/1",
        "/paths/~1orders/post/parameters/2",
        "/paths/~1orders/post/responses/200/schema",
    ]


def test_the_schema_pass_types_with_the_names_it_is_given() -> None:
    names = assign_names(SPEC, SwaggerReader(SPEC))
    names.classes["/definitions/Line/properties/extra"] = (
        "Renamed"  # the names pass decides
    )
    warnings: list[Finding] = []
    schemas = Schemas(source(SPEC), SwaggerReader(SPEC), names, warnings)
    schemas.resolve_all()
    line = schemas.models["/definitions/Line"]
    assert [(f.python_name, f.type) for f in line.fields] == [
        ("sku", ScalarType("str")),
        ("extra", ModelType("Renamed")),
    ]
    body = schemas.roots["/paths/~1orders/post/parameters/0/schema"]
    assert body == ModelType("PlaceOrderBody")
    assert schemas.model_named("PlaceOrderBody").fields[0].type == ListType(
        ModelType("Line")
    )
    assert schemas.roots["/paths/~1orders/post/parameters/1"] == EnumType(
        "PlaceOrderMode"
    )
    assert [m.name for m in schemas.ordered_models()] == [
        "Line",
        "Page",
        "ShopClient_",
        "Renamed",
        "PlaceOrderBody",
        "PlaceOrderResponse",
    ]
    assert [e.name for e in schemas.ordered_enums()] == [
        "Colour",
        "PlaceOrderMode",
    ] and not warnings


def test_the_operation_pass_builds_methods_from_names_and_resolved_types() -> None:
    names = assign_names(SPEC, SwaggerReader(SPEC))
    warnings: list[Finding] = []
    schemas = Schemas(source(SPEC), SwaggerReader(SPEC), names, warnings)
    schemas.resolve_all()
    models_before = dict(schemas.models)
    operations = Operations(source(SPEC), SwaggerReader(SPEC), names, schemas, warnings)
    post, get = sorted(operations.build(), key=lambda op: op.http_method != "POST")
    assert (
        schemas.models == models_before
    )  # nothing left to resolve: every type came from pass 2
    assert (
        post.method_name == "place_order_2" and post.body_encoding == BodyEncoding.JSON
    )
    assert [(p.python_name, p.location) for p in post.parameters] == [
        ("order", ParameterLocation.BODY),
        ("mode", ParameterLocation.QUERY),
    ]
    assert [w.message for w in warnings] == [
        "'cookie' is not a parameter location of Swagger 2.0: the parameter is left out"
    ]
    assert warnings[0].pointer == "/paths/~1orders/post/parameters/2/in"
    assert get.pager is not None and get.pager.method_name == "iter_place_order"
    [scheme] = operations.security_schemes
    assert scheme.kind == SecurityKind.API_KEY and scheme.keyword == "api_key"


def test_closed_sets_read_and_print_as_their_spec_words() -> None:
    assert ParameterLocation.read("formData") is ParameterLocation.FORM
    assert ParameterLocation.read("cookie") is None
    assert (
        ParameterLocation.FORM == "formData"
        and f"{ParameterLocation.FORM}" == "formData"
    )
    assert {"apiKey": 1}[SecurityKind.API_KEY] == 1 and str(
        BodyEncoding.MULTIPART
    ) == "multipart"
