"""The Twilio client in XML. A program gets, lists and sends messages in XML against
a local server (both clients), every Twilio model round-trips through XML, and the generator
decides per operation: XML where the spec offers it and the schemas have an XML form, a
located warning where they have none, and an error where XML is an operation's only format.
"""

from __future__ import annotations

import copy
import inspect
from pathlib import Path
from typing import Any

import pytest
import yaml
from pytest_httpserver import HTTPServer
from twilio_connector import SendMessageRequest, models
from twilio_connector._runtime import XmlModel

from generator.pipeline import generate

from ..conftest import TWILIO_SPEC, make_job, write_spec
from ..servers import ACCOUNT

MESSAGE_XML = (
    b"<Message><body>Hi &amp; bye</body><to>+15550001</to><status>queued</status>"
    b"<sid>SM1</sid><num_segments>1</num_segments>"
    b"<subresource_uris>/Media.json</subresource_uris></Message>"
)


def test_a_program_gets_lists_and_sends_messages_in_xml(
    httpserver: HTTPServer, xml_client: Any
) -> None:
    page = b"<MessageList>%s<next_page_uri>%s/Messages.json?Page=1</next_page_uri></MessageList>"
    last = b"<MessageList>%s</MessageList>" % MESSAGE_XML.replace(b"SM1", b"SM2")
    xml = {"content_type": "application/xml"}
    first = f"{ACCOUNT}/Messages.json"
    httpserver.expect_request(f"{ACCOUNT}/Messages/SM1.json").respond_with_data(
        MESSAGE_XML, **xml
    )
    httpserver.expect_request(first, method="GET", query_string="").respond_with_data(
        page
        % (
            MESSAGE_XML.replace(b"<Message>", b"<messages>").replace(
                b"</Message>", b"</messages>"
            ),
            ACCOUNT.encode(),
        ),
        **xml,
    )
    httpserver.expect_request(
        first, method="GET", query_string="Page=1"
    ).respond_with_data(
        last.replace(b"<Message>", b"<messages>").replace(
            b"</Message>", b"</messages>"
        ),
        **xml,
    )
    httpserver.expect_request(first, method="POST").respond_with_data(
        MESSAGE_XML, **xml
    )

    fetched = xml_client.get_message("SM1")
    listed = [message.sid for message in xml_client.iter_list_messages()]
    sent = xml_client.send_message(
        SendMessageRequest(from_="+15550002", to="+15550001", body="Hi & bye")
    )

    assert (
        fetched
        == sent
        == models.Message(
            body="Hi & bye",
            to="+15550001",
            status="queued",
            sid="SM1",
            num_segments="1",
            subresource_uris=["/Media.json"],
        )
    )
    assert listed == ["SM1", "SM2"]
    requests = [request for request, _ in httpserver.log]
    assert all(r.headers["Accept"] == "application/xml" for r in requests)
    assert requests[-1].headers["Content-Type"] == "application/xml"
    assert requests[-1].get_data() == (
        b"<SendMessageRequest><from>+15550002</from><to>+15550001</to>"
        b"<body>Hi &amp; bye</body></SendMessageRequest>"
    )


def as_xml_can_hold(value: Any) -> Any:
    """The example data as XML can hold it: XML has no null, and the unknown keys a JSON
    reader keeps (`additional_properties`) are the JSON form's, not the XML form's."""
    if isinstance(value, dict):
        return {
            k: as_xml_can_hold(v)
            for k, v in value.items()
            if v is not None and k != "x-unknown-key"
        }
    if isinstance(value, list):
        return [as_xml_can_hold(item) for item in value]
    return value


def twilio_models() -> list[type[XmlModel]]:
    return [
        cls
        for _, cls in inspect.getmembers(models, inspect.isclass)
        if issubclass(cls, XmlModel) and cls.__module__ == models.__name__
    ]


def test_the_nine_twilio_models_have_an_xml_form() -> None:
    assert len(twilio_models()) == 9


