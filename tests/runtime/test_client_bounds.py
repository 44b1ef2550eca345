"""The generated client against hostile servers. Nothing escapes as an
httpx exception or carries a credential, no response is buffered without bound, an attempt
ends by its deadline, deep JSON is refused in words, and pagination always ends."""

from __future__ import annotations

import json
import socket
import time
import zlib
from collections.abc import Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import (
    ApiError,
    ConnectorError,
    Message,
    NotFoundError,
    TransportError,
    TwilioClient,
    UnexpectedResponseError,
)
from twilio_connector._runtime import MAX_JSON_DEPTH, MAX_PAGES

from ..blocking import CLIENT_FACTORIES, CLIENT_IDS
from ..servers import ACCOUNT, AUTH, Behaviour, Serve, answer

SECRETS = (AUTH[1], "QUMxMjM6czNjcmV0LXRva2Vu")  # the password and its Basic form
MESSAGE = {"sid": "SM1", "status": "queued"}


def everything_about(error: BaseException) -> str:
    """The text, args, attributes and chain of an exception, as a reader could see them."""
    seen, parts = [], []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        parts += [repr(current), str(current.args), repr(vars(current))]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)


def head(status: str, headers: bytes = b"") -> bytes:
    return f"HTTP/1.1 {status}\r\nConnection: close\r\n".encode() + headers


# 12. No httpx exception escapes, no credential reaches an exception.


def test_a_body_that_is_not_valid_gzip_is_an_unexpected_response_without_secrets(
    serve: Serve,
) -> None:
    garbage = b"this is not gzip at all"
    server, client, _ = serve(
        answer(
            head(
                "200 OK",
                b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(garbage),
            )
            + garbage
        )
    )
    with pytest.raises(UnexpectedResponseError, match="Content-Encoding") as caught:
        client.get_message("SM1")
    assert isinstance(caught.value, ConnectorError)
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert not any(secret in everything_about(caught.value) for secret in SECRETS)
    assert server.requests == 1


def test_a_base_url_with_userinfo_is_refused_without_echoing_it() -> None:
    with pytest.raises(
        ValueError, match="must not hold a user name or password"
    ) as caught:
        TwilioClient(f"http://AC123:{AUTH[1]}@127.0.0.1:1{ACCOUNT}")
    assert AUTH[1] not in everything_about(caught.value)


def test_every_error_of_a_dead_server_is_a_transport_error_without_secrets() -> None:
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    listener.close()  # nothing listens there now
    with (
        TwilioClient(
            f"http://127.0.0.1:{port}{ACCOUNT}", auth=AUTH, max_retries=0
        ) as client,
        pytest.raises(TransportError) as caught,
    ):
        client.get_message("SM1")
    assert not any(secret in everything_about(caught.value) for secret in SECRETS)


# 13. Response size is bounded.


def test_a_huge_content_length_is_refused_before_reading(serve: Serve) -> None:
    _, client, _ = serve(answer(head("200 OK", b"Content-Length: 10000000000\r\n\r\n")))
    started = time.monotonic()
    with pytest.raises(UnexpectedResponseError, match="exceed max_response_size"):
        client.get_message("SM1")
    assert time.monotonic() - started < 5


def endless_chunks(connection: socket.socket) -> None:
    connection.sendall(head("200 OK", b"Transfer-Encoding: chunked\r\n\r\n"))
    chunk = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
    for _ in range(2000):  # 128 MiB at most: the client must give up long before
        connection.sendall(chunk)


def test_an_endless_chunked_body_is_cut_at_max_response_size(serve: Serve) -> None:
    _, client, _ = serve(endless_chunks, max_response_size=1024 * 1024)
    with pytest.raises(
        UnexpectedResponseError, match="exceeds max_response_size=1048576"
    ):
        client.get_message("SM1")


def gzip_bomb(megabytes: int) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)  # gzip framing
    zeros = bytes(1024 * 1024)
    return (
        b"".join(compressor.compress(zeros) for _ in range(megabytes))
        + compressor.flush()
    )


@pytest.mark.slow
def test_a_gzip_bomb_is_counted_after_decompression(serve: Serve) -> None:
    bomb = gzip_bomb(300)
    assert len(bomb) < 1024 * 1024  # small on the wire
    reply: Behaviour = answer(
        head(
            "200 OK",
            b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(bomb),
        )
        + bomb
    )
    _, client, _ = serve(reply, max_response_size=16 * 1024 * 1024)
    with pytest.raises(UnexpectedResponseError, match="exceeds max_response_size"):
        client.get_message("SM1")


