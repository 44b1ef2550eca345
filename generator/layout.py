"""Stage 5, format: long lines split exactly as black splits them, without running black.

black parses and re-prints every line, about 3,500 lines a second per core: most of the time a
large spec takes. The templates already print black's spacing, quotes and blank lines, so
what is left is splitting statements longer than 88 characters. This module does that with
black's own algorithm (`linegen.transform_line`: right- and left-hand splits, delimiter splits,
optional parentheses, magic trailing commas), ported for the statements templates print on
one line: expressions of names, numbers, strings, operators and brackets in assignments,
`return`, `assert`, `def`, `class`, `from … import`, calls and decorators.

A line outside that subset raises `Unsupported` and the caller formats the file with black
itself, so output never depends on the port being complete; the tests compare the port with
black on every file generated from the corpus.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from operator import attrgetter

LINE_LENGTH = 88


class Unsupported(Exception):
    """A line this port does not cover: leave the file to black."""


class CannotSplit(Exception):
    """black's CannotTransform: this split does not apply; try the next one."""


# Delimiter priorities, as in black.brackets.
COMPREHENSION_PRIORITY = 20
COMMA_PRIORITY = 18
TERNARY_PRIORITY = 16
LOGIC_PRIORITY = 14
STRING_PRIORITY = 12
COMPARATOR_PRIORITY = 10
MATH_PRIORITIES = {
    "|": 9,
    "^": 8,
    "&": 7,
    "<<": 6,
    ">>": 6,
    "+": 5,
    "-": 5,
    "*": 4,
    "/": 4,
    "//": 4,
    "%": 4,
    "@": 4,
}
DOT_PRIORITY = 1
PRIORITY_NAMES = {
    "comprehension": COMPREHENSION_PRIORITY,
    "ternary": TERNARY_PRIORITY,
    "comparator": COMPARATOR_PRIORITY,
}
COMPARATORS = {"==", "!=", "<", ">", "<=", ">="}

OPENING = {"(": ")", "[": "]", "{": "}"}
CLOSING = {")": "(", "]": "[", "}": "{"}
KEYWORDS = {
    "and",
    "as",
    "assert",
    "async",
    "await",
    "class",
    "def",
    "del",
    "elif",
    "else",
    "except",
    "for",
    "from",
    "if",
    "import",
    "in",
    "is",
    "lambda",
    "not",
    "or",
    "raise",
    "return",
    "while",
    "with",
    "yield",
}
# Statements whose long lines this port leaves to black.
UNSUPPORTED_STARTS = {
    "async",
    "await",
    "else",
    "except",
    "global",
    "nonlocal",
    "try",
    "yield",
}


class Leaf:
    """A token, with what black's tree and bracket tracker know about it."""

    __slots__ = (
        "arglist",
        "before",
        "bracket_depth",
        "kind",
        "one_sequence",
        "opening_bracket",
        "original_prefix",
        "prefix",
        "priority_name",
        "role",
        "size",
        "text",
        "unary",
        "value",
        "wide",
    )

    def __init__(self, kind: str, value: str, prefix: str, role: str = "") -> None:
        self.kind = kind  # NAME NUMBER STRING OP COMMA OPEN CLOSE
        self.value = value
        self.prefix = prefix
        self.original_prefix = prefix  # the spacing a fresh copy gets
        self.bracket_depth = 0
        self.opening_bracket: Leaf | None = None
        # opening brackets: trailer, subscript, atom, parameters, invisible, import
        self.role = role
        self.arglist = (
            False  # a comma between arguments or parameters (black's arglist)
        )
        self.unary = False  # `-x`, `*args`, `**kwargs`: not a delimiter
        # keywords: comprehension, ternary or comparator (`not in`)
        self.priority_name = ""
        # prefix + value and its length, kept up to date by set_value and set_prefix
        self.text = prefix + value
        self.size = len(self.text)
        self.wide = not value.isascii()  # black counts the display width of these
        # set by measure(): the delimiter priority of a split before this leaf, and for a
        # closing bracket whether its pair holds a one-element sequence
        self.before = 0
        self.one_sequence = False

    def __str__(self) -> str:
        return self.text

    def set_value(self, value: str) -> None:
        self.value = value
        self.text = self.prefix + value
        self.size = len(self.text)

    def set_prefix(self, prefix: str) -> None:
        self.prefix = prefix
        self.text = prefix + self.value
        self.size = len(self.text)


TOKEN = re.compile(
    r"""([ ]*)(?:
    ((?:[rRbBuUfF]{1,2})?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"))  # string
    |((?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?[jJ]?)  # number
    |([A-Za-z_][A-Za-z0-9_]*)  # name
    |(->|\*\*=?|//=?|>>=?|<<=?|[=!<>:+\-*/%@|&^]=|[-+*/%@|&^~<>=.,:;()\[\]{}])  # operator
    )""",
    re.VERBOSE,
)
OPERATOR_KINDS = {**dict.fromkeys(OPENING, "OPEN"), **dict.fromkeys(CLOSING, "CLOSE")}
OPERATOR_KINDS[","] = "COMMA"
REFUSED_OPERATORS = {";", ":="} | {
    op + "="
    for op in ("+", "-", "*", "/", "//", "%", "@", "|", "&", "^", "<<", ">>", "**")
}
TRIPLE_QUOTES = ("'" * 3, '"' * 3)


