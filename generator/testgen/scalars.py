"""Scalar example values that satisfy the spec's constraints, for the generated tests.

A validating server (Prism, the service itself) rejects a request whose values break the spec:
an `enum`, a `format` such as date or date-time, a `pattern`, lengths, ranges. The spec's own
`x-example` / `example` is used first when it satisfies its constraints; otherwise a value is
built from them, deterministically from a label and a number.
"""

from __future__ import annotations

import base64
import math
import re
from typing import Any

from generator.model import Constraints

try:  # the regular-expression parser: `re._parser` from Python 3.11, `sre_parse` before
    import re._parser as _sre  # type: ignore[import-not-found,unused-ignore]
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre  # type: ignore[no-redef,unused-ignore]

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})\Z"
)


def sample(
    python: str, label: str, number: int, constraints: Constraints, index: int = 0
) -> Any:
    """A value of the scalar type `python` (int, float, bool, str, bytes or Any) that meets
    the constraints; `index` picks among enum members (distinct items of an array)."""
    if python == "bytes":
        return f"file-{number} content".encode()
    example = constraints.example
    if example is not None and satisfies(python, example, constraints):
        return example
    members = [v for v in constraints.enum if satisfies(python, v, constraints, False)]
    if members:
        return members[index % len(members)]
    if python == "int":
        return int(_in_range(number, constraints, whole=True))
    if python == "float":
        return _in_range(number + 0.5, constraints, whole=False)
    if python == "bool":
        return number % 2 == 1
    return _string(label, number, constraints)


def satisfies(
    python: str, value: Any, constraints: Constraints, check_enum: bool = True
) -> bool:
    """Whether a value is of the type and within every constraint this module knows."""
    if python == "int":
        return (
            _is_number(value)
            and float(value).is_integer()
            and _fits(value, constraints)
        )
    if python == "float":
        return _is_number(value) and _fits(value, constraints)
    if python == "bool":
        return isinstance(value, bool)
    if python == "Any" and not isinstance(value, str):
        return True  # an untyped value: any JSON scalar will do
    if python not in ("str", "Any") or not isinstance(value, str):
        return False
    if check_enum and constraints.enum and value not in constraints.enum:
        return False
    return _string_fits(value, constraints)


def _is_number(value: Any) -> bool:
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
    )


def _fits(value: float, c: Constraints) -> bool:
    if c.minimum is not None and (
        value < c.minimum or (c.exclusive_minimum and value == c.minimum)
    ):
        return False
    if c.maximum is not None and (
        value > c.maximum or (c.exclusive_maximum and value == c.maximum)
    ):
        return False
    if c.multiple_of:
        quotient = value / c.multiple_of
        return math.isclose(quotient, round(quotient), abs_tol=1e-9)
    return True


def _in_range(value: float, c: Constraints, *, whole: bool) -> float:
    """The value moved into [minimum, maximum] and onto a multiple of multipleOf."""
    step = 1.0 if whole else 0.5
    low = c.minimum if c.minimum is not None else -math.inf
    high = c.maximum if c.maximum is not None else math.inf
    if c.multiple_of:
        multiple = c.multiple_of
        if whole and not float(multiple).is_integer():
            multiple = float(math.ceil(multiple))
        value = math.ceil(max(value, low) / multiple) * multiple
        step = multiple
    if value < low or (c.exclusive_minimum and value == low):
        value = low + (step if c.exclusive_minimum else 0)
    if value > high or (c.exclusive_maximum and value == high):
        value = high - (step if c.exclusive_maximum else 0)
    if whole:
        value = float(
            math.floor(value) if math.floor(value) >= low else math.ceil(value)
        )
    return value


def _string(label: str, number: int, c: Constraints) -> str:
    by_format = _formatted(c.format, label, number)
    if by_format is not None:
        return by_format
    text = f"{label}-{number}"
    if c.pattern:
        matching = from_pattern(c.pattern)
        if matching is not None:
            text = matching
    return _sized(text, c)


def _sized(text: str, c: Constraints) -> str:
    if c.min_length is not None and len(text) < c.min_length:
        text += "x" * (c.min_length - len(text))
    if c.max_length is not None and len(text) > c.max_length:
        text = text[-c.max_length :] if c.max_length else ""
    return text


