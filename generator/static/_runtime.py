"""Runtime support shared by the client, the models and the errors.

The UNSET sentinel, the error hierarchy, JSON (de)serialisation helpers and the HTTP transport.
Standard library and httpx only, so that the package works wherever it is copied. This module
is copied into every generated package as it is: nothing in it comes from a spec. What differs
per package (the user agent, the error class of each status) reaches it as arguments.
"""

from __future__ import annotations

import base64
import codecs
import contextlib
import contextvars
import copy
import dataclasses
import datetime
import email.utils
import enum
import functools
import http
import json
import logging
import math
import os
import random
import re
import ssl
import sys
import time
import uuid
from collections.abc import (
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from typing import Any, BinaryIO, ClassVar, Generic, Literal, TypeVar
from urllib.parse import quote, urlencode
from xml.etree import ElementTree
from xml.parsers import expat
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import httpcore
import httpx

JSON = "application/json"  # the Accept header of an operation that produces JSON
XML_MEDIA_TYPES = ("application/xml", "text/xml")
logger = logging.getLogger(__name__.rpartition(".")[0] or __name__)
T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


class Unset(enum.Enum):
    """The type of UNSET: a value that was not given, as opposed to None (JSON null)."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET = Unset.UNSET


BRIEF_LENGTH = 200  # characters of an error body that str(error) shows


class ConnectorError(Exception):
    """Base of every error this package raises."""


class DecodeError(ConnectorError, ValueError):
    """JSON data that cannot be read as the model the spec puts there."""


class TransportError(ConnectorError):
    """The request did not complete: refused connection, timeout, broken connection."""

    def __init__(self, message: str, *, attempts: int) -> None:
        plural = "s" if attempts != 1 else ""
        super().__init__(f"{message} (after {attempts} attempt{plural})")
        self.attempts = attempts


class UnexpectedResponseError(ConnectorError):
    """A success status whose body is not what the spec promised."""

    def __init__(self, status_code: int, text: str, reason: str) -> None:
        super().__init__(f"unexpected response body (status {status_code}): {reason}")
        self.status_code = status_code
        self.text = text
        self.reason = reason


class EmptySuccessError(UnexpectedResponseError):
    """A success status (the server did what was asked) whose body is empty or JSON null where
    the spec documents a value it does not let be null. `response` is the raw response (its
    status, headers and text)."""

    def __init__(self, response: _Response[Any], where: str = "") -> None:
        super().__init__(
            response.status_code,
            response.text,
            where + "the call succeeded, but its body is empty (or null) where the spec"
            " documents a value that cannot be null",
        )
        self.response = response


class ApiError(ConnectorError):
    """An error status. `description` is the spec's text for it, else the HTTP reason phrase.
    `body` is the body parsed with the schema the operation documents for the status (a model),
    None when it documents none or the body does not fit it; `text` and `json` are the body
    as received.

    The generated `errors` module subclasses it once per documented status.
    """

    def __init__(
        self,
        status_code: int,
        description: str,
        *,
        text: str,
        json: Any,
        headers: httpx.Headers,
        secrets: Iterable[str] = (),
        body: Any = None,
    ) -> None:
        summary = brief(text, secrets)
        super().__init__(
            f"{status_code} {description}" + (f": {summary}" if summary else "")
        )
        self.status_code = status_code
        self.description = description
        self.text = text
        self.json = json
        self.headers = headers
        self.body = body


def brief(text: str, secrets: Iterable[str] = (), length: int = BRIEF_LENGTH) -> str:
    """About `length` characters of a body on one line for a message: every secret replaced by
    `***` (servers echo rejected keys), whitespace runs as one space, control characters
    escaped."""
    for secret in sorted(
        {secret for secret in secrets if secret}, key=len, reverse=True
    ):
        text = text.replace(secret, "***")
    text = " ".join(text.split())
    cut = text[:length] + ("..." if len(text) > length else "")
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in cut)


def _reason_phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP status {status}"


def error_for_status(
    response: httpx.Response,
    descriptions: Mapping[str, str],
    content: bytes,
    limit: int,
    *,
    error_classes: Mapping[int, type[ApiError]],
    secrets: Iterable[str] = (),
    decoders: Mapping[str, Callable[[Any], Any]] | None = None,
) -> ApiError:
    """The error for a response, described by the operation's documented responses, of the
    class `error_classes` gives its status (else ApiError), its body parsed by the decoder of
    the response documented for the status (else of `default`) when there is one.

    Of a body longer than `limit` bytes, `text` keeps `limit` bytes, marked, and `json` is None.
    The message shows the body's start with the `secrets` hidden.
    """
    status = response.status_code
    documented = str(status) if str(status) in descriptions else "default"
    description = (
        descriptions.get(str(status))
        or descriptions.get("default")
        or _reason_phrase(status)
    )
    text = body_text(response, content[:limit])
    body = None
    decoder = (decoders or {}).get(documented)
    model = None
    if len(content) > limit:
        text += f"\n[truncated: the body was longer than {limit} bytes]"
    elif content and is_xml_type(response.headers.get("Content-Type")):
        reader = xml_reader(decoder) if decoder else None
        if reader is not None:
            model = _decoded(reader, content)
        decoder = None  # the XML read, or kept as text: never parsed as JSON
    elif content:
        try:
            body = json.loads(content)
        except (ValueError, RecursionError):
            body = None
    error_class = error_classes.get(status, ApiError)
    return error_class(
        status,
        description,
        text=text,
        json=body,
        headers=response.headers,
        secrets=secrets,
        body=model if decoder is None or body is None else _decoded(decoder, body),
    )


def _decoded(decoder: Callable[[Any], T], data: Any) -> T | None:
    """An error body as its schema reads it, or None when it does not fit the schema."""
    try:
        return decoder(data)
    except DecodeError:
        return None


class ApiEnum(str, enum.Enum):
    """The base of the spec's string enums: a member is its wire value as a string, and
    `str()`, `format()` and f-strings give that value (`queued`), not the member's name.
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


class ApiModel:
    """Base of the generated models: JSON objects in, JSON objects out."""

    additional_properties: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        raise NotImplementedError

    @classmethod
    def from_dict(cls, data: object) -> ApiModel:
        raise NotImplementedError


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else type(value).__name__


def expect_object(data: object, model: str) -> dict[str, Any]:
    """A copy of a JSON object's members, or DecodeError when the data is not an object."""
    if not isinstance(data, dict):
        raise DecodeError(f"expected a JSON object for {model}, got {_json_type(data)}")
    return dict(data)


def decode(value: Any, decoder: Callable[[Any], Any]) -> Any:
    """Decode a field's value, keeping UNSET (absent) and None (null) as they are."""
    if value is UNSET or value is None:
        return value
    return decoder(value)


def list_of(decoder: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    def decode_list(data: Any) -> list[T]:
        if not isinstance(data, list):
            raise DecodeError(f"expected a JSON array, got {_json_type(data)}")
        return [decode(item, decoder) for item in data]

    return decode_list


def dict_of(decoder: Callable[[Any], T]) -> Callable[[Any], dict[str, T]]:
    def decode_dict(data: Any) -> dict[str, T]:
        if not isinstance(data, dict):
            raise DecodeError(f"expected a JSON object, got {_json_type(data)}")
        return {key: decode(item, decoder) for key, item in data.items()}

    return decode_dict


def known_value(enum_class: type[E]) -> Callable[[Any], E | Any]:
    """A decoder turning a listed value into its Enum member and keeping any other value as it
    is, so that a value the spec does not list still parses and round-trips."""

    def decode_value(data: Any) -> E | Any:
        try:
            return enum_class(data)
        except ValueError:
            return data

    return decode_value


def parse_json(data: Any) -> Any:
    """The decoder of untyped bodies, kept as parsed JSON (JSON null included)."""
    return data


def json_value(data: Any) -> Any:
    """The decoder of a typed result kept as parsed JSON (a string, a list of numbers): the
    data as it is, where JSON null is no such value (`RawResponse.parse`)."""
    return data


def no_content(data: Any) -> None:
    """The decoder for responses the spec gives no body schema: there is nothing to read."""


def binary(data: Any) -> bytes:
    """The decoder for file responses: `RawResponse.parse` hands it the raw body."""
    return bytes(data)


class Nullable(Generic[T]):
    """The decoder of a result the spec lets be null (`x-nullable`): None for JSON null, and
    for an empty body (`RawResponse.parse`); anything else by the decoder it wraps."""

    def __init__(self, decoder: Callable[[Any], T]) -> None:
        self.decoder = decoder

    def __call__(self, data: Any) -> T | None:
        return None if data is None else self.decoder(data)


def encode(value: Any) -> Any:
    """JSON data for a value: models become objects, containers are walked, the rest is kept."""
    if isinstance(value, ApiModel):
        return value.to_dict()
    if isinstance(value, list):
        return [encode(item) for item in value]
    if isinstance(value, dict):
        return {key: encode(item) for key, item in value.items()}
    if isinstance(value, enum.Enum):
        return value.value
    return value


# Set while a request body is written: read-only properties are left out of it.
_IN_REQUEST: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "in_request", default=False
)


def serialize(
    fields: Mapping[str, Any], extra: Mapping[str, Any], read_only: Iterable[str] = ()
) -> dict[str, Any]:
    """A model's JSON object: the fields that are set (UNSET ones left out), then unknown
    keys; in a request body, without the `read_only` ones (Swagger 2.0: a read-only property
    MUST NOT be sent in a request)."""
    left_out = frozenset(read_only) if _IN_REQUEST.get() else frozenset()
    data = {
        key: encode(value)
        for key, value in fields.items()
        if value is not UNSET and key not in left_out
    }
    for key, value in extra.items():
        data.setdefault(key, encode(value))
    return data


def wire_text(value: Any) -> str:
    """A parameter value as written in a URL, header or form: booleans as JSON spells them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return wire_text(value.value)
    return str(value)


SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}


def require_given(**arguments: Any) -> None:
    """Refuse, before anything is sent, a required argument given None (or UNSET)."""
    for name, value in arguments.items():
        if value is None or value is UNSET:
            raise ValueError(f"{name} is required: None is not one of its values")


def given_pairs(items: Iterable[tuple[Any, ...]]) -> Iterator[tuple[str, str]]:
    """(name, text) for each parameter that was given; arrays are joined by their collection
    format, or repeated for `multi`. An array's None item is an empty item where the spec
    lets its items be null (the tuple's fourth element), else a ValueError: never `None`.
    """
    for name, value, *options in items:
        if value is None or value is UNSET:
            continue
        if isinstance(value, (list, tuple)):
            style = options[0] if options else "csv"
            nullable = len(options) > 1 and bool(options[1])
            texts = [_item_text(name, item, nullable) for item in value]
            if style == "multi":
                yield from ((name, text) for text in texts)
                continue
            value = SEPARATORS.get(style, ",").join(texts)
        yield name, wire_text(value)


def _item_text(name: str, item: Any, nullable: bool) -> str:
    if item is not None:
        return wire_text(item)
    if nullable:
        return ""
    raise ValueError(f"{name} holds None, which its items cannot be (not x-nullable)")


class Verbatim(str):
    """A path value inserted as it is, not percent-encoded: the spec marks its parameter
    `x-ms-skip-url-encoding` (the caller gives it encoded as the server wants it)."""


def expand_path(template: str, values: Mapping[str, Any]) -> str:
    """Fill `{name}` placeholders with percent-encoded values (a Verbatim one as it is).

    Every character outside the unreserved set is encoded, `/` included, and a segment that ends
    up `.` or `..` is encoded too, so that no value can change which path is requested.
    """
    path = template
    verbatim = {name for name, value in values.items() if isinstance(value, Verbatim)}
    for name, text in given_pairs(values.items()):
        inserted = text if name in verbatim else quote(text, safe="")
        path = path.replace("{" + name + "}", inserted)
    segments = path.split("/")
    return "/".join("%2E" * len(s) if s in (".", "..") else s for s in segments)


def encoded_once(value: Any) -> str:
    """A path value percent-encoded once, for `x-ms-url-encoding: double`: expand_path
    encodes it a second time."""
    return "".join(quote(text, safe="") for _, text in given_pairs([("", value)]))


def encode_query(pairs: Iterable[tuple[Any, ...]]) -> str:
    """The query string for the parameters that were given, every reserved character encoded."""
    return "&".join(
        f"{quote(name, safe='')}={quote(text, safe='')}"
        for name, text in given_pairs(pairs)
    )


def encode_form(
    fields: Iterable[tuple[Any, ...]],
    files: Iterable[tuple[Any, ...]],
    *,
    multipart: bool,
) -> tuple[bytes, str]:
    """A form body and its Content-Type: urlencoded, or multipart/form-data when asked or when
    there are files."""
    fields, binary = _split_binary(fields)
    pairs = list(given_pairs(fields))
    uploads = [
        (name, value) for name, value, *_ in [*files, *binary] if value is not None
    ]
    if not multipart and not uploads:
        return urlencode(pairs).encode("ascii"), "application/x-www-form-urlencoded"
    boundary = uuid.uuid4().hex
    parts = []
    for name, text in pairs:
        head = f'Content-Disposition: form-data; name="{_quoted(name)}"'
        parts.append(
            f"--{boundary}\r\n{head}\r\n\r\n".encode() + text.encode() + b"\r\n"
        )
    for name, upload in uploads:
        filename = os.path.basename(str(getattr(upload, "name", ""))) or name
        head = (
            f'Content-Disposition: form-data; name="{_quoted(name)}"; filename="{_quoted(filename)}"'
            "\r\nContent-Type: application/octet-stream"
        )
        parts.append(
            f"--{boundary}\r\n{head}\r\n\r\n".encode() + _read(upload) + b"\r\n"
        )
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def _split_binary(
    fields: Iterable[tuple[Any, ...]],
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """(text fields, binary ones): bytes or a file object goes out as a file part, whatever
    the spec called the field, never as its repr()."""
    text: list[tuple[Any, ...]] = []
    binary: list[tuple[Any, ...]] = []
    for field in fields:
        value = field[1]
        is_binary = isinstance(value, (bytes, bytearray)) or callable(
            getattr(value, "read", None)
        )
        (binary if is_binary else text).append(field)
    return text, binary


def _quoted(text: str) -> str:
    return (
        text.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r", " ")
        .replace("\n", " ")
    )


def _read(upload: bytes | BinaryIO) -> bytes:
    return bytes(upload) if isinstance(upload, (bytes, bytearray)) else upload.read()


HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
# What httpx sends: visible ASCII, space, tab.
HEADER_VALUE = re.compile(r"[\t\x20-\x7e]*")


def check_header(name: str, value: str) -> str:
    """The value as HTTP sends it, without the spaces around it (not part of a field value);
    refused, before anything is sent, if HTTP cannot carry it or it would split."""
    value = value.strip(" \t")
    if not HEADER_NAME.fullmatch(name):
        raise ValueError(
            f"{name!r} is not a valid HTTP header name; the request was not sent"
        )
    if "\r" in value or "\n" in value:
        raise ValueError(f"header {name!r} must not contain a line break")
    if not HEADER_VALUE.fullmatch(value):
        raise ValueError(
            f"header {name!r} holds a control or non-ASCII character; the request was not sent"
        )
    return value


class Credential:
    """One way to authenticate a request; its repr never shows the secret."""

    def apply(
        self, headers: httpx.Headers, query: list[tuple[str, Any]]
    ) -> httpx.Auth | None:
        raise NotImplementedError

    def secrets(self) -> list[str]:
        """Every form of the secret a request may carry, so that error messages can hide it."""
        return []

    def __repr__(self) -> str:
        return f"{type(self).__name__}(<hidden>)"


class BasicCredentials(Credential):
    """HTTP basic authentication: (user name, password), or any httpx.Auth."""

    def __init__(self, value: tuple[str, str] | httpx.Auth) -> None:
        self._auth = httpx.BasicAuth(*value) if isinstance(value, tuple) else value
        self._secrets: list[str] = []
        if isinstance(value, tuple):
            pair = f"{value[0]}:{value[1]}"
            encoded = base64.b64encode(pair.encode()).decode("ascii")
            self._secrets = [*value, pair, encoded]

    def secrets(self) -> list[str]:
        return self._secrets

    def apply(
        self, headers: httpx.Headers, query: list[tuple[str, Any]]
    ) -> httpx.Auth | None:
        # an Authorization header the call gave as a parameter wins, as for every credential
        return None if "Authorization" in headers else self._auth


class ApiKey(Credential):
    """An API key sent in a header or in the query string."""

    def __init__(self, location: str, name: str, key: str) -> None:
        self._location = location
        self._name = name
        self._key = key

    def secrets(self) -> list[str]:
        return [self._key]

    @property
    def query_name(self) -> str | None:
        return self._name if self._location == "query" else None

    @property
    def header_name(self) -> str | None:
        return self._name if self._location != "query" else None

    def apply(self, headers: httpx.Headers, query: list[tuple[str, Any]]) -> None:
        """Send the key, unless the call gave a parameter of the same name itself."""
        if self._location == "query":
            if all(name != self._name for name, _ in given_pairs(query)):
                query.append((self._name, self._key))
        elif self._name not in headers:
            headers[self._name] = check_header(self._name, self._key)


class BearerToken(Credential):
    """An OAuth 2.0 access token, or a callable returning a fresh one for each request."""

    def __init__(self, token: str | Callable[[], str]) -> None:
        self._token = token
        self._issued = "" if callable(token) else token  # the token last sent

    def secrets(self) -> list[str]:
        return [self._issued]

    def apply(self, headers: httpx.Headers, query: list[tuple[str, Any]]) -> None:
        if "Authorization" in headers:  # given by the call as a parameter: it wins
            return
        token = self._token() if callable(self._token) else self._token
        self._issued = token
        headers["Authorization"] = check_header("Authorization", f"Bearer {token}")


class _Response(Generic[T]):
    """What a successful response of either client holds: its status, headers and body, and
    `parse()` for the documented body. The I/O of a streamed body lives in the subclasses.
    """

    def __init__(
        self,
        response: httpx.Response,
        content: bytes | None,
        decoder: Callable[[Any], T],
    ) -> None:
        # the body, read within max_response_size; None while a streamed one is unread
        self.http_response = response
        self._content = content
        self._decoder = decoder
        # the pages fetched to get here (normalised URLs); empty for a first page
        self.trail: frozenset[str] = frozenset()

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def content(self) -> bytes:
        raise NotImplementedError

    @property
    def text(self) -> str:
        return body_text(self.http_response, self.content)

    def parse(self) -> T:
        """The body decoded with the schema the spec documents for this status."""
        if self._decoder is no_content:
            return self._decoder(None)
        if self._decoder is binary:
            return self._decoder(self.content)
        # a page reached through a next-page link says so
        where = "the page the next-page link named: " if self.trail else ""
        empty = not self.content.strip()
        if is_xml_type(self.headers.get("Content-Type")) and not empty:
            return self._parse_xml(where)
        try:
            data = None if empty else parse_json_body(self.content)
        except ValueError as error:
            raise self.unexpected(where + str(error)) from None
        # parsed JSON, kept as it is, may be null; a nullable result is None
        null_allowed = (
            isinstance(self._decoder, Nullable) or self._decoder is parse_json
        )
        if data is None and not null_allowed:
            raise EmptySuccessError(self, where)
        try:
            return self._decoder(data)
        except DecodeError as error:
            raise self.unexpected(where + str(error)) from None

    def _parse_xml(self, where: str) -> T:
        reader = xml_reader(self._decoder)
        if reader is None:
            raise self.unexpected(
                where + "the body is XML, and the documented schema has no XML form"
            )
        try:
            return reader(self.content)
        except DecodeError as error:
            raise self.unexpected(where + str(error)) from None

    def unexpected(self, reason: str) -> UnexpectedResponseError:
        # a streamed body is never read to report an error
        text = "" if self._content is None else self.text
        return UnexpectedResponseError(self.status_code, text, reason)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} [{self.status_code}]>"


class RawResponse(_Response[T]):
    """A successful response: its status and headers, and `parse()` for the documented body."""

    def __init__(
        self,
        response: httpx.Response,
        content: bytes | None,
        decoder: Callable[[Any], T],
        reader: Callable[[], bytes] | None = None,
    ) -> None:
        super().__init__(response, content, decoder)
        self._reader = reader

    @property
    def content(self) -> bytes:
        """The whole body (read now if it was streamed, within max_response_size)."""
        if self._content is None:
            self._content = self._reader() if self._reader else b""
        return self._content

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body, decompressed, chunk by chunk, then the connection is released. Streamed
        (`with_options(stream=True)`), nothing is buffered and no size bound applies."""
        if self._content is not None:
            yield self._content
            return
        failure: ConnectorError | None = None
        try:
            yield from self.http_response.iter_bytes(chunk_size)
        except (httpx.HTTPError, _Refusal) as error:
            failure = _reading_failure(error, self.status_code)
        finally:
            self.http_response.close()
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Release the connection of a streamed body that is not read to its end."""
        self.http_response.close()

    def __enter__(self) -> RawResponse[T]:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class AsyncRawResponse(_Response[T]):
    """A successful response of the async client: its status and headers, and `parse()` for the
    documented body. A streamed body (`with_options(stream=True)`) is read with
    `await aread()` (or `aparse()`, or `aiter_bytes()`) before `content` and `parse()`.
    """

    def __init__(
        self,
        response: httpx.Response,
        content: bytes | None,
        decoder: Callable[[Any], T],
        reader: Callable[[], Awaitable[bytes]] | None = None,
    ) -> None:
        super().__init__(response, content, decoder)
        self._reader = reader

    @property
    def content(self) -> bytes:
        """The whole body; a streamed one must be read first (`await aread()`)."""
        if self._content is None:
            raise RuntimeError(
                "the body was streamed and is not read yet: await aread() first"
            )
        return self._content

    async def aread(self) -> bytes:
        """The whole body, read now if it was streamed (within max_response_size)."""
        if self._content is None:
            self._content = await self._reader() if self._reader else b""
        return self._content

    async def aparse(self) -> T:
        """`parse()`, reading a streamed body first."""
        await self.aread()
        return self.parse()

    async def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body, decompressed, chunk by chunk, then the connection is released. Streamed
        (`with_options(stream=True)`), nothing is buffered and no size bound applies."""
        if self._content is not None:
            yield self._content
            return
        failure: ConnectorError | None = None
        try:
            async for chunk in self.http_response.aiter_bytes(chunk_size):
                yield chunk
        except (httpx.HTTPError, _Refusal) as error:
            failure = _reading_failure(error, self.status_code)
        finally:
            await self.http_response.aclose()
        if failure is not None:
            raise failure

    async def aclose(self) -> None:
        """Release the connection of a streamed body that is not read to its end."""
        await self.http_response.aclose()

    async def __aenter__(self) -> AsyncRawResponse[T]:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()


# Retried automatically: idempotent methods only, on these statuses and on connection errors.
IDEMPOTENT_METHODS = frozenset({"DELETE", "GET", "HEAD", "OPTIONS", "PUT"})
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
# Redirects the client follows (see TransportCore.redirect), and how many hops at most.
REDIRECT_STATUSES = frozenset({300, 301, 302, 303, 307, 308})
MAX_REDIRECTS = 10
# Headers that carry credentials: never sent to another origin than the request's.
CREDENTIAL_HEADERS = frozenset({"authorization", "cookie", "proxy-authorization"})
# Headers HTTP itself manages: never given through extra_headers.
FRAMING_HEADERS = frozenset({"host", "content-length", "transfer-encoding"})
# Seconds before the first retry, doubled for each next one, with jitter.
FIRST_BACKOFF = 0.5
MAX_BACKOFF = 8.0
MAX_RETRY_AFTER = 60.0  # a longer Retry-After is waited for this long


# Bounds on what a response may cost.
MAX_RESPONSE_SIZE = 100 * 1024 * 1024  # bytes of a success body, after decompression
ERROR_BODY_LIMIT = 64 * 1024  # bytes of an error body kept; the rest is dropped
MAX_JSON_DEPTH = 200  # nesting of a JSON body; deeper is refused as unexpected
MAX_PAGES = 10_000  # pages one iteration may fetch
ATTEMPT_TIMEOUT = 300.0  # seconds per attempt when `timeout` is an httpx.Timeout
UNDECODABLE = "the body could not be decoded as its Content-Encoding says"


def body_text(response: httpx.Response, content: bytes) -> str:
    """A body's text in the response's charset (UTF-8 by default), undecodable bytes replaced."""
    try:
        return content.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return content.decode("utf-8", errors="replace")


def parse_json_body(content: bytes) -> Any:
    """JSON data from a body; ValueError, in words, when it is not JSON or nests deeper than
    MAX_JSON_DEPTH."""
    try:
        data = json.loads(content)
    except RecursionError:
        raise ValueError(
            f"the body nests deeper than {MAX_JSON_DEPTH} levels"
        ) from None
    except ValueError:
        raise ValueError("the body is not valid JSON") from None
    if json_depth(data) > MAX_JSON_DEPTH:
        raise ValueError(f"the body nests deeper than {MAX_JSON_DEPTH} levels")
    return data


def json_depth(data: Any) -> int:
    """How deeply arrays and objects nest in JSON data (a scalar is 0), without recursion."""
    deepest = 0
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict):
            values: Iterable[Any] = value.values()
        elif isinstance(value, list):
            values = value
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((item, depth + 1) for item in values)
    return deepest


MAX_XML_DEPTH = MAX_JSON_DEPTH  # nesting of an XML body's elements; deeper is refused


class _XmlRefusal(Exception):
    """Raised from inside expat's handlers: stops the parse where the document is refused."""


def parse_xml_body(content: bytes) -> ElementTree.Element:
    """The root element of an XML body; ValueError, in words, when it is not well-formed XML
    (invalid UTF-8 included), nests deeper than MAX_XML_DEPTH, or declares a DOCTYPE.

    Expat is driven with handlers that refuse: a DOCTYPE is refused when it opens, before its
    internal subset is read, so no entity is ever declared, let alone expanded, and nothing
    external is fetched; parameter entities are never parsed. Elements are named
    `{namespace}local` as ElementTree names them.
    """
    builder = ElementTree.TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    depth = 0

    def refuse(*_: object) -> None:
        raise _XmlRefusal("the body declares a DOCTYPE (refused: no DTD, no entities)")

    def refuse_external(*_: str | None) -> int:
        raise _XmlRefusal("the body refers to an external entity (refused)")

    def start(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_XML_DEPTH:
            raise _XmlRefusal(f"the body nests deeper than {MAX_XML_DEPTH} levels")
        named = {_clark(key): value for key, value in attributes.items()}
        builder.start(_clark(name), named)

    def end(name: str) -> None:
        nonlocal depth
        depth -= 1
        builder.end(_clark(name))

    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    parser.UnparsedEntityDeclHandler = refuse
    parser.ExternalEntityRefHandler = refuse_external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = builder.data
    try:
        parser.Parse(content, True)
    except _XmlRefusal as refusal:
        raise ValueError(str(refusal)) from None
    except expat.ExpatError as error:
        where = f"line {error.lineno}, column {error.offset + 1}"
        reason = expat.ErrorString(error.code)
        raise ValueError(
            f"the body is not well-formed XML ({reason}, {where})"
        ) from None
    return builder.close()


def _clark(name: str) -> str:
    """expat's `namespace}local` as ElementTree's `{namespace}local`."""
    return "{" + name if "}" in name else name


# -- XML: a model's element, read and written by the schema's `xml` metadata ------------------

XML_SCALARS = ("str", "int", "float", "bool", "any")
XML_NAME = re.compile(r"[^\W\d][\w.-]*")  # an element name without a prefix


@dataclasses.dataclass(frozen=True)
class XmlNode:
    """How one value is written in XML: an element (or an attribute) and what it holds.

    `kind` is a scalar (XML_SCALARS), "enum" or "model" (of the class `of`), "list" (of
    `item`, one element each, inside an element named `name` when `wrapped`) or "dict" (one
    child element per key, holding `item`).
    """

    name: str
    kind: str = "str"
    of: str = ""  # the enum or model class, in the models module
    namespace: str = ""
    prefix: str = ""
    attribute: bool = False
    wrapped: bool = False
    item: XmlNode | None = None

    @property
    def tag(self) -> str:
        return f"{{{self.namespace}}}{self.name}" if self.namespace else self.name


@dataclasses.dataclass(frozen=True)
class XmlField:
    """A model field (its attribute name) and its XML node."""

    attr: str
    node: XmlNode


@dataclasses.dataclass(frozen=True)
class XmlShape:
    """A model's XML form: its own element, its fields in schema order, and for a polymorphic
    model the attribute naming the subtype and the subtype classes by value."""

    element: XmlNode
    fields: tuple[XmlField, ...]
    discriminator: str = ""  # the attribute name of the discriminator field
    subtypes: tuple[tuple[str, str], ...] = ()


M = TypeVar("M", bound="XmlModel")


class XmlModel(ApiModel):
    """A model with an XML form: `from_xml` and `to_xml`, by its class's XML_SHAPE."""

    XML_SHAPE: ClassVar[XmlShape]

    @classmethod
    def from_xml(  # noqa: PYI019 (typing.Self is Python 3.11; the runtime runs on 3.10)
        cls: type[M], data: bytes | str
    ) -> M:
        """Read the model's XML document. Text that is the canonical form of the schema's
        scalar type is converted (`3`, `true`); any other text is kept as received. Elements
        the schema does not name are kept and written back by `to_xml` (not by `to_dict`).
        DecodeError when the document is not XML, is refused (see parse_xml_body), or is not
        this model's element."""
        content = data.encode("utf-8") if isinstance(data, str) else data
        try:
            root = parse_xml_body(content)
        except ValueError as error:
            raise DecodeError(str(error)) from None
        # a polymorphic model's document may be any subtype's own element
        classes = [cls] + [
            _model_class(cls, name) for _, name in cls.XML_SHAPE.subtypes
        ]
        by_tag = {model.XML_SHAPE.element.tag: model for model in reversed(classes)}
        if root.tag not in by_tag:
            raise DecodeError(
                f"expected the element {cls.XML_SHAPE.element.tag!r}, got {root.tag!r}"
            )
        found: M = _read_model(by_tag[root.tag], root)  # type: ignore[assignment]
        return found

    def to_xml(self) -> bytes:
        """The model's XML document in UTF-8: its element, the fields the schema names in
        schema order (attributes first), then the unknown elements it was read with; text and
        attribute values escaped, namespaces declared with their prefixes."""
        shape = type(self).XML_SHAPE
        parts: list[str] = []
        _write(parts, shape.element, self, declared={})
        return "".join(parts).encode("utf-8")


class XmlList(Generic[M]):
    """A root-level array of models as an XML document: the element `node` names, holding
    an element per item (`node.item`). Called on JSON data, it decodes the array's JSON form,
    so that it is the operation's decoder in either format."""

    def __init__(self, model: type[M], node: XmlNode) -> None:
        assert node.item is not None
        self.model = model
        self.node = node

    def __call__(self, data: Any) -> list[M]:
        items: list[M] = list_of(self.model.from_dict)(data)  # type: ignore[assignment]
        return items

    def from_xml(self, data: bytes | str) -> list[M]:
        """The items of the document, each read as `Model.from_xml` reads its own element;
        DecodeError when it is not XML, is refused, or is not this array's element."""
        content = data.encode("utf-8") if isinstance(data, str) else data
        try:
            root = parse_xml_body(content)
        except ValueError as error:
            raise DecodeError(str(error)) from None
        if root.tag != self.node.tag:
            raise DecodeError(
                f"expected the element {self.node.tag!r}, got {root.tag!r}"
            )
        item = self.node.item
        assert item is not None
        return [_read_model(self.model, child) for child in _children(root, item)]

    def to_xml(self, items: Iterable[Any]) -> bytes:
        """The document of the items (models, or dicts that describe them)."""
        values = [
            (
                value
                if isinstance(value, XmlModel)
                else self.model.from_dict(encode(value))
            )
            for value in items
        ]
        parts: list[str] = []
        _write(parts, self.node, values, declared={})
        return "".join(parts).encode("utf-8")


def _model_class(model: type[XmlModel], name: str) -> type[XmlModel]:
    found: type[XmlModel] = getattr(sys.modules[model.__module__], name)
    return found


def _children(element: ElementTree.Element, node: XmlNode) -> list[ElementTree.Element]:
    return [child for child in element if child.tag == node.tag]


def _read_model(cls: type[M], element: ElementTree.Element) -> M:
    shape = cls.XML_SHAPE
    values: dict[str, Any] = {field_.attr: UNSET for field_ in shape.fields}
    used: set[int] = set()
    for field_ in shape.fields:
        node = field_.node
        if node.attribute:
            key = node.tag
            if key in element.attrib:
                values[field_.attr] = _scalar(element.attrib[key], node.kind)
            continue
        if node.kind == "list":
            assert node.item is not None
            holders = _children(element, node) if node.wrapped else [element]
            if node.wrapped and not holders:
                continue
            items = _children(holders[0], node.item)
            if not node.wrapped and not items:
                continue
            used.update(id(e) for e in holders[:1] if node.wrapped)
            used.update(id(e) for e in items)
            values[field_.attr] = [_read_value(cls, e, node.item) for e in items]
            continue
        found = _children(element, node)
        if found:
            used.add(id(found[0]))
            values[field_.attr] = _read_value(cls, found[0], node)
    if shape.discriminator and isinstance(values[shape.discriminator], str):
        subtype = dict(shape.subtypes).get(values[shape.discriminator])
        if subtype is not None and subtype != cls.__name__:
            sub: M = _read_model(_model_class(cls, subtype), element)  # type: ignore[assignment]
            return sub
    construct: Callable[..., M] = cls  # a generated dataclass: keyword arguments
    instance = construct(**values, additional_properties={})
    instance._xml_unknown = [e for e in element if id(e) not in used]  # type: ignore[attr-defined]
    return instance


def _read_value(
    model: type[XmlModel], element: ElementTree.Element, node: XmlNode
) -> Any:
    if node.kind == "model":
        return _read_model(_model_class(model, node.of), element)
    if node.kind == "dict":
        assert node.item is not None
        return {
            child.tag: _read_value(model, child, node.item)
            for child in element
            if "}" not in child.tag
        }
    if node.kind == "enum":
        return known_value(getattr(sys.modules[model.__module__], node.of))(
            element.text or ""
        )
    return _scalar(element.text or "", node.kind)


def _scalar(text: str, kind: str) -> Any:
    """The tolerant reader's rule: text that is the canonical form of the type is converted,
    so that writing it back gives the same text; any other text is kept as received."""
    value: Any = text
    if kind == "bool" and text in ("true", "false"):
        value = text == "true"
    elif kind == "int":
        try:
            value = int(text)
        except ValueError:
            return text
    elif kind == "float":
        try:
            value = float(text)
        except ValueError:
            return text
    return value if _text(value) == text else text


def _text(value: Any) -> str:
    """A scalar as XML text: booleans as `true`/`false`, numbers as Python writes them."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


def _write(
    parts: list[str], node: XmlNode, value: Any, declared: dict[str, str]
) -> None:
    """Append the element `node` names for `value`: a model's attributes and members, a
    map's entries, a wrapped list's items, or a scalar's escaped text."""
    declared = dict(declared)
    name = _prefixed(node)
    attributes: list[tuple[str, str]] = []
    if node.namespace and declared.get(node.prefix) != node.namespace:
        declared[node.prefix] = node.namespace
        key = f"xmlns:{node.prefix}" if node.prefix else "xmlns"
        attributes.append((key, node.namespace))
    members: list[tuple[XmlNode, Any]] = []
    unknown: list[ElementTree.Element] = []
    _check_kind(node, value)
    if isinstance(value, XmlModel):
        for field_ in type(value).XML_SHAPE.fields:
            item = getattr(value, field_.attr)
            if item is UNSET or item is None:
                continue
            if field_.node.attribute:
                attributes.append((_prefixed(field_.node), _xml_text(_text(item))))
            else:
                members.append((field_.node, item))
        unknown = getattr(value, "_xml_unknown", [])
    elif isinstance(value, dict):
        assert node.item is not None
        bad = next((key for key in value if not XML_NAME.fullmatch(str(key))), None)
        if bad is not None:
            raise ValueError(f"the key {bad!r} of {node.name!r} is not an XML name")
        members = [
            (dataclasses.replace(node.item, name=k), v) for k, v in value.items()
        ]
    elif isinstance(value, list):
        assert node.item is not None
        members = [(node.item, item) for item in value]
    parts.append("<" + name)
    parts += [f" {key}={quoteattr(text)}" for key, text in attributes]
    if isinstance(value, (XmlModel, dict, list)):
        if not members and not unknown:
            parts.append("/>")
            return
        parts.append(">")
        for member, item in members:
            _write_member(parts, member, item, declared)
        parts += [ElementTree.tostring(e, encoding="unicode") for e in unknown]
    else:
        parts.append(">" + xml_escape(_xml_text(_text(value))))
    parts.append(f"</{name}>")


def _check_kind(node: XmlNode, value: Any) -> None:
    """A value kept as received that is not what the schema says (an object where it says
    an array) has no XML form: TypeError."""
    if node.kind in XML_SCALARS and isinstance(value, XmlModel):
        return  # the document's own element
    expected: type | tuple[type, ...] = {
        "list": list,
        "dict": dict,
        "model": XmlModel,
    }.get(node.kind, (str, int, float, bool, enum.Enum))
    if not isinstance(value, expected):
        raise TypeError(
            f"{node.name!r} holds a {type(value).__name__}, which its schema gives no XML"
            " form"
        )


def _write_member(
    parts: list[str], node: XmlNode, value: Any, declared: dict[str, str]
) -> None:
    """A member's elements: an unwrapped list's items side by side, else one element."""
    _check_kind(node, value)
    if node.kind == "list" and not node.wrapped:
        assert node.item is not None
        for item in value:
            _write(parts, node.item, item, declared)
    else:
        _write(parts, node, value, declared)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_text(text: str) -> str:
    """Text XML 1.0 can carry, else ValueError: it has no form for most control characters."""
    found = _NOT_XML.search(text)
    if found:
        raise ValueError(f"{found.group()!r} cannot be written in XML")
    return text


def _prefixed(node: XmlNode) -> str:
    return f"{node.prefix}:{node.name}" if node.prefix else node.name


def is_xml_type(media_type: str | None) -> bool:
    """`application/xml`, `text/xml` or any `*/*+xml` (parameters ignored): not every type
    naming xml (an office document's `...openxmlformats...` is binary)."""
    base = (media_type or "").split(";")[0].strip().lower()
    return base in XML_MEDIA_TYPES or base.endswith("+xml")


@dataclasses.dataclass(frozen=True)
class Formats:
    """The JSON and XML media types an operation consumes and produces, in spec order, for an
    operation that offers XML: the client's `data_format` picks among them per direction.
    """

    consumes: tuple[str, ...] = ()
    produces: tuple[str, ...] = ()

    @staticmethod
    def chosen(offered: tuple[str, ...], preferred: str) -> str | None:
        """XML when it is all that is offered or what is preferred and offered, else the
        first other type; None when nothing is offered."""
        xml = [t for t in offered if is_xml_type(t)]
        other = [t for t in offered if not is_xml_type(t)]
        if xml and (not other or preferred == "xml"):
            return xml[0]
        return other[0] if other else None


def xml_reader(decoder: Callable[[Any], T]) -> Callable[[bytes], T] | None:
    """The XML twin of a JSON decoder: a model class's `from_xml` for its `from_dict`, when
    the model has an XML form, an XmlList's own (a Nullable's inner one's); None for any
    other decoder (a scalar)."""
    if isinstance(decoder, Nullable):
        decoder = decoder.decoder
    if isinstance(decoder, XmlList):
        read: Callable[[bytes], T] = decoder.from_xml  # type: ignore[assignment]
        return read
    owner = getattr(decoder, "__self__", None)
    if isinstance(owner, type) and issubclass(owner, XmlModel):
        reader: Callable[[bytes], T] = owner.from_xml  # type: ignore[assignment]
        return reader
    return None


def page_key(url: httpx.URL, ignored: frozenset[str] = frozenset()) -> str:
    """A page's identity: its URL without fragment, with its query pairs sorted and empty
    parts (stray `&`) and the `ignored` names (query credentials) left out."""
    pairs = sorted(
        (name, value) for name, value in url.params.multi_items() if name not in ignored
    )
    return str(
        url.copy_with(query=urlencode(pairs).encode("ascii") or None, fragment=None)
    )


# The deadline of the attempt under way, read by every socket operation of the transport the
# client creates (see AttemptDeadline).
_DEADLINE: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "deadline", default=None
)


def _within_deadline(timeout: float | None) -> float | None:
    deadline = _DEADLINE.get()
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the attempt's deadline passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket whose every read, write and handshake ends by the attempt's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._stream.start_tls(
            ssl_context, server_hostname, _within_deadline(timeout)
        )
        return _DeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's own socket backend, with the attempt's deadline applied to each operation."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_tcp(
            host, port, _within_deadline(timeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._backend.connect_unix_socket(
            path, _within_deadline(timeout), socket_options
        )
        return _DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


class _AsyncDeadlineStream(httpcore.AsyncNetworkStream):
    """An async socket whose every read, write and handshake ends by the attempt's deadline."""

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, _within_deadline(timeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, _within_deadline(timeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._stream.start_tls(
            ssl_context, server_hostname, _within_deadline(timeout)
        )
        return _AsyncDeadlineStream(stream)

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _AsyncDeadlineBackend(httpcore.AsyncNetworkBackend):
    """httpcore's anyio socket backend (asyncio or trio), with the attempt's deadline applied
    to each operation."""

    def __init__(self) -> None:
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_tcp(
            host, port, _within_deadline(timeout), local_address, socket_options
        )
        return _AsyncDeadlineStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._backend.connect_unix_socket(
            path, _within_deadline(timeout), socket_options
        )
        return _AsyncDeadlineStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """httpx's verifying TLS context, made once per process and shared by the clients' pools.

    Loading the CA bundle takes tens of milliseconds, which every client would pay again.
    """
    return httpx.create_ssl_context()


def deadline_transport() -> httpx.HTTPTransport:
    """httpx's transport for the client's own connection pool, its sockets bound by the attempt
    deadline. (httpx offers no hook for the socket backend: the pool is replaced.)"""
    transport = httpx.HTTPTransport(verify=_ssl_context())
    transport._pool = httpcore.ConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_DeadlineBackend(),
    )
    return transport


def async_deadline_transport() -> httpx.AsyncHTTPTransport:
    """deadline_transport for the async client."""
    transport = httpx.AsyncHTTPTransport(verify=_ssl_context())
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=_ssl_context(),
        max_connections=100,
        max_keepalive_connections=20,
        keepalive_expiry=5.0,
        network_backend=_AsyncDeadlineBackend(),
    )
    return transport


class _Refusal(Exception):
    """A response refused while it was read (too large, undecodable), raised as an
    UnexpectedResponseError once the httpx machinery is left."""

    def __init__(self, status_code: int, reason: str) -> None:
        super().__init__(reason)
        self.status_code = status_code
        self.reason = reason


def _body_as(value: Any, media_type: str) -> bytes:
    """A body under the media type the request carries (chosen per call where the operation
    consumes several, or given as the spec's own Content-Type header): bytes or a binary file
    as they are, a string as text under a text/* type, anything else as JSON."""
    if isinstance(value, (bytes, bytearray)) or hasattr(value, "read"):
        return _read(value)
    if media_type.strip().lower().startswith("text/") and isinstance(value, str):
        return value.encode(_charset(media_type) or "utf-8")
    token = _IN_REQUEST.set(True)
    try:
        return json.dumps(encode(value), ensure_ascii=False).encode("utf-8")
    finally:
        _IN_REQUEST.reset(token)


def _charset(media_type: str | None) -> str | None:
    """The charset a media type names (`text/plain; charset=UTF-8`), when Python knows it."""
    for parameter in (media_type or "").split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                codecs.lookup(charset)
            except LookupError:
                return None
            return charset
    return None


def _xml_document(value: Any, model: type[XmlModel] | XmlList[Any]) -> bytes:
    """A body parameter's XML: the model's own, or that of the model a plain dict describes;
    a root-level array's, by its XmlList."""
    if isinstance(model, XmlList):
        return model.to_xml(value)
    if not isinstance(value, XmlModel):
        value = model.from_dict(encode(value))
    assert isinstance(value, XmlModel)
    return value.to_xml()


def _reading_failure(error: Exception, status_code: int) -> ConnectorError:
    """The error to raise, once out of the `except` block (so that nothing chains to the
    httpx error, whose chain holds the URL), for a failure while a body was read."""
    if isinstance(error, _Refusal):
        return UnexpectedResponseError(error.status_code, "", error.reason)
    if isinstance(error, httpx.DecodingError):
        return UnexpectedResponseError(status_code, "", UNDECODABLE)
    return TransportError(
        f"reading the body failed: {type(error).__name__}", attempts=1
    )


class _Body:
    """A body as its chunks arrive: a success's up to max_response_size (more is refused), an
    error's up to ERROR_BODY_LIMIT (more is dropped), all by the attempt's deadline."""

    def __init__(
        self, response: httpx.Response, max_size: int | None, deadline: float
    ) -> None:
        self._status = response.status_code
        self._success = response.is_success
        self._limit = max_size if self._success else ERROR_BODY_LIMIT + 1
        self._deadline = deadline
        self._chunks: list[bytes] = []
        self._size = 0
        declared = response.headers.get("Content-Length", "")
        if (
            self._success
            and self._limit is not None
            and declared.isdigit()
            and int(declared) > self._limit
        ):
            raise _Refusal(
                self._status,
                f"the body's {declared} bytes exceed max_response_size={self._limit}",
            )

    def take(self, chunk: bytes) -> bool:
        """Keep a chunk; False once no more is wanted (an error body at its limit)."""
        self._size += len(chunk)
        self._chunks.append(chunk)
        if time.monotonic() > self._deadline:
            raise httpx.ReadTimeout("the attempt's deadline passed")
        if self._limit is not None and self._size > self._limit:
            if self._success:
                raise _Refusal(
                    self._status,
                    f"the body exceeds max_response_size={self._limit} bytes",
                )
            return False
        return True

    def content(self) -> bytes:
        return b"".join(self._chunks)


R = TypeVar("R", bound=_Response[Any])
HTTPClient = TypeVar("HTTPClient")
Core = TypeVar("Core", bound="TransportCore[Any]")


@dataclasses.dataclass(frozen=True)
class Outgoing:
    """A request built and authenticated, ready for either client's I/O."""

    method: str
    url: str
    headers: httpx.Headers
    body: bytes | None
    auth: httpx.Auth | None

    @property
    def send_auth(self) -> httpx.Auth | Any:
        """What httpx's `send` takes as `auth`: the request's own, else the client's."""
        return httpx.USE_CLIENT_DEFAULT if self.auth is None else self.auth


@dataclasses.dataclass(frozen=True)
class NextPage:
    """The request for the page a next-page link names, and the pages fetched before it."""

    outgoing: Outgoing
    trail: frozenset[str]

    @contextlib.contextmanager
    def described(self) -> Iterator[None]:
        """Errors while the page is fetched say which request it was."""
        try:
            yield
        except ConnectorError as error:
            error.args = (f"following the next-page link: {error}",)
            raise

    def reached(self, page: R) -> R:
        page.trail = self.trail
        return page


class TransportCore(Generic[HTTPClient]):
    """What the sync and the async transports share, all of it free of I/O: the options,
    building and authenticating requests, following next-page links, retry decisions, and
    turning responses into results or errors. The subclasses only send and read.

    `error_classes` names the ApiError subclass of each documented status;
    `client_parameters` holds the values of the spec's client parameters
    (`x-ms-parameter-location: client`) by keyword, which the operations read.
    """

    def __init__(
        self,
        base_url: str,
        *,
        credentials: Mapping[str, Credential],
        client_parameters: Mapping[str, Any] | None = None,
        timeout: float | httpx.Timeout,
        max_retries: int,
        http_client: HTTPClient | None,
        user_agent: str,
        error_classes: Mapping[int, type[ApiError]],
        max_response_size: int | None = MAX_RESPONSE_SIZE,
        max_pages: int = MAX_PAGES,
        attempt_timeout: float | None = None,
        stream: bool = False,
        data_format: str = "json",
        follow_redirects: bool = True,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
    ) -> None:
        try:
            url = httpx.URL(base_url)
        except (httpx.InvalidURL, TypeError):
            raise ValueError("base_url is not a URL") from None
        if url.userinfo:
            # httpx would log it with every request: credentials go through auth= and the like
            raise ValueError(
                "base_url must not hold a user name or password; pass them as auth="
            )
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.max_retries = max_retries
        self.max_response_size = max_response_size
        self.max_pages = max_pages
        self.attempt_timeout = attempt_timeout
        self.stream = stream  # success bodies left unread, for RawResponse.iter_bytes
        self.data_format = data_format  # "xml": XML where an operation offers both
        self.follow_redirects = follow_redirects
        self.extra_headers = dict(extra_headers or {})
        self.extra_query = dict(extra_query or {})
        self.client_parameters = dict(client_parameters or {})
        self._credentials = credentials
        self._user_agent = user_agent
        self._error_classes = error_classes
        self._check()
        self._client = http_client if http_client is not None else self._new_client()
        self._owns_client = http_client is None

    def _new_client(self) -> HTTPClient:
        raise NotImplementedError

    def _check(self) -> None:
        if self.max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if self.max_pages < 1:
            raise ValueError("max_pages must be 1 or more")
        if self.data_format not in ("json", "xml"):
            raise ValueError('data_format must be "json" or "xml"')
        kept = FRAMING_HEADERS | CREDENTIAL_HEADERS | self._header_credentials()
        for name, value in self.extra_headers.items():
            check_header(name, value)
            if name.lower() in kept:
                raise ValueError(f"extra_headers must not set {name!r}")
        for name in self.extra_query:
            if name in self._query_credentials():
                raise ValueError(f"extra_query must not set the credential {name!r}")

    def with_options(  # noqa: PYI019 (typing.Self is Python 3.11; the runtime runs on 3.10)
        self: Core,
        *,
        timeout: float | httpx.Timeout | None = None,
        max_retries: int | None = None,
        max_response_size: int | None | Unset = UNSET,
        max_pages: int | None = None,
        attempt_timeout: float | None | Unset = UNSET,
        stream: bool | None = None,
        data_format: str | None = None,
        follow_redirects: bool | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, str] | None = None,
        client_parameters: Mapping[str, Any] | None = None,
    ) -> Core:
        """A transport with other options over the same connection pool (which it never
        closes), keeping this one's `sleep`. Options not given (None) keep their values,
        client parameters too."""
        other = copy.copy(self)
        other._owns_client = False
        if timeout is not None:
            other.timeout = timeout
        if max_retries is not None:
            other.max_retries = max_retries
        if not isinstance(max_response_size, Unset):
            other.max_response_size = max_response_size
        if max_pages is not None:
            other.max_pages = max_pages
        if not isinstance(attempt_timeout, Unset):
            other.attempt_timeout = attempt_timeout
        if stream is not None:
            other.stream = stream
        if data_format is not None:
            other.data_format = data_format
        if follow_redirects is not None:
            other.follow_redirects = follow_redirects
        if extra_headers is not None:
            other.extra_headers = dict(extra_headers)
        if extra_query is not None:
            other.extra_query = dict(extra_query)
        given = {k: v for k, v in (client_parameters or {}).items() if v is not None}
        other.client_parameters = {**self.client_parameters, **given}
        other._check()
        return other

    def deadline(self) -> float:
        """Seconds one attempt may take from connect to the last body byte: the float timeout,
        else attempt_timeout, else ATTEMPT_TIMEOUT."""
        if self.attempt_timeout is not None:
            return self.attempt_timeout
        return (
            self.timeout if isinstance(self.timeout, (int, float)) else ATTEMPT_TIMEOUT
        )

    def prepare(
        self,
        method: str,
        path: str,
        *,
        path_params: Mapping[str, Any] | None = None,
        query: Iterable[tuple[Any, ...]] = (),
        headers: Iterable[tuple[Any, ...]] = (),
        json_body: Any = UNSET,
        form: Iterable[tuple[Any, ...]] = (),
        files: Iterable[tuple[Any, ...]] = (),
        multipart: bool = False,
        content: bytes | BinaryIO | None = None,
        text: str | None = None,
        content_type: str | None = None,
        null_body: bool = False,
        security: Iterable[Iterable[str]] = (),
        accept: str = JSON,
        formats: Formats | None = None,
        body_model: type[XmlModel] | XmlList[Any] | None = None,
    ) -> Outgoing:
        """The request an operation's method describes, authenticated. An operation that
        offers XML gives its `formats` (and the class of its body, `body_model`): the body and
        the Accept header follow `data_format` where it offers both."""
        sends = Formats.chosen(formats.consumes, self.data_format) if formats else None
        if formats:
            accept = Formats.chosen(formats.produces, self.data_format) or accept
        request_headers = self._headers(headers, accept)
        query = list(query)
        auth = self._authenticate(security, request_headers, query)
        query += self._extra_query_pairs(query)
        url = self.base_url + expand_path(path, path_params or {})
        query_string = encode_query(query)
        if query_string:  # a path key may hold a query of its own (`/?comp=list`)
            url += ("&" if "?" in path else "?") + query_string
        body = None
        if json_body is not UNSET and json_body is not None and is_xml_type(sends):
            assert sends is not None and body_model is not None
            request_headers.setdefault("Content-Type", sends)
            body = _xml_document(json_body, body_model)
        elif json_body is not UNSET and (json_body is not None or null_body):
            chosen = request_headers.setdefault("Content-Type", content_type or JSON)
            body = _body_as(json_body, chosen)
        elif content is not None:
            request_headers.setdefault(
                "Content-Type", content_type or "application/octet-stream"
            )
            body = _read(content)
        elif text is not None:
            request_headers.setdefault("Content-Type", content_type or "text/plain")
            body = str(text).encode(_charset(content_type) or "utf-8")
        elif form or files or multipart:
            body, form_type = encode_form(form, files, multipart=multipart)
            # the boundary must be the one used
            request_headers["Content-Type"] = form_type
        self._add_extra_headers(request_headers)
        return Outgoing(method, url, request_headers, body, auth)

    def _extra_query_pairs(self, query: list[tuple[str, Any]]) -> list[tuple[str, str]]:
        """extra_query's pairs, refused where the request already carries the name."""
        given = {name for name, _ in given_pairs(query)}
        for name in self.extra_query:
            if name in given:
                raise ValueError(
                    f"extra_query would replace the request's own {name!r}; the request"
                    " was not sent"
                )
        return list(self.extra_query.items())

    def _add_extra_headers(self, headers: httpx.Headers) -> None:
        """extra_headers, refused where the request already carries the header."""
        for name, value in self.extra_headers.items():
            if name in headers:
                raise ValueError(
                    f"extra_headers would replace the request's own {name!r}; the"
                    " request was not sent"
                )
            headers[name] = value

    def next_page(
        self,
        previous: _Response[Any],
        link: str,
        *,
        headers: Iterable[tuple[Any, ...]] = (),
        security: Iterable[Iterable[str]] = (),
    ) -> NextPage:
        """The GET of the page a next-page link names, relative to the base URL.

        A link to another origin is refused, so that credentials go nowhere else, and so is a link
        to a page already fetched, so that iterating always ends.
        """
        base = httpx.URL(self.base_url + "/")
        try:
            url = base.join(link)
        except (httpx.InvalidURL, TypeError):
            raise previous.unexpected("the next-page link is not a URL") from None
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise previous.unexpected("the next-page link leads to another origin")
        if url.userinfo:
            raise previous.unexpected(
                "the next-page link holds a user name or password"
            )
        ignored = self._query_credentials()
        # the first page's identity is worked out only when a listing is followed
        trail = previous.trail or {
            page_key(previous.http_response.request.url, ignored)
        }
        key = page_key(url, ignored)
        if key in trail:
            raise previous.unexpected(
                "the next-page link leads back to a page already fetched"
            )
        if len(trail) >= self.max_pages:
            raise previous.unexpected(
                f"the listing has more than max_pages={self.max_pages} pages"
            )
        # a later page is asked for in the representation the first one was
        accept = previous.http_response.request.headers.get("Accept", JSON)
        request_headers = self._headers(headers, accept)
        query: list[tuple[str, Any]] = []
        auth = self._authenticate(security, request_headers, query)
        self._add_extra_headers(request_headers)  # the link names its own query
        target = str(url.copy_with(fragment=None))
        if query:
            target += ("&" if url.query else "?") + encode_query(query)
        outgoing = Outgoing("GET", target, request_headers, None, auth)
        return NextPage(outgoing, frozenset(trail) | {key})

    def redirect(
        self, outgoing: Outgoing, response: httpx.Response, hops: int
    ) -> Outgoing | None:
        """The request a redirect asks for next, or None where it is not followed: GET and
        HEAD follow every status of REDIRECT_STATUSES; any method follows 303 as a GET without
        a body, and 307 and 308 with its method and body; nothing else is followed (the 3xx is
        then the response), nor anything when follow_redirects is off. A hop to another origin
        carries no credential (no credential header, API key or basic auth); TransportError
        past MAX_REDIRECTS hops, from https to http, to a URL that is not http(s)."""
        status = response.status_code
        location = response.headers.get("Location")
        method = outgoing.method
        if not self.follow_redirects or status not in REDIRECT_STATUSES or not location:
            return None
        if method not in ("GET", "HEAD") and status not in (303, 307, 308):
            return None
        try:
            here = httpx.URL(outgoing.url)
            there = here.join(location)
        except (httpx.InvalidURL, TypeError):
            raise TransportError(
                "a redirect's Location is not a URL", attempts=1
            ) from None
        if there.scheme not in ("http", "https") or not there.host:
            raise TransportError(
                "a redirect leads to a URL that is not http(s)", attempts=1
            )
        if here.scheme == "https" and there.scheme == "http":
            raise TransportError("a redirect from https to http is refused", attempts=1)
        if hops >= MAX_REDIRECTS:
            raise TransportError(f"more than {MAX_REDIRECTS} redirects", attempts=1)
        headers = httpx.Headers(outgoing.headers)
        body, auth = outgoing.body, outgoing.auth
        if status == 303 and method != "HEAD":
            method, body = "GET", None
            for name in ("Content-Type", "Content-Length"):
                headers.pop(name, None)
        if (there.scheme, there.host, there.port) != (
            here.scheme,
            here.host,
            here.port,
        ):
            there = self._without_credentials(there, headers)
            auth = None
        return Outgoing(
            method, str(there.copy_with(fragment=None)), headers, body, auth
        )

    def _without_credentials(self, url: httpx.URL, headers: httpx.Headers) -> httpx.URL:
        """Strip every credential from a request bound for another origin: the credential
        headers and API key headers from `headers`, the API key query names from the URL.
        """
        for name in list(headers.keys()):
            if name.lower() in CREDENTIAL_HEADERS | self._header_credentials():
                del headers[name]
        ignored = self._query_credentials()
        pairs = [(k, v) for k, v in url.params.multi_items() if k not in ignored]
        return url.copy_with(query=urlencode(pairs).encode("ascii") or None)

    def _header_credentials(self) -> frozenset[str]:
        return frozenset(
            credential.header_name.lower()
            for credential in self._credentials.values()
            if isinstance(credential, ApiKey) and credential.header_name
        )

    def retry_delay(
        self,
        outgoing: Outgoing,
        attempt: int,
        failure: str | None,
        response: httpx.Response | None,
    ) -> float | None:
        """Seconds to wait before trying again after `attempt`, or None to stop: idempotent
        methods only, after a connection error (`failure`) or a status of RETRY_STATUSES.
        """
        method = outgoing.method
        retries = self.max_retries if method in IDEMPOTENT_METHODS else 0
        if attempt > retries:
            return None
        if failure is not None:
            delay = backoff(attempt)
        elif response is not None and response.status_code in RETRY_STATUSES:
            asked = retry_after(response.headers.get("Retry-After"))
            delay = backoff(attempt) if asked is None else asked
        else:
            return None
        cause = failure or f"status {response.status_code if response else ''}"
        logger.info(
            "%s failed (%s); retry %d of %d in %.2f s",
            method,
            cause,
            attempt,
            retries,
            delay,
        )
        return delay

    def outcome(
        self,
        outgoing: Outgoing,
        attempts: int,
        failure: str | None,
        response: httpx.Response | None,
        content: bytes | None,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None = None,
    ) -> Callable[[Any], T]:
        """The decoder of the last attempt's success; else the error it raises."""
        if failure is not None or response is None:
            raise TransportError(
                f"{outgoing.method} request failed: {failure}", attempts=attempts
            )
        if not response.is_success:
            secrets = [
                secret for c in self._credentials.values() for secret in c.secrets()
            ]
            raise error_for_status(
                response,
                errors,
                content or b"",
                ERROR_BODY_LIMIT,
                error_classes=self._error_classes,
                secrets=secrets,
                decoders=error_bodies,
            )
        return _decoder_for(response, content or b"", responses)

    def _query_credentials(self) -> frozenset[str]:
        """The query names credentials are sent in, left out of a page's identity."""
        return frozenset(
            credential.query_name
            for credential in self._credentials.values()
            if isinstance(credential, ApiKey) and credential.query_name
        )

    def _headers(
        self, headers: Iterable[tuple[Any, ...]], accept: str = JSON
    ) -> httpx.Headers:
        request_headers = httpx.Headers(
            {"User-Agent": self._user_agent, "Accept": accept}
        )
        for name, text in given_pairs(headers):
            request_headers[name] = check_header(name, text)
        return request_headers

    def _authenticate(
        self,
        security: Iterable[Iterable[str]],
        headers: httpx.Headers,
        query: list[tuple[str, Any]],
    ) -> httpx.Auth | None:
        """Apply the first of the operation's alternatives whose credentials were all given."""
        for alternative in security:
            schemes = list(alternative)
            if all(scheme in self._credentials for scheme in schemes):
                auth = None
                for scheme in schemes:
                    auth = self._credentials[scheme].apply(headers, query) or auth
                return auth
        return None

    def _body(self, response: httpx.Response, deadline: float) -> _Body:
        return _Body(response, self.max_response_size, deadline)


def _built(
    client: httpx.Client | httpx.AsyncClient,
    outgoing: Outgoing,
    timeout: float | httpx.Timeout,
) -> httpx.Request:
    """The httpx request of an Outgoing, with the client's own defaults merged in."""
    return client.build_request(
        outgoing.method,
        outgoing.url,
        content=outgoing.body,
        headers=outgoing.headers,
        timeout=timeout,
    )


class Transport(TransportCore[httpx.Client]):
    """The sync client's I/O: sends what TransportCore builds over an httpx.Client.

    `sleep` waits between retries; tests replace it so that they do not wait.
    """

    def sleep(self, seconds: float) -> None:
        """Wait between retries (tests replace it)."""
        time.sleep(seconds)

    def _new_client(self) -> httpx.Client:
        return httpx.Client(transport=deadline_transport())

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None = None,
        **parts: Any,
    ) -> RawResponse[T]:
        """Send an operation's request (`parts` as TransportCore.prepare takes them)."""
        return self._send(
            self.prepare(method, path, **parts), responses, errors, error_bodies
        )

    def follow(
        self,
        previous: RawResponse[Any],
        link: str,
        *,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None = None,
        headers: Iterable[tuple[Any, ...]] = (),
        security: Iterable[Iterable[str]] = (),
    ) -> RawResponse[T]:
        """GET the page a next-page link names (see TransportCore.next_page)."""
        page = self.next_page(previous, link, headers=headers, security=security)
        with page.described():
            response = self._send(page.outgoing, responses, errors, error_bodies)
        return page.reached(response)

    def _send(
        self,
        outgoing: Outgoing,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None,
    ) -> RawResponse[T]:
        attempt = 0
        while True:
            attempt += 1
            failure = refusal = response = content = None
            try:
                response, content = self._attempt(outgoing)
            except httpx.HTTPError as error:
                failure = type(error).__name__  # kept apart: its chain holds the URL
            except _Refusal as error:
                refusal = _reading_failure(error, error.status_code)
            if refusal is not None:
                raise refusal
            delay = self.retry_delay(outgoing, attempt, failure, response)
            if delay is None:
                break
            self.sleep(delay)
        decoder = self.outcome(
            outgoing,
            attempt,
            failure,
            response,
            content,
            responses,
            errors,
            error_bodies,
        )
        assert response is not None
        return RawResponse(
            response, content, decoder, functools.partial(self._read_later, response)
        )

    def _attempt(self, outgoing: Outgoing) -> tuple[httpx.Response, bytes | None]:
        """One request and its body, read within the size bound and the attempt's deadline; a
        success's body is left unread when streaming (None)."""
        deadline = time.monotonic() + self.deadline()  # every hop within it
        token = _DEADLINE.set(deadline)
        try:
            hops = 0
            while True:
                response = self._client.send(
                    _built(self._client, outgoing, self.timeout),
                    auth=outgoing.send_auth,
                    stream=True,
                    follow_redirects=False,  # followed here, by the rules of redirect()
                )
                following = self.redirect(outgoing, response, hops)
                if following is None:
                    break
                response.close()
                outgoing, hops = following, hops + 1
            if self.stream and response.is_success:
                return response, None
            try:
                return response, self._read(response, deadline)
            finally:
                response.close()
        finally:
            _DEADLINE.reset(token)

    def _read_later(self, response: httpx.Response) -> bytes:
        """A streamed body read whole, on demand: within max_response_size, no deadline."""
        failure: ConnectorError
        try:
            return self._read(response, math.inf)
        except (_Refusal, httpx.HTTPError) as error:
            failure = _reading_failure(error, response.status_code)
        finally:
            response.close()
        raise failure

    def _read(self, response: httpx.Response, deadline: float) -> bytes:
        body = self._body(response, deadline)
        try:
            for chunk in response.iter_bytes():
                if not body.take(chunk):
                    break
        except httpx.DecodingError:
            raise _Refusal(response.status_code, UNDECODABLE) from None
        return body.content()


