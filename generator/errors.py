"""Errors that carry their exit code, and findings that carry their location."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO, Any

import click

EXIT_OK = 0
EXIT_STALE = 1
EXIT_INVALID = 2
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

    def __str__(self) -> str:
        location = ":".join(
            str(part)
            for part in (self.file, self.line, self.column)
            if part is not None
        )
        prefix = ": ".join(part for part in (location, self.pointer) if part)
        return f"{prefix}: {self.message}" if prefix else self.message

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "message": self.message,
        }


class GeneratorError(click.ClickException):
    """Invalid input or usage: reported without a traceback, exit code 2."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.findings = findings or []

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(f"error: {self.message}", err=True, file=file)
        for finding in self.findings:
            click.echo(f"  {finding}", err=True, file=file)


class SpecError(GeneratorError):
    """The spec cannot be used; each finding says what is wrong and where."""

    def __init__(self, findings: list[Finding]) -> None:
        count = len(findings)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the spec has {count} {noun}", findings)

    def show(self, file: IO[Any] | None = None) -> None:
        for finding in self.findings:
            click.echo(f"error: {finding}", err=True, file=file)
        click.echo(f"{self.message}; nothing was written", err=True, file=file)