@pytest.mark.parametrize("model", twilio_models(), ids=lambda cls: cls.__name__)
def test_every_twilio_model_round_trips_through_xml(model: type[XmlModel]) -> None:
    from twilio_connector.tests.test_models import FULL_EXAMPLES

    data = next(p.values[1] for p in FULL_EXAMPLES if p.values[0] is model)
    instance = model.from_dict(as_xml_can_hold(data))
    document = instance.to_xml()
    assert document.startswith(f"<{model.__name__}>".encode())
    again = model.from_xml(document)
    assert again == instance
    assert again.to_xml() == document
    assert again.to_dict() == instance.to_dict()


# -- what the generator decides per operation --------------------------------------------------


def twilio_spec() -> dict[str, Any]:
    spec: dict[str, Any] = yaml.safe_load(TWILIO_SPEC.read_text())
    return spec


def generate_from(spec: dict[str, Any], folder: Path) -> Any:
    return generate(make_job(write_spec(spec, folder), folder / "out"))


def test_an_operation_offering_only_json_speaks_json_whatever_is_asked(
    tmp_path: Path,
) -> None:
    spec = twilio_spec()
    spec["paths"]["/Messages/{MessageId}.json"]["get"]["produces"] = [
        "application/json"
    ]
    generated, _ = generate_from(spec, tmp_path)
    client = generated.files["client.py"]
    get_message = client.split("def get_message")[2].split("def ")[0]
    assert "formats=" not in get_message
    assert 'formats=Formats(produces=("application/json", "application/xml"))' in client


def test_an_operation_whose_result_has_no_xml_form_speaks_json_with_a_warning(
    tmp_path: Path,
) -> None:
    spec = twilio_spec()
    spec["definitions"]["Message"]["properties"]["body"] = {
        "type": "object",
        "additionalProperties": True,
    }
    generated, _ = generate_from(spec, tmp_path)
    warnings = [str(w) for w in generated.warnings]
    assert any(
        "get_message() returns JSON only: its result has no XML form (Message has no XML"
        " form: the property 'body' is a free-form object" in w
        and "/paths/~1Messages~1{MessageId}.json/get" in w
        for w in warnings
    ), warnings
    assert "class Message(ApiModel)" in generated.files["models.py"]


def test_xml_as_the_only_format_of_a_result_without_an_xml_form_gives_raw_bytes(
    tmp_path: Path,
) -> None:
    """What the generator understands but cannot type: the method returns the raw XML."""
    spec = copy.deepcopy(twilio_spec())
    spec["definitions"]["Message"]["properties"]["body"] = {
        "type": "object",
        "additionalProperties": True,
    }
    spec["paths"]["/Messages/{MessageId}.json"]["get"]["produces"] = ["application/xml"]
    generated, _ = generate_from(spec, tmp_path)
    warnings = [str(w) for w in generated.warnings]
    assert any(
        "spec.json:" in w
        and "/paths/~1Messages~1{MessageId}.json/get: get_message() returns XML only, and"
        " its result has no XML form (Message has no XML form: the property 'body' is a"
        " free-form object: XML has no form for it): the method returns it as the raw XML"
        " bytes" in w
        for w in warnings
    ), warnings
    get_message = generated.files["client.py"].split("def get_message(")[1]
    assert get_message.split(":\n", 1)[0].endswith(") -> bytes"), get_message[:300]
    assert "formats=" not in get_message.split("def ")[0]


def test_a_header_parameter_of_the_spec_decides_its_direction_not_data_format(
    tmp_path: Path,
) -> None:
    spec = twilio_spec()
    get = spec["paths"]["/Messages/{MessageId}.json"]["get"]
    get["parameters"].append(
        {
            "name": "Accept",
            "in": "header",
            "type": "string",
            "default": "application/json",
            "x-ms-visibility": "internal",
        }
    )
    generated, _ = generate_from(spec, tmp_path)
    client = generated.files["client.py"]
    get_message = client.split("def get_message")[2].split("def ")[0]
    assert 'headers=[("Accept", "application/json")]' in get_message
    assert "formats=" not in get_message
    send_message = client.split("def send_message")[2].split("def ")[0]
    assert "formats=Formats(" in send_message
