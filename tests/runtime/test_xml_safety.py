"""XML from a server is untrusted. `parse_xml_body` refuses a DOCTYPE before
its internal subset is read (so no entity is declared or expanded, nothing external fetched),
bounds the depth as JSON's is, and names what is wrong; a well-formed document parses.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from twilio_connector import Message, UnexpectedResponseError

from generator.static._runtime import MAX_XML_DEPTH, parse_xml_body

from ..servers import ACCOUNT

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<Message><Body>&lol9;</Body></Message>"""

HOSTILE = {
    "billion laughs": (LAUGHS, "declares a DOCTYPE"),
    "external entity": (
        (
            b'<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Message><Body>&x;</Body></Message>"
        ),
        "declares a DOCTYPE",
    ),
    "external DTD": (
        b'<!DOCTYPE Message SYSTEM "http://127.0.0.1:1/evil.dtd"><Message/>',
        "declares a DOCTYPE",
    ),
    "parameter entity": (
        b'<!DOCTYPE m [<!ENTITY % p SYSTEM "http://127.0.0.1:1/p.dtd"> %p;]><Message/>',
        "declares a DOCTYPE",
    ),
    "bare DOCTYPE": (b"<!DOCTYPE Message><Message/>", "declares a DOCTYPE"),
    "undeclared entity": (b"<Message>&lol;</Message>", "undefined entity"),
    "deep nesting": (
        b"<a>" * (MAX_XML_DEPTH + 1) + b"</a>" * (MAX_XML_DEPTH + 1),
        f"nests deeper than {MAX_XML_DEPTH} levels",
    ),
    "very deep nesting": (b"<a>" * 1_000_000, f"nests deeper than {MAX_XML_DEPTH}"),
    "invalid UTF-8": (b"<Message><Body>\xff\xfe</Body></Message>", "not well-formed"),
    "not XML": (b'{"sid": "SM1"}', "not well-formed XML"),
    "two roots": (b"<a/><b/>", "not well-formed XML (junk after document element"),
    "unclosed": (b"<Message><Body>hi</Body>", "not well-formed XML (no element found"),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_document_is_refused_in_words(name: str) -> None:
    document, words = HOSTILE[name]
    started = time.monotonic()
    with pytest.raises(ValueError, match=words.replace("(", r"\(")):
        parse_xml_body(document)
    assert time.monotonic() - started < 2  # refused, never expanded


def test_a_document_at_the_depth_bound_parses() -> None:
    depth = MAX_XML_DEPTH
    root = parse_xml_body(b"<a>" * depth + b"x" + b"</a>" * depth)
    levels = 1
    while len(root):
        root, levels = root[0], levels + 1
    assert (levels, root.text) == (depth, "x")


def test_names_attributes_namespaces_and_text_are_kept() -> None:
    root = parse_xml_body(
        b'<?xml version="1.0" encoding="ISO-8859-1"?>'
        b'<t:Message xmlns:t="urn:twilio" sid="SM1"><t:Body>caf\xe9 &amp; &#233;</t:Body>'
        b"<!-- a comment --><Plain/></t:Message>"
    )
    assert root.tag == "{urn:twilio}Message" and root.attrib == {"sid": "SM1"}
    body, plain = list(root)
    assert (body.tag, body.text) == ("{urn:twilio}Body", "café & é")
    assert plain.tag == "Plain"


# -- through the client: a hostile XML response is an UnexpectedResponseError ---------------


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_xml_response_is_an_unexpected_response_with_its_text(
    httpserver: HTTPServer, xml_client: Any, name: str
) -> None:
    document, words = HOSTILE[name]
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_data(
        document, content_type="application/xml"
    )
    with pytest.raises(
        UnexpectedResponseError, match=words.replace("(", r"\(")
    ) as caught:
        xml_client.get_message("SM1")
    assert caught.value.status_code == 200
    assert caught.value.text == document.decode("utf-8", errors="replace")


def test_an_xml_response_is_read_by_its_content_type_whatever_was_asked(
    httpserver: HTTPServer, xml_client: Any
) -> None:
    document = b"<Message><sid>SM1</sid><num_segments>2</num_segments></Message>"
    path = f"{ACCOUNT}/Messages/SM1.json"
    httpserver.expect_ordered_request(path).respond_with_data(
        document, content_type="text/xml; charset=utf-8"
    )
    httpserver.expect_ordered_request(path).respond_with_json({"sid": "SM2"})
    json_client = xml_client.with_options(data_format="json")
    assert json_client.get_message("SM1") == Message(sid="SM1", num_segments="2")
    # JSON, though XML was asked
    assert xml_client.get_message("SM1") == Message(sid="SM2")
    assert [r.headers["Accept"] for r, _ in httpserver.log] == [
        "application/json",
        "application/xml",
    ]