def test_an_error_body_is_kept_short_and_marked(serve: Serve) -> None:
    body = b"e" * (1024 * 1024)
    _, client, _ = serve(
        answer(head("404 Not Found", b"Content-Length: %d\r\n\r\n" % len(body)) + body)
    )
    with pytest.raises(NotFoundError) as caught:
        client.get_message("SM1")
    assert caught.value.text.startswith("e" * 65536)
    assert caught.value.text.endswith(
        "[truncated: the body was longer than 65536 bytes]"
    )
    assert len(caught.value.text) < 66000 and caught.value.json is None


def test_max_response_size_none_lifts_the_bound(serve: Serve) -> None:
    message = json.dumps({**MESSAGE, "body": "x" * 200_000}).encode()
    ok = answer(head("200 OK", b"Content-Length: %d\r\n\r\n" % len(message)) + message)
    _, client, _ = serve(ok, ok, max_response_size=1000)
    with pytest.raises(UnexpectedResponseError):
        client.get_message("SM1")
    assert (
        len(client.with_options(max_response_size=None).get_message("SM1").body or "")
        == 200_000
    )


# 14. Timeouts bound the whole attempt.


def trickle(in_headers: bool) -> Behaviour:
    def behaviour(connection: socket.socket) -> None:
        if in_headers:
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
        else:
            connection.sendall(head("200 OK", b"Content-Length: 1000\r\n\r\n"))
        for _ in range(120):  # one byte every 0.25 s for 30 s at most
            connection.sendall(b"a")
            time.sleep(0.25)

    return behaviour


@pytest.mark.slow
@pytest.mark.parametrize("in_headers", [True, False], ids=["headers", "body"])
@pytest.mark.parametrize(
    "options",
    [{"timeout": 1.0}, {"attempt_timeout": 1.0}],
    ids=["float timeout", "attempt_timeout"],
)
def test_a_trickling_server_is_cut_at_the_attempt_deadline(
    serve: Serve, in_headers: bool, options: dict[str, float]
) -> None:
    import httpx

    if "attempt_timeout" in options:
        options = {**options, "timeout": httpx.Timeout(10.0)}  # type: ignore[dict-item]
    server, client, _ = serve(trickle(in_headers), max_retries=0, **options)
    started = time.monotonic()
    with pytest.raises(TransportError, match="Timeout"):
        client.get_message("SM1")
    assert (
        time.monotonic() - started < 3
    )  # the deadline, not the 30 s the server offers
    assert server.requests == 1


# 15. Deep JSON is refused in words.


def nested(depth: int) -> Any:
    value: Any = "end"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def deep_json(levels: int) -> bytes:
    return b'{"a": [' * levels + b'"end"' + b"]}" * levels


@pytest.mark.parametrize("levels", [MAX_JSON_DEPTH, 100_000])
def test_a_deep_success_body_is_an_unexpected_response(
    serve: Serve, levels: int
) -> None:
    body = deep_json(levels)
    _, client, _ = serve(
        answer(head("200 OK", b"Content-Length: %d\r\n\r\n" % len(body)) + body)
    )
    with pytest.raises(
        UnexpectedResponseError, match=f"deeper than {MAX_JSON_DEPTH} levels"
    ):
        client.get_message("SM1")


def test_a_deep_error_body_keeps_its_text_and_no_json(serve: Serve) -> None:
    body = deep_json(100_000)
    _, client, _ = serve(
        answer(head("400 Bad", b"Content-Length: %d\r\n\r\n" % len(body)) + body)
    )
    with pytest.raises(ApiError) as caught:
        client.get_message("SM1")
    assert caught.value.json is None