def _string_fits(value: str, c: Constraints) -> bool:
    if c.min_length is not None and len(value) < c.min_length:
        return False
    if c.max_length is not None and len(value) > c.max_length:
        return False
    if c.format == "date" and not _DATE.match(value):
        return False
    if c.format == "date-time" and not _DATE_TIME.match(value):
        return False
    if c.pattern:
        try:
            return re.search(c.pattern, value) is not None
        except (re.error, RecursionError, OverflowError):
            return True  # a pattern Python cannot read constrains nothing it can check
    return True


def _formatted(kind: str, label: str, number: int) -> str | None:
    day = 1 + number % 28
    samples = {
        "date": f"2024-01-{day:02d}",
        "date-time": f"2024-01-{day:02d}T12:00:00Z",
        "time": "12:00:00",
        "email": f"user-{number}@example.com",
        "uuid": f"00000000-0000-4000-8000-{number:012d}",
        "uri": f"https://example.com/{label}-{number}",
        "url": f"https://example.com/{label}-{number}",
        "hostname": f"host-{number}.example.com",
        "ipv4": f"192.0.2.{number % 256}",
        "ipv6": f"2001:db8::{number % 65536:x}",
        "byte": base64.b64encode(f"{label}-{number}".encode()).decode("ascii"),
    }
    return samples.get(kind)


# -- a string a regular expression matches --------------------------------------------------


class _Unsupported(Exception):
    """A construct this sampler does not build text for."""


_CATEGORIES = {
    "CATEGORY_DIGIT": "0",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
}
_CATEGORY_PATTERNS = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
}
_CANDIDATES = "a0A_-x. Z9"


def from_pattern(pattern: str) -> str | None:
    """The shortest-looking text the pattern finds (searched, as JSON Schema's `pattern` is),
    or None when it cannot be built or checked."""
    try:
        parsed = _sre.parse(pattern)
        groups: dict[int, str] = {}
        text = _emit(list(parsed), groups)
        return text if re.search(pattern, text) else None
    except (re.error, _Unsupported, RecursionError, OverflowError, ValueError):
        return None


def _emit(items: list[tuple[Any, Any]], groups: dict[int, str]) -> str:
    return "".join(_emit_one(str(op), value, groups) for op, value in items)


def _emit_one(op: str, value: Any, groups: dict[int, str]) -> str:
    if op == "LITERAL":
        return chr(value)
    if op == "NOT_LITERAL":
        return "a" if chr(value) != "a" else "b"
    if op == "ANY":
        return "a"
    if op == "IN":
        return _member(value)
    if op in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
        low, _, sub = value
        if low > 100:
            raise _Unsupported("a long repetition")
        return "".join(_emit(list(sub), groups) for _ in range(low))
    if op == "SUBPATTERN":
        group, sub = value[0], value[-1]
        text = _emit(list(sub), groups)
        if group is not None:
            groups[group] = text
        return text
    if op == "BRANCH":
        return _emit(list(value[1][0]), groups)
    if op == "CATEGORY":
        return _CATEGORIES.get(str(value), "a")
    if op == "GROUPREF":
        return groups.get(value, "")
    if op in ("AT", "ASSERT", "ASSERT_NOT"):
        return ""
    raise _Unsupported(op)


def _member(items: list[tuple[Any, Any]]) -> str:
    """A character of a `[...]` class."""
    negated = bool(items) and str(items[0][0]) == "NEGATE"
    if not negated:
        op, value = str(items[0][0]), items[0][1]
        if op == "LITERAL":
            return chr(value)
        if op == "RANGE":
            return chr(value[0])
        if op == "CATEGORY":
            return _CATEGORIES.get(str(value), "a")
        raise _Unsupported(op)
    for candidate in _CANDIDATES:
        if not any(_in_item(candidate, op, value) for op, value in items[1:]):
            return candidate
    raise _Unsupported("a class that excludes every candidate")


def _in_item(char: str, op: Any, value: Any) -> bool:
    op = str(op)
    if op == "LITERAL":
        return char == chr(value)
    if op == "RANGE":
        return bool(value[0] <= ord(char) <= value[1])
    if op == "CATEGORY":
        pattern = _CATEGORY_PATTERNS.get(str(value))
        return bool(pattern and re.fullmatch(pattern, char))
    return False
