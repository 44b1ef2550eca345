"""AsyncTwilioClient, the async client generated beside the sync one. What the two
share (requests, parsing, errors, retries, pages, credentials) is tested on both through the
other test modules (`tests/blocking.py`, the generated suites); these tests hold what only an
async client can get wrong: parity of the two APIs, cancellation, early exits, waiting without
blocking the loop, and many calls in flight."""

from __future__ import annotations

import asyncio
import shutil
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import (
    AsyncRawResponse,
    AsyncTwilioClient,
    BadRequestError,
    Message,
    NotFoundError,
    SendMessageRequest,
    TwilioClient,
)

from ..conftest import ROOT
from ..parity import differences
from ..servers import ACCOUNT, AUTH, MisbehavingServer

pytestmark = pytest.mark.anyio
PACKAGE = ROOT / "generated" / "twilio_connector"
FIRST = f"{ACCOUNT}/Messages.json"
MESSAGE = {"sid": "SM1", "status": "queued", "to": "+15550001", "body": "hi"}


@pytest.fixture
async def client(httpserver: HTTPServer) -> AsyncIterator[AsyncTwilioClient]:
    async with AsyncTwilioClient(httpserver.url_for(ACCOUNT), auth=AUTH) as client:
        yield client


def pool(client: AsyncTwilioClient) -> Any:
    """The client's own httpcore connection pool."""
    return client._transport._client._transport._pool  # type: ignore[attr-defined]


def in_flight(client: AsyncTwilioClient) -> int:
    """The responses the pool still holds open (a response not yet closed)."""
    return len(pool(client)._requests)


# -- the same API ------------------------------------------------------------------------------


def test_the_two_clients_expose_the_same_operations_with_the_same_signatures() -> None:
    assert differences(PACKAGE, TwilioClient.__name__) == []


def test_a_signature_that_differs_is_found(tmp_path: Path) -> None:
    copy = tmp_path / "package"
    shutil.copytree(PACKAGE, copy)
    source = (copy / "async_client.py").read_text()
    (copy / "async_client.py").write_text(
        source.replace(
            "page_size: int | None = None", "page_size: str | None = None", 1
        )
    )
    found = differences(copy, TwilioClient.__name__)
    assert found and "AsyncTwilioClient.list_messages" in found[0]


# -- a hand-written program: send, get and list ------------------------------------------------


async def test_a_program_sends_gets_and_lists_messages(httpserver: HTTPServer) -> None:
    httpserver.expect_request(FIRST, method="POST").respond_with_json(MESSAGE)
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_json(MESSAGE)
    second = {**MESSAGE, "sid": "SM2"}
    httpserver.expect_request(
        FIRST, method="GET", query_string="To=%2B15550001"
    ).respond_with_json({"messages": [MESSAGE], "next_page_uri": f"{FIRST}?Page=1"})
    httpserver.expect_request(
        FIRST, method="GET", query_string="Page=1"
    ).respond_with_json({"messages": [second], "next_page_uri": None})
    async with AsyncTwilioClient(httpserver.url_for(ACCOUNT), auth=AUTH) as twilio:
        sent = await twilio.send_message(
            SendMessageRequest(from_="+15550002", to="+15550001", body="hi")
        )
        fetched = await twilio.get_message(sent.sid or "")
        listed = [m.sid async for m in twilio.iter_list_messages(to="+15550001")]
        raw = await twilio.with_raw_response.get_message("SM1")
    assert (
        sent
        == fetched
        == Message(sid="SM1", status="queued", to="+15550001", body="hi")
    )
    assert listed == ["SM1", "SM2"]
    assert isinstance(raw, AsyncRawResponse) and raw.status_code == 200
    assert raw.parse() == fetched
    assert httpserver.log[0][0].get_json() == {
        "from": "+15550002",
        "to": "+15550001",
        "body": "hi",
    }


async def test_errors_are_the_sync_clients_errors(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM9.json").respond_with_json(
        {"message": "no such message"}, status=404
    )
    with pytest.raises(NotFoundError) as caught:
        await client.get_message("SM9")
    assert caught.value.json == {"message": "no such message"}
    assert AUTH[1] not in repr(client) and AUTH[1] not in str(caught.value)


# -- iterating: page by page, and left early ---------------------------------------------------


