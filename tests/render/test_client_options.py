"""The client's options live in one table (`generator/client_options.py`): the generated
constructor and with_options, the client docstring, API.md and the parser's reserved names
are all derived from it."""

from __future__ import annotations

import inspect
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from generator.client_options import CLIENT_OPTIONS, RESERVED_KEYWORDS

from ..conftest import COMMITTED

CREDENTIALS = {"auth"}  # the Twilio connector's credential keyword


@pytest.fixture(scope="module")
def clients() -> Iterator[tuple[Any, Any]]:
    """The committed Twilio connector's two clients (its spec offers XML)."""
    sys.path.insert(0, str(COMMITTED))
    try:
        from twilio_connector import AsyncTwilioClient, TwilioClient

        yield TwilioClient, AsyncTwilioClient
    finally:
        sys.path.remove(str(COMMITTED))


def keywords(function: Any) -> list[str]:
    return [
        name
        for name, p in inspect.signature(function).parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and name not in CREDENTIALS
    ]


def test_the_constructors_take_the_tables_options_in_its_order(
    clients: tuple[Any, Any],
) -> None:
    expected = [o.name for o in CLIENT_OPTIONS if o.default is not None]
    for client in clients:
        assert keywords(client) == expected, client
        defaults = {
            name: p.default for name, p in inspect.signature(client).parameters.items()
        }
        assert defaults["timeout"] == 30.0 and defaults["max_retries"] == 2


def test_with_options_takes_the_tables_options_in_its_order(
    clients: tuple[Any, Any],
) -> None:
    expected = [o.name for o in CLIENT_OPTIONS if o.option_annotation is not None]
    for client in clients:
        assert keywords(client.with_options) == expected, client


def test_the_docstring_and_api_md_list_the_tables_options(
    clients: tuple[Any, Any],
) -> None:
    documented = [o.name for o in CLIENT_OPTIONS if o.doc and o.default is not None]
    for client in clients:
        args = client.__doc__.split("Args:")[1]
        for name in documented:
            assert f"\n    {name}:" in args or f"\n        {name}:" in args, name
    api_md = (COMMITTED / "twilio_connector" / "API.md").read_text()
    for option in CLIENT_OPTIONS:
        if option.default is not None:
            assert f"| `{option.name}` |" in api_md and option.summary in api_md


def test_the_parser_reserves_every_name_of_the_table() -> None:
    assert {o.name for o in CLIENT_OPTIONS} | {"self", "base_url"} == RESERVED_KEYWORDS
    from generator.parse import pass_operations

    assert pass_operations.RESERVED_KEYWORDS is RESERVED_KEYWORDS
