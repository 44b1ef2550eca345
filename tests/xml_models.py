"""Models written by hand the way the generator will write them with an XML form (a dataclass,
its to_dict/from_dict, and XML_SHAPE), for the runtime's XML mapping tests."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, ClassVar

from generator.static._runtime import (
    UNSET,
    Unset,
    XmlField,
    XmlModel,
    XmlNode,
    XmlShape,
    expect_object,
    serialize,
)


class Status(str, enum.Enum):
    QUEUED = "queued"
    SENT = "sent"


@dataclass(kw_only=True)
class Media(XmlModel):
    sid: str | Unset = UNSET
    size: int | Unset = UNSET
    additional_properties: dict[str, Any] = field(default_factory=dict)

    XML_SHAPE: ClassVar[XmlShape] = XmlShape(
        XmlNode("Media"),
        (
            XmlField("sid", XmlNode("sid", attribute=True)),
            XmlField("size", XmlNode("Size", "int")),
        ),
    )

    def to_dict(self) -> dict[str, Any]:
        return serialize(
            {"sid": self.sid, "size": self.size}, self.additional_properties
        )

    @classmethod
    def from_dict(cls, data: object) -> Media:
        fields = expect_object(data, "Media")
        return cls(
            sid=fields.pop("sid", UNSET),
            size=fields.pop("size", UNSET),
            additional_properties=fields,
        )


@dataclass(kw_only=True)
class Message(XmlModel):
    sid: str
    body: str | Unset = UNSET
    segments: int | Unset = UNSET
    price: float | Unset = UNSET
    redacted: bool | Unset = UNSET
    status: Status | str | Unset = UNSET
    tags: list[str] | Unset = UNSET
    media: list[Media] | Unset = UNSET
    sender: Media | Unset = UNSET
    labels: dict[str, str] | Unset = UNSET
    additional_properties: dict[str, Any] = field(default_factory=dict)

    XML_SHAPE: ClassVar[XmlShape] = XmlShape(
        XmlNode("Message", namespace="urn:example:sms", prefix="sms"),
        (
            XmlField("sid", XmlNode("Sid", attribute=True)),
            XmlField(
                "body", XmlNode("Body", namespace="urn:example:sms", prefix="sms")
            ),
            XmlField("segments", XmlNode("NumSegments", "int")),
            XmlField("price", XmlNode("Price", "float")),
            XmlField("redacted", XmlNode("Redacted", "bool")),
            XmlField("status", XmlNode("Status", "enum", of="Status")),
            XmlField("tags", XmlNode("tags", "list", item=XmlNode("Tag"))),
            XmlField(
                "media",
                XmlNode(
                    "MediaList",
                    "list",
                    wrapped=True,
                    item=XmlNode("Media", "model", of="Media"),
                ),
            ),
            XmlField("sender", XmlNode("Sender", "model", of="Media")),
            XmlField("labels", XmlNode("Labels", "dict", item=XmlNode("", "str"))),
        ),
    )

    def to_dict(self) -> dict[str, Any]:
        return serialize(
            {"sid": self.sid, "body": self.body, "num_segments": self.segments},
            self.additional_properties,
        )

    @classmethod
    def from_dict(cls, data: object) -> Message:
        fields = expect_object(data, "Message")
        return cls(
            sid=fields.pop("sid", UNSET),
            body=fields.pop("body", UNSET),
            segments=fields.pop("num_segments", UNSET),
            additional_properties=fields,
        )


@dataclass(kw_only=True)
class Pet(XmlModel):
    kind: str
    name: str | Unset = UNSET
    additional_properties: dict[str, Any] = field(default_factory=dict)

    XML_SHAPE: ClassVar[XmlShape] = XmlShape(
        XmlNode("Pet"),
        (
            XmlField("kind", XmlNode("kind", attribute=True)),
            XmlField("name", XmlNode("name")),
        ),
        discriminator="kind",
        subtypes=(("dog", "Dog"),),
    )

    def to_dict(self) -> dict[str, Any]:
        return serialize(
            {"kind": self.kind, "name": self.name}, self.additional_properties
        )

    @classmethod
    def from_dict(cls, data: object) -> Pet:
        fields = expect_object(data, "Pet")
        return cls(kind=fields.pop("kind", UNSET), additional_properties=fields)


@dataclass(kw_only=True)
class Dog(Pet):
    kind: str = "dog"
    barks: bool | Unset = UNSET

    XML_SHAPE: ClassVar[XmlShape] = XmlShape(
        XmlNode("Dog"),
        (
            XmlField("kind", XmlNode("kind", attribute=True)),
            XmlField("name", XmlNode("name")),
            XmlField("barks", XmlNode("barks", "bool")),
        ),
    )