class AsyncTransport(TransportCore[httpx.AsyncClient]):
    """The async client's I/O: sends what TransportCore builds over an httpx.AsyncClient.

    `sleep` waits between retries without blocking the event loop; tests replace it (with an
    async function) so that they do not wait. A cancelled call is not retried, and the
    connection it was reading is closed, not returned half-read to the pool.
    """

    async def sleep(self, seconds: float) -> None:
        """Wait between retries without blocking the event loop (tests replace it)."""
        await httpcore.AnyIOBackend().sleep(seconds)

    def _new_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=async_deadline_transport())

    async def aclose(self) -> None:
        if self._owns_client:
            await self._client.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None = None,
        **parts: Any,
    ) -> AsyncRawResponse[T]:
        """Send an operation's request (`parts` as TransportCore.prepare takes them)."""
        return await self._send(
            self.prepare(method, path, **parts), responses, errors, error_bodies
        )

    async def follow(
        self,
        previous: AsyncRawResponse[Any],
        link: str,
        *,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None = None,
        headers: Iterable[tuple[Any, ...]] = (),
        security: Iterable[Iterable[str]] = (),
    ) -> AsyncRawResponse[T]:
        """GET the page a next-page link names (see TransportCore.next_page)."""
        page = self.next_page(previous, link, headers=headers, security=security)
        with page.described():
            response = await self._send(page.outgoing, responses, errors, error_bodies)
        return page.reached(response)

    async def _send(
        self,
        outgoing: Outgoing,
        responses: Mapping[str, Callable[[Any], T]],
        errors: Mapping[str, str],
        error_bodies: Mapping[str, Callable[[Any], Any]] | None,
    ) -> AsyncRawResponse[T]:
        attempt = 0
        while True:
            attempt += 1
            failure = refusal = response = content = None
            try:
                response, content = await self._attempt(outgoing)
            except httpx.HTTPError as error:
                failure = type(error).__name__  # kept apart: its chain holds the URL
            except _Refusal as error:
                refusal = _reading_failure(error, error.status_code)
            if refusal is not None:
                raise refusal
            delay = self.retry_delay(outgoing, attempt, failure, response)
            if delay is None:
                break
            await self.sleep(delay)
        decoder = self.outcome(
            outgoing,
            attempt,
            failure,
            response,
            content,
            responses,
            errors,
            error_bodies,
        )
        assert response is not None
        return AsyncRawResponse(
            response, content, decoder, functools.partial(self._read_later, response)
        )

    async def _attempt(self, outgoing: Outgoing) -> tuple[httpx.Response, bytes | None]:
        """One request and its body, read within the size bound and the attempt's deadline; a
        success's body is left unread when streaming (None)."""
        deadline = time.monotonic() + self.deadline()  # every hop within it
        token = _DEADLINE.set(deadline)
        try:
            hops = 0
            while True:
                response = await self._client.send(
                    _built(self._client, outgoing, self.timeout),
                    auth=outgoing.send_auth,
                    stream=True,
                    follow_redirects=False,  # followed here, by the rules of redirect()
                )
                following = self.redirect(outgoing, response, hops)
                if following is None:
                    break
                await response.aclose()
                outgoing, hops = following, hops + 1
            if self.stream and response.is_success:
                return response, None
            try:
                return response, await self._read(response, deadline)
            finally:
                await response.aclose()
        finally:
            _DEADLINE.reset(token)

    async def _read_later(self, response: httpx.Response) -> bytes:
        """A streamed body read whole, on demand: within max_response_size, no deadline."""
        failure: ConnectorError
        try:
            return await self._read(response, math.inf)
        except (_Refusal, httpx.HTTPError) as error:
            failure = _reading_failure(error, response.status_code)
        finally:
            await response.aclose()
        raise failure

    async def _read(self, response: httpx.Response, deadline: float) -> bytes:
        body = self._body(response, deadline)
        try:
            async for chunk in response.aiter_bytes():
                if not body.take(chunk):
                    break
        except httpx.DecodingError:
            raise _Refusal(response.status_code, UNDECODABLE) from None
        return body.content()


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt`: exponential, bounded, with jitter."""
    ceiling = min(MAX_BACKOFF, FIRST_BACKOFF * 2.0 ** (attempt - 1))
    return ceiling * random.uniform(0.5, 1.0)


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (a number, or an HTTP date), at most
    MAX_RETRY_AFTER; None when absent or unreadable."""
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.timezone.utc)
        seconds = (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)


def _decoder_for(
    response: httpx.Response,
    content: bytes,
    responses: Mapping[str, Callable[[Any], T]],
) -> Callable[[Any], T]:
    """The decoder for the status received; else the only documented 2xx one; else `default`'s.

    `responses` holds the documented 2xx statuses, or only `default` when the spec documents no
    2xx status; empty, the success has no documented body.
    """
    status = str(response.status_code)
    if status in responses:
        return responses[status]
    if len(responses) == 1:
        return next(iter(responses.values()))
    if not responses:
        return no_content  # type: ignore[return-value]
    raise UnexpectedResponseError(
        response.status_code,
        body_text(response, content),
        f"status {status} is not documented and the spec documents"
        f" {len(responses)} other successes",
    )
