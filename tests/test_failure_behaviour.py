"""The generated client against a local server that misbehaves on purpose: each test asserts the
exact outcome, including how many requests the server received."""

from __future__ import annotations

import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest
from twilio_connector import (
    ConnectorError,
    SendMessageRequest,
    TransportError,
    TwilioClient,
    UnexpectedResponseError,
)
from twilio_connector._runtime import MAX_RETRY_AFTER, retry_after

ACCOUNT = "/2010-04-01/Accounts/AC123"
AUTH = ("AC123", "s3cret-token")
MESSAGE = b'{"sid": "SM1", "status": "queued"}'
# Each answer closes its connection, as the server does after answering.
OK = (
    b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/json\r\n"
    b"Content-Length: %d\r\n\r\n%s"
)

# What the server does with one request it has read: gets the connection, returns nothing.
Behaviour = Callable[[socket.socket], None]


class MisbehavingServer:
    """A TCP server on 127.0.0.1 that answers the n-th request with the n-th behaviour (the last
    one repeats) and counts the requests it read."""

    def __init__(self, behaviours: list[Behaviour]) -> None:
        self.behaviours = behaviours
        self.requests = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}{ACCOUNT}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(
                target=self._answer, args=(connection,), daemon=True
            ).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            if not _read_request(connection):
                return
            with self.lock:
                behaviour = self.behaviours[
                    min(self.requests, len(self.behaviours) - 1)
                ]
                self.requests += 1
            try:
                behaviour(connection)
            except OSError:
                pass

    def close(self) -> None:
        self.listener.close()


def _read_request(connection: socket.socket) -> bool:
    """Read one request (headers and a Content-Length body); False when the client left."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return False
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(
        (
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        ),
        0,
    )
    while len(body) < length:
        body += connection.recv(65536)
    return True


def drop(connection: socket.socket) -> None:
    """Close the connection without answering."""


def answer(payload: bytes) -> Behaviour:
    return lambda connection: connection.sendall(payload)


def slowly(seconds: float) -> Behaviour:
    def behaviour(connection: socket.socket) -> None:
        time.sleep(seconds)
        connection.sendall(OK % (len(MESSAGE), MESSAGE))

    return behaviour


def ok() -> Behaviour:
    return answer(OK % (len(MESSAGE), MESSAGE))


def status(code: int, headers: str = "") -> Behaviour:
    return answer(
        f"HTTP/1.1 {code} Oops\r\nConnection: close\r\nContent-Length: 4\r\n{headers}\r\nbusy".encode()
    )


Serve = Callable[..., tuple[MisbehavingServer, TwilioClient, list[float]]]


@pytest.fixture
def serve() -> Iterator[Serve]:
    """Start a server with these behaviours; returns it, a client of it and the list of the
    client's sleeps between retries (recorded, not waited)."""
    started: list[tuple[MisbehavingServer, TwilioClient]] = []

    def start(
        *behaviours: Behaviour, **options: float
    ) -> tuple[MisbehavingServer, TwilioClient, list[float]]:
        server = MisbehavingServer(list(behaviours))
        client = TwilioClient(server.url, auth=AUTH, **options)
        slept: list[float] = []
        client._transport.sleep = slept.append
        started.append((server, client))
        return server, client, slept

    yield start
    for server, client in started:
        client.close()
        server.close()


def send(client: TwilioClient) -> object:
    return client.send_message(SendMessageRequest(from_="+1", to="+2", body="hi"))


def test_a_dropped_connection_is_retried_for_a_get(
    serve: Serve,
) -> None:
    server, client, slept = serve(drop, drop, ok())
    assert client.get_message("SM1").sid == "SM1"
    assert server.requests == 3
    assert len(slept) == 2


def test_a_post_whose_connection_dropped_is_sent_once(
    serve: Serve,
) -> None:
    server, client, slept = serve(drop, ok())
    with pytest.raises(TransportError) as caught:
        send(client)
    assert caught.value.attempts == 1
    assert "(after 1 attempt)" in str(caught.value)
    assert (server.requests, slept) == (1, [])


def test_retries_end_with_a_transport_error_that_counts_attempts(
    serve: Serve,
) -> None:
    server, client, _ = serve(drop, max_retries=3)
    with pytest.raises(TransportError) as caught:
        client.get_message("SM1")
    assert caught.value.attempts == 4
    assert server.requests == 4
    assert caught.value.__cause__ is None and caught.value.__context__ is None


def test_a_slow_answer_times_out(
    serve: Serve,
) -> None:
    server, client, _ = serve(slowly(1.0))
    with pytest.raises(TransportError, match="ReadTimeout") as caught:
        client.with_options(timeout=0.2, max_retries=1).get_message("SM1")
    assert caught.value.attempts == 2
    assert server.requests == 2


def test_503_with_retry_after_is_waited_for_then_retried(
    serve: Serve,
) -> None:
    server, client, slept = serve(status(503, "Retry-After: 3\r\n"), ok())
    assert client.get_message("SM1").sid == "SM1"
    assert (server.requests, slept) == (2, [3.0])


def test_a_post_answered_503_is_not_retried(
    serve: Serve,
) -> None:
    server, client, slept = serve(status(503, "Retry-After: 1\r\n"), ok())
    with pytest.raises(ConnectorError) as caught:
        send(client)
    assert getattr(caught.value, "status_code", None) == 503
    assert (server.requests, slept) == (1, [])


def test_garbage_instead_of_http_is_a_transport_error(
    serve: Serve,
) -> None:
    server, client, _ = serve(answer(b"\x00\xffnot http at all\r\n\r\n"), max_retries=0)
    with pytest.raises(TransportError):
        client.get_message("SM1")
    assert server.requests == 1


def test_an_html_error_page_with_status_200_is_an_unexpected_response(
    serve: Serve,
) -> None:
    page = b"<html><body>Gateway</body></html>"
    server, client, _ = serve(
        answer(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n%s"
            % (len(page), page)
        )
    )
    with pytest.raises(UnexpectedResponseError) as caught:
        client.get_message("SM1")
    assert caught.value.text == page.decode()
    assert server.requests == 1


def test_an_empty_body_where_a_model_was_due_is_an_unexpected_response(
    serve: Serve,
) -> None:
    server, client, _ = serve(answer(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
    with pytest.raises(UnexpectedResponseError, match="not valid JSON"):
        client.get_message("SM1")
    assert server.requests == 1


def test_retry_logs_name_the_cause_but_never_the_credentials(
    serve: Serve,
    caplog: pytest.LogCaptureFixture,
) -> None:
    server, client, _ = serve(status(502), ok())
    with caplog.at_level(logging.DEBUG, logger="twilio_connector"):
        client.get_message("SM1")
    assert server.requests == 2
    (record,) = [r for r in caplog.records if r.name == "twilio_connector"]
    assert re.fullmatch(
        r"GET failed \(status 502\); retry 1 of 2 in 0\.\d\d s", record.getMessage()
    )
    for record in caplog.records:
        assert AUTH[1] not in record.getMessage()


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("12", 12.0),
        ("0.5", 0.5),
        ("-3", 0.0),
        ("86400", MAX_RETRY_AFTER),
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
        ("soon", None),
        ("", None),
        ("nan", None),
    ],
)
def test_retry_after_reads_seconds_and_http_dates_within_a_cap(
    header: str, seconds: float | None
) -> None:
    assert retry_after(header) == seconds


def test_a_future_http_date_is_waited_for() -> None:
    from email.utils import formatdate

    waited = retry_after(formatdate(time.time() + 30, usegmt=True))
    assert waited is not None and 28 <= waited <= 30
