"""Each model's XML form, decided from its schema's `xml` metadata with Swagger 2.0's defaults,
or why it has none.

An element is named after the property's wire name or the definition (its `xml.name` when
given), verbatim; an array is unwrapped unless `wrapped`, its items named by the items'
`xml.name`, else by the property; `attribute` makes a scalar an attribute; namespaces and
prefixes are kept. A schema with no XML form (a free-form value, a file, an array of arrays, a
name that is not an XML name, a model without one) leaves XML out of the models that hold it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple
from xml.sax.saxutils import escape, quoteattr

from generator.model import (
    ANY,
    BYTES,
    Api,
    BodyEncoding,
    DictType,
    EnumType,
    Field,
    ListType,
    Model,
    ModelType,
    Operation,
    RequestBody,
    ScalarType,
    TypeRef,
    XmlName,
)

# An XML name without a colon (a prefix is given apart): a letter or `_`, then letters, digits,
# `.`, `-` and `_`.
XML_NAME = re.compile(r"[^\W\d][\w.-]*")
SCALAR_KINDS = {
    "str": "str",
    "int": "int",
    "float": "float",
    "bool": "bool",
    "Any": "any",
}


@dataclass(frozen=True)
class XmlNodeSpec:
    """What the runtime's XmlNode of a value holds (the same names, the same defaults)."""

    name: str
    kind: str = "str"
    of: str = ""
    namespace: str = ""
    prefix: str = ""
    attribute: bool = False
    wrapped: bool = False
    item: XmlNodeSpec | None = None


@dataclass(frozen=True)
class ModelForm:
    element: XmlNodeSpec
    # (attribute name, wire name, node) of each field, in field order
    fields: tuple[tuple[str, str, XmlNodeSpec], ...]


@dataclass(frozen=True)
class OperationXml:
    """The media types an operation offers for its body and its result, JSON's first when it
    offers JSON too (empty: JSON only in that direction), and its body's model class; for a
    body or result that is a root-level array of models, its document's node (by status).
    """

    consumes: tuple[str, ...]
    produces: tuple[str, ...]
    body_model: str | None
    body_list: XmlNodeSpec | None = None
    result_lists: tuple[tuple[str, XmlNodeSpec], ...] = ()


class NoXmlForm(Exception):
    """Why a schema has no XML form (a sentence)."""


