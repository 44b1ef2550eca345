"""The generated client's options: the one table that the client template loops over, the
client docstring and API.md print, and the parser keeps free of the spec's names.

Spellings that differ between the two clients name the client's I/O: `{http_client}` is
`httpx.Client` or `httpx.AsyncClient`, `{close}` is `close` or `aclose`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientOption:
    name: str
    annotation: str  # in the constructor
    default: str | None  # in the constructor; None: not a constructor keyword
    summary: str  # API.md's line
    doc: str | None = None  # the client docstring's Args entry; None: not listed there
    option_annotation: str | None = None  # in with_options; None: with_options lacks it
    option_default: str = (
        "None"  # in with_options: None or UNSET keeps the client's value
    )
    xml_only: bool = False  # only on a client whose spec offers XML

    def takes(self, speaks_xml: bool) -> bool:
        return speaks_xml or not self.xml_only


CLIENT_OPTIONS = (
    ClientOption(
        "timeout",
        "float | httpx.Timeout",
        "30.0",
        "seconds for the whole attempt's phases",
        "Seconds to wait for the server (or an httpx.Timeout), for every attempt.",
        "float | httpx.Timeout | None",
    ),
    ClientOption(
        "max_retries",
        "int",
        "2",
        "retries of idempotent requests (408, 429, 500, 502, 503, 504)",
        "How many times an idempotent request (GET, HEAD, PUT, DELETE, OPTIONS) is retried"
        " after a connection error or a 408, 429, 500, 502, 503 or 504; 0 turns retries off."
        " POST and PATCH are never retried.",
        "int | None",
    ),
    ClientOption(
        "http_client",
        "{http_client} | None",
        "None",
        "a client of your own to send with",
        "An {http_client} of your own (proxies, TLS, limits); not closed by {close}().",
    ),
    ClientOption(
        "max_response_size",
        "int | None",
        "MAX_RESPONSE_SIZE",
        "bytes read of one body",
        option_annotation="int | None | Unset",
        option_default="UNSET",
    ),
    ClientOption(
        "max_pages",
        "int",
        "MAX_PAGES",
        "pages one iter_ method follows at most",
        option_annotation="int | None",
    ),
    ClientOption(
        "attempt_timeout",
        "float | None",
        "None",
        "seconds one attempt may take in all",
        option_annotation="float | None | Unset",
        option_default="UNSET",
    ),
    ClientOption(
        "follow_redirects",
        "bool",
        "True",
        "redirects followed (GET and HEAD: 30x; any method: 303 as GET, 307, 308)",
        "Follow redirects: GET and HEAD on 300, 301, 302, 303, 307 and 308; any method on 303"
        " (as a GET without a body) and on 307 and 308 (method and body kept); at most 10"
        " hops within the attempt's deadline, never from https to http, and without any"
        " credential to another origin. False returns the redirect itself.",
        "bool | None",
    ),
    ClientOption(
        "extra_headers",
        "dict[str, str] | None",
        "None",
        "headers every request carries that the spec does not declare",
        "Headers every request carries besides those the spec declares: never Host,"
        " Content-Length, Transfer-Encoding or a credential's, and never one the request"
        " already carries (a declared parameter, Accept, Content-Type): ValueError.",
        "dict[str, str] | None",
    ),
    ClientOption(
        "extra_query",
        "dict[str, str] | None",
        "None",
        "query parameters every request carries that the spec does not declare",
        "Query parameters every operation's request carries besides those the spec"
        " declares: never a credential's, and never one the request already carries:"
        " ValueError.",
        "dict[str, str] | None",
    ),
    ClientOption(
        "stream",
        "bool",
        None,
        "with_raw_response leaves success bodies unread",
        option_annotation="bool | None",
    ),
    ClientOption(
        "data_format",
        'Literal["json", "xml"]',
        '"json"',
        "the format where an operation offers JSON and XML",
        '"xml" to send and receive XML where an operation offers both JSON and XML (one that'
        " offers a single format uses it whatever is asked); a response is read as XML when"
        " its Content-Type is an XML media type.",
        'Literal["json", "xml"] | None',
        xml_only=True,
    ),
)

# Names the client's constructor and with_options take besides the credentials and the client
# parameters, which must therefore not take them.
RESERVED_KEYWORDS = frozenset({"self", "base_url", *(o.name for o in CLIENT_OPTIONS)})