def test_round_trips_hold_up_to_the_documented_depth() -> None:
    data = {**MESSAGE, "x-deep": nested(MAX_JSON_DEPTH // 2 - 1)}  # two levels per step
    assert Message.from_dict(data).to_dict() == data


# 16. Pagination always ends, and never silently short.


@pytest.fixture(params=CLIENT_FACTORIES, ids=CLIENT_IDS)
def client(
    request: pytest.FixtureRequest, httpserver: HTTPServer
) -> Iterator[TwilioClient]:
    with request.param(httpserver.url_for(ACCOUNT), auth=AUTH) as client:
        yield client


FIRST = f"{ACCOUNT}/Messages.json"


@pytest.mark.parametrize(
    "link",
    [
        f"{FIRST}#again",  # the first page itself, with a fragment
        f"{FIRST}?",  # the first page, an empty query
        f"{FIRST}?b=2&a=1#x",  # fetched below as a=1&b=2, then offered in another order
        f"{FIRST}?a=1&&b=2&",  # stray &s
    ],
)
def test_a_link_to_a_page_already_fetched_raises_without_fetching_it_again(
    httpserver: HTTPServer, client: TwilioClient, link: str
) -> None:
    second = f"{FIRST}?a=1&b=2"
    httpserver.expect_request(FIRST, query_string="").respond_with_json(
        {"messages": [MESSAGE], "next_page_uri": second if "a=1" in link else link}
    )
    httpserver.expect_request(FIRST, query_string="a=1&b=2").respond_with_json(
        {"messages": [MESSAGE], "next_page_uri": link}
    )
    pages = 2 if "a=1" in link else 1
    with pytest.raises(UnexpectedResponseError, match="page already fetched"):
        list(client.iter_list_messages())
    assert len(httpserver.log) == pages


def test_a_link_with_userinfo_is_refused(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    link = httpserver.url_for(f"{FIRST}?page=2").replace("http://", "http://user:pw@")
    httpserver.expect_request(FIRST).respond_with_json(
        {"messages": [], "next_page_uri": link}
    )
    with pytest.raises(UnexpectedResponseError, match="user name or password"):
        list(client.iter_list_messages())
    assert len(httpserver.log) == 1


def test_a_long_listing_iterates_completely(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    for number in range(100):  # 5,000 messages, 50 a page
        items = [
            {**MESSAGE, "sid": f"SM{n}"} for n in range(number * 50, number * 50 + 50)
        ]
        link = (
            f"{FIRST}?Page={number + 1}&PageToken=PA{number + 1}"
            if number < 99
            else None
        )
        query = "" if number == 0 else f"Page={number}&PageToken=PA{number}"
        httpserver.expect_request(FIRST, query_string=query).respond_with_json(
            {"messages": items if number != 50 else [], "next_page_uri": link}
        )
    sids = [message.sid for message in client.iter_list_messages()]
    assert len(sids) == 4950  # page 50 came back empty, and its next link was followed
    assert sids[-1] == "SM4999" and len(httpserver.log) == 100
    assert MAX_PAGES >= 100


def test_max_pages_raises_when_reached(
    httpserver: HTTPServer, client: TwilioClient
) -> None:
    for number in range(5):
        httpserver.expect_request(
            FIRST, query_string="" if number == 0 else f"Page={number}"
        ).respond_with_json(
            {"messages": [MESSAGE], "next_page_uri": f"{FIRST}?Page={number + 1}"}
        )
    with pytest.raises(UnexpectedResponseError, match="more than max_pages=3 pages"):
        list(client.with_options(max_pages=3).iter_list_messages())
    assert len(httpserver.log) == 3


# 13 (continued). A large body can be streamed instead of buffered.


def big_body(size: int) -> Behaviour:
    def behaviour(connection: socket.socket) -> None:
        connection.sendall(head("200 OK", b"Content-Length: %d\r\n\r\n" % size))
        block = b"y" * 65536
        for _ in range(size // len(block)):
            connection.sendall(block)

    return behaviour


def test_a_streamed_body_is_read_in_chunks_past_the_size_bound(serve: Serve) -> None:
    size = 64 * 1024 * 1024
    _, client, _ = serve(big_body(size), max_response_size=1024 * 1024)
    streaming = client.with_options(stream=True)
    largest = total = 0
    with streaming.with_raw_response.get_message("SM1") as raw:
        assert raw.status_code == 200
        for chunk in raw.iter_bytes(65536):
            total += len(chunk)
            largest = max(largest, len(chunk))
    assert total == size and largest <= 65536


def test_a_streamed_body_read_whole_keeps_the_size_bound(serve: Serve) -> None:
    _, client, _ = serve(big_body(4 * 1024 * 1024), max_response_size=1024 * 1024)
    raw = client.with_options(stream=True).with_raw_response.get_message("SM1")
    with raw, pytest.raises(UnexpectedResponseError, match="max_response_size=1048576"):
        raw.parse()


def test_a_streamed_error_status_is_still_an_error(serve: Serve) -> None:
    body = b'{"message": "no"}'
    _, client, _ = serve(
        answer(head("404 Not Found", b"Content-Length: %d\r\n\r\n" % len(body)) + body)
    )
    with pytest.raises(NotFoundError) as caught:
        client.with_options(stream=True).with_raw_response.get_message("SM1")
    assert caught.value.json == {"message": "no"}
