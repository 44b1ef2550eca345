"""What the generated client tests share: the rows of their exchange table, and a test server
on 127.0.0.1 that keeps each request's header lines as the client sent them.

A row (`Case`) is one operation's example exchange, all of it data: the calls (lambdas, so that
the type checker checks every example argument against the method's signature), the request
the client must send, the reply the server gives, what the call must return and the errors it
must raise. The test functions of `test_client.py` run every row on every client of the
package: a row's call returns the result for the sync client and an awaitable of it for the
async one, and `settle`, `collect` and `opened` take either.
"""

from __future__ import annotations

import contextlib
import inspect
import json
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
)
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Protocol, TypeVar

import pytest
from pytest_httpserver import HTTPServer, RequestHandler
from werkzeug.serving import WSGIRequestHandler

Client = TypeVar("Client")
T = TypeVar("T")

ERROR_BODY = {"message": "error body"}


class WireHeaders(WSGIRequestHandler):
    """werkzeug's handler, keeping the request's header lines as they came off the socket:
    its WSGI environ drops every header whose name holds `_`."""

    interim_status = 0  # a 1xx status to send before the response, when set

    def run_wsgi(self) -> None:
        if self.interim_status:
            self.send_response_only(self.interim_status)
            self.end_headers()
        super().run_wsgi()

    def make_environ(self) -> dict[str, Any]:
        environ = super().make_environ()
        environ["wire.headers"] = list(self.headers.items())
        return environ


def serve() -> Iterator[HTTPServer]:
    """pytest-httpserver's server on 127.0.0.1, reading requests with WireHeaders."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    assert server.server is not None
    server.server.RequestHandlerClass = WireHeaders
    yield server
    server.clear()
    server.stop()


def sent_header(request: Any, name: str) -> str | None:
    """The value of the header `name` (any case) as the client sent it, else None."""
    found = [v for k, v in request.environ["wire.headers"] if k.lower() == name.lower()]
    return ", ".join(found) if found else None


def last_request(httpserver: HTTPServer) -> Any:
    assert len(httpserver.log) == 1, "exactly one request was expected"
    return httpserver.log[0][0]


async def settle(value: T | Awaitable[T]) -> T:
    """What a call of either client gives: the sync client's result, the async one's awaited."""
    if inspect.isawaitable(value):
        return await value
    return value


async def collect(items: Iterable[T] | AsyncIterable[T]) -> list[T]:
    """The items of an `iter_` method of either client."""
    if isinstance(items, AsyncIterable):
        return [item async for item in items]
    return list(items)


@contextlib.asynccontextmanager
async def opened(client: Client) -> AsyncIterator[Client]:
    """A client of either kind, closed on the way out (`close()` or `await aclose()`)."""
    try:
        yield client
    finally:
        closing = getattr(client, "aclose", None) or client.close  # type: ignore[attr-defined]
        await settle(closing())


def recorded_sleeps(client: Any, monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Replace the client's wait between retries by a record of the delays, so that the
    tests do not wait: a coroutine function for the async client, as its transport awaits.
    """
    slept: list[float] = []
    transport = client._transport
    if inspect.iscoroutinefunction(transport.sleep):

        async def record(seconds: float) -> None:
            slept.append(seconds)

        monkeypatch.setattr(transport, "sleep", record)
    else:
        monkeypatch.setattr(transport, "sleep", slept.append)
    return slept


class Raw(Protocol):
    """What the tests read of a RawResponse."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...


# -- what the request body must be -----------------------------------------------------------


def content_type(request: Any) -> str | None:
    value: str | None = request.headers.get("Content-Type")
    return value


@dataclass(frozen=True)
class NoBody:
    content_type: str | None = (
        None  # a Content-Type header parameter's value, when given
    )

    def check(self, request: Any) -> None:
        assert content_type(request) == self.content_type
        assert request.get_data() == b""


@dataclass(frozen=True)
class JsonBody:
    value: Any
    content_type: str = "application/json"

    def check(self, request: Any) -> None:
        assert content_type(request) == self.content_type
        assert json.loads(request.get_data()) == self.value


@dataclass(frozen=True)
class BinaryBody:
    value: bytes
    content_type: str

    def check(self, request: Any) -> None:
        assert content_type(request) == self.content_type
        assert request.get_data() == self.value


@dataclass(frozen=True)
class TextBody:
    value: str
    content_type: str

    def check(self, request: Any) -> None:
        assert content_type(request) == self.content_type
        assert request.get_data(as_text=True) == self.value


@dataclass(frozen=True)
class FormBody:
    fields: dict[str, list[str]]

    def check(self, request: Any) -> None:
        assert content_type(request) == "application/x-www-form-urlencoded"
        assert request.form.to_dict(flat=False) == self.fields


@dataclass(frozen=True)
class MultipartBody:
    fields: dict[str, list[str]]
    files: dict[str, bytes]

    def check(self, request: Any) -> None:
        assert str(content_type(request)).startswith("multipart/form-data; boundary=")
        assert request.form.to_dict(flat=False) == self.fields
        assert {k: f.read() for k, f in request.files.items()} == self.files


Body = NoBody | JsonBody | BinaryBody | TextBody | FormBody | MultipartBody


@dataclass(frozen=True)
class XmlExchange:
    """An operation's exchange in XML (the client's data_format="xml"): what it must ask
    for and send, and the result's XML the server replies with."""

    accept: str
    content_type: str | None = None  # of the request body, when the call sends one
    body: bytes | None = None
    reply: bytes | None = None  # the result's element, when the call returns a model

    def check(self, request: Any) -> None:
        assert sent_header(request, "Accept") == self.accept
        if self.content_type is not None:
            assert content_type(request) == self.content_type
            assert request.get_data() == self.body


