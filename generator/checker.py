"""`check`: compare what `generate` would write now with what is on disk, writing nothing."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

from generator.pipeline import Job, build
from generator.writer import previously_written


@dataclass(frozen=True)
class Stale:
    path: Path
    reason: str
    diff: str


def check(job: Job) -> list[Stale]:
    generated = build(job)
    package_dir = generated.package_dir
    stale = []
    for path, expected in sorted(generated.files.items()):
        target = package_dir / path
        try:
            actual = target.read_bytes().decode("utf-8")
        except FileNotFoundError:
            stale.append(
                Stale(
                    target,
                    "missing: generate would create it",
                    _diff(path, "", expected),
                )
            )
            continue
        except (OSError, UnicodeDecodeError):
            actual = None
        if actual != expected:
            stale.append(
                Stale(
                    target,
                    "differs from what generate would write",
                    _diff(path, actual or "", expected),
                )
            )
    for path in sorted(previously_written(package_dir) - set(generated.files)):
        if (package_dir / path).exists():
            stale.append(
                Stale(
                    package_dir / path,
                    "no longer generated: generate would remove it",
                    "",
                )
            )
    return stale


def _diff(path: str, actual: str, expected: str) -> str:
    lines = difflib.unified_diff(
        actual.splitlines(keepends=True),
        expected.splitlines(keepends=True),
        fromfile=f"{path} (on disk)",
        tofile=f"{path} (generated)",
    )
    return "".join(lines)
