"""The client generated from spec/twilio-api.yaml drives a local stand-in for Twilio's
REST API (tests/twilio_standin.py) through a realistic session, on both clients: send with
media, list with date filters across three pages, fetch, redact, cancel, delete, media and
phone numbers, usage, and the errors a user meets (bad credentials 401 with code 20003, an
unknown message 404 with 20404, an invalid To 400 with 21211).

Then an independent referee: every request of the session is sent again to Stoplight Prism
serving Twilio's own OpenAPI description (../shared/twilio-oai/twilio_api_v2010.json), which
must report no violation in it. Prism is literal where the live service is not; these referee
defects are listed here, and each must be the only violation of its request:

- a form field sent more than once (`MediaUrl`, one field per URL, as the service reads
  arrays) is "must be array" to Prism, which does not read repeated form fields as an array;
- a date-only `DateSent` (YYYY-MM-DD, what the service documents and accepts) "must match
  format date-time" for Prism, as the description types it date-time.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import re
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pytest_httpserver import HTTPServer
from twilio_api import (
    AsyncTwilioAPIClient,
    BadRequestError,
    NotFoundError,
    TwilioAPIClient,
    UnauthorizedError,
)

from ..blocking import CLIENT_IDS, blocking
from ..conftest import ROOT
from ..corpus.test_corpus import CORPUS
from ..corpus.test_prism import in_request, start_mock, wait_until_serving
from ..twilio_standin import Received, StandIn

TWILIO_OAI = CORPUS.parent / "twilio-oai" / "twilio_api_v2010.json"
ACCOUNT = "AC" + "5f3a" * 8
API_KEY = "SK" + "0b1d" * 8  # an API key's SID is the user name: not the account's
API_SECRET = "api-key-secret"
SERVICE = "MG" + "77aa" * 8
SENDER = "+15017122661"
MEDIA = ["https://demo.example/cat.jpg", "https://demo.example/dog.png"]
AUGUST = [3, 9, 15, 21, 27]  # the days of the seeded messages sent in August 2023

CLIENTS = [TwilioAPIClient, blocking(AsyncTwilioAPIClient)]


def seeded() -> StandIn:
    standin = StandIn(ACCOUNT, "auth-token", api_keys={API_KEY: API_SECRET})
    for day in (28,):  # July: outside the session's filter
        standin.seed_message("+15558675310", SENDER, "July", _day(7, day))
    for day in AUGUST:
        standin.seed_message("+15558675310", SENDER, f"Aug {day}", _day(8, day))
    return standin


def _day(month: int, day: int) -> datetime.datetime:
    return datetime.datetime(2023, month, day, 10, 30, tzinfo=datetime.timezone.utc)


def serve(httpserver: HTTPServer, standin: StandIn) -> str:
    httpserver.expect_request(re.compile("/.*")).respond_with_handler(standin.handle)
    return httpserver.url_for("/2010-04-01")


@pytest.fixture(params=CLIENTS, ids=CLIENT_IDS)
def make_client(request: pytest.FixtureRequest) -> Any:
    return request.param


def form_of(received: Received) -> dict[str, list[str]]:
    return parse_qs(received.body.decode(), keep_blank_values=True)


def run_session(make_client: Any, base_url: str, standin: StandIn) -> None:
    """What a user does in a day with the live API, asserting what they would see."""
    with make_client(
        base_url, account_sid=ACCOUNT, auth=(API_KEY, API_SECRET)
    ) as client:
        # send an MMS: the media URLs go as one MediaUrl field each, and 201 is a success
        raw = client.with_raw_response.create_message(
            "+15558675310", from_=SENDER, body="Hello from Python", media_url=MEDIA
        )
        assert raw.status_code == 201
        sent = raw.parse()
        assert (sent.sid[:2], sent.status, sent.num_media) == ("MM", "queued", "2")
        assert sent.account_sid == ACCOUNT and sent.error_code is None
        assert sent.subresource_uris == {
            "media": f"/2010-04-01/Accounts/{ACCOUNT}/Messages/{sent.sid}/Media.json"
        }
        sent_form = form_of(standin.received[-1])
        assert sent_form["MediaUrl"] == MEDIA and sent_form["To"] == ["+15558675310"]
        assert standin.received[-1].path.endswith(f"/Accounts/{ACCOUNT}/Messages.json")

        # its media: list, fetch, delete one (204)
        media = client.list_media(sent.sid).media_list
        assert [m.content_type for m in media] == ["image/jpeg", "image/png"]
        assert client.fetch_media(sent.sid, media[0].sid) == media[0]
        assert (
            client.with_raw_response.delete_media(sent.sid, media[0].sid).status_code
            == 204
        )
        assert [m.sid for m in client.iter_list_media(sent.sid)] == [media[1].sid]

        # list August's messages across three pages of two, newest first
        august = list(
            client.iter_list_messages(
                date_sent_after="2023-08-01", date_sent_before="2023-08-31", page_size=2
            )
        )
        assert [m.body for m in august] == [f"Aug {day}" for day in reversed(AUGUST)]
        assert august[0].date_sent == "Sun, 27 Aug 2023 10:30:00 +0000"
        pages = [r for r in standin.received if r.path.endswith("/Messages.json")]
        pages = [r for r in pages if r.method == "GET"]
        assert len(pages) == 3
        assert b"DateSent%3E=2023-08-01" in pages[0].query
        assert b"DateSent%3C=2023-08-31" in pages[0].query
        assert [b"PageToken=PA" in page.query for page in pages] == [False, True, True]
        one_day = client.list_messages(date_sent="2023-08-15").messages
        assert [m.body for m in one_day] == ["Aug 15"]

        # fetch, redact the body, delete; then it is gone (404, code 20404)
        fetched = client.fetch_message(sent.sid)
        assert (fetched.sid, fetched.body, fetched.num_media) == (
            sent.sid,
            sent.body,
            "1",
        )
        assert client.update_message(sent.sid, body="").body == ""
        assert form_of(standin.received[-1]) == {"Body": [""]}
        assert client.with_raw_response.delete_message(sent.sid).status_code == 204
        with pytest.raises(NotFoundError) as missing:
            client.fetch_message(sent.sid)
        assert (missing.value.status_code, missing.value.body.code) == (404, 20404)
        assert missing.value.body.more_info.endswith("/20404")

        # schedule a message with a Messaging Service, then cancel it
        later = client.create_message(
            "+15558675310",
            messaging_service_sid=SERVICE,
            body="Tomorrow",
            schedule_type="fixed",
            send_at="2023-09-02T09:00:00Z",
        )
        assert later.status == "scheduled"
        assert client.update_message(later.sid, status="canceled").status == "canceled"

        # an invalid To: 400 with code 21211, the message in the typed body
        with pytest.raises(BadRequestError) as invalid:
            client.create_message("555-0100", from_=SENDER, body="Hi")
        assert invalid.value.body.code == 21211
        assert "Invalid 'To' Phone Number" in invalid.value.body.message

        # find a local number that takes SMS, buy it (201), name it, release it (204)
        local = client.list_available_local_numbers(
            "US", area_code=415, sms_enabled=True
        ).available_phone_numbers
        assert [n.phone_number for n in local] == ["+14155550101"]
        assert local[0].capabilities.sms is True and local[0].latitude == 37.77
        toll_free = client.list_available_toll_free_numbers("US")
        mobile = client.list_available_mobile_numbers("GB")
        assert [
            len(toll_free.available_phone_numbers),
            len(mobile.available_phone_numbers),
        ] == [1, 1]
        raw_number = client.with_raw_response.create_incoming_phone_number(
            phone_number=local[0].phone_number, friendly_name="Support"
        )
        assert raw_number.status_code == 201
        number = raw_number.parse()
        renamed = client.update_incoming_phone_number(number.sid, friendly_name="Help")
        assert (renamed.sid, renamed.friendly_name) == (number.sid, "Help")
        assert [n.sid for n in client.iter_list_incoming_phone_numbers()] == [
            number.sid
        ]
        assert client.fetch_incoming_phone_number(number.sid).status == "in-use"
        assert client.delete_incoming_phone_number(number.sid) is None
        assert client.list_incoming_phone_numbers().incoming_phone_numbers == []

        # what August's SMS cost
        usage = client.list_usage_records(
            category="sms", start_date="2023-08-01", end_date="2023-08-31"
        ).usage_records
        assert [(u.category, u.usage, u.price) for u in usage] == [("sms", "42", 0.33)]

    # the wrong secret: 401 with code 20003, whatever the operation
    with make_client(
        base_url, account_sid=ACCOUNT, auth=(API_KEY, "not-the-secret")
    ) as intruder:
        with pytest.raises(UnauthorizedError) as refused:
            intruder.list_messages()
        assert (refused.value.status_code, refused.value.body.code) == (401, 20003)


def test_a_session_with_the_live_api_client(
    httpserver: HTTPServer, make_client: Any
) -> None:
    standin = seeded()
    run_session(make_client, serve(httpserver, standin), standin)
    # every request named the client's account, none the API key
    assert all(f"/Accounts/{ACCOUNT}/" in r.path for r in standin.received)
    assert not any(API_KEY in r.path for r in standin.received)


# -- the referee ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def twilio_prism(
    prism: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`prism mock` of Twilio's own description on 127.0.0.1; its origin."""
    assert (
        TWILIO_OAI.is_file()
    ), f"Twilio's OpenAPI description is missing: {TWILIO_OAI}"
    log = tmp_path_factory.mktemp("prism-twilio") / "prism.log"
    with contextlib.ExitStack() as stack:
        process, origin = start_mock(stack, prism, TWILIO_OAI, log)
        wait_until_serving(process, origin, log)
        yield origin


