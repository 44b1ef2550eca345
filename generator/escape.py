"""Escaping filters: the only way spec text reaches generated source.

Each filter makes a hostile string safe for one context: a string literal, a docstring, a comment.
Templates (built-in or a user's override) must pass every spec string through one of them.
"""

from __future__ import annotations

import textwrap
from typing import Any

DOCSTRING_WIDTH = 88


def py_literal(value: Any) -> str:
    """A Python literal for JSON data (str, int, float, bool, None, list, dict)."""
    return repr(value)


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
        return f'"""{lines[0]}"""'
    body = "\n".join(pad + line if line else "" for line in lines[1:])
    return f'"""{lines[0]}\n{body}\n{pad}"""'


def _printable(text: str) -> str:
    return "".join(ch if ch.isprintable() else " " for ch in text)


def _escape_docstring(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    escaped = []
    for ch in text.replace("\\", "\\\\"):
        if ch == "\n" or ch == "\t" or ch.isprintable():
            escaped.append(ch)
        else:
            escaped.append(
                repr(ch)[1:-1] if ch.isascii() or ord(ch) <= 0xFFFF else ascii(ch)[1:-1]
            )
    result = "".join(escaped).replace('"""', '\\"\\"\\"')
    # an unescaped quote right before the closing triple quote would end the string early
    body = result[:-1]
    if result.endswith('"') and (len(body) - len(body.rstrip("\\"))) % 2 == 0:
        return body + '\\"'
    return result


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
