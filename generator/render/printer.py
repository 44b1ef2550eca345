"""Render stage, print: each generated statement in its final layout, decided where it is rendered.

The views build what the templates print from three shapes, and the `code(indent)` filter lays
them out. The promise is black-stability, under black's stable style and its preview style:
black, run on the output, changes nothing. A statement is printed on one line when it fits in
88 columns; otherwise the brackets of its outermost `Group` are exploded one element per
line, each ending in a comma (black's "magic trailing comma" then keeps that layout, in both
styles), and each element is laid out the same way one level deeper. A value that cannot be
split (a long string) stays long, as black leaves it. An assignment whose value cannot be split
puts the value in parentheses on its own line when it fits there, as black does.

Shapes black lays out differently in its two styles are not emitted: no subscript is ever
split (long annotations are named by type aliases), and no long comparison is printed (the
tests bind a long expected value to a name first).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.render.escape import py_literal

LINE_LENGTH = 88
INDENT = 4


def width(text: str) -> int:
    """The columns black counts for the text: its length, or for other than ASCII black's own
    display width (a wide character, most emoji and CJK, takes two; a combining one none).
    """
    if text.isascii():
        return len(text)
    # imported only for such text: black is slow to load
    from black.strings import str_width

    return int(str_width(text))


@dataclass(frozen=True)
class Group:
    """`head` items `tail`: a call's arguments, a definition's parameters, a list, tuple or
    dict display. `head` ends with the opening bracket; `tail` starts with the closing one and
    holds what follows it on the line (`) -> Message:`, `).parse()`). A one-element tuple
    keeps its comma on one line (`one_tuple`)."""

    head: str
    items: tuple[Node, ...]
    tail: str
    one_tuple: bool = False


@dataclass(frozen=True)
class Prefixed:
    """Text on the line before a node: `name=`, or a statement's `return `."""

    prefix: str
    node: Node
    statement: bool = False  # black may wrap the node in parentheses


def returning(node: Node) -> Prefixed:
    return Prefixed("return ", node, statement=True)


@dataclass(frozen=True)
class Entry:
    """`key: value` in a dict display. Too long for its line, the value is exploded when it is a
    `Group`, else put in parentheses on a line of its own (as black's preview style does, and
    its stable style keeps)."""

    key: str
    value: Node


@dataclass(frozen=True)
class Union:
    """Operands joined by ` | ` (a type union): split before each `|` inside parentheses."""

    operands: tuple[str, ...]


@dataclass(frozen=True)
class Definition:
    """`def name(parameters) -> returns:`; a return annotation too long for the last line
    goes in parentheses, split before each `|` when needs be (as black does)."""

    name: str
    parameters: tuple[Node, ...]
    returns: str | Union
    keyword: str = "def"  # or "async def"


@dataclass(frozen=True)
class Import:
    """`from module import a, b`; exploded in parentheses when too long."""

    module: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Assign:
    """`target: annotation = value`, the annotation or the value optional: a statement, or a
    parameter of a definition (`statement=False`), whose default black never wraps."""

    target: str
    annotation: str | Union = ""
    value: Node | None = None
    statement: bool = True


Node = str | Group | Prefixed | Entry | Union | Definition | Import | Assign


def call(function: str, *arguments: Node, tail: str = "") -> Group:
    return Group(f"{function}(", arguments, ")" + tail)


def flat(node: Node) -> str:
    """The node on one line."""
    if isinstance(node, str):
        return node
    if isinstance(node, Prefixed):
        return node.prefix + flat(node.node)
    if isinstance(node, Entry):
        return f"{node.key}: {flat(node.value)}"
    if isinstance(node, Union):
        return " | ".join(node.operands)
    if isinstance(node, Import):
        return f"from {node.module} import {', '.join(node.names)}"
    if isinstance(node, Definition):
        parameters = ", ".join(flat(p) for p in node.parameters)
        return f"{node.keyword} {node.name}({parameters}) -> {flat(node.returns)}:"
    if isinstance(node, Assign):
        annotation = f": {flat(node.annotation)}" if node.annotation else ""
        value = f" = {flat(node.value)}" if node.value is not None else ""
        return node.target + annotation + value
    comma = "," if node.one_tuple and len(node.items) == 1 else ""
    return node.head + ", ".join(flat(item) for item in node.items) + comma + node.tail


def literal(value: Any) -> Node:
    """JSON-like data (dict, list, tuple, scalars) as a node that prints as its literal."""
    if isinstance(value, dict):
        entries = tuple(Entry(py_literal(k), literal(v)) for k, v in value.items())
        return Group("{", entries, "}")
    if isinstance(value, list):
        return Group("[", tuple(map(literal, value)), "]")
    if isinstance(value, tuple):
        return Group("(", tuple(map(literal, value)), ")", one_tuple=True)
    return py_literal(value)