def tokenize(text: str) -> list[Leaf]:
    """One logical line, already spaced as black spaces it, into leaves."""
    leaves: list[Leaf] = []
    consumed = 0
    for space, string, number, name, operator in TOKEN.findall(text):
        if string:
            if string.lstrip("rRbBuUfF")[:3] in TRIPLE_QUOTES:
                raise Unsupported("a triple-quoted string")
            leaf = Leaf("STRING", string, space)
        elif name:
            leaf = Leaf("NAME", name, space)
        elif number:
            leaf = Leaf("NUMBER", number, space)
        else:
            if operator in REFUSED_OPERATORS:
                raise Unsupported(f"operator {operator}")
            leaf = Leaf(OPERATOR_KINDS.get(operator, "OP"), operator, space)
        consumed += leaf.size
        leaves.append(leaf)
    if consumed != len(text.rstrip(" ")):
        raise Unsupported("text this port cannot read (a comment, a backslash, …)")
    return leaves


def _is_operand_end(leaf: Leaf | None) -> bool:
    if leaf is None:
        return False
    if leaf.kind == "NAME":
        return leaf.value not in KEYWORDS
    return leaf.kind in ("NUMBER", "STRING", "CLOSE")


def annotate(leaves: list[Leaf]) -> None:
    """What black reads from the syntax tree: bracket roles, argument commas, unary operators."""
    stack: list[Leaf] = []
    previous: Leaf | None = None
    is_def = bool(leaves) and leaves[0].value == "def"
    comprehension_depths: set[int] = set()  # bracket depths with a `for` clause seen
    for index, leaf in enumerate(leaves):
        if leaf.kind == "NAME" and index > 0:
            if leaf.value in ("yield", "await", "async"):
                raise Unsupported(f"`{leaf.value}` inside an expression")
            if leaf.value == "for":
                leaf.priority_name = "comprehension"
                comprehension_depths.add(len(stack))
            elif leaf.value == "if":
                in_comprehension = len(stack) in comprehension_depths
                leaf.priority_name = "comprehension" if in_comprehension else "ternary"
            elif leaf.value == "else":
                leaf.priority_name = "ternary"
            elif leaf.value == "not":
                following = leaves[index + 1] if index + 1 < len(leaves) else None
                if following is not None and following.value == "in":
                    leaf.priority_name = "comparator"
        if leaf.kind == "OPEN":
            if is_def and not stack and previous is leaves[1]:
                leaf.role = "parameters"
            elif _is_operand_end(previous):
                leaf.role = "subscript" if leaf.value == "[" else "trailer"
            else:
                leaf.role = "atom"
            stack.append(leaf)
        elif leaf.kind == "CLOSE":
            if not stack or OPENING[stack[-1].value] != leaf.value:
                raise Unsupported("unbalanced brackets")
            comprehension_depths.discard(len(stack))
            leaf.opening_bracket = stack.pop()
        elif leaf.kind == "COMMA":
            leaf.arglist = bool(stack) and stack[-1].role in ("trailer", "parameters")
        elif leaf.kind == "OP" and leaf.value in ("-", "+", "~", "*", "**"):
            leaf.unary = not _is_operand_end(previous)
            if leaf.value == "**" and not leaf.unary:
                raise Unsupported("a power operator (black hugs simple operands)")
        previous = leaf
    if stack:
        raise Unsupported("unbalanced brackets")


def invisible_pair(leaves: list[Leaf], start: int, end: int) -> list[Leaf]:
    """Leaves with black's invisible parentheses around leaves[start:end]."""
    if start >= end:
        return leaves
    inner = leaves[start:end]
    if (
        inner[0].kind == "OPEN"
        and inner[0].value == "("
        and inner[-1].opening_bracket is inner[0]
    ):
        if len(inner) == 2 or any(
            leaf.kind == "COMMA" for _, leaf in _top_level(inner[1:-1])
        ):
            raise Unsupported("a tuple where black keeps parentheses")
        inner[0].set_value("")
        inner[-1].set_value("")
        inner[0].role = "invisible"
        return leaves
    opening = Leaf("OPEN", "", inner[0].prefix, role="invisible")
    closing = Leaf("CLOSE", "", "")
    closing.opening_bracket = opening
    inner[0].set_prefix("")
    inner[0].original_prefix = ""
    return [*leaves[:start], opening, *inner, closing, *leaves[end:]]


def _top_level(leaves: list[Leaf]) -> Iterator[tuple[int, Leaf]]:
    depth = 0
    for index, leaf in enumerate(leaves):
        if leaf.kind == "CLOSE":
            depth -= 1
        if depth == 0:
            yield index, leaf
        if leaf.kind == "OPEN":
            depth += 1


