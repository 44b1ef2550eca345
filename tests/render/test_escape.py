"""The escaping filters: whatever the spec text, the source they produce reads back as that
text and nothing else."""

from __future__ import annotations

import ast

import pytest

from generator.render.escape import comment, docstring, py_literal

HOSTILE = [
    '"""',
    "'''",
    'ends with a quote"',
    'q""',
    'x""""',
    "ends with a backslash \\",
    '\\"',
    "nul \x00 escape \x1b bell \x07",
    "line\r\nbreaks\rand\nmore",
    "{{ jinja }} {% block %} {# note #}",
    "# noqa\nimport os; os.system('x')",
    "emoji 😀 and \u2028 separator",
    "",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_a_docstring_reads_back_as_the_text(text: str) -> None:
    source = docstring(text)
    value = ast.literal_eval(source)
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    assert " ".join(value.split()) == " ".join(normalised.split())


@pytest.mark.parametrize("text", HOSTILE)
def test_a_literal_reads_back_exactly(text: str) -> None:
    assert ast.literal_eval(py_literal(text)) == text


@pytest.mark.parametrize("text", HOSTILE)
def test_a_comment_stays_on_one_line(text: str) -> None:
    line = comment(text)
    assert "\n" not in line and "\r" not in line and line.isprintable()
