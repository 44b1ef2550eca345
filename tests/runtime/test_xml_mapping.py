"""Mapping: `XmlModel.from_xml` and `to_xml` by a model's XML_SHAPE (the models of
`tests/xml_models.py`, written as the generator writes them): names verbatim, attributes,
wrapped and unwrapped arrays, namespaces with their prefixes, maps, nested models, the
tolerant reader's scalar rule, unknown elements kept, and escaping."""

from __future__ import annotations

import pytest

from generator.static._runtime import (
    UNSET,
    DecodeError,
    XmlList,
    XmlNode,
    parse_xml_body,
)

from ..xml_models import Media, Message, Status

DOCUMENT = (
    b'<sms:Message xmlns:sms="urn:example:sms" Sid="SM1">'
    b"<sms:Body>Hi &amp; &lt;bye&gt;</sms:Body>"
    b"<NumSegments>3</NumSegments>"
    b"<Price>0.75</Price>"
    b"<Redacted>true</Redacted>"
    b"<Status>queued</Status>"
    b"<Tag>a</Tag><Tag>b</Tag>"
    b'<MediaList><Media sid="ME1"><Size>10</Size></Media><Media sid="ME2"/></MediaList>'
    b'<Sender sid="ME3"/>'
    b"<Labels><colour>red</colour></Labels>"
    b"<Unknown kind='x'>kept</Unknown>"
    b"</sms:Message>"
)


def test_a_document_is_read_by_the_shape() -> None:
    message = Message.from_xml(DOCUMENT)
    assert message == Message(
        sid="SM1",
        body="Hi & <bye>",
        segments=3,
        price=0.75,
        redacted=True,
        status=Status.QUEUED,
        tags=["a", "b"],
        media=[Media(sid="ME1", size=10), Media(sid="ME2")],
        sender=Media(sid="ME3"),
        labels={"colour": "red"},
    )


def test_reading_then_writing_gives_back_the_document() -> None:
    written = Message.from_xml(DOCUMENT).to_xml()
    assert written == DOCUMENT.replace(b"kind='x'", b'kind="x"')
    again = Message.from_xml(written)
    assert again == Message.from_xml(DOCUMENT) and again.to_xml() == written


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("03", "03"),  # not the canonical form: kept as received
        ("three", "three"),
        ("-7", -7),
        (" 3", " 3"),
    ],
)
def test_an_integer_is_converted_only_from_its_canonical_form(
    text: str, value: object
) -> None:
    message = Message.from_xml(
        f"<sms:Message xmlns:sms='urn:example:sms' Sid='S'><NumSegments>{text}</NumSegments></sms:Message>"
    )
    assert message.segments == value
    assert f"<NumSegments>{text}</NumSegments>".encode() in message.to_xml()


@pytest.mark.parametrize(
    ("text", "value"),
    [("true", True), ("false", False), ("yes", "yes"), ("True", "True")],
)
def test_a_boolean_is_converted_only_from_true_or_false(
    text: str, value: object
) -> None:
    message = Message.from_xml(
        f"<sms:Message xmlns:sms='urn:example:sms' Sid='S'><Redacted>{text}</Redacted></sms:Message>"
    )
    assert message.redacted == value
    assert f"<Redacted>{text}</Redacted>".encode() in message.to_xml()


def test_an_enum_value_the_spec_does_not_list_is_kept() -> None:
    message = Message.from_xml(
        "<sms:Message xmlns:sms='urn:example:sms' Sid='S'><Status>failed</Status></sms:Message>"
    )
    assert message.status == "failed"


def test_unknown_elements_stay_out_of_to_dict() -> None:
    message = Message.from_xml(DOCUMENT)
    assert "Unknown" not in str(message.to_dict())
    assert b"<Unknown" in message.to_xml()


def test_text_and_attributes_are_escaped() -> None:
    message = Message(sid='"><x a="', body="</sms:Body><Evil/>&")
    written = message.to_xml()
    root = parse_xml_body(written)
    assert root.attrib["Sid"] == '"><x a="'
    assert root[0].text == "</sms:Body><Evil/>&"
    assert Message.from_xml(written) == message


def test_text_xml_cannot_carry_is_refused_when_writing() -> None:
    with pytest.raises(ValueError, match="cannot be written in XML"):
        Message(sid="S", body="bell \x07").to_xml()


@pytest.mark.parametrize(
    ("document", "words"),
    [
        (b"<Other/>", "expected the element '{urn:example:sms}Message', got 'Other'"),
        (b"<!DOCTYPE x><x/>", "declares a DOCTYPE"),
        (b"not xml", "not well-formed XML"),
    ],
)
def test_a_document_that_is_not_the_model_raises_a_decode_error(
    document: bytes, words: str
) -> None:
    with pytest.raises(
        DecodeError, match=words.replace("(", r"\(").replace("{", r"\{")
    ):
        Message.from_xml(document)


