"""A TCP server on 127.0.0.1 that misbehaves on purpose, for the generated client's failure
tests; `serve` (a fixture in conftest) starts one with a client of it."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator

from twilio_connector import TwilioClient

from .blocking import record_sleeps

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


def serving(new_client: Callable[..., TwilioClient] = TwilioClient) -> Iterator[Serve]:
    """Start a server with these behaviours; returns it, a client of it (made by
    `new_client`) and the list of the client's sleeps between retries (recorded, not
    waited)."""
    started: list[tuple[MisbehavingServer, TwilioClient]] = []

    def start(
        *behaviours: Behaviour, **options: float
    ) -> tuple[MisbehavingServer, TwilioClient, list[float]]:
        server = MisbehavingServer(list(behaviours))
        client = new_client(server.url, auth=AUTH, **options)
        slept = record_sleeps(client)
        started.append((server, client))
        return server, client, slept

    yield start
    for server, client in started:
        client.close()
        server.close()