def add_invisible_parens(leaves: list[Leaf]) -> list[Leaf]:
    """black's normalize_invisible_parens for the statements this port covers."""
    first = leaves[0].value
    if first in UNSUPPORTED_STARTS:
        raise Unsupported(f"a long `{first}` statement")
    if first in ("return", "assert"):
        cuts = [i for i, leaf in _top_level(leaves) if leaf.kind == "COMMA"]
        bounds = [0, *cuts, len(leaves)]
        for end, start in reversed(list(zip(bounds[1:], bounds[:-1], strict=True))):
            leaves = invisible_pair(leaves, start + 1, end)
        return leaves
    if first == "def":
        return _def_parens(leaves)
    if first == "from":
        names = next(i for i, leaf in enumerate(leaves) if leaf.value == "import")
        return _import_parens(leaves, names + 1)
    if first == "with":
        return _with_parens(leaves)
    if first in ("if", "elif", "while"):
        return invisible_pair(leaves, 1, len(leaves) - 1)
    if first == "del":
        return invisible_pair(leaves, 1, len(leaves))
    if first == "for":
        within = next(i for i, leaf in _top_level(leaves) if leaf.value == "in")
        leaves = invisible_pair(leaves, within + 1, len(leaves) - 1)
        return invisible_pair(leaves, 1, within)
    if first in ("class", "import", "raise", "@"):
        return leaves
    equals = [i for i, leaf in _top_level(leaves) if leaf.value == "="]
    if len(equals) > 1:
        raise Unsupported("a chained assignment")
    if equals:
        leaves = invisible_pair(leaves, equals[0] + 1, len(leaves))
    # `name: annotation = value`: black's ASSIGNMENTS include the annotation's colon
    colon = next((i for i, leaf in _top_level(leaves) if leaf.value == ":"), None)
    if colon is not None:
        end = next(
            i
            for i, leaf in _top_level(leaves)
            if leaf.value == "=" or i == len(leaves) - 1
        )
        leaves = invisible_pair(
            leaves, colon + 1, end if leaves[end].value == "=" else end + 1
        )
    return leaves


def _import_parens(leaves: list[Leaf], start: int) -> list[Leaf]:
    """`from m import a, b`: the names in invisible parentheses (existing ones made invisible)."""
    if leaves[start].value == "(":
        leaves[start].set_value("")
        leaves[-1].set_value("")
        leaves[start].role = "import"
        return leaves
    opening = Leaf("OPEN", "", leaves[start].prefix, role="import")
    closing = Leaf("CLOSE", "", "")
    closing.opening_bracket = opening
    leaves[start].set_prefix("")
    leaves[start].original_prefix = ""
    return [*leaves[:start], opening, *leaves[start:], closing]


def _with_parens(leaves: list[Leaf]) -> list[Leaf]:
    """`with cm as name:`: black wraps the context managers in invisible parentheses when
    every target version can parenthesise them (3.10 and later here)."""
    if leaves[-1].value != ":" or any(
        leaf.kind == "COMMA" for _, leaf in _top_level(leaves)
    ):
        raise Unsupported("a with statement of another shape")
    if leaves[1].value == "(" and leaves[-2].opening_bracket is leaves[1]:
        raise Unsupported("a parenthesised with statement")
    return invisible_pair(leaves, 1, len(leaves) - 1)


def _def_parens(leaves: list[Leaf]) -> list[Leaf]:
    """Invisible parentheses around the return annotation and around parameter annotations
    that are expressions (`str | None`), as black's visit_funcdef and visit_tname add them.
    """
    arrow = next((i for i, leaf in _top_level(leaves) if leaf.value == "->"), None)
    if arrow is not None:
        leaves = invisible_pair(leaves, arrow + 1, len(leaves) - 1)
    opening = next(i for i, leaf in enumerate(leaves) if leaf.kind == "OPEN")
    index = opening + 1
    depth = 0
    while leaves[index].opening_bracket is not leaves[opening]:
        leaf = leaves[index]
        if leaf.kind == "OPEN":
            depth += 1
        elif leaf.kind == "CLOSE":
            depth -= 1
        elif depth == 0 and leaf.value == ":":
            end = index + 1
            inner_depth = 0
            while True:
                here = leaves[end]
                if inner_depth == 0 and (
                    here.kind == "COMMA"
                    or here.value == "="
                    or here.opening_bracket is leaves[opening]
                ):
                    break
                inner_depth += (here.kind == "OPEN") - (here.kind == "CLOSE")
                end += 1
            annotation = leaves[index + 1 : end]
            if any(
                a.kind == "OP" and a.value != "." for _, a in _top_level(annotation)
            ):
                leaves = invisible_pair(leaves, index + 1, end)
                index = end + 2
                continue
        index += 1
    return leaves


