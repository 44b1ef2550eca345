"""Escaping filters: the only way spec text reaches generated source.

Each filter makes a hostile string safe for one context: a string literal, a docstring, a comment.
Templates (built-in or a user's override) must pass every spec string through one of them.
"""

from __future__ import annotations

import re
import sys
import textwrap
from typing import Any

DOCSTRING_WIDTH = 88


def py_literal(value: Any) -> str:
    """A Python literal for JSON data (str, int, float, bool, None, list, dict, tuple),
    quoted and spaced as black prints it, so that formatting leaves it alone."""
    if isinstance(value, str):  # a str subclass (a ClosedSet member) prints as its text
        return _string(str.__str__(value))
    if isinstance(value, bytes):
        return _quoted(repr(value), value.count(b'"'), value.count(b"'"))
    if isinstance(value, dict):
        items = (f"{py_literal(k)}: {py_literal(v)}" for k, v in value.items())
        return "{" + ", ".join(items) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(py_literal, value)) + "]"
    if isinstance(value, tuple):
        inner = ", ".join(map(py_literal, value))
        return f"({inner},)" if len(value) == 1 else f"({inner})"
    if isinstance(value, float):
        return repr(value).replace("e+", "e")  # black drops an exponent's plus sign
    return repr(value)


def _string(text: str) -> str:
    return _quoted(repr(text), text.count('"'), text.count("'"))


def _quoted(representation: str, doubles: int, singles: int) -> str:
    """repr() with black's choice of quotes: double, unless that needs more escapes."""
    prefix = representation[: representation.index(representation[-1])]
    single = representation[len(prefix) :]
    if single.startswith('"') or doubles > singles:
        return representation
    body = single[1:-1]
    if not doubles and not singles:  # no quote inside: only the outer ones change
        return prefix + '"' + body + '"'
    out = []
    index = 0
    while index < len(body):
        char = body[index]
        if char == "\\":
            escaped = body[index + 1]
            out.append("'" if escaped == "'" else char + escaped)
            index += 2
            continue
        out.append('\\"' if char == '"' else char)
        index += 1
    return prefix + '"' + "".join(out) + '"'


def comment(text: Any) -> str:
    """One line of comment text: line breaks and control characters become spaces."""
    return " ".join(_printable(str(text)).split())


def docstring(text: Any, indent: int = 0) -> str:
    """A triple-quoted docstring holding the text, escaped, wrapped and indented."""
    lines = _wrap(_escape_docstring(str(text)), DOCSTRING_WIDTH - indent)
    if not lines:
        return '""""""'
    pad = " " * indent
    if len(lines) == 1:
        return f'"""{_as_black_prints(lines[0], pad)}"""'
    body = "\n".join(pad + line if line else "" for line in lines[1:])
    text = _as_black_prints(f"{lines[0]}\n{body}\n{pad}", pad)
    return f'"""{text}"""'


def _as_black_prints(body: str, indent: str) -> str:
    """A docstring's text as black normalises it (linegen's visit_STRING): leading tabs
    expanded, common indentation replaced by the code's, padding where a quote or a
    backslash meets the closing quotes. Output must not change when black runs on it."""
    if re.search(r"\\\s*\n", body):  # black leaves these docstrings alone
        return body
    if "\n" in body:
        body = _fix_multiline(body, indent)
    else:
        body = body.strip()
    if not body:
        return " "
    if body[0] == '"':
        body = " " + body
    if body[-1] == '"':
        body += " "
    trailing_backslash = False
    if body[-1] == "\\" and (len(body) - len(body.rstrip("\\"))) % 2:
        body += " "
        trailing_backslash = True
    lines = body.splitlines()
    last_length = len(lines[-1]) if not body.endswith("\n") else 0
    if (
        len(lines) > 1
        and last_length + 3 > DOCSTRING_WIDTH
        and len(indent) + 3 <= DOCSTRING_WIDTH
        and not trailing_backslash
    ):
        body += "\n" + indent
    return body


def _fix_multiline(body: str, indent: str) -> str:
    lines = [_expand_leading_tabs(line) for line in re.split(r"\r\n|[\r\n]", body)]
    common = min(
        (len(line) - len(line.lstrip()) for line in lines[1:] if line.lstrip()),
        default=sys.maxsize,
    )
    trimmed = [lines[0].strip()]
    if common < sys.maxsize:
        last = len(lines) - 2
        for index, line in enumerate(lines[1:]):
            stripped = line[common:].rstrip()
            trimmed.append(indent + stripped if stripped or index == last else "")
    return "\n".join(trimmed)


def _expand_leading_tabs(line: str) -> str:
    stripped = line.lstrip()
    if not stripped or stripped == line:
        return line
    return line[: len(line) - len(stripped)].expandtabs(4) + stripped


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _escape_docstring(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip().replace("\\", "\\\\")
    if not text.replace("\n", "").replace("\t", "").isprintable():
        text = "".join(map(_printable_or_escaped, text))
    result = text.replace('"""', '\\"\\"\\"')
    # an unescaped quote right before the closing triple quote would end the string early
    body = result[:-1]
    if result.endswith('"') and (len(body) - len(body.rstrip("\\"))) % 2 == 0:
        return body + '\\"'
    return result


def _printable_or_escaped(ch: str) -> str:
    if ch == "\n" or ch == "\t" or ch.isprintable():
        return ch
    return repr(ch)[1:-1] if ch.isascii() or ord(ch) <= 0xFFFF else ascii(ch)[1:-1]


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        stripped = line.rstrip()
        if len(stripped) <= width:
            lines.append(stripped)
            continue
        # continuation lines of an indented entry (an `Args:` item) are indented one step more
        indent = " " * (len(stripped) - len(stripped.lstrip(" ")))
        lines += textwrap.wrap(
            stripped.lstrip(" "),
            width,
            initial_indent=indent,
            subsequent_indent=indent + "    " if indent else "",
            break_long_words=False,
            break_on_hyphens=False,
        )
    while lines and not lines[-1]:
        lines.pop()
    return lines