@dataclass
class XmlForms:
    """The XML form of every model that has one, and the reason of every other."""

    api: Api

    def __post_init__(self) -> None:
        self.forms: dict[str, ModelForm] = {}
        self.reasons: dict[str, str] = {}
        if not self.api.speaks_xml:
            return
        models = {model.name: model for model in self.api.models}
        for model in self.api.models:
            self._decide(model, models, pending=set())
        for model in self.api.models:  # a hierarchy has XML only as a whole
            family = self._family(model, models)
            missing = [name for name in family if name in self.reasons]
            if missing and model.name in self.forms:
                del self.forms[model.name]
                self.reasons[model.name] = (
                    f"its subtype or base {missing[0]} has no XML form"
                )

    def operation(self, op: Operation) -> OperationXml | None:
        """What XML the operation speaks; None for JSON only (it offers no XML, or what it
        sends or returns has no XML form: a warning says so, see `problems`)."""
        return self._decided[op.pointer][0]

    def problems(self) -> list[Problem]:
        """(message, pointer, raw) for every operation whose XML is left out: `raw` where XML
        is its only format in that direction (see `with_raw_xml`)."""
        return [p for _, found in self._decided.values() for p in found]

    def with_raw_xml(self) -> Api:
        """The API with each body or result that only XML can carry, and that has no XML
        form, taken and returned as the raw XML bytes (the operation stays, typed as bytes in
        that direction): what the generator understands but cannot type."""
        operations = []
        for op in self.api.operations:
            raw = {p.direction for p in self._decided[op.pointer][1] if p.raw}
            operations.append(_raw(op, "sends" in raw, "returns" in raw))
        return dataclasses.replace(self.api, operations=tuple(operations))

    @cached_property
    def _decided(self) -> dict[str, tuple[OperationXml | None, list[Problem]]]:
        return {op.pointer: self._operation(op) for op in self.api.operations}

    def _operation(self, op: Operation) -> tuple[OperationXml | None, list[Problem]]:
        problems: list[Problem] = []
        body = next((p for p in op.parameters if p.location == "body"), None)
        # a header parameter of the spec's own (NetDocuments' constant `Accept:
        # application/json`) decides that direction's format, not data_format
        spelled = {p.wire_name.strip().lower() for p in op.located("header")}
        consumes: tuple[str, ...] = ()
        body_list = None
        if op.xml_consumes and body is not None and "content-type" not in spelled:
            body_list = self._root_list(body.type, body.root_xml, body.root_item_xml)
            reason = None if body_list else self._no_form(body.type)
            if reason is None:
                consumes = ("application/json",) * op.json_consumed + op.xml_consumes
            else:
                problems.append(_problem(op, "sends", reason, not op.json_consumed))
        produces: tuple[str, ...] = ()
        lists = tuple(
            (r.status, node)
            for r in op.success_responses
            if (node := self._root_list(r.type, r.root_xml, r.root_item_xml))
        )
        if op.xml_produces and "accept" not in spelled:
            reasons = [
                self._no_form(r.type)
                for r in op.success_responses
                if r.type is not None and r.status not in dict(lists)
            ]
            reason = next((r for r in reasons if r is not None), None)
            if reason is None:
                produces = ("application/json",) * op.json_produced + op.xml_produces
            else:
                problems.append(_problem(op, "returns", reason, not op.json_produced))
        if not (consumes or produces):
            return None, problems
        model = body.type.name if body and isinstance(body.type, ModelType) else None
        decided = OperationXml(
            consumes,
            produces,
            model if consumes else None,
            body_list if consumes else None,
            lists if produces else (),
        )
        return decided, problems

    def _root_list(
        self, kind: TypeRef | None, root: XmlName, item: XmlName
    ) -> XmlNodeSpec | None:
        """A root-level array of models as an XML document: its element (the array's `xml`
        name, else its definition's) holding an element per item (the items' `xml` name,
        else the model's element); None when it is no such array or has no form."""
        if not isinstance(kind, ListType) or not isinstance(kind.item, ModelType):
            return None
        if kind.item.name not in self.forms or not XML_NAME.fullmatch(root.name):
            return None
        element = self.forms[kind.item.name].element
        if item.name:
            if not XML_NAME.fullmatch(item.name):
                return None
            element = _replace(element, name=item.name)
        node = _replace(_named(root, root.name, "the array"), kind="list", wrapped=True)
        return _replace(node, item=_replace(element, kind="model", of=kind.item.name))

    def _no_form(self, kind: TypeRef) -> str | None:
        """Why a body or result of this type has no XML form; None when it has one."""
        if not isinstance(kind, ModelType):
            return "it is not a model (a definition's element is the connector's XML)"
        if kind.name in self.forms:
            return None
        return f"{kind.name} has no XML form: {self.reasons[kind.name]}"

    def _family(self, model: Model, models: dict[str, Model]) -> list[str]:
        root = model
        while root.base:
            root = models[root.base]
        return [root.name, *(name for _, name in root.subtypes)]

    def _decide(
        self, model: Model, models: dict[str, Model], pending: set[str]
    ) -> bool:
        if model.name in self.forms or model.name in pending:
            return True  # decided, or being decided up the stack (a recursive schema)
        if model.name in self.reasons:
            return False
        pending.add(model.name)
        try:
            fields = tuple(
                (f.python_name, f.wire_name, self._field(f, models, pending))
                for f in model.fields
            )
        except NoXmlForm as reason:
            self.reasons[model.name] = str(reason)
            return False
        finally:
            pending.discard(model.name)
        element = _named(model.xml, model.name, f"the definition {model.name}")
        self.forms[model.name] = ModelForm(element, fields)
        return True

    def _field(
        self, field: Field, models: dict[str, Model], pending: set[str]
    ) -> XmlNodeSpec:
        where = f"the property {field.wire_name!r}"
        node = _named(field.xml, field.wire_name, where)
        kind = field.type
        if isinstance(kind, ListType):
            item_name = field.item_xml.name or field.wire_name
            item = self._value(
                kind.item, field.item_xml, item_name, where, models, pending
            )
            return _replace(node, kind="list", item=item, attribute=False)
        value = self._value(kind, field.xml, field.wire_name, where, models, pending)
        if node.attribute and value.kind not in {*SCALAR_KINDS.values(), "enum"}:
            raise NoXmlForm(f"{where} is an attribute but not a scalar")
        return _replace(value, attribute=node.attribute)

    def _value(
        self,
        kind: TypeRef,
        xml: XmlName,
        name: str,
        where: str,
        models: dict[str, Model],
        pending: set[str],
    ) -> XmlNodeSpec:
        node = _named(xml, name, where)
        if isinstance(kind, ScalarType) and kind.python in SCALAR_KINDS:
            return _replace(node, kind=SCALAR_KINDS[kind.python])
        if isinstance(kind, EnumType):
            return _replace(node, kind="enum", of=kind.name)
        if isinstance(kind, ModelType):
            if not self._decide(models[kind.name], models, pending):
                raise NoXmlForm(f"{where} holds {kind.name}, which has no XML form")
            return _replace(node, kind="model", of=kind.name)
        if isinstance(kind, DictType) and kind.value == ANY:
            raise NoXmlForm(f"{where} is a free-form object: XML has no form for it")
        if isinstance(kind, DictType) and not isinstance(
            kind.value, (ListType, DictType)
        ):
            value = self._value(kind.value, XmlName(), "item", where, models, pending)
            return _replace(node, kind="dict", item=_replace(value, name=""))
        if kind == ANY:  # untyped: read as its text, written when it is a scalar
            return _replace(node, kind="any")
        raise NoXmlForm(f"{where} has no XML form")