class Line:
    """black's Line. Its delimiters and magic trailing comma are derived, when first asked
    for, from what measure() found for the whole statement: most lines fit and never ask.
    """

    __slots__ = (
        "_delimiters",
        "_magic",
        "_should_split",
        "_split_opening",
        "_tracked",
        "_tracked_ids",
        "depth",
        "inside_brackets",
        "leaves",
        "whole",
    )

    def __init__(self, depth: int, *, inside_brackets: bool = False) -> None:
        self.depth = depth
        self.leaves: list[Leaf] = []
        self.inside_brackets = inside_brackets
        # which leaves black's tracker sees: all of a body or an item (inside_brackets)
        # or of a statement (whole), a head's complete bracket pairs, none of a tail
        self.whole = False
        self._tracked_ids: set[Leaf] | None = None
        self._tracked = False
        self._magic: Leaf | None = None
        self._delimiters: dict[Leaf, int] = {}
        # a body's bracket, from which should_split_rhs is decided when first asked
        self._split_opening: Leaf | None = None
        self._should_split: bool | None = None

    def __str__(self) -> str:
        if not self.leaves:
            return ""
        leaves = self.leaves
        return "    " * self.depth + leaves[0].value + "".join(map(_TEXT, leaves[1:]))

    @property
    def is_def(self) -> bool:
        return bool(self.leaves) and self.leaves[0].value == "def"

    @property
    def is_import(self) -> bool:
        return bool(self.leaves) and self.leaves[0].value in ("import", "from")

    def _is_tracked(self, leaf: Leaf) -> bool:
        if self.inside_brackets or self.whole:
            return True
        return self._tracked_ids is not None and leaf in self._tracked_ids

    def track(self) -> None:
        """What black's BracketTracker finds on this line, from the depths and priorities
        measure() computed once for the statement: a body, an item or a statement line is
        balanced, so its depth-0 leaves are those at its first leaf's depth. A head tracks
        only its complete bracket pairs, which hold no depth-0 delimiter; a tail nothing.
        """
        if self._tracked:
            return
        self._tracked = True
        leaves = self.leaves
        if not leaves:
            return
        balanced = self.inside_brackets or self.whole
        chosen = self._tracked_ids or set()
        base = leaves[0].bracket_depth
        delimiters = self._delimiters
        previous: Leaf | None = None
        for leaf in leaves:
            if balanced:
                if leaf.bracket_depth == base:
                    if previous is not None and leaf.before:
                        delimiters[previous] = leaf.before
                    elif leaf.kind == "COMMA":
                        delimiters[leaf] = COMMA_PRIORITY
            elif leaf not in chosen:
                previous = leaf
                continue
            if (
                leaf.kind == "CLOSE"
                and previous is not None
                and previous.kind == "COMMA"
                and _magic(self, leaf)
            ):
                self._magic = leaf
            previous = leaf

    @property
    def magic_trailing_comma(self) -> Leaf | None:
        self.track()
        return self._magic

    def may_have_magic_comma(self) -> bool:
        leaves = self.leaves
        return any(
            leaves[i].kind == "COMMA" and leaves[i + 1].kind == "CLOSE"
            for i in range(len(leaves) - 1)
        )

    @property
    def delimiters(self) -> dict[Leaf, int]:
        self.track()
        return self._delimiters

    @property
    def should_split_rhs(self) -> bool:
        if self._should_split is None:
            opening = self._split_opening
            self._should_split = opening is not None and _should_split(self, opening)
        return self._should_split

    @should_split_rhs.setter
    def should_split_rhs(self, value: bool) -> None:
        self._should_split = value

    def max_priority(self, exclude: Leaf | None = None) -> int:
        priorities = [p for k, p in self.delimiters.items() if k is not exclude]
        if not priorities:
            raise CannotSplit("no delimiters")
        return max(priorities)

    def count_priority(self, priority: int) -> int:
        return sum(1 for p in self.delimiters.values() if p == priority)

    def lengths(self, reverse: bool = False) -> Iterator[tuple[int, Leaf, int]]:
        indexed = list(enumerate(self.leaves))
        for index, leaf in reversed(indexed) if reverse else indexed:
            yield index, leaf, leaf.size


def measure(leaves: list[Leaf]) -> None:
    """black's BracketTracker.mark over a whole statement, once: each leaf's depth and its
    priority as a delimiter (given the leaf before it), each closing bracket's partner and
    whether the pair holds a one-element sequence (black's is_one_sequence_between)."""
    depth = 0
    match: dict[tuple[int, str], Leaf] = {}
    previous: Leaf | None = None
    lambdas: list[int] = []
    fors: list[int] = []
    commas: dict[Leaf, list[int]] = {}  # opening bracket: [commas, argument commas]
    opened: list[Leaf] = []
    for leaf in leaves:
        kind = leaf.kind
        leaf.before = 0
        if depth == 0 and kind == "CLOSE" and (0, leaf.value or ")") not in match:
            continue  # a closing bracket whose partner is on an earlier line
        for_in = False
        if fors and fors[-1] == depth and leaf.value == "in":
            depth -= 1
            fors.pop()
            for_in = True
        if lambdas and lambdas[-1] == depth and leaf.value == ":":
            depth -= 1
            lambdas.pop()
        if kind == "CLOSE":
            depth -= 1
            opening = match.pop((depth, leaf.value or ")"))
            opened.remove(opening)
            leaf.opening_bracket = opening
            count, arguments = commas.pop(opening)
            leaf.one_sequence = not arguments and count < 2
        leaf.bracket_depth = depth
        if not for_in:
            leaf.before = split_before_priority(leaf, previous)
        if kind == "COMMA" and opened and opened[-1].bracket_depth + 1 == depth:
            counts = commas[opened[-1]]
            counts[0] += 1
            counts[1] += leaf.arglist
        if kind == "OPEN":
            match[depth, OPENING.get(leaf.value, ")")] = leaf
            commas[leaf] = [0, 0]
            opened.append(leaf)
            depth += 1
        previous = leaf
        if kind == "NAME":
            if leaf.value == "lambda":
                depth += 1
                lambdas.append(depth)
            elif leaf.value == "for":
                depth += 1
                fors.append(depth)


