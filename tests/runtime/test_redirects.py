"""Redirects, followed by the runtime's own rules on both clients: GET and HEAD on every
redirect status, 303 as a GET for any method, 307 and 308 with method and body kept, nothing
else; a bounded number of hops, never from https to http, and no credential to another origin
(a hostile server that redirects to an origin of its own gets none)."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import ApiError, SendMessageRequest, TransportError
from twilio_connector._runtime import (
    MAX_REDIRECTS,
    ApiKey,
    BasicCredentials,
    Outgoing,
    Transport,
)
from werkzeug import Request, Response

from ..blocking import CLIENT_FACTORIES, CLIENT_IDS
from ..servers import ACCOUNT, AUTH, MESSAGE

BASIC = "Basic " + base64.b64encode(":".join(AUTH).encode()).decode()


@pytest.fixture(params=CLIENT_FACTORIES, ids=CLIENT_IDS)
def client(request: pytest.FixtureRequest, httpserver: HTTPServer) -> Iterator[Any]:
    with request.param(
        httpserver.url_for(ACCOUNT), auth=AUTH, max_retries=0
    ) as connector:
        yield connector


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """A second server: another origin (another port)."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    try:
        yield server
    finally:
        server.clear()
        server.stop()


def redirect(status: int, location: str) -> Response:
    return Response(status=status, headers={"Location": location})


def message_at(server: HTTPServer) -> str:
    return server.url_for(f"{ACCOUNT}/Messages/SM1.json")


@pytest.mark.parametrize("status", [300, 301, 302, 303, 307, 308])
def test_a_get_follows_every_redirect_status_within_the_origin(
    client: Any, httpserver: HTTPServer, status: int
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/SM1.json"
    ).respond_with_response(redirect(status, f"{ACCOUNT}/Messages/moved.json"))
    seen: list[Request] = []

    def moved(request: Request) -> Response:
        seen.append(request)
        return Response(MESSAGE, content_type="application/json")

    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/moved.json"
    ).respond_with_handler(moved)
    assert client.get_message("SM1").sid == "SM1"
    (request,) = seen
    assert (
        request.headers["Authorization"] == BASIC
    )  # the same origin: credentials kept


def test_no_credential_reaches_another_origin(
    client: Any, httpserver: HTTPServer, elsewhere: HTTPServer
) -> None:
    """The hostile case: the service redirects to an origin of the attacker's."""
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/SM1.json"
    ).respond_with_response(redirect(302, message_at(elsewhere) + "?page=1"))
    seen: list[Request] = []

    def steal(request: Request) -> Response:
        seen.append(request)
        return Response(MESSAGE, content_type="application/json")

    elsewhere.expect_oneshot_request(
        f"{ACCOUNT}/Messages/SM1.json"
    ).respond_with_handler(steal)
    assert client.get_message("SM1").sid == "SM1"
    (request,) = seen
    assert "Authorization" not in request.headers
    assert AUTH[1] not in str(request.headers) and AUTH[1] not in request.url
    assert request.args["page"] == "1"


def test_a_post_follows_307_with_its_body_and_303_as_a_get(
    client: Any, httpserver: HTTPServer
) -> None:
    path = f"{ACCOUNT}/Messages.json"
    bodies: list[tuple[str, bytes]] = []

    def record(request: Request) -> Response:
        bodies.append((request.method, request.get_data()))
        return Response(MESSAGE, status=201, content_type="application/json")

    httpserver.expect_oneshot_request(path, method="POST").respond_with_response(
        redirect(307, f"{ACCOUNT}/Messages/again.json")
    )
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/again.json", method="POST"
    ).respond_with_handler(record)
    request = SendMessageRequest(from_="+1", to="+2", body="hi")
    assert client.send_message(request).sid == "SM1"
    assert bodies[0][0] == "POST" and b"hi" in bodies[0][1]
    httpserver.expect_oneshot_request(path, method="POST").respond_with_response(
        redirect(303, f"{ACCOUNT}/Messages/SM1.json")
    )
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/SM1.json", method="GET"
    ).respond_with_handler(record)
    client.send_message(request)
    assert bodies[1] == ("GET", b"")


