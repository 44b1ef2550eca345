"""Findings that carry their location, and the exit codes: no dependency, so that the
intermediate model and every stage can use them without the command line."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

EXIT_OK = 0
EXIT_STALE = 1  # `check`: the output on disk is not what generate would write
EXIT_INVALID = 2  # invalid input or usage
EXIT_BREAKING = 3  # `changes --fail-on breaking` found a breaking change


@dataclass(frozen=True)
class Finding:
    """One problem in an input file, with where it is."""

    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    # fatal: the document cannot be understood, even with --lenient
    fatal: bool = field(default=False, compare=False)
    # tolerated: a problem that blocks strict generation, which --lenient gets past
    tolerated: bool = field(default=False, compare=False)
    # what --lenient left out of the client for this problem (a part's description)
    left_out: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        location = ":".join(
            str(part)
            for part in (self.file, self.line, self.column)
            if part is not None
        )
        prefix = ": ".join(part for part in (location, self.pointer) if part)
        message = self.message
        if self.left_out:
            message += f"; {self.left_out} is left out"
        return f"{prefix}: {message}" if prefix else message

    def as_json(self) -> dict[str, Any]:
        """The finding as `--format json` prints it (and the memo keeps it); `tolerated` and
        `left_out` only where --lenient set them."""
        found: dict[str, Any] = {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
        }
        if self.tolerated:
            found["tolerated"] = True
        if self.left_out:
            found["left_out"] = self.left_out
        return found