def _magic(line: Line, closing: Leaf) -> bool:
    """black's Line.has_magic_trailing_comma, for a closing bracket after a comma."""
    if closing.value == "}":
        return True
    opening = closing.opening_bracket
    if closing.value == "]":
        return not (
            opening is not None and opening.role == "subscript" and closing.one_sequence
        )
    if line.is_import:
        return True
    return opening is not None and not closing.one_sequence


def split_before_priority(leaf: Leaf, previous: Leaf | None) -> int:
    """black's is_split_before_delimiter for this port's leaves."""
    if leaf.unary:
        return 0
    if leaf.value == "." and (previous is None or previous.kind == "CLOSE"):
        return DOT_PRIORITY
    if leaf.kind == "OP" and leaf.value in MATH_PRIORITIES:
        return MATH_PRIORITIES[leaf.value]
    if leaf.value in COMPARATORS:
        return COMPARATOR_PRIORITY
    if leaf.kind == "STRING" and previous is not None and previous.kind == "STRING":
        return STRING_PRIORITY
    if leaf.kind != "NAME":
        return 0
    if leaf.priority_name:
        return PRIORITY_NAMES[leaf.priority_name]
    if leaf.value == "is":
        return COMPARATOR_PRIORITY
    if leaf.value == "in" and not (previous is not None and previous.value == "not"):
        return COMPARATOR_PRIORITY
    if leaf.value in ("and", "or"):
        return LOGIC_PRIORITY
    return 0


def one_sequence_between(opening: Leaf, closing: Leaf) -> bool:
    """black's is_one_sequence_between with its default brackets: a one-element tuple."""
    return (
        opening.value in ("(", "")
        and closing.value in (")", "")
        and closing.one_sequence
    )


def str_width(text: str) -> int:
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


_SIZE = attrgetter("size")
_TEXT = attrgetter("text")
_WIDE = attrgetter("wide")


def short_enough(line: Line, line_length: int = LINE_LENGTH) -> bool:
    leaves = line.leaves
    if not leaves:
        return 4 * line.depth <= line_length
    if any(map(_WIDE, leaves)):
        return str_width(str(line)) <= line_length
    width: int = 4 * line.depth + sum(map(_SIZE, leaves)) - len(leaves[0].prefix)
    return width <= line_length


def can_be_split(line: Line) -> bool:
    leaves = line.leaves
    if len(leaves) < 2:
        return False
    if leaves[0].kind == "STRING" and leaves[1].value == ".":
        calls = dots = 0
        following = leaves[-1]
        for leaf in leaves[-2::-1]:
            if leaf.kind == "OPEN":
                if following.kind != "CLOSE":
                    return False
                calls += 1
            elif leaf.value == ".":
                dots += 1
            elif leaf.kind == "NAME":
                if not (following.value == "." or following.kind == "OPEN"):
                    return False
            elif leaf.kind != "CLOSE":
                return False
            if dots > 1 and calls > 1:
                return False
            following = leaf
    return True


# ---- black's linegen, ported -------------------------------------------------------------


def transform_line(line: Line, force_parens: bool = False) -> list[Line]:
    if (
        short_enough(line)
        and not line.should_split_rhs
        and not (line.may_have_magic_comma() and line.magic_trailing_comma)
    ):
        return [line]
    line_str = str(line)
    if line.is_def:
        transformers = [left_hand_split]
    elif line.inside_brackets:
        transformers = [delimiter_split, rhs_with_omits]
    else:
        transformers = [rhs_with_omits]
    for transform in transformers:
        try:
            return run_transformer(line, transform, line_str, force_parens)
        except CannotSplit:
            continue
    return [line]


def run_transformer(
    line: Line, transform: Transform, line_str: str, force_parens: bool
) -> list[Line]:
    second_opinion_possible = not force_parens and transform is rhs_with_omits
    invisible = _invisible_brackets(line) if second_opinion_possible else []
    result: list[Line] = []
    count = len(line.leaves)
    for transformed in transform(line, force_parens):
        if (
            transformed.depth == line.depth
            and abs(len(transformed.leaves) - count) <= 2
            and str(transformed) == line_str
        ):
            raise CannotSplit("unchanged")
        result.extend(transform_line(transformed, force_parens))
    if (
        not second_opinion_possible
        or not invisible
        or any(bracket.value for bracket, depth in invisible if depth == 0)
        or short_enough(result[0])
    ):
        return result
    copy = Line(line.depth, inside_brackets=line.inside_brackets)
    copy.should_split_rhs = line.should_split_rhs
    copy.leaves = clone_leaves(line.leaves)
    copy.whole = True
    measure(copy.leaves)
    copy.track()
    copy._magic = copy._magic or line.magic_trailing_comma
    second_opinion = run_transformer(copy, transform, line_str, True)
    if all(short_enough(ln) for ln in second_opinion):
        result = second_opinion
    return result


_VALUE = attrgetter("value")