class Problem(NamedTuple):
    """An operation whose XML is left out in one direction, and why."""

    message: str
    pointer: str
    raw: bool  # XML was its only format there: the method takes or returns bytes
    direction: str  # "sends" (its body) or "returns" (its result)


def _problem(op: Operation, direction: str, reason: str, raw: bool) -> Problem:
    what = "body" if direction == "sends" else "result"
    if raw:
        taken = "takes" if direction == "sends" else "returns"
        message = (
            f"{op.method_name}() {direction} XML only, and its {what} has no XML form"
            f" ({reason}): the method {taken} it as the raw XML bytes"
        )
    else:
        message = (
            f"{op.method_name}() {direction} JSON only: its {what} has no XML form"
            f" ({reason})"
        )
    return Problem(message, op.pointer, raw, direction)


def _raw(op: Operation, sends: bool, returns: bool) -> Operation:
    """The operation with its body (`sends`) or its results (`returns`) as bytes."""
    changes: dict[str, Any] = {}
    body = op.body
    if sends and body is not None:
        raw_body = dataclasses.replace(body, type=BYTES)
        changes["parameters"] = tuple(
            raw_body if p is body else p for p in op.parameters
        )
        changes["request_body"] = RequestBody(
            BodyEncoding.BINARY, op.xml_consumes[0], payload=raw_body
        )
        changes["xml_consumes"] = ()
    if returns:
        successes = op.success_responses
        changes["responses"] = tuple(
            (
                dataclasses.replace(r, type=BYTES)
                if r in successes and r.type is not None
                else r
            )
            for r in op.responses
        )
        changes["xml_produces"] = ()
    return dataclasses.replace(op, **changes)


def _named(xml: XmlName, default: str, where: str) -> XmlNodeSpec:
    name = xml.name or default
    if not XML_NAME.fullmatch(name):
        raise NoXmlForm(f"{where}'s name {name!r} is not an XML name")
    if xml.prefix and not XML_NAME.fullmatch(xml.prefix):
        raise NoXmlForm(f"{where}'s XML prefix {xml.prefix!r} is not an XML name")
    return XmlNodeSpec(
        name,
        namespace=xml.namespace,
        prefix=xml.prefix if xml.namespace else "",
        attribute=xml.attribute,
        wrapped=xml.wrapped,
    )