def three_pages(httpserver: HTTPServer) -> None:
    for number in range(3):
        link = f"{FIRST}?Page={number + 1}" if number < 2 else None
        query = "" if number == 0 else f"Page={number}"
        httpserver.expect_request(FIRST, query_string=query).respond_with_json(
            {"messages": [{**MESSAGE, "sid": f"SM{number}"}], "next_page_uri": link}
        )


async def test_the_next_page_is_fetched_only_when_the_items_before_it_are_consumed(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    three_pages(httpserver)
    items = client.iter_list_messages()
    assert httpserver.log == []
    assert (await anext(items)).sid == "SM0"
    assert len(httpserver.log) == 1
    assert (await anext(items)).sid == "SM1"
    assert len(httpserver.log) == 2
    await items.aclose()  # left early: the third page is never asked for
    assert len(httpserver.log) == 2
    assert in_flight(client) == 0


async def test_an_iteration_left_early_releases_a_streamed_page(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    three_pages(httpserver)
    items = client.with_options(stream=True).iter_list_messages()
    assert (await anext(items)).sid == "SM0"
    await items.aclose()
    assert len(httpserver.log) == 1
    assert in_flight(client) == 0  # no response is left open


# -- cancellation --------------------------------------------------------------------------------


def headers_then_trickle(connection: socket.socket) -> None:
    connection.sendall(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"
    )
    for _ in range(100):
        time.sleep(0.05)
        connection.sendall(b" ")


async def test_a_cancelled_call_is_not_retried_and_leaves_no_half_read_connection() -> (
    None
):
    server = MisbehavingServer([headers_then_trickle])
    try:
        async with AsyncTwilioClient(server.url, auth=AUTH, max_retries=3) as client:
            call = asyncio.ensure_future(client.get_message("SM1"))
            await asyncio.sleep(0.5)  # the headers are in, the body trickles
            call.cancel()
            with pytest.raises(asyncio.CancelledError):
                await call
            await asyncio.sleep(0.2)
            assert server.requests == 1  # not retried
            # the half-read connection was closed, not kept for another request
            assert in_flight(client) == 0 and pool(client).connections == []
    finally:
        server.close()


async def test_a_call_cancelled_while_waiting_to_retry_stops_there(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_data(
        "busy", status=503, headers={"Retry-After": "30"}
    )
    call = asyncio.ensure_future(client.get_message("SM1"))
    await asyncio.sleep(0.5)
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert len(httpserver.log) == 1


# -- retries wait without blocking the loop; many calls in flight -------------------------------


async def test_waiting_to_retry_leaves_the_event_loop_running(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    path = f"{ACCOUNT}/Messages/SM1.json"
    httpserver.expect_ordered_request(path).respond_with_data(
        "busy", status=503, headers={"Retry-After": "0.5"}
    )
    httpserver.expect_ordered_request(path).respond_with_json(MESSAGE)
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.ensure_future(tick())
    try:
        assert (await client.get_message("SM1")).sid == "SM1"
    finally:
        ticker.cancel()
    assert len(httpserver.log) == 2
    assert ticks >= 10  # a blocking wait of 0.5 s would have let none through


async def test_fifty_calls_in_flight_each_get_their_own_answer(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    for number in range(50):
        httpserver.expect_request(
            f"{ACCOUNT}/Messages/SM{number}.json"
        ).respond_with_json({**MESSAGE, "sid": f"SM{number}"})
    results = await asyncio.gather(*(client.get_message(f"SM{n}") for n in range(50)))
    assert [message.sid for message in results] == [f"SM{n}" for n in range(50)]


async def test_a_bad_request_is_raised_by_the_task_that_made_it(
    httpserver: HTTPServer, client: AsyncTwilioClient
) -> None:
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_json(MESSAGE)
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM2.json").respond_with_json(
        {}, status=400
    )
    good, bad = await asyncio.gather(
        client.get_message("SM1"), client.get_message("SM2"), return_exceptions=True
    )
    assert isinstance(good, Message) and isinstance(bad, BadRequestError)


async def test_a_user_async_client_is_used_and_left_open(
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_json(MESSAGE)
    async with httpx.AsyncClient(headers={"X-Mine": "1"}) as own:
        async with AsyncTwilioClient(
            httpserver.url_for(ACCOUNT), auth=AUTH, http_client=own
        ) as client:
            await client.get_message("SM1")
        assert not own.is_closed
    assert httpserver.log[0][0].headers["X-Mine"] == "1"
