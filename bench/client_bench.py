"""The generated Twilio client's own costs, printed as JSON (seconds): `calls` sequential
get_message calls against a local keep-alive server with the client, with a bare httpx.Client and
with http.client; get_message calls with 50 in flight (1,000 by default) with the async client
and with a bare httpx.AsyncClient, interleaved, best of three; and parsing a MessageList of 1,000 messages against json.loads alone.

    .venv/bin/python bench/client_bench.py 2000 1000    # run by bench/run.py
"""

from __future__ import annotations

import asyncio
import functools
import http.client
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "generated"))

import httpx
from twilio_connector import (
    AsyncTwilioClient,
    DecodeError,
    Message,
    MessageList,
    TwilioClient,
)

AUTH = ("AC123", "token")
MESSAGE = {
    "sid": "SM1",
    "account_sid": "AC123",
    "from": "+15550001111",
    "to": "+15552223333",
    "body": "hello there",
    "status": "delivered",
    "num_segments": "1",
    "num_media": "0",
    "direction": "outbound-api",
    "api_version": "2010-04-01",
    "price": "-0.0075",
    "price_unit": "USD",
    "date_created": "Thu, 30 Jul 2015 20:12:31 +0000",
    "date_sent": "Thu, 30 Jul 2015 20:12:33 +0000",
    "date_updated": "Thu, 30 Jul 2015 20:12:33 +0000",
    "error_code": None,
    "error_message": None,
    "uri": "/2010-04-01/Accounts/AC123/Messages/SM1.json",
    "subresource_uris": {"media": "/2010-04-01/Accounts/AC123/Messages/SM1/Media.json"},
}
BODY = json.dumps(MESSAGE).encode()
PATH = "/2010-04-01/Accounts/AC123/Messages/SM1.json"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive
    wbufsize = 1 << 16  # headers and body leave in one write, flushed per response
    disable_nagle_algorithm = True

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()
        self.wfile.write(BODY)

    def log_message(self, format: str, *args: object) -> None:
        pass


def serve() -> None:
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


def timed(function: object, calls: int) -> float:
    assert callable(function)
    started = time.perf_counter()
    for _ in range(calls):
        function()
    return time.perf_counter() - started


def requests(port: int, calls: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}/2010-04-01/Accounts/AC123"
    results: dict[str, list[float]] = {"client": [], "httpx": [], "http.client": []}
    headers = {"Authorization": httpx.BasicAuth(*AUTH)._auth_header}
    for _ in range(3):  # interleaved, best of three each
        with TwilioClient(base, auth=AUTH) as client:
            client.get_message("SM1")  # connect first
            results["client"].append(timed(lambda: client.get_message("SM1"), calls))
        with httpx.Client(auth=AUTH) as bare:
            bare.get(base + "/Messages/SM1.json")
            results["httpx"].append(
                timed(lambda: bare.get(base + "/Messages/SM1.json").json(), calls)
            )
        connection = http.client.HTTPConnection("127.0.0.1", port)
        plain = functools.partial(fetch, connection, headers)
        plain()
        results["http.client"].append(timed(plain, calls))
        connection.close()
    return {name: min(values) for name, values in results.items()}


IN_FLIGHT = 50


async def in_flight(call: Callable[[], Awaitable[object]], calls: int) -> float:
    """Seconds for `calls` calls, IN_FLIGHT at a time (a worker per slot)."""
    remaining = iter(range(calls))

    async def worker() -> None:
        for _ in remaining:
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return time.perf_counter() - started


async def concurrent(port: int, calls: int, rounds: int) -> dict[str, float]:
    base = f"http://127.0.0.1:{port}/2010-04-01/Accounts/AC123"
    results: dict[str, list[float]] = {"async client": [], "httpx.AsyncClient": []}
    for _ in range(rounds):  # interleaved, the best round of each
        async with AsyncTwilioClient(base, auth=AUTH) as client:
            await client.get_message("SM1")  # connect first
            results["async client"].append(
                await in_flight(lambda: client.get_message("SM1"), calls)
            )
        async with httpx.AsyncClient(auth=AUTH) as bare:

            async def get() -> object:
                return (await bare.get(base + "/Messages/SM1.json")).json()

            await get()
            results["httpx.AsyncClient"].append(await in_flight(get, calls))
    return {name: min(values) for name, values in results.items()}


def fetch(connection: http.client.HTTPConnection, headers: dict[str, str]) -> object:
    connection.request("GET", PATH, headers=headers)
    return json.loads(connection.getresponse().read())


def parsing() -> dict[str, float]:
    page = {"messages": [dict(MESSAGE, sid=f"SM{i}") for i in range(1000)], "page": 0}
    text = json.dumps(page)
    assert len(MessageList.from_dict(json.loads(text)).messages or ()) == 1000
    loads = [timed(lambda: json.loads(text), 1) for _ in range(30)]
    parse = [
        timed(lambda: MessageList.from_dict(json.loads(text)), 1) for _ in range(30)
    ]
    return {"loads": statistics.median(loads), "parse": statistics.median(parse)}


LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">'
        % (n, b"&lol%s;" % (b"" if n == 1 else b"%d" % (n - 1)) * 10)
        for n in range(1, 10)
    )
    + b"]><Message><body>&lol9;</body></Message>"
)
DEEP = b"<Message>" + b"<a>" * 1_000_000


def xml_figures() -> dict[str, float]:
    """Seconds to refuse hostile XML (a billion laughs, a million levels deep) and to read a
    MessageList of 1,000 messages from XML, each the median of 30."""
    # XML has no null, and subresource_uris is an array in the connector's spec
    message = {key: value for key, value in MESSAGE.items() if value is not None}
    message["subresource_uris"] = ["media"]
    page = MessageList.from_dict(
        {"messages": [dict(message, sid=f"SM{i}") for i in range(1000)], "page": 0}
    )
    document = page.to_xml()
    assert MessageList.from_xml(document) == page

    def refuse(body: bytes) -> None:
        try:
            Message.from_xml(body)
        except DecodeError:
            return
        raise AssertionError("not refused")

    return {
        "xml laughs": statistics.median(
            timed(lambda: refuse(LAUGHS), 1) for _ in range(30)
        ),
        "xml deep": statistics.median(
            timed(lambda: refuse(DEEP), 1) for _ in range(30)
        ),
        "xml page": statistics.median(
            timed(lambda: MessageList.from_xml(document), 1) for _ in range(30)
        ),
    }


def main() -> None:
    if sys.argv[1:] == ["serve"]:
        serve()
        return
    calls = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    concurrent_calls = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    rounds = 3 if concurrent_calls >= 1000 else 1
    server = subprocess.Popen(
        [sys.executable, __file__, "serve"], stdout=subprocess.PIPE, text=True
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        figures = requests(port, calls) | parsing() | xml_figures()
        figures |= asyncio.run(concurrent(port, concurrent_calls, rounds))
    finally:
        server.terminate()
        server.wait()
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