def _invisible_brackets(line: Line) -> list[tuple[Leaf, int]]:
    """The invisible brackets black's tracker lists for a line, with their depth, as they
    are before a transform makes some of them visible."""
    if "" not in map(_VALUE, line.leaves):
        return []
    found = []
    depth = 0
    for leaf in line.leaves:
        if not line._is_tracked(leaf):
            continue
        if leaf.kind == "CLOSE":
            if depth == 0:
                continue
            depth -= 1
        if not leaf.value and leaf.kind in ("OPEN", "CLOSE"):
            found.append((leaf, depth))
        if leaf.kind == "OPEN":
            depth += 1
    return found


def clone_leaves(leaves: list[Leaf]) -> list[Leaf]:
    """Fresh leaves, as black's append_leaves makes them: original spacing, current values."""
    clones = []
    for leaf in leaves:
        clone = Leaf(leaf.kind, leaf.value, leaf.original_prefix, leaf.role)
        clone.arglist, clone.unary = leaf.arglist, leaf.unary
        clone.priority_name = leaf.priority_name
        clones.append(clone)
    return clones


def left_hand_split(line: Line, force_parens: bool) -> Iterator[Line]:
    head: list[Leaf] = []
    body: list[Leaf] = []
    tail: list[Leaf] = []
    current = head
    matching: Leaf | None = None
    for leaf in line.leaves:
        if (
            current is body
            and leaf.kind == "CLOSE"
            and leaf.opening_bracket is matching
        ):
            current = tail if body else head
        current.append(leaf)
        if current is head and leaf.value == "(" and matching is None:
            matching = leaf
            current = body
    if matching is None or not tail:
        raise CannotSplit("no brackets")
    yield from _emit(
        _build(head, line, matching, "head"),
        _build(body, line, matching, "body"),
        _build(tail, line, matching, "tail"),
    )


def _emit(head: Line, body: Line, tail: Line) -> Iterator[Line]:
    split_succeeded_or_raise(head, body, tail)
    for result in (head, body, tail):
        if result.leaves:
            yield result


def split_succeeded_or_raise(head: Line, body: Line, tail: Line) -> None:
    tail_length = len(str(tail).strip())
    if not body.leaves:
        if tail_length == 0:
            raise CannotSplit("same line")
        if tail_length < 3:
            raise CannotSplit("not worth it")


def _build(leaves: list[Leaf], original: Line, opening: Leaf, component: str) -> Line:
    """black's bracket_split_build_line."""
    result = Line(original.depth)
    if component == "body":
        result.inside_brackets = True
        result.depth += 1
        if (
            leaves
            and leaves[-1].kind != "COMMA"
            and _ensure_trailing_comma(leaves, original, opening)
        ):
            comma = Leaf("COMMA", ",", "")
            comma.bracket_depth = leaves[0].bracket_depth
            leaves = [*leaves, comma]
        result._split_opening = opening  # should_split_rhs is decided when first asked
    elif component == "head":
        result._tracked_ids = _inside_matching_brackets(leaves)
    result.leaves = leaves
    return result


def _ensure_trailing_comma(leaves: list[Leaf], original: Line, opening: Leaf) -> bool:
    if original.is_import:
        return True
    if not original.is_def or opening.value != "(":
        return False
    depth = 0
    for leaf in leaves:
        if leaf.kind == "COMMA" and depth == 0:
            return False
        depth += (leaf.kind == "OPEN") - (leaf.kind == "CLOSE")
    return True


def _inside_matching_brackets(leaves: list[Leaf]) -> set[Leaf]:
    """black's get_leaves_inside_matching_brackets: the leaves of complete bracket pairs."""
    found: set[Leaf] = set()
    stack: list[tuple[str, list[Leaf]]] = []
    started = False
    for leaf in leaves:
        if leaf.kind == "OPEN":
            started = True
            stack.append((OPENING.get(leaf.value, ")"), [leaf]))
        elif not started:
            continue
        elif leaf.kind == "CLOSE":
            if stack and (leaf.value or ")") == stack[-1][0]:
                level = stack.pop()[1]
                level.append(leaf)
                found.update(level)
            else:
                break
        elif stack:
            stack[-1][1].append(leaf)
    return found


def _should_split(line: Line, opening: Leaf) -> bool:
    trailing_comma = False
    exclude = None
    if line.leaves and line.leaves[-1].kind == "COMMA":
        trailing_comma = True
        exclude = line.leaves[-1]
    try:
        priority = line.max_priority(exclude)
    except CannotSplit:
        return False
    return priority == COMMA_PRIORITY and (
        trailing_comma or opening.role in ("atom", "invisible", "import")
    )


Transform = Callable[["Line", bool], Iterator["Line"]]


@dataclass
class RHS:
    head: Line
    body: Line
    tail: Line
    opening: Leaf
    closing: Leaf


def rhs_with_omits(line: Line, force_parens: bool) -> Iterator[Line]:
    first_lines: list[Line] | None = None
    prefix_lengths: dict[Leaf, int] = {}
    length = 4 * line.depth
    for leaf in line.leaves:
        prefix_lengths[leaf] = length
        length += len(leaf.prefix) + len(leaf.value)
    for omit in trailers_to_omit(line):
        if omit:
            target = next(
                (
                    leaf.opening_bracket
                    for leaf in reversed(line.leaves)
                    if leaf.kind == "CLOSE" and leaf not in omit
                ),
                None,
            )
            if (
                target is not None
                and target.value
                and prefix_lengths.get(target, 0) > LINE_LENGTH
            ):
                continue
        lines = list(right_hand_split(line, force_parens, omit))
        if first_lines is None and not omit:
            first_lines = lines
        if short_enough(lines[0]):
            yield from lines
            return
    if first_lines is not None:
        yield from first_lines
    else:
        yield from right_hand_split(line, force_parens)