def test_a_map_key_that_is_not_an_xml_name_is_refused_when_writing() -> None:
    with pytest.raises(
        ValueError, match="the key '1st' of 'Labels' is not an XML name"
    ):
        Message(sid="S", labels={"1st": "x"}).to_xml()


def test_an_xml_error_body_is_parsed_with_the_documented_schema() -> None:
    import httpx

    from generator.static._runtime import error_for_status

    content = b'<Media sid="ME1"><Size>7</Size></Media>'
    response = httpx.Response(
        404, content=content, headers={"Content-Type": "application/xml"}
    )
    error = error_for_status(
        response,
        {"404": "Not found"},
        content,
        1000,
        error_classes={},
        decoders={"404": Media.from_dict},
    )
    assert error.body == Media(sid="ME1", size=7)
    assert (error.text, error.json) == (content.decode(), None)
    other = error_for_status(
        response,
        {"404": "Not found"},
        b"<Other/>",
        1000,
        error_classes={},
        decoders={"404": Media.from_dict},
    )
    assert other.body is None and other.text == "<Other/>"


@pytest.mark.parametrize(
    "media_type",
    [
        "application/xml",
        "text/xml; charset=utf-8",
        "application/atom+xml",
        "APPLICATION/XML",
        "application/json",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/xml-dtd",
        "text/plain",
        "",
    ],
)
def test_the_generator_and_the_runtime_agree_on_what_is_xml(media_type: str) -> None:
    from generator.model import is_xml
    from generator.static._runtime import is_xml_type

    assert is_xml(media_type) == is_xml_type(media_type)
    assert is_xml(media_type) == (
        media_type.lower().split(";")[0] in ("application/xml", "text/xml")
        or media_type.split(";")[0].endswith("+xml")
    )


def test_the_generator_and_the_runtime_agree_on_what_an_xml_name_is() -> None:
    from generator.render import xmlform
    from generator.static import _runtime

    assert xmlform.XML_NAME.pattern == _runtime.XML_NAME.pattern


@pytest.mark.parametrize(
    "document",
    [
        b'<Pet kind="dog"><name>Rex</name><barks>true</barks></Pet>',  # the base's element
        b'<Dog kind="dog"><name>Rex</name><barks>true</barks></Dog>',  # the subtype's own
    ],
)
def test_a_polymorphic_model_reads_the_subtype_its_discriminator_names(
    document: bytes,
) -> None:
    from ..xml_models import Dog, Pet

    pet = Pet.from_xml(document)
    assert pet == Dog(name="Rex", barks=True)
    assert pet.to_xml() == b'<Dog kind="dog"><name>Rex</name><barks>true</barks></Dog>'
    assert Pet.from_xml(b'<Pet kind="cat"><name>Tom</name></Pet>') == Pet(
        kind="cat", name="Tom"
    )


MEDIA_LIST = XmlList(
    Media,
    XmlNode("MediaList", "list", wrapped=True, item=XmlNode("Media", "model", "Media")),
)


def test_a_root_level_array_is_read_and_written() -> None:
    document = b'<MediaList><Media sid="ME1"><Size>3</Size></Media><Media sid="ME2"/></MediaList>'
    items = MEDIA_LIST.from_xml(document)
    assert [(m.sid, m.size) for m in items] == [("ME1", 3), ("ME2", UNSET)]
    assert MEDIA_LIST.to_xml(items) == document
    assert (
        MEDIA_LIST.to_xml([{"sid": "ME3"}])
        == b'<MediaList><Media sid="ME3"/></MediaList>'
    )
    assert MEDIA_LIST.to_xml([]) == b"<MediaList/>"
    assert MEDIA_LIST.from_xml(b"<MediaList/>") == []


def test_a_root_level_array_is_its_json_decoder_too() -> None:
    items = MEDIA_LIST([{"sid": "ME1", "size": 2}])
    assert [(m.sid, m.size) for m in items] == [("ME1", 2)]
    with pytest.raises(DecodeError, match="expected a JSON array"):
        MEDIA_LIST({"sid": "ME1"})


@pytest.mark.parametrize(
    ("document", "reason"),
    [
        (b"<Other/>", "expected the element 'MediaList', got 'Other'"),
        (b"<MediaList>", "not well-formed|no element found"),
    ],
)
def test_a_document_that_is_not_the_array_raises_a_decode_error(
    document: bytes, reason: str
) -> None:
    with pytest.raises(DecodeError, match=reason):
        MEDIA_LIST.from_xml(document)