# -- what the server replies -----------------------------------------------------------------


@dataclass(frozen=True)
class JsonReply:
    status: int
    body: Any
    bodied: ClassVar[bool] = True

    def send(self, handler: RequestHandler) -> None:
        handler.respond_with_json(self.body, status=self.status)


@dataclass(frozen=True)
class DataReply:
    status: int
    body: bytes
    bodied: ClassVar[bool] = True

    def send(self, handler: RequestHandler) -> None:
        handler.respond_with_data(self.body, status=self.status)


@dataclass(frozen=True)
class EmptyReply:
    status: int
    bodied: ClassVar[bool] = False

    def send(self, handler: RequestHandler) -> None:
        handler.respond_with_data("", status=self.status)


Reply = JsonReply | DataReply | EmptyReply


@dataclass(frozen=True)
class Error:
    """A documented error status (or an undocumented one: ApiError) and what it raises."""

    status: int
    error_class: type[Exception]
    description: str
    has_body: bool = True  # False where HTTP forbids one (304, any answer to HEAD)
    body: Any = None  # an example of the schema documented for the status, if any
    parsed: object = (
        None  # what `error.body` must be: the example as that schema reads it
    )

    @property
    def reply(self) -> Any:
        """The body the server sends: the documented schema's example, else ERROR_BODY."""
        return ERROR_BODY if self.body is None else self.body


@dataclass(frozen=True)
class Pages(Generic[Client]):
    """An `iter_` method's pages (each holding one item) and the requests that fetch them."""

    iterate: Callable[[Client], Iterator[object] | AsyncIterator[object]]
    pages: list[Any]
    items: list[object]  # what iterating must yield
    next_link: str | None = None  # the wire name of the page's next-page link
    follow_paths: tuple[str, ...] = ()  # the paths the next-page links name
    follow_uris: tuple[str, ...] = ()  # those requests' paths and queries, as sent
    follow_headers: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Case(Generic[Client]):
    """One operation's example exchange."""

    name: str  # the method's name
    method: str
    path: str  # the path the test server matches, decoded
    call: Callable[[Client], object]
    raw: Callable[
        [Client], Raw | Awaitable[Raw]
    ]  # the call through `with_raw_response`
    raw_uri: str  # path and query exactly as sent
    headers: tuple[tuple[str, str], ...] = ()  # header parameters and credentials
    body: Body = NoBody()
    reply: Reply = EmptyReply(200)
    result: object = None  # what the call returns
    errors: tuple[Error, ...] = ()
    minimal: Callable[[Client], object] | None = None  # only the required arguments
    minimal_raw_uri: str = ""
    pages: Pages[Client] | None = None
    interim_statuses: tuple[int, ...] = ()  # documented 1xx statuses
    deprecated: bool = False
    refused_header: str | None = None  # a header name HTTP cannot carry: never sent
    left_out: str | None = None  # why the operation's tests do not run
    xml: XmlExchange | None = None  # the exchange in XML, when the operation offers XML

    def expect(self, httpserver: HTTPServer) -> RequestHandler:
        return httpserver.expect_oneshot_request(self.path, method=self.method)


def params(
    cases: Iterable[Case[Client]],
    where: Callable[[Case[Client]], object] = lambda case: True,
    *,
    refused: bool = False,
) -> list[Any]:
    """The cases `where` accepts, as test parameters named by operation: those that send
    their request, or with `refused` those that refuse to. A deprecated operation's tests do
    not fail on the warning it gives."""
    return [
        pytest.param(case, id=case.name, marks=_marks(case))
        for case in cases
        if (case.refused_header is not None) == refused and where(case)
    ]


def error_params(cases: Iterable[Case[Client]], *, has_body: bool) -> list[Any]:
    """(case, error) for every error of the sendable cases, with a body or without."""
    return [
        pytest.param(case, error, id=f"{case.name}-{error.status}", marks=_marks(case))
        for case in cases
        if case.refused_header is None
        for error in case.errors
        if error.has_body == has_body
    ]


def interim_params(cases: Iterable[Case[Client]]) -> list[Any]:
    """(case, status) for every documented 1xx status of the sendable cases."""
    return [
        pytest.param(case, status, id=f"{case.name}-{status}", marks=_marks(case))
        for case in cases
        if case.refused_header is None
        for status in case.interim_statuses
    ]


def _marks(case: Case[Any]) -> list[Any]:
    marks = []
    if case.deprecated:
        marks.append(pytest.mark.filterwarnings("ignore::DeprecationWarning"))
    if case.left_out is not None:
        marks.append(pytest.mark.skip(reason=case.left_out))
    return marks


def named(name: str) -> Callable[[Case[Any]], bool]:
    """A `where` of `params`: the case of the method `name`."""
    return lambda case: case.name == name


def chain(error: BaseException | None) -> str:
    """The text of an error and of every error in its chain."""
    texts = []
    while error is not None:
        texts += [str(error), repr(error)]
        error = error.__cause__ or error.__context__
    return "\n".join(texts)
