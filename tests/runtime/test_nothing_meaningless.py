"""Nothing meaningless on the wire: a required argument given None is refused before any
request; an array's None item is an empty item where its items may be null, else refused,
never the text `None`; a required x-nullable body given None is JSON null; a path value the
spec marks x-ms-skip-url-encoding goes in as it is."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from twilio_connector._runtime import (
    Transport,
    Verbatim,
    encode_query,
    expand_path,
    require_given,
)

from generator.pipeline import generate

from ..blocking import CLIENT_FACTORIES, CLIENT_IDS
from ..conftest import make_job, write_spec
from ..servers import ACCOUNT, AUTH


@pytest.fixture(params=CLIENT_FACTORIES, ids=CLIENT_IDS)
def client(request: pytest.FixtureRequest, httpserver: HTTPServer) -> Any:
    with request.param(httpserver.url_for(ACCOUNT), auth=AUTH) as connector:
        yield connector


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.get_message(None),
        lambda c: c.send_message(None),
        lambda c: c.with_raw_response.get_message(None),
    ],
    ids=["path", "body", "raw"],
)
def test_a_required_argument_given_none_is_refused_before_any_request(
    client: Any, httpserver: HTTPServer, call: Any
) -> None:
    with pytest.raises(ValueError, match="is required: None is not one of its values"):
        call(client)
    assert httpserver.log == []


def test_require_given_names_the_argument() -> None:
    require_given(a="x", b=0, c=False, d="")  # falsy values are values
    with pytest.raises(ValueError, match="^b is required"):
        require_given(a="x", b=None)


def test_a_none_item_is_empty_where_items_may_be_null_else_refused() -> None:
    items = ["a", None, ""]
    assert encode_query([("q", items, "csv", True)]) == "q=a%2C%2C"
    assert encode_query([("q", items, "multi", True)]) == "q=a&q=&q="
    assert encode_query([("q", items, "pipes", True)]) == "q=a%7C%7C"
    for style in ("csv", "ssv", "tsv", "pipes", "multi"):
        with pytest.raises(ValueError, match="q holds None, which its items cannot be"):
            encode_query([("q", items, style)])
    with pytest.raises(ValueError, match="p holds None"):
        expand_path("/x/{p}", {"p": ["a", None]})


def test_a_verbatim_path_value_is_not_encoded_but_dot_segments_still_are() -> None:
    assert expand_path("/s/{p}", {"p": Verbatim("a%20b!$")}) == "/s/a%20b!$"
    assert expand_path("/s/{p}", {"p": "a%20b!$"}) == "/s/a%2520b%21%24"
    assert expand_path("/s/{p}/x", {"p": Verbatim("..")}) == "/s/%2E%2E/x"


def transport() -> Transport:
    return Transport(
        "http://127.0.0.1:9/v1",
        credentials={},
        timeout=1.0,
        max_retries=0,
        http_client=None,
        user_agent="test",
        error_classes={},
    )


def test_a_required_nullable_body_given_none_is_json_null() -> None:
    sender = transport()
    outgoing = sender.prepare("PUT", "/x", json_body=None, null_body=True)
    assert (outgoing.body, outgoing.headers["Content-Type"]) == (
        b"null",
        "application/json",
    )
    assert sender.prepare("PUT", "/x", json_body=None).body is None
    sender.close()


@pytest.mark.parametrize(
    ("media_type", "text", "sent"),
    [
        ("text/plain; charset=UTF-8", "caf\u00e9", "caf\u00e9".encode()),
        ("text/plain; charset=latin-1", "caf\u00e9", "caf\u00e9".encode("latin-1")),
        ("text/plain", "caf\u00e9", "caf\u00e9".encode()),
        ("text/csv; charset=no-such-codec", "a,b", b"a,b"),
    ],
)
def test_a_text_body_goes_out_in_its_media_type_and_charset(
    media_type: str, text: str, sent: bytes
) -> None:
    sender = transport()
    outgoing = sender.prepare("POST", "/x", text=text, content_type=media_type)
    assert (outgoing.body, outgoing.headers["Content-Type"]) == (sent, media_type)
    json_like = sender.prepare(
        "PATCH", "/x", json_body={"a": 1}, content_type="application/merge-patch+json"
    )
    assert json_like.headers["Content-Type"] == "application/merge-patch+json"
    assert json_like.body == b'{"a": 1}'
    sender.close()


def generated_module(spec: dict[str, Any], folder: Path) -> tuple[Any, str]:
    """The package generated from the spec, imported, and its client module's text."""
    generated, _ = generate(make_job(write_spec(spec, folder), folder / "out"))
    sys.path.insert(0, str(folder / "out"))
    try:
        module = importlib.import_module(generated.package)
    finally:
        sys.path.remove(str(folder / "out"))
    return module, generated.files["client.py"]