def referee_defects(received: Received) -> list[tuple[str, str, str]]:
    """The violations Prism reports in this request that are its own literalness, as
    (location, code, message start); see the module's docstring."""
    defects = []
    if len(form_of(received).get("MediaUrl", [])) > 1:
        defects.append(
            ("body.MediaUrl", "type", "Request body property MediaUrl must be array")
        )
    query = parse_qs(received.query.decode(), keep_blank_values=True)
    for value in query.get("DateSent", []):
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            defects.append(
                (
                    "query.datesent",
                    "format",
                    'Request query parameter datesent must match format "date-time"',
                )
            )
    return defects


def violations(origin: str, received: Received) -> list[tuple[str, str, str]]:
    """The request violations Prism reports for the request sent again as it was."""
    headers = {
        name: value
        for name, value in received.headers
        if name.lower() in ("authorization", "content-type", "accept")
    }
    url = (
        origin
        + received.path
        + ("?" + received.query.decode() if received.query else "")
    )
    response = httpx.request(
        received.method, url, headers=headers, content=received.body, timeout=30
    )
    found: list[dict[str, Any]] = []
    if response.status_code == 422:  # Prism's answer to a request it finds invalid
        found = response.json().get("validation", [])
    found += in_request(json.loads(response.headers.get("sl-violations") or "[]"))
    return [(".".join(v["location"]), v["code"], v["message"]) for v in found]