def lay_out(node: Node, indent: int = 0, end: str = "") -> str:
    """The node's lines from column `indent` (the first line unindented), followed by `end`."""
    line = flat(node) + end
    if indent + width(line) <= LINE_LENGTH:
        return line
    if isinstance(node, Group) and node.items:
        return _explode(node, indent, end)
    if isinstance(node, Import):
        group = Group(f"from {node.module} import (", node.names, ")")
        return _explode(group, indent, end)
    if isinstance(node, Definition):
        group = Group(
            f"{node.keyword} {node.name}(",
            node.parameters,
            f") -> {_returns(node, indent)}:",
        )
        return _explode(group, indent, end)
    if isinstance(node, Prefixed):
        if isinstance(node.node, Group) and node.node.items:
            if node.statement:
                value = _statement_value(node.prefix, node.node, indent, end)
                return node.prefix + value
            return node.prefix + _explode(node.node, indent, end)
        if node.statement and isinstance(node.node, Group):  # a chain of empty calls
            inner = " " * (indent + INDENT)
            return f"{node.prefix}(\n{inner}{flat(node.node)}\n{' ' * indent}){end}"
        return line
    if isinstance(node, Entry):
        if isinstance(node.value, Group) and node.value.items:
            return f"{node.key}: " + _explode(node.value, indent, end)
        inner = " " * (indent + INDENT)
        return f"{node.key}: (\n{inner}{flat(node.value)}\n{' ' * indent}){end}"
    if isinstance(node, Assign):
        return _assignment(node, indent, end)
    return line


def _returns(node: Definition, indent: int) -> str:
    """A definition's return annotation as its last line prints it: too long, a lone
    subscript splits after its bracket, anything else goes in parentheses (black's layouts).
    """
    returns = flat(node.returns)
    if indent + width(f") -> {returns}:") <= LINE_LENGTH:
        return returns
    lone = isinstance(node.returns, Union) and len(node.returns.operands) == 1
    if lone and returns.endswith("]"):
        split = _subscript_split(returns, indent, lead=len(") -> :"))
        return split.lstrip(" ").removesuffix("\n")
    return _parenthesized(node.returns, indent) or returns


def _explode(group: Group, indent: int, end: str) -> str:
    inner = indent + INDENT
    items = "".join(
        " " * inner + lay_out(item, inner, ",") + "\n" for item in group.items
    )
    return f"{group.head}\n{items}{' ' * indent}{group.tail}{end}"


def _statement_value(prefix: str, group: Group, indent: int, end: str) -> str:
    """A statement's bracketed value exploded; in parentheses, one level deeper, when its
    opening line is too long after the prefix and every line fits there (as black wraps it).
    """
    if indent + width(prefix + group.head) > LINE_LENGTH:
        inner = indent + INDENT
        body = " " * inner + lay_out(group, inner)
        if all(width(line) <= LINE_LENGTH for line in body.splitlines()):
            return f"(\n{body}\n{' ' * indent}){end}"
    return _explode(group, indent, end)


def _assignment(node: Assign, indent: int, end: str) -> str:
    """A statement's value exploded, or in parentheses on its own line; else the annotation in
    parentheses, split before each `|` when it needs more than one line (black's choices).
    """
    annotation = flat(node.annotation) if node.annotation else ""
    target = node.target + (f": {annotation}" if annotation else "")
    value = node.value
    if value is not None and isinstance(value, Group) and value.items:
        if node.statement:
            return f"{target} = " + _statement_value(f"{target} = ", value, indent, end)
        return f"{target} = " + _explode(value, indent, end)
    if isinstance(value, Union) and _lone_subscript(node, indent):
        # an alias of one subscript splits after its bracket
        lead = width(target) + 3
        split = _subscript_split(value.operands[0], indent, lead).lstrip(" ")
        return f"{target} = {split.removesuffix(chr(10))}{end}"
    if (
        node.statement
        and value is not None
        and indent + width(target) + 4 <= LINE_LENGTH
    ):
        wrapped = _parenthesized(value, indent)
        if wrapped:
            return f"{target} = {wrapped}{end}"
        if isinstance(value, Group) and not value.items:
            # a call without arguments goes in parentheses even where it is still too long
            inner = " " * (indent + INDENT)
            return f"{target} = (\n{inner}{flat(value)}\n{' ' * indent}){end}"
    lone = isinstance(node.annotation, Union) and len(node.annotation.operands) == 1
    if lone and annotation.endswith("]"):  # a lone subscript splits after its bracket
        rest = f" = {flat(value)}" if value is not None else ""
        lead = width(node.target) + 2 + width(rest)
        split = (
            _subscript_split(annotation, indent, lead).lstrip(" ").removesuffix("\n")
        )
        return f"{node.target}: {split}{rest}{end}"
    if annotation:
        wrapped = _parenthesized(node.annotation, indent)
        rest = f" = {flat(value)}" if value is not None else ""
        if wrapped:
            return f"{node.target}: {wrapped}{rest}{end}"
    return flat(node) + end


