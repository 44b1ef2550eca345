"""The errors every stage raises, each carrying its exit code and the lines that report it.

No command-line library here: the command line (`cli.py`) prints `report()` on stderr and exits
with `exit_code`, so a stage, a test or another program can raise and catch these without it.
"""

from __future__ import annotations

from generator.findings import EXIT_BREAKING, EXIT_INVALID, EXIT_STALE, Finding


class GeneratorError(Exception):
    """Invalid input or usage: reported without a traceback, exit code 2."""

    exit_code = EXIT_INVALID

    def __init__(self, message: str, findings: list[Finding] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.findings = findings or []

    def report(self) -> list[str]:
        """The lines that tell the user, for stderr."""
        return [f"error: {self.message}", *(f"  {f}" for f in self.findings)]


class SpecError(GeneratorError):
    """The spec cannot be used; each finding says what is wrong and where."""

    def __init__(
        self, findings: list[Finding], *, lenient_would_pass: bool = False
    ) -> None:
        count = len(findings)
        noun = "problem" if count == 1 else "problems"
        super().__init__(f"the spec has {count} {noun}", findings)
        self.lenient_would_pass = (
            lenient_would_pass  # every problem is a lenient warning
        )

    def report(self) -> list[str]:
        hint = (
            "; with --lenient they are warnings and the client is generated"
            if self.lenient_would_pass
            else ""
        )
        tolerated = sum(finding.tolerated for finding in self.findings)
        if tolerated:  # refused under --lenient: what it would get past, told apart
            hint = f" ({tolerated} of them --lenient gets past, marked 'tolerated')"
        return [
            *(f"{severity(finding)}: {finding}" for finding in self.findings),
            f"{self.message}; nothing was written{hint}",
        ]


def severity(finding: Finding) -> str:
    """How a finding is labelled: a problem --lenient gets past is `tolerated`."""
    return "tolerated" if finding.tolerated else "error"


class Concluded(GeneratorError):
    """A command's verdict that it has already printed, carried out as its exit code: the
    output is stale (1), or the spec's changes break callers (3)."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(f"exit {exit_code}")
        self.exit_code = exit_code

    def report(self) -> list[str]:
        return []


def stale() -> Concluded:
    return Concluded(EXIT_STALE)


def breaking() -> Concluded:
    return Concluded(EXIT_BREAKING)