WIRE_SPEC = {
    "swagger": "2.0",
    "info": {"title": "Wire Values", "version": "1"},
    "paths": {
        "/things/{raw}": {
            "put": {
                "operationId": "putThing",
                "consumes": ["application/json"],
                "parameters": [
                    {
                        "name": "raw",
                        "in": "path",
                        "required": True,
                        "type": "string",
                        "x-ms-skip-url-encoding": True,
                    },
                    {
                        "name": "tags",
                        "in": "query",
                        "type": "array",
                        "items": {"type": "string", "x-nullable": True},
                    },
                    {
                        "name": "body",
                        "in": "body",
                        "required": True,
                        "schema": {"type": "string", "x-nullable": True},
                    },
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def test_the_generated_client_sends_what_the_spec_says_of_none(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """A required x-nullable body is sent as null, a None item of x-nullable items is an
    empty one, a x-ms-skip-url-encoding path value goes in as it is."""
    module, client = generated_module(WIRE_SPEC, tmp_path)
    assert "null_body=True" in client and "Verbatim(raw)" in client
    httpserver.expect_oneshot_request("/things/a b", method="PUT").respond_with_data("")
    with module.WireValuesClient(httpserver.url_for("/")) as wire:
        wire.put_thing("a%20b", None, tags=["x", None, "y"])
    ((request, _),) = httpserver.log
    assert request.environ["RAW_URI"] in (
        "/things/a%20b?tags=x,,y",
        "/things/a%20b?tags=x%2C%2Cy",
    )
    assert request.get_data() == b"null"
    assert request.headers["Content-Type"] == "application/json"


def test_extra_headers_and_query_reach_every_request(
    client: Any, httpserver: HTTPServer
) -> None:
    """What the spec does not declare, through with_options: added, never replacing."""
    httpserver.expect_oneshot_request(f"{ACCOUNT}/Messages.json").respond_with_json(
        {"messages": []}
    )
    tagged = client.with_options(
        extra_headers={"X-Trace": "t1"}, extra_query={"Region": "eu"}
    )
    tagged.list_messages(to="+1")
    ((request, _),) = httpserver.log
    assert request.headers["X-Trace"] == "t1"
    assert request.args.to_dict() == {"To": "+1", "Region": "eu"}


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"extra_headers": {"Authorization": "x"}}, "must not set 'Authorization'"),
        ({"extra_headers": {"host": "evil"}}, "must not set 'host'"),
        ({"extra_headers": {"Content-Length": "1"}}, "must not set"),
        ({"extra_headers": {"X-Bad": "a\r\nb"}}, "line break"),
    ],
)
def test_extra_headers_never_set_what_http_or_a_credential_owns(
    client: Any, options: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        client.with_options(**options)


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        (
            {"extra_headers": {"Accept": "text/html"}},
            "replace the request's own 'Accept'",
        ),
        ({"extra_query": {"To": "+9"}}, "replace the request's own 'To'"),
    ],
)
def test_extras_never_silently_replace_what_the_request_carries(
    client: Any, httpserver: HTTPServer, options: dict[str, Any], reason: str
) -> None:
    with pytest.raises(ValueError, match=reason):
        client.with_options(**options).list_messages(to="+1")
    assert httpserver.log == []


@pytest.mark.parametrize(
    ("given_type", "value", "sent"),
    [
        ("application/json; odata=verbose", {"a": 1}, b'{"a": 1}'),
        ("Content-Type-67", {"a": 1}, b'{"a": 1}'),  # whatever a spec's header is given
        ("application/pdf", b"%PDF", b"%PDF"),
        ("text/plain", "hi", b"hi"),
        ("application/json", "hi", b'"hi"'),
    ],
)
def test_a_body_follows_the_content_type_the_request_carries(
    given_type: str, value: Any, sent: bytes
) -> None:
    """The spec's own Content-Type header (or the per-call choice) is kept; bytes go as they
    are, a string as text under text/*, anything else as JSON."""
    sender = transport()
    outgoing = sender.prepare(
        "POST", "/x", headers=[("Content-Type", given_type)], json_body=value
    )
    assert (outgoing.body, outgoing.headers["Content-Type"]) == (sent, given_type)
    sender.close()


READ_ONLY_SPEC = {
    "swagger": "2.0",
    "info": {"title": "Read Only", "version": "1"},
    "paths": {
        "/things": {
            "put": {
                "operationId": "putThing",
                "parameters": [
                    {
                        "name": "thing",
                        "in": "body",
                        "required": True,
                        "schema": {"$ref": "#/definitions/Thing"},
                    }
                ],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
    "definitions": {
        "Thing": {
            "type": "object",
            "properties": {
                "id": {"type": "string", "readOnly": True},
                "name": {"type": "string"},
                "parts": {"type": "array", "items": {"$ref": "#/definitions/Thing"}},
            },
        }
    },
}


def test_read_only_properties_never_go_out_in_a_request(
    tmp_path: Path, httpserver: HTTPServer
) -> None:
    """Swagger 2.0: a read-only property MUST NOT be sent in a request; to_dict keeps it."""
    module, _ = generated_module(READ_ONLY_SPEC, tmp_path)
    read = module.Thing.from_dict(
        {"id": "T1", "name": "a", "parts": [{"id": "T2", "name": "b"}]}
    )
    assert read.to_dict()["id"] == "T1"
    httpserver.expect_oneshot_request("/things", method="PUT").respond_with_data("")
    with module.ReadOnlyClient(httpserver.url_for("/")) as client:
        client.put_thing(read)
    ((request, _),) = httpserver.log
    assert request.get_json() == {"name": "a", "parts": [{"name": "b"}]}
    assert read.to_dict()["parts"][0]["id"] == "T2"  # outside a request, all of it