def test_every_request_of_the_session_is_one_twilios_description_accepts(
    httpserver: HTTPServer, twilio_prism: str, make_client: Any
) -> None:
    standin = seeded()
    run_session(make_client, serve(httpserver, standin), standin)
    assert len(standin.received) > 20
    defects = []
    for received in standin.received:
        found = violations(twilio_prism, received)
        assert found == referee_defects(received), (received, found)
        defects += found
    # the listed defects do occur in this session: the list is not stale
    assert {location for location, _, _ in defects} == {
        "body.MediaUrl",
        "query.datesent",
    }


def test_the_referee_reports_what_breaks_twilios_description(twilio_prism: str) -> None:
    auth = httpx.BasicAuth(API_KEY, API_SECRET).auth_flow(httpx.Request("GET", "/"))
    authorization = next(auth).headers["Authorization"]
    bad_account = Received(
        "GET",
        "/2010-04-01/Accounts/AC123/Messages.json",
        b"PageSize=0",
        (("Authorization", authorization),),
        b"",
    )
    found = violations(twilio_prism, bad_account)
    assert {location for location, _, _ in found} >= {"query.pagesize"}, found
    assert referee_defects(bad_account) == []


def documented_example(heading: str) -> str:
    """The first Python block after a heading of docs/generated-client.md."""
    text = (ROOT / "docs" / "generated-client.md").read_text()
    after = text[text.index(heading) :]
    return after.split("```python\n", 1)[1].split("```", 1)[0]


def test_the_documented_example_of_the_live_client_runs(
    tmp_path: Path,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import twilio_api

    example = documented_example("## The live Twilio API client")
    account, key, secret = re.findall(r'"(AC[^"]*)".*"(SK[^"]*)", "([^"]*)"', example)[
        0
    ]
    standin = StandIn(account, "auth-token", api_keys={key: secret})
    standin.seed_message("+15558675310", SENDER, "Earlier", _day(8, 3))
    standin.now = _day(1, 1).replace(year=2024)
    standin.seed_message("+15558675310", SENDER, "This year", standin.now)
    base_url = serve(httpserver, standin)

    def local(*args: Any, **kwargs: Any) -> TwilioAPIClient:
        return TwilioAPIClient(base_url, *args, **kwargs)

    monkeypatch.setattr(twilio_api, "TwilioAPIClient", local)
    script = tmp_path / "readme_example.py"
    script.write_text(example)
    runpy.run_path(str(script))
    printed = capsys.readouterr().out.splitlines()
    assert printed[-1] == "21211 Invalid 'To' Phone Number: 555-0100"
    assert [line.split(" ", 1)[1] for line in printed[:-1]] == [
        "delivered Mon, 01 Jan 2024 10:30:00 +0000"
    ]
    assert [r.method for r in standin.received] == ["POST", "GET", "POST", "POST"]
