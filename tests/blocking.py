"""The async client driven from sync code, so that the tests written against the sync client's
API (the hostile servers, the regressions) run the async client's own code paths too.

`Blocking` wraps an async client, a raw response or a raw-response twin: every coroutine one
of its methods returns runs to its end on the wrapper's own event loop (one loop for a client
and everything reached from it, so that its connection pool stays usable), an async iterator
becomes an iterator, and the sync names map to the async ones (`close` to `aclose`,
`iter_bytes` to `aiter_bytes`, a raw response's `parse` to `aparse`).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, final

from twilio_connector import AsyncRawResponse, AsyncTwilioClient, TwilioClient

ASYNC_NAMES = {"close": "aclose", "iter_bytes": "aiter_bytes"}
RAW_NAMES = {**ASYNC_NAMES, "parse": "aparse"}


@final
class Blocking:
    def __init__(self, target: Any, loop: asyncio.AbstractEventLoop) -> None:
        self._target = target
        self._loop = loop

    def __getattr__(self, name: str) -> Any:
        names = RAW_NAMES if _is_async_raw_response(self._target) else ASYNC_NAMES
        value = getattr(self._target, names.get(name, name))
        if name.startswith("_"):  # the transport, as tests reach it
            return value
        if callable(value):
            return self._blocking(value)
        return self._settled(value)

    def _blocking(self, method: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            return self._settled(method(*args, **kwargs))

        return call

    def _settled(self, value: Any) -> Any:
        if inspect.isawaitable(value):
            value = self._loop.run_until_complete(value)
        if isinstance(value, AsyncIterator):
            return self._iterate(value)
        kind = type(value).__name__
        if (
            _is_async_raw_response(value)
            or kind.endswith("WithRawResponse")
            or (kind.startswith("Async") and kind.endswith("Client"))
        ):
            return Blocking(value, self._loop)
        return value

    def _iterate(self, items: AsyncIterator[Any]) -> Iterator[Any]:
        try:
            while True:
                try:
                    yield self._loop.run_until_complete(items.__anext__())
                except StopAsyncIteration:
                    return
        finally:  # an iteration left early releases what it holds
            if hasattr(items, "aclose"):
                self._loop.run_until_complete(items.aclose())

    def __enter__(self) -> Blocking:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return repr(self._target)


def _is_async_raw_response(value: object) -> bool:
    """By name: each generated package has a runtime, and so a class, of its own."""
    return isinstance(value, AsyncRawResponse) or any(
        kind.__name__ == "AsyncRawResponse" for kind in type(value).__mro__
    )


def blocking(async_class: type[Any]) -> Callable[..., Any]:
    """A factory of `async_class` clients behind the sync client's API, each on an event
    loop of its own (closed with the client)."""

    def make(*args: Any, **kwargs: Any) -> Any:
        loop = asyncio.new_event_loop()
        client = Blocking(async_class(*args, **kwargs), loop)
        original_close = client.__getattr__("close")

        def close() -> None:
            original_close()
            loop.close()

        client.close = close
        return client

    return make


blocking_client = blocking(AsyncTwilioClient)

# The client factories the tests run with: the sync client, and the async one behind Blocking.
CLIENT_FACTORIES = [TwilioClient, blocking_client]
CLIENT_IDS = ["sync", "async"]


def record_sleeps(client: Any) -> list[float]:
    """Replace the client's wait between retries by a record of the delays."""
    slept: list[float] = []
    transport = client._transport
    if inspect.iscoroutinefunction(transport.sleep):

        async def record(seconds: float) -> None:
            slept.append(seconds)

        transport.sleep = record
    else:
        transport.sleep = slept.append
    return slept
