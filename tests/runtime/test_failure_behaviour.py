"""The generated client against a local server that misbehaves on purpose: each test asserts the
exact outcome, including how many requests the server received."""

from __future__ import annotations

import logging
import re
import time

import pytest
from twilio_connector import (
    ConnectorError,
    SendMessageRequest,
    TransportError,
    TwilioClient,
    UnexpectedResponseError,
)
from twilio_connector._runtime import MAX_RETRY_AFTER, retry_after

from ..servers import AUTH, Serve, answer, drop, ok, slowly, status


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


@pytest.mark.parametrize("code", [408, 429, 500, 502, 503, 504])
def test_a_get_answered_a_passing_failure_is_retried(serve: Serve, code: int) -> None:
    server, client, slept = serve(status(code, "Retry-After: 1\r\n"), ok())
    assert client.get_message("SM1").sid == "SM1"
    assert (server.requests, slept) == (2, [1.0])


@pytest.mark.parametrize("code", [408, 500, 503])
def test_a_post_answered_a_passing_failure_is_not_retried(
    serve: Serve, code: int
) -> None:
    server, client, slept = serve(status(code, "Retry-After: 1\r\n"), ok())
    with pytest.raises(ConnectorError) as caught:
        send(client)
    assert getattr(caught.value, "status_code", None) == code
    assert (server.requests, slept) == (1, [])


@pytest.mark.parametrize("code", [400, 404, 501])
def test_a_get_answered_a_lasting_failure_is_not_retried(
    serve: Serve, code: int
) -> None:
    server, client, slept = serve(status(code, ""), ok())
    with pytest.raises(ConnectorError):
        client.get_message("SM1")
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


def test_an_empty_body_where_a_model_was_due_is_an_empty_success_never_retried(
    serve: Serve,
) -> None:
    server, client, _ = serve(answer(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
    with pytest.raises(UnexpectedResponseError, match="the call succeeded") as caught:
        client.get_message("SM1")
    assert type(caught.value).__name__ == "EmptySuccessError"
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
