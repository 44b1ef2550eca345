"""Stage 6, write: put the generated files on disk so that a kill at any moment loses nothing.

The package folder holds a manifest (`.connector-codegen.json`) of what was written: file hashes
and the inputs they were made from. A generation:

1. stages every changed file, complete, in a sibling folder `.<package>.staging/`;
2. writes the journal `.<package>.journal.json` (atomically): the commit point, listing the
   files to move in and the stale files to remove;
3. moves each staged file into the package folder (`os.replace`, atomic per file), removes the
   stale files, the manifest last of all;
4. deletes the journal and the staging folder.

Killed before step 2, the old output is intact and the next run discards the staging folder;
killed after it, the next `generate` finds the journal and completes the swap (`check` reports
it, and writes nothing). Unchanged files are never rewritten, and files the manifest does not
list (yours, `__pycache__`) are never touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError

MANIFEST = ".connector-codegen.json"
# Test hook: the name of a step at which the writer kills its own process (SIGKILL).
CRASH_ENV = "CONNECTOR_CODEGEN_CRASH_AT"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(inputs: dict[str, Any], files: dict[str, str]) -> str:
    hashes = {path: sha256(text) for path, text in sorted(files.items())}
    manifest = {"inputs": inputs, "files": hashes}
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def read_manifest(package_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((package_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("files"), dict):
        return data
    return None


def previously_written(package_dir: Path) -> set[str]:
    manifest = read_manifest(package_dir)
    return set(manifest["files"]) if manifest else set()


def staging_dir(package_dir: Path) -> Path:
    return package_dir.with_name(f".{package_dir.name}.staging")


def journal_path(package_dir: Path) -> Path:
    return package_dir.with_name(f".{package_dir.name}.journal.json")


def pending_swap(package_dir: Path) -> bool:
    """Whether a generation was interrupted after its commit point."""
    return journal_path(package_dir).is_file()


@dataclass(frozen=True)
class WriteReport:
    written: list[str]
    unchanged: list[str]
    removed: list[str]


def write_package(
    package_dir: Path, files: dict[str, str], *, force: bool
) -> WriteReport:
    """Make the package folder hold exactly `files` (path -> text, the manifest included)."""
    recover(package_dir)
    _check_ownership(package_dir, force)
    changed = [
        path
        for path in sorted(files)
        if _current_text(package_dir / path) != files[path]
    ]
    stale = sorted(previously_written(package_dir) - set(files))
    unchanged = [path for path in sorted(files) if path not in changed]
    if not changed and not stale:
        return WriteReport([], unchanged, [])
    staging = staging_dir(package_dir)
    for path in changed:
        _atomic_write(staging / path, files[path])
        _crash_point("staging")
    _atomic_write(
        journal_path(package_dir), json.dumps({"move": changed, "remove": stale})
    )
    _crash_point("committed")
    _swap(package_dir)
    return WriteReport(changed, unchanged, stale)


def recover(package_dir: Path) -> None:
    """Finish a generation interrupted after its commit point; drop one interrupted before."""
    if pending_swap(package_dir):
        _swap(package_dir)
    elif staging_dir(package_dir).exists():
        shutil.rmtree(staging_dir(package_dir))
    journal = journal_path(package_dir)
    journal.with_name(f".{journal.name}.tmp").unlink(
        missing_ok=True
    )  # a journal never committed


def _swap(package_dir: Path) -> None:
    journal = json.loads(journal_path(package_dir).read_text(encoding="utf-8"))
    staging = staging_dir(package_dir)
    # The manifest moves last: until then the old one still lists every file it wrote.
    for path in sorted(journal["move"], key=lambda p: (p == MANIFEST, p)):
        source = staging / path
        if source.exists():  # absent: moved before an interruption
            (package_dir / path).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, package_dir / path)
            _crash_point("swapping")
    for path in journal["remove"]:
        (package_dir / path).unlink(missing_ok=True)
        _remove_empty_parents(package_dir / path, package_dir)
    journal_path(package_dir).unlink()
    shutil.rmtree(staging, ignore_errors=True)


def _check_ownership(package_dir: Path, force: bool) -> None:
    if package_dir.exists() and not package_dir.is_dir():
        raise GeneratorError(f"{package_dir} exists and is not a folder")
    if force or not package_dir.is_dir() or read_manifest(package_dir) is not None:
        return
    if any(package_dir.iterdir()):
        raise GeneratorError(
            f"{package_dir} exists and was not written by connector-codegen (no {MANIFEST});"
            " use --force to generate into it anyway"
        )


def _current_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    data = text.encode("utf-8")
    with open(temporary, "wb") as stream:
        stream.write(data[: len(data) // 2])
        stream.flush()
        _crash_point("writing")
        stream.write(data[len(data) // 2 :])
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, target)


def _remove_empty_parents(path: Path, stop: Path) -> None:
    folder = path.parent
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:
        os.kill(os.getpid(), signal.SIGKILL)
