"""A local stand-in for Twilio's REST API (2010-04-01), for the resources of spec/twilio-api.yaml,
behaving as the live service does: HTTP basic authentication by an account's auth token or an
API key's secret (401, code 20003), form-encoded requests, 201 on create and 204 on delete,
pages of `PageSize` linked by a `next_page_uri` that carries the query and a `PageToken`, dates in
RFC 2822 form, and Twilio's error body {code, message, more_info, status} (20404 for what does
not exist, 21211 for an invalid To number, ...).

It serves as a `pytest-httpserver` handler (`StandIn.handle`) and records every request it
answers (`StandIn.received`), so that a test can show them to another referee.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

from werkzeug import Request, Response

ROOT = "/2010-04-01/Accounts/"
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
CHANNEL = re.compile(r"[a-z]+:\+[1-9][0-9]{1,14}")
DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


@dataclass(frozen=True)
class Received:
    """A request as it arrived: what a referee needs to judge it again."""

    method: str
    path: str
    query: bytes  # the raw query string
    headers: tuple[tuple[str, str], ...]
    body: bytes


class ServiceError(Exception):
    def __init__(self, status: int, code: int, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "more_info": f"https://www.twilio.com/docs/errors/{self.code}",
            "status": self.status,
        }


def rfc2822(when: datetime.datetime) -> str:
    """Twilio's dates: `Thu, 24 Aug 2023 05:01:45 +0000`."""
    return email.utils.format_datetime(when.astimezone(datetime.timezone.utc))


def sid(prefix: str, *seed: object) -> str:
    """A SID as the service writes them: two letters and 32 hexadecimal digits, derived from
    the seed so that a session is reproducible."""
    digest = hashlib.sha256(repr(seed).encode()).hexdigest()[:32]
    return prefix + digest


@dataclass
class Collection:
    """The resources of one list endpoint, in the order the service lists them."""

    key: str  # the list's name in the page (messages, media_list, ...)
    items: dict[str, dict[str, Any]] = field(default_factory=dict)


