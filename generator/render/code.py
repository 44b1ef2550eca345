"""A piece of generated source and the imports it needs, so that a module's imports are the
union of what its parts use, never found by searching the text they print."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from generator.render.printer import Import, Node

# Modules the generated code imports that are not the standard library's.
THIRD_PARTY = frozenset({"httpx", "pytest", "pytest_httpserver", "werkzeug"})


@dataclass(frozen=True)
class Imports:
    """(module, name) pairs: `from module import name`, or `import name` when module is ""."""

    pairs: frozenset[tuple[str, str]] = frozenset()

    @staticmethod
    def of(module: str, *names: str) -> Imports:
        return Imports(frozenset((module, name) for name in names))

    @staticmethod
    def modules(*names: str) -> Imports:
        return Imports(frozenset(("", name) for name in names))

    def __or__(self, other: Imports) -> Imports:
        return Imports(self.pairs | other.pairs)

    def without(self, module: str) -> Imports:
        """These imports but none from `module` (a module does not import itself)."""
        return Imports(frozenset(p for p in self.pairs if p[0] != module))

    def names(self, module: str) -> list[str]:
        """The names imported from `module`, in isort's order."""
        return isort_order(name for m, name in self.pairs if m == module)

    def sections(self) -> list[list[Node]]:
        """The import statements in isort's sections: standard library, third party, this
        package; in each, `import x` lines first, then `from x import ...` by module."""
        sections: list[list[Node]] = []
        for section in ("stdlib", "third-party", "local"):
            plain = sorted(n for m, n in self.pairs if not m and _section(n) == section)
            froms = sorted({m for m, _ in self.pairs if m and _section(m) == section})
            lines: list[Node] = [f"import {name}" for name in plain]
            lines += [Import(m, tuple(self.names(m))) for m in froms]
            if lines:
                sections.append(lines)
        return sections


NO_IMPORTS = Imports()


def union(imports: Iterable[Imports]) -> Imports:
    return Imports(frozenset(p for i in imports for p in i.pairs))


def _section(module: str) -> str:
    if module.startswith("."):
        return "local"
    return "third-party" if module.split(".")[0] in THIRD_PARTY else "stdlib"


@dataclass(frozen=True)
class Code:
    """Source text and what it needs imported."""

    text: str
    imports: Imports = NO_IMPORTS


def isort_order(names: Iterable[object], *, case_sensitive: bool = False) -> list[str]:
    """Names in the order isort and ruff want: CONSTANTS, Classes, then everything else; within
    each, numbers in natural order, case-insensitively in imports and case-sensitively in
    `__all__` (ruff's RUF022)."""

    def key(name: str) -> tuple[int, list[tuple[int, str]], str]:
        kind = 0 if name.isupper() and len(name) > 1 else 1 if name[:1].isupper() else 2
        text = name if case_sensitive else name.lower()
        natural = [
            (int(part), "") if part.isdigit() else (-1, part)
            for part in _DIGITS.split(text)
            if part
        ]
        return kind, natural, name

    return sorted({str(n) for n in names}, key=key)


def all_order(names: Iterable[object]) -> list[str]:
    return isort_order(names, case_sensitive=True)


_DIGITS = re.compile(r"(\d+)")