def right_hand_split(
    line: Line, force_parens: bool, omit: Iterable[Leaf] = ()
) -> Iterator[Line]:
    rhs = first_right_hand_split(line, set(omit))
    yield from maybe_split_omitting_optional_parens(rhs, line, force_parens, set(omit))


def first_right_hand_split(line: Line, omit: set[Leaf]) -> RHS:
    tail: list[Leaf] = []
    body: list[Leaf] = []
    head: list[Leaf] = []
    current = tail
    opening: Leaf | None = None
    closing: Leaf | None = None
    for leaf in reversed(line.leaves):
        if current is body and leaf is opening:
            current = head if body else tail
        current.append(leaf)
        if current is tail and leaf.kind == "CLOSE" and leaf not in omit:
            opening = leaf.opening_bracket
            closing = leaf
            current = body
    if not (opening and closing and head):
        raise CannotSplit("no brackets")
    tail.reverse()
    body.reverse()
    head.reverse()
    result = RHS(
        _build(head, line, opening, "head"),
        _build(body, line, opening, "body"),
        _build(tail, line, opening, "tail"),
        opening,
        closing,
    )
    split_succeeded_or_raise(result.head, result.body, result.tail)
    return result


def maybe_split_omitting_optional_parens(
    rhs: RHS, line: Line, force_parens: bool, omit: set[Leaf]
) -> Iterator[Line]:
    if (
        not force_parens
        and rhs.opening.role in ("invisible", "import")
        and not rhs.opening.value
        and not rhs.closing.value
        and not line.is_import
        and can_omit_invisible_parens(rhs)
    ):
        omit = {rhs.closing, *omit}
        try:
            rhs_oop = first_right_hand_split(line, omit)
            if prefer_split_rhs_oop(rhs_oop, rhs):
                yield from maybe_split_omitting_optional_parens(
                    rhs_oop, line, force_parens, omit
                )
                return
        except CannotSplit as error:
            if not can_be_split(rhs.body) and not short_enough(rhs.body):
                raise CannotSplit("body still too long") from error
    if rhs.opening.role in ("invisible", "import"):
        rhs.opening.set_value("(")
        rhs.closing.set_value(")")
    for result in (rhs.head, rhs.body, rhs.tail):
        if result.leaves:
            yield result


def prefer_split_rhs_oop(rhs_oop: RHS, rhs: RHS) -> bool:
    head = rhs.head.leaves
    if not (len(head) >= 2 and head[-2].value == "="):
        return True
    if not any(leaf.kind in ("OPEN", "CLOSE") for leaf in head[:-1]):
        return True
    if not short_enough(rhs.head, LINE_LENGTH - 1):
        return True
    if rhs.head.magic_trailing_comma is not None:
        return True
    closing_after_assign = False
    for leaf in reversed(rhs_oop.head.leaves):
        if leaf.value == "=":
            break
        if leaf.kind == "CLOSE":
            closing_after_assign = True
            break
    return closing_after_assign or (
        any(leaf.value == "=" for leaf in rhs_oop.head.leaves)
        and short_enough(rhs_oop.head)
    )


def can_omit_invisible_parens(rhs: RHS) -> bool:
    line = rhs.body
    if not line.delimiters:
        return True
    priority = line.max_priority()
    if line.count_priority(priority) > 1:
        return False
    if priority == DOT_PRIORITY:
        return True
    first, second = line.leaves[0], line.leaves[1]
    if (
        first.kind == "OPEN"
        and second.kind != "CLOSE"
        and _can_omit_opening_paren(line, first)
    ):
        return True
    penultimate, last = line.leaves[-2], line.leaves[-1]
    if (last.kind == "CLOSE" and last.value in (")", "", "}")) or (
        last.value == "]"
        and last.opening_bracket is not None
        and last.opening_bracket.role != "subscript"
    ):
        if penultimate.kind == "OPEN":
            return False
        if _can_omit_closing_paren(line, last):
            return True
    return False


def _can_omit_opening_paren(line: Line, first: Leaf) -> bool:
    remainder = False
    length = 4 * line.depth
    for _, leaf, leaf_length in line.lengths():
        if leaf.kind == "CLOSE" and leaf.opening_bracket is first:
            remainder = True
        if remainder:
            length += leaf_length
            if length > LINE_LENGTH:
                return False
            if leaf.kind == "OPEN":
                remainder = False
    return (
        True  # the whole line was read (black stops early only at multi-line strings)
    )


def _can_omit_closing_paren(line: Line, last: Leaf) -> bool:
    length = 4 * line.depth
    seen_other_brackets = False
    for _, leaf, leaf_length in line.lengths():
        length += leaf_length
        if leaf is last.opening_bracket:
            if seen_other_brackets or length <= LINE_LENGTH:
                return True
        elif leaf.kind == "OPEN":
            seen_other_brackets = True
    return False


