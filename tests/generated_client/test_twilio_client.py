"""A hand-written program using the generated TwilioClient against a local server: the exact wire
format of sending, getting and listing messages, and how responses and errors come back.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import (
    UNSET,
    ApiError,
    EmptySuccessError,
    Message,
    MessageList,
    NotFoundError,
    SendMessageRequest,
    TransportError,
    TwilioClient,
    UnexpectedResponseError,
)
from twilio_connector._runtime import check_header, expand_path

from ..blocking import CLIENT_FACTORIES, CLIENT_IDS

ACCOUNT = "/2010-04-01/Accounts/AC123"
AUTH = ("AC123", "s3cret-token")
MESSAGE = {
    "sid": "SM1",
    "from": "+15550001111",
    "to": "+15552223333",
    "body": "hello",
    "status": "queued",
    "error_code": 30003,  # the service sends a number where the spec says string
    "subresource_uris": {"media": "/Media.json"},
    "x-new-field": [1, 2],
}


@pytest.fixture(params=CLIENT_FACTORIES, ids=CLIENT_IDS)
def client(
    request: pytest.FixtureRequest, httpserver: HTTPServer
) -> Iterator[TwilioClient]:
    with request.param(httpserver.url_for(ACCOUNT), auth=AUTH) as client:
        yield client


def only_request(httpserver: HTTPServer) -> Any:
    assert len(httpserver.log) == 1
    return httpserver.log[0][0]


def test_send_message_posts_the_json_body(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages.json", method="POST"
    ).respond_with_json(MESSAGE)
    sent = client.send_message(
        SendMessageRequest(from_="+15550001111", to="+15552223333", body="hello")
    )
    request = only_request(httpserver)
    assert request.environ["RAW_URI"] == f"{ACCOUNT}/Messages.json"
    assert (
        request.get_data()
        == b'{"from": "+15550001111", "to": "+15552223333", "body": "hello"}'
    )
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["Authorization"] == "Basic QUMxMjM6czNjcmV0LXRva2Vu"
    assert request.headers["User-Agent"] == "twilio_connector/1.0"
    assert sent.sid == "SM1" and sent.from_ == "+15550001111"


def test_send_message_accepts_a_plain_dict(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages.json", method="POST"
    ).respond_with_json(MESSAGE)
    client.send_message(
        {"from": "a", "to": "b", "body": "c", "media_url": ["https://x/y.png"]}
    )
    assert json.loads(only_request(httpserver).get_data()) == {
        "from": "a",
        "to": "b",
        "body": "c",
        "media_url": ["https://x/y.png"],
    }


def test_get_message_keeps_what_the_service_sent(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/SM1.json", method="GET"
    ).respond_with_json(MESSAGE)
    message = client.get_message("SM1")
    assert isinstance(message, Message)
    assert message.error_code == 30003
    assert message.subresource_uris == {"media": "/Media.json"}
    assert message.price is UNSET
    assert message.additional_properties == {"x-new-field": [1, 2]}
    assert message.to_dict() == MESSAGE


def test_a_path_parameter_cannot_leave_the_path(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/../x?y.json"
    ).respond_with_json(MESSAGE)
    client.get_message("../x?y")
    assert (
        only_request(httpserver).environ["RAW_URI"]
        == f"{ACCOUNT}/Messages/..%2Fx%3Fy.json"
    )


def test_dot_segments_are_encoded() -> None:
    assert expand_path("/a/{x}/{y}", {"x": "..", "y": "."}) == "/a/%2E%2E/%2E"
    assert expand_path("/a/{x}", {"x": "a b/ü"}) == "/a/a%20b%2F%C3%BC"


def test_list_messages_spells_query_names_as_the_spec(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    page = {"messages": [MESSAGE], "page": 0, "page_size": 50, "next_page_uri": None}
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages.json", method="GET"
    ).respond_with_json(page)
    result = client.list_messages(
        to="+1 555&x=y", date_sent_before="2009-07-06", page_size=50
    )
    raw_uri = only_request(httpserver).environ["RAW_URI"]
    assert (
        raw_uri
        == f"{ACCOUNT}/Messages.json?To=%2B1%20555%26x%3Dy&DateSent%3C=2009-07-06&PageSize=50"
    )
    assert isinstance(result, MessageList)
    assert result.messages == [Message.from_dict(MESSAGE)]
    assert result.next_page_uri is None
    assert result.to_dict() == page


def test_iter_list_messages_follows_twilio_s_next_page_uri(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    # Twilio's next_page_uri is a path from the host, carrying the filters and a page token.
    next_uri = (
        f"{ACCOUNT}/Messages.json?To=%2B15552223333&PageSize=1&Page=1&PageToken=PASM1"
    )
    second = {**MESSAGE, "sid": "SM2"}
    pages = [
        {"messages": [MESSAGE], "page": 0, "next_page_uri": next_uri},
        {"messages": [second], "page": 1, "next_page_uri": None},
    ]
    for page, query in zip(
        pages, ["To=%2B15552223333&PageSize=1", next_uri.split("?")[1]], strict=True
    ):
        httpserver.expect_ordered_request(
            f"{ACCOUNT}/Messages.json", query_string=query, method="GET"
        ).respond_with_json(page)
    messages = list(client.iter_list_messages(to="+15552223333", page_size=1))
    assert [m.sid for m in messages] == ["SM1", "SM2"]
    assert messages[1] == Message.from_dict(second)
    sent = [request for request, _ in httpserver.log]
    assert [r.environ["RAW_URI"] for r in sent] == [
        f"{ACCOUNT}/Messages.json?To=%2B15552223333&PageSize=1",
        next_uri,
    ]
    assert {r.headers["Authorization"] for r in sent} == {
        "Basic QUMxMjM6czNjcmV0LXRva2Vu"
    }


def test_iter_list_messages_never_sends_credentials_to_another_host(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    page = {"messages": [MESSAGE], "next_page_uri": "https://evil.example/steal"}
    httpserver.expect_oneshot_request(f"{ACCOUNT}/Messages.json").respond_with_json(
        page
    )
    messages = client.iter_list_messages()
    assert next(messages).sid == "SM1"  # the first page's items come before the refusal
    with pytest.raises(UnexpectedResponseError, match="another origin"):
        next(messages)
    assert len(httpserver.log) == 1


def test_raw_responses_expose_status_and_headers(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_oneshot_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_json(
        MESSAGE, status=200, headers={"X-Request-Id": "abc"}
    )
    raw = client.with_raw_response.get_message("SM1")
    assert raw.status_code == 200
    assert raw.headers["X-Request-Id"] == "abc"
    assert raw.parse().sid == "SM1"


@pytest.mark.parametrize("body", ["", "  \r\n", "null"])
def test_an_empty_or_null_success_body_where_a_model_is_due_is_empty_success(
    httpserver: HTTPServer, client: TwilioClient, body: str
) -> None:
    """The call was carried out: the error says so, a subclass of UnexpectedResponseError
    that carries the raw response."""
    httpserver.expect_oneshot_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_data(
        body, content_type="application/json", headers={"X-Request-Id": "r1"}
    )
    with pytest.raises(EmptySuccessError) as caught:
        client.get_message("SM1")
    assert isinstance(caught.value, UnexpectedResponseError)
    assert caught.value.status_code == 200 and caught.value.text == body
    assert caught.value.response.headers["X-Request-Id"] == "r1"
    assert "the call succeeded, but its body is empty (or null)" in str(caught.value)


def test_an_undocumented_success_uses_the_only_documented_one(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages.json", method="POST"
    ).respond_with_json(MESSAGE, status=201)
    assert client.send_message({"from": "a", "to": "b", "body": "c"}).sid == "SM1"


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (
            '"just a string"',
            "application/json",
            "expected a JSON object for Message, got string",
        ),
        ("[1, 2]", "application/json", "expected a JSON object for Message, got array"),
        ("<html>Bad gateway</html>", "text/html", "the body is not valid JSON"),
    ],
)
def test_a_body_that_is_not_the_promised_model_raises_unexpected_response(
    httpserver: HTTPServer,
    client: TwilioClient,
    body: str,
    content_type: str,
    reason: str,
) -> None:
    httpserver.expect_oneshot_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_data(
        body, content_type=content_type
    )
    with pytest.raises(UnexpectedResponseError) as caught:
        client.get_message("SM1")
    assert (caught.value.status_code, caught.value.text, caught.value.reason) == (
        200,
        body,
        reason,
    )


def test_errors_carry_the_spec_description_and_the_body(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    error_body = {"code": 20404, "message": "The requested resource was not found"}
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM9.json").respond_with_json(
        error_body, status=404
    )
    httpserver.expect_request(f"{ACCOUNT}/Messages.json").respond_with_json(
        error_body, status=404
    )
    with pytest.raises(NotFoundError) as caught:
        client.get_message("SM9")
    assert caught.value.description == "Message not found"
    assert caught.value.json == error_body
    # 404 is not documented for ListMessages: same class, the operation's `default` text
    with pytest.raises(NotFoundError) as listed:
        client.list_messages()
    assert listed.value.description == "Operation Failed."
    for error in (caught.value, listed.value):
        assert AUTH[1] not in str(error) and AUTH[1] not in repr(error)


def test_an_undocumented_error_status_raises_the_base_class(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_data(
        "busy", status=429
    )
    with pytest.raises(ApiError) as caught:
        client.with_options(max_retries=0).get_message("SM1")
    assert type(caught.value) is ApiError
    assert (caught.value.status_code, caught.value.json, caught.value.text) == (
        429,
        None,
        "busy",
    )


def test_a_refused_connection_raises_a_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with (
        TwilioClient(
            f"http://127.0.0.1:{port}{ACCOUNT}", auth=AUTH, max_retries=0
        ) as client,
        pytest.raises(TransportError) as caught,
    ):
        client.get_message("SM1")
    assert caught.value.attempts == 1
    assert caught.value.__cause__ is None and AUTH[1] not in str(caught.value)


def test_a_user_configured_http_client_is_used_and_left_open(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_oneshot_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_json(
        MESSAGE
    )
    http_client = httpx.Client(headers={"X-Proxy-Tag": "mine"})
    with TwilioClient(
        httpserver.url_for(ACCOUNT), auth=AUTH, http_client=http_client
    ) as client:
        client.get_message("SM1")
    assert only_request(httpserver).headers["X-Proxy-Tag"] == "mine"
    assert not http_client.is_closed
    http_client.close()


def test_credentials_never_appear_in_the_client_repr() -> None:
    client = TwilioClient("https://example.com/base", auth=AUTH)
    assert repr(client) == "TwilioClient(base_url='https://example.com/base')"
    assert AUTH[1] not in repr(client) and AUTH[1] not in repr(vars(client))
    client.close()


def test_header_values_with_line_breaks_are_refused() -> None:
    with pytest.raises(ValueError, match="line break"):
        check_header("X-Thing", "a\r\nInjected: yes")