def _replace(node: XmlNodeSpec, **changes: Any) -> XmlNodeSpec:
    return dataclasses.replace(node, **changes)


def xml_document(
    forms: dict[str, ModelForm], model: str, data: dict[str, Any]
) -> bytes:
    """The XML the runtime's `to_xml` writes for the model that JSON `data` (wire names)
    describes, worked out here from the forms alone: the generated tests' expectations.
    """
    parts: list[str] = []
    _element(parts, forms, forms[model].element, data, model, {})
    return "".join(parts).encode("utf-8")


def xml_list_document(
    forms: dict[str, ModelForm], node: XmlNodeSpec, items: list[Any]
) -> bytes:
    """The XML the runtime's `XmlList.to_xml` writes for a root-level array of models."""
    parts: list[str] = []
    _member(parts, forms, node, items, {})
    return "".join(parts).encode("utf-8")


def _element(
    parts: list[str],
    forms: dict[str, ModelForm],
    node: XmlNodeSpec,
    value: Any,
    model: str | None,
    declared: dict[str, str],
) -> None:
    """The element of a model (`model` names it), a map or a scalar."""
    declared = dict(declared)
    name = _prefixed(node)
    attributes: list[tuple[str, str]] = []
    if node.namespace and declared.get(node.prefix) != node.namespace:
        declared[node.prefix] = node.namespace
        key = f"xmlns:{node.prefix}" if node.prefix else "xmlns"
        attributes.append((key, node.namespace))
    members: list[tuple[XmlNodeSpec, Any]] = []
    if model is not None:
        for _, wire, member in forms[model].fields:
            if wire not in value or value[wire] is None:
                continue
            if member.attribute:
                attributes.append((_prefixed(member), _text(value[wire])))
            else:
                members.append((member, value[wire]))
    elif node.kind == "dict":
        assert node.item is not None
        members = [
            (dataclasses.replace(node.item, name=key), item)
            for key, item in value.items()
        ]
    parts.append("<" + name)
    parts += [f" {key}={quoteattr(text)}" for key, text in attributes]
    if model is None and node.kind != "dict":
        parts.append(">" + escape(_text(value)) + f"</{name}>")
        return
    if not members:
        parts.append("/>")
        return
    parts.append(">")
    for member, item in members:
        _member(parts, forms, member, item, declared)
    parts.append(f"</{name}>")


def _member(
    parts: list[str],
    forms: dict[str, ModelForm],
    node: XmlNodeSpec,
    value: Any,
    declared: dict[str, str],
) -> None:
    """A member's elements: a list's items (in its wrapper when wrapped), else one."""
    if node.kind != "list":
        _element(
            parts,
            forms,
            node,
            value,
            node.of if node.kind == "model" else None,
            declared,
        )
        return
    assert node.item is not None
    of = node.item.of if node.item.kind == "model" else None
    if node.wrapped:
        wrapper = dataclasses.replace(node, kind="wrapper")
        _wrapped(parts, forms, wrapper, value, of, declared)
        return
    for item in value:
        _element(parts, forms, node.item, item, of, declared)


def _wrapped(
    parts: list[str],
    forms: dict[str, ModelForm],
    node: XmlNodeSpec,
    items: list[Any],
    of: str | None,
    declared: dict[str, str],
) -> None:
    declared = dict(declared)
    name = _prefixed(node)
    start = "<" + name
    if node.namespace and declared.get(node.prefix) != node.namespace:
        declared[node.prefix] = node.namespace
        key = f"xmlns:{node.prefix}" if node.prefix else "xmlns"
        start += f" {key}={quoteattr(node.namespace)}"
    if not items:
        parts.append(start + "/>")
        return
    parts.append(start + ">")
    assert node.item is not None
    for item in items:
        _element(parts, forms, node.item, item, of, declared)
    parts.append(f"</{name}>")


def _prefixed(node: XmlNodeSpec) -> str:
    return f"{node.prefix}:{node.name}" if node.prefix else node.name


def _text(value: Any) -> str:
    """A scalar as the runtime writes it: booleans as true/false, numbers as Python does."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