def trailers_to_omit(line: Line) -> Iterator[set[Leaf]]:
    omit: set[Leaf] = set()
    if not line.magic_trailing_comma:
        yield omit
    length = 4 * line.depth
    opening: Leaf | None = None
    closing: Leaf | None = None
    inner: set[Leaf] = set()
    for index, leaf, leaf_length in line.lengths(reverse=True):
        length += leaf_length
        if length > LINE_LENGTH:
            break
        previous = line.leaves[index - 1] if index > 0 else None
        if opening:
            if leaf is opening:
                opening = None
            elif leaf.kind == "CLOSE":
                if _closes_after_a_trailing_comma(leaf, previous):
                    break  # never omit a pair with a trailing comma: it must explode
                inner.add(leaf)
        elif leaf.kind == "CLOSE":
            if previous and previous.kind == "OPEN":
                inner.add(leaf)
                continue
            if closing:
                omit.add(closing)
                omit.update(inner)
                inner.clear()
                yield omit
            if _closes_after_a_trailing_comma(leaf, previous):
                break
            if leaf.value:
                opening = leaf.opening_bracket
                closing = leaf


def _closes_after_a_trailing_comma(closing: Leaf, previous: Leaf | None) -> bool:
    return (
        previous is not None
        and previous.kind == "COMMA"
        and closing.opening_bracket is not None
        and not one_sequence_between(closing.opening_bracket, closing)
    )


def delimiter_split(line: Line, force_parens: bool) -> Iterator[Line]:
    if not line.leaves:
        raise CannotSplit("empty")
    leaves = line.leaves
    priority = line.max_priority(exclude=leaves[-1])
    if priority == DOT_PRIORITY and line.count_priority(priority) == 1:
        raise CannotSplit("a single attribute")
    delimiters = line.delimiters
    start = 0
    for index, leaf in enumerate(leaves):
        if delimiters.get(leaf) == priority:
            yield _piece(line, leaves[start : index + 1])
            start = index + 1
    if start < len(leaves):
        rest = leaves[start:]
        if priority == COMMA_PRIORITY and rest[-1].kind != "COMMA":
            comma = Leaf("COMMA", ",", "")
            comma.bracket_depth = leaves[0].bracket_depth
            rest.append(comma)
        yield _piece(line, rest)


def _piece(line: Line, leaves: list[Leaf]) -> Line:
    piece = Line(line.depth, inside_brackets=line.inside_brackets)
    piece.leaves = leaves
    return _first_unspaced(piece)


def _first_unspaced(line: Line) -> Line:
    line.leaves[0].set_prefix("")
    return line


# ---- files ------------------------------------------------------------------------------


def split_statement(text: str) -> list[str]:
    """One statement line (indented) as black prints it."""
    indent = len(text) - len(text.lstrip(" "))
    if indent % 4:
        raise Unsupported("indentation that is not a multiple of four")
    leaves = tokenize(text[indent:])
    annotate(leaves)
    leaves = add_invisible_parens(leaves)
    measure(leaves)
    line = Line(indent // 4)
    line.leaves = leaves
    line.whole = True
    return [str(ln) for ln in transform_line(line)]


_TRAILING_COMMA = re.compile(r",\s*[)\]}]")
_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")


def _bracket_balance(text: str) -> int:
    code = _STRING.sub("", text)
    opened = code.count("(") + code.count("[") + code.count("{")
    return opened - code.count(")") - code.count("]") - code.count("}")


def _join(lines: list[str]) -> str:
    """A statement the templates print over several lines, as one line (black re-splits
    statements from scratch, keeping only magic trailing commas)."""
    text = lines[0].rstrip()
    for line in lines[1:]:
        part = line.strip()
        glue = "" if text.endswith(("(", "[", "{")) or part[:1] in ")]}" else " "
        text += glue + part
    return text


def _split_once(text: str, done: dict[str, list[str]]) -> list[str]:
    if text not in done:
        done[text] = split_statement(text)
    return done[text]


def lay_out(source: str) -> str:
    """A rendered Python file with its long statements split as black splits them.

    Raises Unsupported when a line needs more of black than this port has."""
    out: list[str] = []
    in_docstring = False
    statement: list[str] = []
    depth = 0
    done: dict[str, list[str]] = {}  # a statement printed again is laid out once
    for text in source.split("\n"):
        if statement:
            statement.append(text)
            depth += _bracket_balance(text)
            if depth <= 0:
                out.extend(_split_once(_join(statement), done))
                statement = []
            continue
        if in_docstring:
            # docstrings never hold three quotes (the docstring filter escapes them)
            out.append(text)
            in_docstring = '"""' not in text
            continue
        code = text.lstrip()
        if code.startswith('"""'):
            out.append(text)
            in_docstring = text.count('"""') == 1
            continue
        if code.startswith("#"):  # black never splits a comment
            out.append(text)
            continue
        if text.endswith(("(", "[", "{")):
            depth = _bracket_balance(text)
            if depth > 0:
                statement = [text]
                continue
        if str_width(text) <= LINE_LENGTH and not _TRAILING_COMMA.search(text):
            out.append(text)
            continue
        out.extend(_split_once(text, done))
    if statement:
        raise Unsupported("unbalanced brackets at the end of the file")
    return "\n".join(out)