@pytest.mark.parametrize("status", [301, 302])
def test_a_post_does_not_follow_301_or_302(
    client: Any, httpserver: HTTPServer, status: int
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages.json", method="POST"
    ).respond_with_response(redirect(status, f"{ACCOUNT}/Messages/again.json"))
    with pytest.raises(ApiError) as caught:
        client.send_message(SendMessageRequest(from_="+1", to="+2", body="hi"))
    assert caught.value.status_code == status
    assert len(httpserver.log) == 1


def test_follow_redirects_false_returns_the_redirect(
    client: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_oneshot_request(
        f"{ACCOUNT}/Messages/SM1.json"
    ).respond_with_response(redirect(302, f"{ACCOUNT}/Messages/moved.json"))
    with pytest.raises(ApiError) as caught:
        client.with_options(follow_redirects=False).get_message("SM1")
    assert caught.value.status_code == 302
    assert len(httpserver.log) == 1


def test_a_redirect_loop_stops_at_the_hop_bound(
    client: Any, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_response(
        redirect(302, f"{ACCOUNT}/Messages/SM1.json")
    )
    with pytest.raises(TransportError, match=f"more than {MAX_REDIRECTS} redirects"):
        client.get_message("SM1")
    assert len(httpserver.log) == MAX_REDIRECTS + 1


def core(**credentials: Any) -> Transport:
    return Transport(
        "https://api.example.com/v1",
        credentials=credentials,
        timeout=5.0,
        max_retries=0,
        http_client=None,
        user_agent="test",
        error_classes={},
    )


def hop(transport: Transport, status: int, location: str, method: str = "GET") -> Any:
    outgoing = Outgoing(
        method,
        "https://api.example.com/v1/a?key=k3y&x=1",
        httpx.Headers(
            {"X-Key": "h3ader", "Cookie": "c=1", "Content-Type": "text/plain"}
        ),
        b"body" if method != "GET" else None,
        httpx.BasicAuth("u", "p"),
    )
    response = httpx.Response(status, headers={"Location": location})
    return transport.redirect(outgoing, response, 0)


def test_a_hop_to_another_origin_strips_every_credential_kind() -> None:
    transport = core(
        query=ApiKey("query", "key", "k3y"),
        header=ApiKey("header", "X-Key", "h3ader"),
        basic=BasicCredentials(("u", "p")),
    )
    following = hop(transport, 307, "https://evil.example.net/x?key=k3y&y=2", "POST")
    assert following.method == "POST" and following.body == b"body"
    assert following.url == "https://evil.example.net/x?y=2"
    assert following.auth is None
    assert "X-Key" not in following.headers and "Cookie" not in following.headers
    same = hop(transport, 307, "/v1/b?key=k3y", "POST")
    assert same.auth is not None and same.headers["X-Key"] == "h3ader"
    assert same.url == "https://api.example.com/v1/b?key=k3y"
    transport.close()


@pytest.mark.parametrize(
    ("location", "reason"),
    [
        ("http://api.example.com/v1/b", "from https to http"),
        ("ftp://api.example.com/b", "not http(s)"),
    ],
)
def test_a_hop_that_would_weaken_the_request_is_refused(
    location: str, reason: str
) -> None:
    transport = core()
    with pytest.raises(TransportError, match=re.escape(reason)):
        hop(transport, 302, location)
    transport.close()


@pytest.mark.parametrize(
    ("status", "method", "followed_as"),
    [
        (302, "GET", "GET"),
        (302, "HEAD", "HEAD"),
        (303, "HEAD", "HEAD"),
        (303, "PUT", "GET"),
        (307, "PATCH", "PATCH"),
        (308, "DELETE", "DELETE"),
        (301, "PUT", None),
        (302, "POST", None),
        (300, "PATCH", None),
        (304, "GET", None),
    ],
)
def test_which_redirects_are_followed(
    status: int, method: str, followed_as: str | None
) -> None:
    transport = core()
    following = hop(transport, status, "/v1/b", method)
    assert (following.method if following else None) == followed_as
    if following is not None and followed_as == "GET" and method != "GET":
        assert following.body is None and "Content-Type" not in following.headers
    transport.close()
