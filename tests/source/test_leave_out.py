"""The parts --lenient may leave out (`document.enclosing_part`) and how one is left out of a
copy of the document (`leave_out.without`)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generator.source.document import enclosing_part
from generator.source.leave_out import without

DOCUMENT: dict[str, Any] = {
    "paths": {
        "/pets/{id}": {
            "parameters": [{"name": "id", "in": "path", "type": "string"}],
            "get": {"operationId": "getPet", "responses": {}},
            "post": {"responses": {}},
        }
    },
    "definitions": {
        "Pet": {
            "type": "object",
            "required": ["name", "tags"],
            "properties": {
                "name": {"type": "string"},
                "tags": {"type": "array", "items": {"$ref": "#/definitions/Tag"}},
                "owner": {
                    "type": "object",
                    "properties": {"properties": {"$ref": "#/definitions/Gone"}},
                },
            },
        }
    },
}

CASES = [
    (
        "/paths/~1pets~1{id}/get/responses/200/schema/$ref",
        "/paths/~1pets~1{id}/get",
        "the operation 'getPet' (GET /pets/{id})",
    ),
    (
        "/paths/~1pets~1{id}/post",
        "/paths/~1pets~1{id}/post",
        "the operation POST /pets/{id}",
    ),
    (
        "/paths/~1pets~1{id}/parameters/0/$ref",
        "/paths/~1pets~1{id}",
        "every operation of the path '/pets/{id}'",
    ),
    (
        "/definitions/Pet/properties/tags/items/$ref",
        "/definitions/Pet/properties/tags",
        "the property 'tags' of the definition 'Pet'",
    ),
    (  # a property called `properties`, inside another property
        "/definitions/Pet/properties/owner/properties/properties/$ref",
        "/definitions/Pet/properties/owner/properties/properties",
        "the property 'properties' of the property 'owner' of the definition 'Pet'",
    ),
    ("/definitions/Pet/allOf/0/$ref", "/definitions/Pet", "the definition 'Pet'"),
    (
        "/paths/~1pets~1{id}/get/parameters/1/schema/properties/a/$ref",
        "/paths/~1pets~1{id}/get/parameters/1/schema/properties/a",
        "the property 'a' of the operation 'getPet' (GET /pets/{id})",
    ),
    ("/parameters/limit/type", "/parameters/limit", "the shared parameter 'limit'"),
    (
        "/responses/NotFound/schema/properties/code/type",
        "/responses/NotFound/schema/properties/code",
        "the property 'code' of the shared response 'NotFound'",
    ),
]


@pytest.mark.parametrize(("pointer", "part", "description"), CASES)
def test_the_part_that_holds_a_problem(
    pointer: str, part: str, description: str
) -> None:
    found = enclosing_part(DOCUMENT, pointer)
    assert found is not None
    assert (found.pointer, found.description) == (part, description)
    assert found.holds(pointer) and not found.holds(part + "x")


@pytest.mark.parametrize(
    "pointer", ["/info/title", "/securityDefinitions/key/$ref", "/swagger", ""]
)
def test_a_place_outside_every_part_has_none(pointer: str) -> None:
    assert enclosing_part(DOCUMENT, pointer) is None


def test_leaving_a_property_out_copies_and_strikes_it_from_required() -> None:
    before = copy.deepcopy(DOCUMENT)
    pruned = without(DOCUMENT, "/definitions/Pet/properties/tags")
    assert DOCUMENT == before  # the document as read is untouched
    pet = pruned["definitions"]["Pet"]
    assert list(pet["properties"]) == ["name", "owner"]
    assert pet["required"] == ["name"]
    assert pruned["paths"] is DOCUMENT["paths"]  # what is not on the way is shared


def test_leaving_an_operation_out_keeps_the_rest_of_its_path() -> None:
    pruned = without(DOCUMENT, "/paths/~1pets~1{id}/get")
    assert list(pruned["paths"]["/pets/{id}"]) == ["parameters", "post"]
    assert "get" in DOCUMENT["paths"]["/pets/{id}"]