def _lone_subscript(node: Assign, indent: int) -> bool:
    value = node.value
    if not isinstance(value, Union) or len(value.operands) != 1:
        return False
    operand = value.operands[0]
    opening = f"{node.target}: {flat(node.annotation)} = {operand.partition('[')[0]}["
    return operand.endswith("]") and indent + width(opening) <= LINE_LENGTH


def _parenthesized(node: Node, indent: int) -> str:
    """`(`, the node on the next line one level deeper, `)`; a union split before each `|`
    when it does not fit on one line. Empty when even that does not fit."""
    inner = " " * (indent + INDENT)
    text = flat(node)
    if len(inner) + width(text) <= LINE_LENGTH:
        lines = [text]
    elif isinstance(node, Union) and len(node.operands) > 1:
        lines = [node.operands[0], *(f"| {o}" for o in node.operands[1:])]
    else:
        return ""
    body = "".join(_subscript_split(line, indent + INDENT) for line in lines)
    return f"(\n{body}{' ' * indent})"


def _subscript_split(line: str, indent: int, lead: int = 0) -> str:
    """An annotation's line, from column `indent` after `lead` characters, as lines: one too
    long that ends in a subscript (`list[X]`, `| dict[str, X]`) splits after its bracket, its
    inside one level deeper; a lone element takes no comma, several go one per line with
    a comma each when they do not fit on one (black's layout of a subscript)."""
    return "".join(f"{row}\n" for row in _subscript_lines(line, indent, lead))


def _subscript_lines(text: str, indent: int, lead: int) -> list[str]:
    pad, inner = " " * indent, " " * (indent + INDENT)
    if (
        indent + lead + width(text) <= LINE_LENGTH
        or not text.endswith("]")
        or "[" not in text
    ):
        return [pad + text]
    head, _, inside = text[:-1].partition("[")
    elements = top_level_split(inside, ", ")
    if len(elements) == 1:
        return [
            f"{pad}{head}[",
            *_subscript_lines(inside, indent + INDENT, 0),
            f"{pad}]",
        ]
    if len(inner) + width(inside) <= LINE_LENGTH:
        return [f"{pad}{head}[", inner + inside, f"{pad}]"]
    rows = [f"{pad}{head}["]
    for element in elements:
        lines = _subscript_lines(element, indent + INDENT, 1)
        rows += [*lines[:-1], lines[-1] + ","]
    return [*rows, f"{pad}]"]


def top_level_split(text: str, separator: str) -> list[str]:
    """Text split at the separators outside brackets."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += (char in "([{") - (char in ")]}")
        if depth == 0 and text.startswith(separator, index):
            parts.append(text[start:index])
            start = index + len(separator)
    return [*parts, text[start:]]


def unsure_lines(text: str) -> list[str]:
    """The lines of printed source longer than LINE_LENGTH that are not one of the shapes
    black leaves long in both styles (a string argument or element, or a docstring line): a statement the printer had no layout for. Such a file is left to black.
    """
    unsure = []
    in_docstring = False
    for line in text.splitlines():
        quotes = line.count('"""')
        if (
            width(line) > LINE_LENGTH
            and not in_docstring
            and not line.lstrip().startswith("#")  # black leaves comments as they are
            and not (quotes and _opens(line))
        ) and not _LONG_ATOM.fullmatch(line.strip()):
            unsure.append(line)
        if quotes % 2:
            in_docstring = not in_docstring
    return unsure


def _opens(line: str) -> bool:
    return line.lstrip().startswith('"""')


# What black leaves long in both styles: one string literal or name, maybe after `name=`, maybe
# followed by a comma (an argument or element); the opening line of an exploded call,
# definition or class (`return self.long_name(`, `raw = await self.long_name(`); `class LongName:`; a definition's last line;
# a declaration `name: LongName` without a value; a chain of calls without arguments (maybe
# awaited); a name given a string (`MEMBER = "long value"`, or a parameter's string default,
# `base_url: str = "https://...",`); an
# argument whose call opens, or is empty, on a line of its own (`field=models.LongName(`,
# `raw=lambda client: client.long_name(`).
_STRING = r'(?:[rbuRBU]{0,2}"(?:[^"\\]|\\.)*"|[rbuRBU]{0,2}\'(?:[^\'\\]|\\.)*\')'
_NAME = r"[A-Za-z_][A-Za-z0-9_.]*"
_LONG_ATOM = re.compile(
    rf"(?:{_NAME}=)?(?:{_STRING}|{_NAME}),?"
    rf"|(?:return |class |(?:async )?def |{_NAME} = )?(?:await )?{_NAME}\("
    rf"|class {_NAME}:|\) -> {_NAME}(?:\[{_NAME}\])?:"
    rf"|{_NAME}: {_NAME}|(?:await )?{_NAME}\(\)(?:\.{_NAME}\(\))*|{_NAME} = {_STRING}"
    rf"|{_NAME}: {_NAME} = {_STRING},"
    rf"|(?:{_NAME}=)?(?:lambda(?: {_NAME})?: )?{_NAME}\((?:\),?)?"
)
