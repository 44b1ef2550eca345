"""Stage 6, write: put the generated files on disk, touching only what changed.

The package folder holds a manifest of what was written (file hashes and the inputs'
fingerprint), so that a later run removes files it no longer produces and never touches files it
did not write. Each file is replaced atomically (a temporary file, then a rename).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.errors import GeneratorError

MANIFEST = ".connector-codegen.json"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def manifest_text(inputs: dict[str, Any], files: dict[str, str]) -> str:
    manifest = {
        "inputs": inputs,
        "files": {path: sha256(text) for path, text in sorted(files.items())},
    }
    return json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=True) + "\n"


def read_manifest(package_dir: Path) -> dict[str, Any] | None:
    try:
        data = json.loads((package_dir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return (
        data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None
    )


def previously_written(package_dir: Path) -> set[str]:
    manifest = read_manifest(package_dir)
    return set(manifest["files"]) if manifest else set()


@dataclass(frozen=True)
class WriteReport:
    written: list[str]
    unchanged: list[str]
    removed: list[str]


def write_package(
    package_dir: Path, files: dict[str, str], *, force: bool
) -> WriteReport:
    """Write `files` (path inside the package -> text, the manifest included)."""
    if package_dir.exists() and not package_dir.is_dir():
        raise GeneratorError(f"{package_dir} exists and is not a folder")
    if (
        package_dir.is_dir()
        and read_manifest(package_dir) is None
        and any(package_dir.iterdir())
        and not force
    ):
        raise GeneratorError(
            f"{package_dir} exists and was not written by connector-codegen (no {MANIFEST});"
            " use --force to generate into it anyway"
        )
    stale = sorted(previously_written(package_dir) - set(files))
    written, unchanged = [], []
    # The manifest goes last: until it is replaced, the old one still describes the folder.
    for path in sorted(files, key=lambda p: (p == MANIFEST, p)):
        target = package_dir / path
        if _current_text(target) == files[path]:
            unchanged.append(path)
            continue
        _atomic_write(target, files[path])
        written.append(path)
    for path in stale:
        (package_dir / path).unlink(missing_ok=True)
        _remove_empty_parents(package_dir / path, package_dir)
    return WriteReport(written, unchanged, stale)


def _current_text(path: Path) -> str | None:
    try:
        return path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _atomic_write(target: Path, text: str) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(text.encode("utf-8"))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_empty_parents(path: Path, stop: Path) -> None:
    folder = path.parent
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent
