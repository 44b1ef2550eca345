"""Where `changes` finds the API a package had: on disk, in another folder, or at a git revision.

Whatever it reads is untrusted (a vendored copy, a branch anyone can push): the record is checked
by `surface.read_record`, and a baseline that cannot be found or read is a clear error.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

from generator.api_record.record import API_RECORD, load_record, read_record
from generator.errors import GeneratorError

GIT_TIMEOUT = 30  # seconds


def load(package_dir: Path, against: str | None) -> dict[str, Any] | None:
    """The baseline record of the package; None when the baseline has no record."""
    if against is None:
        return load_record(package_dir)
    folder = Path(against)
    if folder.is_dir():
        inside = folder / package_dir.name
        return load_record(inside if (inside / API_RECORD).exists() else folder)
    return _at_revision(package_dir, against)


def _at_revision(package_dir: Path, revision: str) -> dict[str, Any] | None:
    if revision.startswith("-"):
        raise GeneratorError(f"--against {revision!r}: not a folder or a git revision")
    top = _git(
        package_dir.parent if not package_dir.exists() else package_dir,
        "rev-parse",
        "--show-toplevel",
    )
    if top is None:
        raise GeneratorError(
            f"--against {revision}: {package_dir} is not in a git work tree"
        )
    try:
        relative = (package_dir.resolve() / API_RECORD).relative_to(
            Path(top.strip()).resolve()
        )
    except ValueError:
        raise GeneratorError(
            f"--against {revision}: {package_dir} is outside {top.strip()}"
        ) from None
    if (
        _git(
            Path(top.strip()),
            "rev-parse",
            "--verify",
            "--quiet",
            f"{revision}^{{commit}}",
        )
        is None
    ):
        raise GeneratorError(f"--against {revision}: no such folder or git revision")
    text = _git(Path(top.strip()), "show", f"{revision}:{relative.as_posix()}")
    if text is None:
        return None  # the package had no record at that revision
    return read_record(text, f"{revision}:{relative.as_posix()}")


def _git(folder: Path, *arguments: str) -> str | None:
    """git's output, or None when it fails."""
    while not folder.exists():
        folder = folder.parent
    try:
        done = subprocess.run(
            ["git", *arguments],
            cwd=folder,
            capture_output=True,
            timeout=GIT_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise GeneratorError(f"git could not run: {error}") from None
    if done.returncode != 0:
        return None
    try:
        return done.stdout.decode("utf-8")
    except UnicodeDecodeError:
        raise GeneratorError(
            f"git show gave text that is not UTF-8 ({arguments[-1]})"
        ) from None


def describe(against: str | None) -> str:
    """What `changes` compared with, in words: `against the package on disk`, `against HEAD`."""
    if against is None:
        return "the package on disk"
    if Path(against).is_dir():
        return f"the package in {against}"
    return against
