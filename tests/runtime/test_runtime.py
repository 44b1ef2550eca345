"""The runtime, tested where it is written: `generator/static/_runtime.py` is an ordinary module
that every generated package gets a copy of. (Its wire encoders have case files in
`tests/cases/wire/`; the generated suites test it again through each client.)"""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import httpx
import pytest

from generator import static
from generator.pipeline import build
from generator.static import _runtime
from generator.testgen import rows

from ..conftest import TWILIO_SPEC, make_job


class NotFound(_runtime.ApiError):
    pass


def _response(
    status: int, content: bytes, content_type: str = "application/json"
) -> httpx.Response:
    return httpx.Response(
        status, content=content, headers={"Content-Type": content_type}
    )


def test_an_error_status_gets_the_class_registered_for_it() -> None:
    response = _response(404, b'{"code": 20404}')
    error = _runtime.error_for_status(
        response,
        {"404": "No such message"},
        response.content,
        1000,
        error_classes={404: NotFound},
    )
    assert type(error) is NotFound
    assert (error.status_code, error.description, error.json) == (
        404,
        "No such message",
        {"code": 20404},
    )
    assert str(error) == '404 No such message: {"code": 20404}'


def code_of(data: object) -> int:
    """A decoder standing for a generated model's from_dict."""
    if not isinstance(data, dict) or not isinstance(data.get("code"), int):
        raise _runtime.DecodeError("no code")
    return data["code"]


@pytest.mark.parametrize(
    ("status", "content", "body"),
    [
        (404, b'{"code": 20404}', 20404),  # the status's own schema
        (400, b'{"code": 21211}', 21211),  # no schema of its own: default's
        (409, b'{"code": 1}', None),  # documented without a schema: none
        (404, b'{"message": "no code"}', None),  # does not fit the schema
        (404, b"<html>not json</html>", None),
        (404, b"", None),
    ],
)
def test_an_error_body_is_parsed_with_the_schema_documented_for_its_status(
    status: int, content: bytes, body: int | None
) -> None:
    error = _runtime.error_for_status(
        _response(status, content),
        {"404": "Not found", "409": "Conflict", "default": "Failed"},
        content,
        1000,
        error_classes={},
        decoders={"404": code_of, "default": code_of},
    )
    assert error.body == body
    assert error.text == content.decode()  # the body as received, parsed or not


def test_an_unregistered_status_is_an_api_error_described_by_default_then_by_http() -> (
    None
):
    response = _response(418, b"")
    by_default = _runtime.error_for_status(
        response, {"default": "Failed"}, b"", 10, error_classes={}
    )
    assert type(by_default) is _runtime.ApiError and str(by_default) == "418 Failed"
    by_http = _runtime.error_for_status(response, {}, b"", 10, error_classes={})
    assert str(by_http) == "418 I'm a Teapot"
    unknown = _runtime.error_for_status(
        _response(599, b""), {}, b"", 10, error_classes={}
    )
    assert str(unknown) == "599 HTTP status 599"


def test_a_long_error_body_is_cut_and_not_parsed() -> None:
    content = b'{"a": "' + b"x" * 50 + b'"}'
    error = _runtime.error_for_status(
        _response(500, content), {}, content, 20, error_classes={}
    )
    assert error.json is None
    assert (
        error.text
        == content[:20].decode() + "\n[truncated: the body was longer than 20 bytes]"
    )


def test_an_error_message_hides_secrets_and_control_characters() -> None:
    text = "key sk-123456 rejected\n\tagain sk-123456\x1b[31m" + "y" * 300
    message = _runtime.brief(text, ["sk-123456", ""])
    assert "sk-123456" not in message and message.startswith(
        "key *** rejected again ***\\x1b[31my"
    )
    assert message.endswith("y...") and "\n" not in message


def test_an_attempt_count_reads_as_english() -> None:
    assert (
        str(_runtime.TransportError("GET failed", attempts=1))
        == "GET failed (after 1 attempt)"
    )
    assert (
        str(_runtime.TransportError("GET failed", attempts=3))
        == "GET failed (after 3 attempts)"
    )


def test_retry_after_reads_seconds_and_dates_within_the_cap() -> None:
    assert _runtime.retry_after("2.5") == 2.5
    assert _runtime.retry_after("-4") == 0.0
    assert _runtime.retry_after("86400") == _runtime.MAX_RETRY_AFTER
    assert _runtime.retry_after("nan") is None and _runtime.retry_after("soon") is None
    soon = email.utils.formatdate(time.time() + 30, usegmt=True)
    assert 25 <= (_runtime.retry_after(soon) or 0) <= 30


@pytest.mark.parametrize("attempt", [1, 2, 3, 10])
def test_backoff_grows_with_jitter_and_stays_bounded(attempt: int) -> None:
    ceiling = min(_runtime.MAX_BACKOFF, _runtime.FIRST_BACKOFF * 2 ** (attempt - 1))
    delays = {_runtime.backoff(attempt) for _ in range(50)}
    assert all(ceiling / 2 <= delay <= ceiling for delay in delays) and len(delays) > 1


def test_the_generator_retries_what_the_runtime_retries() -> None:
    assert rows.IDEMPOTENT_METHODS == _runtime.IDEMPOTENT_METHODS


def test_the_runtime_is_copied_into_the_package_as_it_is(tmp_path: Path) -> None:
    files = build(make_job(TWILIO_SPEC, tmp_path)).files
    source = static.runtime_path().read_text(encoding="utf-8")
    header, _, copied = files["_runtime.py"].partition('"""')
    assert '"""' + copied == source
    assert (
        header.startswith("# Generated by connector-codegen")
        and files["py.typed"] == ""
    )


def test_a_spec_enum_reads_and_prints_as_its_wire_value() -> None:
    import enum
    import json

    from generator.static._runtime import ApiEnum

    class Status(ApiEnum):
        QUEUED = "queued"
        OUT_API = "outbound-api"

    assert (str(Status.QUEUED), f"{Status.OUT_API}", f"{Status.QUEUED:>8}") == (
        "queued",
        "outbound-api",
        "  queued",
    )
    assert Status.QUEUED == "queued" and isinstance(Status.QUEUED, enum.Enum)
    assert json.dumps({"status": Status.QUEUED}) == '{"status": "queued"}'
    assert repr(Status.QUEUED) == "<Status.QUEUED: 'queued'>"