@dataclass
class StandIn:
    account_sid: str
    auth_token: str
    api_keys: dict[str, str] = field(default_factory=dict)  # SK... -> secret
    now: datetime.datetime = datetime.datetime(
        2023, 9, 1, 12, 0, tzinfo=datetime.timezone.utc
    )
    received: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.messages = Collection("messages")
        self.media: dict[str, Collection] = {}
        self.numbers = Collection("incoming_phone_numbers")
        self.available = _available_numbers()
        self.usage = _usage_records(self.account_sid)
        self.created = 0

    # -- the HTTP surface --------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        self.received.append(
            Received(
                request.method,
                request.path,
                request.query_string,
                tuple(request.headers.items()),
                request.get_data(),
            )
        )
        try:
            self._authenticate(request)
            status, body = self._route(request)
        except ServiceError as error:
            status, body = error.status, error.body()
        if body is None:
            return Response(status=status)
        return Response(json.dumps(body), status=status, mimetype="application/json")

    def _authenticate(self, request: Request) -> None:
        refused = ServiceError(401, 20003, "Authenticate")
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        if scheme.lower() != "basic":
            raise refused
        try:
            user, _, password = base64.b64decode(encoded).decode().partition(":")
        except ValueError:
            raise refused from None
        secrets = {self.account_sid: self.auth_token, **self.api_keys}
        if secrets.get(user) != password:
            raise refused

    def _route(self, request: Request) -> tuple[int, dict[str, Any] | None]:
        path = request.path
        if not path.startswith(ROOT):
            raise self._not_found(path)
        account, _, rest = path[len(ROOT) :].partition("/")
        if account != self.account_sid:
            raise self._not_found(path)
        for pattern, methods in self._routes().items():
            found = re.fullmatch(pattern, rest)
            if found is None:
                continue
            handler = methods.get(request.method)
            if handler is None:
                raise ServiceError(405, 20004, "Method not allowed")
            return handler(request, *found.groups())
        raise self._not_found(path)

    def _routes(self) -> dict[str, dict[str, Callable[..., Any]]]:
        return {
            r"Messages\.json": {"GET": self.list_messages, "POST": self.create_message},
            r"Messages/(\w+)\.json": {
                "GET": self.fetch_message,
                "POST": self.update_message,
                "DELETE": self.delete_message,
            },
            r"Messages/(\w+)/Media\.json": {"GET": self.list_media},
            r"Messages/(\w+)/Media/(\w+)\.json": {
                "GET": self.fetch_media,
                "DELETE": self.delete_media,
            },
            r"IncomingPhoneNumbers\.json": {
                "GET": self.list_numbers,
                "POST": self.buy_number,
            },
            r"IncomingPhoneNumbers/(\w+)\.json": {
                "GET": self.fetch_number,
                "POST": self.update_number,
                "DELETE": self.release_number,
            },
            r"AvailablePhoneNumbers/([A-Z]{2})/(Local|TollFree|Mobile)\.json": {
                "GET": self.list_available
            },
            r"Usage/Records\.json": {"GET": self.list_usage},
        }

    def _not_found(self, path: str) -> ServiceError:
        return ServiceError(404, 20404, f"The requested resource {path} was not found")

    def _uri(self, rest: str) -> str:
        return f"{ROOT}{self.account_sid}/{rest}"

    # -- messages ----------------------------------------------------------------------------

    def seed_message(
        self, to: str, from_: str, body: str, sent: datetime.datetime
    ) -> str:
        """A message sent before the session, on the day given."""
        return self._add_message(
            {"To": [to], "From": [from_], "Body": [body]}, sent, "delivered"
        )["sid"]

    def create_message(self, request: Request) -> tuple[int, dict[str, Any]]:
        form = request.form.to_dict(flat=False)
        to = _one(form, "To")
        if not to:
            raise ServiceError(400, 21604, "A 'To' phone number is required.")
        if not (E164.fullmatch(to) or CHANNEL.fullmatch(to)):
            raise ServiceError(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if not (_one(form, "From") or _one(form, "MessagingServiceSid")):
            raise ServiceError(
                400, 21603, "A 'From' or 'MessagingServiceSid' parameter is required"
            )
        if not (_one(form, "Body") or form.get("MediaUrl") or _one(form, "ContentSid")):
            raise ServiceError(
                400, 21602, "Message body is required (or MediaUrl or ContentSid)"
            )
        scheduled = _one(form, "ScheduleType") == "fixed"
        if scheduled and not (
            _one(form, "SendAt") and _one(form, "MessagingServiceSid")
        ):
            raise ServiceError(
                400, 35111, "SendAt and MessagingServiceSid are required to schedule"
            )
        status = "scheduled" if scheduled else "queued"
        message = self._add_message(form, None, status)
        return 201, message

    def _add_message(
        self,
        form: dict[str, list[str]],
        sent: datetime.datetime | None,
        status: str,
    ) -> dict[str, Any]:
        self.created += 1
        media_urls = form.get("MediaUrl", [])
        created = sent or self.now
        message_sid = sid("MM" if media_urls else "SM", self.created)
        uri = self._uri(f"Messages/{message_sid}.json")
        message = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "body": _one(form, "Body") or "",
            "date_created": rfc2822(created),
            "date_sent": rfc2822(sent) if sent else None,
            "date_updated": rfc2822(created),
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": _one(form, "From"),
            "messaging_service_sid": _one(form, "MessagingServiceSid"),
            "num_media": str(len(media_urls)),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": message_sid,
            "status": status,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
            "to": _one(form, "To"),
            "uri": uri,
        }
        self.messages.items[message_sid] = message
        media = self.media[message_sid] = Collection("media_list")
        for index, url in enumerate(media_urls):
            media_sid = sid("ME", message_sid, index)
            media.items[media_sid] = {
                "account_sid": self.account_sid,
                "content_type": _content_type(url),
                "date_created": rfc2822(created),
                "date_updated": rfc2822(created),
                "parent_sid": message_sid,
                "sid": media_sid,
                "uri": self._uri(f"Messages/{message_sid}/Media/{media_sid}.json"),
            }
        return message

    def _message(self, message_sid: str) -> dict[str, Any]:
        if message_sid not in self.messages.items:
            raise self._not_found(self._uri(f"Messages/{message_sid}.json"))
        return self.messages.items[message_sid]

    def list_messages(self, request: Request) -> tuple[int, dict[str, Any]]:
        args = request.args
        chosen = [
            message
            for message in reversed(self.messages.items.values())  # newest first
            if _matches(message, "to", args.get("To"))
            and _matches(message, "from", args.get("From"))
            and _on_day(message["date_sent"], args, "DateSent")
        ]
        return 200, self._page(request, "Messages.json", self.messages.key, chosen)

    def fetch_message(self, request: Request, message_sid: str) -> tuple[int, Any]:
        return 200, self._message(message_sid)

    def update_message(self, request: Request, message_sid: str) -> tuple[int, Any]:
        message = self._message(message_sid)
        form = request.form
        if form.get("Status") == "canceled":
            if message["status"] != "scheduled":
                raise ServiceError(
                    400, 20001, "Only a scheduled message can be canceled"
                )
            message["status"] = "canceled"
        if "Body" in form:
            if form["Body"] != "":
                raise ServiceError(400, 20001, "Body can only be redacted (set to '')")
            message["body"] = ""
        message["date_updated"] = rfc2822(self.now)
        return 200, message

    def delete_message(self, request: Request, message_sid: str) -> tuple[int, None]:
        self._message(message_sid)
        del self.messages.items[message_sid]
        del self.media[message_sid]
        return 204, None

    def _media(self, message_sid: str) -> Collection:
        self._message(message_sid)
        return self.media[message_sid]

    def list_media(self, request: Request, message_sid: str) -> tuple[int, Any]:
        chosen = [
            media
            for media in self._media(message_sid).items.values()
            if _on_day(media["date_created"], request.args, "DateCreated")
        ]
        rest = f"Messages/{message_sid}/Media.json"
        return 200, self._page(request, rest, "media_list", chosen)

    def fetch_media(self, request: Request, message_sid: str, media_sid: str) -> Any:
        media = self._media(message_sid).items
        if media_sid not in media:
            raise self._not_found(request.path)
        return 200, media[media_sid]

    def delete_media(self, request: Request, message_sid: str, media_sid: str) -> Any:
        self.fetch_media(request, message_sid, media_sid)
        del self._media(message_sid).items[media_sid]
        message = self.messages.items[message_sid]
        message["num_media"] = str(int(message["num_media"]) - 1)
        return 204, None

    # -- phone numbers -----------------------------------------------------------------------

    def list_available(self, request: Request, country: str, kind: str) -> Any:
        args = request.args
        chosen = [
            number
            for number in self.available
            if number["iso_country"] == country
            and number["kind"] == kind
            and _matches(number, "area_code", args.get("AreaCode"))
            and _flag(number, "sms", args.get("SmsEnabled"))
            and _flag(number, "mms", args.get("MmsEnabled"))
            and _flag(number, "voice", args.get("VoiceEnabled"))
            and args.get("Contains", "") in number["phone_number"]
        ]
        shown = [
            {k: v for k, v in number.items() if k not in ("kind", "area_code")}
            for number in chosen
        ]
        rest = f"AvailablePhoneNumbers/{country}/{kind}.json"
        return 200, self._page(request, rest, "available_phone_numbers", shown)

    def buy_number(self, request: Request) -> tuple[int, Any]:
        form = request.form
        owned = {n["phone_number"] for n in self.numbers.items.values()}
        candidates = [
            n
            for n in self.available
            if n["phone_number"] not in owned
            and (
                n["phone_number"] == form.get("PhoneNumber")
                or (
                    not form.get("PhoneNumber")
                    and n["area_code"] == form.get("AreaCode")
                )
            )
        ]
        if not candidates:
            raise ServiceError(
                400, 21452, "No phone numbers found in the area code or number given"
            )
        bought = candidates[0]
        number_sid = sid("PN", bought["phone_number"])
        number = {
            "account_sid": self.account_sid,
            "api_version": "2010-04-01",
            "beta": False,
            "capabilities": bought["capabilities"],
            "date_created": rfc2822(self.now),
            "date_updated": rfc2822(self.now),
            "friendly_name": form.get("FriendlyName") or bought["friendly_name"],
            "origin": "twilio",
            "phone_number": bought["phone_number"],
            "sid": number_sid,
            "sms_method": form.get("SmsMethod", "POST"),
            "sms_url": form.get("SmsUrl", ""),
            "status": "in-use",
            "status_callback": form.get("StatusCallback", ""),
            "uri": self._uri(f"IncomingPhoneNumbers/{number_sid}.json"),
            "voice_method": form.get("VoiceMethod", "POST"),
            "voice_url": form.get("VoiceUrl", ""),
        }
        self.numbers.items[number_sid] = number
        return 201, number

    def _number(self, number_sid: str) -> dict[str, Any]:
        if number_sid not in self.numbers.items:
            raise self._not_found(self._uri(f"IncomingPhoneNumbers/{number_sid}.json"))
        return self.numbers.items[number_sid]

    def list_numbers(self, request: Request) -> tuple[int, Any]:
        args = request.args
        chosen = [
            number
            for number in self.numbers.items.values()
            if _matches(number, "friendly_name", args.get("FriendlyName"))
            and args.get("PhoneNumber", "") in number["phone_number"]
        ]
        key = self.numbers.key
        return 200, self._page(request, "IncomingPhoneNumbers.json", key, chosen)

    def fetch_number(self, request: Request, number_sid: str) -> tuple[int, Any]:
        return 200, self._number(number_sid)

    def update_number(self, request: Request, number_sid: str) -> tuple[int, Any]:
        number = self._number(number_sid)
        fields = {
            "FriendlyName": "friendly_name",
            "SmsUrl": "sms_url",
            "SmsMethod": "sms_method",
            "VoiceUrl": "voice_url",
            "VoiceMethod": "voice_method",
            "StatusCallback": "status_callback",
        }
        for name, key in fields.items():
            if name in request.form:
                number[key] = request.form[name]
        number["date_updated"] = rfc2822(self.now)
        return 200, number

    def release_number(self, request: Request, number_sid: str) -> tuple[int, None]:
        self._number(number_sid)
        del self.numbers.items[number_sid]
        return 204, None

    # -- usage -------------------------------------------------------------------------------

    def list_usage(self, request: Request) -> tuple[int, Any]:
        args = request.args
        for name in ("StartDate", "EndDate"):
            if name in args and not DAY.fullmatch(args[name]):
                raise ServiceError(400, 20001, f"Invalid {name}: {args[name]}")
        chosen = [
            record
            for record in self.usage
            if _matches(record, "category", args.get("Category"))
            and record["end_date"] >= args.get("StartDate", "")
            and record["start_date"] <= args.get("EndDate", "9999-12-31")
        ]
        return 200, self._page(request, "Usage/Records.json", "usage_records", chosen)

    # -- pages -------------------------------------------------------------------------------

    def _page(
        self, request: Request, rest: str, key: str, items: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """A page as the service writes it: after the item the PageToken names, `PageSize`
        items, and links that repeat the request's filters."""
        args = request.args
        try:
            size = int(args.get("PageSize", DEFAULT_PAGE_SIZE))
            number = int(args.get("Page", 0))
        except ValueError:
            raise ServiceError(
                400, 20001, "PageSize and Page must be numbers"
            ) from None
        if not 1 <= size <= MAX_PAGE_SIZE or number < 0:
            raise ServiceError(400, 20001, "PageSize must be 1 to 1000, Page 0 or more")
        token = args.get("PageToken")
        start = 0
        if token is not None:
            keys = [_identity(item) for item in items]
            if token[2:] not in keys:
                raise ServiceError(400, 20001, f"Invalid PageToken: {token}")
            start = keys.index(token[2:]) + 1
        chosen = items[start : start + size]
        paging = ("Page", "PageSize", "PageToken")
        filters = [(k, v) for k, v in args.items(multi=True) if k not in paging]
        base = self._uri(rest)

        def link(page: int, after: str | None) -> str:
            query = [*filters, ("PageSize", str(size)), ("Page", str(page))]
            if after is not None:
                query.append(("PageToken", "PA" + after))
            return f"{base}?{urlencode(query, quote_via=quote)}"

        more = start + size < len(items)
        return {
            key: chosen,
            "end": start + len(chosen) - 1 if chosen else 0,
            "first_page_uri": link(0, None),
            "next_page_uri": link(number + 1, _identity(chosen[-1])) if more else None,
            "page": number,
            "page_size": size,
            "previous_page_uri": link(number - 1, None) if number else None,
            "start": start,
            "uri": link(number, None if token is None else token[2:]),
        }


def _identity(item: dict[str, Any]) -> str:
    return str(item.get("sid") or item.get("phone_number") or item.get("category"))


def _one(form: dict[str, list[str]], name: str) -> str | None:
    values = form.get(name)
    return values[0] if values else None


def _matches(item: dict[str, Any], key: str, wanted: str | None) -> bool:
    return wanted is None or str(item.get(key)) == wanted


def _flag(item: dict[str, Any], capability: str, wanted: str | None) -> bool:
    return wanted is None or item["capabilities"][capability] == (wanted == "true")


def _on_day(stamp: str | None, args: Any, name: str) -> bool:
    """The service's date filters: `Name=day`, `Name<=day` (sent as the parameter `Name<`)
    and `Name>=day` (`Name>`), GMT days."""
    filters = {"": args.get(name), "<": args.get(name + "<"), ">": args.get(name + ">")}
    if not any(filters.values()):
        return True
    if stamp is None:
        return False
    day = email.utils.parsedate_to_datetime(stamp).date().isoformat()
    for how, wanted in filters.items():
        if wanted is None:
            continue
        if not DAY.fullmatch(wanted[:10]):
            raise ServiceError(400, 20001, f"Invalid {name}{how}: {wanted}")
        wanted = wanted[:10]
        if (how == "" and day != wanted) or (how == "<" and day > wanted):
            return False
        if how == ">" and day < wanted:
            return False
    return True


def _content_type(url: str) -> str:
    kinds = {
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
        "png": "image/png",
        "gif": "image/gif",
    }
    return kinds.get(url.rpartition(".")[2].lower(), "application/octet-stream")


def _available_numbers() -> list[dict[str, Any]]:
    numbers = []
    for country, kind, area, tail, sms in (
        ("US", "Local", "415", "5550101", True),
        ("US", "Local", "415", "5550102", False),
        ("US", "Local", "510", "5550103", True),
        ("US", "TollFree", "833", "5550104", True),
        ("US", "Mobile", "415", "5550105", True),
        ("GB", "Mobile", "7700", "900123", True),
    ):
        digits = ("+1" if country == "US" else "+44") + area + tail
        numbers.append(
            {
                "address_requirements": "none",
                "area_code": area,
                "beta": False,
                "capabilities": {"fax": False, "mms": sms, "sms": sms, "voice": True},
                "friendly_name": f"({area}) {tail[:3]}-{tail[3:]}",
                "iso_country": country,
                "kind": kind,
                "lata": "722",
                "latitude": 37.77,
                "locality": "San Francisco",
                "longitude": -122.42,
                "phone_number": digits,
                "postal_code": "94103",
                "rate_center": "SNFC",
                "region": "CA",
            }
        )
    return numbers


def _usage_records(account_sid: str) -> list[dict[str, Any]]:
    records = []
    for category, usage, price in (("sms", "42", 0.33), ("calls", "17", 0.25)):
        records.append(
            {
                "account_sid": account_sid,
                "api_version": "2010-04-01",
                "as_of": "2023-09-01T12:00:00+00:00",
                "category": category,
                "count": usage,
                "count_unit": "messages" if category == "sms" else "calls",
                "description": f"{category} usage",
                "end_date": "2023-08-31",
                "price": price,
                "price_unit": "usd",
                "start_date": "2023-08-01",
                "subresource_uris": {},
                "uri": f"{ROOT}{account_sid}/Usage/Records.json?Category={category}",
                "usage": usage,
                "usage_unit": "segments" if category == "sms" else "minutes",
            }
        )
    return records
