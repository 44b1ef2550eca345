"""Stage 1, load: read a spec file into plain JSON data, keeping positions for error reports.

JSON goes through the `json` module. YAML goes through PyYAML's composer, and scalars are then
resolved by the YAML 1.2 core schema rules narrowed to what JSON can say: only true/false,
null/~/empty and plain decimal numbers are typed, so `2010-04-01`, `on`, `0123`, `0x1F` and `1:30`
stay strings. Mapping keys are always strings (JSON object keys).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator.errors import SpecError
from generator.findings import Finding

# Limits that keep hostile documents from exhausting memory or the stack.
MAX_DEPTH = 200
MAX_NODES = 2_000_000

_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_TRUE = re.compile(r"(?:true|True|TRUE)\Z")
_FALSE = re.compile(r"(?:false|False|FALSE)\Z")
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]*)\Z")
_FLOAT = re.compile(
    r"[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z"
)

_Locator = Callable[[list[str]], "tuple[int, int] | None"]


@dataclass(frozen=True)
class SourceFile:
    """A loaded spec file: its data, its text digest and a way back from pointers to positions."""

    path: Path
    display_name: str
    data: Any
    digest: str
    _locate: _Locator
    # parts copied in from other files by the bundler: pointer here -> (file, pointer there)
    origins: dict[str, tuple[SourceFile, str]] = field(default_factory=dict)
    references: dict[str, str] = field(
        default_factory=dict
    )  # other files read: name -> digest
    warnings: tuple[
        Finding, ...
    ] = ()  # what was read despite (lone surrogates replaced)

    def locate(self, pointer: str) -> tuple[int, int] | None:
        """Line and column (1-based) of the value at a JSON pointer, or of its nearest parent."""
        try:
            return self._locate(split_pointer(pointer))
        except (ValueError, RecursionError, IndexError):
            return None

    def finding(self, message: str, pointer: str) -> Finding:
        """A finding at a pointer, in the file the value came from."""
        for local, (source, original) in self.origins.items():
            if pointer == local or pointer.startswith(local + "/"):
                return source.finding(message, original + pointer[len(local) :])
        position = self.locate(pointer)
        line, column = position if position else (None, None)
        return Finding(message, self.display_name, line, column, pointer)


def split_pointer(pointer: str) -> list[str]:
    if not pointer:
        return []
    return [
        part.replace("~1", "/").replace("~0", "~") for part in pointer[1:].split("/")
    ]


def join_pointer(parts: list[str | int] | tuple[str | int, ...]) -> str:
    return "".join(
        "/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts
    )


def text_digest(text: str) -> str:
    """sha256 of the text with line endings normalised, so a CRLF checkout digests the same."""
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def load_spec(path: Path, display_name: str, *, lenient: bool = False) -> SourceFile:
    """Read and parse a spec file; every failure is a SpecError naming the file. With
    `lenient`, raw control characters inside JSON strings are read, each string a warning.
    """
    text = _read_text(path, display_name)
    replaced: list[str] = []
    raw_controls: list[Finding] = []
    if path.suffix.lower() == ".json":
        data, locate = _load_json(text, display_name, raw_controls if lenient else None)
        if _SURROGATE_ESCAPE.search(text):
            data = _without_lone_surrogates(data, (), replaced)
    else:
        data, locate = _load_yaml(text, display_name)
    if not isinstance(data, dict):
        raise SpecError(
            [Finding("the document must be a mapping (a JSON object)", display_name)]
        )
    source = SourceFile(path, display_name, data, text_digest(text), locate)
    message = "a lone surrogate escape is not a character: replaced by U+FFFD"
    warnings = (
        *raw_controls,
        *(source.finding(message, pointer) for pointer in replaced),
    )
    return dataclasses.replace(source, warnings=warnings) if warnings else source


# JSON's `\ud800`-`\udfff` escapes: a pair is one character, a lone one is no character at all
# and cannot be written to a UTF-8 file.
_SURROGATE_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(
    value: Any, path: tuple[str, ...], found: list[str]
) -> Any:
    """`value` with every lone surrogate in its strings and keys replaced by U+FFFD; the
    pointers of the strings changed are added to `found`. (Depth is bounded by the loader.)
    """
    if isinstance(value, str):
        if _LONE_SURROGATE.search(value):
            found.append(join_pointer(list(path)))
            return _LONE_SURROGATE.sub("\ufffd", value)
        return value
    if isinstance(value, list):
        return [
            _without_lone_surrogates(item, (*path, str(index)), found)
            for index, item in enumerate(value)
        ]
    if isinstance(value, dict):
        fixed = {}
        for key, item in value.items():
            clean = _LONE_SURROGATE.sub("\ufffd", key)
            if clean != key:
                found.append(join_pointer([*path, clean]))
            fixed[clean] = _without_lone_surrogates(item, (*path, clean), found)
        return fixed
    return value


def _read_text(path: Path, display_name: str) -> str:
    if path.is_dir():
        raise SpecError([Finding("is a directory, not a spec file", display_name)])
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SpecError([Finding("no such file", display_name)]) from None
    except OSError as error:
        raise SpecError(
            [Finding(f"cannot be read: {error.strerror}", display_name)]
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        message = f"is not UTF-8 text (byte 0x{raw[error.start]:02x})"
        raise SpecError([Finding(message, display_name, line, column)]) from None
    if not text.strip():
        raise SpecError([Finding("is empty", display_name)])
    return text


def _load_json(
    text: str, display_name: str, raw_controls: list[Finding] | None = None
) -> tuple[Any, _Locator]:
    """The document and its locator. Given a `raw_controls` list, raw control characters
    inside strings (JSON requires them escaped) are read as the characters, and each string
    holding one is added to the list as a warning."""
    try:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            if raw_controls is None or not error.msg.startswith(_RAW_CONTROL):
                raise
            data = json.loads(text, strict=False)
            raw_controls += _raw_control_findings(text, display_name)
    except json.JSONDecodeError as error:
        hint = " (--lenient reads it)" if error.msg.startswith(_RAW_CONTROL) else ""
        finding = Finding(
            f"invalid JSON: {error.msg.removesuffix(' at')}{hint}",
            display_name,
            error.lineno,
            error.colno,
        )
        raise SpecError([finding]) from None
    except RecursionError:
        raise SpecError(
            [Finding("nesting is too deep to read", display_name)]
        ) from None
    _check_depth(data, display_name)
    return data, lambda parts: _json_position(text, parts)


_RAW_CONTROL = "Invalid control character"
_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x1f]")


def _raw_control_findings(text: str, display_name: str) -> list[Finding]:
    """A warning at every string of the JSON text that holds a raw control character."""
    findings = []
    for string in _JSON_STRING.finditer(text):
        control = _CONTROL.search(string.group())
        if control:
            line, column = _line_column(text, string.start() + control.start())
            message = (
                f"a raw control character (U+{ord(control.group()):04X}) inside a string,"
                " which JSON requires escaped: read as that character"
            )
            findings.append(Finding(message, display_name, line, column))
    return findings


def _check_depth(data: Any, display_name: str) -> None:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > MAX_DEPTH:
            message = f"nesting deeper than {MAX_DEPTH} levels is not supported"
            raise SpecError([Finding(message, display_name)])
        if isinstance(value, dict):
            stack.extend((child, depth + 1) for child in value.values())
        elif isinstance(value, list):
            stack.extend((child, depth + 1) for child in value)


def _json_position(text: str, parts: list[str]) -> tuple[int, int] | None:
    """Find the value at a pointer by scanning the text; only called to report an error."""
    decoder = json.JSONDecoder(strict=False)  # the text may be read leniently
    ws = re.compile(r"[ \t\n\r]*")
    position = ws.match(text, 0).end()  # type: ignore[union-attr]
    for part in parts:
        opener = text[position : position + 1]
        if opener not in ("{", "["):
            break
        container = position
        position += 1
        index = 0
        found = False
        while True:
            position = ws.match(text, position).end()  # type: ignore[union-attr]
            if text[position] in "]}":
                break
            if opener == "{":
                key, position = json.decoder.scanstring(text, position + 1)  # type: ignore[attr-defined]
                position = ws.match(text, position).end() + 1  # type: ignore[union-attr]
                position = ws.match(text, position).end()  # type: ignore[union-attr]
                found = key == part
            else:
                found = str(index) == part
                index += 1
            if found:
                break
            _, position = decoder.raw_decode(text, position)
            position = ws.match(text, position).end()  # type: ignore[union-attr]
            if text[position] == ",":
                position += 1
        if not found:
            position = container
            break
    return _line_column(text, position)


def _line_column(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def _yaml_loader_class() -> type[yaml.SafeLoader]:
    loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return loader


class _RedefiningLoader(yaml.SafeLoader):
    """PyYAML's composer, but an anchor defined again replaces the first definition, as
    YAML 1.2 says (an alias refers to the latest one); used only when a document does that.
    """

    def compose_node(self, parent: Any, index: Any) -> Any:
        if not self.check_event(yaml.AliasEvent):
            anchor = self.peek_event().anchor  # type: ignore[no-untyped-call]
            if anchor is not None:
                self.anchors.pop(anchor, None)
        return super().compose_node(parent, index)


def _compose(text: str) -> Any:
    """The YAML node tree: by the C loader, or by `_RedefiningLoader` where an anchor is
    defined twice (the only error it makes a difference to)."""
    try:
        return yaml.compose(text, Loader=_yaml_loader_class())
    except yaml.composer.ComposerError as error:
        if not (error.context or "").startswith("found duplicate anchor"):
            raise
    return yaml.compose(text, Loader=_RedefiningLoader)


def _load_yaml(text: str, display_name: str) -> tuple[Any, _Locator]:
    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        problem = error.problem or error.context or "invalid YAML"
        if error.context and error.problem and error.context_mark:
            # both places: what is repeated or unclosed where it began, and where it failed
            first = error.context_mark
            problem = (
                f"{error.context} at line {first.line + 1}, column {first.column + 1};"
                f" {error.problem}"
            )
        raise SpecError(
            [Finding(f"invalid YAML: {problem}", display_name, line, column)]
        ) from None
    except yaml.YAMLError as error:
        raise SpecError([Finding(f"invalid YAML: {error}", display_name)]) from None
    except RecursionError:
        raise SpecError(
            [Finding("nesting is too deep to read", display_name)]
        ) from None
    if root is None:
        raise SpecError([Finding("is empty", display_name)])
    data = _YamlConstructor(display_name).construct(root)
    return data, lambda parts: _yaml_position(root, parts)


class _YamlConstructor:
    """Builds JSON data from YAML nodes without recursion, bounding depth and alias expansion."""

    def __init__(self, display_name: str) -> None:
        self.display_name = display_name
        self.nodes = 0

    def fail(self, message: str, node: yaml.Node) -> SpecError:
        mark = node.start_mark
        return SpecError(
            [Finding(message, self.display_name, mark.line + 1, mark.column + 1)]
        )

    def construct(self, root: yaml.Node) -> Any:
        result: list[Any] = []
        # Each task fills one slot of a parent container: (node, depth, container, key).
        tasks: list[tuple[yaml.Node, int, Any, Any]] = [(root, 1, result, None)]
        while tasks:
            node, depth, container, key = tasks.pop()
            self.nodes += 1
            if self.nodes > MAX_NODES:
                message = f"expands to more than {MAX_NODES} values (YAML alias expansion limit)"
                raise self.fail(message, node)
            if depth > MAX_DEPTH:
                raise self.fail(
                    f"nesting deeper than {MAX_DEPTH} levels is not supported", node
                )
            value = self.shell(node)
            if key is None:
                container.append(value)
            else:
                container[key] = value
            if isinstance(node, yaml.MappingNode):
                places: dict[str, yaml.Node] = (
                    {}
                )  # each key's node, for a repeat's message
                for key_node, _ in node.value:
                    value[self.key(key_node, places)] = (
                        None  # reserve the slot: keeps key order
                    )
                slots = list(
                    zip(
                        value, (value_node for _, value_node in node.value), strict=True
                    )
                )
                for name, value_node in reversed(slots):
                    tasks.append((value_node, depth + 1, value, name))
            elif isinstance(node, yaml.SequenceNode):
                value.extend([None] * len(node.value))
                for index in reversed(range(len(node.value))):
                    tasks.append((node.value[index], depth + 1, value, index))
        return result[0]

    def shell(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            return {}
        if isinstance(node, yaml.SequenceNode):
            return []
        assert isinstance(node, yaml.ScalarNode)
        # A plain scalar's style is "" from the C loader and None from the Python one.
        return resolve_scalar(node.value, plain=not node.style)

    def key(self, node: yaml.Node, places: dict[str, yaml.Node]) -> str:
        """The key's text; a key met before in the mapping is refused, naming both places."""
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail("mapping keys must be plain strings", node)
        first = places.get(node.value)
        if first is not None:
            mark = first.start_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}"
            raise self.fail(f"duplicate key {node.value!r} (first at {where})", node)
        places[node.value] = node
        return str(node.value)


def resolve_scalar(text: str, *, plain: bool = True) -> Any:
    """Type a YAML scalar by the narrowed core schema; quoted and block scalars stay strings."""
    if not plain:
        return text
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    if _INT.match(text):
        return int(text)
    if _FLOAT.match(text):
        return float(text)
    return text


def _yaml_position(root: yaml.Node, parts: list[str]) -> tuple[int, int]:
    node = root
    for part in parts:
        child: yaml.Node | None = None
        if isinstance(node, yaml.MappingNode):
            child = next(
                (value for key, value in node.value if key.value == part), None
            )
        elif (
            isinstance(node, yaml.SequenceNode)
            and part.isdigit()
            and int(part) < len(node.value)
        ):
            child = node.value[int(part)]
        if child is None:
            break
        node = child
    return node.start_mark.line + 1, node.start_mark.column + 1
